"""Delivery in-process: the inbox stores updates first and handles each once; replies are
retried, kept in the outbox when Telegram stays unwell, and never blamed on the person.

The real process, SIGKILLs, HTTP faults and the webhook are in tests/e2e/.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest

from bot.core.config import Settings
from bot.core.offline import Fault, FaultKind
from bot.delivery.inbox import MAX_IN_HAND, Inbox
from bot.staff.roles import Role
from tests.conftest import CASE_MANAGER, COORDINATOR
from tests.helpers.harness import BotHarness, FakeTime, texts
from tests.helpers.texts import contact_saved

LOG = "/log F-0001 45m hausbesuch arbeit"
SAVED = contact_saved()
TRY_AGAIN = "Bitte versuchen Sie es noch einmal"


@pytest.fixture
async def family_bot(bot: BotHarness) -> BotHarness:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru einwilligung")
    return bot


def inbox_of(bot: BotHarness) -> Inbox:
    return Inbox(bot.application, bot.storage.inbox)


async def contacts(bot: BotHarness) -> int:
    return int(await bot.storage.db.fetch_value("SELECT count(*) FROM contacts"))


def sent_texts(bot: BotHarness, before: int = 0) -> list[str]:
    return texts(bot.telegram.calls[before:])


# The inbox ---------------------------------------------------------------------------------


async def test_an_update_is_stored_then_handled_and_its_text_goes_once_handled(
    family_bot: BotHarness,
) -> None:
    bot = family_bot
    inbox = inbox_of(bot)
    update = bot.telegram.message_update(CASE_MANAGER, LOG)

    await inbox.receive([update])
    await inbox.settled()

    assert await contacts(bot) == 1
    assert sent_texts(bot)[-1].startswith(SAVED)
    row = await bot.storage.db.fetch_one(
        "SELECT payload, handled_at FROM inbox WHERE update_id = ?", (update["update_id"],)
    )
    assert row["payload"] is None and row["handled_at"] is not None
    assert await bot.storage.inbox.pending_count() == 0


async def test_an_update_delivered_again_is_handled_once(family_bot: BotHarness) -> None:
    bot = family_bot
    inbox = inbox_of(bot)
    update = bot.telegram.message_update(CASE_MANAGER, LOG)
    before = len(bot.telegram.calls)

    await inbox.receive([update, update])
    await inbox.settled()
    await inbox.receive([update])  # Telegram again, after it was handled
    await inbox.settled()

    assert await contacts(bot) == 1
    assert [text for text in sent_texts(bot, before) if text.startswith(SAVED)] == [
        sent_texts(bot, before)[0]
    ]
    assert len(sent_texts(bot, before)) == 1


async def test_updates_stored_before_a_crash_are_handled_after_the_restart_in_order(
    family_bot: BotHarness,
) -> None:
    bot = family_bot
    first = bot.telegram.message_update(CASE_MANAGER, "/log F-0001 30m telefon arbeit")
    second = bot.telegram.message_update(CASE_MANAGER, "/log F-0001 60m hausbesuch wohnen")
    # Stored, and then the process died: never handled.
    await bot.storage.inbox.store(
        [(update["update_id"], json.dumps(update)) for update in (first, second)], bot.time()
    )
    before = len(bot.telegram.calls)

    inbox = inbox_of(bot)
    handled = await inbox.resume()
    await inbox.settled()

    assert handled == 2
    minutes = await bot.storage.db.fetch_all("SELECT minutes FROM contacts ORDER BY id")
    assert [row["minutes"] for row in minutes] == [30, 60]
    assert [text.splitlines()[0] for text in sent_texts(bot, before)] == [
        f"{SAVED}1 gespeichert:",
        f"{SAVED}2 gespeichert:",
    ]
    assert await bot.storage.inbox.pending_count() == 0


async def test_an_update_the_bot_cannot_read_is_set_aside_and_the_others_are_handled(
    family_bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot = family_bot
    inbox = inbox_of(bot)
    unreadable = {"update_id": 999_999, "message": {"message_id": "not a number"}}

    await inbox.receive([unreadable, bot.telegram.message_update(CASE_MANAGER, LOG)])
    await inbox.settled()

    assert await contacts(bot) == 1
    assert await bot.storage.inbox.pending_count() == 0
    assert "update 999999 cannot be read" in caplog.text


async def test_a_stop_finishes_what_runs_and_leaves_the_rest_for_the_next_start(
    family_bot: BotHarness,
) -> None:
    bot = family_bot
    inbox = inbox_of(bot)
    updates = [
        bot.telegram.message_update(CASE_MANAGER, f"/log F-0001 {minutes}m telefon arbeit")
        for minutes in (15, 20, 25)
    ]

    await inbox.receive(updates)
    await inbox.stop()  # before any of them began

    assert await contacts(bot) == 0
    assert await bot.storage.inbox.pending_count() == 3
    restarted = inbox_of(bot)
    assert await restarted.resume() == 3
    await restarted.settled()
    assert await contacts(bot) == 3
    assert await bot.storage.inbox.pending_count() == 0


async def test_with_its_hands_full_the_inbox_takes_no_more_until_some_are_done(
    family_bot: BotHarness,
) -> None:
    # A burst waits at Telegram, not in the bot's memory: the poller's next getUpdates (or
    # the webhook's answer) waits while MAX_IN_HAND updates are in hand.
    bot = family_bot
    inbox = inbox_of(bot)
    batches = [
        [bot.telegram.message_update(CASE_MANAGER, "/help") for _ in range(MAX_IN_HAND)]
        for _ in range(3)
    ]
    before = len(bot.telegram.calls)

    for batch in batches:
        await inbox.receive(batch)
    # The third batch was taken only with fewer than MAX_IN_HAND (100) of the first 200 in
    # hand: more than 200 - 100 = 100 of them were answered by then (without the limit,
    # hardly any: the handlers had barely begun).
    assert len(sent_texts(bot, before)) > MAX_IN_HAND
    await inbox.settled()
    assert len(sent_texts(bot, before)) == 3 * MAX_IN_HAND
    assert await bot.storage.inbox.pending_count() == 0


async def test_handled_update_ids_are_forgotten_after_48_hours(
    family_bot: BotHarness, time: FakeTime
) -> None:
    bot = family_bot
    inbox = inbox_of(bot)
    await inbox.receive([bot.telegram.message_update(CASE_MANAGER, "/help")])
    await inbox.settled()

    time.advance(hours=47)
    await bot.run_job("inbox")
    kept = await bot.storage.db.fetch_value("SELECT count(*) FROM inbox")
    time.advance(hours=2)
    await bot.run_job("inbox")

    assert kept == 1
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM inbox") == 0


async def test_with_a_key_updates_and_replies_in_transit_are_sealed(
    sealed_bot: BotHarness, sealed_settings: Settings
) -> None:
    bot = sealed_bot
    note = "Termin beim Jobcenter verschoben"
    update = bot.telegram.message_update(CASE_MANAGER, f"/log F-0001 45m telefon arbeit: {note}")
    await bot.storage.inbox.store([(update["update_id"], json.dumps(update))], bot.time())
    bot.telegram.fail(Fault(FaultKind.SERVER_ERROR, "sendMessage", times=None))
    await bot.send(CASE_MANAGER, f"/help {note}")

    connection = sqlite3.connect(sealed_settings.database_path)
    try:
        [(payload,)] = connection.execute("SELECT payload FROM inbox").fetchall()
        [(params,)] = connection.execute("SELECT params FROM outbox").fetchall()
    finally:
        connection.close()
    assert payload.startswith("fernet:") and params.startswith("fernet:")
    assert note not in payload + params
    [(_, opened)] = await bot.storage.inbox.pending()
    assert note in opened


# Replies -----------------------------------------------------------------------------------


async def test_a_reply_that_fails_for_a_moment_is_sent_again_and_nothing_is_blamed(
    family_bot: BotHarness,
) -> None:
    bot = family_bot
    bot.telegram.fail(Fault(FaultKind.FLOOD, "sendMessage", times=1))
    bot.telegram.fail(Fault(FaultKind.SERVER_ERROR, "sendMessage", times=1))
    bot.telegram.fail(Fault(FaultKind.STALL, "sendMessage", times=1))
    bot.telegram.fail(Fault(FaultKind.RESET, "sendMessage", times=1))

    calls = await bot.send(CASE_MANAGER, LOG)

    assert [text.splitlines()[0] for text in texts(calls)] == [f"{SAVED}1 gespeichert:"]
    assert [kind for _, kind in bot.telegram.failed] == [
        FaultKind.FLOOD,  # waited out (retry after 1 s), as Telegram asks
        FaultKind.SERVER_ERROR,
        FaultKind.STALL,
        FaultKind.RESET,
    ]
    assert await contacts(bot) == 1
    assert await bot.storage.outbox.pending_count() == 0


async def test_a_reply_telegram_does_not_take_waits_in_the_outbox_until_it_does(
    family_bot: BotHarness, time: FakeTime
) -> None:
    bot = family_bot
    # More failures in a row than the retries (4 calls live, 4 at the first replay).
    bot.telegram.fail(Fault(FaultKind.SERVER_ERROR, "sendMessage", CASE_MANAGER.id, times=8))

    calls = await bot.send(CASE_MANAGER, LOG)

    assert texts(calls) == []  # neither the confirmation nor an apology, for now
    assert await contacts(bot) == 1
    assert await bot.storage.outbox.pending_count() == 1
    outbox = bot.application.bot_data.outbox
    assert await outbox.deliver_due() == 0  # not due yet
    time.advance(seconds=2)
    assert await outbox.deliver_due() == 0  # due, but Telegram still fails
    time.advance(seconds=4)
    before = len(bot.telegram.calls)
    assert await outbox.deliver_due() == 1

    [confirmation] = texts(bot.telegram.calls[before:])
    assert confirmation.startswith(SAVED)
    assert await bot.storage.outbox.pending_count() == 0
    # The Undo button travelled with it.
    assert bot.telegram.find_button(CASE_MANAGER.id, "Rückgängig (30 Min.)") is not None


async def test_a_blocked_coordinator_does_not_keep_the_others_from_their_notice(
    family_bot: BotHarness, bot: BotHarness
) -> None:
    other = COORDINATOR.__class__(1010, "Lena", "lena_koord", "de")
    await bot.register(other, Role.COORDINATOR)
    bot.telegram.fail(Fault(FaultKind.BLOCKED, chat_id=COORDINATOR.id, times=None))

    calls = await bot.send(CASE_MANAGER, f"{LOG}: #struktur Wartezeit beim Amt")

    to_other = [call.params["text"] for call in calls if call.params.get("chat_id") == other.id]
    assert len(to_other) == 1 and "Wartezeit" in to_other[0]
    assert texts([call for call in calls if call.params.get("chat_id") == CASE_MANAGER.id])[
        0
    ].startswith(SAVED)
    # Blocked is for good: not retried, not kept.
    assert await bot.storage.outbox.pending_count() == 0


async def test_the_error_handler_says_try_again_only_when_nothing_was_stored(
    family_bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = family_bot

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(bot.storage.contacts, "add", broken)
    before = len(bot.telegram.calls)
    with pytest.raises(AssertionError, match="the disk is full"):
        await bot.send(CASE_MANAGER, LOG)
    [nothing_saved] = sent_texts(bot, before)
    bot.errors.clear()
    monkeypatch.undo()

    monkeypatch.setattr(bot.storage.flags, "for_contact", broken)
    before = len(bot.telegram.calls)
    with pytest.raises(AssertionError, match="the disk is full"):
        await bot.send(CASE_MANAGER, f"{LOG}: #struktur Wartezeit beim Amt")
    [saved_first] = sent_texts(bot, before)

    assert TRY_AGAIN in nothing_saved and "nichts gespeichert" in nothing_saved
    assert TRY_AGAIN not in saved_first
    assert "nach dem Speichern" in saved_first and "prüfen" in saved_first
    assert await contacts(bot) == 1


async def test_a_reply_kept_in_the_outbox_does_not_stop_what_follows_it(
    family_bot: BotHarness, time: FakeTime
) -> None:
    bot = family_bot
    bot.telegram.fail(Fault(FaultKind.SERVER_ERROR, "sendMessage", CASE_MANAGER.id, times=4))

    calls = await bot.send(CASE_MANAGER, f"{LOG}: #struktur Wartezeit beim Amt")

    # The case manager's confirmation waits; the coordination hears of the gap at once.
    [notice] = [call.params["text"] for call in calls if call.params["chat_id"] == COORDINATOR.id]
    assert "Wartezeit beim Amt" in notice
    assert await bot.storage.outbox.pending_count() == 1
    traces = await bot.storage.traces.count()
    time.advance(seconds=2)
    assert await bot.application.bot_data.outbox.deliver_due() == 1
    # The confirmation shows the note: once delivered, it leaves the chat like the others.
    assert await bot.storage.traces.count() == traces + 1


async def test_while_stopping_a_failing_reply_goes_to_the_outbox_without_retries(
    family_bot: BotHarness,
) -> None:
    bot = family_bot
    bot.telegram.fail(Fault(FaultKind.STALL, "sendMessage", CASE_MANAGER.id, times=1))
    bot.application.bot.rate_limiter.stopping = True

    await bot.send(CASE_MANAGER, LOG)

    assert len(bot.telegram.failed) == 1
    assert await bot.storage.outbox.pending_count() == 1


async def test_a_call_in_the_outbox_that_cannot_be_made_is_dropped_not_repeated(
    family_bot: BotHarness, time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    bot = family_bot
    await bot.storage.outbox.add(
        "sendMessage", CASE_MANAGER.id, '{"no_such_field": 1}', False, bot.time(), bot.time()
    )

    assert await bot.application.bot_data.outbox.deliver_due() == 0

    assert await bot.storage.outbox.pending_count() == 0
    assert "sendMessage from the outbox cannot be made; dropped" in caplog.text
