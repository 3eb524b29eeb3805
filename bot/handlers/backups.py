"""Backups: the nightly copy of the database into BACKUP_DIR, and /backup for admins.

The file stays on the server: it holds every family's data and is never sent over Telegram.
"""

from __future__ import annotations

import asyncio
import html
import logging
import sqlite3

from telegram import Update
from telegram.ext import Application, BaseHandler

from bot.context import BotContext, Services
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_size, lazy_gettext, ngettext
from bot.handlers.common import command, reply
from bot.operations.backups import BackupRun, make_backup
from bot.staff.roles import ADMIN_ONLY
from bot.storage.database import UnsafeFileError

log = logging.getLogger(__name__)

COMMANDS = (
    CommandSpec(
        "backup",
        lazy_gettext("Back up the database now, into the backup folder on the server"),
        ADMIN_ONLY,
    ),
)

JOB_NAME = "backup"


async def _back_up(services: Services) -> BackupRun:
    run = await asyncio.to_thread(make_backup, services.settings, services.clock.now())
    log.info(
        "backup written: %s (%d bytes), %d kept, %d deleted",
        run.written.path,
        run.written.size,
        run.kept,
        len(run.deleted),
    )
    return run


# What a backup can fail with: a folder others can read, no database, a full disk.
BACKUP_FAILURES = (UnsafeFileError, FileNotFoundError, sqlite3.Error, OSError)


async def backup(update: Update, context: BotContext) -> None:
    """Write a backup now; say its name, size and how many are kept."""
    try:
        run = await _back_up(context.services)
    except BACKUP_FAILURES as exc:
        log.error("backup failed: %s", exc)
        await reply(update, _("The backup failed: {error}").format(error=html.escape(str(exc))))
        return
    await context.storage.audit.record(
        "backup.create",
        context.clock.now(),
        context.member.telegram_id,
        subject=run.written.path.name,
    )
    kept = ngettext("{count} backup is kept.", "{count} backups are kept.", run.kept).format(
        count=run.kept
    )
    await reply(
        update,
        _("Backup written: {name} ({size}). {kept}").format(
            name=html.escape(run.written.path.name), size=format_size(run.written.size), kept=kept
        ),
    )


async def nightly_backup(context: BotContext) -> None:
    """The daily backup at BACKUP_TIME; a failure is logged, and /status shows the last
    backup that worked."""
    try:
        await _back_up(context.bot_data)
    except BACKUP_FAILURES as exc:
        log.error("nightly backup failed: %s", exc)


def schedule_backups(application: Application) -> None:
    """Every day at BACKUP_TIME, local time."""
    services: Services = application.bot_data
    if str(services.settings.database_path) == ":memory:":
        return
    at = services.settings.backup_time.replace(tzinfo=services.clock.tz)
    application.job_queue.run_daily(nightly_backup, at, name=JOB_NAME)


def handlers() -> list[BaseHandler]:
    return [command("backup", backup)]
