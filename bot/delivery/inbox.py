"""The inbox: updates are stored first, then handled, each exactly once."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext

from bot.core.updates import ChatOrderedUpdateProcessor
from bot.storage.inbox import InboxStore

log = logging.getLogger(__name__)

# Telegram keeps an update it was not told about for 24 hours; the ids of handled updates
# are kept twice as long, so that a late redelivery is still recognised.
KEEP_HANDLED = timedelta(hours=48)
# Updates in hand (being handled, or waiting for their chat's earlier ones) before the inbox
# takes more: a burst (a backlog after downtime, hundreds of messages from one chat) then
# waits at Telegram, not in the bot's memory. Telegram hands out at most 100 per call.
MAX_IN_HAND = 100
# The poller asks again once this many are done (not one by one: a call per update).
POLL_ROOM = MAX_IN_HAND // 2


class Inbox:
    """Stores updates before they are confirmed to Telegram and hands them to the bot.

    A person's updates are handled one after another, different people's at once (the
    ChatOrderedUpdateProcessor). An update is marked handled when all its handlers are
    done; one that was stored but not handled when the process died is handled after the
    restart. Handlers are idempotent where it matters (a contact is unique per message), so
    an update whose handling was cut off in the middle may safely run again.
    """

    def __init__(self, application: Application, store: InboxStore) -> None:
        self._application = application
        self._store = store
        self._processor = ChatOrderedUpdateProcessor()
        self._running: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def receive(self, updates: Iterable[dict[str, Any]]) -> None:
        """Store raw updates (one transaction), then handle the ones not seen before.

        Waits first while MAX_IN_HAND updates are in hand, so the webhook answers Telegram
        only when there is room (the poller asks for no more than `room()`). Returns once
        they are stored: only then may Telegram be told they arrived.
        """
        await self.wait_for_room()
        payloads = {update["update_id"]: update for update in updates}
        clock = self._application.bot_data.clock
        new = await self._store.store(
            [(update_id, json.dumps(payload)) for update_id, payload in payloads.items()],
            clock.now(),
        )
        for update_id in new:
            self._start(payloads[update_id])

    async def resume(self) -> int:
        """Handle what was stored but not handled before the last stop; returns how many."""
        pending = await self._store.pending()
        for _, payload in pending:
            self._start(json.loads(payload))
        if pending:
            log.info("handling %d updates stored before the last stop", len(pending))
        return len(pending)

    def room(self) -> int:
        """How many more updates the inbox takes now."""
        return max(0, MAX_IN_HAND - len(self._running))

    async def wait_for_room(self, needed: int = 1) -> None:
        while self.room() < needed:
            await asyncio.wait(set(self._running), return_when=asyncio.FIRST_COMPLETED)

    def _start(self, payload: dict[str, Any]) -> None:
        try:
            update = Update.de_json(payload, self._application.bot)
        except Exception:
            # Not an update python-telegram-bot can read, now or after a restart: logged
            # and set aside as handled, so that it does not come back at every start.
            log.exception("update %s cannot be read", payload["update_id"])
            now = self._application.bot_data.clock.now()
            work = self._store.handled(payload["update_id"], now)
        else:
            work = self._processor.process_update(update, self._handle(update))
        # Tasks start in update_id order, so each chat's lock is taken in that order.
        task = asyncio.create_task(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _handle(self, update: Update) -> None:
        if self._stopping:
            return  # not begun: it stays in the inbox for the next start
        try:
            await self._application.process_update(update)
        except Exception:
            # Handler failures reach the error handler inside process_update; this is a
            # failure of the machinery. Handling it again after a restart would fail again.
            log.exception("update %d could not be handled", update.update_id)
        try:
            await self._store.handled(update.update_id, self._application.bot_data.clock.now())
        except Exception:
            log.exception("update %d was handled but could not be marked so", update.update_id)

    async def settled(self) -> None:
        """Wait until every update received so far is handled (or left for the next start)."""
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def stop(self) -> None:
        """Finish the updates being handled; the others stay stored for the next start."""
        self._stopping = True
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)


FORGET_JOB = "inbox"
FORGET_EVERY = timedelta(hours=6)


async def forget_handled(context: CallbackContext) -> None:
    """Drop the ids of updates handled more than KEEP_HANDLED ago."""
    services = context.bot_data
    forgotten = await services.storage.inbox.forget_handled(services.clock.now() - KEEP_HANDLED)
    if forgotten:
        log.info("forgot %d handled updates", forgotten)


def schedule_forgetting(application: Application) -> None:
    application.job_queue.run_repeating(
        forget_handled, FORGET_EVERY, first=FORGET_EVERY, name=FORGET_JOB
    )
