"""Expenses booked against a fund with /spend, and correction lines that keep the history.

An expense names its payee (a firm, a freelancer: never a family), a voucher or invoice
number, and what it was for; a `#word` in that text is its category. A wrong expense is
never changed: a correction line holds the difference to the right amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.i18n import _, format_date
from bot.core.parsing import ParseError, looks_like_full_date, parse_full_date, quoted
from bot.funds.money import AmountError, parse_amount

SPEND_EXAMPLE = '/spend maßnahmen 1.200 "Stadthalle Ahlen" RE-2026-117 Raummiete Sommerfest #raum'
CORRECT_EXAMPLE = "/spend correct 12 1.150 Rechnung gemindert"
# An expense booked without a #word in its purpose.
NO_CATEGORY = "other"
CORRECTION_WORDS = frozenset({"correct", "correction", "korrektur", "korrigieren", "fix"})
MAX_PAYEE = 80
MAX_VOUCHER = 40
MAX_PURPOSE = 300

# A word, or words in straight or German quotes: "Stadthalle Ahlen", „Stadthalle Ahlen“.
_WORD = re.compile(r'"([^"]*)"|„([^“”"]*)[“”"]|“([^”]*)”|(\S+)')
# The category: the first #word of the purpose (a letter first, so "#12" is no category).
_CATEGORY = re.compile(r"#([^\W\d_][\w-]{0,29})")


@dataclass(frozen=True)
class Expense:
    """A line of expenses: a booking, or a correction of one (`corrects_id`) holding the
    difference to the right amount."""

    id: int
    fund_id: int
    amount_cents: int
    payee: str
    voucher: str
    purpose: str
    category: str
    booked_on: date
    corrects_id: int | None
    overrun: bool
    booked_by: int | None
    booked_at: datetime


@dataclass(frozen=True)
class SpendForm:
    """What /spend was told: the fund as typed, and the expense."""

    fund: str
    amount_cents: int
    payee: str
    voucher: str
    booked_on: date | None
    purpose: str

    @property
    def category(self) -> str:
        return category_of(self.purpose)


@dataclass(frozen=True)
class CorrectionForm:
    """/spend correct: the expense, its right amount, and why (optional)."""

    expense_id: int
    amount_cents: int
    reason: str | None


@dataclass(frozen=True)
class NewExpense:
    """A line to book: a new expense, or a correction (`corrects_id`) of the difference."""

    fund_id: int
    amount_cents: int
    payee: str
    voucher: str
    purpose: str
    category: str
    booked_on: date
    corrects_id: int | None = None


@dataclass(frozen=True)
class Spend:
    """What a /spend asks to book: a new expense, or a correction (of the expense itself,
    not of a correction line) to its right amount. `source` is the message it came in: a
    message books once, even if Telegram delivers it again."""

    source: tuple[int, int]
    expense: NewExpense | None = None
    correction: CorrectionForm | None = None

    @property
    def token(self) -> int:
        """What the buttons under a question about this /spend carry."""
        return self.source[1]


def category_of(purpose: str) -> str:
    """The first #word of the purpose, lower case; "other" without one."""
    match = _CATEGORY.search(purpose)
    return match.group(1).casefold() if match else NO_CATEGORY


def category_label(category: str) -> str:
    return _("without category") if category == NO_CATEGORY else f"#{category}"


def _words(text: str) -> list[tuple[str, int]]:
    """The words of `text` (quoted ones as one) and where each ends."""
    return [
        (next(group for group in match.groups() if group is not None), match.end())
        for match in _WORD.finditer(text)
    ]


def parse_spend(text: str) -> SpendForm | CorrectionForm:
    """/spend <fund> <amount> <payee> <voucher> [date] <purpose>, or
    /spend correct <expense> <right amount> [reason]. Raises ParseError with an example."""
    words = _words(text)
    if words and words[0][0].casefold() in CORRECTION_WORDS:
        return _parse_correction(text, words)
    if len(words) < 5:
        raise ParseError(
            _(
                "Please give the fund, the amount, the payee, the voucher number and the "
                "purpose. Example: {example}"
            ).format(example=SPEND_EXAMPLE)
        )
    amount = _amount(words[1][0], SPEND_EXAMPLE)
    if amount <= 0:
        raise ParseError(
            _("An expense must be more than 0 €. Example: {example}").format(example=SPEND_EXAMPLE)
        )
    booked_on, purpose_from = None, 4
    if len(words) > 5 and looks_like_full_date(words[4][0]):
        booked_on, purpose_from = parse_full_date(words[4][0], SPEND_EXAMPLE), 5
    payee, voucher = words[2][0].strip(), words[3][0].strip()
    purpose = text[words[purpose_from - 1][1] :].strip()
    _check_length(_("The payee"), payee, MAX_PAYEE)
    _check_length(_("The voucher number"), voucher, MAX_VOUCHER)
    _check_length(_("The purpose"), purpose, MAX_PURPOSE)
    return SpendForm(words[0][0], amount, payee, voucher, booked_on, purpose)


def _parse_correction(text: str, words: list[tuple[str, int]]) -> CorrectionForm:
    number = words[1][0].removeprefix("#") if len(words) > 1 else ""
    if len(words) < 3 or not (number.isascii() and number.isdigit() and len(number) <= 9):
        raise ParseError(
            _(
                "Which expense, and what is its right amount? The reply to /spend names the "
                "expense's number. Example: {example}"
            ).format(example=CORRECT_EXAMPLE)
        )
    amount = _amount(words[2][0], CORRECT_EXAMPLE)
    reason = text[words[2][1] :].strip() or None
    if reason is not None:
        _check_length(_("The reason"), reason, MAX_PURPOSE)
    return CorrectionForm(int(number), amount, reason)


def _amount(text: str, example: str) -> int:
    try:
        return parse_amount(text)
    except AmountError as error:
        raise ParseError(
            _("{problem} Example: {example}").format(problem=error.message, example=example)
        ) from None


def _check_length(what: str, text: str, limit: int) -> None:
    if not text:
        raise ParseError(
            _("{what} is missing. Example: {example}").format(what=what, example=SPEND_EXAMPLE)
        )
    if len(text) > limit:
        raise ParseError(
            _("{what} “{text}” is longer than {limit} characters.").format(
                what=what, text=quoted(text, 40), limit=limit
            )
        )


def check_booking_day(booked_on: date, today: date, starts_on: date, ends_on: date) -> None:
    """An expense is booked on a day of its fund's period, and not in the future."""
    if booked_on > today:
        raise ParseError(
            _("{day} lies in the future: book an expense once it is paid. Example: {example}")
            .format(day=format_date(booked_on), example=SPEND_EXAMPLE)
        )  # fmt: skip
    if not starts_on <= booked_on <= ends_on:
        raise ParseError(
            _(
                "{day} is outside the fund's period ({start} – {end}). Give the day of the "
                "payment within it after the voucher number, e.g. {example}"
            ).format(
                day=format_date(booked_on),
                start=format_date(starts_on),
                end=format_date(ends_on),
                example='/spend 2 1.200 "Stadthalle Ahlen" RE-117 15.12.2026 Raummiete',
            )
        )
