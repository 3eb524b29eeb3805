"""The real `kim-bot` process at state size: start-up, round trip, peak memory, a long soak.

The installed `kim-bot` command (next to this Python) long-polls the fake Bot API server of
the end-to-end tests, started in this event loop on 127.0.0.1, and works on a copy of the
cached state database (50,000 families, about two million contacts; see bench/latency.py).
A coordinator is put into the staff table before the start. The benchmark pushes the
coordinator's updates straight into the server's queue and watches the calls the bot makes
to it (no HTTP on the benchmark's side); the bot's side is real HTTP and long polling.

1. Start-up: the coordinator's `/log` waits in the queue before the process starts; the
   time from starting the process to the answer to it. Menus and catch-up notices
   (reminders, the weekly report) go out in the background meanwhile.
2. After the start-up's own calls have gone out: /week, /month, /year, /caseload, /budget
   of the demo data's last days, each answer awaited, with VmRSS and VmHWM after each.
3. Round trip: `--round-trips` /log one after another, each from the update entering the
   queue to the bot's answer arriving at the server; median and 95th percentile.
4. Soak: `--soak` updates (/log, /help and, every 1,000th, /week), in batches of 500, each
   batch answered before the next, after 2,000 of them to warm up; VmRSS before and after,
   and the peak (VmHWM) at the end.

The bot runs with FLOOD_BURST=0 (one coordinator sends thousands of updates a minute) and
without DATA_KEY. Steps 1 to 3 run the `kim-bot` command as it is; the soak runs in a
second process on the same database, with Telegram's 30 messages a second raised
(KIM_BOT_UNTHROTTLED): at 30 a second it would take an hour.
Targets: start-up < 1 s; round trip median < 10 ms; peak RSS < 80 MB; RSS does not grow
over the soak (end within 5 % of start).

    python -m bench.memory [--round-trips 200] [--soak 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    CACHE,
    KIM_BOT,
    SIZE,
    copy_database,
    demo_database,
    forget_bot_environment,
    machine,
    target_line,
)
from bot.core.offline import BotCall, Person
from bot.staff.roles import Role
from bot.storage import Storage
from tests.e2e.fake_bot_api import FakeBotApi

TOKEN = "424242:BENCH-token-for-the-fake-bot-api"
# A positive id, as a private chat has: PTB's rate limiter takes a negative one for a group
# (20 messages a minute).
COORDINATOR = Person(4_200_000_002, "Bench", "bench_koord", "de")
LOG_ARGUMENTS = "45m hausbesuch aufenthalt,arbeit: Termin vorbereitet"
STARTUP_TARGET = 1.0
ROUND_TRIP_TARGET_MS = 10.0
PEAK_TARGET_MB = 80.0
# RSS at the end of the soak within this share of RSS at its start: it does not grow.
SOAK_GROWTH = 0.05
SOAK_BATCH = 500
SOAK_WARMUP = 2_000
ROUND_TRIP_PAUSE = 0.05
# The bot as `kim-bot` runs it, but with Telegram's 30 messages a second raised: at 30 a
# second the soak would take an hour, and the fake server has no such limit. The lane of
# the bot's own calls (20 a second, BACKGROUND_PER_SECOND) stays as it is.
KIM_BOT_UNTHROTTLED = (
    "import sys; import bot.delivery.outbox as outbox; outbox.OVERALL_PER_SECOND = 100_000; "
    "from bot.__main__ import main; sys.exit(main([]))"
)
STARTUP_TIMEOUT = 180
REPLY_TIMEOUT = 60
REPLY_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "editMessageText"}


def memory_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, … of a process, in kB."""
    status = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name.startswith("Vm") and value.strip().endswith("kB"):
            status[name] = int(value.split()[0])
    return status


def _first_line(text: str | None, width: int = 70) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0][:width] if lines else ""


def mb(kilobytes: int) -> float:
    return kilobytes / 1024


def _answers(calls: list[BotCall]) -> list[BotCall]:
    return [
        call
        for call in calls
        if call.method in REPLY_METHODS and int(call.params.get("chat_id", 0)) == COORDINATOR.id
    ]


