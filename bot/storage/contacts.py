"""Contacts with families, and the structural gaps their notes reveal."""

from __future__ import annotations

import sqlite3
from contextlib import nullcontext
from datetime import date, datetime

from bot.casework.contacts import Contact, ContactDraft, Saved
from bot.casework.families import family_code
from bot.casework.flags import Flag
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

    async def correct(
        self, contact_id: int, corrected: ContactDraft, detail: str, by: int, now: datetime
    ) -> tuple[Contact, Flag | None] | None:
        """Correct a contact: the old row goes and the corrected one comes with the same id,
        in one transaction, so the running totals' triggers take the old figures back and
        count the new ones exactly (rollups.py), whatever they count. Everything not
        corrected stays: the author, when it was logged, its source (the update it came from,
        delivered again, still finds it stored), reminders, flags raised from it. The
        correction's audit line holds `detail` (old and new values, never the note); a note
        corrected to mark a structural gap raises its flag. Returns the contact as it now
        reads and the flag newly raised, if any; None if the contact is gone (undone)."""
        async with self._db.transaction():
            old = await self._db.fetch_one("SELECT * FROM contacts WHERE id = ?", (contact_id,))
            if old is None:
                return None
            row = dict(old)
            row.update(
                contact_on=corrected.contact_on.isoformat(),
                minutes=corrected.minutes,
                contact_type=corrected.contact_type.value,
                topics=topics_to_bits(corrected.topics),
                note=self._db.cipher.seal(corrected.note),
            )
            # Flags raised from the contact would go with its row (ON DELETE CASCADE).
            flag_ids = await self._db.fetch_all(
                "UPDATE flags SET contact_id = NULL WHERE contact_id = ? RETURNING id",
                (contact_id,),
            )
            # The contact is not logged anew: its audit trigger stays silent for this id.
            await self._db.execute(
                "UPDATE contact_correction SET contact_id = ? WHERE id = 1", (contact_id,)
            )
            await self._db.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
            columns = ", ".join(row)
            marks = ", ".join("?" for _column in row)
            rows = await self._db.fetch_all(
                f"INSERT INTO contacts ({columns}) VALUES ({marks}) RETURNING *",
                tuple(row.values()),
            )
            await self._db.execute("UPDATE contact_correction SET contact_id = NULL WHERE id = 1")
            for flag_row in flag_ids:
                await self._db.execute(
                    "UPDATE flags SET contact_id = ? WHERE id = ?", (contact_id, flag_row["id"])
                )
            await self._audit.record(
                "contact.correct", now, by, family_code(old["family_id"]), detail
            )
            flag = None
            if corrected.structural_gap and not flag_ids:
                flag = await self._flags.add(
                    old["family_id"], FlagCategory.OTHER, corrected.note, by, now, contact_id
                )
        return contact_from_row(rows[0], self._db.cipher), flag

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
