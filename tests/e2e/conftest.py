"""Start the fake Bot API server and the real `kim-bot` process polling it."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.core.offline import FaultKind, Person
from tests.e2e.bot_process import STARTUP_TIMEOUT, BotProcess
from tests.e2e.fake_bot_api import SECRET_HEADER, FakeBotApi, person_json
from tests.helpers.texts import INVITATION_LINK, invitation_code

__all__ = ["STARTUP_TIMEOUT", "BotProcess"]

TOKEN = "424242:E2E-test-token-for-the-fake-server"
ADMIN = Person(1001, "Amira", "amira_admin", "de")
REPLY_TIMEOUT = 20


class TelegramUser:
    """The test's side of the fake server: send as people, read what the bot sent."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self._session = session
        self._url = url
        self._seen = 0

    async def send(self, person: Person, text: str) -> dict[str, Any]:
        """`person` writes `text`; the update Telegram queues for the bot."""
        async with self._session.post(
            f"{self._url}/_test/message", json={"person": person_json(person), "text": text}
        ) as r:
            r.raise_for_status()
            return await r.json()

    async def press(self, person: Person, button: str) -> None:
        async with self._session.post(
            f"{self._url}/_test/press", json={"person": person_json(person), "button": button}
        ) as r:
            r.raise_for_status()

    async def fail(
        self,
        kind: FaultKind,
        method: str | None = None,
        chat_id: int | None = None,
        times: int | None = 1,
    ) -> None:
        """The next `times` calls of `method` to `chat_id` (None: any; times None: all from
        now on) run into `kind`."""
        body = {"kind": kind.value, "method": method, "chat_id": chat_id, "times": times}
        async with self._session.post(f"{self._url}/_test/fault", json=body) as r:
            r.raise_for_status()

    async def post_to_webhook(self, url: str, update: dict[str, Any], secret: str | None) -> int:
        """Post `update` straight to the bot's webhook, as a forger would; the HTTP status."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with self._session.post(url, json=update, headers=headers) as r:
            return r.status

    async def invitation_code(self, inviter: Person, role: str) -> str:
        """`inviter` invites someone as `role`; the code of the link the bot answers with."""
        await self.send(inviter, f"/invite {role}")
        # Skips what else the inviter is told meanwhile (that an earlier invitee joined).
        answer = await self.wait_for(
            "sendMessage", inviter.id, lambda params: INVITATION_LINK.search(params["text"])
        )
        return invitation_code(answer["text"])

    async def join(self, inviter: Person, role: str, newcomer: Person) -> None:
        """`newcomer` starts the bot with `inviter`'s invitation as `role` and is welcomed."""
        code = await self.invitation_code(inviter, role)
        await self.send(newcomer, f"/start {code}")
        await self.wait_for("sendMessage", newcomer.id)

    async def wait_for(
        self,
        method: str,
        chat_id: int | None = None,
        matches: Callable[[dict[str, Any]], object] = lambda params: True,
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


def query(database: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of the bot's database, read with sqlite3 as an operator would (WAL lets a reader
    in while the bot runs)."""
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, params).fetchall()


def messages_to(fake_api: FakeBotApi, chat_id: int | None = None) -> list[str]:
    """The texts of every message the bot sent (to `chat_id`), as Telegram took them."""
    return [
        call.params["text"]
        for call in fake_api.telegram.calls
        if call.method == "sendMessage"
        and (chat_id is None or int(call.params["chat_id"]) == chat_id)
    ]


async def eventually(condition: Callable[[], bool], timeout: float = REPLY_TIMEOUT) -> None:
    """Wait until `condition()` holds, looking every 20 ms: for what the fake server does
    not see (a row in the bot's database)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"still not so after {timeout} s: {condition}")
        await asyncio.sleep(0.02)


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def kim_bot(fake_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The installed `kim-bot` command against the fake server, not started yet: the test
    may change its settings (`kim_bot.env`), then start, kill and restart it."""
    bot = BotProcess(fake_api, tmp_path, ADMIN_TELEGRAM_IDS=str(ADMIN.id))
    try:
        yield bot
    finally:
        if bot.running:
            await bot.stop()


@pytest.fixture
async def bot_process(kim_bot: BotProcess) -> asyncio.subprocess.Process:
    """The installed `kim-bot` command, long-polling the fake server."""
    await kim_bot.start()
    assert kim_bot.process is not None
    return kim_bot.process


@pytest.fixture
async def telegram(fake_api: FakeBotApi) -> AsyncIterator[TelegramUser]:
    async with aiohttp.ClientSession() as session:
        yield TelegramUser(session, fake_api.url)
