"""Funds and where they stand: spent, committed, available, forecast and alerts; their
purposes and periods, and which fund a booking of a day is charged to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bot.core.config import Settings
from bot.core.i18n import _, format_date, lazy_gettext
from bot.core.parsing import ParseError, quoted
from bot.core.terms import Term, define_terms
from bot.funds.money import euros_to_cents

ALERT_THRESHOLDS = (50, 75, 90, 100)
# The pace of a fund is averaged over at least a week, so a first day is not inflated.
MIN_PACE_DAYS = 7


class FundPurpose(Term):
    """What a fund may pay for: the four KIM budgets, or anything an admin adds."""

    TRANSLATION = "translation"
    MEASURES = "measures"
    EVENTS = "events"
    ADVICE = "advice"
    OTHER = "other"


define_terms(
    labels={
        FundPurpose.TRANSLATION: lazy_gettext("translation and interpreting"),
        FundPurpose.MEASURES: lazy_gettext("measures"),
        FundPurpose.EVENTS: lazy_gettext("events"),
        FundPurpose.ADVICE: lazy_gettext("external advice"),
        FundPurpose.OTHER: lazy_gettext("other"),
    },
    words={
        FundPurpose.TRANSLATION: ("translation", "übersetzung", "uebersetzung", "dolmetschen",
                                  "interpreting"),
        FundPurpose.MEASURES: ("measures", "maßnahmen", "massnahmen"),
        FundPurpose.EVENTS: ("events", "veranstaltungen"),
        FundPurpose.ADVICE: ("advice", "beratung", "externeberatung"),
        FundPurpose.OTHER: ("other", "sonstige", "sonstiges"),
    },
)  # fmt: skip


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
        used = Decimal(self.used_cents) * 100 / self.amount_cents
        return used.quantize(Decimal("0.1"))

    @property
    def used_cents(self) -> int:
        """Spent and committed: what the fund can no longer give."""
        return self.spent_cents + self.committed_cents

    @property
    def pace_days(self) -> int:
        """The days the pace is averaged over: from the start to today (to the end, once the
        fund has ended), at least a week."""
        days = (min(self.today, self.ends_on) - self.starts_on).days + 1
        return max(days, MIN_PACE_DAYS)

    @property
    def weekly_use_cents(self) -> int:
        """Spent and committed per week on average since the start, to the cent (half up):
        the pace the forecast extends, as /budget shows it."""
        weekly = Decimal(self.used_cents * 7) / self.pace_days
        return int(weekly.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def exhausted_on(self) -> date | None:
        """When what is available runs out at the weekly use shown (`weekly_use_cents`),
        whole days rounded down: available × 7 / weekly use.

        None when there is no pace (not started, nothing used, or less than half a cent a
        week). A fund with nothing available is exhausted today.
        """
        if self.today < self.starts_on or self.used_cents == 0:
            return None
        if self.available_cents <= 0:
            return self.today
        if self.weekly_use_cents <= 0:
            return None
        return self.today + timedelta(days=self.available_cents * 7 // self.weekly_use_cents)


def reached_thresholds(figures: FundFigures) -> list[int]:
    """The alert thresholds (50, 75, 90, 100 %) that spending and commitments have reached.

    Compared exactly in cents, not with the rounded percentage shown to people.
    """
    return [
        threshold
        for threshold in ALERT_THRESHOLDS
        if figures.used_cents * 100 >= threshold * figures.amount_cents
    ]


@dataclass(frozen=True)
class Fund:
    id: int
    name: str
    purpose: FundPurpose
    amount_cents: int
    currency: str
    starts_on: date
    ends_on: date

    def covers_day(self, day: date) -> bool:
        """Whether `day` lies in the fund's period: bookings of that day are charged to it."""
        return self.starts_on <= day <= self.ends_on

    @property
    def period(self) -> str:
        return _("{start} – {end}").format(
            start=format_date(self.starts_on), end=format_date(self.ends_on)
        )

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return starts_on <= self.ends_on and self.starts_on <= ends_on


@dataclass(frozen=True)
class NewFund:
    """A fund to create: from the settings on first start, or by an admin with /fund."""

    name: str
    purpose: FundPurpose
    amount_cents: int
    starts_on: date
    ends_on: date


def configured_funds(settings: Settings) -> list[NewFund]:
    """The KIM budgets of the settings, to create on first start."""
    return [
        NewFund(fund.name, FundPurpose(fund.purpose), euros_to_cents(fund.euros),
                fund.starts_on, fund.ends_on)
        for fund in settings.configured_funds
    ]  # fmt: skip


