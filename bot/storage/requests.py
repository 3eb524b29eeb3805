"""Interpreter and translation requests, and what each commits to or spends from its fund."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.funds.funds import Fund, FundAlert
from bot.interpreting.requests import (
    OPEN,
    InterpreterRequest,
    Mode,
    Purpose,
    RequestDraft,
    Status,
    Step,
    next_status,
    submitted_status,
)
from bot.storage.audit import AuditLog
from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.encryption import TextCipher
from bot.storage.funds import FundStore


def request_from_row(row: sqlite3.Row, cipher: TextCipher) -> InterpreterRequest:
    return InterpreterRequest(
        id=row["id"],
        fund_id=row["fund_id"],
        family_id=row["family_id"],
        requested_by=row["requested_by"],
        language=row["language"],
        mode=Mode(row["mode"]),
        starts_at=from_db_time(row["starts_at"]),
        minutes=row["minutes"],
        pages=row["pages"],
        town=row["town"],
        purpose=Purpose(row["purpose"]),
        professional=bool(row["professional"]),
        urgent=bool(row["urgent"]),
        status=Status(row["status"]),
        estimate_cents=row["estimate_cents"],
        committed_cents=row["committed_cents"],
        spent_cents=row["spent_cents"],
        overrun=bool(row["overrun"]),
        reason=cipher.open(row["reason"]),
        created_at=from_db_time(row["created_at"]),
        travel_minutes=row["travel_minutes"],
        professional_reason=cipher.open(row["professional_reason"]),
        cancelled_by=row["cancelled_by"],
        cancelled_at=from_db_time(row["cancelled_at"]),
    )


@dataclass(frozen=True)
class Submission:
    """A confirmed request as stored; `created` is False for a repeated confirmation."""

    request: InterpreterRequest
    created: bool
    alert: FundAlert | None = None


@dataclass(frozen=True)
class Change:
    """A request after a step of its lifecycle, and the fund alert the step set off."""

    request: InterpreterRequest
    alert: FundAlert | None


class RequestStore:
    def __init__(self, db: Database, audit: AuditLog, funds: FundStore) -> None:
        self._db = db
        self._audit = audit
        self._funds = funds

    async def submit(
        self,
        draft: RequestDraft,
        starts_at: datetime,
        requested_by: int,
        fund: Fund,
        estimate_cents: int,
        professional: bool,
        urgent: bool,
        now: datetime,
        source: tuple[int, int],
    ) -> Submission:
        """Store a confirmed request and commit its estimate if the fund can cover it.

        Check and commitment happen in one write transaction, so requests confirmed at the
        same moment can never together exceed the fund. A request the fund cannot cover is
        stored as over budget with nothing committed, for a coordinator to decide on.
        A repeated confirmation stores nothing and returns the request stored first.
        """
        async with self._db.transaction():
            existing = await self._db.fetch_one(
                """
                SELECT * FROM interpreter_requests
                WHERE source_chat_id = ? AND source_message_id = ?
                """,
                source,
            )
            if existing is not None:
                return Submission(request_from_row(existing, self._db.cipher), created=False)
            # The fund as it is now, inside the write transaction: an amount changed a
            # moment ago counts.
            current = await self._funds.get(fund.id)
            assert current is not None
            figures = await self._funds.figures(current, now.date())
            covered = figures.covers(estimate_cents)
            request_id = await self._db.execute(
                """
                INSERT INTO interpreter_requests (fund_id, family_id, requested_by, language, mode,
                    starts_at, minutes, pages, town, purpose, professional, urgent, status,
                    estimate_cents, committed_cents, created_at, source_chat_id,
                    source_message_id, travel_minutes, professional_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    fund.id,
                    draft.family_id,
                    requested_by,
                    draft.language,
                    draft.mode.value,
                    to_db_time(starts_at),
                    draft.minutes,
                    draft.pages,
                    draft.town,
                    draft.purpose.value,
                    int(professional),
                    int(urgent),
                    submitted_status(covered).value,
                    estimate_cents,
                    estimate_cents if covered else 0,
                    to_db_time(now),
                    *source,
                    draft.travel_minutes,
                    self._db.cipher.seal(draft.professional_reason),
                ),
            )
            await self._audit.record(
                "request.submit", now, requested_by, str(request_id),
                "committed" if covered else "over_budget",
            )  # fmt: skip
            alert = await self._funds.crossed_alerts(fund.id, now)
        return Submission(await self._current(request_id), created=True, alert=alert)

    async def get(self, request_id: int) -> InterpreterRequest | None:
        row = await self._db.fetch_one(
            "SELECT * FROM interpreter_requests WHERE id = ?", (request_id,)
        )
        return None if row is None else request_from_row(row, self._db.cipher)

    async def approve(
        self, request_id: int, by: int, now: datetime, overrun: bool = False
    ) -> Change:
        """Approve a request; one over budget only explicitly as an overrun, committing it."""
        async with self._db.transaction():
            request = await self._current(request_id)
            status = next_status(request, Step.APPROVE_OVERRUN if overrun else Step.APPROVE)
            await self._db.execute(
                """
                UPDATE interpreter_requests
                SET status = ?, committed_cents = estimate_cents, overrun = ?,
                    decided_by = ?, decided_at = ?
                WHERE id = ?
                """,
                (
                    status.value,
                    int(request.status is Status.OVER_BUDGET),
                    by,
                    to_db_time(now),
                    request_id,
                ),
            )
            await self._audit.record(
                "request.approve", now, by, str(request_id), "overrun" if overrun else None
            )
            return await self._changed(request_id, now)

    async def reject(self, request_id: int, reason: str, by: int, now: datetime) -> Change:
        return await self._close(request_id, Step.REJECT, 0, reason, by, now)

    async def cancel(self, request_id: int, fee_cents: int, by: int, now: datetime) -> Change:
        """Release the commitment; a late cancellation's fee is spent instead, never more
        than the request had reserved, so cancelling never takes more from the fund.

        Who cancelled is kept apart from who decided (approved or rejected) the request.
        """
        async with self._db.transaction():
            request = await self._current(request_id)
            status = next_status(request, Step.CANCEL)
            fee = min(fee_cents, request.committed_cents)
            await self._db.execute(
                """
                UPDATE interpreter_requests
                SET status = ?, committed_cents = 0, spent_cents = ?, cancelled_by = ?,
                    cancelled_at = ?
                WHERE id = ?
                """,
                (status.value, fee, by, to_db_time(now), request_id),
            )
            await self._audit.record(
                "request.cancelled", now, by, str(request_id), f"fee_cents={fee}" if fee else None
            )
            return await self._changed(request_id, now)

    async def _close(
        self, request_id: int, step: Step, spent_cents: int, reason: str | None, by: int,
        now: datetime,
    ) -> Change:  # fmt: skip
        async with self._db.transaction():
            status = next_status(await self._current(request_id), step)
            await self._db.execute(
                """
                UPDATE interpreter_requests
                SET status = ?, committed_cents = 0, spent_cents = ?, reason = ?,
                    decided_by = ?, decided_at = ?
                WHERE id = ?
                """,
                (
                    status.value,
                    spent_cents,
                    self._db.cipher.seal(reason),
                    by,
                    to_db_time(now),
                    request_id,
                ),
            )
            await self._audit.record(f"request.{status.value}", now, by, str(request_id))
            return await self._changed(request_id, now)

    async def _changed(self, request_id: int, now: datetime) -> Change:
        request = await self._current(request_id)
        return Change(request, await self._funds.crossed_alerts(request.fund_id, now))

    async def _current(self, request_id: int) -> InterpreterRequest:
        request = await self.get(request_id)
        assert request is not None
        return request

    async def listed(
        self,
        requested_by: Collection[int] | None = None,
        statuses: tuple[Status, ...] = OPEN,
        language: str | None = None,
        limit: int = 30,
        *,
        urgent_only: bool = False,
        offset: int = 0,
    ) -> tuple[list[InterpreterRequest], int]:
        """Requests by start time, soonest first, optionally those of some people, one
        language's or only urgent ones: `limit` of them from `offset` on, and how many match."""
        where = [f"status IN ({', '.join('?' for _ in statuses)})"]
        params: list[object] = [status.value for status in statuses]
        if requested_by is not None:
            where.append(f"requested_by IN ({', '.join('?' for _ in requested_by) or 'NULL'})")
            params += requested_by
        if language is not None:
            where.append("language = ?")
            params.append(language)
        if urgent_only:
            where.append("urgent = 1")
        rows = await self._db.fetch_all(
            f"""
            SELECT *, count(*) OVER () AS matching FROM interpreter_requests
            WHERE {" AND ".join(where)}
            ORDER BY starts_at, id LIMIT ? OFFSET ?
            """,
            [*params, limit, offset],
        )
        total = rows[0]["matching"] if rows else 0
        if not rows and offset:
            total = await self._db.fetch_value(
                f"SELECT count(*) FROM interpreter_requests WHERE {' AND '.join(where)}", params
            )
        return [request_from_row(row, self._db.cipher) for row in rows], total

    async def starting_between(self, start: datetime, end: datetime) -> list[InterpreterRequest]:
        """Approved requests starting in [start, end) whose requester was not reminded yet."""
        rows = await self._db.fetch_all(
            """
            SELECT * FROM interpreter_requests
            WHERE status = 'approved' AND reminded_at IS NULL
              AND starts_at >= ? AND starts_at < ?
            ORDER BY starts_at
            """,
            (to_db_time(start), to_db_time(end)),
        )
        return [request_from_row(row, self._db.cipher) for row in rows]

    async def mark_reminded(self, request_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE interpreter_requests SET reminded_at = ? WHERE id = ?",
            (to_db_time(now), request_id),
        )
