"""Handler throughput: /log quick-form updates per second, against two floors of the same run.

Three Applications run in this process, each against its own OfflineTelegram (no network):

(a) echo: python-telegram-bot with one MessageHandler that replies with the text;
(b) echo + SQLite: the same, plus one aiosqlite INSERT and COMMIT per update into a scratch
    table of a temporary database (WAL, synchronous=NORMAL, as the bot opens its own);
(c) KIM-Bot: build_application on a temporary database, one case manager, one family,
    receiving `/log F-0001 45m hausbesuch aufenthalt,arbeit: Termin vorbereitet`.

Updates are built before the clock starts (each with its own message id) and awaited one
after another with `process_update`. The three take turns round by round, so that whatever
else the machine does affects them alike. Target: (c) at least 0.7 of (b).

    python -m bench.throughput [--updates 5000] [--rounds 5] [--warmup 500] [--profile N]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import aiosqlite
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters

from bench.common import (
    HopCounter,
    aiosqlite_connection,
    forget_bot_environment,
    machine,
    one_line,
    target_line,
)
from bot.app import OFFLINE_TOKEN, build_application, start_services, stop_services
from bot.casework.families import FamilyDraft
from bot.core.config import Settings
from bot.core.offline import OfflineRequest, OfflineTelegram, Person
from bot.staff.roles import Role

LOG_TEXT = "/log F-0001 45m hausbesuch aufenthalt,arbeit: Termin vorbereitet"
CASE_MANAGER = Person(1003, "Anna", "anna_kim", "de")
TARGET_RATIO = 0.7


async def echo(update: Update, context: Any) -> None:
    await update.message.reply_text(update.message.text)


@dataclass
class Contender:
    """One Application under test, with its offline Telegram and what it needs around it."""

    name: str
    label: str
    telegram: OfflineTelegram
    application: Application
    stop: Callable[[], Awaitable[None]]
    # Stored rows, to check that every timed update did its work.
    stored: Callable[[], Awaitable[int]]
    connection: aiosqlite.Connection | None = None
    errors: list[BaseException] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        async def remember_error(update: object, context: Any) -> None:
            self.errors.append(context.error)

        self.application.add_error_handler(remember_error)

    def updates(self, count: int) -> list[Update]:
        """`count` updates of the /log line, each a new message."""
        bot = self.application.bot
        return [
            Update.de_json(self.telegram.message_update(CASE_MANAGER, LOG_TEXT), bot)
            for _ in range(count)
        ]

    def forget_calls(self) -> None:
        """Keep the fake's memory flat: its record of calls and of messages grows per update."""
        self.telegram.calls.clear()
        self.telegram._messages.clear()

    async def push(self, updates: list[Update]) -> float:
        """Seconds to process `updates` one after another; checks that each did its work."""
        self.forget_calls()
        before = await self.stored()
        started = time.perf_counter()
        for update in updates:
            await self.application.process_update(update)
        seconds = time.perf_counter() - started
        if self.errors:
            raise RuntimeError(f"{self.label}: a handler failed") from self.errors[0]
        replies = [call for call in self.telegram.calls if call.method == "sendMessage"]
        stored = await self.stored() - before
        if len(replies) != len(updates) or stored not in (0, len(updates)):
            raise RuntimeError(
                f"{self.label}: {len(updates)} updates gave {len(replies)} replies and "
                f"{stored} stored rows; first reply: {replies[0].text if replies else None!r}"
            )
        return seconds


def _offline_builder(telegram: OfflineTelegram) -> ApplicationBuilder:
    request = OfflineRequest(telegram)
    return ApplicationBuilder().token(OFFLINE_TOKEN).request(request).get_updates_request(request)


async def echo_contender() -> Contender:
    telegram = OfflineTelegram(OFFLINE_TOKEN, checks=False)
    application = _offline_builder(telegram).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()

    async def nothing_stored() -> int:
        return 0

    return Contender(
        "echo", "(a) echo", telegram, application, application.shutdown, nothing_stored
    )


