"""Contacts with families, their follow-ups, and the structural gaps they reveal."""

from __future__ import annotations

import sqlite3
from contextlib import nullcontext
from datetime import date, datetime

from bot.casework.contacts import Contact, ContactDraft
from bot.casework.families import family_code
from bot.casework.followups import FollowUp
from bot.casework.vocabulary import (
    ContactType,
    FlagCategory,
    Service,
    topics_from_bits,
    topics_to_bits,
)
from bot.storage.audit import AuditLog
from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.flags import FlagStore


def _contact(row: sqlite3.Row) -> Contact:
    return Contact(
        id=row["id"],
        family_id=row["family_id"],
        staff_id=row["staff_id"],
        contact_on=date.fromisoformat(row["contact_on"]),
        minutes=row["minutes"],
        contact_type=ContactType(row["contact_type"]),
        topics=tuple(topics_from_bits(row["topics"])),
        note=row["note"],
        referral=Service(row["referral"]) if row["referral"] else None,
        follow_up_on=date.fromisoformat(row["follow_up_on"]) if row["follow_up_on"] else None,
        created_at=from_db_time(row["created_at"]),
    )


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


# A source already stored conflicts and returns nothing: the update was delivered twice.
_INSERT = """
    INSERT INTO contacts (family_id, staff_id, contact_on, minutes, contact_type, topics, note,
        referral, follow_up_on, created_at, source_chat_id, source_message_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (source_chat_id, source_message_id) DO NOTHING
    RETURNING *
"""


class ContactStore:
    def __init__(self, db: Database, audit: AuditLog, flags: FlagStore) -> None:
        self._db = db
        self._audit = audit
        self._flags = flags

    async def add(
        self,
        draft: ContactDraft,
        staff_id: int,
        now: datetime,
        source: tuple[int, int] | None = None,
    ) -> tuple[Contact, bool]:
        """Store a contact (and its flag, if its note marks a structural gap) at once.

        `source` is the (chat id, message id) it came from: the same source stores once.
        Returns the contact and whether it is new.

        A plain contact is one INSERT … RETURNING: its audit line and running totals are
        written by triggers in that same statement, so it takes a single trip to SQLite.
        """
        values = (
            draft.family_id,
            staff_id,
            draft.contact_on.isoformat(),
            draft.minutes,
            draft.contact_type.value,
            topics_to_bits(draft.topics),
            draft.note,
            draft.referral.value if draft.referral else None,
            draft.follow_up_on.isoformat() if draft.follow_up_on else None,
            to_db_time(now),
            *(source or (None, None)),
        )
        async with self._db.transaction() if draft.structural_gap else nullcontext():
            rows = await self._db.fetch_all(_INSERT, values)
            if rows and draft.structural_gap:
                await self._flags.add(
                    draft.family_id, FlagCategory.OTHER, draft.note, staff_id, now, rows[0]["id"]
                )
        if rows:
            return _contact(rows[0]), True
        existing = await self._db.fetch_one(
            "SELECT * FROM contacts WHERE source_chat_id = ? AND source_message_id = ?", source
        )
        assert existing is not None
        return _contact(existing), False

    async def get(self, contact_id: int) -> Contact | None:
        row = await self._db.fetch_one("SELECT * FROM contacts WHERE id = ?", (contact_id,))
        return None if row is None else _contact(row)

    async def last_created_by(self, staff_id: int) -> Contact | None:
        row = await self._db.fetch_one(
            "SELECT * FROM contacts WHERE staff_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (staff_id,),
        )
        return None if row is None else _contact(row)

    async def delete(self, contact_id: int, by: int, now: datetime) -> None:
        """Undo: the contact and any flag raised from it are gone, the audit line stays."""
        async with self._db.transaction():
            row = await self._db.fetch_one(
                "SELECT family_id FROM contacts WHERE id = ?", (contact_id,)
            )
            await self._db.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
            await self._audit.record(
                "contact.undo", now, by, family_code(row["family_id"]), str(contact_id)
            )

    async def recent_for_family(self, family_id: int, limit: int = 5) -> list[Contact]:
        rows = await self._db.fetch_all(
            """
            SELECT * FROM contacts WHERE family_id = ?
            ORDER BY contact_on DESC, id DESC LIMIT ?
            """,
            (family_id, limit),
        )
        return [_contact(row) for row in rows]

    async def open_follow_ups(self, case_manager_id: int, until: date) -> list[Contact]:
        """Open follow-ups of the person's families up to `until`, overdue ones included."""
        rows = await self._db.fetch_all(
            f"""
            SELECT contacts.* FROM contacts JOIN families ON families.id = contacts.family_id
            WHERE families.case_manager_id = ? AND contacts.follow_up_on <= ?
              AND {_OPEN_FOLLOW_UP}
            ORDER BY contacts.follow_up_on, contacts.family_id
            """,
            (case_manager_id, until.isoformat()),
        )
        return [_contact(row) for row in rows]

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
        return [FollowUp(_contact(row), row["case_manager_id"], row["locale"]) for row in rows]

    async def mark_reminded(self, contact_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE contacts SET reminded_at = ? WHERE id = ?", (to_db_time(now), contact_id)
        )
