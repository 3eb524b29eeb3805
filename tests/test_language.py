"""Each person's language: guessed from Telegram, switched with /language."""

from __future__ import annotations

from bot.staff.roles import Role
from tests.conftest import ADMIN, COLLEAGUE
from tests.helpers.harness import BotHarness, only_text


async def test_language_offers_each_language_in_its_own_name(bot: BotHarness) -> None:
    calls = await bot.send(ADMIN, "/language")

    assert calls[0].text == "Aktuelle Sprache: Deutsch. Bitte wählen Sie eine Sprache:"
    assert [(b["text"], b["callback_data"]) for b in calls[0].buttons] == [
        ("Deutsch", "language:de"),
        ("English", "language:en"),
        ("Українська", "language:uk"),
    ]


async def test_choosing_a_language_stores_it_and_answers_in_it(bot: BotHarness) -> None:
    await bot.send(ADMIN, "/language")

    calls = await bot.press(ADMIN, "Українська")

    assert [call.method for call in calls] == [
        "answerCallbackQuery",
        "editMessageText",
        "setMyCommands",
    ]
    assert calls[1].text == "Мову змінено на: українська."
    assert calls[2].params["scope"] == {"type": "chat", "chat_id": ADMIN.id}
    assert {
        "command": "invite",
        "description": "Запросити колегу: /invite case_manager",
    } in calls[2].params["commands"]
    assert (await bot.storage.staff.get(ADMIN.id)).locale == "uk"
    assert only_text(await bot.send(ADMIN, "/help")).startswith("<b>Ваші команди</b>")
    assert await bot.storage.audit.actions(ADMIN.id) == ["staff.bootstrap_admin", "staff.language"]


async def test_the_chosen_language_beats_telegrams(bot: BotHarness) -> None:
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="en")

    reply = only_text(await bot.send(COLLEAGUE, "/help"))

    assert reply.startswith("<b>Your commands</b> (case manager)")


async def test_a_forged_language_button_is_not_accepted(bot: BotHarness) -> None:
    await bot.send(ADMIN, "/language")
    message_id, _ = bot.telegram.find_button(ADMIN.id, "English")

    calls = await bot.process(bot.telegram.callback_update(ADMIN, message_id, "language:fr"))

    assert [(call.method, call.text) for call in calls] == [
        ("answerCallbackQuery", "Diese Schaltfläche ist nicht mehr aktiv.")
    ]
    assert (await bot.storage.staff.get(ADMIN.id)).locale == "de"


async def test_pressing_the_same_language_twice_edits_once_and_fails_nothing(
    bot: BotHarness,
) -> None:
    """Found by the fuzzer: the second press edited the message to the text it showed, which
    Telegram refuses ("message is not modified"), and the handler failed."""
    await bot.send(ADMIN, "/language")
    message_id, _ = bot.telegram.find_button(ADMIN.id, "English")
    await bot.press(ADMIN, "English")

    again = await bot.process(bot.telegram.callback_update(ADMIN, message_id, "language:en"))

    assert "editMessageText" not in [call.method for call in again]
    assert bot.telegram.refused == []
    assert (await bot.storage.staff.get(ADMIN.id)).locale == "en"
