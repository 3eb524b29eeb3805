"""Contacts with families, and the structural gaps their notes reveal."""

from __future__ import annotations

import sqlite3
from contextlib import nullcontext
from datetime import date, datetime

from bot.casework.contacts import Contact, ContactDraft, Saved
from bot.casework.families import family_code
from bot.casework.vocabulary import (
    ContactType,
    FlagCategory,
    Service,
    topics_from_bits,
    topics_to_bits,
)
from bot.storage.audit import AuditLog
from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.encryption import TextCipher
from bot.storage.flags import FlagStore


def contact_from_row(row: sqlite3.Row, cipher: TextCipher) -> Contact:
    return Contact(
        id=row["id"],
        family_id=row["family_id"],
        staff_id=row["staff_id"],
        contact_on=date.fromisoformat(row["contact_on"]),
        minutes=row["minutes"],
        contact_type=ContactType(row["contact_type"]),
        topics=tuple(topics_from_bits(row["topics"])),
        note=cipher.open(row["note"]),
        referral=Service(row["referral"]) if row["referral"] else None,
        follow_up_on=date.fromisoformat(row["follow_up_on"]) if row["follow_up_on"] else None,
        created_at=from_db_time(row["created_at"]),
    )


# A source already stored conflicts and returns nothing: the update was delivered twice.
# So does a source whose contact was undone: undo is final.
_INSERT = """
    INSERT INTO contacts (family_id, staff_id, contact_on, minutes, contact_type, topics, note,
        referral, follow_up_on, created_at, source_chat_id, source_message_id, cover_for)
    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13
    WHERE NOT EXISTS (
        SELECT 1 FROM undone_contacts WHERE source_chat_id = ?11 AND source_message_id = ?12
    )
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
    ) -> tuple[Contact | None, Saved]:
        """Store a contact (and its flag, if its note marks a structural gap) at once.

        `source` is the (chat id, message id) it came from: the same source stores once, and
        never again once its contact was undone. Returns the contact (None if undone) and
        what storing did.

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
            self._db.cipher.seal(draft.note),
            draft.referral.value if draft.referral else None,
            draft.follow_up_on.isoformat() if draft.follow_up_on else None,
            to_db_time(now),
            *(source or (None, None)),
            # Logged for an absent colleague's family under a cover: its audit line says so.
            self._audit.in_cover_for(staff_id),
        )
        async with self._db.transaction() if draft.structural_gap else nullcontext():
            rows = await self._db.fetch_all(_INSERT, values)
            if rows and draft.structural_gap:
                await self._flags.add(
                    draft.family_id, FlagCategory.OTHER, draft.note, staff_id, now, rows[0]["id"]
                )
        if rows:
            return contact_from_row(rows[0], self._db.cipher), Saved.NEW
        existing = await self._db.fetch_one(
            "SELECT * FROM contacts WHERE source_chat_id = ? AND source_message_id = ?", source
        )
        if existing is None:
            return None, Saved.UNDONE
        return contact_from_row(existing, self._db.cipher), Saved.AGAIN

    async def get(self, contact_id: int) -> Contact | None:
        row = await self._db.fetch_one("SELECT * FROM contacts WHERE id = ?", (contact_id,))
        return None if row is None else contact_from_row(row, self._db.cipher)

    async def last_created_by(self, staff_id: int) -> Contact | None:
        row = await self._db.fetch_one(
            "SELECT * FROM contacts WHERE staff_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (staff_id,),
        )
        return None if row is None else contact_from_row(row, self._db.cipher)

    async def delete(self, contact_id: int, by: int, now: datetime) -> None:
        """Undo: the contact and any flag raised from it are gone, the audit line stays, and
        its source is remembered so that the same update does not store it again."""
        async with self._db.transaction():
            row = await self._db.fetch_one(
                "SELECT family_id FROM contacts WHERE id = ?", (contact_id,)
            )
            await self._db.execute(
                """
                INSERT INTO undone_contacts (source_chat_id, source_message_id, undone_at)
                SELECT source_chat_id, source_message_id, ? FROM contacts
                WHERE id = ? AND source_chat_id IS NOT NULL AND source_message_id IS NOT NULL
                ON CONFLICT DO NOTHING
                """,
                (to_db_time(now), contact_id),
            )
            await self._db.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
            await self._audit.record(
                "contact.undo", now, by, family_code(row["family_id"]), str(contact_id)
            )

    async def forget_undone_before(self, before: datetime) -> int:
        """Retention: forget the sources of contacts undone before `before`; how many."""
        rows = await self._db.fetch_all(
            "DELETE FROM undone_contacts WHERE undone_at < ? RETURNING 1", (to_db_time(before),)
        )
        return len(rows)

    async def recent_for_family(self, family_id: int, limit: int = 5) -> list[Contact]:
        rows = await self._db.fetch_all(
            """
            SELECT * FROM contacts WHERE family_id = ?
            ORDER BY contact_on DESC, id DESC LIMIT ?
            """,
            (family_id, limit),
        )
        return [contact_from_row(row, self._db.cipher) for row in rows]
