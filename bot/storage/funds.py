"""Funds, the rate card's adjustments, and what has been spent and committed."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.funds.funds import (
    Fund,
    FundAlert,
    FundFigures,
    FundPurpose,
    NewFund,
    Spending,
    check_no_overlap,
    reached_thresholds,
)
from bot.funds.money import micro_to_cents
from bot.interpreting.rates import Rates
from bot.reporting.charts import FundTimeline
from bot.storage.audit import AuditLog
from bot.storage.database import Database, to_db_time

# Every amount a request spent, with the moment it was booked: each invoice line when it
# was recorded, and a cancellation fee no invoice has replaced yet when it was set. What
# FundStore.figures sums as the requests' spent_cents, spread over time (for the fund's
# timeline and the figures of a period). Columns: fund_id, requested_by, at, cents.
SPENDING_MOMENTS = """
    SELECT r.fund_id, r.requested_by, i.recorded_at AS at, i.amount_cents AS cents
    FROM invoices AS i JOIN interpreter_requests AS r ON r.id = i.request_id
    UNION ALL
    SELECT r.fund_id, r.requested_by, coalesce(r.cancelled_at, r.decided_at, r.created_at),
        r.spent_cents
    FROM interpreter_requests AS r
    WHERE r.spent_cents != 0 AND NOT EXISTS (SELECT 1 FROM invoices WHERE request_id = r.id)
