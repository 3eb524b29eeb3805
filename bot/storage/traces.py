"""Chat traces: which of the bot's messages show case details, until they are deleted."""

from __future__ import annotations

from datetime import datetime

from bot.privacy.traces import ChatTrace
from bot.storage.database import Database, from_db_time, to_db_time


class TraceStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def remember(self, chat_id: int, message_id: int, sent_at: datetime) -> None:
        await self._db.execute(
            """
            INSERT INTO chat_traces (chat_id, message_id, sent_at) VALUES (?, ?, ?)
            ON CONFLICT (chat_id, message_id) DO NOTHING
            """,
            (chat_id, message_id, to_db_time(sent_at)),
        )

    async def due(self, before: datetime, limit: int = 500) -> list[ChatTrace]:
        """Messages sent before `before`, oldest first."""
        rows = await self._db.fetch_all(
            """
            SELECT chat_id, message_id, sent_at FROM chat_traces
            WHERE sent_at < ? ORDER BY sent_at, chat_id, message_id LIMIT ?
            """,
            (to_db_time(before), limit),
        )
        return [
            ChatTrace(row["chat_id"], row["message_id"], from_db_time(row["sent_at"]))
            for row in rows
        ]

    async def forget(self, trace: ChatTrace) -> None:
        """Deleted from the chat, or given up on: either way never tried again."""
        await self._db.execute(
            "DELETE FROM chat_traces WHERE chat_id = ? AND message_id = ?",
            (trace.chat_id, trace.message_id),
        )

    async def forget_all(self) -> int:
        """With 0 hours configured, messages stay: what was recorded before goes."""
        count = await self._db.fetch_value("SELECT count(*) FROM chat_traces")
        await self._db.execute("DELETE FROM chat_traces")
        return int(count)

    async def count(self) -> int:
        return int(await self._db.fetch_value("SELECT count(*) FROM chat_traces"))