class Chat:
    """The coordinator's side of the fake server: queue an update, await the bot's answers."""

    def __init__(self, server: FakeBotApi) -> None:
        self.server = server
        self.telegram = server.telegram
        # Answers to the coordinator so far (counted as the calls arrive).
        self.answers = 0
        self.telegram.listeners.append(self._count)

    def _count(self, call: BotCall, result: object) -> None:
        if _answers([call]):
            self.answers += 1

    def push(self, text: str) -> None:
        self.server._updates.append(self.telegram.message_update(COORDINATOR, text))
        self.server._notify()

    async def answered(self, count: int) -> None:
        """Until `count` answers to the coordinator arrived since the start."""
        if not await self.server.wait_until(lambda: self.answers >= count, REPLY_TIMEOUT):
            raise TimeoutError(f"no answer number {count} within {REPLY_TIMEOUT} s")

    async def ask(self, text: str) -> tuple[float, list[BotCall]]:
        """Seconds until the first answer to `text`, and what answered it (until quiet)."""
        seen = len(self.telegram.calls)
        started = time.perf_counter()
        self.push(text)
        await self.answered(self.answers + 1)
        seconds = time.perf_counter() - started
        await self.quiet(0.3)
        return seconds, _answers(self.telegram.calls[seen:])

    async def quiet(self, seconds: float, limit: float = 300) -> None:
        """Until the bot has made no call for `seconds` (its start-up notices are out)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            count = len(self.telegram.calls)
            await self.server.wait_until(
                lambda count=count: len(self.telegram.calls) > count, seconds
            )
            if len(self.telegram.calls) == count:
                return

    def forget(self) -> None:
        """Keep the fake's memory (in this process) flat during the soak."""
        self.telegram.calls.clear()
        self.telegram._messages.clear()


async def launch(arguments: list[str], env: dict[str, str], folder: str, log_path: Path):
    """The bot process, its output appended to `log_path`."""
    with log_path.open("ab") as log:
        return await asyncio.create_subprocess_exec(
            *arguments,
            env=env,
            cwd=folder,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )


async def stop(process: asyncio.subprocess.Process | None) -> None:
    if process is not None and process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=60)
        except TimeoutError:
            process.kill()
            await process.wait()


