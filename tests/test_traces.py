"""Chat traces: messages showing case details leave the chat after CHAT_RETENTION_HOURS,
within Telegram's 48 hours; what cannot be deleted is logged and dropped, never retried."""

from __future__ import annotations

import logging

import pytest

from bot.casework.vocabulary import ContactType, Topic
from bot.core.config import Settings
from bot.core.i18n import use_locale
from bot.core.offline import OfflineTelegram, Person
from bot.core.telegram_rules import TelegramRefusal
from bot.handlers.traces import JOB_NAME
from bot.staff.roles import Role
from tests.conftest import CASE_MANAGER, COORDINATOR, START
from tests.helpers.harness import BotHarness, FakeTime
from tests.helpers.texts import de

LOGGER = "bot.handlers.traces"


async def traces(bot: BotHarness) -> list[tuple[int, int]]:
    rows = await bot.storage.db.fetch_all(
        "SELECT chat_id, message_id FROM chat_traces ORDER BY message_id"
    )
    return [(row["chat_id"], row["message_id"]) for row in rows]


def deleted(calls: list) -> list[tuple[int, int]]:
    return [
        (int(call.params["chat_id"]), int(call.params["message_id"]))
        for call in calls
        if call.method == "deleteMessage"
    ]


async def family_with_contact(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")
    await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch aufenthalt: Termin ABH vereinbart")


async def test_family_cards_and_saved_contacts_are_recorded_as_traces(bot: BotHarness) -> None:
    await family_with_contact(bot)
    await bot.send(CASE_MANAGER, "/family F-0001")
    await bot.send(CASE_MANAGER, "/due")

    # The card of /newfamily, the saved contact with its note, the card of /family; not /due.
    assert len(await traces(bot)) == 3
    assert {chat for chat, _ in await traces(bot)} == {CASE_MANAGER.id}


async def test_traces_are_deleted_after_24_hours(bot: BotHarness) -> None:
    await family_with_contact(bot)
    recorded = await traces(bot)

    bot.time.advance(hours=23)
    assert deleted(await bot.run_job(JOB_NAME)) == []
    bot.time.advance(hours=1, minutes=15)
    calls = await bot.run_job(JOB_NAME)

    assert deleted(calls) == recorded
    assert await traces(bot) == []
    assert deleted(await bot.run_job(JOB_NAME)) == []


async def test_with_zero_hours_messages_stay_and_nothing_is_recorded(
    settings: Settings, time: FakeTime
) -> None:
    async with BotHarness(settings.model_copy(update={"chat_retention_hours": 0}), time) as bot:
        await family_with_contact(bot)
        assert await traces(bot) == []
        bot.time.advance(hours=25)
        assert deleted(await bot.run_job(JOB_NAME)) == []


async def test_switching_to_zero_hours_keeps_what_was_recorded(
    settings: Settings, time: FakeTime
) -> None:
    async with BotHarness(settings, time) as bot:
        await family_with_contact(bot)
        assert await traces(bot)
    async with BotHarness(settings.model_copy(update={"chat_retention_hours": 0}), time) as bot:
        time.advance(hours=25)
        assert deleted(await bot.run_job(JOB_NAME)) == []
        assert await traces(bot) == []


async def test_older_than_48_hours_is_dropped_without_trying(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await family_with_contact(bot)

    bot.time.advance(hours=49)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        calls = await bot.run_job(JOB_NAME)

    assert deleted(calls) == []
    assert bot.telegram.refused == []
    assert await traces(bot) == []
    assert sum("older than 48 hours" in record.message for record in caplog.records) == 2


async def test_a_message_telegram_refuses_to_delete_is_logged_and_not_retried(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await family_with_contact(bot)
    [first, second] = await traces(bot)
    # The person deleted the card themselves: Telegram no longer knows it.
    bot.telegram.call("deleteMessage", {"chat_id": first[0], "message_id": first[1]})

    bot.time.advance(hours=25)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        calls = await bot.run_job(JOB_NAME)

    assert deleted(calls) == [second]
    assert [description for _, description in bot.telegram.refused] == [
        "Bad Request: message to delete not found"
    ]
    assert any("could not delete" in record.message for record in caplog.records)
    assert await traces(bot) == []
    assert deleted(await bot.run_job(JOB_NAME)) == []
    assert len(bot.telegram.refused) == 1


async def test_traces_left_by_a_stopped_bot_are_deleted_at_start_up(
    settings: Settings, time: FakeTime
) -> None:
    async with BotHarness(settings, time) as bot:
        await family_with_contact(bot)
        recorded = await traces(bot)
    time.advance(hours=30)
    async with BotHarness(settings, time) as restarted:
        # The new offline Telegram does not know the old messages: refused, logged, dropped.
        await restarted.run_job(f"{JOB_NAME} (catch-up)")
        assert len(restarted.telegram.refused) == len(recorded)
        assert await traces(restarted) == []


async def test_a_dialog_message_leaves_the_chat_counted_from_when_it_was_sent(
    settings: Settings, time: FakeTime
) -> None:
    """The /log dialog's message was sent when the dialog began and shows the note from Save
    on; at 47 hours it must go by the time Telegram counts, not from Save (found by the
    fuzzer: counted from Save, the deletion came after Telegram's 48 hours and was refused)."""
    async with BotHarness(settings.model_copy(update={"chat_retention_hours": 47}), time) as bot:
        await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
        await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")
        await bot.send(CASE_MANAGER, "/log")
        with use_locale("de"):
            await bot.press(CASE_MANAGER, "F-0001 · Ahlen")
            await bot.press(CASE_MANAGER, de("Today"))
            await bot.press(CASE_MANAGER, ContactType.OFFICE.label)
            await bot.press(CASE_MANAGER, "45 Min.")
            await bot.press(CASE_MANAGER, Topic.WORK.label)
            await bot.press(CASE_MANAGER, de("Done"))
            await bot.send(CASE_MANAGER, "Bewerbung besprochen")
            bot.time.advance(hours=2)
            await bot.press(CASE_MANAGER, de("Save"))

        bot.time.advance(hours=45, minutes=15)
        calls = await bot.run_job(JOB_NAME)

        # The contact's source is the dialog's message, where Save was pressed.
        dialog = await bot.storage.db.fetch_value("SELECT source_message_id FROM contacts")
        assert (CASE_MANAGER.id, dialog) in deleted(calls)
        assert bot.telegram.refused == []


async def test_the_coordinators_notice_of_a_flag_is_a_trace(bot: BotHarness) -> None:
    await family_with_contact(bot)
    await bot.send(CASE_MANAGER, "/flag F-0001 wartezeit: drei Monate auf einen Termin")

    assert COORDINATOR.id in {chat for chat, _ in await traces(bot)}


# The offline Telegram deletes like Telegram ---------------------------------------------


def test_offline_telegram_deletes_only_the_bots_own_messages_within_48_hours() -> None:
    now = [START.timestamp()]
    telegram = OfflineTelegram("123:offline", clock=lambda: now[0])
    person = Person(7, "Anna")
    update = telegram.message_update(person, "hallo")
    mine = telegram.call("sendMessage", {"chat_id": 7, "text": "a"})
    old = telegram.call("sendMessage", {"chat_id": 7, "text": "b"})

    with pytest.raises(TelegramRefusal, match="message to delete not found"):
        telegram.call(
            "deleteMessage", {"chat_id": 7, "message_id": update["message"]["message_id"]}
        )
    with pytest.raises(TelegramRefusal, match="message to delete not found"):
        telegram.call("deleteMessage", {"chat_id": 7, "message_id": 999})
    assert telegram.call("deleteMessage", {"chat_id": 7, "message_id": mine["message_id"]})
    with pytest.raises(TelegramRefusal, match="message to delete not found"):
        telegram.call("deleteMessage", {"chat_id": 7, "message_id": mine["message_id"]})
    now[0] += 48 * 3600
    with pytest.raises(TelegramRefusal, match="message can't be deleted"):
        telegram.call("deleteMessage", {"chat_id": 7, "message_id": old["message_id"]})


def test_the_retention_must_stay_within_telegrams_48_hours() -> None:
    with pytest.raises(ValueError, match="47"):
        Settings(_env_file=None, chat_retention_hours=48)
    assert Settings(_env_file=None, chat_retention_hours=0).chat_retention_hours == 0
