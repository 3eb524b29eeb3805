"""Follow-up dates of contacts and case conferences: which are open, which were reminded."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from datetime import date, datetime

from bot.casework.followups import FollowUp
from bot.storage.database import Database, to_db_time

# A follow-up is open until the family has another contact on or after its date. It is set
# at a contact (not settled by that contact itself) or at a case conference (the family's
# link to it). Each is its own query, so that SQLite walks a person's families by index
# instead of every follow-up of the county.
_FROM_CONTACTS = """
    SELECT contacts.family_id, contacts.follow_up_on AS due_on, contacts.contact_on AS set_on,
        contacts.id AS contact_id, NULL AS conference_link_id,
        families.case_manager_id, staff.locale
    FROM contacts
    JOIN families ON families.id = contacts.family_id
    JOIN staff ON staff.telegram_id = families.case_manager_id
    WHERE contacts.follow_up_on IS NOT NULL AND contacts.follow_up_on <= :until
      AND families.status = 'active' AND {where}
      AND NOT EXISTS (
        SELECT 1 FROM contacts AS later
        WHERE later.family_id = contacts.family_id AND later.id != contacts.id
          AND later.contact_on >= contacts.follow_up_on
      )
"""
_FROM_CONFERENCES = """
    SELECT link.family_id, link.follow_up_on AS due_on, conferences.held_on AS set_on,
        NULL AS contact_id, link.id AS conference_link_id,
        families.case_manager_id, staff.locale
    FROM conference_families AS link
    JOIN conferences ON conferences.id = link.conference_id
    JOIN families ON families.id = link.family_id
    JOIN staff ON staff.telegram_id = families.case_manager_id
    WHERE link.follow_up_on IS NOT NULL AND link.follow_up_on <= :until
      AND families.status = 'active' AND {where}
      AND NOT EXISTS (
        SELECT 1 FROM contacts AS later
        WHERE later.family_id = link.family_id AND later.contact_on >= link.follow_up_on
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

    async def _open(self, where: str, params: dict[str, object]) -> list[FollowUp]:
        """The open follow-ups of both sources that meet `where` ({source}: the row that
        holds the follow-up)."""
        follow_ups = []
        for query, source in ((_FROM_CONTACTS, "contacts"), (_FROM_CONFERENCES, "link")):
            rows = await self._db.fetch_all(query.format(where=where.format(source=source)), params)
            follow_ups += [_follow_up(row) for row in rows]
        return follow_ups

    async def open_follow_ups(self, case_managers: Collection[int], until: date) -> list[FollowUp]:
        """Open follow-ups of these people's families up to `until`, overdue ones included
        (each says whose family it is: `case_manager_id`)."""
        names = {f"staff_{number}": staff_id for number, staff_id in enumerate(case_managers)}
        follow_ups = await self._open(
            f"families.case_manager_id IN ({', '.join(':' + name for name in names)})",
            {**names, "until": until.isoformat()},
        )
        return sorted(follow_ups, key=lambda due: (due.due_on, due.family_id, due.set_on))

    async def follow_ups_to_remind(self, until: date) -> list[FollowUp]:
        """Open follow-ups due by `until` whose reminder has not been sent yet."""
        follow_ups = await self._open(
            "{source}.reminded_at IS NULL AND staff.status = 'active'",
            {"until": until.isoformat()},
        )
        return sorted(follow_ups, key=lambda due: (due.case_manager_id, due.due_on, due.family_id))

    async def mark_reminded(self, follow_up: FollowUp, now: datetime) -> None:
        if follow_up.contact_id is not None:
            sql = "UPDATE contacts SET reminded_at = ? WHERE id = ?"
            row_id = follow_up.contact_id
        else:
            sql = "UPDATE conference_families SET reminded_at = ? WHERE id = ?"
            row_id = follow_up.conference_link_id
        await self._db.execute(sql, (to_db_time(now), row_id))
