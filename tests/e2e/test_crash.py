"""The real bot process killed with SIGKILL 20 times under a stream of /log messages."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import BotProcess, TelegramUser
from tests.e2e.crash import crash_run
from tests.e2e.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.e2e

KILLS = 20
SEED = 10
# See the docstring: the one window in which a kill makes the bot confirm a contact twice.
MOST_CONFIRMED_TWICE = 3


async def test_no_message_is_lost_or_stored_twice_when_the_bot_is_killed_20_times(
    kim_bot: BotProcess, fake_api: FakeBotApi, telegram: TelegramUser
) -> None:
    """Every /log sent is stored exactly once and confirmed, whatever the kills hit.

    An update is stored in the inbox before Telegram is told it arrived, so a kill before
    that makes Telegram deliver it again, and a kill after it leaves it in the inbox for the
    next start; a contact is unique per (chat, message), so handling an update again never
    stores it twice, and the reply then says it was already saved.

    One case cannot be told apart by the bot: killed after Telegram took the confirmation
    and before the inbox marked the update handled, the bot handles it again after the
    restart and confirms a second time ("already saved"). Telegram's sendMessage has no
    idempotency key, so no bot can avoid that; the window is a few milliseconds (the reply's
    chat-trace row and the inbox update), so it is rare. The test counts it and allows at
    most MOST_CONFIRMED_TWICE; a confirmation missing altogether fails.
    """
    report = await crash_run(kim_bot, fake_api, telegram, KILLS, SEED)

    print("\n".join(report.lines()))
    assert report.lost == []
    assert report.stored_twice == []
    assert report.unexpected_rows == 0
    assert report.unconfirmed == []
    assert report.saved_twice == []
    assert len(report.confirmed_twice) <= MOST_CONFIRMED_TWICE
    assert report.integrity == "ok"
    assert report.inbox_pending == 0
    assert report.outbox_pending == 0
    assert report.exit_code == 0
    assert report.errors == []