async def echo_insert_contender(folder: Path) -> Contender:
    telegram = OfflineTelegram(OFFLINE_TOKEN, checks=False)
    connection = await aiosqlite.connect(folder / "scratch.sqlite3")
    await connection.execute("PRAGMA journal_mode = WAL")
    await connection.execute("PRAGMA synchronous = NORMAL")
    await connection.execute(
        "CREATE TABLE scratch (id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, "
        "message_id INTEGER NOT NULL, text TEXT NOT NULL)"
    )
    await connection.commit()

    async def echo_and_insert(update: Update, context: Any) -> None:
        message = update.message
        await connection.execute(
            "INSERT INTO scratch (chat_id, message_id, text) VALUES (?, ?, ?)",
            (message.chat_id, message.message_id, message.text),
        )
        await connection.commit()
        await message.reply_text(message.text)

    application = _offline_builder(telegram).build()
    application.add_handler(MessageHandler(filters.TEXT, echo_and_insert))
    await application.initialize()

    async def stop() -> None:
        await application.shutdown()
        await connection.close()

    async def stored() -> int:
        async with connection.execute("SELECT count(*) FROM scratch") as cursor:
            return (await cursor.fetchone())[0]

    return Contender(
        "echo_insert",
        "(b) echo + aiosqlite insert/commit",
        telegram,
        application,
        stop,
        stored,
        connection,
    )


async def _case_manager_and_family(application: Application) -> None:
    storage = application.bot_data.storage
    now = datetime.now(UTC)
    await storage.staff.add(
        CASE_MANAGER.id,
        Role.CASE_MANAGER,
        Role.CASE_MANAGER.default_team,
        CASE_MANAGER.language_code,
        now,
        username=CASE_MANAGER.username,
        display_name=CASE_MANAGER.first_name,
    )
    family = await storage.families.create(
        FamilyDraft("Ahlen", "SY", 4, ("ar",), False, consent=True),
        CASE_MANAGER.id,
        date.today(),
        now,
    )
    if family.code != "F-0001":
        raise RuntimeError(f"the benchmark family is {family.code}, not F-0001")


async def kim_contender(folder: Path) -> Contender:
    telegram = OfflineTelegram(OFFLINE_TOKEN, checks=False)
    # One case manager sends thousands of updates a second: no flood limit.
    settings = Settings(_env_file=None, database_path=folder / "kim-bot.sqlite3", flood_burst=0)
    application = build_application(settings, request=OfflineRequest(telegram))
    await application.initialize()
    try:
        await start_services(application)
        await _case_manager_and_family(application)
    except BaseException:
        # An open aiosqlite connection keeps the process alive: close it before failing.
        await application.shutdown()
        await stop_services(application)
        raise

    async def stop() -> None:
        await application.shutdown()
        await stop_services(application)

    async def stored() -> int:
        return await application.bot_data.storage.db.fetch_value("SELECT count(*) FROM contacts")

    return Contender(
        "log",
        "(c) KIM-Bot /log quick form",
        telegram,
        application,
        stop,
        stored,
        aiosqlite_connection(application.bot_data.storage.db),
    )


async def count_hops(contender: Contender, updates: int) -> HopCounter:
    """Trips to the SQLite thread for `updates` updates, outside the timed rounds."""
    batch = contender.updates(updates)
    contender.forget_calls()
    with HopCounter(contender.connection) as counter:
        counter.recording = True
        started = time.perf_counter()
        for update in batch:
            await contender.application.process_update(update)
        counter.elapsed = time.perf_counter() - started
        counter.recording = False
    if contender.errors:
        raise RuntimeError(f"{contender.label}: a handler failed") from contender.errors[0]
    return counter


def _rate_line(contender: Contender) -> str:
    rates = contender.rates
    return (
        f"  {contender.label:<38} {max(rates):>9,.0f} {statistics.median(rates):>9,.0f} "
        f"{min(rates):>9,.0f}"
    )


async def trip_cost(
    connection: aiosqlite.Connection, statements: int = 2000
) -> tuple[float, float]:
    """µs per `SELECT 1`: in one trip (execute_fetchall), and in three (execute, fetchone,
    close: how Database.fetch_one reads a row)."""
    results = []
    for three in (False, True):
        for _repeat in range(2):
            started = time.perf_counter()
            for _ in range(statements):
                if three:
                    async with connection.execute("SELECT 1") as cursor:
                        await cursor.fetchone()
                else:
                    await connection.execute_fetchall("SELECT 1")
            seconds = time.perf_counter() - started
        results.append(seconds / statements * 1e6)
    return results[0], results[1]


