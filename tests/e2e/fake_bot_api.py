"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real bot process long-polls it exactly as it would api.telegram.org. Answers come from
the same OfflineTelegram the shell uses, refusals included (HTTP 400, as Telegram answers);
this module adds HTTP, long polling with offsets, multipart uploads, and test-side routes:

- POST /_test/message  {"person": {...}, "text": "..."}          a person sends a message
- POST /_test/press    {"person": {...}, "button": "label"}      a person presses a button
- GET  /_test/calls?since=N&wait=S   Bot API calls from index N on; waits up to S seconds
                                      for at least one when there is none yet
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import asdict
from typing import Any

from aiohttp import web

from bot.core.offline import (
    BotCall,
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
}
_BOOLEAN_FIELDS = {"show_alert", "drop_pending_updates", "disable_notification"}


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

    def __init__(self, token: str) -> None:
        self.token = token
        self.telegram = OfflineTelegram(token)
        self.polling = asyncio.Event()
        self._updates: list[dict[str, Any]] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.url = ""
        self.telegram.listeners.append(lambda call, result: self._notify())

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        app.router.add_post("/_test/message", self._inject_message)
        app.router.add_post("/_test/press", self._inject_press)
        app.router.add_get("/_test/calls", self._read_calls)
        self._runner, self.url = await serve_on_loopback(app)
        return self.url

    async def stop(self) -> None:
        # Release held long polls at once instead of letting them run out their timeout.
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    def _notify(self) -> None:
        async def wake() -> None:
            async with self._changed:
                self._changed.notify_all()

        asyncio.get_running_loop().create_task(wake())

    async def _wait_until(self, condition: Any, timeout: float) -> bool:
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(condition), timeout)
        return condition()

    # The Bot API ------------------------------------------------------------------------

    async def _bot_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params, uploads = await self._parameters(request)
        if method == "getUpdates":
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
        return web.json_response({"ok": True, "result": result})

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
        self.polling.set()
        timeout = float(params.get("timeout", 0))
        await self._wait_until(lambda: bool(self._updates) or self._closing, timeout)
        limit = int(params.get("limit", 100))
        return self._updates[:limit]

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

    async def _read_calls(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", 0))
        wait = float(request.query.get("wait", 0))
        await self._wait_until(lambda: len(self.telegram.calls) > since, wait)
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
