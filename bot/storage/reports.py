"""Which weekly reports have gone out to whom, so that none is sent twice or skipped."""

from __future__ import annotations

from datetime import datetime

from bot.storage.database import Database, to_db_time


class ReportStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def sent(self, week: str, staff_id: int) -> bool:
        return (
            await self._db.fetch_value(
                "SELECT 1 FROM weekly_reports WHERE week = ? AND staff_id = ?", (week, staff_id)
            )
            is not None
        )

    async def mark_sent(self, week: str, staff_id: int, now: datetime) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO weekly_reports (week, staff_id, sent_at) VALUES (?, ?, ?)",
            (week, staff_id, to_db_time(now)),
        )
