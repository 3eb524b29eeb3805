"""The real `kim-bot` process, as a test starts, kills and restarts it on one database."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from tests.e2e.fake_bot_api import FakeBotApi

# The console script installed next to this Python, as an operator runs it.
KIM_BOT = Path(sys.executable).with_name("kim-bot")
STARTUP_TIMEOUT = 60


class BotProcess:
    """`kim-bot` serving the fake Bot API: by long polling, or by webhook when `settings`
    name TELEGRAM_WEBHOOK_URL.

    Every start uses the same database, settings and log file; the fake server keeps what
    the bot has not confirmed, as Telegram does, so a test can kill the process at any
    moment and start it again.
    """

    def __init__(self, fake_api: FakeBotApi, folder: Path, **settings: str) -> None:
        self.folder = folder
        self.database = folder / "e2e.sqlite3"
        self.log_path = folder / "kim-bot.log"
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "TELEGRAM_BOT_TOKEN": fake_api.token,
            "TELEGRAM_API_URL": fake_api.url,
            "DATABASE_PATH": str(self.database),
            **settings,
        }
        self.process: asyncio.subprocess.Process | None = None
        # Seconds from each start to the first getUpdates (or setWebhook).
        self.startup_seconds: list[float] = []
        self._fake = fake_api

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self, *, wait: bool = True) -> None:
        """Start the process; with `wait`, return once it receives updates."""
        assert not self.running, "the bot process is already running"
        receiving = self._receiving()
        receiving.clear()
        started = time.perf_counter()
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                str(KIM_BOT),
                env=self.env,
                cwd=self.folder,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        if wait:
            await self.receiving()
            self.startup_seconds.append(time.perf_counter() - started)

    async def receiving(self) -> None:
        """Wait until the process asks for updates (or set its webhook); fail if it exits."""
        assert self.process is not None
        receiving = asyncio.ensure_future(self._receiving().wait())
        exited = asyncio.ensure_future(self.process.wait())
        done, _ = await asyncio.wait(
            {receiving, exited}, timeout=STARTUP_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        receiving.cancel()
        exited.cancel()
        if receiving not in done:
            raise AssertionError(f"the bot did not start receiving updates:\n{self.log()}")

    def _receiving(self) -> asyncio.Event:
        webhook = self.env.get("TELEGRAM_WEBHOOK_URL")
        return self._fake.webhook_set if webhook else self._fake.polling

    async def kill(self) -> None:
        """SIGKILL: the process dies wherever it is."""
        assert self.process is not None
        self.process.kill()
        await self.process.wait()

    async def stop(self, timeout: float = STARTUP_TIMEOUT) -> int:
        """SIGTERM; the exit code once the process has stopped."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
