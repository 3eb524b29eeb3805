"""Start the fake Bot API server and the real `kim-bot` process polling it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.core.offline import Person
from tests.e2e.fake_bot_api import FakeBotApi, person_json
from tests.helpers.texts import invitation_code

TOKEN = "424242:E2E-test-token-for-the-fake-server"
ADMIN = Person(1001, "Amira", "amira_admin", "de")
STARTUP_TIMEOUT = 60
REPLY_TIMEOUT = 20


class TelegramUser:
    """The test's side of the fake server: send as people, read what the bot sent."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self._session = session
        self._url = url
        self._seen = 0

    async def send(self, person: Person, text: str) -> None:
        async with self._session.post(
            f"{self._url}/_test/message", json={"person": person_json(person), "text": text}
        ) as r:
            r.raise_for_status()

    async def press(self, person: Person, button: str) -> None:
        async with self._session.post(
            f"{self._url}/_test/press", json={"person": person_json(person), "button": button}
        ) as r:
            r.raise_for_status()

    async def invitation_code(self, inviter: Person, role: str) -> str:
        """`inviter` invites someone as `role`; the code of the link the bot answers with."""
        await self.send(inviter, f"/invite {role}")
        return invitation_code((await self.wait_for("sendMessage", inviter.id))["text"])

    async def join(self, inviter: Person, role: str, newcomer: Person) -> None:
        """`newcomer` starts the bot with `inviter`'s invitation as `role` and is welcomed."""
        code = await self.invitation_code(inviter, role)
        await self.send(newcomer, f"/start {code}")
        await self.wait_for("sendMessage", newcomer.id)

    async def wait_for(
        self,
        method: str,
        chat_id: int | None = None,
        matches: Callable[[dict[str, Any]], bool] = lambda params: True,
        timeout: float = REPLY_TIMEOUT,
    ) -> dict[str, Any]:
        """The next call of `method` (to `chat_id`) that `matches`; fails after `timeout`.

        Calls before it are skipped: the bot's order within one reply is asserted in-process.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (remaining := deadline - loop.time()) > 0:
            async with self._session.get(
                f"{self._url}/_test/calls", params={"since": self._seen, "wait": remaining}
            ) as r:
                calls = await r.json()
            for call in calls:
                self._seen += 1
                params = call["params"]
                if (
                    call["method"] == method
                    and matches(params)
                    and (chat_id is None or int(params.get("chat_id", 0)) == chat_id)
                ):
                    return params
        raise AssertionError(f"the bot did not call {method} for chat {chat_id} in {timeout}s")


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot_process(
    fake_api: FakeBotApi, tmp_path: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """The installed `kim-bot` command, long-polling the fake server."""
    log_path = tmp_path / "kim-bot.log"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake_api.url,
        "DATABASE_PATH": str(tmp_path / "e2e.sqlite3"),
        "ADMIN_TELEGRAM_IDS": str(ADMIN.id),
    }
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("kim-bot")),
            env=env,
            cwd=tmp_path,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    try:
        polling = asyncio.ensure_future(fake_api.polling.wait())
        exited = asyncio.ensure_future(process.wait())
        done, _ = await asyncio.wait(
            {polling, exited}, timeout=STARTUP_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        polling.cancel()
        exited.cancel()
        if polling not in done:
            raise AssertionError(f"the bot did not start polling:\n{log_path.read_text()}")
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=STARTUP_TIMEOUT)


@pytest.fixture
async def telegram(fake_api: FakeBotApi) -> AsyncIterator[TelegramUser]:
    async with aiohttp.ClientSession() as session:
        yield TelegramUser(session, fake_api.url)
