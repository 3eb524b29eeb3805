"""Interpreters' invoices: recorded as lines, corrected by further lines, never overwritten.

A request has at most one invoice: the first line. An approved request is completed by it;
a cancelled one stays cancelled, its invoice (for a late cancellation) replacing the fee
estimated at the cancellation. A correction line holds the difference to the corrected
total. What the request spent is always the sum of its lines.

An amount that is implausible (more than 50 % above the estimate, above the cancellation
fee estimated, or beyond what the fund has available) is recorded only once its author has
confirmed it explicitly, and then flagged to the coordinators.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.i18n import _, format_date, format_money
from bot.core.parsing import ParseError, check_note, parse_full_date, quoted
from bot.funds.funds import FundFigures
from bot.funds.money import AmountError, parse_amount
from bot.interpreting.requests import (
    InterpreterRequest,
    Mode,
    Status,
    Step,
    next_status,
    status_label,
)
from bot.privacy.personal_data import PersonalData, find_personal_data

INVOICE_EXAMPLE = "/invoice 12 240,50 Dolmetschbüro Ahlen RE-2026-117 28.11.2026"
CORRECTION_EXAMPLE = "/invoice 12 fix 230,00 Fahrtzeit doppelt berechnet"
# The word after the request's number that makes a correction.
CORRECTION_WORDS = frozenset({"fix", "korrektur", "korrigieren", "correct", "correction"})
MAX_PAYEE = 100
MAX_NUMBER = 40
# More than 50 % above the estimate is implausible: compared as total * 2 > estimate * 3.
PLAUSIBLE_PERCENT = 150


@dataclass(frozen=True)
class InvoiceDraft:
    """An interpreter's or agency's invoice for a request, as typed, before it is stored."""

    request_id: int
    amount_cents: int
    payee: str
    number: str
    invoiced_on: date


@dataclass(frozen=True)
class CorrectionDraft:
    """A request's invoice corrected to `total_cents`, for `reason`."""

    request_id: int
    total_cents: int
    reason: str


@dataclass(frozen=True)
class InvoiceLine:
    """A stored line: an invoice (`corrects_id` None) or a correction holding a difference."""

    id: int
    request_id: int
    payee: str
    number: str
    invoiced_on: date
    amount_cents: int
    corrects_id: int | None
    reason: str | None
    confirmed: bool
    recorded_by: int | None
    recorded_at: datetime


@dataclass(frozen=True)
class HeldInvoice:
    """An implausible invoice or correction, kept in memory only (never stored) until its
    author presses Confirm or Cancel under the warning that `token` names."""

    token: int
    entry: InvoiceDraft | CorrectionDraft


class DoubtKind(StrEnum):
    ABOVE_ESTIMATE = "above_estimate"
    ABOVE_FEE = "above_fee"
    OVERRUN = "overrun"


@dataclass(frozen=True)
class Doubt:
    """Why an amount needs an explicit confirmation: `limit_cents` is the estimate, the fee
    or what the fund has available for the request; `overrun_cents` how far the fund would
    be overrun."""

    kind: DoubtKind
    total_cents: int
    limit_cents: int
    overrun_cents: int = 0

    @property
    def text(self) -> str:
        if self.kind is DoubtKind.ABOVE_ESTIMATE:
            return _("{amount} is more than 50 % above the estimate of {estimate}.").format(
                amount=format_money(self.total_cents), estimate=format_money(self.limit_cents)
            )
        if self.kind is DoubtKind.ABOVE_FEE:
            return _(
                "{amount} is more than the cancellation fee of {fee} estimated when the "
                "request was cancelled."
            ).format(amount=format_money(self.total_cents), fee=format_money(self.limit_cents))
        return _(
            "The fund has {available} available for this request: it would be overrun by {overrun}."
        ).format(available=format_money(self.limit_cents), overrun=format_money(self.overrun_cents))


# Why an invoice or a correction cannot be recorded ---------------------------------------


class InvoiceRefused(Exception):
    """An invoice or correction that cannot be recorded; `message` says why and what to do."""

    @property
    def message(self) -> str:  # pragma: no cover - every subclass says it
        raise NotImplementedError


class RequestRefused(InvoiceRefused):
    """Refused for the state of `request`, as it is now."""

    def __init__(self, request: InterpreterRequest) -> None:
        super().__init__(request.id)
        self.request = request


class AlreadyInvoiced(RequestRefused):
    @property
    def message(self) -> str:
        return _(
            "Request #{id} already has an invoice ({amount}); a second one is not recorded. "
            "To correct it, give the correct total and a reason: /invoice {id} fix 230,00 "
            "travel time billed twice. /invoice {id} shows its lines."
        ).format(id=self.request.id, amount=format_money(self.request.spent_cents))


class NotInvoiced(RequestRefused):
    @property
    def message(self) -> str:
        return _(
            "Request #{id} has no invoice to correct. Record it first: /invoice {id} 240,50 "
            "Dolmetschbüro Ahlen RE-2026-117 28.11.2026"
        ).format(id=self.request.id)


