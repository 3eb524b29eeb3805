"""The one error handler: log first, then tell the person something went wrong."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.core.i18n import _

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure, then apologise in the chat it came from."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            _(
                "Sorry, something went wrong on our side. Please try again; if it keeps "
                "happening, tell the KIM coordination."
            ),
        )
    except TelegramError:
        log.exception("could not send the error notice")
