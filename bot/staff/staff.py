"""A staff member as the bot knows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.staff.roles import Role, Team

ACTIVE = "active"


REVOKED = "revoked"


@dataclass(frozen=True)
class StaffMember:
    telegram_id: int
    role: Role
    team: Team
    locale: str
    status: str
    username: str | None
    display_name: str
    created_at: datetime
    invited_by: int | None = None
    # The weekly report: None as the role has it (coordinators get it), else chosen.
    weekly_report: bool | None = None

    @property
    def receives_weekly_report(self) -> bool:
        if self.weekly_report is None:
            return self.role is Role.COORDINATOR
        return self.weekly_report

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @property
    def handle(self) -> str:
        return handle(self.telegram_id, self.username, self.display_name)


def handle(telegram_id: int, username: str | None, display_name: str) -> str:
    """How to name a person in a list: @username, else the first name, else the id."""
    if username:
        return f"@{username}"
    return display_name or str(telegram_id)


@dataclass(frozen=True)
class FteShare:
    """A share of a full-time position in thousandths (800 = 0,8; 0 = none), from a day on."""

    valid_from: date
    permille: int