class NothingToCorrect(RequestRefused):
    @property
    def message(self) -> str:
        return _("Request #{id} is invoiced at {amount} already: nothing to correct.").format(
            id=self.request.id, amount=format_money(self.request.spent_cents)
        )


class DateRefused(InvoiceRefused):
    """An invoice dated in the future, or before the work (or the cancellation) it bills."""

    def __init__(
        self, invoiced_on: date, earliest: date, today: date, cancelled: bool, written: bool
    ) -> None:
        super().__init__(invoiced_on.isoformat())
        self.invoiced_on = invoiced_on
        self.earliest = earliest
        self.today = today
        self.cancelled = cancelled
        self.written = written

    @property
    def message(self) -> str:
        values = {
            "date": format_date(self.invoiced_on),
            "earliest": format_date(self.earliest),
            "today": format_date(self.today),
        }
        if self.invoiced_on > self.today:
            text = _(
                "The invoice date {date} is in the future. An invoice is dated today "
                "({today}) or earlier: please check the date."
            )
        elif self.cancelled:
            text = _(
                "The invoice is dated {date}, before the request was cancelled on {earliest}. "
                "Please check the date."
            )
        elif self.written:
            text = _(
                "The invoice is dated {date}, before the translation was requested on "
                "{earliest}. Please check the date."
            )
        else:
            text = _(
                "The invoice is dated {date}, before the appointment on {earliest}: an "
                "interpreter invoices after the work. Please check the date."
            )
        return text.format(**values)


class Doubtful(InvoiceRefused):
    """An implausible amount: recorded only once it is confirmed."""

    def __init__(self, doubts: tuple[Doubt, ...]) -> None:
        super().__init__(*(doubt.kind for doubt in doubts))
        self.doubts = doubts

    @property
    def message(self) -> str:
        return "\n".join(f"• {doubt.text}" for doubt in self.doubts)


# Parsing ---------------------------------------------------------------------------------


def usage_text() -> str:
    return _(
        "Which request, how much, who invoiced it, their invoice number and its date? "
        "Example: {example}\nTo correct it: {correction}\nTo see a request's invoice: "
        "/invoice 12"
    ).format(example=INVOICE_EXAMPLE, correction=CORRECTION_EXAMPLE)


def is_correction(word: str) -> bool:
    return word.casefold() in CORRECTION_WORDS


def parse_invoice(request_id: int, tokens: list[str], today: date) -> InvoiceDraft:
    """`<amount> <payee …> <number> <date>`: the amount first, number and date last, so the
    payee may have spaces."""
    if len(tokens) < 4:
        raise ParseError(usage_text())
    amount = _amount(tokens[0])
    if amount <= 0:
        raise ParseError(
            _("An invoice is for more than {zero}. Example: {example}").format(
                zero=format_money(0), example=INVOICE_EXAMPLE
            )
        )
    payee, number, day = " ".join(tokens[1:-2]), tokens[-2], tokens[-1]
    return InvoiceDraft(request_id, amount, _payee(payee, today), _number(number), _date(day))


def parse_correction(request_id: int, arguments: str) -> CorrectionDraft:
    """`<correct total> <reason …>`, what follows the word `fix`."""
    tokens = arguments.split(maxsplit=1)
    if len(tokens) < 2:
        raise ParseError(
            _(
                "What is the correct total, and why? Example: {example}. The correction is "
                "kept as a line of its own; the invoice stays as it was received."
            ).format(example=CORRECTION_EXAMPLE)
        )
    return CorrectionDraft(request_id, _amount(tokens[0]), check_note(tokens[1]))


def _amount(text: str) -> int:
    try:
        return parse_amount(text)
    except AmountError as error:
        raise ParseError(
            _("{problem} The amount comes first. Example: {example}").format(
                problem=error.message, example=INVOICE_EXAMPLE
            )
        ) from None


# Personal data that a payee (an interpreter or an agency) can have no need of: a name is
# what a payee is, but a family code, a date of birth or an address are a family's data.
_NOT_A_PAYEE = frozenset(PersonalData) - {PersonalData.NAME}


def _payee(payee: str, today: date) -> str:
    if len(payee) > MAX_PAYEE:
        raise ParseError(
            _("The payee is {length} characters long; at most {limit} fit.").format(
                length=len(payee), limit=MAX_PAYEE
            )
        )
    found = [kind for kind in find_personal_data(payee, today) if kind in _NOT_A_PAYEE]
    if found:
        raise ParseError(
            _(
                "The payee is the interpreter or the agency, by name only; “{text}” seems to "
                "contain {kind}. Nothing was saved. Example: {example}"
            ).format(text=quoted(payee, 40), kind=found[0].label, example=INVOICE_EXAMPLE)
        )
    return payee


def _number(number: str) -> str:
    if len(number) > MAX_NUMBER or not any(character.isdigit() for character in number):
        raise ParseError(
            _(
                "“{text}” does not look like an invoice number: it comes just before the "
                "date and has digits. Example: {example}"
            ).format(text=quoted(number, 40), example=INVOICE_EXAMPLE)
        )
    return number


