"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real bot process long-polls it, or receives its webhook posts, exactly as it would
api.telegram.org's. Answers come from the same OfflineTelegram the shell uses, refusals
included (HTTP 400, as Telegram answers); this module adds HTTP, long polling with offsets,
webhook delivery, multipart uploads, the faults of a bad network, and test-side routes:

- POST /_test/message  {"person": {...}, "text": "..."}          a person sends a message
- POST /_test/press    {"person": {...}, "button": "label"}      a person presses a button
- POST /_test/fault    {"kind": "...", "method": ..., "chat_id": ..., "times": n|null}
                        the next `times` matching calls (all, if null) run into that fault
- GET  /_test/calls?since=N&wait=S   Bot API calls from index N on; waits up to S seconds
                                      for at least one when there is none yet

Updates wait in one queue until they are confirmed: by a getUpdates with a higher offset,
or, while a webhook is set (getUpdates then answers 409, as Telegram does), by a 200 to the
post of each one, in order, retried until it comes. The queue outlives the bot process, so
a test may kill and restart the bot and see what Telegram would deliver again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import aiohttp
from aiohttp import web

from bot.core.offline import (
    FAULT_ANSWERS,
    BotCall,
    Fault,
    FaultKind,
    OfflineTelegram,
    Person,
    UnsupportedMethod,
    Upload,
    refusal_body,
)
from bot.core.telegram_rules import TelegramRefusal
from tests.helpers.servers import serve_on_loopback

# Form fields PTB sends JSON-encoded, as numbers or as booleans; all others (text, caption,
# …) stay text even when they look like JSON.
_JSON_FIELDS = {
    "reply_markup",
    "commands",
    "scope",
    "entities",
    "caption_entities",
    "allowed_updates",
    "media",
    "link_preview_options",
    "reply_parameters",
}
_NUMBER_FIELDS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "user_id",
    "reply_to_message_id",
    "cache_time",
    "message_thread_id",
    "max_connections",
}
_BOOLEAN_FIELDS = {"show_alert", "drop_pending_updates", "disable_notification"}

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's answer to getUpdates while a webhook is set.
WEBHOOK_CONFLICT = {
    "ok": False,
    "error_code": 409,
    "description": "Conflict: can't use getUpdates method while webhook is active; use "
    "deleteWebhook to delete the webhook first",
}
# A webhook post that is not answered 200 is made again after this many seconds.
WEBHOOK_RETRY = 0.1
WEBHOOK_POST_TIMEOUT = 10


def _decode_field(name: str, value: str) -> Any:
    if name in _JSON_FIELDS:
        with contextlib.suppress(ValueError):
            return json.loads(value)
    if name in _NUMBER_FIELDS:
        with contextlib.suppress(ValueError):
            return int(value)
    if name in _BOOLEAN_FIELDS and value in {"true", "false"}:
        return value == "true"
    return value


