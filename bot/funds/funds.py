"""Funds and where they stand: spent, committed, available, forecast and alerts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ALERT_THRESHOLDS = (50, 75, 90, 100)
# The name the configured translation fund gets on first start; admins may add other funds.
TRANSLATION_FUND_NAME = "Übersetzung/Dolmetschen"


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

    def covers(self, cents: int) -> bool:
        """Whether the fund has `cents` available: what may be committed without an overrun."""
        return cents <= self.available_cents

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


@dataclass(frozen=True)
class Fund:
    id: int
    name: str
    purpose: str
    amount_cents: int
    currency: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Spending:
    """Spent and committed cents of one language or mode."""

    key: str
    spent_cents: int
    committed_cents: int


@dataclass(frozen=True)
class FundAlert:
    """Alert thresholds a change of a fund reached for the first time, and where it stands."""

    fund: Fund
    figures: FundFigures
    thresholds: tuple[int, ...]

    @property
    def threshold(self) -> int:
        """The highest threshold reached: the one worth telling."""
        return max(self.thresholds)