"""


def _fund(row: sqlite3.Row) -> Fund:
    return Fund(
        id=row["id"],
        name=row["name"],
        purpose=FundPurpose(row["purpose"]),
        amount_cents=row["amount_cents"],
        currency=row["currency"],
        starts_on=date.fromisoformat(row["starts_on"]),
        ends_on=date.fromisoformat(row["ends_on"]),
    )


class FundStore:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    async def ensure_funds(self, funds: list[NewFund], now: datetime) -> list[NewFund]:
        """Create the configured funds on first start: each whose purpose has no fund yet.

        Returns those left out because a fund of that name exists already (made by hand
        before there was a setting for it): the caller says so in the log.
        """
        left_out = []
        async with self._db.transaction():
            existing = await self.all()
            purposes = {fund.purpose for fund in existing}
            names = {fund.name.casefold() for fund in existing}
            for new in funds:
                if new.purpose in purposes:
                    continue
                if new.name.casefold() in names:
                    left_out.append(new)
                    continue
                await self._insert(new, None, now)
        return left_out

    async def translation_fund(self) -> Fund | None:
        """The first translation fund (the one from the settings)."""
        row = await self._db.fetch_one(
            "SELECT * FROM funds WHERE purpose = ? ORDER BY starts_on, id LIMIT 1",
            (FundPurpose.TRANSLATION.value,),
        )
        return None if row is None else _fund(row)

    async def covering(self, purpose: FundPurpose, day: date) -> Fund | None:
        """The fund of `purpose` whose period holds `day` (see `fund_covering`)."""
        row = await self._db.fetch_one(
            """
            SELECT * FROM funds WHERE purpose = ? AND starts_on <= ? AND ends_on >= ?
            ORDER BY starts_on, id LIMIT 1
            """,
            (purpose.value, day.isoformat(), day.isoformat()),
        )
        return None if row is None else _fund(row)

    async def get(self, fund_id: int) -> Fund | None:
        row = await self._db.fetch_one("SELECT * FROM funds WHERE id = ?", (fund_id,))
        return None if row is None else _fund(row)

    async def all(self) -> list[Fund]:
        rows = await self._db.fetch_all("SELECT * FROM funds ORDER BY id")
        return [_fund(row) for row in rows]

    async def create(self, new: NewFund, by: int, now: datetime) -> Fund:
        """Create a fund; raises FundOverlap if one of its purpose covers part of its period."""
        async with self._db.transaction():
            check_no_overlap(await self.all(), new)
            fund_id = await self._insert(new, by, now)
        fund = await self.get(fund_id)
        assert fund is not None
        return fund

    async def _insert(self, new: NewFund, by: int | None, now: datetime) -> int:
        fund_id = await self._db.execute(
            """
            INSERT INTO funds (name, purpose, amount_cents, starts_on, ends_on, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            (new.name, new.purpose.value, new.amount_cents, new.starts_on.isoformat(),
             new.ends_on.isoformat(), to_db_time(now)),
        )  # fmt: skip
        await self._audit.record("fund.create", now, by, new.name, str(new.amount_cents))
        return fund_id

    async def change(
        self, fund_id: int, by: int, now: datetime, *, amount_cents: int | None = None,
        ends_on: date | None = None,
    ) -> FundAlert | None:  # fmt: skip
        """Change a fund's amount or end; a smaller amount may reach alert thresholds.

        Raises FundOverlap for an end that reaches into the next fund of its purpose.
        """
        async with self._db.transaction():
            fund = await self.get(fund_id)
            assert fund is not None
            if ends_on is not None:
                moved = NewFund(fund.name, fund.purpose, 0, fund.starts_on, ends_on)
                check_no_overlap(await self.all(), moved, but=fund_id)
            if amount_cents is not None:
                await self._db.execute(
                    "UPDATE funds SET amount_cents = ? WHERE id = ?", (amount_cents, fund_id)
                )
                await self._audit.record("fund.amount", now, by, str(fund_id), str(amount_cents))
            if ends_on is not None:
                await self._db.execute(
                    "UPDATE funds SET ends_on = ? WHERE id = ?", (ends_on.isoformat(), fund_id)
                )
                await self._audit.record("fund.end", now, by, str(fund_id), ends_on.isoformat())
            return await self.crossed_alerts(fund_id, now)

    async def figures(self, fund: Fund, today: date) -> FundFigures:
        """Spent (invoices, cancellation fees, machine translation, expenses) and committed,
        to the cent."""
        row = await self._db.fetch_one(
            """
            SELECT
                coalesce(sum(spent_cents), 0) AS requests_spent,
                (SELECT coalesce(sum(amount_cents), 0) FROM expenses
                 WHERE fund_id = :fund) AS expenses_spent,
                coalesce(sum(committed_cents), 0) AS committed,
                (SELECT coalesce(sum(cost_micro_cents), 0) FROM machine_translations
                 WHERE fund_id = :fund) AS machine_micro_cents
            FROM interpreter_requests WHERE fund_id = :fund
            """,
            {"fund": fund.id},
        )
        return FundFigures(
            amount_cents=fund.amount_cents,
            spent_cents=row["requests_spent"]
            + row["expenses_spent"]
            + micro_to_cents(row["machine_micro_cents"]),
            committed_cents=row["committed"],
            starts_on=fund.starts_on,
            ends_on=fund.ends_on,
            today=today,
        )

    async def spending_by_category(self, fund_id: int) -> list[Spending]:
        """What the fund's expenses (with their corrections) spent, by category."""
        rows = await self._db.fetch_all(
            """
            SELECT category, sum(amount_cents) AS spent FROM expenses WHERE fund_id = ?
            GROUP BY category HAVING sum(amount_cents) != 0
            ORDER BY sum(amount_cents) DESC, category
            """,
            (fund_id,),
        )
        return [Spending(row["category"], row["spent"], 0) for row in rows]

    async def spending_by_language(self, fund_id: int) -> list[Spending]:
        return await self._spending("language", "target_language", fund_id)

    async def spending_by_mode(self, fund_id: int) -> list[Spending]:
        return await self._spending("mode", "'machine'", fund_id)

    async def _spending(self, request_key: str, machine_key: str, fund_id: int) -> list[Spending]:
        # The keys are fixed column names and literals from the two methods above.
        rows = await self._db.fetch_all(
            f"""
            SELECT key, sum(spent) AS spent, sum(micro) AS micro, sum(committed) AS committed
            FROM (
                SELECT {request_key} AS key, spent_cents AS spent, 0 AS micro,
                       committed_cents AS committed
                FROM interpreter_requests WHERE fund_id = :fund
                UNION ALL
                SELECT {machine_key} AS key, 0, cost_micro_cents, 0
                FROM machine_translations WHERE fund_id = :fund
            )
            GROUP BY key
            """,
            {"fund": fund_id},
        )
        spending = [
            Spending(row["key"], row["spent"] + micro_to_cents(row["micro"]), row["committed"])
            for row in rows
        ]
        return sorted(
            (item for item in spending if item.spent_cents or item.committed_cents),
            key=lambda item: (-(item.spent_cents + item.committed_cents), item.key),
        )

    async def crossed_alerts(self, fund_id: int, now: datetime) -> FundAlert | None:
        """Record the alert thresholds the fund's use has reached and not been alerted for.

        Every method that changes what a fund spends, commits or holds calls this inside its
        own transaction and returns the result, so no spending path can forget the alerts.
        Compared exactly in cents, not with the rounded percentage shown to people.
        """
        async with self._db.transaction():
            fund = await self.get(fund_id)
            assert fund is not None
            figures = await self.figures(fund, now.date())
            rows = await self._db.fetch_all(
                "SELECT threshold FROM fund_alerts WHERE fund_id = ?", (fund_id,)
            )
            alerted = {row["threshold"] for row in rows}
            new = tuple(t for t in reached_thresholds(figures) if t not in alerted)
            await self._db.execute_many(
                "INSERT INTO fund_alerts (fund_id, threshold, sent_at) VALUES (?, ?, ?)",
                [(fund_id, threshold, to_db_time(now)) for threshold in new],
            )
        return FundAlert(fund, figures, new) if new else None

    async def rates(self, base: Rates) -> Rates:
        """The configured rate card with the adjustments admins made."""
        rates = base
        for row in await self._db.fetch_all("SELECT name, value FROM rate_overrides"):
            if row["name"] in Rates.names():
                rates = rates.updated(row["name"], int(row["value"]))
        return rates

    async def set_rate(self, name: str, value: int, by: int, now: datetime) -> None:
        async with self._db.transaction():
            await self._db.execute(
                """
                INSERT INTO rate_overrides (name, value, changed_by, changed_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value,
                    changed_by = excluded.changed_by, changed_at = excluded.changed_at
                """,
                (name, str(value), by, to_db_time(now)),
            )
            await self._audit.record("rates.change", now, by, name, str(value))

    async def timeline(self, fund: Fund, tz: ZoneInfo) -> FundTimeline:
        """Spending of the fund per local day, cumulative, and its commitments now.

        Invoice lines count on the day they were recorded, cancellation fees not replaced
        by an invoice on the day of the cancellation (SPENDING_MOMENTS); DeepL on the day
        it translated; expenses on their booking day. Summed by the hour in UTC, so each
        hour lands on its local day, and rounded up to the cent on the running sum, as
        FundStore.figures does.
        """
        rows = await self._db.fetch_all(
            f"""
            SELECT hour, sum(cents) AS cents, sum(micro) AS micro FROM (
                SELECT substr(at, 1, 13) AS hour, cents, 0 AS micro
                FROM ({SPENDING_MOMENTS}) WHERE fund_id = :fund AND cents != 0
                UNION ALL
                SELECT substr(at, 1, 13), 0, cost_micro_cents
                FROM machine_translations WHERE fund_id = :fund AND cost_micro_cents > 0
            )
            GROUP BY hour ORDER BY hour
            """,
            {"fund": fund.id},
        )
        by_day: dict[date, tuple[int, int]] = {}
        for row in rows:
            day = _local_day(row["hour"], tz)
            cents, micro = by_day.get(day, (0, 0))
            by_day[day] = (cents + row["cents"], micro + row["micro"])
        for row in await self._db.fetch_all(
            "SELECT booked_on, sum(amount_cents) AS cents FROM expenses WHERE fund_id = ? "
            "GROUP BY booked_on",
            (fund.id,),
        ):
            day = date.fromisoformat(row["booked_on"])
            cents, micro = by_day.get(day, (0, 0))
            by_day[day] = (cents + row["cents"], micro)
        spent, cents, micro = [], 0, 0
        for day in sorted(by_day):
            cents += by_day[day][0]
            micro += by_day[day][1]
            spent.append((day, cents + micro_to_cents(micro)))
        committed = await self._db.fetch_value(
            "SELECT coalesce(sum(committed_cents), 0) FROM interpreter_requests WHERE fund_id = ?",
            (fund.id,),
        )
        return FundTimeline(
            name=fund.name,
            amount_cents=fund.amount_cents,
            starts_on=fund.starts_on,
            ends_on=fund.ends_on,
            spent=spent,
            committed_cents=committed,
        )

    async def machine_days(self, fund_id: int, tz: ZoneInfo) -> list[tuple[date, int, int]]:
        """DeepL charged to the fund per local day: (day, millionths of a cent, characters),
        by day. Summed by the hour in UTC, so each hour lands on its local day."""
        rows = await self._db.fetch_all(
            """
            SELECT substr(at, 1, 13) AS hour, sum(cost_micro_cents) AS micro,
                sum(characters) AS characters
            FROM machine_translations WHERE fund_id = ? GROUP BY hour ORDER BY hour
            """,
            (fund_id,),
        )
        by_day: dict[date, tuple[int, int]] = {}
        for row in rows:
            day = _local_day(row["hour"], tz)
            micro, characters = by_day.get(day, (0, 0))
            by_day[day] = (micro + row["micro"], characters + row["characters"])
        return [(day, *by_day[day]) for day in sorted(by_day)]


def _local_day(hour: str, tz: ZoneInfo) -> date:
    """The local day of an hour in UTC as stored ("2026-11-24T08")."""
    return datetime.fromisoformat(f"{hour}:00:00").replace(tzinfo=UTC).astimezone(tz).date()
