"""Covers for absent colleagues: who acts for whom, from which to which day."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from bot.staff.cover import Cover
from bot.storage.audit import AuditLog
from bot.storage.database import Database, from_db_time, to_db_time


def _cover(row: sqlite3.Row) -> Cover:
    return Cover(
        id=row["id"],
        covering_id=row["covering_id"],
        absent_id=row["absent_id"],
        starts_on=date.fromisoformat(row["starts_on"]),
        ends_on=date.fromisoformat(row["ends_on"]),
        set_by=row["set_by"],
        ended_at=from_db_time(row["ended_at"]),
    )


class CoverStore:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    async def add(
        self,
        covering_id: int,
        absent_id: int,
        starts_on: date,
        ends_on: date,
        by: int,
        now: datetime,
        today: date,
    ) -> Cover:
        """A new cover, audited; one that begins `today` counts as announced (both people
        are told when it is set)."""
        async with self._db.transaction():
            cover_id = await self._db.execute(
                """
                INSERT INTO covers (covering_id, absent_id, starts_on, ends_on, set_by, set_at,
                    start_told_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    covering_id,
                    absent_id,
                    starts_on.isoformat(),
                    ends_on.isoformat(),
                    by,
                    to_db_time(now),
                    to_db_time(now) if starts_on <= today else None,
                ),
            )
            await self._audit.record(
                "cover.set",
                now,
                by,
                str(cover_id),
                f"{covering_id} for {absent_id} from {starts_on.isoformat()} "
                f"until {ends_on.isoformat()}",
            )
        return Cover(cover_id, covering_id, absent_id, starts_on, ends_on, by)

    async def get(self, cover_id: int) -> Cover | None:
        row = await self._db.fetch_one("SELECT * FROM covers WHERE id = ?", (cover_id,))
        return None if row is None else _cover(row)

    async def current_and_planned(self, today: date) -> list[Cover]:
        """Covers not ended early whose last day is today or later, soonest first."""
        rows = await self._db.fetch_all(
            """
            SELECT * FROM covers WHERE ended_at IS NULL AND ends_on >= ?
            ORDER BY starts_on, id
            """,
            (today.isoformat(),),
        )
        return [_cover(row) for row in rows]

    async def of_pair(self, covering_id: int, absent_id: int, today: date) -> list[Cover]:
        """The pair's covers that are current or planned."""
        rows = await self._db.fetch_all(
            """
            SELECT * FROM covers
            WHERE covering_id = ? AND absent_id = ? AND ended_at IS NULL AND ends_on >= ?
            ORDER BY starts_on, id
            """,
            (covering_id, absent_id, today.isoformat()),
        )
        return [_cover(row) for row in rows]

    async def covered_by(self, covering_id: int, day: date) -> frozenset[int]:
        """Whom this person covers for on `day` (the dates are checked at each use)."""
        rows = await self._db.fetch_all(
            """
            SELECT absent_id FROM covers
            WHERE covering_id = ? AND ended_at IS NULL AND starts_on <= ? AND ends_on >= ?
            """,
            (covering_id, day.isoformat(), day.isoformat()),
        )
        return frozenset(row[0] for row in rows)

    async def end(self, cover_id: int, by: int, now: datetime) -> None:
        """End a cover now, before its last day; audited."""
        async with self._db.transaction():
            await self._db.execute(
                """
                UPDATE covers SET ended_at = ?1, ended_by = ?2, end_told_at = ?1
                WHERE id = ?3 AND ended_at IS NULL
                """,
                (to_db_time(now), by, cover_id),
            )
            await self._audit.record("cover.end", now, by, str(cover_id))

    async def beginning(self, today: date) -> list[Cover]:
        """Covers beginning today whose beginning was not announced yet (one that began
        while the bot was not running is not announced late: its dates were told when it was
        set)."""
        rows = await self._db.fetch_all(
            """
            SELECT * FROM covers
            WHERE start_told_at IS NULL AND ended_at IS NULL AND starts_on = ?
            ORDER BY id
            """,
            (today.isoformat(),),
        )
        return [_cover(row) for row in rows]

    async def over(self, today: date, since: date) -> list[Cover]:
        """Covers whose last day passed (on or after `since`) and whose end was not
        announced; those ended early were announced then."""
        rows = await self._db.fetch_all(
            """
            SELECT * FROM covers
            WHERE end_told_at IS NULL AND ended_at IS NULL AND ends_on < ? AND ends_on >= ?
            ORDER BY id
            """,
            (today.isoformat(), since.isoformat()),
        )
        return [_cover(row) for row in rows]

    async def mark_told(self, cover_id: int, *, beginning: bool, now: datetime) -> None:
        column = "start_told_at" if beginning else "end_told_at"
        await self._db.execute(
            f"UPDATE covers SET {column} = ? WHERE id = ?", (to_db_time(now), cover_id)
        )
