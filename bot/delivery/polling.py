"""Long polling that confirms an update to Telegram only after the inbox has stored it.

Telegram forgets an update once a getUpdates call asks for a higher offset. PTB's Updater
asks for it as soon as the update is queued in memory, so a crash could lose it; here the
next offset is asked for only after the updates are committed to the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.delivery.inbox import POLL_ROOM, Inbox

log = logging.getLogger(__name__)

# Seconds Telegram holds a getUpdates call open while there is nothing new.
POLL_TIMEOUT = 10
# After a failed poll: wait this long, doubling up to the maximum.
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0


class Poller:
    def __init__(self, bot: Bot, inbox: Inbox, poll_timeout: int = POLL_TIMEOUT) -> None:
        self._bot = bot
        self._inbox = inbox
        self._poll_timeout = poll_timeout
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        # A webhook left from an earlier run would make every getUpdates fail (409).
        try:
            await self._bot.delete_webhook(drop_pending_updates=False)
        except TelegramError as exc:
            log.warning("could not remove a webhook: %s", exc)
        self._task = asyncio.create_task(self._run(), name="polling")

    async def stop(self) -> None:
        """Stop asking for updates; a batch being stored is stored first."""
        self._stop.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        # Offset 0: Telegram sends whatever it was not told about, stored or not; the inbox
        # recognises what it already has.
        offset = 0
        backoff = FIRST_BACKOFF
        while not self._stop.is_set():
            # No more than the inbox takes: a backlog waits at Telegram, not in memory.
            await self._inbox.wait_for_room(POLL_ROOM)
            try:
                updates = await self._until_stopped(
                    self._bot.get_updates(
                        offset=offset,
                        limit=self._inbox.room(),
                        timeout=self._poll_timeout,
                        allowed_updates=Update.ALL_TYPES,
                    )
                )
            except (NetworkError, RetryAfter, Conflict, InvalidToken) as exc:
                # Conflict: another instance polls, or a webhook is set. Keep trying: an
                # operator reads the log, the bot must not die of a network hiccup.
                log.warning("getUpdates failed: %s; retrying in %.1f s", exc, backoff)
                await self._pause(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            if updates is None:
                break  # stopped while waiting
            backoff = FIRST_BACKOFF
            if updates:
                try:
                    # Stored before the next getUpdates tells Telegram they arrived.
                    await self._inbox.receive(update.to_dict() for update in updates)
                except Exception:
                    # Not stored (the disk, a lock): the same offset asks for them again.
                    log.exception("updates could not be stored; asking for them again")
                    await self._pause(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF)
                    continue
                offset = updates[-1].update_id + 1

    async def _until_stopped(self, call):  # type: ignore[no-untyped-def]
        """The call's result, or None if the poller was stopped first (the call is dropped:
        Telegram sends its updates again, as they were never confirmed)."""
        fetch = asyncio.ensure_future(call)
        stopped = asyncio.ensure_future(self._stop.wait())
        done, _ = await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if fetch in done:
            return fetch.result()
        fetch.cancel()
        with contextlib.suppress(asyncio.CancelledError, NetworkError):
            await fetch
        return None

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)
