"""Active families per case manager, and how many of them fled from Ukraine.

Read from caseloads, the running total kept by triggers on families (see rollups.py): the
largest through its index, the totals from caseload_totals (kept by triggers on caseloads),
never a count of the families or the case managers themselves.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.reporting.caseload import Caseload
from bot.storage.database import Database


class CaseloadStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def active_families(self, largest: int) -> Caseload:
        """The `largest` caseloads (case manager, active families, of those fled from
        Ukraine; most families first, then by person) and the totals over everyone."""
        rows = await self._db.fetch_all(
            """
            SELECT staff_id, families, fled FROM caseloads
            ORDER BY families DESC, staff_id LIMIT ?
            """,
            (largest,),
        )
        totals = await self._db.fetch_one(
            "SELECT case_managers, families, fled FROM caseload_totals WHERE id = 1"
        )
        assert totals is not None
        return Caseload(
            largest=[(row[0], row[1], row[2]) for row in rows],
            case_managers=totals[0],
            families=totals[1],
            fled=totals[2],
        )

    async def families_of(self, people: Collection[int]) -> dict[int, int]:
        """The active families of each of these people who has any."""
        if not people:
            return {}
        rows = await self._db.fetch_all(
            f"SELECT staff_id, families FROM caseloads WHERE staff_id IN "
            f"({', '.join('?' for _ in people)})",
            list(people),
        )
        return {row[0]: row[1] for row in rows}
