"""Replies that reach Telegram: flood limits waited out, timeouts and server errors retried,
and what still fails kept in the outbox, across restarts, until it is delivered."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Bot, InputFile, Message, TelegramObject
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter

from bot.core.clock import Clock
from bot.storage.outbox import OutboxStore
from bot.storage.traces import TraceStore

log = logging.getLogger(__name__)

# Telegram's limits for a bot: 30 messages a second in all, 20 a minute in one group.
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
# What the bot sends on its own (menus at start, reminders, reports, the outbox) takes at
# most this share of the 30: a burst of them never keeps someone waiting for an answer.
BACKGROUND_PER_SECOND = 20
# A 429 (flood limit) is waited out this many times before the call goes to the outbox.
FLOOD_RETRIES = 3
# A timeout, a dropped connection or a 5xx is retried at once this many times, after
# 0.5, 1, 2 … seconds, before the call goes to the outbox.
NETWORK_RETRIES = 3
FIRST_BACKOFF = 0.5
# From the outbox: the first attempt after this, then doubling up to the maximum.
OUTBOX_FIRST_DELAY = timedelta(seconds=2)
OUTBOX_MAX_DELAY = timedelta(minutes=10)
# A reply still not delivered after this is given up (and logged): by then it is stale.
OUTBOX_GIVE_UP = timedelta(hours=48)
# Calls that carry text to a person and may be made again later. Not here: files (an export
# is not kept in the database), answers to button presses (Telegram drops them after
# seconds), deleting messages (the traces job retries those itself).
QUEUED_METHODS = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "setMyCommands"}
)

# Set while the outbox itself makes a call: a failure then stays in the outbox, not a copy.
_from_outbox: ContextVar[bool] = ContextVar("from_outbox", default=False)
# Set by the access gate for the rest of an update: calls made while answering someone.
_answering: ContextVar[bool] = ContextVar("answering", default=False)
# Set while a message showing case details is sent (`showing_case_details`).
_case_details: ContextVar[bool] = ContextVar("case_details", default=False)


def answering_update() -> None:
    """The current task answers an update: its calls go ahead of the bot's own (menus,
    reminders, reports), which share BACKGROUND_PER_SECOND of Telegram's limit."""
    _answering.set(True)


@contextmanager
def showing_case_details() -> Iterator[None]:
    """Calls made inside send case details: if one is kept in the outbox, the message it
    becomes is remembered in chat_traces when it is delivered, like any other such message."""
    token = _case_details.set(True)
    try:
        yield
    finally:
        _case_details.reset(token)


class ReplyQueued(TelegramError):
    """Telegram did not take the call now; it waits in the outbox and will be delivered.

    Raised to the code that made the call. The reply helpers of handlers/common.py and
    `notify` take it and go on; anywhere else it ends the handler, and the error handler
    says nothing, as the reply itself is on its way.
    """

    def __init__(self, method: str) -> None:
        super().__init__(f"{method} kept in the outbox")
        self.method = method


def transient(error: Exception) -> bool:
    """A failure worth trying again: timeouts, dropped connections, 5xx, flood limits.

    BadRequest is a NetworkError in PTB but means the call itself is wrong; Forbidden (the
    person blocked the bot) and the others will not change by waiting either.
    """
    return isinstance(error, RetryAfter | NetworkError) and not isinstance(error, BadRequest)