async def profile(kim: Contender, updates: int, top: int = 25) -> None:
    """Where a /log update's time goes in Python: cProfile, functions by own time."""
    batch = kim.updates(updates)
    profiler = cProfile.Profile()
    profiler.enable()
    await kim.push(batch)
    profiler.disable()
    output = io.StringIO()
    pstats.Stats(profiler, stream=output).sort_stats("tottime").print_stats(top)
    print()
    print(f"cProfile of {updates:,} /log updates (own time; coroutine resumptions count as calls):")
    for line in output.getvalue().splitlines():
        if line.strip() and not line.lstrip().startswith(("Ordered by", "List reduced")):
            print(f"  {line.replace(str(Path.cwd()) + '/', '')[:150]}")


async def run(updates: int, rounds: int, warmup: int, profile_updates: int) -> int:
    forget_bot_environment()
    print(f"handler throughput, in-process (OfflineRequest), {machine()}")
    print(f"{updates:,} updates per round, {rounds} rounds after {warmup:,} warm-up updates each")
    print(f"text: {LOG_TEXT!r}")
    with tempfile.TemporaryDirectory(prefix="kim-bench-") as folder:
        contenders: list[Contender] = []
        try:
            contenders.append(await echo_contender())
            contenders.append(await echo_insert_contender(Path(folder)))
            contenders.append(await kim_contender(Path(folder)))
        except BaseException:
            for contender in contenders:
                await contender.stop()
            raise
        try:
            for contender in contenders:
                await contender.push(contender.updates(warmup))
            for _round in range(rounds):
                for contender in contenders:
                    batch = contender.updates(updates)
                    contender.rates.append(updates / await contender.push(batch))
                    del batch
            echo_app, floor, kim = contenders
            print()
            print(f"  {'updates per second':<38} {'best':>9} {'median':>9} {'worst':>9}")
            for contender in contenders:
                print(_rate_line(contender))
            best = max(kim.rates) / max(floor.rates)
            median = statistics.median(kim.rates) / statistics.median(floor.rates)
            print(f"  /log ÷ floor (b): {median:.3f} (medians), {best:.3f} (bests)")
            floor_median = statistics.median(floor.rates)
            print(
                f"  floor (b) ÷ echo (a): {floor_median / statistics.median(echo_app.rates):.2f}; "
                f"/log per update: {1e6 / statistics.median(kim.rates):,.0f} µs "
                f"(floor (b): {1e6 / floor_median:,.0f} µs)"
            )

            target_line(
                "/log quick form ÷ floor (b), in-process",
                f"{median:.3f} ({statistics.median(kim.rates):,.0f} ÷ "
                f"{floor_median:,.0f} updates/s, medians)",
                f"≥ {TARGET_RATIO}",
                median >= TARGET_RATIO,
            )
            print()
            print("trips to the SQLite thread per update (counted outside the timed rounds):")
            sample = 200
            for contender in (floor, kim):
                counter = await count_hops(contender, sample)
                hops = ", ".join(
                    f"{name} {number / sample:g}" for name, number in counter.hops.most_common()
                )
                waited = counter.wait_seconds / counter.elapsed
                print(
                    f"  {contender.label:<38} {counter.total / sample:g} ({hops}); "
                    f"{waited:.0%} of the time awaiting SQLite"
                )
            one, three = await trip_cost(floor.connection)
            print(
                f"  a SELECT 1 through aiosqlite: {one:.0f} µs in one trip (execute_fetchall), "
                f"{three:.0f} µs in three (execute, fetchone, close: Database.fetch_one)"
            )
            counter = await count_hops(kim, 1)
            print("  statements of one /log update, in order:")
            for statement in counter.statements:
                print(f"    {one_line(statement.sql)}")
            if profile_updates:
                await profile(kim, profile_updates)
        finally:
            for contender in contenders:
                await contender.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=5000, help="updates per round (5000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (5)")
    parser.add_argument("--warmup", type=int, default=500, help="warm-up updates (500)")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="afterwards, profile N /log updates with cProfile (0: do not)",
    )
    arguments = parser.parse_args(argv)
    return asyncio.run(
        run(arguments.updates, arguments.rounds, arguments.warmup, arguments.profile)
    )


if __name__ == "__main__":
    sys.exit(main())
