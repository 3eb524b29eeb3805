"""Follow-up dates: listed by /due, reminded once on the morning they are due."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.casework.followups import reminders_due_until
from bot.core.config import Settings
from bot.core.i18n import _, format_date, use_locale
from bot.handlers.followups import JOB_NAME
from bot.staff.roles import Role
from tests.conftest import CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.calls import sent_to
from tests.helpers.dates import BERLIN, berlin
from tests.helpers.harness import BotHarness, FakeTime, only_text
from tests.helpers.texts import de


@pytest.fixture
async def families(bot: BotHarness) -> BotHarness:
    """Anna with F-0001 and F-0002, Oksana (Ukrainian) with F-0003."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    await bot.send(CASE_MANAGER, "/newfamily Beckum SY 5 ar")
    await bot.send(COLLEAGUE, "/newfamily Telgte UA 2 uk")
    return bot


def reminder_text(locale: str, code: str) -> str:
    with use_locale(locale):
        return _(
            "Follow-up due: {code}, planned for {due} at the contact of {date}. "
            "/family {code} shows the record."
        ).format(
            code=code, due=format_date(date(2026, 12, 2)), date=format_date(date(2026, 11, 24))
        )


async def test_due_lists_overdue_today_and_the_next_seven_days(families: BotHarness) -> None:
    bot = families
    await bot.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit next 25.11.")
    await bot.send(CASE_MANAGER, "/log F-0002 30m telefon arbeit next 01.12.")
    await bot.send(CASE_MANAGER, "/log F-0002 30m telefon arbeit next 10.12.")
    await bot.send(COLLEAGUE, "/log F-0003 30m telefon arbeit next 26.11.")
    bot.time.now = berlin(2026, 11, 26, 9)

    reply = only_text(await bot.send(CASE_MANAGER, "/due"))

    lines = reply.splitlines()
    assert lines[1:] == [
        de(
            "{when}: {code} (contact of {date})",
            when=de("overdue since {date}", date="25.11.2026"),
            code="F-0001",
            date="24.11.2026",
        ),
        de(
            "{when}: {code} (contact of {date})",
            when="01.12.2026",
            code="F-0002",
            date="24.11.2026",
        ),
    ]


async def test_a_later_contact_settles_the_follow_up(families: BotHarness) -> None:
    bot = families
    await bot.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit next 25.11.")
    bot.time.now = berlin(2026, 11, 25, 15)
    await bot.send(CASE_MANAGER, "/log F-0001 60m hausbesuch arbeit")

    reply = only_text(await bot.send(CASE_MANAGER, "/due"))

    assert reply == de("No follow-ups in the next 7 days.")


async def test_the_reminder_fires_at_eight_on_the_due_day_once(families: BotHarness) -> None:
    bot = families
    await bot.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit next 02.12.")
    await bot.send(COLLEAGUE, "/log F-0003 30m telefon arbeit next 02.12.")

    bot.time.now = berlin(2026, 12, 2, 7, 59)
    too_early = await bot.run_job(JOB_NAME)
    bot.time.now = berlin(2026, 12, 2, 8, 0)
    due = await bot.run_job(JOB_NAME)
    bot.time.now = berlin(2026, 12, 2, 8, 30)
    again = await bot.run_job(JOB_NAME)

    assert too_early == []
    assert sent_to(due) == [
        ("sendMessage", CASE_MANAGER.id),
        ("sendMessage", COLLEAGUE.id),
    ]
    assert due[0].text == reminder_text("de", "F-0001")
    assert due[1].text == reminder_text("uk", "F-0003")
    assert again == []


async def test_a_missed_morning_is_caught_up_after_a_restart(
    families: BotHarness, settings: Settings, time: FakeTime
) -> None:
    bot = families
    await bot.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit next 02.12.")
    # The bot was down on 2 December; it starts again on 3 December at 07:00.
    time.now = berlin(2026, 12, 3, 7, 0)
    async with BotHarness(settings, time) as restarted:
        sent = await restarted.run_job(f"{JOB_NAME} (catch-up)")

    assert sent_to(sent) == [("sendMessage", CASE_MANAGER.id)]


async def test_a_transferred_familys_follow_up_goes_to_the_new_case_manager(
    families: BotHarness,
) -> None:
    bot = families
    await bot.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit next 02.12.")
    await bot.send(COORDINATOR, "/transfer F-0001 @oksana_cm")

    bot.time.now = berlin(2026, 12, 2, 8)
    sent = await bot.run_job(JOB_NAME)

    assert [call.params["chat_id"] for call in sent] == [COLLEAGUE.id]


def test_reminders_are_due_from_eight_oclock_local_time() -> None:
    assert str(reminders_due_until(datetime(2026, 12, 2, 7, 59, tzinfo=BERLIN))) == "2026-12-01"
    assert str(reminders_due_until(datetime(2026, 12, 2, 8, 0, tzinfo=BERLIN))) == "2026-12-02"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN), datetime(2026, 11, 25, 8, 0, tzinfo=BERLIN)),
        # Summer time begins on 28 March 2027: still 08:00 on the wall clock.
        (datetime(2027, 3, 27, 9, 0, tzinfo=BERLIN), datetime(2027, 3, 28, 8, 0, tzinfo=BERLIN)),
        (datetime(2026, 10, 24, 9, 0, tzinfo=BERLIN), datetime(2026, 10, 25, 8, 0, tzinfo=BERLIN)),
    ],
)
async def test_the_morning_job_is_scheduled_at_eight_berlin_time(
    bot: BotHarness, now: datetime, expected: datetime
) -> None:
    fire = bot.next_run(JOB_NAME, now)

    assert fire == expected
    assert fire.utcoffset() == expected.utcoffset()
