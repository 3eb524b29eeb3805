"""Active families per case manager, and how many of them fled from Ukraine."""

from __future__ import annotations

from bot.storage.database import Database


class CaseloadStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def active_families(self) -> list[tuple[int, int, int]]:
        """(case manager, active families, of those fled from Ukraine), largest first."""
        rows = await self._db.fetch_all(
            """
            SELECT case_manager_id, count(*), sum(fled_ukraine) FROM families
            WHERE status = 'active' GROUP BY case_manager_id
            ORDER BY 2 DESC, 1
            """
        )
        return [(row[0], row[1], row[2]) for row in rows]
