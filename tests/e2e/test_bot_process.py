"""The real bot process against the fake Bot API server, over HTTP with long polling."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.core.offline import Person
from bot.interpreting.requests import is_holiday
from tests.e2e.conftest import ADMIN, STARTUP_TIMEOUT, TelegramUser

pytestmark = pytest.mark.e2e

NEWCOMER = Person(2002, "Oksana", "oksana_cm", "uk")
STRANGER = Person(3003, "Fremd", None, "de")


async def test_a_newcomer_registers_by_invitation_and_a_stranger_is_refused(
    bot_process: asyncio.subprocess.Process, telegram: TelegramUser
) -> None:
    code = await telegram.invitation_code(ADMIN, "case_manager")

    await telegram.send(NEWCOMER, f"/start {code}")
    welcome = await telegram.wait_for("sendMessage", NEWCOMER.id)
    assert welcome["text"].startswith("Ласкаво просимо до KIM-Bot, Oksana!")
    menu = await telegram.wait_for(
        "setMyCommands", matches=lambda params: params["scope"].get("chat_id") == NEWCOMER.id
    )
    assert "revoke" not in [command["command"] for command in menu["commands"]]
    assert {"log", "help", "language"} <= {command["command"] for command in menu["commands"]}
    notice = await telegram.wait_for("sendMessage", ADMIN.id)
    assert notice["text"].startswith("@oksana_cm hat Ihre Einladung angenommen")

    await telegram.send(NEWCOMER, "/help")
    help_text = (await telegram.wait_for("sendMessage", NEWCOMER.id))["text"]
    assert help_text.startswith("<b>Ваші команди</b> (кейс-менеджер)\n/log – ")
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


async def test_a_case_manager_logs_a_contact_over_http(
    bot_process: asyncio.subprocess.Process, telegram: TelegramUser, tmp_path: Path
) -> None:
    case_manager = Person(4004, "Anna", "anna_kim", "de")
    await telegram.join(ADMIN, "case_manager", case_manager)

    await telegram.send(case_manager, "/newfamily Ahlen UA 4 uk,ru einwilligung")
    registered = await telegram.wait_for("sendMessage", case_manager.id)
    await telegram.send(
        case_manager, "/log F-0001 45m hausbesuch aufenthalt,arbeit: Termin vorbereitet"
    )
    saved = await telegram.wait_for("sendMessage", case_manager.id)

    assert "F-0001" in registered["text"]
    assert "F-0001 · " in saved["text"] and "Termin vorbereitet" in saved["text"]
    assert saved["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "undo:1"
    bot_process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(bot_process.wait(), timeout=STARTUP_TIMEOUT) == 0
    with sqlite3.connect(tmp_path / "e2e.sqlite3") as database:
        stored = database.execute("SELECT family_id, minutes, note FROM contacts").fetchall()
    assert stored == [(1, 45, "Termin vorbereitet")]


async def test_a_case_manager_requests_an_interpreter_over_http(
    bot_process: asyncio.subprocess.Process, telegram: TelegramUser, tmp_path: Path
) -> None:
    coordinator = Person(5005, "Konrad", "konrad_koord", "de")
    await telegram.join(ADMIN, "coordinator", coordinator)
    case_manager = Person(4004, "Anna", "anna_kim", "de")
    await telegram.join(coordinator, "case_manager", case_manager)

    # The bot process runs on the real clock: a working day about a month ahead.
    day = date.today() + timedelta(days=30)
    while day.weekday() == 5 or is_holiday(day):
        day += timedelta(days=1)
    await telegram.send(
        case_manager, f"/interpreter uk {day:%d.%m.%Y} 10:00 90m vor-ort Ahlen Ausländerbehörde"
    )
    estimate = await telegram.wait_for("sendMessage", case_manager.id)
    assert "70,00\xa0€" in estimate["text"] and "30.000,00\xa0€" in estimate["text"]
    # Confirm opens the last row (above it: Ask for a professional).
    await telegram.press(case_manager, estimate["reply_markup"]["inline_keyboard"][-1][0]["text"])
    submitted = await telegram.wait_for("sendMessage", case_manager.id)
    to_coordinator = await telegram.wait_for("sendMessage", coordinator.id)
    await telegram.press(
        coordinator, to_coordinator["reply_markup"]["inline_keyboard"][0][0]["text"]
    )
    approved = await telegram.wait_for("sendMessage", case_manager.id)

    assert "#1" in submitted["text"] and "29.930,00\xa0€" in submitted["text"]
    assert "#1" in to_coordinator["text"]
    assert "#1" in approved["text"]
    bot_process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(bot_process.wait(), timeout=STARTUP_TIMEOUT) == 0
    with sqlite3.connect(tmp_path / "e2e.sqlite3") as database:
        stored = database.execute(
            "SELECT status, estimate_cents, committed_cents FROM interpreter_requests"
        ).fetchall()
    assert stored == [("approved", 7000, 7000)]
