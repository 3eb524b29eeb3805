"""Characters sent to DeepL, per person, charged to the translation fund."""

from __future__ import annotations

from datetime import datetime

from bot.funds.funds import FundAlert
from bot.storage.database import Database, to_db_time
from bot.storage.funds import FundStore


class TranslationStore:
    def __init__(self, db: Database, funds: FundStore) -> None:
        self._db = db
        self._funds = funds

    async def record(
        self,
        fund_id: int,
        staff_id: int,
        target_language: str,
        characters: int,
        cost_micro_cents: int,
        now: datetime,
    ) -> FundAlert | None:
        """Charge the characters sent to DeepL to the fund; returns the alert it set off."""
        async with self._db.transaction():
            await self._db.execute(
                """
                INSERT INTO machine_translations (fund_id, staff_id, target_language,
                    characters, cost_micro_cents, at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                (fund_id, staff_id, target_language, characters, cost_micro_cents, to_db_time(now)),
            )
            return await self._funds.crossed_alerts(fund_id, now)

    async def characters_by_staff(self) -> dict[int, int]:
        """Characters each person has had translated."""
        rows = await self._db.fetch_all(
            "SELECT staff_id, sum(characters) AS characters FROM machine_translations "
            "GROUP BY staff_id"
        )
        return {row["staff_id"]: row["characters"] for row in rows}
