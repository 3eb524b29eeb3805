"""Committee reports: which were issued for which date, and the committee's own counts
(families per town on a date, interpreting hours of a period); the other figures come from
the stores /week, /staffing and /budget use."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.reporting.committee import Issued, TownFamilies
from bot.storage.audit import AuditLog
from bot.storage.database import Database, to_db_time
from bot.storage.figures import ACTIVE_BY, active_parameters


class CommitteeStore:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    async def previous(self, before: date) -> Issued | None:
        """The latest report issued for a date before `before` (the last one issued, if
        several were for that date)."""
        row = await self._db.fetch_one(
            """
            SELECT as_of, first_day FROM committee_reports WHERE as_of < ?
            ORDER BY as_of DESC, issued_at DESC, id DESC LIMIT 1
            """,
            (before.isoformat(),),
        )
        if row is None:
            return None
        return Issued(date.fromisoformat(row[0]), date.fromisoformat(row[1]))

    async def record(self, as_of: date, first: date, by: int, now: datetime) -> None:
        """Remember an issued report (who, when), audited."""
        async with self._db.transaction():
            report_id = await self._db.execute(
                """
                INSERT INTO committee_reports (as_of, first_day, issued_by, issued_at)
                VALUES (?, ?, ?, ?)
                """,
                (as_of.isoformat(), first.isoformat(), by, to_db_time(now)),
            )
            await self._audit.record(
                "committee.issue",
                now,
                by,
                str(report_id),
                f"{first.isoformat()}..{as_of.isoformat()}",
            )

    async def families_by_town(self, on: date) -> dict[str, TownFamilies]:
        """Families in counselling on `on` per town (the town they lived in then), and of
        those fled from Ukraine: the running totals /week's active families come from."""
        rows = await self._db.fetch_all(
            f"""
            SELECT town, sum(families), sum(families * fled)
            FROM ({ACTIVE_BY.format(keys="town, fled")}) GROUP BY town HAVING sum(families) != 0
            """,
            active_parameters(on + timedelta(days=1)),
        )
        return {row[0]: TownFamilies(row[1], row[2]) for row in rows}

    async def interpreting_minutes(self, start_at: datetime, end_at: datetime) -> int:
        """Interpreting booked for appointments in [start_at, end_at), neither rejected
        nor cancelled (written translations have no minutes)."""
        return await self._db.fetch_value(
            """
            SELECT coalesce(sum(minutes), 0) FROM interpreter_requests
            WHERE starts_at >= ? AND starts_at < ? AND status NOT IN ('rejected', 'cancelled')
            """,
            (to_db_time(start_at), to_db_time(end_at)),
        )
