"""SIGTERM while updates are being handled: the process stops within seconds, and what it
had not begun is handled after the next start."""

from __future__ import annotations

import time

import pytest

from bot.core.offline import FaultKind, Person
from tests.e2e.conftest import ADMIN, BotProcess, TelegramUser, eventually, messages_to, query
from tests.e2e.fake_bot_api import FakeBotApi
from tests.helpers.texts import contact_saved

pytestmark = pytest.mark.e2e

CASE_MANAGER = Person(4004, "Anna", "anna_kim", "de")
MESSAGES = 6
STOPS_WITHIN = 5.0


async def test_sigterm_finishes_the_update_being_handled_and_keeps_the_others(
    kim_bot: BotProcess, fake_api: FakeBotApi, telegram: TelegramUser
) -> None:
    """The first reply stalls (TELEGRAM_TIMEOUT=1), so its update is still being handled when
    SIGTERM comes, and the case manager's later updates wait behind it (one chat's updates
    are handled in order). The stalled one is finished: stored, and its reply, which may not
    be retried while stopping, kept in the outbox; the others stay in the inbox. After the
    restart the outbox delivers that reply and the others are handled."""
    kim_bot.env["TELEGRAM_TIMEOUT"] = "1"
    fake_api.stall_seconds = 1.5
    await kim_bot.start()
    await telegram.join(ADMIN, "case_manager", CASE_MANAGER)
    await telegram.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru einwilligung")
    await telegram.wait_for("sendMessage", CASE_MANAGER.id)
    await telegram.fail(FaultKind.STALL, "sendMessage", CASE_MANAGER.id)
    notes = [f"Termin {number} vor dem Stopp" for number in range(1, MESSAGES + 1)]
    for note in notes:
        await telegram.send(CASE_MANAGER, f"/log F-0001 45m beratung arbeit: {note}")
    await fake_api.wait_until(lambda: fake_api.telegram.failed, timeout=10)

    started = time.perf_counter()
    exit_code = await kim_bot.stop()
    stopped_after = time.perf_counter() - started
    left = query(kim_bot.database, "SELECT count(*) FROM inbox WHERE handled_at IS NULL")[0][0]
    stored_before = len(query(kim_bot.database, "SELECT id FROM contacts"))
    kept_in_outbox = query(kim_bot.database, "SELECT count(*) FROM outbox")[0][0]
    await kim_bot.start()
    saved = contact_saved()
    await eventually(
        lambda: sum(text.startswith(saved) for text in messages_to(fake_api)) == MESSAGES
    )
    assert await kim_bot.stop() == 0

    print(f"SIGTERM: stopped after {stopped_after:.2f} s, {left} updates left in the inbox")
    assert exit_code == 0
    assert stopped_after < STOPS_WITHIN
    assert stored_before == 1  # the stalled one was finished, the others not begun
    assert left >= 1
    assert kept_in_outbox == 1
    assert sorted(note for (note,) in query(kim_bot.database, "SELECT note FROM contacts")) == (
        sorted(notes)
    )
    confirmations = [text for text in messages_to(fake_api) if text.startswith(saved)]
    assert sorted(note for note in notes if any(note in text for text in confirmations)) == (
        sorted(notes)
    )
    assert len(confirmations) == MESSAGES
    assert query(kim_bot.database, "SELECT count(*) FROM inbox WHERE handled_at IS NULL") == [(0,)]
