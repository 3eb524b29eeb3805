"""The rate card (JVEG as reference) and what a request is estimated to cost."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core.i18n import _, format_minutes, format_money
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
    late_cancel_days: int
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
            late_cancel_days=settings.rate_late_cancel_days,
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
    "days": ("late_cancel_days", False),
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


def surcharge_cents(half_hours: int, hour_cents: int, percent: int) -> int:
    """`percent` on `half_hours` billed half hours, rounded up to the cent."""
    return -(-half_hours * hour_cents * percent // 200)


def machine_cost_micro_cents(characters: int, rates: Rates) -> int:
    return characters * rates.machine_million_cents


NIGHT_START = time(23, 0)
NIGHT_END = time(6, 0)
HALF_HOUR = timedelta(minutes=30)


@dataclass(frozen=True)
class Estimate:
    """The expected cost and how it is made up (see `estimate`)."""

    cents: int
    professional: bool
    # Interpreting: the billed half hours (appointment and travel time), the hourly rate,
    # how many of the appointment's half hours are surcharged and for how much, and the
    # travel flat fee. Written translation: all zero.
    half_hours: int = 0
    hour_cents: int = 0
    surcharged_half_hours: int = 0
    surcharge_cents: int = 0
    travel_minutes: int = 0
    travel_flat_cents: int = 0

    @property
    def surcharge(self) -> bool:
        return self.surcharged_half_hours > 0


def estimate(draft: RequestDraft, rates: Rates) -> Estimate:
    """The expected cost from the rate card.

    Interpreting is billed per started half hour (JVEG § 8(2)), at the professional rate
    when the purpose needs one or the requester asked for one with a reason, else at the
    pool rate. A professional's travel time, when given, is billed with the appointment
    (one duration, one half-hour rounding) and replaces the travel flat fee; otherwise
    interpreting on site adds the flat fee. The surcharge goes on each billed half hour of
    the appointment that starts in the night (23:00 to 06:00), on a Sunday or on a public
    holiday in North Rhine-Westphalia (`surcharged_half_hours`); travel time and the flat
    fee are not surcharged, since when the travel happens is not known. Written
    translation is priced per standard line of 55 characters, a page counting as
    `lines_per_page` lines.
    """
    professional = draft.professional
    if draft.mode is Mode.WRITTEN:
        pages = draft.pages or 1
        return Estimate(pages * rates.lines_per_page * rates.line_cents, professional)
    hour_cents = rates.professional_hour_cents if professional else rates.pool_hour_cents
    minutes = draft.minutes or 60
    travel = (draft.travel_minutes or 0) if professional else 0
    half_hours = billed_half_hours(minutes + travel)
    surcharged = surcharged_half_hours(
        datetime.combine(draft.day, draft.start or time(9, 0)), billed_half_hours(minutes)
    )
    extra = surcharge_cents(surcharged, hour_cents, rates.surcharge_percent)
    flat = rates.travel_flat_cents if draft.mode is Mode.ON_SITE and not travel else 0
    return Estimate(
        cents=half_hours * hour_cents // 2 + extra + flat,
        professional=professional,
        half_hours=half_hours,
        hour_cents=hour_cents,
        surcharged_half_hours=surcharged,
        surcharge_cents=extra,
        travel_minutes=travel,
        travel_flat_cents=flat,
    )


def surcharged_half_hours(start: datetime, half_hours: int) -> int:
    """How many of `half_hours` billed half hours, laid end to end from `start` (local
    wall-clock time), start in the night (23:00 to 06:00), on a Sunday or on a holiday.

    A half hour that begins at 22:45 is day time, one that begins at 05:45 night time:
    each half hour counts where it begins, so neither side is favoured.
    """
    starts = (start + index * HALF_HOUR for index in range(half_hours))
    return sum(1 for begins in starts if _surcharged(begins))


def _surcharged(moment: datetime) -> bool:
    at = moment.time()
    return at >= NIGHT_START or at < NIGHT_END or is_holiday(moment.date())


def cancellation_fee_cents(
    mode: Mode,
    professional: bool,
    minutes: int | None,
    starts_at: datetime,
    now: datetime,
    rates: Rates,
    tz: ZoneInfo,
) -> int:
    """What cancelling a booked appointment `now` costs (JVEG § 9(5) reading).

    Late is the day of the appointment or the `late_cancel_days` calendar days before it,
    in local time (`tz`), whatever the hour: from 00:00 of the first of those days on,
    including after the start (a cancellation then is a no-show). The fee is the booked
    time, at most `late_cancel_hours`, billed by the half-hour rule at the hourly rate the
    request was estimated at (professional or pool); no travel flat fee, no travel time,
    no surcharge: it compensates the booked time, not work done. A written translation
    costs nothing to cancel.
    """
    if mode is Mode.WRITTEN:
        return 0
    days_before = (starts_at.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days_before > rates.late_cancel_days:
        return 0
    hour_cents = rates.professional_hour_cents if professional else rates.pool_hour_cents
    booked = min(minutes or 60, rates.late_cancel_hours * 60)
    return hourly_fee_cents(booked, hour_cents)


def request_cancellation_fee_cents(
    request: InterpreterRequest, now: datetime, rates: Rates, tz: ZoneInfo
) -> int:
    """What cancelling this request now costs: only a booked (approved) one can cost a fee,
    and never more than it reserved in the fund (the rate card may have risen since)."""
    if request.status is not Status.APPROVED:
        return 0
    fee = cancellation_fee_cents(
        request.mode, request.professional, request.minutes, request.starts_at, now, rates, tz
    )
    return min(fee, request.committed_cents)


def estimate_lines(cost: Estimate, percent: int) -> list[str]:
    """How an interpreting estimate is made up, for the requester to check by hand."""
    if not cost.half_hours:
        return []
    billed = format_minutes(cost.half_hours * 30)
    rate = format_money(cost.hour_cents)
    if cost.travel_minutes:
        text = _("Billed: {time} including travel time, at {rate} per hour")
    else:
        text = _("Billed: {time} at {rate} per hour")
    lines = [text.format(time=billed, rate=rate)]
    if cost.surcharged_half_hours:
        lines.append(
            _("+{percent} % night, Sunday or holiday surcharge on {time}: {amount}").format(
                percent=percent,
                time=format_minutes(cost.surcharged_half_hours * 30),
                amount=format_money(cost.surcharge_cents),
            )
        )
    if cost.travel_flat_cents:
        lines.append(
            _("Travel flat fee: {amount}").format(amount=format_money(cost.travel_flat_cents))
        )
    return lines


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
            _(
                "travel: {amount} flat for on site, unless a professional's travel time is "
                "billed instead"
            ).format(amount=format_money(rates.travel_flat_cents)),
            _(
                "surcharge: {percent} % more for each billed half hour that starts at night "
                "(23–6), on a Sunday or a public holiday"
            ).format(percent=rates.surcharge_percent),
            _("line: {amount} per standard line of 55 characters").format(
                amount=format_money(rates.line_cents)
            ),
            _("page: {count} lines").format(count=rates.lines_per_page),
            _(
                "cancel: a late cancellation costs the booked time, at most {count} hours, at "
                "the request's hourly rate (no travel fee, no surcharge)"
            ).format(count=rates.late_cancel_hours),
            _(
                "days: late is on the day of the appointment or in the {count} calendar days before"
            ).format(count=rates.late_cancel_days),
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
