"""The weekly report: Mondays at 08:00 Berlin time, once per week and person."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.config import Settings
from bot.handlers.reports import JOB_NAME
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.dates import BERLIN, berlin
from tests.helpers.harness import BotHarness, FakeTime, only_text
from tests.helpers.texts import de, in_locale


async def run_report(bot: BotHarness, name: str = JOB_NAME) -> list:
    """Run the weekly report job; the messages it sent."""
    return [call for call in await bot.run_job(name) if call.method == "sendMessage"]


@pytest.fixture
async def staffed(bot: BotHarness) -> BotHarness:
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch arbeit")
    return bot


async def test_the_report_goes_out_on_monday_at_eight_once(staffed: BotHarness) -> None:
    bot = staffed
    bot.time.now = berlin(2026, 11, 23, 8, 0)
    await run_report(bot)  # the report of the week before
    bot.time.now = berlin(2026, 11, 30, 7, 59)
    early = await run_report(bot)
    bot.time.now = berlin(2026, 11, 30, 8, 0)
    sent = await run_report(bot)
    bot.time.now = berlin(2026, 11, 30, 8, 1)
    again = await run_report(bot)

    assert early == []
    assert [call.params["chat_id"] for call in sent] == [COORDINATOR.id]
    report = sent[0].text
    assert report.startswith("<b>" + de("KIM figures, whole county") + "</b>")
    assert "23.11.2026" in report.splitlines()[1]  # last week: 23.11. to 29.11.2026
    assert again == []


async def test_a_restart_neither_skips_nor_repeats_the_report(
    staffed: BotHarness, settings: Settings, time: FakeTime
) -> None:
    time.now = berlin(2026, 11, 30, 8, 0)
    await run_report(staffed)  # sent before the restart
    time.now = berlin(2026, 12, 1, 10, 0)
    async with BotHarness(settings, time) as restarted:
        repeated = await run_report(restarted, f"{JOB_NAME} (catch-up)")
    # The bot was down all of the next Monday morning: the catch-up sends it later.
    time.now = berlin(2026, 12, 8, 11, 0)
    async with BotHarness(settings, time) as restarted:
        caught_up = await run_report(restarted, f"{JOB_NAME} (catch-up)")

    assert repeated == []
    assert [call.params["chat_id"] for call in caught_up] == [COORDINATOR.id]
    assert "30.11.2026" in caught_up[0].text.splitlines()[1]


async def test_subscribe_and_unsubscribe(staffed: BotHarness) -> None:
    bot = staffed
    off = only_text(await bot.send(COORDINATOR, "/unsubscribe"))
    on = only_text(await bot.send(ADMIN, "/subscribe"))
    bot.time.now = berlin(2026, 11, 30, 8, 0)

    sent = await run_report(bot)

    assert off == de("The weekly report is off. /subscribe turns it on again.")
    assert on == de("You will get last week's figures every Monday at 08:00.")
    assert [call.params["chat_id"] for call in sent] == [ADMIN.id]


async def test_case_managers_cannot_subscribe(staffed: BotHarness) -> None:
    reply = only_text(await staffed.send(CASE_MANAGER, "/subscribe"))

    assert reply == de(
        "/{command} is not available to your role ({role}). /help lists your commands.",
        command="subscribe",
        role=in_locale("de", "case manager"),
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 25, 12, 0, tzinfo=BERLIN), datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN)),
        # Summer time begins on Sunday 28 March 2027: the report still comes at 08:00.
        (datetime(2027, 3, 25, 12, 0, tzinfo=BERLIN), datetime(2027, 3, 29, 8, 0, tzinfo=BERLIN)),
    ],
)
async def test_the_report_is_scheduled_for_mondays_at_eight(
    bot: BotHarness, now: datetime, expected: datetime
) -> None:
    fire = bot.next_run(JOB_NAME, now)

    assert fire == expected
    assert fire.utcoffset() == expected.utcoffset()
