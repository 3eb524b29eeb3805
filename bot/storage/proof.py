"""What the proof of spending of a fund lists, read at one moment."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.funds.funds import Fund
from bot.interpreting.requests import Mode, Purpose
from bot.reporting.proof import ProofData, RequestCharge
from bot.storage.database import Database, from_db_time
from bot.storage.expenses import ExpenseStore
from bot.storage.funds import FundStore


class ProofStore:
    def __init__(self, db: Database, funds: FundStore, expenses: ExpenseStore) -> None:
        self._db = db
        self._funds = funds
        self._expenses = expenses

    async def data(self, fund: Fund, today: date, tz: ZoneInfo) -> ProofData:
        """The fund's figures and every booking behind them, in one transaction, so that
        the lines add up to the figures even while others book."""
        async with self._db.transaction():
            return ProofData(
                fund=fund,
                figures=await self._funds.figures(fund, today),
                charges=await self._charges(fund.id, tz),
                machine_days=await self._funds.machine_days(fund.id, tz),
                expenses=await self._expenses.of_fund(fund.id),
            )

    async def _charges(self, fund_id: int, tz: ZoneInfo) -> list[RequestCharge]:
        """The invoice lines of the fund's requests, and what requests without any spent
        (on the day they were cancelled or decided)."""
        rows = await self._db.fetch_all(
            """
            SELECT r.id AS request_id, r.family_id, r.mode, r.language, r.purpose, r.status,
                i.id AS invoice_id, i.payee, i.number, i.invoiced_on, NULL AS spent_at,
                i.amount_cents, i.corrects_id
            FROM invoices i JOIN interpreter_requests r ON r.id = i.request_id
            WHERE r.fund_id = :fund
            UNION ALL
            SELECT r.id, r.family_id, r.mode, r.language, r.purpose, r.status,
                NULL, '', '', NULL, coalesce(r.cancelled_at, r.decided_at, r.created_at),
                r.spent_cents, NULL
            FROM interpreter_requests r
            WHERE r.fund_id = :fund AND r.spent_cents != 0
                AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.request_id = r.id)
            """,
            {"fund": fund_id},
        )
        return [
            RequestCharge(
                request_id=row["request_id"],
                family_id=row["family_id"],
                mode=Mode(row["mode"]),
                language=row["language"],
                purpose=Purpose(row["purpose"]),
                cancelled=row["status"] == "cancelled",
                on=date.fromisoformat(row["invoiced_on"])
                if row["invoiced_on"]
                else from_db_time(row["spent_at"]).astimezone(tz).date(),
                amount_cents=row["amount_cents"],
                invoice_id=row["invoice_id"],
                payee=row["payee"],
                number=row["number"],
                corrects_id=row["corrects_id"],
            )
            for row in rows
        ]