def _date(text: str) -> date:
    try:
        return parse_full_date(text, example="28.11.2026")
    except ParseError:
        raise ParseError(
            _(
                "“{text}” is not the invoice date: it comes last, with its year. Example: {example}"
            ).format(text=quoted(text, 40), example=INVOICE_EXAMPLE)
        ) from None


# Rules -----------------------------------------------------------------------------------


def invoiced_status(request: InterpreterRequest, invoiced: bool) -> Status:
    """The state a request is in after its invoice: an approved one is completed, a
    cancelled one stays cancelled. One invoice per request: a second is refused, pointing
    to the correction (AlreadyInvoiced); a request never booked raises TransitionRefused."""
    if invoiced or request.status is Status.COMPLETED:
        raise AlreadyInvoiced(request)
    step = Step.INVOICE_CANCELLATION if request.status is Status.CANCELLED else Step.INVOICE
    return next_status(request, step)


def check_invoice_date(
    request: InterpreterRequest, invoiced_on: date, cancelled_on: date | None, tz: ZoneInfo,
    today: date,
) -> None:  # fmt: skip
    """An invoice is dated today or earlier, and not before what it bills: the appointment
    (the day a written translation was requested), or for a cancellation invoice the day
    of the cancellation (a late cancellation is invoiced before the appointment)."""
    written = request.mode is Mode.WRITTEN
    if cancelled_on is not None:
        earliest = min(cancelled_on, request.starts_at.astimezone(tz).date())
    elif written:
        earliest = request.created_at.astimezone(tz).date()
    else:
        earliest = request.starts_at.astimezone(tz).date()
    if not earliest <= invoiced_on <= today:
        raise DateRefused(invoiced_on, earliest, today, cancelled_on is not None, written)


def invoice_doubts(
    total_cents: int, increase_cents: int, estimate_cents: int, fee_cents: int | None,
    figures: FundFigures,
) -> tuple[Doubt, ...]:  # fmt: skip
    """What makes a new total for a request implausible: more than 50 % above the estimate
    (a cancellation invoice: above the fee estimated at the cancellation, `fee_cents`), or
    an increase over what the request held beyond what the fund has available.

    Only an amount that raises what the request uses can be doubtful: a correction down
    is always welcome.
    """
    if increase_cents <= 0:
        return ()
    doubts = []
    if fee_cents is None and total_cents * 100 > estimate_cents * PLAUSIBLE_PERCENT:
        doubts.append(Doubt(DoubtKind.ABOVE_ESTIMATE, total_cents, estimate_cents))
    if fee_cents is not None and total_cents > fee_cents:
        doubts.append(Doubt(DoubtKind.ABOVE_FEE, total_cents, fee_cents))
    if not figures.covers(increase_cents):
        available = max(figures.available_cents, 0) + total_cents - increase_cents
        overrun = increase_cents - max(figures.available_cents, 0)
        doubts.append(Doubt(DoubtKind.OVERRUN, total_cents, available, overrun))
    return tuple(doubts)


# Texts -----------------------------------------------------------------------------------


def fund_left_text(figures: FundFigures) -> str:
    """What the fund has left, or by how much it is overrun: never a bare negative."""
    if figures.available_cents >= 0:
        return _("The fund has {available} available.").format(
            available=format_money(figures.available_cents)
        )
    return _("⚠ The fund is overrun by {overrun}.").format(
        overrun=format_money(-figures.available_cents)
    )


def invoice_lines_text(request: InterpreterRequest, lines: list[InvoiceLine], tz: ZoneInfo) -> str:
    """A request's invoice and its corrections, oldest first, and what it spent."""
    header = _("<b>Invoice of request #{id}</b> ({status}, estimated {estimate})").format(
        id=request.id,
        status=status_label(request.status),
        estimate=format_money(request.estimate_cents),
    )
    if not lines:
        return "\n".join(
            [
                header,
                _("No invoice recorded yet. Example: {example}").format(
                    example=INVOICE_EXAMPLE.replace("12", str(request.id), 1)
                ),
            ]
        )
    rows = [header]
    for line in lines:
        recorded = format_date(line.recorded_at.astimezone(tz).date())
        if line.corrects_id is None:
            rows.append(
                _("{date} · {payee} · No. {number} · {amount} (recorded {recorded})").format(
                    date=format_date(line.invoiced_on),
                    payee=html.escape(line.payee) or "–",
                    number=html.escape(line.number) or "–",
                    amount=format_money(line.amount_cents),
                    recorded=recorded,
                )
            )
        else:
            rows.append(
                _("{date} · correction {difference}: {reason}").format(
                    date=recorded,
                    difference=_signed(line.amount_cents),
                    reason=html.escape(line.reason or ""),
                )
            )
        if line.confirmed:
            rows[-1] += " ⚠"
    rows.append(
        _("Total: {amount}").format(amount=format_money(sum(line.amount_cents for line in lines)))
    )
    if any(line.confirmed for line in lines):
        rows.append(_("⚠ confirmed despite a warning"))
    return "\n".join(rows)


def _signed(cents: int) -> str:
    return ("+" if cents > 0 else "−") + format_money(abs(cents))
