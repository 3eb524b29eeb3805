"""Staff members: who may use the bot, in which role, team and language."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime

from bot.staff.roles import Role, Team
from bot.staff.staff import FteShare, StaffMember
from bot.storage.audit import AuditLog
from bot.storage.cache import RecordCache
from bot.storage.database import Database, from_db_time, to_db_time

# Telegram user ids have at most 16 digits; negative ones are the shell's and demo's.
_TELEGRAM_ID = re.compile(r"-?[0-9]{1,16}")


def _member(row: sqlite3.Row) -> StaffMember:
    return StaffMember(
        telegram_id=row["telegram_id"],
        role=Role(row["role"]),
        team=Team(row["team"]),
        locale=row["locale"],
        status=row["status"],
        username=row["username"],
        display_name=row["display_name"],
        created_at=from_db_time(row["created_at"]),
        invited_by=row["invited_by"],
        weekly_report=None if row["weekly_report"] is None else bool(row["weekly_report"]),
    )


_COLUMNS = (
    "telegram_id, role, team, locale, status, username, display_name, created_at, invited_by, "
    "weekly_report"
)


# The share a row of fte_shares AS s gives its person on the day bound to the parameter: the
# one with the latest start on or before it.
VALID_SHARE = """
    s.valid_from = (SELECT max(valid_from) FROM fte_shares
                    WHERE staff_id = s.staff_id AND valid_from <= ?)
