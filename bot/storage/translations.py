"""Characters sent to DeepL, per person, charged to the translation fund."""

from __future__ import annotations

from datetime import datetime

from bot.storage.database import Database, to_db_time


class MachineTranslationStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        fund_id: int,
        staff_id: int,
        target_language: str,
        characters: int,
        cost_micro_cents: int,
        now: datetime,
    ) -> None:
        await self._db.execute(
            """
            INSERT INTO machine_translations (fund_id, staff_id, target_language, characters,
                cost_micro_cents, at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            (fund_id, staff_id, target_language, characters, cost_micro_cents, to_db_time(now)),
        )

    async def characters_by_staff(self) -> dict[int, int]:
        """Characters each person has had translated."""
        rows = await self._db.fetch_all(
            "SELECT staff_id, sum(characters) AS characters FROM machine_translations "
            "GROUP BY staff_id"
        )
        return {row["staff_id"]: row["characters"] for row in rows}
