"""The rate card (JVEG as reference) and what a request is estimated to cost."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.core.i18n import _, format_money
from bot.core.parsing import quoted
from bot.funds.money import AmountError, euros_to_cents
from bot.interpreting.requests import InterpreterRequest, Mode, RequestDraft, Status, is_holiday

if TYPE_CHECKING:
    from bot.core.config import Settings


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


NIGHT_START = time(23, 0)
NIGHT_END = time(6, 0)


@dataclass(frozen=True)
class Estimate:
    cents: int
    professional: bool
    surcharge: bool


def estimate(draft: RequestDraft, rates: Rates) -> Estimate:
    """The expected cost from the rate card.

    Interpreting is billed per started half hour (JVEG), at the professional rate when the
    purpose needs one and the pool rate otherwise, plus 20 % when it touches the night
    (23:00 to 06:00), a Sunday or a public holiday, plus the travel flat fee on site. Written
    translation is priced per standard line of 55 characters, a page counting as
    `lines_per_page` lines.
    """
    professional = draft.purpose.needs_professional
    if draft.mode is Mode.WRITTEN:
        pages = draft.pages or 1
        return Estimate(pages * rates.lines_per_page * rates.line_cents, professional, False)
    hour_cents = rates.professional_hour_cents if professional else rates.pool_hour_cents
    fee = hourly_fee_cents(draft.minutes or 60, hour_cents)
    surcharge = _needs_surcharge(draft)
    if surcharge:
        fee = with_surcharge(fee, rates.surcharge_percent)
    if draft.mode is Mode.ON_SITE:
        fee += rates.travel_flat_cents
    return Estimate(fee, professional, surcharge)


def _needs_surcharge(draft: RequestDraft) -> bool:
    """Whether the appointment touches a Sunday, a holiday or a night (23:00 to 06:00)."""
    start = datetime.combine(draft.day, draft.start or time(9, 0))
    end = start + timedelta(minutes=draft.minutes or 60)
    if is_holiday(start.date()) or is_holiday(end.date()):
        return True
    # The nights that can overlap: the one ending on the first day to the one after the last.
    day = start.date() - timedelta(days=1)
    while day <= end.date():
        night_start = datetime.combine(day, NIGHT_START)
        night_end = datetime.combine(day + timedelta(days=1), NIGHT_END)
        if start < night_end and end > night_start:
            return True
        day += timedelta(days=1)
    return False


def cancellation_fee_cents(
    mode: Mode, professional: bool, starts_at: datetime, now: datetime, rates: Rates
) -> int:
    """What cancelling a booked (approved) appointment costs: late_cancel_hours within notice.

    Requests not approved yet were never booked with an interpreter and cost nothing.
    """
    if mode is Mode.WRITTEN or starts_at - now > timedelta(hours=rates.late_cancel_notice_hours):
        return 0
    if starts_at <= now:
        return 0
    hour_cents = rates.professional_hour_cents if professional else rates.pool_hour_cents
    return rates.late_cancel_hours * hour_cents


def request_cancellation_fee_cents(request: InterpreterRequest, now: datetime, rates: Rates) -> int:
    """What cancelling this request now costs: only a booked (approved) one can cost a fee."""
    if request.status is not Status.APPROVED:
        return 0
    return cancellation_fee_cents(request.mode, request.professional, request.starts_at, now, rates)


def parse_rate_count(text: str) -> int:
    """A whole-number rate (percent, lines, hours) as an admin types it."""
    if not text.isascii() or not text.isdigit() or int(text) > 1000:
        raise AmountError(
            _("“{text}” is not a whole number from 0 to 1000.").format(text=quoted(text, 40))
        )
    return int(text)


def rate_card_text(rates: Rates) -> str:
    """The rate card as /rates shows it."""
    return "\n".join(
        [
            _("<b>Rate card</b> (reference: JVEG)"),
            _("professional: {amount} per hour (on site, phone, video)").format(
                amount=format_money(rates.professional_hour_cents)
            ),
            _("pool: {amount} per hour").format(amount=format_money(rates.pool_hour_cents)),
            _("travel: {amount} flat for on site").format(
                amount=format_money(rates.travel_flat_cents)
            ),
            _("surcharge: {percent} % at night (23–6), on Sundays and public holidays").format(
                percent=rates.surcharge_percent
            ),
            _("line: {amount} per standard line of 55 characters").format(
                amount=format_money(rates.line_cents)
            ),
            _("page: {count} lines").format(count=rates.lines_per_page),
            _("cancel: {count} hours compensation for a late cancellation").format(
                count=rates.late_cancel_hours
            ),
            _("notice: late means within {count} hours of the start").format(
                count=rates.late_cancel_notice_hours
            ),
            _("deepl: {amount} per million characters").format(
                amount=format_money(rates.machine_million_cents)
            ),
            "",
            _(
                "Interpreting is billed per started half hour: the last hour counts as half an "
                "hour up to 30 minutes, else as a full hour. Change a rate: /rates professional 90"
            ),
        ]
    )