class FakeBotApi:
    """The HTTP side: Bot API methods for the bot, test routes for the tests."""

    def __init__(self, token: str, stall_seconds: float = 3.0) -> None:
        self.token = token
        self.telegram = OfflineTelegram(token)
        # A stalled call is held this long, unanswered: longer than the bot waits for it.
        self.stall_seconds = stall_seconds
        # Set by each getUpdates, and by each setWebhook: a test clears them to see the
        # next (re)started bot process begin receiving.
        self.polling = asyncio.Event()
        self.webhook_set = asyncio.Event()
        # Webhook posts and their HTTP status, in order.
        self.webhook_posts: list[tuple[int, int]] = []
        self._updates: list[dict[str, Any]] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._closing = False
        self.url = ""
        self.telegram.listeners.append(lambda call, result: self._notify())

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        app.router.add_post("/_test/message", self._inject_message)
        app.router.add_post("/_test/press", self._inject_press)
        app.router.add_post("/_test/fault", self._add_fault)
        app.router.add_get("/_test/calls", self._read_calls)
        self._runner, self.url = await serve_on_loopback(app)
        self._webhook_task = asyncio.create_task(self._post_to_webhook(), name="webhook")
        return self.url

    async def stop(self) -> None:
        # Release held long polls and stalls at once instead of letting them run out.
        self._closing = True
        self._notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def pending(self) -> int:
        """Updates not yet confirmed by the bot (Telegram would deliver them again)."""
        return len(self._updates)

    def _notify(self) -> None:
        async def wake() -> None:
            async with self._changed:
                self._changed.notify_all()

        asyncio.get_running_loop().create_task(wake())

    async def wait_until(self, condition: Callable[[], object], timeout: float | None) -> bool:
        """Wait until `condition()` holds, checked after every change (a call, an update,
        a confirmation); whether it holds when `timeout` runs out."""
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(condition), timeout)
        return bool(condition())

    # The Bot API ------------------------------------------------------------------------

    async def _bot_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        try:
            params, uploads = await self._parameters(request)
        except ConnectionResetError:
            # The bot was killed while sending: nobody reads an answer, nothing was called.
            return web.Response(status=400)
        fault = self.telegram.fault_for(method, params)
        if fault is not None:
            # A fault that strikes is a change: a test waiting for it acts while the bot
            # still waits for its answer, not when the stall is over (and the bot retries).
            self._notify()
            return await self._act_out(fault, request)
        if method == "getUpdates":
            if self.telegram.webhook_url:
                return web.json_response(WEBHOOK_CONFLICT, status=409)
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        try:
            result = self.telegram.call(method, params, uploads)
        except UnsupportedMethod:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                status=404,
            )
        except TelegramRefusal as refusal:
            return web.json_response(refusal_body(refusal.description), status=400)
        if method in {"setWebhook", "deleteWebhook"} and params.get("drop_pending_updates"):
            self._updates.clear()
        if method == "setWebhook" and self.telegram.webhook_url:
            self.webhook_set.set()
        if method == "getWebhookInfo":
            result["pending_update_count"] = len(self._updates)
        return web.json_response({"ok": True, "result": result})

    async def _act_out(self, fault: FaultKind, request: web.Request) -> web.Response:
        """Answer as Telegram or the network would when `fault` strikes; the call is not
        made. A stall holds the request past the bot's timeout, then drops it; a reset drops
        it at once. Either way the bot gets no answer (closing the transport first means the
        response returned here is never written, and aiohttp says nothing about it)."""
        if fault in FAULT_ANSWERS:
            status, body = FAULT_ANSWERS[fault]
            return web.json_response(body, status=status)
        if fault is FaultKind.STALL:
            await self.wait_until(lambda: self._closing, self.stall_seconds)
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)

    @staticmethod
    async def _parameters(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        params: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if part.filename is not None:
                    content = await part.read()
                    mimetype = part.headers.get("Content-Type", "application/octet-stream")
                    uploads[part.name] = Upload(part.filename, bytes(content), mimetype)
                else:
                    params[part.name] = await part.text()
        elif request.can_read_body:
            params.update(await request.post())
        decoded = {
            name: _decode_field(name, value) if isinstance(value, str) else value
            for name, value in params.items()
        }
        return decoded, uploads

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling: confirm updates below `offset`, then wait up to `timeout` for more."""
        offset = int(params.get("offset", 0))
        if offset:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
            self._notify()
        self.polling.set()
        timeout = float(params.get("timeout", 0))
        await self.wait_until(lambda: bool(self._updates) or self._closing, timeout)
        limit = int(params.get("limit", 100))
        return self._updates[:limit]

    async def _post_to_webhook(self) -> None:
        """While a webhook is set, post the queued updates to it one by one, in order, each
        with the secret token, until the bot answers 200 (Telegram retries as well)."""
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=WEBHOOK_POST_TIMEOUT)
        ) as session:
            while True:
                await self.wait_until(
                    lambda: bool(self.telegram.webhook_url and self._updates), None
                )
                update = self._updates[0]
                secret = self.telegram.webhook_secret
                try:
                    async with session.post(
                        self.telegram.webhook_url,
                        json=update,
                        headers={SECRET_HEADER: secret} if secret else {},
                    ) as response:
                        status = response.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0  # the bot does not listen (yet)
                self.webhook_posts.append((update["update_id"], status))
                if status == 200:
                    if self._updates and self._updates[0] is update:
                        self._updates.pop(0)
                    self._notify()
                else:
                    await asyncio.sleep(WEBHOOK_RETRY)

    # The test side ----------------------------------------------------------------------

    async def _push(self, update: dict[str, Any]) -> web.Response:
        self._updates.append(update)
        self._notify()
        return web.json_response(update)

    async def _inject_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        return await self._push(
            self.telegram.message_update(Person(**body["person"]), body["text"])
        )

    async def _inject_press(self, request: web.Request) -> web.Response:
        body = await request.json()
        person = Person(**body["person"])
        found = self.telegram.find_button(person.id, body["button"])
        if found is None:
            raise web.HTTPNotFound(text=f"no button {body['button']!r} for {person.id}")
        message_id, button = found
        return await self._push(
            self.telegram.callback_update(person, message_id, button["callback_data"])
        )

    async def _add_fault(self, request: web.Request) -> web.Response:
        body = await request.json()
        fault = Fault(
            FaultKind(body["kind"]),
            method=body.get("method"),
            chat_id=body.get("chat_id"),
            times=body.get("times", 1),
        )
        self.telegram.fail(fault)
        return web.json_response(asdict(fault))

    async def _read_calls(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", 0))
        wait = float(request.query.get("wait", 0))
        await self.wait_until(lambda: len(self.telegram.calls) > since, wait)
        calls = self.telegram.calls[since:]
        return web.json_response(
            [_call_json(call) for call in calls], dumps=lambda data: json.dumps(data, default=str)
        )


def _call_json(call: BotCall) -> dict[str, Any]:
    return {
        "method": call.method,
        "params": call.params,
        "uploads": {
            name: {"filename": upload.filename, "size": len(upload.content)}
            for name, upload in call.uploads.items()
        },
    }


def person_json(person: Person) -> dict[str, Any]:
    return asdict(person)
