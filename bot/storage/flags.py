"""Structural-gap flags: cases that show where structures must improve."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.casework.families import family_code
from bot.casework.flags import (
    OPEN_FLAG_STATES,
    Flag,
    FlagState,
    FlagStep,
    next_flag_state,
)
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
        state=FlagState(row["state"]),
        discussed_at=from_db_time(row["discussed_at"]),
        discussion=cipher.open(row["discussion"]),
        progress_at=from_db_time(row["progress_at"]),
        actions=cipher.open(row["actions"]),
    )


@dataclass(frozen=True)
class FlagCounts:
    """Flags reported, discussed, taken into progress and closed within a period."""

    reported: int
    discussed: int
    in_progress: int
    closed: int


# Per step: the columns of who, when and the text it keeps.
_STEP_COLUMNS = {
    FlagStep.DISCUSS: ("discussed_by", "discussed_at", "discussion"),
    FlagStep.PROGRESS: ("progress_by", "progress_at", "actions"),
    FlagStep.CLOSE: ("closed_by", "closed_at", "outcome"),
}


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
        return await self.in_states(OPEN_FLAG_STATES)

    async def in_states(self, states: frozenset[FlagState]) -> list[Flag]:
        """The flags in these states, oldest report first."""
        values = sorted(state.value for state in states)
        rows = await self._db.fetch_all(
            f"SELECT * FROM flags WHERE state IN ({','.join('?' * len(values))}) "
            "ORDER BY raised_at, id",
            values,
        )
        return [flag_from_row(row, self._db.cipher) for row in rows]

    async def counts(self, start: datetime, end: datetime) -> FlagCounts:
        """How many flags were reported, discussed, taken into progress and closed in
        [start, end): each step counts once, at the time it was first taken."""
        row = await self._db.fetch_one(
            """
            SELECT
                count(*) FILTER (WHERE raised_at >= :start AND raised_at < :end),
                count(*) FILTER (WHERE discussed_at >= :start AND discussed_at < :end),
                count(*) FILTER (WHERE progress_at >= :start AND progress_at < :end),
                count(*) FILTER (WHERE closed_at >= :start AND closed_at < :end)
            FROM flags
            """,
            {"start": to_db_time(start), "end": to_db_time(end)},
        )
        assert row is not None
        return FlagCounts(*row)

    async def open_at(self, moment: datetime) -> int:
        """How many flags were open at `moment`: reported before it, not closed by then."""
        return await self._db.fetch_value(
            "SELECT count(*) FROM flags WHERE raised_at < :at "
            "AND (closed_at IS NULL OR closed_at >= :at)",
            {"at": to_db_time(moment)},
        )

    async def closed_between(self, start: datetime, end: datetime) -> list[Flag]:
        """The flags closed in [start, end), with their outcomes, in the order closed."""
        rows = await self._db.fetch_all(
            "SELECT * FROM flags WHERE closed_at >= ? AND closed_at < ? ORDER BY closed_at, id",
            (to_db_time(start), to_db_time(end)),
        )
        return [flag_from_row(row, self._db.cipher) for row in rows]

    async def for_contact(self, contact_id: int) -> Flag | None:
        row = await self._db.fetch_one("SELECT * FROM flags WHERE contact_id = ?", (contact_id,))
        return None if row is None else flag_from_row(row, self._db.cipher)

    async def close(self, flag_id: int, outcome: str, closed_by: int, now: datetime) -> Flag:
        return await self.move(flag_id, FlagStep.CLOSE, outcome, closed_by, now)

    async def move(
        self, flag_id: int, step: FlagStep, text: str | None, by: int, now: datetime
    ) -> Flag:
        """Take a step (FLAG_TRANSITIONS), kept with who, when and its text, and audited.

        A step taken again (partners and actions updated while in progress) keeps the time
        the state began. Raises FlagTransitionRefused where the flag's state does not allow
        the step.
        """
        by_column, at_column, text_column = _STEP_COLUMNS[step]
        # Read and written in one transaction: no other coordinator moves it in between.
        async with self._db.transaction():
            flag = await self.get(flag_id)
            assert flag is not None
            following = next_flag_state(flag, step)
            await self._db.execute(
                f"""
                UPDATE flags SET state = ?, {by_column} = ?,
                    {at_column} = coalesce({at_column}, ?), {text_column} = ?
                WHERE id = ?
                """,
                (following.value, by, to_db_time(now), self._db.cipher.seal(text), flag_id),
            )
            await self._audit.record(
                f"flag.{step.value}", now, by, flag.family_code, f"{flag_id} {following.value}"
            )
        moved = await self.get(flag_id)
        assert moved is not None
        return moved
