"""The structural gaps as a workbook for the coordination (/flags xlsx).

Families appear only by their code. The descriptions are left out: they tell a family's
case. Partners, actions and outcomes are in: they are what the committee hears about, and
were checked for personal data when typed (see bot/handlers/flags.py).

Synchronous and CPU-bound: handlers run it with `asyncio.to_thread`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.casework.flags import Flag, FlagState
from bot.core.i18n import _
from bot.privacy.workbook import Sheet, workbook_bytes


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A cell's date and time: local, without time zone (Excel has none)."""
    return None if moment is None else moment.astimezone(tz).replace(tzinfo=None)


def flags_workbook(flags: Sequence[Flag], tz: ZoneInfo) -> bytes:
    """One row per flag with the date of each state, and the count per state."""
    rows = [
        [flag.id, flag.family_code, flag.category.label, flag.state.label,
         _local(flag.raised_at, tz), _local(flag.discussed_at, tz),
         _local(flag.progress_at, tz), flag.actions, _local(flag.closed_at, tz), flag.outcome]
        for flag in flags
    ]  # fmt: skip
    headers = [
        _("Flag"), _("Family"), _("Category"), _("State"), _("Reported"), _("Discussed"),
        _("In progress since"), _("Partners and actions"), _("Closed"), _("Outcome"),
    ]  # fmt: skip
    widths = [8, 10, 24, 16, 17, 17, 17, 50, 17, 50]
    counts = [[state.label, sum(1 for flag in flags if flag.state is state)] for state in FlagState]
    return workbook_bytes(
        _("Structural gaps"),
        [
            Sheet(_("Structural gaps"), headers, widths, rows),
            Sheet(_("By state"), [_("State"), _("Flags")], [20, 10], counts),
        ],
    )
