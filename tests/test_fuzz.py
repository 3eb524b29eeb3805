"""Thousands of random updates of every kind, on a fixed seed: no handler fails, nothing
Telegram would refuse is sent, no error is logged, and every row in the database is valid
(tests/helpers/fuzzing.py, tests/helpers/invariants.py). `python -m bench.fuzz` runs more."""

from __future__ import annotations

import sqlite3
from time import perf_counter

import pytest
from cryptography.fernet import Fernet

from bot.core.config import Settings
from bot.staff.roles import Role
from tests.conftest import CASE_MANAGER
from tests.helpers.fuzzing import ADMIN, Fuzzer, summary
from tests.helpers.harness import BotHarness, FakeTime
from tests.helpers.invariants import database_problems

SEED = 20261124
UPDATES = 5000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """As shipped: the flood limit on, free texts encrypted."""
    return settings.model_copy(
        update={
            "flood_burst": Settings.model_fields["flood_burst"].default,
            "data_key": (Fernet.generate_key().decode(),),
            "admin_telegram_ids": (ADMIN.id,),
        }
    )


async def test_random_updates_of_every_kind_break_nothing(
    settings: Settings, time: FakeTime
) -> None:
    async with BotHarness(settings, time) as bot:
        fuzzer = Fuzzer(bot, SEED)
        await fuzzer.prepare()
        started = perf_counter()
        report = await fuzzer.run(UPDATES)
        seconds = perf_counter() - started

        assert report.updates == UPDATES
        assert not report.broken, summary(report, seconds)
        # Every kind of update was sent, and the bot answered most of them.
        assert len(report.kinds) == 9
        assert report.replies > UPDATES / 2
        assert database_problems(settings.database_path) == []


async def test_the_invariant_checker_finds_a_row_no_parser_would_let_through(
    bot: BotHarness, settings: Settings
) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")
    await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch arbeit")
    assert database_problems(settings.database_path) == []

    # The schema allows 12 hours (it predates the limit of 8) and any text as a date.
    with sqlite3.connect(settings.database_path) as db:
        db.execute("UPDATE contacts SET minutes = 720, follow_up_on = '9999-12-31'")

    problems = database_problems(settings.database_path)
    assert [problem.split(":")[0] for problem in problems] == [
        "a contact lasts 1 to 480 minutes",
        "the contacts count by day, type and the town and benefit system of their day",
        "the running totals count every contact and its minutes once",
        "contacts.follow_up_on is a day from 2000 to 2100",
    ]
