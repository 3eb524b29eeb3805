"""Case conferences and cross-case meetings, and the families linked to them."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from bot.casework.conferences import (
    Conference,
    ConferenceDraft,
    ConferenceKind,
    Participant,
    participants_from_bits,
    participants_to_bits,
)
from bot.casework.families import family_code
from bot.casework.vocabulary import topics_from_bits, topics_to_bits
from bot.storage.audit import AuditLog
from bot.storage.database import Database, from_db_time, to_db_time

# ConferenceCounts' fields, added up over the conferences a query selects: the figures of a
# period read them in their own statement (storage/figures.py).
CONFERENCE_COUNTS = f"""
    count(*) FILTER (WHERE kind = 'case'),
    count(*) FILTER (WHERE kind = 'case'
                     AND participants & {Participant.IMMIGRATION_OFFICE.bit}),
    count(*) FILTER (WHERE kind = 'case'
                     AND participants & {Participant.NATURALISATION_OFFICE.bit}),
    count(*) FILTER (WHERE kind = 'cross_case'),
    coalesce(sum(minutes), 0)"""

# The families still linked to a conference, in the order they were typed.
_WITH_FAMILIES = """
    SELECT conferences.*, (
        SELECT group_concat(family_id) FROM (
            SELECT family_id FROM conference_families
            WHERE conference_id = conferences.id AND family_id IS NOT NULL ORDER BY id
        )
    ) AS family_ids
    FROM conferences
"""


class ConferenceStore:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    def _from_row(self, row: sqlite3.Row) -> Conference:
        linked = row["family_ids"]
        return Conference(
            id=row["id"],
            held_on=date.fromisoformat(row["held_on"]),
            kind=ConferenceKind(row["kind"]),
            participants=participants_from_bits(row["participants"]),
            partner_name=self._db.cipher.open(row["partner_name"]),
            family_ids=tuple(int(family_id) for family_id in linked.split(",")) if linked else (),
            topics=tuple(topics_from_bits(row["topics"])),
            minutes=row["minutes"],
            agreements=self._db.cipher.open(row["agreements"]),
            recorded_by=row["recorded_by"],
            recorded_at=from_db_time(row["recorded_at"]),
        )

    async def add(
        self,
        draft: ConferenceDraft,
        recorded_by: int,
        follow_up_family_ids: frozenset[int],
        now: datetime,
        source: tuple[int, int],
    ) -> tuple[Conference, bool]:
        """Store a conference with its families, audited; the families in
        `follow_up_family_ids` get the draft's follow-up date.

        `source` (chat id, message id) stores once: an update delivered again returns the
        conference stored the first time, and False.
        """
        async with self._db.transaction():
            existing = await self._db.fetch_one(
                f"{_WITH_FAMILIES} WHERE source_chat_id = ? AND source_message_id = ?", source
            )
            if existing is not None:
                return self._from_row(existing), False
            conference_id = await self._db.execute(
                """
                INSERT INTO conferences (held_on, kind, participants, partner_name, topics,
                    minutes, agreements, recorded_by, recorded_at, source_chat_id,
                    source_message_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    draft.held_on.isoformat(),
                    draft.kind.value,
                    participants_to_bits(draft.participants),
                    self._db.cipher.seal(draft.partner_name),
                    topics_to_bits(draft.topics),
                    draft.minutes,
                    self._db.cipher.seal(draft.agreements),
                    recorded_by,
                    to_db_time(now),
                    *source,
                ),
            )
            await self._audit.record(
                "conference.record", now, recorded_by, detail=str(conference_id)
            )
            for family_id in draft.family_ids:
                follow_up = draft.follow_up_on if family_id in follow_up_family_ids else None
                await self._db.execute(
                    """
                    INSERT INTO conference_families (conference_id, family_id, follow_up_on)
                    VALUES (?, ?, ?)
                    """,
                    (conference_id, family_id, follow_up.isoformat() if follow_up else None),
                )
                await self._audit.record(
                    "conference.link", now, recorded_by, family_code(family_id), str(conference_id)
                )
        conference = await self.get(conference_id)
        assert conference is not None
        return conference, True

    async def get(self, conference_id: int) -> Conference | None:
        row = await self._db.fetch_one(
            f"{_WITH_FAMILIES} WHERE conferences.id = ?", (conference_id,)
        )
        return None if row is None else self._from_row(row)

    async def recent(
        self, recorded_by: int | None, limit: int, offset: int = 0
    ) -> tuple[list[Conference], int]:
        """The latest conferences (of one person, or all), newest first, and how many there
        are in all."""
        mine = "WHERE recorded_by = :staff" if recorded_by is not None else ""
        rows = await self._db.fetch_all(
            f"""
            {_WITH_FAMILIES} {mine}
            ORDER BY held_on DESC, id DESC LIMIT :limit OFFSET :offset
            """,
            {"staff": recorded_by, "limit": limit, "offset": offset},
        )
        total = await self._db.fetch_value(
            f"SELECT count(*) FROM conferences {mine}", {"staff": recorded_by}
        )
        return [self._from_row(row) for row in rows], total

    async def for_family(self, family_id: int, limit: int = 3) -> list[Conference]:
        """The family's latest conferences, newest first."""
        rows = await self._db.fetch_all(
            f"""
            {_WITH_FAMILIES}
            WHERE id IN (SELECT conference_id FROM conference_families WHERE family_id = ?)
            ORDER BY held_on DESC, id DESC LIMIT ?
            """,
            (family_id, limit),
        )
        return [self._from_row(row) for row in rows]

    async def of_family(self, family_id: int) -> list[Conference]:
        """Every conference the family is linked to, oldest first (Art. 15 export)."""
        rows = await self._db.fetch_all(
            f"""
            {_WITH_FAMILIES}
            WHERE id IN (SELECT conference_id FROM conference_families WHERE family_id = ?)
            ORDER BY held_on, id
            """,
            (family_id,),
        )
        return [self._from_row(row) for row in rows]