"""


class StaffStore:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit
        # The access gate reads the sender on every update.
        self._cache: RecordCache[int, StaffMember] = RecordCache(4096)

    async def get(self, telegram_id: int, *, remember: bool = True) -> StaffMember | None:
        """The member, from the cache or read (and kept, unless `remember` is False: a pass
        over every member must not fill the access gate's cache with all of them)."""
        member = self._cache.get(telegram_id)
        if member is None:
            row = await self._db.fetch_one(
                f"SELECT {_COLUMNS} FROM staff WHERE telegram_id = ?", (telegram_id,)
            )
            if row is None:
                return None
            member = _member(row)
            if remember and not self._db.in_transaction:
                self._cache.put(telegram_id, member)
        return member

    async def find(self, reference: str) -> StaffMember | None:
        """A member by numeric Telegram id or by @username (case-insensitive)."""
        reference = reference.strip()
        if _TELEGRAM_ID.fullmatch(reference):
            return await self.get(int(reference))
        username = reference.removeprefix("@")
        if not username:
            return None
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM staff WHERE username = ? COLLATE NOCASE", (username,)
        )
        return None if row is None else _member(row)

    async def all(self) -> list[StaffMember]:
        """Active members first, then admins, coordinators, case managers, each by name."""
        rows = await self._db.fetch_all(
            f"""
            SELECT {_COLUMNS} FROM staff
            ORDER BY status = 'revoked',
                     CASE role WHEN 'admin' THEN 0 WHEN 'coordinator' THEN 1 ELSE 2 END,
                     display_name COLLATE NOCASE, telegram_id
            """
        )
        return [_member(row) for row in rows]

    async def active_members(self) -> list[StaffMember]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM staff WHERE status = 'active' ORDER BY telegram_id"
        )
        return [_member(row) for row in rows]

    async def bootstrap_admins(
        self, telegram_ids: tuple[int, ...], locale: str, now: datetime
    ) -> list[int]:
        """Create admins from configuration that do not exist yet; returns the new ids.

        Only missing ids are added: an admin revoked later stays revoked after a restart.
        """
        added = []
        async with self._db.transaction():
            for telegram_id in telegram_ids:
                if await self.get(telegram_id) is not None:
                    continue
                await self.add(telegram_id, Role.ADMIN, Role.ADMIN.default_team, locale, now)
                await self._audit.record("staff.bootstrap_admin", now, telegram_id)
                added.append(telegram_id)
        return added

    async def add(
        self,
        telegram_id: int,
        role: Role,
        team: Team,
        locale: str,
        now: datetime,
        invited_by: int | None = None,
        username: str | None = None,
        display_name: str = "",
    ) -> StaffMember:
        """Register a person, or reactivate a revoked one with a new role."""
        await self._db.execute(
            """
            INSERT INTO staff (telegram_id, username, display_name, role, team, locale, status,
                               created_at, invited_by)
            VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?)
            ON CONFLICT (telegram_id) DO UPDATE SET
                username = excluded.username, display_name = excluded.display_name,
                role = excluded.role, team = excluded.team, status = 'active',
                invited_by = excluded.invited_by, revoked_at = NULL, revoked_by = NULL
            """,
            (
                telegram_id,
                username,
                display_name,
                role.value,
                team.value,
                locale,
                to_db_time(now),
                invited_by,
            ),
        )
        self._cache.forget(telegram_id)
        member = await self.get(telegram_id)
        assert member is not None
        return member

    async def update_profile(
        self, telegram_id: int, username: str | None, display_name: str
    ) -> None:
        """Keep @username current so that /revoke @name finds the person."""
        await self._db.execute(
            "UPDATE staff SET username = ?, display_name = ? WHERE telegram_id = ?",
            (username, display_name, telegram_id),
        )
        self._cache.forget(telegram_id)

    async def set_locale(self, telegram_id: int, locale: str, now: datetime) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE staff SET locale = ? WHERE telegram_id = ?", (locale, telegram_id)
            )
            await self._audit.record("staff.language", now, telegram_id, detail=locale)
        self._cache.forget(telegram_id)

    def forget_cached(self, telegram_id: int) -> None:
        """After a change made elsewhere (pseudonymisation): read the person again."""
        self._cache.forget(telegram_id)

    async def revoke(self, telegram_id: int, revoked_by: int, now: datetime) -> None:
        async with self._db.transaction():
            await self._db.execute(
                """
                UPDATE staff SET status = 'revoked', revoked_at = ?, revoked_by = ?
                WHERE telegram_id = ?
                """,
                (to_db_time(now), revoked_by, telegram_id),
            )
            await self._audit.record("staff.revoke", now, revoked_by, subject=str(telegram_id))
        self._cache.forget(telegram_id)

    async def names(self, telegram_ids: list[int]) -> dict[int, str]:
        """How to name these people in a list (see StaffMember.handle)."""
        if not telegram_ids:
            return {}
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM staff WHERE telegram_id IN "
            f"({', '.join('?' for _ in telegram_ids)})",
            telegram_ids,
        )
        return {row["telegram_id"]: _member(row).handle for row in rows}

    async def set_fte(
        self, telegram_id: int, permille: int, valid_from: date, by: int, now: datetime
    ) -> None:
        """The person's share of a full-time position from `valid_from` on (0: none); the
        shares before stay as they were. Audited."""
        async with self._db.transaction():
            await self._db.execute(
                """
                INSERT INTO fte_shares (staff_id, valid_from, fte_permille, set_by, set_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (staff_id, valid_from) DO UPDATE SET
                    fte_permille = excluded.fte_permille,
                    set_by = excluded.set_by, set_at = excluded.set_at
                """,
                (telegram_id, valid_from.isoformat(), permille, by, to_db_time(now)),
            )
            await self._audit.record(
                "staff.fte", now, by, str(telegram_id), f"{permille} from {valid_from.isoformat()}"
            )

    async def fte_history(self, telegram_id: int) -> list[FteShare]:
        """The person's shares of a full-time position, each from its first day, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT valid_from, fte_permille FROM fte_shares WHERE staff_id = ? ORDER BY 1",
            (telegram_id,),
        )
        return [FteShare(date.fromisoformat(row[0]), row[1]) for row in rows]

    async def set_weekly_report(self, telegram_id: int, wanted: bool) -> None:
        await self._db.execute(
            "UPDATE staff SET weekly_report = ? WHERE telegram_id = ?", (int(wanted), telegram_id)
        )
        self._cache.forget(telegram_id)

    async def full_time_equivalents(self, on: date) -> dict[int, int]:
        """Each share of a full-time position (in thousandths) valid on `on`, by person;
        people without one, or with 0 then, are left out."""
        rows = await self._db.fetch_all(
            f"""
            SELECT staff_id, fte_permille FROM fte_shares AS s
            WHERE {VALID_SHARE} AND fte_permille > 0
            """,
            (on.isoformat(),),
        )
        return {row[0]: row[1] for row in rows}
