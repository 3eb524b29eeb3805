"""The one error handler: log first, then tell the person what happened to their message."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.core.i18n import _
from bot.delivery.outbox import ReplyQueued, transient

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure; then, unless the reply is merely late, say whether to try again.

    A reply Telegram could not take now waits in the outbox: nothing to apologise for. When
    Telegram itself is unreachable, an apology would not arrive either. Otherwise the person
    learns whether anything was stored, so that trying again never saves a thing twice.
    """
    error = context.error
    if isinstance(error, ReplyQueued):
        log.info("a reply waits in the outbox: %s", error)
        return
    log.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, TelegramError) and transient(error):
        return
    if context.storage.db.wrote():
        text = _(
            "Sorry, something went wrong on our side after your entry was saved. Please "
            "check it (e.g. with /family or /requests) before sending it again; if this keeps "
            "happening, tell the KIM coordination."
        )
    else:
        text = _(
            "Sorry, something went wrong on our side; nothing was saved. Please try again; "
            "if it keeps happening, tell the KIM coordination."
        )
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.exception("could not send the error notice")
