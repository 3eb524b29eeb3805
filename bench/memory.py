"""Peak memory (RSS) of the real `kim-bot` process serving the state-size database.

The installed `kim-bot` command (next to this Python) long-polls the fake Bot API server of
the end-to-end tests, started in this event loop on 127.0.0.1, and works on a copy of the
cached state database (50,000 families, about two million contacts; see bench/latency.py).
A coordinator, put into the staff table before the start, asks for /week, /month, /year,
/caseload and /budget of the week the demo data ends in, and logs a few contacts; each
reply is awaited. Then the peak resident set size (VmHWM in /proc/<pid>/status) is read
and the process is stopped with SIGTERM. Target: under 100 MB.

    python -m bench.memory [--logs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import (
    CACHE,
    KIM_BOT,
    SIZE,
    copy_database,
    demo_database,
    forget_bot_environment,
    machine,
)
from bot.core.offline import Person
from bot.staff.roles import Role
from bot.storage import Storage
from tests.e2e.fake_bot_api import FakeBotApi, person_json

TOKEN = "424242:BENCH-token-for-the-fake-bot-api"
COORDINATOR = Person(-2, "Bench", "bench_koord", "de")
LOG_ARGUMENTS = "45m hausbesuch aufenthalt,arbeit: Termin vorbereitet"
TARGET_MB = 100.0
STARTUP_TIMEOUT = 180
REPLY_TIMEOUT = 60
SETTLE = 0.5
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


class Chat:
    """The coordinator's side of the fake server: send a message, await the bot's answer."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self._session = session
        self._url = url
        self._seen = 0

    async def settle(self, quiet: float = 1.0, limit: float = 120) -> list[dict[str, Any]]:
        """Every call until the bot has made none for `quiet` seconds (start-up work)."""
        calls: list[dict[str, Any]] = []
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            new = await self._calls(quiet)
            if not new:
                break
            calls += new
        return calls

    async def ask(self, text: str) -> tuple[float, list[dict[str, Any]]]:
        """Seconds until the first answer to `text`, and every call that answered it.

        An answer may take several messages: after the first, calls are collected until the
        bot has been quiet for SETTLE seconds, so that none is taken for the next answer.
        """
        started = time.perf_counter()
        async with self._session.post(
            f"{self._url}/_test/message", json={"person": person_json(COORDINATOR), "text": text}
        ) as r:
            r.raise_for_status()
        answers: list[dict[str, Any]] = []
        first = 0.0
        deadline = started + REPLY_TIMEOUT
        while (remaining := deadline - time.perf_counter()) > 0:
            wait = SETTLE if answers else remaining
            calls = await self._calls(wait)
            if not calls and answers:
                return first, answers
            new = [
                call
                for call in calls
                if call["method"] in REPLY_METHODS
                and int(call["params"].get("chat_id", 0)) == COORDINATOR.id
            ]
            if new and not answers:
                first = time.perf_counter() - started
            answers += new
        raise TimeoutError(f"no answer to {text!r} within {REPLY_TIMEOUT} s")

    async def _calls(self, wait: float) -> list[dict[str, Any]]:
        async with self._session.get(
            f"{self._url}/_test/calls", params={"since": self._seen, "wait": wait}
        ) as r:
            calls = await r.json()
        self._seen += len(calls)
        return calls


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


async def run(logs: int) -> int:
    forget_bot_environment()
    print(f"peak memory of the kim-bot process, {machine()}")
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
        commands += [f"/log F-{family:04d} {LOG_ARGUMENTS}"] * logs
        server = FakeBotApi(TOKEN)
        await server.start()
        log_path = Path(folder) / "kim-bot.log"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", folder),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": server.url,
            "DATABASE_PATH": str(path),
        }
        process = None
        try:
            with log_path.open("wb") as log:
                started = time.perf_counter()
                process = await asyncio.create_subprocess_exec(
                    str(KIM_BOT),
                    env=env,
                    cwd=folder,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                )
            polling = asyncio.ensure_future(server.polling.wait())
            exited = asyncio.ensure_future(process.wait())
            done, _pending = await asyncio.wait(
                {polling, exited}, timeout=STARTUP_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
            )
            polling.cancel()
            exited.cancel()
            if polling not in done:
                raise RuntimeError(f"the bot did not start polling:\n{log_path.read_text()}")
            async with aiohttp.ClientSession() as session:
                chat = Chat(session, server.url)
                startup_calls = await chat.settle()
                startup = time.perf_counter() - started
                at_start = memory_status(process.pid)
                methods = Counter(call["method"] for call in startup_calls)
                print(f"database: {database.summary}")
                print(
                    f"start-up: {startup:.1f} s until idle, {mb(at_start['VmRSS']):.1f} MB "
                    f"resident, peak {mb(at_start['VmHWM']):.1f} MB; calls made: "
                    + ", ".join(f"{name} {count}" for name, count in methods.most_common())
                )
                sent = Counter(
                    re.sub(r"\d+", "…", _first_line(call["params"].get("text")))
                    for call in startup_calls
                    if call["method"] == "sendMessage"
                )
                for first_line, count in sent.most_common(5):
                    print(f"  start-up message ×{count}: {first_line}")
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
                        text = _first_line(answer["params"].get("text"))
                        print(f"      → {answer['method']}: {text}")
                final = memory_status(process.pid)
        finally:
            if process is not None and process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), timeout=60)
                except TimeoutError:
                    process.kill()
                    await process.wait()
            await server.stop()
        peak = mb(final["VmHWM"])
        verdict = "met" if peak < TARGET_MB else "MISSED"
        print()
        print(
            f"  peak RSS (VmHWM) {peak:.1f} MB, at the end {mb(final['VmRSS']):.1f} MB; "
            f"target < {TARGET_MB:g} MB: {verdict}; exit code after SIGTERM: {process.returncode}"
        )
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
    parser.add_argument("--logs", type=int, default=5, help="/log quick forms to send (5)")
    arguments = parser.parse_args(argv)
    return asyncio.run(run(arguments.logs))


if __name__ == "__main__":
    sys.exit(main())