async def prepare(path: Path) -> int:
    """Register the coordinator; returns an active family to log contacts for."""
    storage = await Storage.open(path)
    try:
        member = await storage.staff.get(COORDINATOR.id)
        if member is None or not member.active or member.role is not Role.COORDINATOR:
            await storage.staff.add(
                COORDINATOR.id,
                Role.COORDINATOR,
                Role.COORDINATOR.default_team,
                COORDINATOR.language_code,
                datetime.now(UTC),
                username=COORDINATOR.username,
                display_name=COORDINATOR.first_name,
            )
        return await storage.db.fetch_value(
            "SELECT id FROM families WHERE status = 'active' ORDER BY id LIMIT 1"
        )
    finally:
        await storage.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def run(round_trips: int, soak: int) -> int:
    forget_bot_environment()
    print(f"the kim-bot process at state size, {machine()}")
    database = demo_database(SIZE["state"])
    day = database.built_at.date()
    commands = [
        f"/week {day:%d.%m.%Y}",
        f"/month {day:%m.%Y}",
        f"/year {day:%Y}",
        "/caseload",
        "/budget",
    ]
    with tempfile.TemporaryDirectory(prefix="memory-", dir=CACHE) as folder:
        path = copy_database(database.path, Path(folder) / "state.sqlite3")
        family = await prepare(path)
        log_text = f"/log F-{family:04d} {LOG_ARGUMENTS}"
        server = FakeBotApi(TOKEN)
        # Telegram's checks of HTML and lengths are work its servers do, not the bot.
        server.telegram.checks = False
        await server.start()
        chat = Chat(server)
        log_path = Path(folder) / "kim-bot.log"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", folder),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": server.url,
            "DATABASE_PATH": str(path),
            "FLOOD_BURST": "0",
        }
        process = soaked = None
        try:
            # 1. Start-up: the first update waits before the process starts.
            chat.push(log_text)
            started = time.perf_counter()
            process = await launch([str(KIM_BOT)], env, folder, log_path)
            answered = asyncio.ensure_future(chat.answered(1))
            exited = asyncio.ensure_future(process.wait())
            done, _pending = await asyncio.wait(
                {answered, exited}, timeout=STARTUP_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
            )
            answered.cancel()
            exited.cancel()
            if answered not in done:
                raise RuntimeError(f"the bot did not answer:\n{log_path.read_text()}")
            startup = time.perf_counter() - started
            at_first = memory_status(process.pid)
            await chat.quiet(1.0)
            settled = time.perf_counter() - started
            at_start = memory_status(process.pid)
            startup_calls = list(server.telegram.calls)
            methods = Counter(call.method for call in startup_calls)
            print(f"database: {database.summary}")
            print(
                f"start-up: first answer {startup:.2f} s after the process started "
                f"({mb(at_first['VmRSS']):.1f} MB resident); the start-up's own calls done "
                f"after {settled:.1f} s ({mb(at_start['VmRSS']):.1f} MB, peak "
                f"{mb(at_start['VmHWM']):.1f} MB): "
                + ", ".join(f"{name} {count}" for name, count in methods.most_common())
            )
            sent = Counter(
                re.sub(r"\d+", "…", _first_line(call.params.get("text")))
                for call in startup_calls
                if call.method == "sendMessage"
            )
            for first_line, count in sent.most_common(5):
                print(f"  start-up message ×{count}: {first_line}")

            # 2. The figures, with the memory after each.
            print()
            print(f"  {'command':<62} {'answer':>8} {'RSS':>9} {'peak':>9}")
            for text in commands:
                seconds, answers = await chat.ask(text)
                status = memory_status(process.pid)
                print(
                    f"  {text:<62} {seconds * 1000:>6.0f}ms {mb(status['VmRSS']):>6.1f} MB "
                    f"{mb(status['VmHWM']):>6.1f} MB"
                )
                for answer in answers:
                    print(f"      → {answer.method}: {_first_line(answer.params.get('text'))}")

            # 3. Round trips of /log, one after another.
            trips = []
            for _trip in range(round_trips):
                # At a person's pace, well under Telegram's 30 messages a second.
                await asyncio.sleep(ROUND_TRIP_PAUSE)
                begun = time.perf_counter()
                chat.push(log_text)
                await chat.answered(chat.answers + 1)
                trips.append((time.perf_counter() - begun) * 1000)
            chat.forget()
            print()
            print(
                f"  /log round trip over {round_trips}: median {statistics.median(trips):.2f} ms, "
                f"95th percentile {percentile(trips, 0.95):.2f} ms, best {min(trips):.2f} ms"
            )

            final = memory_status(process.pid)
            await stop(process)

            # 4. The soak, in a second process with Telegram's 30 a second raised.
            soak_start = soak_end = final
            if soak:
                soaked = await launch(
                    [sys.executable, "-c", KIM_BOT_UNTHROTTLED], env, folder, log_path
                )
                chat.push("/help")
                await chat.answered(chat.answers + 1)
                await chat.quiet(1.0)
                texts = [log_text, "/help"]

                async def push_updates(count: int) -> None:
                    pushed = 0
                    while pushed < count:
                        batch = min(SOAK_BATCH, count - pushed)
                        chat.forget()
                        for index in range(pushed, pushed + batch):
                            chat.push(commands[0] if index % 1000 == 999 else texts[index % 2])
                        await chat.answered(chat.answers + batch)
                        pushed += batch

                # Warmed up by the same work first (caches, locales, the figures' first
                # run): what the soak measures is growth, not the first use.
                await push_updates(SOAK_WARMUP)
                soak_start = memory_status(soaked.pid)
                soak_started = time.perf_counter()
                await push_updates(soak)
                soak_seconds = time.perf_counter() - soak_started
                await chat.quiet(0.5)
                soak_end = memory_status(soaked.pid)
                print(
                    f"  soak: {soak:,} updates in {soak_seconds:.0f} s "
                    f"({soak / soak_seconds:,.0f} a second); RSS at its start "
                    f"{mb(soak_start['VmRSS']):.1f} MB, at its end {mb(soak_end['VmRSS']):.1f} MB, "
                    f"peak {mb(soak_end['VmHWM']):.1f} MB"
                )
        finally:
            await stop(process)
            await stop(soaked)
            await server.stop()
        peak = max(mb(final["VmHWM"]), mb(soak_end["VmHWM"]))
        print()
        target_line(
            "start-up to the first answer, state",
            f"{startup:.2f} s",
            f"< {STARTUP_TARGET:g} s",
            startup < STARTUP_TARGET,
        )
        median = statistics.median(trips)
        target_line(
            "/log round trip, fake Bot API, long polling",
            f"median {median:.2f} ms",
            f"< {ROUND_TRIP_TARGET_MS:g} ms",
            median < ROUND_TRIP_TARGET_MS,
        )
        target_line(
            "peak RSS of the bot process, state",
            f"{peak:.1f} MB (after the start-up {mb(at_start['VmHWM']):.1f} MB, after the "
            f"figures and round trips {mb(final['VmHWM']):.1f} MB, soak "
            f"{mb(soak_end['VmHWM']):.1f} MB)",
            f"< {PEAK_TARGET_MB:g} MB",
            peak < PEAK_TARGET_MB,
        )
        if soak:
            start, end = mb(soak_start["VmRSS"]), mb(soak_end["VmRSS"])
            target_line(
                f"RSS over a {soak:,}-update soak",
                f"{start:.1f} MB at its start, {end:.1f} MB at its end",
                f"no growth (≤ {SOAK_GROWTH:.0%})",
                end <= start * (1 + SOAK_GROWTH),
            )
        codes = [str(p.returncode) for p in (process, soaked) if p is not None]
        print(f"  exit code after SIGTERM: {', '.join(codes)}")
        with contextlib.suppress(OSError):
            errors = [
                line
                for line in log_path.read_text(errors="replace").splitlines()
                if " ERROR " in line or "Traceback" in line
            ]
            if errors:
                print(f"  the bot logged {len(errors)} error lines, the first: {errors[0]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--round-trips", type=int, default=200, help="/log round trips to time (200)"
    )
    parser.add_argument("--soak", type=int, default=100_000, help="updates of the soak (100000)")
    arguments = parser.parse_args(argv)
    return asyncio.run(run(arguments.round_trips, arguments.soak))


if __name__ == "__main__":
    sys.exit(main())
