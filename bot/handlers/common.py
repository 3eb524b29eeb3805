"""Small pieces every handler module uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.context import BotContext

Callback = Callable[[Update, BotContext], Awaitable[Any]]


def command(name: str, callback: Callback) -> CommandHandler:
    """A command handler for new messages only: an edited command must not run twice."""
    return CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE)


async def reply(update: Update, text: str, **kwargs: Any) -> None:
    """Answer in the chat the update came from (message or button press)."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(text, **kwargs)
