"""Structural-gap flags: cases that show where structures must improve."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.casework.families import family_code
from bot.casework.flags import Flag
from bot.casework.vocabulary import FlagCategory
from bot.storage.audit import AuditLog
from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.encryption import TextCipher


def flag_from_row(row: sqlite3.Row, cipher: TextCipher) -> Flag:
    return Flag(
        id=row["id"],
        family_id=row["family_id"],
        category=FlagCategory(row["category"]),
        description=cipher.open(row["description"]),
        raised_by=row["raised_by"],
        raised_at=from_db_time(row["raised_at"]),
        closed_at=from_db_time(row["closed_at"]),
        outcome=cipher.open(row["outcome"]),
    )


class FlagStore:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    async def add(
        self,
        family_id: int,
        category: FlagCategory,
        description: str,
        raised_by: int,
        now: datetime,
        contact_id: int | None = None,
    ) -> Flag:
        async with self._db.transaction():
            flag_id = await self._db.execute(
                """
                INSERT INTO flags (family_id, contact_id, category, description, raised_by,
                    raised_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                (
                    family_id,
                    contact_id,
                    category.value,
                    self._db.cipher.seal(description),
                    raised_by,
                    to_db_time(now),
                ),
            )
            await self._audit.record(
                "flag.raise", now, raised_by, family_code(family_id), str(flag_id)
            )
        flag = await self.get(flag_id)
        assert flag is not None
        return flag

    async def get(self, flag_id: int) -> Flag | None:
        row = await self._db.fetch_one("SELECT * FROM flags WHERE id = ?", (flag_id,))
        return None if row is None else flag_from_row(row, self._db.cipher)

    async def open_flags(self) -> list[Flag]:
        rows = await self._db.fetch_all(
            "SELECT * FROM flags WHERE closed_at IS NULL ORDER BY raised_at, id"
        )
        return [flag_from_row(row, self._db.cipher) for row in rows]

    async def for_contact(self, contact_id: int) -> Flag | None:
        row = await self._db.fetch_one("SELECT * FROM flags WHERE contact_id = ?", (contact_id,))
        return None if row is None else flag_from_row(row, self._db.cipher)

    async def close(self, flag_id: int, outcome: str, closed_by: int, now: datetime) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE flags SET closed_by = ?, closed_at = ?, outcome = ? WHERE id = ?",
                (closed_by, to_db_time(now), self._db.cipher.seal(outcome), flag_id),
            )
            await self._audit.record("flag.close", now, closed_by, subject=str(flag_id))
