"""Money and request rules without the bot: fees, amounts, fund figures, notice, parsing."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.config import Settings
from bot.core.i18n import use_locale
from bot.core.parsing import MAX_MINUTES, ParseError
from bot.funds.funds import FundFigures, reached_thresholds
from bot.funds.money import AmountError, micro_to_cents, parse_amount
from bot.interpreting.rates import (
    Rates,
    billed_half_hours,
    estimate,
    hourly_fee_cents,
    machine_cost_micro_cents,
)
from bot.interpreting.requests import (
    INTERPRETER_EXAMPLE,
    Mode,
    Purpose,
    RequestDraft,
    is_holiday,
    parse_interpreter,
    working_days_between,
)
from tests.helpers.texts import de

TODAY = date(2026, 11, 24)  # a Tuesday
TOWNS = Settings.model_fields["towns"].default
RATES = Rates(
    professional_hour_cents=8500,
    pool_hour_cents=3000,
    travel_flat_cents=2500,
    surcharge_percent=20,
    line_cents=180,
    lines_per_page=30,
    late_cancel_hours=2,
    late_cancel_days=2,
    machine_million_cents=2000,
)


def draft(
    *,
    mode: Mode = Mode.PHONE,
    day: date = date(2026, 12, 3),
    start: time | None = time(10, 0),
    purpose: Purpose = Purpose.JOBCENTER,
    minutes: int | None = 60,
    pages: int | None = None,
    town: str | None = None,
) -> RequestDraft:
    return RequestDraft("uk", mode, day, start, purpose, minutes, pages, town)


def parse_error(text: str) -> str:
    with use_locale("de"), pytest.raises(ParseError) as caught:
        parse_interpreter(text, TODAY, TOWNS)
    return caught.value.message


# The rate card ---------------------------------------------------------------------------


def test_the_default_rate_card_is_the_one_the_domain_describes() -> None:
    assert Rates.from_settings(Settings(_env_file=None)) == RATES


@pytest.mark.parametrize(
    ("minutes", "half_hours"),
    [(1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (120, 4), (150, 5), (151, 6)],
)
def test_the_last_started_hour_counts_half_up_to_thirty_minutes_else_full(
    minutes: int, half_hours: int
) -> None:
    assert billed_half_hours(minutes) == half_hours


@pytest.mark.parametrize(
    ("minutes", "cents"),
    [(1, 4250), (30, 4250), (31, 8500), (60, 8500), (61, 12750), (90, 12750), (91, 17000),
     (120, 17000)],
)  # fmt: skip
def test_hourly_fees_at_85_euros_follow_the_billing_increment(minutes: int, cents: int) -> None:
    assert hourly_fee_cents(minutes, 8500) == cents


def test_machine_translation_costs_millionths_of_a_cent_and_sums_round_up() -> None:
    assert machine_cost_micro_cents(1, RATES) == 2000
    assert machine_cost_micro_cents(1_000_000, RATES) == 2000 * 1_000_000
    assert [micro_to_cents(micro) for micro in (0, 1, 999_999, 1_000_000, 1_000_001)] == [
        0, 1, 1, 1, 2,
    ]  # fmt: skip


# Amounts as staff type them --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("240", 24000),
        ("240,50", 24050),
        ("240,5", 24050),
        ("240.50", 24050),
        ("1.234,50", 123450),
        ("1,234.50", 123450),
        ("1234 €", 123400),
        ("1234€", 123400),
        ("1234 EUR", 123400),
        ("1 234,50", 123450),
        ("30.000", 3000000),
        ("0,01", 1),
        ("10.000.000", 1_000_000_000),
    ],
)
def test_amounts_are_read_in_german_and_english_notation(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    "text",
    ["", "abc", "-5", "240,5055", "1.2.3", "12,34,56", "1.23,4.5", "€", "2e3", "10.000.000,01"],
)
def test_what_is_no_amount_is_refused_naming_it(text: str) -> None:
    with use_locale("de"), pytest.raises(AmountError) as caught:
        parse_amount(text)

    assert text in caught.value.message
    assert str(caught.value) == caught.value.message


# Where a fund stands ---------------------------------------------------------------------


def figures(
    *, amount: int = 3_000_000, spent: int = 0, committed: int = 0, today: date = TODAY
) -> FundFigures:
    return FundFigures(amount, spent, committed, date(2026, 10, 1), date(2026, 12, 31), today)


def test_available_is_the_amount_less_spent_and_committed() -> None:
    assert figures(spent=24050, committed=7000).available_cents == 3_000_000 - 31050
    assert figures(amount=10000, spent=8000, committed=3000).available_cents == -1000


@pytest.mark.parametrize(
    ("spent", "committed", "percent"),
    [(0, 0, "0.0"), (1_500_000, 0, "50.0"), (1_000_000, 1_250_000, "75.0"), (32550, 0, "1.1"),
     (3_000_000, 300_000, "110.0")],
)  # fmt: skip
def test_used_percent_counts_spent_and_committed(spent: int, committed: int, percent: str) -> None:
    assert figures(spent=spent, committed=committed).used_percent == Decimal(percent)


def test_an_empty_fund_is_fully_used() -> None:
    assert figures(amount=0).used_percent == Decimal(100)


def test_weekly_use_averages_spent_and_committed_over_the_days_since_the_start() -> None:
    # 1 October to 24 November: 55 days; 1.100,00 € × 7 / 55 = 140,00 € a week.
    assert figures(spent=110000).weekly_use_cents == 14000
    # Commitments are used too: 6.100,00 € × 7 / 55 = 776,3636… € → 776,36 €.
    assert figures(spent=110000, committed=500000).weekly_use_cents == 77636
    assert figures(spent=110000).pace_days == 55


def test_weekly_use_rounds_half_cents_up() -> None:
    # 1 to 14 October: 14 days; 0,15 € × 7 / 14 = 0,075 € → 0,08 €.
    assert figures(spent=15, today=date(2026, 10, 14)).weekly_use_cents == 8


def test_weekly_use_in_the_first_week_is_not_inflated() -> None:
    # 2 days count as the 7 of a week.
    first = figures(spent=7000, today=date(2026, 10, 2))

    assert (first.pace_days, first.weekly_use_cents) == (7, 7000)


def test_weekly_use_after_the_end_counts_only_the_funds_days() -> None:
    # 1 October to 31 December: 92 days, whenever one looks; 920,00 € × 7 / 92 = 70,00 €.
    later = figures(spent=92000, today=date(2027, 2, 1))

    assert (later.pace_days, later.weekly_use_cents) == (92, 7000)


def test_a_fund_with_nothing_used_has_no_forecast() -> None:
    assert figures().exhausted_on is None


def test_a_fund_not_started_has_no_forecast() -> None:
    assert figures(committed=5000, today=date(2026, 9, 30)).exhausted_on is None


def test_the_forecast_extends_the_weekly_use() -> None:
    # 28 days (4 weeks) with 40 € used: 10 € a week; 60 € left last 6 more weeks.
    pace = figures(amount=10000, spent=2000, committed=2000, today=date(2026, 10, 28))

    assert pace.weekly_use_cents == 1000
    assert pace.exhausted_on == date(2026, 10, 28) + timedelta(weeks=6)


def test_the_forecast_rounds_down_to_whole_days() -> None:
    # 10 € a week, 1 € left: 0.7 days.
    pace = figures(amount=4100, spent=4000, today=date(2026, 10, 28))

    assert pace.exhausted_on == date(2026, 10, 28)


def test_the_forecast_divides_exactly_the_numbers_shown() -> None:
    # 10,00 € used in 55 days: 10,00 € × 7 / 55 = 1,2727… € → 1,27 € a week, as shown.
    # 90,00 € available × 7 / 1,27 € = 496,06 days → 496 (unrounded, 495 days: the forecast
    # would not follow from the figures shown).
    pace = figures(amount=10000, spent=1000)

    assert (pace.weekly_use_cents, pace.available_cents) == (127, 9000)
    assert pace.exhausted_on == TODAY + timedelta(days=496)


@pytest.mark.parametrize(("spent", "committed"), [(3_000_000, 0), (2_000_000, 1_500_000)])
def test_a_fund_already_used_up_is_exhausted_today(spent: int, committed: int) -> None:
    assert figures(spent=spent, committed=committed).exhausted_on == TODAY


@pytest.mark.parametrize(
    ("used_euros", "reached"),
    [(0, []), (14_997, []), (15_000, [50]), (22_497, [50]), (22_500, [50, 75]),
     (26_997, [50, 75]), (27_000, [50, 75, 90]), (29_997, [50, 75, 90]),
     (30_000, [50, 75, 90, 100]), (75_000, [50, 75, 90, 100])],
)  # fmt: skip
def test_reached_thresholds_are_those_at_or_below_the_use(used_euros: int, reached: list) -> None:
    assert reached_thresholds(figures(spent=used_euros * 100)) == reached


@pytest.mark.parametrize(("used", "threshold"), [(2_998_500, 100), (1_498_500, 50)])
def test_a_threshold_is_reached_only_when_the_use_really_reaches_it(
    used: int, threshold: int
) -> None:
    # 99.95 % of 30,000 € leaves 15 € available; 49.95 % is not half.
    nearly = figures(spent=used)

    assert threshold not in reached_thresholds(nearly)


# Estimates -------------------------------------------------------------------------------


def test_a_pool_interpreter_on_site_costs_the_billed_hours_and_the_travel_flat_fee() -> None:
    cost = estimate(draft(mode=Mode.ON_SITE, minutes=90, town="Ahlen"), RATES)

    assert (cost.cents, cost.professional, cost.surcharge) == (3 * 1500 + 2500, False, False)


@pytest.mark.parametrize("mode", [Mode.PHONE, Mode.VIDEO])
def test_phone_and_video_have_no_travel_fee(mode: Mode) -> None:
    assert estimate(draft(mode=mode, minutes=31), RATES).cents == 3000


@pytest.mark.parametrize("word", ["arzt", "krankenhaus", "psychotherapie", "polizei", "gericht"])
def test_purposes_the_pool_does_not_serve_are_estimated_at_the_professional_rate(
    word: str,
) -> None:
    purpose = Purpose.parse(word)

    cost = estimate(draft(mode=Mode.ON_SITE, purpose=purpose, minutes=90, town="Ahlen"), RATES)

    assert purpose.needs_professional
    assert (cost.cents, cost.professional) == (12750 + 2500, True)


@pytest.mark.parametrize(
    "purpose", [p for p in Purpose if p.value not in {"doctor", "hospital", "psychotherapy",
                                                      "police", "court"}]
)  # fmt: skip
def test_every_other_purpose_is_served_by_the_pool(purpose: Purpose) -> None:
    assert not estimate(draft(purpose=purpose), RATES).professional


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 29),  # a Sunday
        date(2026, 11, 1),  # All Saints' Day, a Sunday too
        date(2026, 12, 25),  # Christmas Day, a Friday
        date(2026, 6, 4),  # Corpus Christi: a holiday in North Rhine-Westphalia
    ],
)
def test_sundays_and_public_holidays_cost_twenty_percent_more(day: date) -> None:
    cost = estimate(draft(mode=Mode.ON_SITE, day=day, minutes=60, town="Ahlen"), RATES)

    assert is_holiday(day)
    # The travel flat fee is not surcharged.
    assert (cost.cents, cost.surcharge) == (3600 + 2500, True)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 28),  # a Saturday
        date(2026, 12, 24),  # Christmas Eve is a working day
        date(2026, 10, 31),  # Reformation Day is no holiday in North Rhine-Westphalia
        date(2026, 11, 18),  # nor is Repentance Day
    ],
)
def test_saturdays_and_other_states_holidays_are_ordinary_days(day: date) -> None:
    assert not is_holiday(day)
    assert not estimate(draft(day=day), RATES).surcharge


def test_a_professional_on_a_holiday_night_is_surcharged_once() -> None:
    cost = estimate(draft(day=date(2026, 12, 25), start=time(23, 0), purpose=Purpose.HOSPITAL,
                          minutes=90), RATES)  # fmt: skip

    assert cost.cents == 12750 + 2550


def test_a_written_translation_costs_pages_times_lines_times_the_line_rate() -> None:
    cost = estimate(draft(mode=Mode.WRITTEN, start=None, minutes=None, pages=3), RATES)

    assert (cost.cents, cost.surcharge) == (3 * 30 * 180, False)


def test_a_written_translation_due_on_a_holiday_has_no_surcharge() -> None:
    cost = estimate(draft(mode=Mode.WRITTEN, day=date(2026, 12, 25), start=None, pages=1), RATES)

    assert (cost.cents, cost.surcharge) == (5400, False)


def test_estimates_follow_an_adjusted_rate_card() -> None:
    rates = RATES.updated("professional_hour_cents", 9000).updated("lines_per_page", 25)

    assert estimate(draft(purpose=Purpose.DOCTOR, minutes=60), rates).cents == 9000
    assert estimate(draft(mode=Mode.WRITTEN, start=None, pages=2), rates).cents == 2 * 25 * 180
    assert Rates.names()[0] == "professional_hour_cents"


# Notice ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "day", "working_days"),
    [
        (TODAY, TODAY, 0),
        (TODAY, date(2026, 11, 25), 1),
        (TODAY, date(2026, 11, 28), 3),  # Saturday: Wednesday to Friday
        (TODAY, date(2026, 11, 30), 4),  # Monday after the weekend
        (TODAY, date(2026, 12, 1), 5),
        (date(2026, 12, 21), date(2026, 12, 28), 4),  # over Christmas
        (date(2026, 12, 21), date(2026, 12, 29), 5),
        (date(2026, 12, 28), date(2027, 1, 4), 4),  # over New Year
        (date(2026, 12, 28), date(2027, 1, 5), 5),
        (date(2026, 5, 29), date(2026, 6, 5), 4),  # over Corpus Christi (4 June)
    ],
)
def test_working_days_skip_weekends_and_public_holidays(
    today: date, day: date, working_days: int
) -> None:
    assert working_days_between(today, day) == working_days


@pytest.mark.parametrize(
    ("today", "day", "urgent"),
    [
        (TODAY, TODAY, True),
        (TODAY, date(2026, 11, 30), True),
        (TODAY, date(2026, 12, 1), False),
        (date(2026, 12, 18), date(2026, 12, 24), True),
        (date(2026, 12, 18), date(2026, 12, 28), False),
        (date(2026, 12, 21), date(2026, 12, 28), True),
        (date(2026, 12, 21), date(2026, 12, 29), False),
    ],
)
def test_less_than_five_working_days_notice_is_urgent(today: date, day: date, urgent: bool) -> None:
    assert draft(day=day).urgent(today) is urgent


# The one-line form -----------------------------------------------------------------------


def test_the_quick_form_of_the_issue_is_read_completely() -> None:
    assert parse_interpreter(INTERPRETER_EXAMPLE.removeprefix("/interpreter "), TODAY, TOWNS) == (
        RequestDraft(
            language="uk", mode=Mode.ON_SITE, day=date(2026, 12, 3), start=time(10, 0),
            purpose=Purpose.IMMIGRATION_OFFICE, minutes=90, town="Ahlen", family_id=42,
        )
    )  # fmt: skip


def test_a_written_translation_needs_pages_and_no_time() -> None:
    assert parse_interpreter("uk 10.12. 3seiten schriftlich abh", TODAY, TOWNS) == RequestDraft(
        language="uk", mode=Mode.WRITTEN, day=date(2026, 12, 10), start=None,
        purpose=Purpose.IMMIGRATION_OFFICE, pages=3,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("f42 uk 03.12. 10:00 60m telefon jc", "family_id", 42),
        ("Ukrainisch 03.12. 10:00 60m telefon jc", "language", "uk"),
        ("Arabisch 03.12. 10:00 60m telefon jc", "language", "ar"),
        ("dari 03.12. 10:00 60m telefon jc", "language", "prs"),
        ("uk morgen 10:00 60m telefon jc", "day", date(2026, 11, 25)),
        ("uk 2026-12-03 10:00 60m telefon jc", "day", date(2026, 12, 3)),
        ("uk 03.12. 9.30 60m telefon jc", "start", time(9, 30)),
        ("uk 03.12. 14:15uhr 60m telefon jc", "start", time(14, 15)),
        ("uk 03.12. 10:00 1,5h telefon jc", "minutes", 90),
        ("uk 03.12. 10:00 45 telefon jc", "minutes", 45),
        ("uk 03.12. 10:00 60m tel jc", "mode", Mode.PHONE),
        ("uk 03.12. 10:00 60m video jc", "mode", Mode.VIDEO),
        ("uk 03.12. 10:00 60m online jc", "mode", Mode.VIDEO),
        ("uk 03.12. 10:00 60m vorort beckum jc", "mode", Mode.ON_SITE),
        ("uk 03.12. 10:00 60m vorort beckum jc", "town", "Beckum"),
        ("uk 03.12. 10:00 60m telefon Beckum jc", "town", None),
        ("uk 03.12. 2seiten übersetzung schule", "mode", Mode.WRITTEN),
        ("uk 03.12. 1seite schriftlich schule", "pages", 1),
        ("uk 03.12. 12pages written school", "pages", 12),
        ("uk 03.12. telefon 10:00 jc 60m", "minutes", 60),
        ("uk 03.12. 10:00 60m telefon einbürgerung", "purpose", Purpose.NATURALISATION_OFFICE),
        ("uk 03.12. 10:00 60m telefon sozialamt", "purpose", Purpose.SOCIAL_OFFICE),
        ("uk 03.12. 10:00 60m telefon jugendamt", "purpose", Purpose.YOUTH_OFFICE),
        ("uk 03.12. 10:00 60m telefon kita", "purpose", Purpose.KITA),
        ("uk 03.12. 10:00 60m telefon beratung", "purpose", Purpose.COUNSELLING),
        ("uk 03.12. 10:00 60m telefon klinik", "purpose", Purpose.HOSPITAL),
        ("uk 03.12. 10:00 60m telefon therapie", "purpose", Purpose.PSYCHOTHERAPY),
        ("uk 03.12. 10:00 60m telefon sonstiges", "purpose", Purpose.OTHER),
    ],
)
def test_every_kind_of_token_is_understood(text: str, field: str, value: object) -> None:
    assert getattr(parse_interpreter(text, TODAY, TOWNS), field) == value


EXAMPLE = {"example": INTERPRETER_EXAMPLE}


@pytest.mark.parametrize(
    ("text", "msgid", "values"),
    [
        ("uk 03.12. 10:00",
         "Please give language, date, time, duration, mode, town (on site) and purpose. "
         "Example: {example}", EXAMPLE),
        ("uk 03.12. 10:00 90m Ahlen abh",
         "How should it be interpreted? Add vor-ort, telefon, video or schriftlich. "
         "Example: {example}", EXAMPLE),
        ("uk 03.12. 10:00 90m vor-ort Ahlen",
         "What is it for? Add e.g. abh, jobcenter, schule, arzt, krankenhaus, gericht. "
         "Example: {example}", EXAMPLE),
        ("uk 03.12. 90m vor-ort Ahlen abh",
         "At what time? Add a start time such as 10:00. Example: {example}", EXAMPLE),
        ("uk 03.12. 10:00 vor-ort Ahlen abh",
         "How long? Add an expected duration such as 90m. Example: {example}", EXAMPLE),
        ("uk 03.12. 10:00 90m vor-ort abh",
         "Where? Add the town for interpreting on site. Example: {example}", EXAMPLE),
        ("uk 10.12. schriftlich abh",
         "How many pages? Example: /interpreter uk 10.12. 3seiten schriftlich abh", {}),
        ("xx 03.12. 10:00 90m telefon abh",
         "“{text}” is not a language I know. Examples: uk, ar, Ukrainisch, Dari.", {"text": "xx"}),
        ("uk 03.12. 10:00 90m telefon abh quatsch",
         "“{text}” is not a town of the county. Towns: {towns}",
         {"text": "quatsch", "towns": ", ".join(TOWNS)}),
        ("uk 03.12. 10:00 90m vor-ort Ahlen abh Beckum",
         "I did not understand “{token}”. Example: {example}", {"token": "Beckum", **EXAMPLE}),
        ("uk 03.12. 10:00 90m vor-ort Ahlen abh jc",
         "I did not understand “{token}”. Example: {example}", {"token": "jc", **EXAMPLE}),
        ("uk 03.12. 10:00 13h telefon abh",
         "“{text}” is more than {hours} hours: a contact or an appointment lasts at most "
         "{hours} hours. Example: 1:30", {"text": "13h", "hours": 8}),
        ("F-0000 uk 03.12. 10:00 90m telefon abh",
         "“{text}” is not a family code. Family codes look like F-0042.", {"text": "F-0000"}),
    ],
)  # fmt: skip
def test_each_missing_or_wrong_part_is_named(text: str, msgid: str, values: dict) -> None:
    assert parse_error(text) == de(msgid, **values)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("uk 23.11. 10:00 90m telefon abh", "23.11.2026"),
        ("uk bald 10:00 90m telefon abh", "bald"),
        ("uk 03.12. 10:00 999seiten schriftlich abh", "999seiten"),
        ("uk 03.12. 10:00 0seiten schriftlich abh", "0seiten"),
    ],
)
def test_a_past_or_wrong_date_and_impossible_pages_are_refused(text: str, fragment: str) -> None:
    assert fragment in parse_error(text)


TOKENS = [
    "F-0042", "f42", "uk", "ar", "Ukrainisch", "03.12.", "29.02.", "23.11.", "morgen", "10:00",
    "24:00", "9.30", "90m", "1,5h", "0m", "13h", "3seiten", "0seiten", "999seiten", "vor-ort",
    "telefon", "video", "schriftlich", "Ahlen", "abh", "arzt", "gericht", "1:30", "x", "",
    "٣", "١٠:٠٠", "３seiten", "ß", "😀", "<b>", "F-", "f", "F-99999999",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80),
        st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=10).map(
            " ".join
        ),
    ),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
)
def test_any_text_gives_a_request_draft_or_a_parse_error(text: str, today: date) -> None:
    try:
        parsed = parse_interpreter(text, today, TOWNS)
    except ParseError as error:
        assert error.message.strip()
        return
    assert isinstance(parsed, RequestDraft)
    assert parsed.day >= today
    assert (parsed.pages is not None) == (parsed.mode is Mode.WRITTEN)
    assert (parsed.town is not None) == (parsed.mode is Mode.ON_SITE)
    assert parsed.mode is Mode.WRITTEN or 1 <= parsed.minutes <= MAX_MINUTES
