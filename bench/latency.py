"""Latency of the coordinators' figures (/week, /month, /year, /caseload, /budget, /committee).

Each size is a demo database made once by `kim-bot demo-data` and kept in bench/.cache/
(rebuilt when the demo generator or the schema changes): a county year (400 families,
52 weeks), a county decade (400 families, 520 weeks) and a state (50,000 families,
52 weeks, about two million contacts).

On each, the real Application runs in this process against the offline Telegram, its clock
fixed at the moment the database was built (so "this week" is the demo data's last week),
and a coordinator sends each command: the time is that of `process_update`, end to end,
from the gate to the reply. Afterwards every SELECT a command ran is timed alone on a
read-only connection, and for the state database its EXPLAIN QUERY PLAN is printed.

Targets (median): at state size /week, /month, /caseload and /budget under 10 ms, /year
under 50 ms, /committee under 500 ms; at county size each under 2 ms (/committee 100 ms).
With `--sizes …,state-10x` (the 10 × state database of bench/growth.py) each command's
median there is divided by its median at state size: the target is at most 2.

`--plans FILE` writes the EXPLAIN QUERY PLAN of every SELECT the commands ran on the state
database, as Markdown (`bench.run` copies it into bench/README.md).

    python -m bench.latency [--runs 20] [--warmup 3] [--sizes county-year,state] [--rebuild]
                            [--plans FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Update

from bench.common import (
    SIZE,
    SIZES,
    STATE_10X,
    DemoDatabase,
    HopCounter,
    Statement,
    aiosqlite_connection,
    demo_database,
    forget_bot_environment,
    machine,
    one_line,
    target_line,
)
from bot.app import OFFLINE_TOKEN, build_application, start_services, stop_services
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.i18n import _, use_locale
from bot.core.offline import OfflineRequest, OfflineTelegram, Person
from bot.staff.roles import Role

# /committee is the committee report, being built on another branch: until it is merged
# the bot does not know it and the benchmark reports it as skipped.
COMMANDS = ("/week", "/month", "/year", "/caseload", "/budget", "/committee")
COORDINATOR = Person(-2, "Bench", "bench_koord", "de")
STATE_TARGETS_MS = {"/year": 50.0, "/committee": 500.0}
STATE_TARGET_MS = 10.0
COUNTY_TARGETS_MS = {"/committee": 100.0}
COUNTY_TARGET_MS = 2.0
# At 10 × state size, each median at most this many times its median at state size.
GROWTH_TARGET = 2.0
UNKNOWN_COMMAND = "I do not know this command. /help lists the commands you may use."


def target_ms(database: DemoDatabase, command: str) -> float:
    if database.size.families > 1000:
        return STATE_TARGETS_MS.get(command, STATE_TARGET_MS)
    return COUNTY_TARGETS_MS.get(command, COUNTY_TARGET_MS)


@dataclass
class Timing:
    command: str
    seconds: list[float] = field(default_factory=list)
    first: float = 0.0
    skipped: str | None = None
    reply: str = ""
    methods: list[str] = field(default_factory=list)
    hops: int = 0
    instrumented: float = 0.0
    awaiting_sqlite: float = 0.0
    statements: list[Statement] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def best_ms(self) -> float:
        return min(self.seconds) * 1000


class Bot:
    """The real Application on one demo database, driven as the benchmark's coordinator."""

    def __init__(self, database: DemoDatabase) -> None:
        self.database = database
        self.telegram = OfflineTelegram(OFFLINE_TOKEN, checks=False)
        # One coordinator sends every run at one instant: no flood limit.
        settings = Settings(_env_file=None, database_path=database.path, flood_burst=0)
        built_at = database.built_at
        self.application = build_application(
            settings,
            request=OfflineRequest(self.telegram),
            clock=Clock(settings.tz, lambda: built_at),
        )
        self.errors: list[BaseException] = []

        async def remember_error(update: object, context: Any) -> None:
            self.errors.append(context.error)

        self.application.add_error_handler(remember_error)

    async def __aenter__(self) -> Bot:
        await self.application.initialize()
        try:
            await start_services(self.application)
            # The menus of every member go out in the background at the start; at state
            # size (thousands of members) for a few seconds. The start-up is measured by
            # bench.memory; here the figures are timed once it is over, as they run on a
            # working day.
            await self.application.bot_data.menus
            await self._register_coordinator()
        except BaseException:
            # An open aiosqlite connection keeps the process alive: close it before failing.
            await self.__aexit__()
            raise
        with use_locale(COORDINATOR.language_code):
            self.unknown_command = _(UNKNOWN_COMMAND)
        return self

    async def _register_coordinator(self) -> None:
        storage = self.application.bot_data.storage
        member = await storage.staff.get(COORDINATOR.id)
        if member is None or not member.active or member.role is not Role.COORDINATOR:
            await storage.staff.add(
                COORDINATOR.id,
                Role.COORDINATOR,
                Role.COORDINATOR.default_team,
                COORDINATOR.language_code,
                self.database.built_at,
                username=COORDINATOR.username,
                display_name=COORDINATOR.first_name,
            )

    async def __aexit__(self, *exc_info: object) -> None:
        await self.application.shutdown()
        await stop_services(self.application)

    def update(self, text: str) -> Update:
        self.telegram.calls.clear()
        self.telegram._messages.clear()
        data = self.telegram.message_update(COORDINATOR, text)
        return Update.de_json(data, self.application.bot)

    async def send(self, update: Update) -> float:
        started = time.perf_counter()
        await self.application.process_update(update)
        seconds = time.perf_counter() - started
        if self.errors:
            raise RuntimeError(f"{update.message.text} failed") from self.errors[0]
        return seconds

    async def measure(self, command: str, runs: int, warmup: int) -> Timing:
        timing = Timing(command)
        timing.first = await self.send(self.update(command))
        calls = list(self.telegram.calls)
        timing.methods = [call.method for call in calls]
        texts = [call.text for call in calls if call.text]
        timing.reply = texts[0] if texts else ""
        if timing.reply == self.unknown_command:
            timing.skipped = "not registered yet (the bot does not know the command)"
            return timing
        for _run in range(warmup):
            await self.send(self.update(command))
        for _run in range(runs):
            timing.seconds.append(await self.send(self.update(command)))
        # Once more, counting the trips to SQLite and recording the statements.
        update = self.update(command)
        connection = aiosqlite_connection(self.application.bot_data.storage.db)
        with HopCounter(connection) as counter:
            counter.recording = True
            timing.instrumented = await self.send(update)
            counter.recording = False
        timing.hops = counter.total
        timing.awaiting_sqlite = counter.wait_seconds
        timing.statements = counter.statements
        return timing


