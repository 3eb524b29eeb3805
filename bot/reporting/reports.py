"""The weekly report: which week's figures are due when."""

from __future__ import annotations

from datetime import datetime, time

from bot.reporting.periods import Period, PeriodKind, period_containing

# Mondays at this local time, last week's figures go to those who get them.
REPORT_TIME = time(8, 0)


def due_report_week(local_now: datetime) -> Period:
    """The week whose report is due at `local_now`: last week's from Monday 08:00 on."""
    this_week = period_containing(PeriodKind.WEEK, local_now.date())
    if local_now < datetime.combine(this_week.start, REPORT_TIME, local_now.tzinfo):
        this_week = this_week.previous()  # before Monday 08:00: last week's report is not due
    return this_week.previous()
