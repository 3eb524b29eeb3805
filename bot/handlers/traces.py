"""Chat traces: the bot's messages that show case details leave the chat after
CHAT_RETENTION_HOURS. Handlers mark them with `reply_with_case_details` or
`remember_case_message` (common.py); this job deletes them."""

from __future__ import annotations

import logging

from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, BaseHandler

from bot.context import BotContext, Services
from bot.core.commands import CommandSpec
from bot.privacy.traces import CHECK_EVERY, deletable, due_before, kept

log = logging.getLogger(__name__)

COMMANDS: tuple[CommandSpec, ...] = ()

JOB_NAME = "chat trace deletion"


async def delete_traces(context: BotContext) -> None:
    """Delete the due messages from their chats; what cannot be deleted is logged and dropped."""
    services: Services = context.bot_data
    storage, clock = services.storage, services.clock
    hours = services.settings.chat_retention_hours
    if kept(hours):
        if forgotten := await storage.traces.forget_all():
            log.info("chat retention is off: %d recorded messages stay in their chats", forgotten)
        return
    now = clock.now()
    while due := await storage.traces.due(due_before(now, hours)):
        for trace in due:
            if not deletable(trace, now):
                log.warning(
                    "message %s in chat %s is older than 48 hours: Telegram no longer lets the "
                    "bot delete it",
                    trace.message_id,
                    trace.chat_id,
                )
                await storage.traces.forget(trace)
                continue
            try:
                await context.bot.delete_message(trace.chat_id, trace.message_id)
            except (BadRequest, Forbidden) as exc:
                # Already deleted by its reader, or the bot was blocked: no second try helps.
                log.warning(
                    "could not delete message %s in chat %s: %s",
                    trace.message_id,
                    trace.chat_id,
                    exc,
                )
            except TelegramError as exc:
                # Network trouble or flood control: kept for the next run, which drops it
                # once the 48 hours are over.
                log.warning("deleting chat messages paused: %s", exc)
                return
            await storage.traces.forget(trace)


def schedule_deletion(application: Application) -> None:
    """Every 15 minutes, and once now to catch up after a restart."""
    queue = application.job_queue
    queue.run_repeating(delete_traces, CHECK_EVERY, first=CHECK_EVERY, name=JOB_NAME)
    queue.run_once(delete_traces, 0, name=f"{JOB_NAME} (catch-up)")


def handlers() -> list[BaseHandler]:
    return []