def time_statement(
    connection: sqlite3.Connection, statement: Statement, runs: int = 5
) -> tuple[float, int]:
    """Median milliseconds of one statement alone, after one warm-up run; and its rows."""
    rows = len(connection.execute(statement.sql, statement.params).fetchall())
    seconds = []
    for _run in range(runs):
        started = time.perf_counter()
        connection.execute(statement.sql, statement.params).fetchall()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000, rows


def query_plan(connection: sqlite3.Connection, statement: Statement) -> list[str]:
    """EXPLAIN QUERY PLAN as an indented tree."""
    rows = connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.params).fetchall()
    depth: dict[int, int] = {0: 0}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def _suspicious(plan: list[str]) -> bool:
    """A plan line that reads a whole table, or sorts/groups in a temporary b-tree."""
    for line in plan:
        text = line.strip()
        if text.startswith("SCAN") and "INDEX" not in text and "CONSTANT ROW" not in text:
            return True
        if "TEMP B-TREE" in text:
            return True
    return False


def _selects(statements: list[Statement]) -> list[Statement]:
    seen, unique = set(), []
    for statement in statements:
        sql = statement.sql.strip()
        if not sql.upper().startswith(("SELECT", "WITH")) or sql in seen:
            continue
        seen.add(sql)
        unique.append(statement)
    return unique


def report_statements(database: DemoDatabase, timings: list[Timing], plans: bool) -> None:
    connection = sqlite3.connect(f"file:{database.path}?mode=ro", uri=True)
    try:
        for timing in timings:
            if timing.skipped:
                continue
            selects = _selects(timing.statements)
            # Every SELECT as it ran (current and previous period alike), timed alone: what
            # is left of the time awaiting SQLite is the trips themselves.
            own = sum(
                time_statement(connection, statement, runs=3)[0]
                for statement in timing.statements
                if statement.sql.strip().upper().startswith(("SELECT", "WITH"))
            )
            awaiting = timing.awaiting_sqlite * 1000
            print(
                f"  {timing.command}: {len(timing.statements)} statements "
                f"({len(selects)} distinct SELECTs) in {timing.hops} trips to SQLite; "
                f"one instrumented run took {timing.instrumented * 1000:.2f} ms, of which "
                f"{awaiting:.2f} ms awaiting SQLite: {own:.2f} ms the statements alone, "
                f"{max(awaiting - own, 0):.2f} ms the trips"
            )
            for statement in selects:
                ms, rows = time_statement(connection, statement)
                plan = query_plan(connection, statement) if plans else []
                mark = "  ← full scan or temp b-tree" if _suspicious(plan) else ""
                print(f"    {ms:7.2f} ms {rows:>6} rows  {one_line(statement.sql, 84)}{mark}")
                for line in plan:
                    print(f"                           {line}")
    finally:
        connection.close()


def _cell(timing: Timing) -> str:
    if timing.skipped:
        return "skipped"
    return f"{timing.first * 1000:.1f} / {timing.median_ms:.2f} / {timing.best_ms:.2f}"


