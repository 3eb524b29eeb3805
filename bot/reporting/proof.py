"""The proof of spending (zahlenmäßiger Nachweis) of a fund: every booking as a line of a
workbook, totals by category and by month, and the grant amount, spent, committed and what
is left, as /budget shows them.

The bookings are the fund's invoice lines (for requests without any: what the request
spent, a cancellation fee as a rule), DeepL by month, and the expenses; a correction is a
line of its own. Families appear only by their code; no note or reason is read.

DeepL is kept in millionths of a cent and /budget rounds its sum up to the cent once. A
month's line is the difference of the rounded running sums at its ends, so the lines add
up to exactly what /budget shows.

`proof_workbook` is synchronous and CPU-bound: handlers run it with `asyncio.to_thread`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from babel.support import LazyProxy

from bot.casework.families import family_code
from bot.core.i18n import _, format_money, language_name, lazy_gettext, month_name
from bot.core.parsing import ParseError, parse_full_date
from bot.core.text import yes_no
from bot.core.workbook import Money
from bot.funds.budget import fund_heading
from bot.funds.expenses import Expense, category_label
from bot.funds.funds import Fund, FundFigures
from bot.funds.money import micro_to_cents
from bot.interpreting.requests import Mode, Purpose
from bot.privacy.workbook import Sheet, workbook_bytes

PROOF_EXAMPLE = "/proof maßnahmen 01.01.2026 31.12.2026"
DEEPL = "DeepL SE"


class BookingKind(StrEnum):
    INVOICE = "invoice"
    INVOICE_CORRECTION = "invoice_correction"
    CANCELLATION_FEE = "cancellation_fee"
    MACHINE = "machine"
    EXPENSE = "expense"
    EXPENSE_CORRECTION = "expense_correction"

    @property
    def label(self) -> str:
        return str(_KIND_LABELS[self])


_KIND_LABELS: dict[BookingKind, LazyProxy] = {
    BookingKind.INVOICE: lazy_gettext("invoice"),
    BookingKind.INVOICE_CORRECTION: lazy_gettext("correction of an invoice"),
    BookingKind.CANCELLATION_FEE: lazy_gettext("cancellation fee"),
    BookingKind.MACHINE: lazy_gettext("machine translation"),
    BookingKind.EXPENSE: lazy_gettext("expense"),
    BookingKind.EXPENSE_CORRECTION: lazy_gettext("correction of an expense"),
}
_KIND_ORDER = list(BookingKind)


@dataclass(frozen=True)
class RequestCharge:
    """What a request charged its fund: one of its invoice lines (`invoice_id`), or, for a
    request without any, what it spent (a cancellation fee as a rule)."""

    request_id: int
    family_id: int | None
    mode: Mode
    language: str
    purpose: Purpose
    cancelled: bool
    on: date
    amount_cents: int
    invoice_id: int | None = None
    payee: str = ""
    number: str = ""
    corrects_id: int | None = None


@dataclass(frozen=True)
class ProofData:
    """Everything the proof of one fund reads, read at one moment."""

    fund: Fund
    figures: FundFigures
    charges: list[RequestCharge]
    # DeepL per local day: (day, millionths of a cent, characters), by day.
    machine_days: list[tuple[date, int, int]]
    expenses: list[Expense]


@dataclass(frozen=True)
class ProofLine:
    """One booking as the proof lists it."""

    on: date
    kind: BookingKind
    payee: str
    voucher: str
    purpose: str
    category: str
    amount_cents: int
    family: str | None = None
    request_id: int | None = None
    expense_id: int | None = None
    invoice_id: int | None = None
    corrects_id: int | None = None
    overrun: bool = False

    @property
    def _order(self) -> tuple:
        return (self.on, _KIND_ORDER.index(self.kind), self.request_id or 0,
                self.expense_id or 0, self.invoice_id or 0)  # fmt: skip


def parse_proof(args: Sequence[str]) -> tuple[str, date | None, date | None]:
    """/proof <fund> [from] [to]: the fund as typed, and the days of the bookings listed
    (None: from the first, to the last)."""
    if not 1 <= len(args) <= 3:
        raise ParseError(
            _(
                "Which fund, and which days (optional)? Without days, every booking. "
                "Example: {example}"
            ).format(example=PROOF_EXAMPLE)
        )
    first = parse_full_date(args[1], PROOF_EXAMPLE) if len(args) > 1 else None
    last = parse_full_date(args[2], PROOF_EXAMPLE) if len(args) > 2 else None
    if first and last and first > last:
        raise ParseError(
            _("The period would start after its end. Example: {example}").format(
                example=PROOF_EXAMPLE
            )
        )
    return args[0], first, last


def proof_lines(data: ProofData, first: date | None, last: date | None) -> list[ProofLine]:
    """Every booking of the fund from `first` to `last` (None: open), by day."""
    lines = [
        *(_request_line(charge) for charge in data.charges),
        *(_expense_line(expense) for expense in data.expenses),
    ]
    lines = [line for line in lines if _within(line.on, first, last)]
    lines += _machine_lines(data.machine_days, first, last)
    return sorted(lines, key=lambda line: line._order)


def _within(day: date, first: date | None, last: date | None) -> bool:
    return (first is None or first <= day) and (last is None or day <= last)


def _request_line(charge: RequestCharge) -> ProofLine:
    if charge.invoice_id is None:
        kind = BookingKind.CANCELLATION_FEE if charge.cancelled else BookingKind.INVOICE
    else:
        kind = BookingKind.INVOICE_CORRECTION if charge.corrects_id else BookingKind.INVOICE
    return ProofLine(
        on=charge.on,
        kind=kind,
        payee=charge.payee,
        voucher=charge.number,
        purpose=_("{mode}, {language}, {purpose}").format(
            mode=charge.mode.label,
            language=language_name(charge.language),
            purpose=charge.purpose.label,
        ),
        category=_("cancellation fees") if charge.cancelled else charge.mode.label,
        amount_cents=charge.amount_cents,
        family=None if charge.family_id is None else family_code(charge.family_id),
        request_id=charge.request_id,
        invoice_id=charge.invoice_id,
        corrects_id=charge.corrects_id,
    )


def _expense_line(expense: Expense) -> ProofLine:
    correction = expense.corrects_id is not None
    return ProofLine(
        on=expense.booked_on,
        kind=BookingKind.EXPENSE_CORRECTION if correction else BookingKind.EXPENSE,
        payee=expense.payee,
        voucher=expense.voucher,
        purpose=expense.purpose,
        category=category_label(expense.category),
        amount_cents=expense.amount_cents,
        expense_id=expense.id,
        corrects_id=expense.corrects_id,
        overrun=expense.overrun,
    )


def _machine_lines(
    days: list[tuple[date, int, int]], first: date | None, last: date | None
) -> list[ProofLine]:
    """A line per month of DeepL within the days asked for: the month's part of the
    running sum, each end rounded up to the cent as /budget rounds the whole sum."""
    months: dict[tuple[int, int], list[int]] = {}
    ends: dict[tuple[int, int], date] = {}
    running = 0
    for day, micro, characters in days:
        before, running = running, running + micro
        if not _within(day, first, last):
            continue
        month = (day.year, day.month)
        start, _end, count = months.get(month, (before, running, 0))
        months[month] = [start, running, count + characters]
        ends[month] = day
    return [
        ProofLine(
            on=ends[month],
            kind=BookingKind.MACHINE,
            payee=DEEPL,
            voucher="",
            purpose=_("DeepL, {month} {year}: {count} characters").format(
                month=month_name(month[1]), year=month[0], count=count
            ),
            category=_("machine translation (DeepL)"),
            amount_cents=micro_to_cents(end) - micro_to_cents(start),
        )
        for month, (start, end, count) in months.items()
    ]


def totals_by_category(lines: list[ProofLine]) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.category] = totals.get(line.category, 0) + line.amount_cents
    return sorted(totals.items())


def totals_by_month(lines: list[ProofLine]) -> list[tuple[tuple[int, int], int]]:
    totals: dict[tuple[int, int], int] = {}
    for line in lines:
        month = (line.on.year, line.on.month)
        totals[month] = totals.get(month, 0) + line.amount_cents
    return sorted(totals.items())


def proof_caption(data: ProofData, lines: list[ProofLine]) -> str:
    """What the message with the workbook says: the fund, its figures and the bookings."""
    figures = data.figures
    return "\n".join(
        [
            _("Proof of spending: {heading}").format(heading=fund_heading(data.fund)),
            _("{count} bookings listed, together {sum}.").format(
                count=len(lines), sum=format_money(sum(line.amount_cents for line in lines))
            ),
            _(
                "Grant {amount}: {spent} spent, {committed} committed, {available} available."
            ).format(
                amount=format_money(figures.amount_cents),
                spent=format_money(figures.spent_cents),
                committed=format_money(figures.committed_cents),
                available=format_money(figures.available_cents),
            ),
            _("Families appear only by their code; no notes or reasons."),
        ]
    )


def proof_workbook(
    data: ProofData,
    lines: list[ProofLine],
    first: date | None,
    last: date | None,
    as_of: datetime,
) -> bytes:
    """Summary, bookings, totals by category and by month: one sheet each."""
    fund, figures = data.fund, data.figures
    listed = sum(line.amount_cents for line in lines)
    everything = _("all")
    summary = [
        (_("Fund"), f"#{fund.id} {fund.name}"),
        (_("Purpose"), fund.purpose.label),
        (_("Fund starts"), fund.starts_on),
        (_("Fund ends"), fund.ends_on),
        (_("Bookings from"), first or everything),
        (_("Bookings to"), last or everything),
        (_("Grant amount"), Money(figures.amount_cents)),
        (_("Spent"), Money(figures.spent_cents)),
        (_("Committed"), Money(figures.committed_cents)),
        (_("Available"), Money(figures.available_cents)),
        (_("Bookings listed"), len(lines)),
        (_("Sum of the bookings listed"), Money(listed)),
        (_("As of"), as_of),
        (_("Note"), _("Families appear only by their code; no notes or reasons.")),
    ]
    bookings = [
        [line.on, line.kind.label, line.payee, line.voucher, line.purpose, line.family,
         line.request_id, line.expense_id, line.invoice_id, line.corrects_id, line.category,
         yes_no(line.overrun) if line.overrun else None, Money(line.amount_cents)]
        for line in lines
    ]  # fmt: skip
    by_category = [[name, Money(cents)] for name, cents in totals_by_category(lines)]
    by_month = [
        [_("{month} {year}").format(month=month_name(month), year=year), Money(cents)]
        for (year, month), cents in totals_by_month(lines)
    ]
    total = [_("Total"), Money(listed)]
    headers = [
        _("Date"), _("Kind"), _("Payee"), _("Voucher or invoice number"), _("Purpose"),
        _("Family"), _("Request"), _("Expense"), _("Invoice line"), _("Corrects line"),
        _("Category"), _("Overrun"), _("Amount"),
    ]  # fmt: skip
    widths = [12, 22, 24, 20, 40, 10, 10, 10, 10, 12, 24, 10, 14]
    return workbook_bytes(
        _("Proof of spending: {fund}").format(fund=fund.name),
        [
            Sheet(_("Summary"), [_("Item"), _("Value")], [32, 40], summary),
            Sheet(_("Bookings"), headers, widths, bookings),
            Sheet(_("By category"), [_("Category"), _("Amount")], [32, 14], [*by_category, total]),
            Sheet(_("By month"), [_("Month"), _("Amount")], [20, 14], [*by_month, total]),
        ],
    )
