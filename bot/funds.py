"""Money rules: euro amounts as typed, the rate card, and the figures of a fund.

All money is integer cents. Machine translation is priced per million characters, so its
costs are kept in millionths of a cent and rounded up to a cent only when summed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from bot.i18n import _

if TYPE_CHECKING:
    from bot.config import Settings

MICRO_CENTS_PER_CENT = 1_000_000
ALERT_THRESHOLDS = (50, 75, 90, 100)

_GERMAN_AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$|^\d+(,\d{1,2})?$")
_ENGLISH_AMOUNT = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$|^\d+(\.\d{1,2})?$")


class AmountError(ValueError):
    """Not an amount of money; `message` says so with an example."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def euros_to_cents(euros: Decimal) -> int:
    return int((euros * 100).to_integral_value())


def parse_amount(text: str) -> int:
    """Cents from what staff type: 1234,50 · 1.234,50 · 1234.50 · 1,234.50 · 1234 € · 1234 EUR."""
    compact = text.strip().replace("€", "").replace("EUR", "").replace("eur", "").strip()
    compact = compact.replace(" ", "").replace("\u00a0", "")
    if _GERMAN_AMOUNT.match(compact):
        normal = compact.replace(".", "").replace(",", ".")
    elif _ENGLISH_AMOUNT.match(compact):
        normal = compact.replace(",", "")
    else:
        raise AmountError(
            _("“{text}” is not an amount in euros. Examples: 240, 240,50, 1.234,50").format(
                text=text[:40]
            )
        )
    try:
        cents = euros_to_cents(Decimal(normal))
    except InvalidOperation:  # pragma: no cover - the patterns admit only numbers
        raise AmountError(_("“{text}” is not an amount in euros.").format(text=text[:40])) from None
    if cents > 10_000_000_00:
        raise AmountError(_("{text} is more than 10 million euros.").format(text=text[:40]))
    return cents


@dataclass(frozen=True)
class Rates:
    """The rate card. Hourly fees follow the JVEG billing rule (see billed_half_hours)."""

    professional_hour_cents: int
    pool_hour_cents: int
    travel_flat_cents: int
    surcharge_percent: int
    line_cents: int
    lines_per_page: int
    late_cancel_hours: int
    late_cancel_notice_hours: int
    machine_million_cents: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Rates:
        return cls(
            professional_hour_cents=euros_to_cents(settings.rate_professional_hour_eur),
            pool_hour_cents=euros_to_cents(settings.rate_pool_hour_eur),
            travel_flat_cents=euros_to_cents(settings.rate_travel_flat_eur),
            surcharge_percent=settings.rate_surcharge_percent,
            line_cents=euros_to_cents(settings.rate_line_eur),
            lines_per_page=settings.rate_lines_per_page,
            late_cancel_hours=settings.rate_late_cancel_hours,
            late_cancel_notice_hours=settings.rate_late_cancel_notice_hours,
            machine_million_cents=euros_to_cents(settings.deepl_price_per_million_eur),
        )

    def updated(self, name: str, value: int) -> Rates:
        return replace(self, **{name: value})

    @classmethod
    def names(cls) -> list[str]:
        return [field.name for field in fields(cls)]


# The names admins type with /rates, and whether the value is money (else a number).
RATE_WORDS = {
    "professional": ("professional_hour_cents", True),
    "pool": ("pool_hour_cents", True),
    "travel": ("travel_flat_cents", True),
    "surcharge": ("surcharge_percent", False),
    "line": ("line_cents", True),
    "page": ("lines_per_page", False),
    "cancel": ("late_cancel_hours", False),
    "notice": ("late_cancel_notice_hours", False),
    "deepl": ("machine_million_cents", True),
}


def billed_half_hours(minutes: int) -> int:
    """Half hours billed for `minutes` of interpreting (JVEG § 8(2)).

    Every full hour counts; the last started hour counts as half an hour when at most
    30 minutes of it were used, otherwise as a full hour.
    """
    full_hours, rest = divmod(minutes, 60)
    if rest == 0:
        return full_hours * 2
    return full_hours * 2 + (1 if rest <= 30 else 2)


def hourly_fee_cents(minutes: int, hour_cents: int) -> int:
    return billed_half_hours(minutes) * hour_cents // 2


def with_surcharge(cents: int, percent: int) -> int:
    return cents + math.ceil(cents * percent / 100)


def machine_cost_micro_cents(characters: int, rates: Rates) -> int:
    return characters * rates.machine_million_cents


def micro_to_cents(micro_cents: int) -> int:
    return -(-micro_cents // MICRO_CENTS_PER_CENT)


@dataclass(frozen=True)
class FundFigures:
    """Where a fund stands on a given day."""

    amount_cents: int
    spent_cents: int
    committed_cents: int
    starts_on: date
    ends_on: date
    today: date

    @property
    def available_cents(self) -> int:
        return self.amount_cents - self.spent_cents - self.committed_cents

    @property
    def used_percent(self) -> Decimal:
        """Spent and committed, as a share of the amount."""
        if self.amount_cents == 0:
            return Decimal(100)
        used = Decimal(self.spent_cents + self.committed_cents) * 100 / self.amount_cents
        return used.quantize(Decimal("0.1"))

    @property
    def weeks_elapsed(self) -> Decimal:
        """Weeks since the fund started (at least one, so a first week is not inflated)."""
        days = (min(self.today, self.ends_on) - self.starts_on).days + 1
        return max(Decimal(days) / 7, Decimal(1))

    @property
    def weekly_spend_cents(self) -> int:
        return int((self.spent_cents / self.weeks_elapsed).to_integral_value())

    @property
    def exhausted_on(self) -> date | None:
        """When spending and commitments at their pace so far use up what is left.

        None when nothing has been used yet. A fund already used up is exhausted today.
        """
        used_per_week = (self.spent_cents + self.committed_cents) / self.weeks_elapsed
        if used_per_week <= 0:
            return None
        if self.available_cents <= 0:
            return self.today
        weeks = Decimal(self.available_cents) / used_per_week
        return self.today + timedelta(days=math.floor(weeks * 7))


def reached_thresholds(figures: FundFigures) -> list[int]:
    """The alert thresholds (50, 75, 90, 100 %) that spending and commitments have reached.

    Compared exactly in cents, not with the rounded percentage shown to people.
    """
    used = figures.spent_cents + figures.committed_cents
    return [
        threshold
        for threshold in ALERT_THRESHOLDS
        if used * 100 >= threshold * figures.amount_cents
    ]
