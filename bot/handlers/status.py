"""/status for admins: the checks of `kim-bot check`, uptime, queues and the last backup."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import lazy_gettext
from bot.handlers.common import command, reply
from bot.operations.backups import last_backup
from bot.operations.checks import run_checks
from bot.operations.status import StatusReport, status_text
from bot.staff.roles import ADMIN_ONLY

COMMANDS = (
    CommandSpec(
        "status",
        lazy_gettext("Health of the bot: checks, uptime, queues, last backup"),
        ADMIN_ONLY,
    ),
)


async def status(update: Update, context: BotContext) -> None:
    """Run the checks and show them with uptime, queue lengths and the last backup."""
    services = context.services
    settings, clock = services.settings, context.clock
    checks = await run_checks(settings, context.bot.get_me, services.translator)
    backup, kept = await asyncio.to_thread(last_backup, settings)
    now = clock.now()
    report = StatusReport(
        checks=checks,
        now=clock.local(now),
        started_at=clock.local(services.started_at or now),
        queues=await services.queue_lengths(asking=update.update_id),
        last_backup=backup,
        backups_kept=kept,
    )
    await reply(update, status_text(report))


def handlers() -> list[BaseHandler]:
    return [command("status", status)]
