"""Follow-up dates, set at a contact or at a case conference, and when they are reminded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.casework.families import family_code


@dataclass(frozen=True)
class FollowUp:
    """A follow-up date of a family, for its current case manager.

    Set at a contact (`contact_id`) or at a case conference (`conference_link_id`, the
    family's link to it); `set_on` is the day of that contact or conference.
    """

    family_id: int
    due_on: date
    set_on: date
    case_manager_id: int
    locale: str
    contact_id: int | None = None
    conference_link_id: int | None = None

    @property
    def family_code(self) -> str:
        return family_code(self.family_id)

    @property
    def at_conference(self) -> bool:
        return self.conference_link_id is not None


# Reminders of follow-ups (and of interpreter appointments) go out at this local time.
REMINDER_TIME = time(8, 0)


def reminders_due_until(local_now: datetime) -> date:
    """Follow-ups due up to this day are reminded now: today's from 08:00 on.

    Run at start-up too, so that a bot that was down at 08:00 catches up without reminding
    anything twice (each follow-up is reminded once) or anything early.
    """
    today = local_now.date()
    return today if local_now.time() >= REMINDER_TIME else today - timedelta(days=1)
