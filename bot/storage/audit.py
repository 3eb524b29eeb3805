"""The audit trail: who did what, when. Append-only; never holds message texts."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import datetime

from bot.privacy.audit import AuditLine
from bot.storage.database import Database, from_db_time, to_db_time

_LINES = """
    SELECT audit_log.*, staff.username, staff.display_name,
           cover.username AS cover_username, cover.display_name AS cover_name
    FROM audit_log LEFT JOIN staff ON staff.telegram_id = audit_log.actor_id
    LEFT JOIN staff AS cover ON cover.telegram_id = audit_log.cover_for
"""

# Who acts in cover for whom in the update being handled: (the sender, the absent colleague).
# A context variable, since updates of different chats are handled concurrently; the access
# gate clears it for every update.
_IN_COVER: ContextVar[tuple[int, int] | None] = ContextVar("in_cover", default=None)


def _where(
    actor_id: int | None, subject: str | None, start: datetime | None, end: datetime | None
) -> tuple[str, list[object]]:
    conditions, params = ["1"], []
    if actor_id is not None:
        # A person's lines include what colleagues did in cover for them.
        conditions.append("(audit_log.actor_id = ? OR audit_log.cover_for = ?)")
        params += [actor_id, actor_id]
    if subject is not None:
        conditions.append("audit_log.subject = ?")
        params.append(subject)
    if start is not None:
        conditions.append("audit_log.at >= ?")
        params.append(to_db_time(start))
    if end is not None:
        conditions.append("audit_log.at < ?")
        params.append(to_db_time(end))
    return " AND ".join(conditions), params


def _line(row: sqlite3.Row) -> AuditLine:
    return AuditLine(
        id=row["id"],
        at=from_db_time(row["at"]),
        actor_id=row["actor_id"],
        actor_username=row["username"],
        actor_name=row["display_name"],
        action=row["action"],
        subject=row["subject"],
        detail=row["detail"],
        cover_for_id=row["cover_for"],
        cover_for_username=row["cover_username"],
        cover_for_name=row["cover_name"],
    )


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def act_in_cover(self, actor_id: int, absent_id: int) -> None:
        """Until the next update, what `actor_id` does is recorded as in cover for
        `absent_id` (a family or request reached only through a cover)."""
        _IN_COVER.set((actor_id, absent_id))

    def act_for_oneself(self) -> None:
        """A new update: nobody acts in cover until access through a cover is granted."""
        _IN_COVER.set(None)

    def in_cover_for(self, actor_id: int | None) -> int | None:
        """The colleague `actor_id` acts for in the update being handled, if any."""
        acting = _IN_COVER.get()
        return acting[1] if acting is not None and acting[0] == actor_id else None

    async def record(
        self,
        action: str,
        at: datetime,
        actor_id: int | None = None,
        subject: str | None = None,
        detail: str | None = None,
    ) -> None:
        cover_for = self.in_cover_for(actor_id)
        await self._db.execute(
            "INSERT INTO audit_log (at, actor_id, action, subject, detail, cover_for) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (to_db_time(at), actor_id, action, subject, detail, cover_for),
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

    async def lines(
        self,
        actor_id: int | None = None,
        subject: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[AuditLine]:
        """Lines of one actor and/or about one subject from `start` until before `end`,
        newest first."""
        where, params = _where(actor_id, subject, start, end)
        rows = await self._db.fetch_all(
            f"{_LINES} WHERE {where} ORDER BY audit_log.at DESC, audit_log.id DESC "
            "LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_line(row) for row in rows]

    async def count(
        self,
        actor_id: int | None = None,
        subject: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> int:
        where, params = _where(actor_id, subject, start, end)
        return int(
            await self._db.fetch_value(f"SELECT count(*) FROM audit_log WHERE {where}", params)
        )

    async def about_family(
        self, code: str, request_ids: Sequence[int], flag_ids: Sequence[int]
    ) -> list[AuditLine]:
        """Lines about a family: by its code, and those of its interpreter requests and
        flags (recorded by their number), newest first."""
        requests = ",".join("?" * len(request_ids)) or "NULL"
        flags = ",".join("?" * len(flag_ids)) or "NULL"
        rows = await self._db.fetch_all(
            f"""
            {_LINES}
            WHERE audit_log.subject = ?
               OR (audit_log.action LIKE 'request.%' AND audit_log.subject IN ({requests}))
               OR (audit_log.action = 'flag.close' AND audit_log.subject IN ({flags}))
            ORDER BY audit_log.at DESC, audit_log.id DESC
            """,
            (code, *map(str, request_ids), *map(str, flag_ids)),
        )
        return [_line(row) for row in rows]
