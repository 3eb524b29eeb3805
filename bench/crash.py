"""A long crash run: the real `kim-bot` process killed with SIGKILL again and again under a
stream of /log messages, then checked message by message.

The machinery of the crash test (tests/e2e/crash.py, 20 kills in CI) with more kills: the
fake Bot API server of the end-to-end tests runs in this event loop on 127.0.0.1, the bot
works on a new database in a folder in bench/.cache/, removed after a passing run and kept
(with the bot's log) after a failing one. At the end every message must be stored exactly
once and confirmed; a contact confirmed twice (a kill between Telegram taking the reply and
the inbox marking the update handled) is counted, not a failure.

    python -m bench.crash [--kills 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

import aiohttp

from bench.common import CACHE, forget_bot_environment, machine
from tests.e2e.bot_process import BotProcess
from tests.e2e.conftest import ADMIN, TOKEN, TelegramUser
from tests.e2e.crash import CrashReport, crash_run
from tests.e2e.fake_bot_api import FakeBotApi


async def run(kills: int, seed: int, folder: Path) -> CrashReport:
    server = FakeBotApi(TOKEN)
    await server.start()
    bot = BotProcess(server, folder, ADMIN_TELEGRAM_IDS=str(ADMIN.id))
    try:
        async with aiohttp.ClientSession() as session:
            return await crash_run(bot, server, TelegramUser(session, server.url), kills, seed)
    finally:
        if bot.running:
            await bot.kill()
        await server.stop()


def failed(report: CrashReport) -> bool:
    return bool(
        report.lost
        or report.stored_twice
        or report.unexpected_rows
        or report.unconfirmed
        or report.saved_twice
        or report.integrity != "ok"
        or report.inbox_pending
        or report.outbox_pending
        or report.exit_code != 0
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200, help="SIGKILLs (200)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random run (1)")
    arguments = parser.parse_args(argv)
    forget_bot_environment()
    print(f"crash run of the kim-bot process, {machine()}", flush=True)
    CACHE.mkdir(mode=0o700, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="crash-", dir=CACHE))
    report = asyncio.run(run(arguments.kills, arguments.seed, folder))
    for line in report.lines():
        print(f"  {line}")
    if failed(report):
        print(f"  verdict: FAILED; the database and the bot's log are in {folder}")
        return 1
    shutil.rmtree(folder)
    print("  verdict: every message stored once and confirmed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
