"""The rate card's rules without the bot, each case computed by hand: late cancellation by
the calendar, the surcharge on the billed half hours in the night, on Sundays and holidays,
a professional's travel time, and a professional asked for with a reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.core.config import Settings
from bot.core.i18n import use_locale
from bot.core.parsing import ParseError
from bot.interpreting.rates import (
    Rates,
    cancellation_fee_cents,
    estimate,
    request_cancellation_fee_cents,
    surcharge_cents,
    surcharged_half_hours,
)
from bot.interpreting.requests import (
    PROFESSIONAL_EXAMPLE,
    InterpreterRequest,
    Mode,
    Purpose,
    RequestDraft,
    Status,
    parse_interpreter,
)
from tests.helpers.dates import BERLIN, berlin
from tests.helpers.texts import de

RATES = Rates.from_settings(Settings(_env_file=None))
TODAY = date(2026, 11, 24)  # a Tuesday
TOWNS = Settings.model_fields["towns"].default


def test_the_default_rate_card_is_jveg() -> None:
    # 85 € and 30 € an hour, 25 € travel flat fee, +20 %, late: the day and 2 days before,
    # at most 2 hours.
    assert (
        RATES.professional_hour_cents, RATES.pool_hour_cents, RATES.travel_flat_cents,
        RATES.surcharge_percent, RATES.late_cancel_days, RATES.late_cancel_hours,
    ) == (8500, 3000, 2500, 20, 2, 2)  # fmt: skip


# Late cancellation ---------------------------------------------------------------------


def fee(
    starts_at: datetime,
    now: datetime,
    minutes: int = 120,
    *,
    professional: bool = True,
    mode: Mode = Mode.ON_SITE,
    rates: Rates = RATES,
) -> int:
    return cancellation_fee_cents(mode, professional, minutes, starts_at, now, rates, BERLIN)


THURSDAY_18 = berlin(2026, 12, 3, 18)
THURSDAY_10 = berlin(2026, 12, 3, 10)


@pytest.mark.parametrize(
    ("starts_at", "now", "minutes", "professional", "cents"),
    [
        # The issue: professional on site, 2 h booked, cancelled 56 h ahead on Tuesday
        # 10:00, two calendar days before Thursday: 4 half hours × 42,50 € = 170 €.
        (THURSDAY_18, berlin(2026, 12, 1, 10), 120, True, 17000),
        # The issue: pool, 2 h, cancelled the day before: 4 × 15 € = 60 €.
        (THURSDAY_10, berlin(2026, 12, 2, 10), 120, False, 6000),
        # The issue: a 1-hour booking costs at most that hour: 2 × 42,50 € = 85 €.
        (THURSDAY_10, berlin(2026, 12, 3, 9), 60, True, 8500),
        # Three days before, a minute before midnight: outside the window, free.
        (THURSDAY_10, berlin(2026, 11, 30, 23, 59), 120, True, 0),
        # Two days before from 00:00 on: 4 × 42,50 € = 170 €.
        (THURSDAY_10, berlin(2026, 12, 1, 0, 0), 120, True, 17000),
        # A week before: free.
        (THURSDAY_10, berlin(2026, 11, 26, 10), 120, True, 0),
        # Pool, 90 min booked, two days before: 3 × 15 € = 45 €.
        (THURSDAY_10, berlin(2026, 12, 1, 8), 90, False, 4500),
        # Pool, 3 h booked: capped at 2 h, 4 × 15 € = 60 €.
        (THURSDAY_10, berlin(2026, 12, 2, 17), 180, False, 6000),
        # Professional, 8 h booked: capped at 2 h, 170 €.
        (THURSDAY_10, berlin(2026, 12, 3, 7), 480, True, 17000),
        # 61 min booked: the last started hour up to 30 min is half an hour, 3 × 42,50 €.
        (THURSDAY_10, berlin(2026, 12, 2, 12), 61, True, 12750),
        # 31 min booked: more than 30 min of the hour, a full hour, 2 × 42,50 € = 85 €.
        (THURSDAY_10, berlin(2026, 12, 2, 12), 31, True, 8500),
        # 30 min booked: half an hour, 42,50 €.
        (THURSDAY_10, berlin(2026, 12, 2, 12), 30, True, 4250),
        # After the start (a no-show) the fee stays: 3 × 42,50 € = 127,50 €.
        (THURSDAY_10, berlin(2026, 12, 3, 10, 30), 90, True, 12750),
        # Cancelled the day after, never invoiced: a no-show too, 2 × 15 € = 30 €.
        (THURSDAY_10, berlin(2026, 12, 4, 9), 60, False, 3000),
        # Across midnight: the appointment at 00:30 on Thursday, cancelled on Monday 23:45,
        # only 48¾ hours ahead but three calendar days before: free.
        (berlin(2026, 12, 3, 0, 30), berlin(2026, 11, 30, 23, 45), 120, True, 0),
        # … and on Tuesday 00:15, two days before: 170 €.
        (berlin(2026, 12, 3, 0, 30), berlin(2026, 12, 1, 0, 15), 120, True, 17000),
        # Summer time starts on Sunday 28 March 2027. Tuesday 09:00, cancelled on Sunday
        # 00:30 CET (Saturday 23:30 in UTC): two Berlin days before, 170 €.
        (berlin(2027, 3, 30, 9), berlin(2027, 3, 28, 0, 30), 120, True, 17000),
        # … on Saturday 23:30 CET: three Berlin days before, free.
        (berlin(2027, 3, 30, 9), berlin(2027, 3, 27, 23, 30), 120, True, 0),
        # Winter time starts on Sunday 25 October 2026. Tuesday 00:30 CET (Monday 23:30 in
        # UTC), cancelled on Saturday 23:30 CEST (21:30 UTC, two UTC days before): three
        # Berlin days before, free.
        (berlin(2026, 10, 27, 0, 30), berlin(2026, 10, 24, 23, 30), 60, False, 0),
        # … on Sunday 00:10 CEST: two Berlin days before, pool 1 h: 2 × 15 € = 30 €.
        (berlin(2026, 10, 27, 0, 30), berlin(2026, 10, 25, 0, 10), 60, False, 3000),
    ],
)
def test_a_late_cancellation_costs_the_booked_time_up_to_two_hours_by_the_calendar(
    starts_at: datetime, now: datetime, minutes: int, professional: bool, cents: int
) -> None:
    assert fee(starts_at, now, minutes, professional=professional) == cents


@pytest.mark.parametrize("mode", [Mode.PHONE, Mode.VIDEO])
def test_phone_and_video_cost_the_same_fee_without_travel(mode: Mode) -> None:
    # 90 min professional on the day: 3 × 42,50 € = 127,50 €, no flat fee on top.
    assert fee(THURSDAY_10, berlin(2026, 12, 3, 8), 90, mode=mode) == 12750


def test_cancelling_a_written_translation_costs_nothing_even_on_the_day() -> None:
    assert fee(THURSDAY_10, berlin(2026, 12, 3, 9), None, mode=Mode.WRITTEN) == 0


def test_the_cancellation_fee_has_no_surcharge_at_night_or_on_a_sunday() -> None:
    # Sunday 29 November, 23:00, 2 h professional, cancelled that evening: 4 × 42,50 €.
    assert fee(berlin(2026, 11, 29, 23), berlin(2026, 11, 29, 20)) == 17000


@pytest.mark.parametrize(
    ("days", "now", "cents"),
    [
        (0, berlin(2026, 12, 2, 23, 59), 0),  # only the day itself is late
        (0, berlin(2026, 12, 3, 0, 0), 17000),
        (3, berlin(2026, 11, 30, 0, 0), 17000),  # three days before
        (3, berlin(2026, 11, 29, 23, 59), 0),
    ],
)
def test_the_window_follows_the_rate_card(days: int, now: datetime, cents: int) -> None:
    rates = RATES.updated("late_cancel_days", days)

    assert fee(THURSDAY_10, now, rates=rates) == cents


def test_the_cap_follows_the_rate_card() -> None:
    # At most 1 hour: 2 × 15 € = 30 € for a 2-hour pool booking; 0 hours: nothing.
    one_hour = RATES.updated("late_cancel_hours", 1)
    no_fee = RATES.updated("late_cancel_hours", 0)

    assert fee(THURSDAY_10, berlin(2026, 12, 2, 10), professional=False, rates=one_hour) == 3000
    assert fee(THURSDAY_10, berlin(2026, 12, 2, 10), rates=no_fee) == 0


def booked(status: Status, committed: int, professional: bool = True) -> InterpreterRequest:
    return InterpreterRequest(
        id=1, fund_id=1, family_id=None, requested_by=1, language="uk", mode=Mode.ON_SITE,
        starts_at=THURSDAY_10, minutes=120, pages=None, town="Ahlen", purpose=Purpose.DOCTOR,
        professional=professional, urgent=False, status=status, estimate_cents=19500,
        committed_cents=committed, spent_cents=0, overrun=False, reason=None,
        created_at=datetime(2026, 11, 24, tzinfo=UTC),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("status", "committed", "cents"),
    [
        # Approved: 2 h at 85 € = 170 €, within the 195 € reserved (170 € + 25 € flat fee).
        (Status.APPROVED, 19500, 17000),
        # Never booked with an interpreter: free.
        (Status.REQUESTED, 19500, 0),
        (Status.OVER_BUDGET, 0, 0),
    ],
)
def test_only_a_booked_request_costs_a_fee(status: Status, committed: int, cents: int) -> None:
    now = berlin(2026, 12, 2, 10)

    assert request_cancellation_fee_cents(booked(status, committed), now, RATES, BERLIN) == cents


def test_a_fee_never_exceeds_what_the_request_reserved() -> None:
    # Approved at 60 € an hour (120 € reserved), the rate since raised to 85 €: 170 € would be
    # due, the reservation caps it at 120 €.
    assert request_cancellation_fee_cents(
        booked(Status.APPROVED, 12000), berlin(2026, 12, 2, 10), RATES, BERLIN
    ) == 12000  # fmt: skip


# The surcharge on the half hours in the night, on Sundays and holidays ----------------------


def draft(
    day: date = date(2026, 12, 3),  # a Thursday
    start: time = time(10, 0),
    minutes: int = 60,
    *,
    purpose: Purpose = Purpose.JOBCENTER,
    mode: Mode = Mode.PHONE,
    travel: int | None = None,
    reason: str | None = None,
) -> RequestDraft:
    town = "Ahlen" if mode is Mode.ON_SITE else None
    return RequestDraft(
        "uk", mode, day, start, purpose, minutes, None, town,
        travel_minutes=travel, professional_reason=reason,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("request_draft", "surcharged", "cents"),
    [
        # The issue: professional 22:00–23:30, 3 half hours × 42,50 € = 127,50 €, +20 % on the
        # one from 23:00 (8,50 €): 136,00 €, not 153,00 €.
        (draft(start=time(22), minutes=90, purpose=Purpose.DOCTOR), 1, 13600),
        # The same on site: + 25 € flat fee, not surcharged: 161,00 €.
        (draft(start=time(22), minutes=90, purpose=Purpose.DOCTOR, mode=Mode.ON_SITE), 1, 16100),
        # Professional 22:00–24:00: 4 × 42,50 € = 170 € + 20 % on 2 × 42,50 € (17 €) = 187 €,
        # not 204 €.
        (draft(start=time(22), minutes=120, purpose=Purpose.DOCTOR), 2, 18700),
        # Pool 22:30–23:30: 2 × 15 € = 30 € + 20 % on 15 € = 33 €.
        (draft(start=time(22, 30)), 1, 3300),
        # Pool 22:00–23:00 ends as the night begins: 30 €.
        (draft(start=time(22)), 0, 3000),
        # Professional 05:00–06:30: 05:00 and 05:30 are night, 06:00 is not:
        # 127,50 € + 20 % on 85 € (17 €) = 144,50 €.
        (draft(start=time(5), minutes=90, purpose=Purpose.DOCTOR), 2, 14450),
        # Pool 06:00–07:00: day, 30 €.
        (draft(start=time(6)), 0, 3000),
        # Professional 05:45–06:15: the half hour starts at night, 42,50 € + 8,50 € = 51 €.
        (draft(start=time(5, 45), minutes=30, purpose=Purpose.DOCTOR), 1, 5100),
        # Professional 22:45–23:15: the half hour starts in the day: 42,50 €.
        (draft(start=time(22, 45), minutes=30, purpose=Purpose.DOCTOR), 0, 4250),
        # Professional 22:45–23:45: 22:45 day, 23:15 night: 85 € + 8,50 € = 93,50 €.
        (draft(start=time(22, 45), purpose=Purpose.DOCTOR), 1, 9350),
        # Pool 22:55 for 10 min: one half hour, starting in the day: 15 €.
        (draft(start=time(22, 55), minutes=10), 0, 1500),
        # Pool 21:00 for 181 min: 7 half hours (21:00 … 00:00), 23:00, 23:30 and 00:00 at
        # night: 7 × 15 € = 105 € + 20 % on 45 € (9 €) = 114 €.
        (draft(start=time(21), minutes=181), 3, 11400),
        # Pool from Saturday 22:00 for 3 h: 22:00, 22:30 day; 23:00, 23:30 night; Sunday
        # 00:00, 00:30: 6 × 15 € = 90 € + 20 % on 60 € (12 €) = 102 €.
        (draft(date(2026, 11, 28), time(22), 180), 4, 10200),
        # Professional from Sunday 22:00 for 3 h: Sunday, then Monday's night: all six,
        # 255 € + 51 € = 306 €.
        (draft(date(2026, 11, 29), time(22), 180, purpose=Purpose.DOCTOR), 6, 30600),
        # Christmas Day 10:00 on site, pool 90 min: 3 × 15 € = 45 € + 9 € + 25 € flat = 79 €.
        (draft(date(2026, 12, 25), minutes=90, mode=Mode.ON_SITE), 3, 7900),
        # Corpus Christi (a holiday in North Rhine-Westphalia) 16:30, pool 1 h: 30 € + 6 €.
        (draft(date(2026, 6, 4), time(16, 30)), 2, 3600),
        # Christmas Eve is a working day: 22:00–24:00 pool, only 23:00 and 23:30 count:
        # 60 € + 20 % on 30 € (6 €) = 66 €.
        (draft(date(2026, 12, 24), time(22), 120), 2, 6600),
    ],
)
def test_the_surcharge_goes_only_on_the_half_hours_that_start_in_the_window(
    request_draft: RequestDraft, surcharged: int, cents: int
) -> None:
    cost = estimate(request_draft, RATES)

    assert (cost.surcharged_half_hours, cost.cents) == (surcharged, cents)
    assert cost.surcharge is (surcharged > 0)


def test_a_surcharge_on_an_odd_rate_is_rounded_up_to_the_cent() -> None:
    # 30,01 € an hour, 22:30–23:30: 2 half hours = 30,01 €; 20 % of 15,005 € = 3,001 € → 3,01 €.
    rates = RATES.updated("pool_hour_cents", 3001)

    assert estimate(draft(start=time(22, 30)), rates).cents == 3001 + 301


@pytest.mark.parametrize(
    ("half_hours", "hour_cents", "percent", "cents"),
    [(1, 8500, 20, 850), (3, 8500, 20, 2550), (1, 3001, 20, 301), (1, 1, 20, 1),
     (0, 8500, 20, 0), (2, 8500, 0, 0)],
)  # fmt: skip
def test_surcharge_cents_rounds_up(
    half_hours: int, hour_cents: int, percent: int, cents: int
) -> None:
    assert surcharge_cents(half_hours, hour_cents, percent) == cents


def test_half_hours_are_counted_on_the_wall_clock_from_the_start() -> None:
    assert surcharged_half_hours(datetime(2026, 12, 3, 22, 0), 4) == 2
    assert surcharged_half_hours(datetime(2026, 12, 3, 22, 0), 0) == 0


# A professional's travel time ------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_draft", "cents"),
    [
        # Doctor on site 10:00, 90 min + 45 min travel = 135 min: 2 h + 15 min = 5 half hours
        # × 42,50 € = 212,50 €, no flat fee (without travel: 127,50 € + 25 € = 152,50 €).
        (draft(minutes=90, purpose=Purpose.DOCTOR, mode=Mode.ON_SITE, travel=45), 21250),
        (draft(minutes=90, purpose=Purpose.DOCTOR, mode=Mode.ON_SITE), 15250),
        # 61 min + 29 min travel = 90 min: one rounding, 3 × 42,50 € = 127,50 €.
        (draft(minutes=61, purpose=Purpose.DOCTOR, mode=Mode.ON_SITE, travel=29), 12750),
        # 22:00–23:30 + 60 min travel = 150 min: 5 × 42,50 € = 212,50 €; +20 % only on the
        # appointment's half hour from 23:00 (8,50 €): 221,00 €.
        (draft(start=time(22), minutes=90, purpose=Purpose.DOCTOR, mode=Mode.ON_SITE,
               travel=60), 22100),
        # The pool's travel is the flat fee: travel time left over in a draft is not billed,
        # 2 × 15 € + 25 € = 55 €.
        (draft(mode=Mode.ON_SITE, travel=45), 5500),
        # A professional asked for at the Jobcenter, with travel: 60 + 30 = 90 min, 127,50 €.
        (draft(mode=Mode.ON_SITE, travel=30, reason="Dialekt"), 12750),
    ],
)  # fmt: skip
def test_a_professionals_travel_time_is_billed_with_the_appointment_instead_of_the_flat_fee(
    request_draft: RequestDraft, cents: int
) -> None:
    assert estimate(request_draft, RATES).cents == cents


def test_a_professional_asked_for_with_a_reason_is_estimated_at_the_professional_rate() -> None:
    pool = estimate(draft(minutes=90, mode=Mode.ON_SITE), RATES)
    asked = estimate(draft(minutes=90, mode=Mode.ON_SITE, reason="Dialekt"), RATES)

    # 3 × 15 € + 25 € = 70 €; 3 × 42,50 € + 25 € = 152,50 €.
    assert (pool.cents, pool.professional) == (7000, False)
    assert (asked.cents, asked.professional) == (15250, True)


# The one-line form: travel time and "profi:" --------------------------------------------


def parsed(text: str) -> RequestDraft:
    return parse_interpreter(text, TODAY, TOWNS)


def test_the_professional_example_is_read_completely() -> None:
    text = PROFESSIONAL_EXAMPLE.removeprefix("/interpreter ")

    assert parsed(text) == RequestDraft(
        language="uk", mode=Mode.ON_SITE, day=date(2026, 12, 3), start=time(10, 0),
        purpose=Purpose.IMMIGRATION_OFFICE, minutes=90, town="Ahlen", family_id=42,
        travel_minutes=45, professional_reason="Dialekt, der Pool hat niemanden",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "travel", "reason"),
    [
        ("uk 03.12. 10:00 90m vor-ort Ahlen arzt travel 1,5h", 90, None),
        ("uk 03.12. anfahrt 30 10:00 90m vor-ort Ahlen krankenhaus", 30, None),
        ("uk 03.12. 10:00 90m vor-ort Ahlen abh Profi:Dialekt", None, "Dialekt"),
        ("uk 03.12. 10:00 90m telefon schule professional: die Lehrerin bat darum", None,
         "die Lehrerin bat darum"),
    ],
)  # fmt: skip
def test_travel_time_and_a_reason_are_read_anywhere(
    text: str, travel: int | None, reason: str | None
) -> None:
    found = parsed(text)

    assert (found.travel_minutes, found.professional_reason) == (travel, reason)
    assert found.professional


@pytest.mark.parametrize(
    ("text", "msgid", "values"),
    [
        ("uk 03.12. 10:00 90m telefon arzt anfahrt 30m",
         "Travel time counts only for interpreting on site. Example: {example}", {}),
        ("uk 03.12. 10:00 90m vor-ort Ahlen abh anfahrt 30m",
         "Travel time is billed only by professional interpreters; the pool's travel is "
         "covered by the flat fee. Leave it out, or ask for a professional with a reason. "
         "Example: {example}", {}),
        ("uk 03.12. 10:00 90m vor-ort Ahlen arzt anfahrt",
         "How long is the travel, there and back? Example: {example}", {}),
        ("uk 03.12. 10:00 90m vor-ort Ahlen abh profi:  ",
         "Why a professional interpreter? Please give a reason after “profi:”, without "
         "personal data. Example: {example}", {}),
        ("uk 10.12. 3seiten schriftlich abh profi: beglaubigt",
         "“profi:” is for interpreting: a written translation is priced per line, whoever "
         "translates it. Example: {example}", {}),
    ],
)  # fmt: skip
def test_travel_time_and_profi_where_they_do_not_belong_are_refused_with_an_example(
    text: str, msgid: str, values: dict
) -> None:
    with use_locale("de"), pytest.raises(ParseError) as caught:
        parsed(text)

    assert caught.value.message == de(msgid, example=PROFESSIONAL_EXAMPLE, **values)


def test_a_bad_travel_time_says_what_a_duration_looks_like() -> None:
    with use_locale("de"), pytest.raises(ParseError) as caught:
        parsed("uk 03.12. 10:00 90m vor-ort Ahlen arzt anfahrt weit")

    assert caught.value.message == de(
        "“{text}” is not a duration. Examples: 45m, 1,5h, 1:30", text="weit"
    )
