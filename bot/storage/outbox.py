"""The outbox: replies Telegram could not take yet, kept until they are delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Database, from_db_time, to_db_time


@dataclass(frozen=True)
class QueuedCall:
    """A Bot API call waiting to be made again: its method and its parameters as JSON."""

    id: int
    method: str
    params: str
    created_at: datetime
    attempts: int
    # Shows case details: once delivered, it leaves the chat after CHAT_RETENTION_HOURS.
    case_details: bool


class OutboxStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        method: str,
        chat_id: int | None,
        params: str,
        case_details: bool,
        now: datetime,
        first_attempt: datetime,
    ) -> int:
        return await self._db.execute(
            """
            INSERT INTO outbox (method, chat_id, params, case_details, created_at, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            (
                method,
                chat_id,
                self._db.cipher.seal(params),
                int(case_details),
                to_db_time(now),
                to_db_time(first_attempt),
            ),
        )

    async def due(self, now: datetime, limit: int = 100) -> list[QueuedCall]:
        """Calls whose next attempt is due, oldest first (a chat's replies keep their order)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE next_attempt_at <= ? ORDER BY id LIMIT ?",
            (to_db_time(now), limit),
        )
        return [
            QueuedCall(
                row["id"],
                row["method"],
                self._db.cipher.open(row["params"]),
                from_db_time(row["created_at"]),
                row["attempts"],
                bool(row["case_details"]),
            )
            for row in rows
        ]

    async def next_attempt(self) -> datetime | None:
        return from_db_time(await self._db.fetch_value("SELECT min(next_attempt_at) FROM outbox"))

    async def delivered(self, call_id: int) -> None:
        """Sent, or given up on: either way never tried again."""
        await self._db.execute("DELETE FROM outbox WHERE id = ?", (call_id,))

    async def failed(self, call_id: int, error: str, next_attempt: datetime) -> None:
        await self._db.execute(
            """
            UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
            WHERE id = ?
            """,
            (error, to_db_time(next_attempt), call_id),
        )

    async def pending_count(self) -> int:
        return int(await self._db.fetch_value("SELECT count(*) FROM outbox"))
