"""Follow-up dates of contacts: which are open, and which were reminded."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from bot.casework.contacts import Contact
from bot.casework.followups import FollowUp
from bot.storage.contacts import contact_from_row
from bot.storage.database import Database, to_db_time

# A follow-up is open until the family has another contact on or after its date.
_OPEN_FOLLOW_UP = """
    contacts.follow_up_on IS NOT NULL
    AND families.status = 'active'
    AND NOT EXISTS (
        SELECT 1 FROM contacts AS later
        WHERE later.family_id = contacts.family_id AND later.id != contacts.id
          AND later.contact_on >= contacts.follow_up_on
    )
"""


class FollowUpStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_follow_ups(
        self, case_managers: Collection[int], until: date
    ) -> list[tuple[Contact, int]]:
        """Open follow-ups of these people's families up to `until`, overdue ones included,
        each with the family's case manager."""
        rows = await self._db.fetch_all(
            f"""
            SELECT contacts.*, families.case_manager_id
            FROM contacts JOIN families ON families.id = contacts.family_id
            WHERE families.case_manager_id IN ({", ".join("?" for _ in case_managers)})
              AND contacts.follow_up_on <= ? AND {_OPEN_FOLLOW_UP}
            ORDER BY contacts.follow_up_on, contacts.family_id
            """,
            (*case_managers, until.isoformat()),
        )
        return [(contact_from_row(row, self._db.cipher), row["case_manager_id"]) for row in rows]

    async def follow_ups_to_remind(self, until: date) -> list[FollowUp]:
        """Open follow-ups due by `until` whose reminder has not been sent yet."""
        rows = await self._db.fetch_all(
            f"""
            SELECT contacts.*, families.case_manager_id, staff.locale
            FROM contacts
            JOIN families ON families.id = contacts.family_id
            JOIN staff ON staff.telegram_id = families.case_manager_id
            WHERE contacts.follow_up_on <= ? AND contacts.reminded_at IS NULL
              AND staff.status = 'active' AND {_OPEN_FOLLOW_UP}
            ORDER BY families.case_manager_id, contacts.follow_up_on
            """,
            (until.isoformat(),),
        )
        return [
            FollowUp(contact_from_row(row, self._db.cipher), row["case_manager_id"], row["locale"])
            for row in rows
        ]

    async def mark_reminded(self, contact_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE contacts SET reminded_at = ? WHERE id = ?", (to_db_time(now), contact_id)
        )
