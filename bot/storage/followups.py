"""Follow-up dates of contacts and case conferences: which are open, which were reminded."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from bot.casework.followups import FollowUp
from bot.storage.database import Database, to_db_time

# A follow-up is open until the family has another contact on or after its date: set at a
# contact (`set_by_contact` excludes that contact itself) or at a case conference.
_FOLLOW_UPS = """
    SELECT contacts.family_id, contacts.follow_up_on AS due_on, contacts.contact_on AS set_on,
        contacts.id AS contact_id, NULL AS conference_link_id, contacts.id AS set_by_contact,
        contacts.reminded_at
    FROM contacts WHERE contacts.follow_up_on IS NOT NULL
    UNION ALL
    SELECT link.family_id, link.follow_up_on, conferences.held_on, NULL, link.id, NULL,
        link.reminded_at
    FROM conference_families AS link JOIN conferences ON conferences.id = link.conference_id
    WHERE link.follow_up_on IS NOT NULL AND link.family_id IS NOT NULL
"""
_OPEN = """
    families.status = 'active'
    AND NOT EXISTS (
        SELECT 1 FROM contacts AS later
        WHERE later.family_id = due.family_id AND later.id IS NOT due.set_by_contact
          AND later.contact_on >= due.due_on
    )
"""


def _follow_up(row: sqlite3.Row) -> FollowUp:
    return FollowUp(
        family_id=row["family_id"],
        due_on=date.fromisoformat(row["due_on"]),
        set_on=date.fromisoformat(row["set_on"]),
        case_manager_id=row["case_manager_id"],
        locale=row["locale"],
        contact_id=row["contact_id"],
        conference_link_id=row["conference_link_id"],
    )


class FollowUpStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_follow_ups(self, case_manager_id: int, until: date) -> list[FollowUp]:
        """Open follow-ups of the person's families up to `until`, overdue ones included."""
        rows = await self._db.fetch_all(
            f"""
            SELECT due.*, families.case_manager_id, staff.locale
            FROM ({_FOLLOW_UPS}) AS due
            JOIN families ON families.id = due.family_id
            JOIN staff ON staff.telegram_id = families.case_manager_id
            WHERE families.case_manager_id = ? AND due.due_on <= ? AND {_OPEN}
            ORDER BY due.due_on, due.family_id, due.set_on
            """,
            (case_manager_id, until.isoformat()),
        )
        return [_follow_up(row) for row in rows]

    async def follow_ups_to_remind(self, until: date) -> list[FollowUp]:
        """Open follow-ups due by `until` whose reminder has not been sent yet."""
        rows = await self._db.fetch_all(
            f"""
            SELECT due.*, families.case_manager_id, staff.locale
            FROM ({_FOLLOW_UPS}) AS due
            JOIN families ON families.id = due.family_id
            JOIN staff ON staff.telegram_id = families.case_manager_id
            WHERE due.due_on <= ? AND due.reminded_at IS NULL
              AND staff.status = 'active' AND {_OPEN}
            ORDER BY families.case_manager_id, due.due_on, due.family_id
            """,
            (until.isoformat(),),
        )
        return [_follow_up(row) for row in rows]

    async def mark_reminded(self, follow_up: FollowUp, now: datetime) -> None:
        if follow_up.contact_id is not None:
            sql = "UPDATE contacts SET reminded_at = ? WHERE id = ?"
            row_id = follow_up.contact_id
        else:
            sql = "UPDATE conference_families SET reminded_at = ? WHERE id = ?"
            row_id = follow_up.conference_link_id
        await self._db.execute(sql, (to_db_time(now), row_id))
