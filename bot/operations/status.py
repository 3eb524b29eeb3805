"""What /status shows an admin: the checks of `kim-bot check`, how long the bot has run,
what waits in its queues, and the last backup."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from bot.core.i18n import _, format_datetime, format_duration, format_size, ngettext
from bot.operations.backups import BackupFile
from bot.operations.checks import Check


class QueueLengths(NamedTuple):
    """Updates stored but not yet handled (inbox), replies not yet delivered (outbox)."""

    inbox: int = 0
    outbox: int = 0


@dataclass(frozen=True)
class StatusReport:
    checks: list[Check]
    # Local times (TIMEZONE).
    now: datetime
    started_at: datetime
    queues: QueueLengths
    last_backup: BackupFile | None
    backups_kept: int


def check_line(check: Check) -> str:
    """A check as a line in the chat: ✅/❌, its name, and why."""
    mark = "✅" if check.ok else "❌"
    return f"{mark} {html.escape(check.label)}: {html.escape(check.detail)}"


def status_text(report: StatusReport) -> str:
    lines = [
        _("<b>Status</b> at {time}").format(time=format_datetime(report.now)),
        *(check_line(check) for check in report.checks),
        "",
        _("Running for {duration} (since {time})").format(
            duration=format_duration(report.now - report.started_at),
            time=format_datetime(report.started_at),
        ),
        _("Waiting: {updates} in the inbox, {replies} in the outbox").format(
            updates=ngettext("{count} update", "{count} updates", report.queues.inbox).format(
                count=report.queues.inbox
            ),
            replies=ngettext("{count} reply", "{count} replies", report.queues.outbox).format(
                count=report.queues.outbox
            ),
        ),
    ]
    backup = report.last_backup
    if backup is None:
        lines.append(_("Last backup: none yet"))
    else:
        lines.append(
            _("Last backup: {time}, {size} ({kept})").format(
                time=format_datetime(backup.taken_at),
                size=format_size(backup.size),
                kept=ngettext(
                    "{count} backup kept", "{count} backups kept", report.backups_kept
                ).format(count=report.backups_kept),
            )
        )
    return "\n".join(lines)
