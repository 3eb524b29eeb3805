"""The fuzzer of tests/test_fuzz.py, longer: random updates of every kind through the real bot.

The Application runs in this process against the strict offline Telegram (it refuses what
Telegram refuses), on a fresh database in a temporary folder, with the flood limit on and
the free texts encrypted, as shipped. Every `--check-every` updates, and at the end, the
database is checked (tests/helpers/invariants.py). The report names each failing handler
with the update that made it fail, each call Telegram would have refused, and each error
logged. Exit code 1 when anything was found.

    python -m bench.fuzz --updates 100000 --seed 7
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet

from bench.common import forget_bot_environment, machine
from bot.core.config import Settings
from tests.helpers.fuzzing import ADMIN, Fuzzer, summary
from tests.helpers.harness import BotHarness, FakeTime
from tests.helpers.invariants import database_problems

# The tests' start: Tuesday 24 November 2026, 09:00 in Berlin.
START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


async def fuzz(updates: int, seed: int, check_every: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,
            database_path=Path(folder) / "kim-bot.sqlite3",
            admin_telegram_ids=(ADMIN.id,),
            data_key=(Fernet.generate_key().decode(),),
        )
        clock = FakeTime(START)
        async with BotHarness(settings, clock) as bot:
            fuzzer = Fuzzer(bot, seed)
            await fuzzer.prepare()
            problems: list[str] = []
            started = time.perf_counter()
            while fuzzer.report.updates < updates and not problems:
                report = await fuzzer.run(min(updates, fuzzer.report.updates + check_every))
                problems = database_problems(settings.database_path)
                print(
                    f"{report.updates:>8} updates, {time.perf_counter() - started:6.1f} s, "
                    f"bot time {clock():%Y-%m-%d %H:%M}, failures {len(report.failures)}, "
                    f"refused {len(report.refused)}, invalid rows {len(problems)}",
                    flush=True,
                )
            seconds = time.perf_counter() - started
    print()
    print(summary(report, seconds))
    for problem in problems:
        print(f"  invalid: {problem}")
    return 1 if report.broken or problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=100_000, help="how many (100,000)")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (1)")
    parser.add_argument(
        "--check-every", type=int, default=10_000, help="check the database this often (10,000)"
    )
    arguments = parser.parse_args(argv)
    forget_bot_environment()
    print(f"KIM-Bot fuzzer, seed {arguments.seed}; {machine()}", flush=True)
    return asyncio.run(fuzz(arguments.updates, arguments.seed, arguments.check_every))


if __name__ == "__main__":
    sys.exit(main())