def report_growth(results: list[tuple[DemoDatabase, list[Timing]]]) -> None:
    """Each command's median at 10 × state size ÷ its median at state size."""
    by_size = {database.size.name: timings for database, timings in results}
    if STATE_10X.name not in by_size or "state" not in by_size:
        return
    for big, small in zip(by_size[STATE_10X.name], by_size["state"], strict=True):
        name = f"{big.command}, 10 × state ÷ state"
        if big.skipped or small.skipped:
            target_line(name, "not registered yet", f"≤ {GROWTH_TARGET:g}", None)
            continue
        ratio = big.median_ms / small.median_ms
        figure = f"{ratio:.2f} ({big.median_ms:.2f} ms ÷ {small.median_ms:.2f} ms)"
        target_line(name, figure, f"≤ {GROWTH_TARGET:g}", ratio <= GROWTH_TARGET)


def write_plans(path: Path, database: DemoDatabase, timings: list[Timing]) -> None:
    """The EXPLAIN QUERY PLAN of every SELECT the commands ran, as Markdown."""
    connection = sqlite3.connect(f"file:{database.path}?mode=ro", uri=True)
    lines = [
        f"On the {database.size.label} database ({database.contacts:,} contacts), "
        f"as the commands ran them; time alone (median of 5) and rows returned.",
        "",
    ]
    try:
        for timing in timings:
            if timing.skipped:
                lines += [f"**{timing.command}**: not registered yet.", ""]
                continue
            lines += [f"**{timing.command}**", ""]
            for statement in _selects(timing.statements):
                ms, rows = time_statement(connection, statement)
                plan = query_plan(connection, statement)
                mark = " (full scan or temp b-tree)" if _suspicious(plan) else ""
                lines += [
                    f"- {ms:.2f} ms, {rows} rows{mark}: `{one_line(statement.sql, 160)}`",
                    "",
                    "  ```",
                    *(f"  {line}" for line in plan),
                    "  ```",
                    "",
                ]
    finally:
        connection.close()
    path.write_text("\n".join(lines))


async def run(
    sizes: list[str], runs: int, warmup: int, rebuild: bool, plans: Path | None = None
) -> int:
    forget_bot_environment()
    print(f"handler latency, end to end through process_update, {machine()}")
    print(f"ms: first (cold) / median / best of {runs} runs after {warmup} warm-up runs")
    results: list[tuple[DemoDatabase, list[Timing]]] = []
    for name in sizes:
        if name == STATE_10X.name:
            from bench.growth import state_10x

            database = await state_10x(rebuild=rebuild)
        else:
            database = demo_database(SIZE[name], rebuild=rebuild)
        async with Bot(database) as bot:
            timings = [await bot.measure(command, runs, warmup) for command in COMMANDS]
        results.append((database, timings))

    print()
    width = 26
    print(f"{'database':<16} {'contacts':>10}  " + "".join(f"{c:<{width}}" for c in COMMANDS))
    for database, timings in results:
        print(
            f"{database.size.label:<16} {database.contacts:>10,}  "
            + "".join(f"{_cell(timing):<{width}}" for timing in timings)
        )
    print()
    for database, timings in results:
        if database.size is STATE_10X:
            continue
        for timing in timings:
            limit = target_ms(database, timing.command)
            name = f"{timing.command}, {database.size.label}"
            if timing.skipped:
                target_line(name, "not registered yet", f"median < {limit:g} ms", None)
                continue
            figure = f"median {timing.median_ms:.2f} ms (best {timing.best_ms:.2f})"
            target_line(name, figure, f"median < {limit:g} ms", timing.median_ms < limit)
    report_growth(results)
    for database, timings in results:
        for timing in timings:
            if not timing.skipped:
                replied = ", ".join(timing.methods)
                print(
                    f"  {database.size.label} {timing.command}: replied with {replied}, "
                    f"{len(timing.reply)} characters"
                )

    for database, timings in results:
        is_state = database.size.name == "state"
        print()
        print(
            f"statements run by each command on the {database.size.label} database, "
            f"each timed alone (median of 5)" + (", with EXPLAIN QUERY PLAN:" if is_state else ":")
        )
        report_statements(database, timings, plans=is_state)
        if is_state and plans is not None:
            write_plans(plans, database, timings)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per command (20)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up runs per command (3)")
    parser.add_argument(
        "--sizes",
        default=",".join(size.name for size in SIZES),
        help="comma-separated: " + ", ".join(size.name for size in SIZES),
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    parser.add_argument(
        "--plans", type=Path, help="write the state database's query plans here (Markdown)"
    )
    arguments = parser.parse_args(argv)
    sizes = [name.strip() for name in arguments.sizes.split(",") if name.strip()]
    unknown = [name for name in sizes if name not in SIZE]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}")
    return asyncio.run(
        run(sizes, arguments.runs, arguments.warmup, arguments.rebuild, arguments.plans)
    )


if __name__ == "__main__":
    sys.exit(main())
