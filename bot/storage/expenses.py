"""Expenses booked against a fund, and their correction lines: never beyond what the fund
has available unless an overrun is explicitly confirmed."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.funds.expenses import Expense, NewExpense
from bot.funds.funds import Fund, FundAlert, FundFigures
from bot.storage.audit import AuditLog
from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.encryption import TextCipher
from bot.storage.funds import FundStore


def expense_from_row(row: sqlite3.Row, cipher: TextCipher) -> Expense:
    return Expense(
        id=row["id"],
        fund_id=row["fund_id"],
        amount_cents=row["amount_cents"],
        payee=row["payee"],
        voucher=row["voucher"],
        purpose=cipher.open(row["purpose"]) or "",
        category=row["category"],
        booked_on=date.fromisoformat(row["booked_on"]),
        corrects_id=row["corrects_id"],
        overrun=bool(row["overrun"]),
        booked_by=row["booked_by"],
        booked_at=from_db_time(row["booked_at"]),
    )


class Outcome(StrEnum):
    BOOKED = "booked"
    # The fund cannot cover it and no overrun was confirmed: nothing was booked.
    NOT_COVERED = "not_covered"
    # A correction to the amount the expense has already: nothing to book.
    UNCHANGED = "unchanged"
    # The same update again (a redelivery): the line booked the first time.
    REPEATED = "repeated"


@dataclass(frozen=True)
class Booking:
    """What booking a line did, the line (if any), and where its fund stands now."""

    outcome: Outcome
    expense: Expense | None
    fund: Fund
    figures: FundFigures
    alert: FundAlert | None = None
    # What the line needed beyond what was available (0 when it fit).
    beyond_cents: int = 0


class ExpenseStore:
    def __init__(self, db: Database, audit: AuditLog, funds: FundStore) -> None:
        self._db = db
        self._audit = audit
        self._funds = funds

    async def book(
        self, new: NewExpense, by: int, now: datetime, source: tuple[int, int], *,
        overrun: bool = False,
    ) -> Booking:  # fmt: skip
        """Book an expense if its fund has the amount available, or beyond it with `overrun`
        (flagged). Checked and booked in one write transaction, as requests are committed,
        so no two bookings together overspend a fund."""
        return await self._book_line(new, new.amount_cents, by, now, source, overrun)

    async def correct(
        self, expense_id: int, right_cents: int, reason: str | None, today: date, by: int,
        now: datetime, source: tuple[int, int], *, overrun: bool = False,
    ) -> Booking:  # fmt: skip
        """Book a correction line: the difference between the expense's right amount and
        what it and its earlier corrections hold. A correction that adds money needs it
        available, like a new expense. `expense_id` is the expense (not a correction)."""
        async with self._db.transaction():
            original = await self.get(expense_id)
            assert original is not None and original.corrects_id is None
            repeated = await self._repeated(source)
            difference = right_cents - await self.total(expense_id)
            if repeated is None and difference == 0:
                fund, figures = await self._figures(original, now)
                return Booking(Outcome.UNCHANGED, original, fund, figures)
            line = NewExpense(
                fund_id=original.fund_id,
                amount_cents=difference,
                payee=original.payee,
                voucher=original.voucher,
                purpose=reason or original.purpose,
                category=original.category,
                booked_on=today,
                corrects_id=expense_id,
            )
            return await self._book_line(line, max(difference, 0), by, now, source, overrun)

    async def _book_line(
        self, line: NewExpense, needs_cents: int, by: int, now: datetime,
        source: tuple[int, int], overrun: bool,
    ) -> Booking:  # fmt: skip
        async with self._db.transaction():
            # The fund as it is now, inside the write transaction: what another booking
            # took a moment ago counts.
            fund, figures = await self._figures(line, now)
            repeated = await self._repeated(source)
            if repeated is not None:
                return Booking(Outcome.REPEATED, repeated, fund, figures)
            # A line that takes nothing (a correction downwards) always fits.
            covered = needs_cents == 0 or figures.covers(needs_cents)
            beyond = 0 if covered else needs_cents - max(figures.available_cents, 0)
            if beyond and not overrun:
                return Booking(Outcome.NOT_COVERED, None, fund, figures, beyond_cents=beyond)
            expense_id = await self._db.execute(
                """
                INSERT INTO expenses (fund_id, amount_cents, payee, voucher, purpose, category,
                    booked_on, corrects_id, overrun, booked_by, booked_at, source_chat_id,
                    source_message_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    line.fund_id,
                    line.amount_cents,
                    line.payee,
                    line.voucher,
                    self._db.cipher.seal(line.purpose),
                    line.category,
                    line.booked_on.isoformat(),
                    line.corrects_id,
                    int(beyond > 0),
                    by,
                    to_db_time(now),
                    *source,
                ),
            )
            action = "expense.book" if line.corrects_id is None else "expense.correct"
            detail = f"{expense_id} {line.amount_cents}" + (" overrun" if beyond else "")
            await self._audit.record(action, now, by, str(line.fund_id), detail)
            alert = await self._funds.crossed_alerts(line.fund_id, now)
            expense = await self.get(expense_id)
            assert expense is not None
            fund, figures = await self._figures(line, now)
        return Booking(Outcome.BOOKED, expense, fund, figures, alert, beyond)

    async def _figures(self, line: Expense | NewExpense, now: datetime) -> tuple[Fund, FundFigures]:
        """The line's fund as it is now, and where it stands."""
        fund = await self._funds.get(line.fund_id)
        assert fund is not None
        return fund, await self._funds.figures(fund, now.date())

    async def _repeated(self, source: tuple[int, int]) -> Expense | None:
        """The line an update booked already, if it comes again."""
        row = await self._db.fetch_one(
            "SELECT * FROM expenses WHERE source_chat_id = ? AND source_message_id = ?", source
        )
        return None if row is None else expense_from_row(row, self._db.cipher)

    async def get(self, expense_id: int) -> Expense | None:
        row = await self._db.fetch_one("SELECT * FROM expenses WHERE id = ?", (expense_id,))
        return None if row is None else expense_from_row(row, self._db.cipher)

    async def total(self, expense_id: int) -> int:
        """The expense's amount with all its corrections."""
        return await self._db.fetch_value(
            "SELECT coalesce(sum(amount_cents), 0) FROM expenses WHERE id = ? OR corrects_id = ?",
            (expense_id, expense_id),
        )

    async def of_fund(self, fund_id: int) -> list[Expense]:
        """Every line booked against the fund, corrections included, in booking order."""
        rows = await self._db.fetch_all(
            "SELECT * FROM expenses WHERE fund_id = ? ORDER BY booked_on, id", (fund_id,)
        )
        return [expense_from_row(row, self._db.cipher) for row in rows]
