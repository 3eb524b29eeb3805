"""The audit trail: who did what, when. Append-only; never holds message texts."""

from __future__ import annotations

from datetime import datetime

from bot.storage.database import Database, to_db_time


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        action: str,
        at: datetime,
        actor_id: int | None = None,
        subject: str | None = None,
        detail: str | None = None,
    ) -> None:
        await self._db.execute(
            "INSERT INTO audit_log (at, actor_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            (to_db_time(at), actor_id, action, subject, detail),
        )

    async def actions(self, actor_id: int | None = None) -> list[str]:
        """Actions in the order they happened, optionally of one actor."""
        if actor_id is None:
            rows = await self._db.fetch_all("SELECT action FROM audit_log ORDER BY id")
        else:
            rows = await self._db.fetch_all(
                "SELECT action FROM audit_log WHERE actor_id = ? ORDER BY id", (actor_id,)
            )
        return [row["action"] for row in rows]
