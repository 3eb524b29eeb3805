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
    code = re.search(r"\?start=([\w-]+)", invitation["text"]).group(1)

    await telegram.send(NEWCOMER, f"/start {code}")
    welcome = await telegram.wait_for("sendMessage", NEWCOMER.id)
    assert "case manager" in welcome["text"]
    menu = await telegram.wait_for(
        "setMyCommands", matches=lambda params: params.get("scope", {}).get("chat_id") == NEWCOMER.id
    )
    assert "revoke" not in {command["command"] for command in menu["commands"]}
    notice = await telegram.wait_for("sendMessage", ADMIN.id)
    assert "@oksana_cm" in notice["text"]

    await telegram.send(NEWCOMER, "/help")
    help_text = (await telegram.wait_for("sendMessage", NEWCOMER.id))["text"]
    assert "/language" in help_text and "/revoke" not in help_text and "/invite" not in help_text

    await telegram.send(STRANGER, "/help")
    refusal = await telegram.wait_for("sendMessage", STRANGER.id)
    assert "/language" not in refusal["text"]

    process = bot_process
    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), timeout=STARTUP_TIMEOUT) == 0
