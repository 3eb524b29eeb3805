"""Interpreters' invoices as lines of their request; what the request spent is their sum."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.funds.funds import FundAlert, FundFigures
from bot.interpreting.invoices import (
    CorrectionDraft,
    Doubt,
    Doubtful,
    InvoiceDraft,
    InvoiceLine,
    NothingToCorrect,
    NotInvoiced,
    check_invoice_date,
    invoice_doubts,
    invoiced_status,
)
from bot.interpreting.requests import InterpreterRequest, Status
from bot.storage.audit import AuditLog
from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.encryption import TextCipher
from bot.storage.funds import FundStore
from bot.storage.requests import request_from_row


def _line(row: sqlite3.Row, cipher: TextCipher) -> InvoiceLine:
    recorded_at = from_db_time(row["recorded_at"])
    assert recorded_at is not None
    return InvoiceLine(
        id=row["id"],
        request_id=row["request_id"],
        payee=row["payee"],
        number=row["number"],
        invoiced_on=date.fromisoformat(row["invoiced_on"]),
        amount_cents=row["amount_cents"],
        corrects_id=row["corrects_id"],
        reason=cipher.open(row["reason"]),
        confirmed=bool(row["confirmed"]),
        recorded_by=row["recorded_by"],
        recorded_at=recorded_at,
    )


def _fee(request: InterpreterRequest, row: sqlite3.Row) -> int | None:
    """The cancellation fee estimated when a cancelled request was cancelled: what its
    invoice is checked against (kept once an invoice replaces it as spent); None for a
    request that was not cancelled, checked against its estimate."""
    if request.status is not Status.CANCELLED:
        return None
    kept = row["cancellation_fee_cents"]
    return request.spent_cents if kept is None else kept


@dataclass(frozen=True)
class Invoiced:
    """A request after an invoice or correction: the line stored, the doubts its author
    confirmed (empty when the amount was plausible), and the fund alert it set off."""

    request: InterpreterRequest
    line: InvoiceLine
    doubts: tuple[Doubt, ...]
    alert: FundAlert | None


class InvoiceStore:
    def __init__(self, db: Database, audit: AuditLog, funds: FundStore) -> None:
        self._db = db
        self._audit = audit
        self._funds = funds

    async def record(
        self, draft: InvoiceDraft, by: int, now: datetime, tz: ZoneInfo, *, confirmed: bool = False
    ) -> Invoiced:
        """Record a request's invoice: it completes an approved request, and replaces the
        fee estimated for a cancelled one (which stays cancelled).

        Checked inside the write transaction, against the request and the fund as they are
        now: raises AlreadyInvoiced, TransitionRefused, DateRefused, or Doubtful for an
        implausible amount not `confirmed`.
        """
        async with self._db.transaction():
            request, row = await self._request(draft.request_id)
            lines = await self.lines(request.id)
            status = invoiced_status(request, invoiced=bool(lines))
            cancelled = request.status is Status.CANCELLED
            check_invoice_date(
                request, draft.invoiced_on, self._cancelled_on(row, tz) if cancelled else None,
                tz, now.astimezone(tz).date(),
            )  # fmt: skip
            # A cancelled request holds the fee estimated at the cancellation (spent); an
            # approved one its estimate (committed).
            fee = _fee(request, row)
            doubts = await self._doubts(
                request, draft.amount_cents, request.committed_cents + request.spent_cents, fee,
                now, confirmed,
            )  # fmt: skip
            line_id = await self._db.execute(
                """
                INSERT INTO invoices (request_id, payee, number, invoiced_on, amount_cents,
                    confirmed, recorded_by, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (request.id, draft.payee, draft.number, draft.invoiced_on.isoformat(),
                 draft.amount_cents, int(bool(doubts)), by, to_db_time(now)),
            )  # fmt: skip
            await self._db.execute(
                """
                UPDATE interpreter_requests
                SET status = ?, committed_cents = 0, cancellation_fee_cents = ?
                WHERE id = ?
                """,
                (status.value, fee, request.id),
            )
            action = "invoice.cancellation" if cancelled else "request.completed"
            return await self._booked(action, request.id, line_id, doubts, by, now)

    async def correct(
        self, draft: CorrectionDraft, by: int, now: datetime, tz: ZoneInfo, *,
        confirmed: bool = False,
    ) -> Invoiced:  # fmt: skip
        """Correct a request's invoice to a new total with a line holding the difference;
        the invoice and earlier corrections stay as they were.

        Raises NotInvoiced, NothingToCorrect, or Doubtful for an implausible increase not
        `confirmed`.
        """
        async with self._db.transaction():
            request, row = await self._request(draft.request_id)
            lines = await self.lines(request.id)
            if not lines:
                raise NotInvoiced(request)
            difference = draft.total_cents - request.spent_cents
            if difference == 0:
                raise NothingToCorrect(request)
            doubts = await self._doubts(
                request, draft.total_cents, request.spent_cents, _fee(request, row), now,
                confirmed,
            )  # fmt: skip
            invoice = lines[0]
            line_id = await self._db.execute(
                """
                INSERT INTO invoices (request_id, payee, number, invoiced_on, amount_cents,
                    corrects_id, reason, confirmed, recorded_by, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (request.id, invoice.payee, invoice.number,
                 now.astimezone(tz).date().isoformat(), difference,
                 invoice.id, self._db.cipher.seal(draft.reason), int(bool(doubts)), by,
                 to_db_time(now)),
            )  # fmt: skip
            return await self._booked("invoice.correct", request.id, line_id, doubts, by, now)

    async def lines(self, request_id: int) -> list[InvoiceLine]:
        """A request's invoice, then its corrections, in the order they were recorded."""
        rows = await self._db.fetch_all(
            "SELECT * FROM invoices WHERE request_id = ? ORDER BY id", (request_id,)
        )
        return [_line(row, self._db.cipher) for row in rows]

    async def of_fund(self, fund_id: int, first: date, last: date) -> list[InvoiceLine]:
        """The lines of a fund's requests dated `first` … `last` (corrections: the day they
        were recorded), by date: what a proof of spending lists."""
        rows = await self._db.fetch_all(
            """
            SELECT i.* FROM invoices AS i JOIN interpreter_requests AS r ON r.id = i.request_id
            WHERE r.fund_id = ? AND i.invoiced_on BETWEEN ? AND ?
            ORDER BY i.invoiced_on, i.id
            """,
            (fund_id, first.isoformat(), last.isoformat()),
        )
        return [_line(row, self._db.cipher) for row in rows]

    async def _request(self, request_id: int) -> tuple[InterpreterRequest, sqlite3.Row]:
        row = await self._db.fetch_one(
            "SELECT * FROM interpreter_requests WHERE id = ?", (request_id,)
        )
        assert row is not None
        return request_from_row(row, self._db.cipher), row

    @staticmethod
    def _cancelled_on(row: sqlite3.Row, tz: ZoneInfo) -> date:
        # Before migration 9 a cancellation was only a decision.
        moment = from_db_time(row["cancelled_at"] or row["decided_at"] or row["created_at"])
        assert moment is not None
        return moment.astimezone(tz).date()

    async def _doubts(
        self, request: InterpreterRequest, total_cents: int, held_cents: int,
        fee_cents: int | None, now: datetime, confirmed: bool,
    ) -> tuple[Doubt, ...]:  # fmt: skip
        """The doubts about a new total, from the fund as it is now (inside the caller's
        write transaction); raises Doubtful when there are some and they were not confirmed."""
        figures = await self._figures(request.fund_id, now)
        doubts = invoice_doubts(
            total_cents, total_cents - held_cents, request.estimate_cents, fee_cents, figures
        )
        if doubts and not confirmed:
            raise Doubtful(doubts)
        return doubts

    async def _figures(self, fund_id: int, now: datetime) -> FundFigures:
        fund = await self._funds.get(fund_id)
        assert fund is not None
        return await self._funds.figures(fund, now.date())

    async def _booked(
        self, action: str, request_id: int, line_id: int, doubts: tuple[Doubt, ...], by: int,
        now: datetime,
    ) -> Invoiced:  # fmt: skip
        """Make the request's spent amount the sum of its lines, audit, and alert."""
        await self._db.execute(
            """
            UPDATE interpreter_requests
            SET spent_cents = (SELECT sum(amount_cents) FROM invoices WHERE request_id = :id)
            WHERE id = :id
            """,
            {"id": request_id},
        )
        await self._audit.record(action, now, by, str(request_id), "confirmed" if doubts else None)
        request, _row = await self._request(request_id)
        row = await self._db.fetch_one("SELECT * FROM invoices WHERE id = ?", (line_id,))
        assert row is not None
        alert = await self._funds.crossed_alerts(request.fund_id, now)
        return Invoiced(request, _line(row, self._db.cipher), doubts, alert)
