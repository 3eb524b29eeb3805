"""Webhook mode: Telegram posts each update; it is answered 200 only once it is stored.

Telegram posts again whatever is not answered with 200, so an update is never lost between
its post and the inbox: a failure to store it answers 500 and Telegram tries again. A post
without the secret token set with setWebhook is refused with 403 and nothing is stored.
"""

from __future__ import annotations

import hmac
import json
import logging
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update

from bot.delivery.inbox import Inbox

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookReceiver:
    def __init__(
        self, bot: Bot, inbox: Inbox, url: str, secret: str, listen: str, port: int
    ) -> None:
        self._bot = bot
        self._inbox = inbox
        self._url = url
        self._secret = secret
        self._listen = listen
        self._port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(urlsplit(self._url).path or "/", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._listen, self._port).start()
        # Only after the server listens: Telegram starts posting at once.
        await self._bot.set_webhook(
            self._url,
            secret_token=self._secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            # One post at a time, each answered once stored (milliseconds): updates arrive
            # in Telegram's order, as with polling, so a person's messages keep theirs.
            max_connections=1,
        )
        log.info("webhook listening on %s:%d", self._listen, self._port)

    async def stop(self) -> None:
        """Stop taking posts; the webhook stays set, so Telegram keeps what comes meanwhile."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            log.warning("webhook post without the right secret token refused")
            return web.Response(status=403)
        try:
            update = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400)
        try:
            await self._inbox.receive([update])
        except Exception:
            log.exception("a webhook update could not be stored; Telegram will post it again")
            return web.Response(status=500)
        return web.Response(status=200)
