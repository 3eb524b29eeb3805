"""Serve Telegram until SIGTERM or SIGINT: by long polling, or by webhook if configured."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING

from telegram.ext import Application

from bot.context import Services
from bot.delivery.inbox import Inbox
from bot.delivery.polling import Poller

if TYPE_CHECKING:
    from bot.delivery.webhook import WebhookReceiver

log = logging.getLogger(__name__)


async def serve(application: Application) -> None:
    """Run the bot; on SIGTERM stop taking updates, finish the ones being handled, and stop.

    What is stored but not handled stays in the inbox, what is not delivered in the outbox:
    both are taken up again at the next start.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await application.initialize()
    try:
        await application.post_init(application)
        await application.start()
        services: Services = application.bot_data
        settings = services.settings
        inbox = services.inbox = Inbox(application, services.storage.inbox)
        receiver: WebhookReceiver | Poller
        if settings.telegram_webhook_url:
            # Imported here: aiohttp's import costs polling a fifth of a second per start.
            from bot.delivery.webhook import WebhookReceiver

            receiver = WebhookReceiver(
                application.bot,
                inbox,
                settings.telegram_webhook_url,
                settings.telegram_webhook_secret or "",
                settings.webhook_listen,
                settings.webhook_port,
            )
        else:
            receiver = Poller(application.bot, inbox)
        services.outbox.start()
        try:
            await inbox.resume()
            await receiver.start()
            log.info("serving Telegram")
            await stop.wait()
            log.info("stopping: finishing the updates being handled")
        finally:
            application.bot.rate_limiter.stopping = True
            await receiver.stop()
            await inbox.stop()
            await services.outbox.stop()
            await application.stop()
    finally:
        await application.shutdown()
        await application.post_shutdown(application)
        log.info("stopped")
