"""Staffing per building block as coordinators enter it, valid from a date; who fills the
positions, from the staff list."""

from __future__ import annotations

from datetime import date, datetime

from bot.reporting.staffing import Block, Entered
from bot.staff.roles import Team
from bot.storage.audit import AuditLog
from bot.storage.database import Database, to_db_time
from bot.storage.staff import VALID_SHARE


class StaffingStore:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    async def entered(self, on: date) -> dict[Block, Entered]:
        """Per block, what was entered last with a start on or before `on`."""
        rows = await self._db.fetch_all(
            """
            SELECT block, valid_from, funded_permille, vacant_permille, money_cents
            FROM staffing AS s
            WHERE valid_from = (SELECT max(valid_from) FROM staffing
                                WHERE block = s.block AND valid_from <= ?)
            """,
            (on.isoformat(),),
        )
        return {
            Block(row[0]): Entered(date.fromisoformat(row[1]), row[2], row[3], row[4])
            for row in rows
        }

    async def change(
        self,
        block: Block,
        valid_from: date,
        changes: dict[str, int],
        by: int,
        now: datetime,
    ) -> Entered:
        """From `valid_from` on, the block's values in effect then with `changes`
        (funded_permille, vacant_permille, money_cents) applied; audited."""
        async with self._db.transaction():
            before = (await self.entered(valid_from)).get(block)
            values = {
                "funded_permille": before.funded if before else 0,
                "vacant_permille": before.vacant if before else 0,
                "money_cents": before.money_cents if before else 0,
            } | changes
            await self._db.execute(
                """
                INSERT INTO staffing (block, valid_from, funded_permille, vacant_permille,
                    money_cents, set_by, set_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (block, valid_from) DO UPDATE SET
                    funded_permille = excluded.funded_permille,
                    vacant_permille = excluded.vacant_permille,
                    money_cents = excluded.money_cents,
                    set_by = excluded.set_by, set_at = excluded.set_at
                """,
                (
                    block.value,
                    valid_from.isoformat(),
                    values["funded_permille"],
                    values["vacant_permille"],
                    values["money_cents"],
                    by,
                    to_db_time(now),
                ),
            )
            await self._audit.record(
                "staffing.change",
                now,
                by,
                block.value,
                f"from {valid_from.isoformat()}: "
                + ", ".join(f"{key} {value}" for key, value in sorted(changes.items())),
            )
        return Entered(
            valid_from,
            values["funded_permille"],
            values["vacant_permille"],
            values["money_cents"],
        )

    async def filled(self, on: date) -> dict[Team, int]:
        """Per team, the shares of a position (/fte) valid on `on` of staff not deactivated
        by then (each counted in the team they have today)."""
        day = on.isoformat()
        rows = await self._db.fetch_all(
            f"""
            SELECT staff.team, sum(s.fte_permille)
            FROM fte_shares AS s JOIN staff ON staff.telegram_id = s.staff_id
            WHERE {VALID_SHARE}
                AND (staff.revoked_at IS NULL OR substr(staff.revoked_at, 1, 10) > ?)
            GROUP BY staff.team
            """,
            (day, day),
        )
        return {Team(row[0]): row[1] for row in rows if row[1]}

    async def case_management_families(self, on: date) -> int:
        """Families in counselling on `on`: opened by then and not closed before."""
        day = on.isoformat()
        return await self._db.fetch_value(
            """
            SELECT count(*) FROM families
            WHERE opened_on <= ? AND (closed_on IS NULL OR closed_on > ?)
            """,
            (day, day),
        )
