"""Follow-up dates of contacts and when they are reminded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.casework.contacts import Contact


@dataclass(frozen=True)
class FollowUp:
    """A follow-up date of a contact, for the family's current case manager."""

    contact: Contact
    case_manager_id: int
    locale: str


# Reminders of follow-ups (and of interpreter appointments) go out at this local time.
REMINDER_TIME = time(8, 0)


def reminders_due_until(local_now: datetime) -> date:
    """Follow-ups due up to this day are reminded now: today's from 08:00 on.

    Run at start-up too, so that a bot that was down at 08:00 catches up without reminding
    anything twice (each follow-up is reminded once) or anything early.
    """
    today = local_now.date()
    return today if local_now.time() >= REMINDER_TIME else today - timedelta(days=1)