class FundOverlap(Exception):
    """A fund of the same purpose covers part of the period: which fund would a day's
    booking go to? Funds of one purpose (but "other") follow each other."""

    def __init__(self, fund: Fund) -> None:
        super().__init__(fund.name)
        self.fund = fund


def check_no_overlap(funds: list[Fund], new: NewFund, but: int | None = None) -> None:
    """Raise FundOverlap if another fund of `new`'s purpose covers part of its period."""
    if new.purpose is FundPurpose.OTHER:
        return
    for fund in funds:
        if (
            fund.id != but
            and fund.purpose is new.purpose
            and fund.overlaps(new.starts_on, new.ends_on)
        ):
            raise FundOverlap(fund)


def fund_covering(funds: list[Fund], purpose: FundPurpose, day: date) -> Fund | None:
    """The fund of `purpose` whose period holds `day`: the one a booking of that day is
    charged to (interpreting on the appointment's day, DeepL and expenses on theirs)."""
    return next((f for f in funds if f.purpose is purpose and f.covers_day(day)), None)


def later_funds(funds: list[Fund], purpose: FundPurpose, day: date) -> list[Fund]:
    """The funds of `purpose` that start after `day`: those a coordinator may charge a
    booking of a day no fund covers to (next year's, granted from a later day)."""
    return [fund for fund in funds if fund.purpose is purpose and fund.starts_on > day]


def next_fund(fund: Fund, amount_cents: int | None, ends_on: date | None) -> NewFund:
    """The fund that follows `fund`: same purpose, from the day after its end to the end
    of that year (or `ends_on`), with its amount unless another is given, and its name with
    the new year ("Maßnahmen 2027")."""
    starts_on = fund.ends_on + timedelta(days=1)
    base = re.sub(r"\s*\b(19|20)\d\d$", "", fund.name) or fund.name
    return NewFund(
        name=f"{base} {starts_on.year}",
        purpose=fund.purpose,
        amount_cents=fund.amount_cents if amount_cents is None else amount_cents,
        starts_on=starts_on,
        ends_on=ends_on or date(starts_on.year, 12, 31),
    )


def no_fund_text(purpose: FundPurpose, day: date, funds: list[Fund]) -> str:
    """Why nothing can be charged for `day`: no fund of `purpose` covers it; names the
    periods there are."""
    periods = [f"{fund.name} ({fund.period})" for fund in funds if fund.purpose is purpose]
    if not periods:
        return _("There is no {purpose} fund. An admin creates one with /fund new.").format(
            purpose=purpose.label
        )
    return _("No {purpose} fund covers {day}. The funds run: {periods}.").format(
        purpose=purpose.label, day=format_date(day), periods="; ".join(periods)
    )


def find_fund(funds: list[Fund], text: str, day: date) -> Fund:
    """The fund that staff name: its number (3 or #3), its purpose's word (maßnahmen,
    events, …: the fund of that purpose running on `day`, else the latest one started by
    then, else the next one), or its name. Raises ParseError naming the funds there are."""
    word = text.strip()
    number = word.removeprefix("#")
    if number.isascii() and number.isdigit() and len(number) <= 9:
        found = next((fund for fund in funds if fund.id == int(number)), None)
        if found is not None:
            return found
    purpose = FundPurpose.parse(word)
    of_purpose = sorted(
        (fund for fund in funds if fund.purpose is purpose), key=lambda fund: fund.starts_on
    )
    if purpose is not None and of_purpose:
        started = [fund for fund in of_purpose if fund.starts_on <= day]
        running = fund_covering(of_purpose, purpose, day)
        return running or (started[-1] if started else of_purpose[0])
    named = [fund for fund in funds if fund.name.casefold() == word.casefold()]
    if named:
        return named[0]
    raise ParseError(
        _("There is no fund “{text}”. Funds: {funds}").format(
            text=quoted(word, 40), funds=funds_named(funds)
        )
    )


def funds_named(funds: list[Fund]) -> str:
    """ "#1 Übersetzung/Dolmetschen, #2 Maßnahmen, …": the numbers that name the funds."""
    return ", ".join(f"#{fund.id} {fund.name}" for fund in funds)


@dataclass(frozen=True)
class Spending:
    """Spent and committed cents of one language, mode or category."""

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
