"""The inbox: updates as Telegram sent them, stored before Telegram is told they arrived."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.storage.database import Database, to_db_time


class InboxStore:
    """Each update once, by its update_id; its text only until it is handled."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def store(self, updates: Sequence[tuple[int, str]], now: datetime) -> list[int]:
        """Keep (update_id, JSON) pairs in one transaction; returns the ids not seen before.

        An update Telegram delivers again (it was not confirmed before a crash) is known by
        its id and not stored, nor handled, twice.
        """
        if not updates:
            return []
        received = to_db_time(now)
        rows = await self._db.fetch_all(
            "INSERT INTO inbox (update_id, payload, received_at) VALUES "
            + ", ".join("(?, ?, ?)" for _ in updates)
            + " ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            [
                value
                for update_id, payload in updates
                for value in (update_id, self._db.cipher.seal(payload), received)
            ],
        )
        return sorted(row["update_id"] for row in rows)

    async def pending(self) -> list[tuple[int, str]]:
        """Stored and not yet handled, in the order Telegram numbered them."""
        rows = await self._db.fetch_all(
            "SELECT update_id, payload FROM inbox WHERE handled_at IS NULL ORDER BY update_id"
        )
        return [(row["update_id"], self._db.cipher.open(row["payload"])) for row in rows]

    async def handled(self, update_id: int, now: datetime) -> None:
        """Done: the text goes, the id stays a while so a late redelivery is recognised."""
        await self._db.execute(
            "UPDATE inbox SET payload = NULL, handled_at = ? WHERE update_id = ?",
            (to_db_time(now), update_id),
        )

    async def forget_handled(self, before: datetime) -> int:
        """Drop the ids of updates handled before `before`; returns how many."""
        count = await self._db.fetch_value(
            "SELECT count(*) FROM inbox WHERE handled_at < ?", (to_db_time(before),)
        )
        await self._db.execute("DELETE FROM inbox WHERE handled_at < ?", (to_db_time(before),))
        return int(count)

    async def pending_count(self, but: int | None = None) -> int:
        """Updates stored and not handled, but the one with id `but` (it is being handled)."""
        pending = "SELECT count(*) FROM inbox WHERE handled_at IS NULL AND update_id IS NOT ?"
        return int(await self._db.fetch_value(pending, (but,)))
