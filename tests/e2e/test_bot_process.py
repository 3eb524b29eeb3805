"""The real bot process against the fake Bot API server, over HTTP with long polling."""

from __future__ import annotations

import asyncio
import re
import signal

import pytest

from bot.offline import Person
from tests.e2e.conftest import ADMIN, STARTUP_TIMEOUT, TelegramUser

pytestmark = pytest.mark.e2e

NEWCOMER = Person(2002, "Oksana", "oksana_cm", "uk")
STRANGER = Person(3003, "Fremd", None, "de")


async def test_a_newcomer_registers_by_invitation_and_a_stranger_is_refused(
    bot_process: asyncio.subprocess.Process, telegram: TelegramUser
) -> None:
    await telegram.send(ADMIN, "/invite case_manager")
    invitation = await telegram.wait_for("sendMessage", ADMIN.id)
    code = re.search(r"\?start=(\w+)", invitation["text"]).group(1)

    await telegram.send(NEWCOMER, f"/start {code}")
    welcome = await telegram.wait_for("sendMessage", NEWCOMER.id)
    assert welcome["text"].startswith("Ласкаво просимо до KIM-Bot, Oksana!")
    menu = await telegram.wait_for(
        "setMyCommands", matches=lambda params: params["scope"].get("chat_id") == NEWCOMER.id
    )
    assert [command["command"] for command in menu["commands"]] == ["help", "language"]
    notice = await telegram.wait_for("sendMessage", ADMIN.id)
    assert notice["text"].startswith("@oksana_cm hat Ihre Einladung angenommen")

    await telegram.send(NEWCOMER, "/help")
    help_text = (await telegram.wait_for("sendMessage", NEWCOMER.id))["text"]
    assert help_text.startswith("<b>Ваші команди</b> (кейс-менеджер)\n/help – ")
    assert "/invite" not in help_text and "/revoke" not in help_text

    await telegram.send(STRANGER, "/help")
    refusal = await telegram.wait_for("sendMessage", STRANGER.id)
    assert refusal["text"] == (
        "Sie sind bei KIM-Bot nicht registriert. Bitte fragen Sie die "
        "KIM-Koordination nach einer Einladung."
    )


async def test_a_button_press_travels_through_long_polling(
    bot_process: asyncio.subprocess.Process, telegram: TelegramUser
) -> None:
    await telegram.send(ADMIN, "/language")
    await telegram.wait_for("sendMessage", ADMIN.id)

    await telegram.press(ADMIN, "English")

    answer = await telegram.wait_for("answerCallbackQuery")
    edited = await telegram.wait_for("editMessageText", ADMIN.id)
    assert "show_alert" not in answer
    assert edited["text"] == "Language set to English."


async def test_the_process_stops_cleanly_on_sigterm(
    bot_process: asyncio.subprocess.Process, telegram: TelegramUser
) -> None:
    bot_process.send_signal(signal.SIGTERM)

    assert await asyncio.wait_for(bot_process.wait(), timeout=STARTUP_TIMEOUT) == 0