class Outbox:
    """The calls Telegram could not take, and the task that makes them again."""

    def __init__(
        self, bot: Bot, store: OutboxStore, clock: Clock, traces: TraceStore | None
    ) -> None:
        self._bot = bot
        self._store = store
        self._clock = clock
        # Where a delivered message with case details is remembered; None: they stay.
        self._traces = traces
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def keep(self, method: str, data: dict[str, Any], error: Exception) -> bool:
        """Store the call for later; False if it cannot be kept (it carries a file)."""
        try:
            params = {name: _plain(value) for name, value in data.items() if value is not None}
        except _CarriesAFile:
            return False
        chat_id = params.get("chat_id")
        now = self._clock.now()
        await self._store.add(
            method,
            chat_id if isinstance(chat_id, int) else None,
            json.dumps(params),
            _case_details.get(),
            now,
            now + OUTBOX_FIRST_DELAY,
        )
        log.warning("%s to %s kept in the outbox after %s", method, chat_id, _describe(error))
        self._wake.set()
        return True

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        """Stop sending; what is still in the outbox is sent after the next start."""
        self._stop.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            # Cleared before looking: a call kept meanwhile wakes the next round at once.
            self._wake.clear()
            try:
                await self.deliver_due()
                wait = await self._seconds_to_next_attempt()
            except Exception:
                log.exception("the outbox could not be worked through")
                wait = OUTBOX_FIRST_DELAY.total_seconds()
            waiters = {
                asyncio.ensure_future(self._wake.wait()),
                asyncio.ensure_future(self._stop.wait()),
            }
            await asyncio.wait(waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()

    async def _seconds_to_next_attempt(self) -> float | None:
        due = await self._store.next_attempt()
        if due is None:
            return None
        return max(0.0, (due - self._clock.now()).total_seconds())

    async def deliver_due(self) -> int:
        """Make every call that is due, oldest first; returns how many were delivered.

        Stops at the first that fails for a passing reason: Telegram is still unwell, and the
        ones after it would overtake it.
        """
        delivered = 0
        for call in await self._store.due(self._clock.now()):
            if self._stop.is_set():
                break
            token = _from_outbox.set(True)
            try:
                sent = await _replay(self._bot, call.method, json.loads(call.params))
            except TelegramError as error:
                if not transient(error):
                    # Blocked, or refused: waiting will not change it.
                    log.warning("%s from the outbox refused: %s", call.method, _describe(error))
                    await self._store.delivered(call.id)
                    continue
                now = self._clock.now()
                if now - call.created_at > OUTBOX_GIVE_UP:
                    log.error("%s given up after %d attempts", call.method, call.attempts + 1)
                    await self._store.delivered(call.id)
                    continue
                delay = min(OUTBOX_FIRST_DELAY * 2 ** (call.attempts + 1), OUTBOX_MAX_DELAY)
                await self._store.failed(call.id, _describe(error), now + delay)
                break
            except Exception:
                # Not Telegram's answer: the call itself cannot be made (a bug). Trying it
                # again every round would only repeat this line.
                log.exception("%s from the outbox cannot be made; dropped", call.method)
                await self._store.delivered(call.id)
                continue
            finally:
                _from_outbox.reset(token)
            await self._store.delivered(call.id)
            if call.case_details and self._traces is not None and isinstance(sent, Message):
                await self._traces.remember(sent.chat_id, sent.message_id, self._clock.now())
            delivered += 1
        return delivered


async def _replay(bot: Bot, method: str, params: dict[str, Any]) -> Any:
    """Make the call again through the bot's own method, so that the rate limiter applies."""
    function = getattr(bot, method)
    known = inspect.signature(function).parameters
    arguments = {name: value for name, value in params.items() if name in known}
    extra = {name: value for name, value in params.items() if name not in known}
    return await function(**arguments, api_kwargs=extra or None)


class _CarriesAFile(Exception):
    pass


def _plain(value: Any) -> Any:
    """A parameter as JSON data: Telegram objects as the dicts the Bot API reads."""
    if isinstance(value, InputFile):
        raise _CarriesAFile
    if isinstance(value, TelegramObject):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _describe(error: Exception) -> str:
    """The kind of failure, for the log and the outbox: never the text of the message."""
    return f"{type(error).__name__}: {error}"[:200]


class DeliveryLimiter(AIORateLimiter):
    """PTB's rate limiter, plus retries of passing failures and the outbox behind them."""

    def __init__(self, throttle: bool = True, first_backoff: float = FIRST_BACKOFF) -> None:
        super().__init__(
            overall_max_rate=OVERALL_PER_SECOND if throttle else 0,
            group_max_rate=GROUP_PER_MINUTE if throttle else 0,
            max_retries=FLOOD_RETRIES,
        )
        self._first_backoff = first_backoff
        # The lane of the calls the bot makes on its own; none offline (nothing throttled).
        self._background = AsyncLimiter(BACKGROUND_PER_SECOND, 1) if throttle else None
        # Set once the database is open (start_services); until then failures are raised.
        self.outbox: Outbox | None = None
        # Set when the bot stops: a failing call goes to the outbox at once, not after
        # retries that would hold up the stop.
        self.stopping = False

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if self._background is not None and not _answering.get():
            async with self._background:
                pass
        backoff = self._first_backoff
        for attempt in range(NETWORK_RETRIES + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except RetryAfter as error:
                failure: TelegramError = error  # already waited out FLOOD_RETRIES times
                break
            except NetworkError as error:
                if not transient(error) or attempt == NETWORK_RETRIES or self.stopping:
                    failure = error
                    break
                log.info("%s failed (%s); retrying in %.1f s", endpoint, _describe(error), backoff)
                await asyncio.sleep(backoff)
                backoff *= 2
        if (
            not transient(failure)
            or self.outbox is None
            or _from_outbox.get()
            or endpoint not in QUEUED_METHODS
            or not await self.outbox.keep(endpoint, data, failure)
        ):
            raise failure
        raise ReplyQueued(endpoint) from failure
