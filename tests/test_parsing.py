"""What case managers type: durations, dates, family codes, the quick forms and the lookups.

Example tests pin the grammar of the /log and /newfamily quick forms. Property tests check
that any text at all gives a valid value or a ParseError with a message (never another
exception), and that quick forms generated from their parts parse back to those parts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from babel import Locale
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.casework.contacts as casework_contacts
import bot.casework.families as casework_families
from bot.casework.contacts import ContactDraft, parse_log
from bot.casework.families import (
    MAX_HOUSEHOLD,
    FamilyDraft,
    family_code,
    parse_country,
    parse_family_code,
    parse_household_size,
    parse_languages,
    parse_new_family,
    parse_town,
)
from bot.casework.flags import parse_flag
from bot.casework.vocabulary import (
    BenefitSystem,
    ContactType,
    FlagCategory,
    Service,
    Topic,
    topics_from_bits,
    topics_to_bits,
)
from bot.core import names as core_names
from bot.core import parsing, terms
from bot.core.config import WARENDORF_TOWNS
from bot.core.i18n import SUPPORTED_LOCALES, _, language_name, use_locale
from bot.core.names import country_codes, find_country, find_language, search_languages
from bot.core.parsing import (
    MAX_MINUTES,
    MAX_NOTE_LENGTH,
    ParseError,
    parse_contact_date,
    parse_duration,
    parse_follow_up_date,
)
from bot.core.terms import normalise
from tests.helpers.dates import german_date

# 24 November 2026 is a Tuesday.
TODAY = date(2026, 11, 24)
YEAR = timedelta(days=366)
TOWNS = WARENDORF_TOWNS
ISSUE_EXAMPLE = (
    "F-0042 45m hausbesuch aufenthalt,arbeit: Termin bei der Ausländerbehörde vorbereitet"
)


@pytest.fixture(autouse=True)
def _german() -> Iterator[None]:
    """Messages and formatted dates in German, as most staff see them."""
    with use_locale("de"):
        yield


def error_of(parse: Callable[..., object], *args: object) -> str:
    """The message of the ParseError that `parse(*args)` raises; it must say something."""
    with pytest.raises(ParseError) as caught:
        parse(*args)
    assert caught.value.message.strip()
    return caught.value.message


def value_or_none(parse: Callable[..., object], *args: object) -> object:
    """The parsed value, or None for a ParseError; any other exception fails the test."""
    try:
        return parse(*args)
    except ParseError as error:
        assert error.message.strip()
        assert str(error) == error.message
        return None


def checked(examples: int = 100) -> settings:
    """Hypothesis settings without a deadline: Babel loads its data on first use."""
    return settings(max_examples=examples, deadline=None)


# Strategies --------------------------------------------------------------------------------

# Characters that parsers treat specially, digits of other scripts (Arabic-Indic, Devanagari,
# full width), digit-like characters that are no decimal digits, and emoji.
TRICKY = list("0123456789.,:;-+/ \t\nhmfF→>#<&") + list("٠١٤٥٩०१५１２³½") + ["😀", "ſ", "ß"]
WORDS = [
    "F-0042", "f42", "45", "45m", "1.5", "1,5", "h", "min", "1:30", "1h30", "hausbesuch",
    "telefon", "aufenthalt,arbeit", "arbeit", ",", "ref", "->", "->jc", "→abh", "next", "wv",
    "02.12.", "24.11.", "29.02.", "2026-11-24", "gestern", "heute", "morgen", "freitag", ":",
    ": ", "#struktur", "Ahlen", "UA", "Sri", "Lanka", "4", "0", "31", "uk,ru", "sgb2", "ew",
    "keine-flucht", "wartezeit", "99999999999999999999",
]  # fmt: skip
NUMBERISH = st.builds(
    "{}{}{}".format,
    st.integers(min_value=0, max_value=10**30),
    st.sampled_from(["", ".", ",", ":", "h", "m", ".12.", "-11-24", "h30", " h"]),
    st.one_of(st.just(""), st.integers(min_value=0, max_value=10**6).map(str)),
)
ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(TRICKY), max_size=30),
    st.lists(st.one_of(st.sampled_from(WORDS), NUMBERISH, st.text(max_size=3)), max_size=12).map(
        " ".join
    ),
    NUMBERISH,
)
TODAYS = st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31))


def spellings(word: str) -> st.SearchStrategy[str]:
    """A word as staff may type it: lower case, upper case or capitalised."""
    return st.sampled_from([word, word.upper(), word.capitalize()])


def words_for(term: terms.Term) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(term.words)).flatmap(spellings)


def family_code_spellings(family_id: int) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [family_code(family_id), f"f-{family_id}", f"F{family_id:07d}", f"f{family_id}"]
    )


def duration_tokens(minutes: int) -> st.SearchStrategy[list[str]]:
    """The ways of writing `minutes`, as the tokens of the /log quick form."""
    hours, rest = divmod(minutes, 60)
    options = [[f"{minutes}"], [f"{minutes}m"], [f"{minutes}min"], [f"{minutes}", "min"]]
    options += [[f"{minutes}", "minuten"], [f"{minutes}", "minutes"], [f"{hours}:{rest:02d}"]]
    if hours:
        options += [[f"{hours}h{rest}"], [f"{hours}h{rest:02d}min"]]
    if not rest:
        options += [[f"{hours}h"], [f"{hours}", "h"], [f"{hours}std"], [f"{hours}", "stunden"]]
        options += [[f"{hours}", "hours"]]
    if not rest % 6:
        for separator in ".,":
            options += [
                [f"{hours}{separator}{rest // 6}h"],
                [f"{hours}{separator}{rest // 6}", "h"],
            ]
    return st.sampled_from(options).flatmap(
        lambda tokens: st.sampled_from([tokens, [token.upper() for token in tokens]])
    )


def date_spellings(day: date, today: date) -> list[str]:
    """Ways of writing `day` that mean it whichever direction (past or future) is asked for."""
    options = [f"{day:%d.%m.%Y}", f"{day.day}.{day.month}.{day.year}", day.isoformat()]
    if 2000 <= day.year <= 2099:
        options.append(f"{day:%d.%m.%y}")
    if abs(day - today) <= timedelta(days=182):  # then it is the nearest "dd.mm."
        options += [f"{day:%d.%m.}", f"{day.day}.{day.month}."]
    return options


def contact_date_spellings(day: date, today: date) -> st.SearchStrategy[str]:
    words = {0: ["heute", "today", "Heute"], 1: ["gestern", "yesterday"], 2: ["vorgestern"]}
    return st.sampled_from(date_spellings(day, today) + words.get((today - day).days, []))


ENGLISH_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
GERMAN_WEEKDAYS = ["montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"]


def follow_up_date_spellings(day: date, today: date) -> st.SearchStrategy[str]:
    ahead = (day - today).days
    words = {0: ["heute", "today"], 1: ["morgen", "tomorrow"], 2: ["übermorgen", "uebermorgen"]}
    options = date_spellings(day, today) + words.get(ahead, [])
    if 1 <= ahead <= 7:  # a weekday name means the next such day
        weekday = day.weekday()
        german = GERMAN_WEEKDAYS[weekday]
        options += [german, german[:2], ENGLISH_WEEKDAYS[weekday], ENGLISH_WEEKDAYS[weekday][:3]]
    return st.sampled_from(options).flatmap(spellings)


def referral_tokens(service: Service) -> st.SearchStrategy[list[str]]:
    keywords = ["ref", "REF", "verweis", "an", "->", "→"]
    return words_for(service).flatmap(
        lambda word: st.sampled_from(
            [[keyword, word] for keyword in keywords] + [[f"->{word}"], [f"→{word}"]]
        )
    )


@dataclass(frozen=True)
class _Unit:
    """Tokens of the quick form that belong together, and the topics they name."""

    tokens: list[str]
    topics: tuple[Topic, ...] = ()


@st.composite
def topic_units(draw: st.DrawFn) -> list[_Unit]:
    """Topics as comma-separated groups: "aufenthalt,arbeit", "aufenthalt," "arbeit"."""
    topics = draw(st.lists(st.sampled_from(list(Topic)), min_size=1, max_size=5))
    units, start = [], 0
    while start < len(topics):
        end = draw(st.integers(min_value=start + 1, max_value=len(topics)))
        group = topics[start:end]
        words = [draw(words_for(topic)) for topic in group]
        token = ",".join(words) + draw(st.sampled_from(["", ","]))
        units.append(_Unit([token], tuple(group)))
        start = end
    return units


@st.composite
def quick_logs(draw: st.DrawFn) -> tuple[str, date, ContactDraft]:
    """A valid /log quick form in any order the grammar allows, and what it means."""
    today = draw(TODAYS)
    family_id = draw(st.integers(min_value=1, max_value=9_999_999))
    minutes = draw(st.integers(min_value=1, max_value=MAX_MINUTES))
    contact_type = draw(st.sampled_from(list(ContactType)))
    units = [_Unit(draw(duration_tokens(minutes))), _Unit([draw(words_for(contact_type))])]
    units += draw(topic_units())
    contact_on = today
    if draw(st.booleans()):
        contact_on = today - timedelta(days=draw(st.integers(min_value=0, max_value=366)))
        units.append(_Unit([draw(contact_date_spellings(contact_on, today))]))
    referral = draw(st.none() | st.sampled_from(list(Service)))
    if referral is not None:
        units.append(_Unit(draw(referral_tokens(referral))))
    follow_up_on = None
    if draw(st.booleans()):
        follow_up_on = today + timedelta(days=draw(st.integers(min_value=0, max_value=366)))
        keyword = draw(
            st.sampled_from(sorted(casework_contacts.FOLLOW_UP_WORDS)).flatmap(spellings)
        )
        units.append(_Unit([keyword, draw(follow_up_date_spellings(follow_up_on, today))]))
    order = draw(st.permutations(units))
    tokens = [draw(family_code_spellings(family_id))] + [t for unit in order for t in unit.tokens]
    text = draw(st.sampled_from([" ", "  ", "\t", "\n"])).join(tokens)
    note = ""
    if draw(st.booleans()):
        no_hash = st.text(alphabet=st.characters(exclude_characters="#"), max_size=40)
        tag = draw(st.sampled_from(["", " #struktur ", " #Struktur"]))
        note = (draw(no_hash) + tag + draw(no_hash)).strip()
        text += draw(st.sampled_from([": ", ":\n", " : "])) + note
    elif draw(st.booleans()):
        text += ":"  # a colon without a note
    expected = ContactDraft(
        family_id=family_id,
        contact_on=contact_on,
        minutes=minutes,
        contact_type=contact_type,
        topics=tuple(dict.fromkeys(topic for unit in order for topic in unit.topics)),
        note=note,
        referral=referral,
        follow_up_on=follow_up_on,
    )
    return text, today, expected


# Country names as Babel gives them in the languages staff type them in.
ORIGINS = frozenset(country_codes())
COUNTRY_NAMES = sorted(
    (code, name)
    for locale in ("de", "en", "uk")
    for code, name in Locale(locale).territories.items()
    if code in ORIGINS
)
COMMON_LANGUAGES = ["uk", "ru", "ar", "fa", "prs", "ps", "ku", "tr", "ti", "so", "sq", "de", "en"]


@st.composite
def quick_families(draw: st.DrawFn) -> tuple[str, FamilyDraft]:
    """A valid /newfamily quick form with its extras in any order, and what it means."""
    town = draw(st.sampled_from(TOWNS))
    code, name = draw(st.sampled_from(COUNTRY_NAMES))
    country = draw(st.sampled_from([code, code.lower(), name, name.upper()]))
    size = draw(st.integers(min_value=1, max_value=MAX_HOUSEHOLD))
    languages = draw(st.lists(st.sampled_from(COMMON_LANGUAGES), min_size=1, max_size=4))
    spelled = [draw(st.sampled_from([lang, lang.upper()])) for lang in languages]
    extras: list[str] = []
    benefit_system = draw(st.none() | st.sampled_from(list(BenefitSystem)))
    if benefit_system is not None:
        extras.append(draw(words_for(benefit_system)))
    consent = draw(st.booleans())
    if consent:
        extras.append(
            draw(st.sampled_from(sorted(casework_families._CONSENT_WORDS)).flatmap(spellings))
        )
    fled = code == "UA"
    said_fled = draw(st.none() | st.booleans())
    if said_fled is not None:
        words = casework_families._FLED_WORDS if said_fled else casework_families._NOT_FLED_WORDS
        extras.append(draw(st.sampled_from(sorted(words)).flatmap(spellings)))
        fled = said_fled
    tokens = [draw(spellings(town)), country, str(size), ",".join(spelled)]
    text = " ".join(tokens + draw(st.permutations(extras)))
    expected = FamilyDraft(
        town=town,
        origin=code,
        household_size=size,
        languages=tuple(dict.fromkeys(languages)),
        fled_ukraine=fled,
        benefit_system=benefit_system,
        consent=consent,
    )
    return text, expected


# Durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45", 45), ("45m", 45), ("45min", 45), ("45 min", 45), ("45 Minuten", 45),
        ("45M", 45), (" 45m ", 45), ("45\tmin", 45), ("1,5\u00a0h", 90), ("1h", 60),
        ("1 H", 60), ("2std", 120), ("1 hour", 60),
        ("1,5h", 90), ("1.5h", 90), ("1.5 h", 90), ("1,5 h", 90), ("0,25h", 15),
        ("1.75h", 105), ("1:30", 90), ("0:45", 45), ("1h30", 90), ("1h30m", 90),
        ("1h05min", 65), ("1 h 30", 90), ("1", 1), ("480", 480), ("8h", 480), ("8:00", 480),
        # Fractions of an hour round to the nearest minute.
        ("0,01h", 1), ("1.999h", 120), ("0.3h", 18),
    ],
)  # fmt: skip
def test_parse_duration_reads_every_spelling_of_the_issue(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["0", "0m", "00", "0h", "0:00", "0h0", "0,001h"])
def test_parse_duration_refuses_no_time_at_all_with_one_message(text: str) -> None:
    assert error_of(parse_duration, text) == error_of(parse_duration, "0")


@pytest.mark.parametrize("text", ["481", "481m", "8:01", "8,5h", "9h", "9 h", "8h1", "99999"])
def test_parse_duration_refuses_more_than_eight_hours_naming_the_input(text: str) -> None:
    message = error_of(parse_duration, text)

    assert text in message
    assert message.replace(text, "…") == error_of(parse_duration, "13h").replace("13h", "…")


@pytest.mark.parametrize("text", ["12:00", "08:00", "09:30", "00:45", "23:59", " 10:15 "])
def test_parse_duration_refuses_a_time_of_day_with_an_example(text: str) -> None:
    message = error_of(parse_duration, text)

    assert message == _(
        "“{text}” looks like a time of day, not a duration. Please give the duration instead, "
        "e.g. 45m or 1:30."
    ).format(text=text)


@pytest.mark.parametrize(
    "text",
    ["", " ", "abc", "45x", "m", "h", "1.5", "1,5", "-45", "+45", "1:60", "1:5", "1h60", "1:30h",
     "45 m 3", "1..5h", "1,5,0h", "45mm", "vier", "24.11.", "1  30", "4 5m"],
)  # fmt: skip
def test_parse_duration_refuses_what_is_no_duration_naming_it(text: str) -> None:
    message = error_of(parse_duration, text)

    assert html.escape(text.strip()) in message


def test_parse_duration_does_not_join_two_numbers_into_one() -> None:
    # "1 30" must not become 130 minutes (2 h 10): it is refused, so staff write 1:30.
    error_of(parse_duration, "1 30")

    assert parse_duration("1:30") == 90


def test_parse_duration_has_its_own_message_for_nonsense_zero_and_too_long() -> None:
    def template(text: str) -> str:
        return error_of(parse_duration, text).replace(text, "…")

    nonsense, too_long, zero = template("xyz"), template("13h"), error_of(parse_duration, "0")
    time_of_day = template("12:00")

    assert template("abc") == nonsense
    assert template("481") == too_long
    assert len({nonsense, too_long, zero, time_of_day}) == 4


def test_parse_duration_escapes_what_it_quotes() -> None:
    message = error_of(parse_duration, "<b>45</b>")

    assert "&lt;b&gt;45&lt;/b&gt;" in message
    assert "<b>" not in message


@checked(300)
@given(ANY_TEXT)
def test_parse_duration_gives_one_minute_to_eight_hours_or_a_parse_error(text: str) -> None:
    minutes = value_or_none(parse_duration, text)

    assert minutes is None or 1 <= minutes <= MAX_MINUTES


@checked()
@given(st.integers(min_value=1, max_value=MAX_MINUTES).flatmap(
    lambda minutes: st.tuples(st.just(minutes), duration_tokens(minutes))
))  # fmt: skip
def test_parse_duration_reads_back_every_spelling_of_a_valid_duration(
    case: tuple[int, list[str]],
) -> None:
    minutes, tokens = case

    assert parse_duration(" ".join(tokens)) == minutes


@checked()
@given(st.integers(min_value=MAX_MINUTES + 1, max_value=10**6), st.sampled_from(["", "m", "min"]))
def test_parse_duration_refuses_every_count_of_minutes_over_eight_hours(
    minutes: int, unit: str
) -> None:
    assert value_or_none(parse_duration, f"{minutes}{unit}") is None


# Contact dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("heute", TODAY), ("today", TODAY), (" Heute ", TODAY), ("HEUTE", TODAY),
        ("gestern", date(2026, 11, 23)), ("yesterday", date(2026, 11, 23)),
        ("vorgestern", date(2026, 11, 22)), ("24.11.", TODAY), ("1.11.", date(2026, 11, 1)),
        ("24.11.2026", TODAY), ("2026-11-24", TODAY), ("24.11.26", TODAY),
        ("01.06.", date(2026, 6, 1)), ("3.2.2026", date(2026, 2, 3)),
        # The oldest day allowed is 366 days back.
        ("23.11.2025", date(2025, 11, 23)),
    ],
)  # fmt: skip
def test_parse_contact_date_reads_words_and_dates(text: str, expected: date) -> None:
    assert parse_contact_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # A date without a year is the occurrence nearest today.
        ("30.12.", date(2027, 1, 3), date(2026, 12, 30)),
        ("31.12.", date(2027, 1, 1), date(2026, 12, 31)),
        ("24.12.", date(2027, 1, 10), date(2026, 12, 24)),
        ("02.01.", date(2027, 1, 3), date(2027, 1, 2)),
        ("gestern", date(2027, 1, 1), date(2026, 12, 31)),
        ("29.02.", date(2028, 3, 5), date(2028, 2, 29)),
        ("29.02.", date(2028, 2, 29), date(2028, 2, 29)),
        ("29.02.", date(2029, 1, 10), date(2028, 2, 29)),
        ("29.02.2028", date(2028, 12, 1), date(2028, 2, 29)),
        ("28.02.", date(2029, 3, 1), date(2029, 2, 28)),
    ],
)
def test_parse_contact_date_takes_the_nearest_year_across_new_year_and_leap_days(
    text: str, today: date, expected: date
) -> None:
    assert parse_contact_date(text, today) == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("morgen", date(2026, 11, 25)), ("tomorrow", date(2026, 11, 25)),
        ("übermorgen", date(2026, 11, 26)), ("25.11.", date(2026, 11, 25)),
        ("25.11.2026", date(2026, 11, 25)), ("2027-01-01", date(2027, 1, 1)),
        ("01.01.", date(2027, 1, 1)),
    ],
)  # fmt: skip
def test_parse_contact_date_refuses_the_future_naming_the_date(text: str, day: date) -> None:
    message = error_of(parse_contact_date, text, TODAY)

    assert german_date(day) in message


@pytest.mark.parametrize(
    ("text", "day"),
    [("22.11.2025", date(2025, 11, 22)), ("2020-01-01", date(2020, 1, 1)),
     ("24.11.1926", date(1926, 11, 24))],
)  # fmt: skip
def test_parse_contact_date_refuses_more_than_a_year_back_naming_the_date(
    text: str, day: date
) -> None:
    message = error_of(parse_contact_date, text, TODAY)

    assert german_date(day) in message


@pytest.mark.parametrize(
    "text",
    ["", "abc", "31.02.", "32.01.", "24.13.", "0.11.", "24.0.", "2026-02-30", "2026-13-01",
     "0000-01-01", "24.11", "24/11/2026", "24.11.202", "11-24",
     "29.02."],  # in none of 2025, 2026 and 2027
)  # fmt: skip
def test_parse_contact_date_refuses_what_is_no_date_naming_it(text: str) -> None:
    message = error_of(parse_contact_date, text, TODAY)

    assert html.escape(text) in message


def test_parse_contact_date_refuses_29_february_whose_nearest_is_in_the_future() -> None:
    message = error_of(parse_contact_date, "29.02.", date(2027, 12, 31))

    assert german_date(date(2028, 2, 29)) in message


@checked(300)
@given(ANY_TEXT, TODAYS)
def test_parse_contact_date_gives_a_day_in_the_last_year_or_a_parse_error(
    text: str, today: date
) -> None:
    day = value_or_none(parse_contact_date, text, today)

    assert day is None or today - YEAR <= day <= today


@checked()
@given(TODAYS, st.integers(min_value=0, max_value=366), st.data())
def test_parse_contact_date_reads_back_every_spelling_of_a_day_in_the_last_year(
    today: date, back: int, data: st.DataObject
) -> None:
    day = today - timedelta(days=back)
    text = data.draw(contact_date_spellings(day, today))

    assert parse_contact_date(text, today) == day


@checked()
@given(TODAYS, st.integers(min_value=1, max_value=182))
def test_parse_contact_date_refuses_every_day_in_the_next_half_year(
    today: date, ahead: int
) -> None:
    day = today + timedelta(days=ahead)

    assert value_or_none(parse_contact_date, f"{day:%d.%m.}", today) is None
    assert value_or_none(parse_contact_date, day.isoformat(), today) is None


# Follow-up dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("heute", TODAY), ("today", TODAY), ("morgen", date(2026, 11, 25)),
        ("tomorrow", date(2026, 11, 25)), ("übermorgen", date(2026, 11, 26)),
        ("uebermorgen", date(2026, 11, 26)), ("02.12.", date(2026, 12, 2)),
        ("2.12.", date(2026, 12, 2)), ("24.11.", TODAY), ("02.12.2026", date(2026, 12, 2)),
        ("2026-12-02", date(2026, 12, 2)), ("15.05.", date(2027, 5, 15)),
        # The furthest day allowed is 366 days ahead.
        ("25.11.2027", date(2027, 11, 25)),
    ],
)  # fmt: skip
def test_parse_follow_up_date_reads_words_and_dates(text: str, expected: date) -> None:
    assert parse_follow_up_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mittwoch", date(2026, 11, 25)), ("Freitag", date(2026, 11, 27)),
        ("fr", date(2026, 11, 27)), ("friday", date(2026, 11, 27)), ("fri", date(2026, 11, 27)),
        ("sonntag", date(2026, 11, 29)), ("so", date(2026, 11, 29)),
        ("montag", date(2026, 11, 30)), ("MONDAY", date(2026, 11, 30)),
        # Today's weekday means the same day next week.
        ("dienstag", date(2026, 12, 1)), ("tuesday", date(2026, 12, 1)),
    ],
)  # fmt: skip
def test_parse_follow_up_date_reads_a_weekday_as_the_next_such_day(
    text: str, expected: date
) -> None:
    assert parse_follow_up_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("name", "weekday"),
    [
        (name, weekday)
        for weekday, german in enumerate(GERMAN_WEEKDAYS)
        for name in (german, german[:2], ENGLISH_WEEKDAYS[weekday], ENGLISH_WEEKDAYS[weekday][:3])
    ],
)
def test_parse_follow_up_date_knows_every_weekday_in_long_and_short_form(
    name: str, weekday: int
) -> None:
    # TODAY is a Tuesday (weekday 1): Monday is in 6 days, Tuesday in 7, Wednesday in 1.
    assert parse_follow_up_date(name, TODAY) == TODAY + timedelta(days=(weekday - 2) % 7 + 1)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("05.01.", date(2026, 12, 20), date(2027, 1, 5)),
        ("02.01.", date(2026, 12, 31), date(2027, 1, 2)),
        ("30.12.", date(2026, 12, 28), date(2026, 12, 30)),
        ("morgen", date(2026, 12, 31), date(2027, 1, 1)),
        ("freitag", date(2026, 12, 31), date(2027, 1, 1)),
        ("29.02.", date(2027, 12, 1), date(2028, 2, 29)),
        ("01.03.", date(2028, 2, 28), date(2028, 3, 1)),
    ],
)
def test_parse_follow_up_date_takes_the_nearest_year_across_new_year_and_leap_days(
    text: str, today: date, expected: date
) -> None:
    assert parse_follow_up_date(text, today) == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [("gestern", date(2026, 11, 23)), ("yesterday", date(2026, 11, 23)),
     ("23.11.", date(2026, 11, 23)), ("2026-11-01", date(2026, 11, 1)),
     ("01.01.2026", date(2026, 1, 1)), ("01.06.", date(2026, 6, 1))],
)  # fmt: skip
def test_parse_follow_up_date_refuses_the_past_naming_the_date(text: str, day: date) -> None:
    message = error_of(parse_follow_up_date, text, TODAY)

    assert german_date(day) in message


@pytest.mark.parametrize(
    ("text", "day"),
    [("26.11.2027", date(2027, 11, 26)), ("2030-01-01", date(2030, 1, 1))],
)
def test_parse_follow_up_date_refuses_more_than_a_year_ahead_naming_the_date(
    text: str, day: date
) -> None:
    message = error_of(parse_follow_up_date, text, TODAY)

    assert german_date(day) in message


@pytest.mark.parametrize("text", ["", "bald", "31.11.", "02.12", "next", "montags", "29.02."])
def test_parse_follow_up_date_refuses_what_is_no_date_naming_it(text: str) -> None:
    message = error_of(parse_follow_up_date, text, TODAY)

    assert html.escape(text) in message


@checked(300)
@given(ANY_TEXT, TODAYS)
def test_parse_follow_up_date_gives_a_day_in_the_next_year_or_a_parse_error(
    text: str, today: date
) -> None:
    day = value_or_none(parse_follow_up_date, text, today)

    assert day is None or today <= day <= today + YEAR


@checked()
@given(TODAYS, st.integers(min_value=0, max_value=366), st.data())
def test_parse_follow_up_date_reads_back_every_spelling_of_a_day_in_the_next_year(
    today: date, ahead: int, data: st.DataObject
) -> None:
    day = today + timedelta(days=ahead)
    text = data.draw(follow_up_date_spellings(day, today))

    assert parse_follow_up_date(text, today) == day


@checked()
@given(TODAYS, st.sampled_from(GERMAN_WEEKDAYS + ENGLISH_WEEKDAYS))
def test_parse_follow_up_date_gives_a_weekday_within_the_next_seven_days(
    today: date, name: str
) -> None:
    day = parse_follow_up_date(name, today)

    assert 1 <= (day - today).days <= 7
    assert day.weekday() == (GERMAN_WEEKDAYS + ENGLISH_WEEKDAYS).index(name) % 7


@checked()
@given(TODAYS, st.integers(min_value=1, max_value=182))
def test_parse_follow_up_date_refuses_every_day_of_the_last_half_year(
    today: date, back: int
) -> None:
    day = today - timedelta(days=back)

    assert value_or_none(parse_follow_up_date, f"{day:%d.%m.}", today) is None
    assert value_or_none(parse_follow_up_date, day.isoformat(), today) is None


# Family codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family_id", "code"), [(1, "F-0001"), (42, "F-0042"), (9999, "F-9999"), (12345, "F-12345")]
)
def test_family_code_has_at_least_four_digits(family_id: int, code: str) -> None:
    assert family_code(family_id) == code


@pytest.mark.parametrize(
    ("text", "family_id"),
    [("F-0042", 42), ("f-0042", 42), ("F-42", 42), ("F42", 42), ("f0042", 42),
     (" F-0042 ", 42), ("F-0001", 1), ("F-10", 10), ("F-1234567", 1234567)],
)  # fmt: skip
def test_parse_family_code_reads_codes_with_or_without_dash_and_zeros(
    text: str, family_id: int
) -> None:
    assert parse_family_code(text) == family_id


@pytest.mark.parametrize(
    "text",
    ["", "F-", "F-0000", "F-0", "42", "0042", "G-0042", "F--42", "F-42a", "F 42", "F-12345678",
     "F-4.2", "Familie 42", "#42"],
)  # fmt: skip
def test_parse_family_code_refuses_what_is_no_family_code_naming_it(text: str) -> None:
    assert html.escape(text) in error_of(parse_family_code, text)


@checked()
@given(st.integers(min_value=1, max_value=9_999_999))
def test_family_codes_parse_back_to_their_number(family_id: int) -> None:
    assert parse_family_code(family_code(family_id)) == family_id
    assert parse_family_code(family_code(family_id).lower()) == family_id


@checked(300)
@given(ANY_TEXT)
def test_parse_family_code_gives_a_positive_number_or_a_parse_error(text: str) -> None:
    family_id = value_or_none(parse_family_code, text)

    assert family_id is None or 1 <= family_id <= 9_999_999


# The /log quick form -----------------------------------------------------------------------


def test_parse_log_reads_the_example_of_the_issue() -> None:
    assert parse_log(ISSUE_EXAMPLE, TODAY) == ContactDraft(
        family_id=42,
        contact_on=TODAY,
        minutes=45,
        contact_type=ContactType.HOME_VISIT,
        topics=(Topic.RESIDENCE, Topic.WORK),
        note="Termin bei der Ausländerbehörde vorbereitet",
    )


def test_parse_log_reads_the_example_it_shows_in_its_messages() -> None:
    draft = parse_log(casework_contacts.LOG_EXAMPLE.removeprefix("/log "), TODAY)

    assert (draft.family_id, draft.minutes, draft.note) == (42, 45, "Termin vorbereitet")


def test_parse_log_reads_every_part_in_english() -> None:
    draft = parse_log(
        "F-7 yesterday 30min phone work,housing ref jobcenter next friday: called about the flat",
        TODAY,
    )

    assert draft == ContactDraft(
        family_id=7,
        contact_on=date(2026, 11, 23),
        minutes=30,
        contact_type=ContactType.PHONE,
        topics=(Topic.WORK, Topic.HOUSING),
        note="called about the flat",
        referral=Service.JOBCENTER,
        follow_up_on=date(2026, 11, 27),
    )


@pytest.mark.parametrize(
    ("arguments", "contact_on"),
    [
        ("F-0042 gestern 45m hausbesuch arbeit", date(2026, 11, 23)),
        ("F-0042 20.11. 45m hausbesuch arbeit", date(2026, 11, 20)),
        ("F-0042 20.11.2026 45m hausbesuch arbeit", date(2026, 11, 20)),
        ("F-0042 2026-11-20 45m hausbesuch arbeit", date(2026, 11, 20)),
        ("F-0042 45m hausbesuch arbeit vorgestern", date(2026, 11, 22)),
        ("F-0042 45m hausbesuch arbeit", TODAY),
    ],
)
def test_parse_log_reads_an_optional_contact_date(arguments: str, contact_on: date) -> None:
    assert parse_log(arguments, TODAY).contact_on == contact_on


@pytest.mark.parametrize(
    ("duration", "minutes"),
    [("45", 45), ("45m", 45), ("45min", 45), ("45 min", 45), ("1h", 60), ("1 h", 60),
     ("1,5h", 90), ("1.5h", 90), ("1.5 h", 90), ("1,5 h", 90), ("1:30", 90), ("1h30", 90),
     ("2 Stunden", 120), ("8 h", 480)],
)  # fmt: skip
def test_parse_log_reads_a_duration_as_one_or_two_tokens(duration: str, minutes: int) -> None:
    assert parse_log(f"F-0042 {duration} beratung arbeit", TODAY).minutes == minutes


def test_parse_log_does_not_take_the_colon_of_a_duration_for_the_note() -> None:
    draft = parse_log("F-0042 1:30 beratung aufenthalt: Antrag um 10:30: besprochen", TODAY)

    assert draft.minutes == 90
    assert draft.note == "Antrag um 10:30: besprochen"


@pytest.mark.parametrize(
    ("arguments", "note"),
    [
        ("F-0042 45m hb arbeit: Notiz", "Notiz"),
        ("F-0042 45m hb arbeit: Notiz: mehr", "Notiz: mehr"),
        ("F-0042 45m hb arbeit :  Notiz  ", "Notiz"),
        ("F-0042 45m hb arbeit:\nZeile 1\nZeile 2", "Zeile 1\nZeile 2"),
        ("F-0042 45m hb arbeit:", ""),
        ("F-0042 45m hb arbeit", ""),
    ],
)
def test_parse_log_takes_the_note_after_the_first_colon_that_ends_a_word(
    arguments: str, note: str
) -> None:
    assert parse_log(arguments, TODAY).note == note


def test_parse_log_takes_a_colon_inside_a_word_for_part_of_the_word() -> None:
    assert "arbeit:Notiz" in error_of(parse_log, "F-0042 45m hb arbeit:Notiz", TODAY)


@pytest.mark.parametrize(
    ("note", "gap"),
    [("#struktur Wartezeit ABH", True), ("4 Monate Wartezeit #Struktur", True),
     ("Wartezeit #STRUKTUR.", True), ("struktur ohne Raute", False), ("Termin", False),
     ("", False)],
)  # fmt: skip
def test_parse_log_marks_a_structural_gap_by_the_tag_in_the_note(note: str, gap: bool) -> None:
    assert parse_log(f"F-0042 45m hb arbeit: {note}", TODAY).structural_gap is gap


def test_parse_log_does_not_read_the_tag_before_the_note() -> None:
    assert "#struktur" in error_of(parse_log, "F-0042 45m hb arbeit #struktur", TODAY)


@pytest.mark.parametrize(
    ("referral", "service"),
    [("ref jobcenter", Service.JOBCENTER), ("REF JC", Service.JOBCENTER),
     ("->jobcenter", Service.JOBCENTER), ("-> jobcenter", Service.JOBCENTER),
     ("→abh", Service.IMMIGRATION_OFFICE), ("→ Ausländerbehörde", Service.IMMIGRATION_OFFICE),
     ("an sozialamt", Service.SOCIAL_OFFICE), ("verweis jugendamt", Service.YOUTH_OFFICE),
     ("ref kita", Service.KITA), ("ref schule", Service.SCHOOL),
     ("ref migrationsberatung", Service.COUNSELLING)],
)  # fmt: skip
def test_parse_log_reads_a_referral(referral: str, service: Service) -> None:
    draft = parse_log(f"F-0042 45m hb arbeit {referral}", TODAY)

    assert draft.referral is service
    assert draft.topics == (Topic.WORK,)


def test_parse_log_reads_kita_and_schule_as_topics_unless_they_are_referred_to() -> None:
    draft = parse_log("F-0042 45m hb kita,schule ref kita", TODAY)

    assert draft.topics == (Topic.CHILDCARE, Topic.SCHOOL)
    assert draft.referral is Service.KITA


@pytest.mark.parametrize(
    ("follow_up", "day"),
    [("next 02.12.", date(2026, 12, 2)), ("wv freitag", date(2026, 11, 27)),
     ("wiedervorlage morgen", date(2026, 11, 25)), ("followup tomorrow", date(2026, 11, 25)),
     ("fu 2027-01-15", date(2027, 1, 15)), ("NEXT 05.01.", date(2027, 1, 5))],
)  # fmt: skip
def test_parse_log_reads_a_follow_up_date(follow_up: str, day: date) -> None:
    assert parse_log(f"F-0042 45m hb arbeit {follow_up}", TODAY).follow_up_on == day


def test_parse_log_gathers_topics_once_in_the_order_given() -> None:
    draft = parse_log("F-0042 45m hb wohnen,arbeit, aufenthalt arbeit Wohnung", TODAY)

    assert draft.topics == (Topic.HOUSING, Topic.WORK, Topic.RESIDENCE)


@pytest.mark.parametrize(
    ("word", "contact_type"),
    [("hausbesuch", ContactType.HOME_VISIT), ("HB", ContactType.HOME_VISIT),
     ("beratung", ContactType.OFFICE), ("büro", ContactType.OFFICE),
     ("telefon", ContactType.PHONE), ("phone", ContactType.PHONE), ("video", ContactType.VIDEO),
     ("begleitung", ContactType.ACCOMPANIMENT), ("fallkonferenz", ContactType.CASE_CONFERENCE),
     ("mail", ContactType.MESSAGE), ("E-Mail", ContactType.MESSAGE)],
)  # fmt: skip
def test_parse_log_reads_the_contact_type_in_german_and_english(
    word: str, contact_type: ContactType
) -> None:
    assert parse_log(f"F-0042 45m {word} arbeit", TODAY).contact_type is contact_type


def test_parse_log_refuses_an_empty_form_and_a_missing_code() -> None:
    error_of(parse_log, "", TODAY)
    error_of(parse_log, "   : nur eine Notiz", TODAY)

    assert "45m" in error_of(parse_log, "45m hausbesuch arbeit", TODAY)


def test_parse_log_asks_for_each_missing_part_with_its_own_message() -> None:
    missing_duration = error_of(parse_log, "F-0042 hausbesuch arbeit", TODAY)
    missing_type = error_of(parse_log, "F-0042 45m arbeit", TODAY)
    missing_topics = error_of(parse_log, "F-0042 45m hausbesuch: Notiz", TODAY)

    assert len({missing_duration, missing_type, missing_topics}) == 3
    for message in (missing_duration, missing_type, missing_topics):
        assert casework_contacts.LOG_EXAMPLE in message


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ("F-0042 45m hb arbeit blabla", "blabla"),
        ("F-0042 45m hb arbeit,blabla", "arbeit,blabla"),
        ("F-0042 45x hb arbeit", "45x"),
        ("F-0042 13h hb arbeit", "13h"),
        ("F-0042 13 h hb arbeit", "13h"),
        ("F-0042 45m 30m hb arbeit", "30m"),
        ("F-0042 45m hb telefon arbeit", "telefon"),
        ("F-0042 gestern 45m hb arbeit heute", "heute"),
        ("F-0042 45m hb arbeit ref", "ref"),
        ("F-0042 45m hb arbeit verweis", "verweis"),
        ("F-0042 45m hb arbeit ref nirgendwo", "nirgendwo"),
        ("F-0042 45m hb arbeit ->nirgendwo", "nirgendwo"),
        ("F-0042 45m hb arbeit next", "next"),
        ("F-0042 45m hb arbeit next bald", "bald"),
        ("F-0042 45m hb arbeit next 23.11.", "23.11.2026"),
        ("F-0042 morgen 45m hb arbeit", "25.11.2026"),
        ("F-0042 01.01.2020 45m hb arbeit", "01.01.2020"),
        ("F-0042 31.02. 45m hb arbeit", "31.02."),
        ("F-0000 45m hb arbeit", "F-0000"),
    ],
)
def test_parse_log_names_the_part_that_is_wrong(arguments: str, named: str) -> None:
    assert named in error_of(parse_log, arguments, TODAY)


def test_parse_log_refuses_zero_minutes_as_parse_duration_does() -> None:
    message = error_of(parse_log, "F-0042 0m hb arbeit", TODAY)

    assert message == error_of(parse_duration, "0m")


def test_parse_log_escapes_what_it_quotes() -> None:
    unknown = error_of(parse_log, "F-0042 45m hb <b>arbeit</b>", TODAY)
    dangling = error_of(parse_log, "F-0042 45m hb arbeit ->", TODAY)

    assert "&lt;b&gt;arbeit&lt;/b&gt;" in unknown
    assert "<b>" not in unknown
    assert "-&gt;" in dangling


def test_parse_log_refuses_a_note_longer_than_the_limit() -> None:
    assert (
        len(parse_log("F-1 5m hb arbeit: " + "x" * MAX_NOTE_LENGTH, TODAY).note) == MAX_NOTE_LENGTH
    )

    message = error_of(parse_log, "F-1 5m hb arbeit: " + "x" * (MAX_NOTE_LENGTH + 1), TODAY)

    assert str(MAX_NOTE_LENGTH + 1) in message
    assert str(MAX_NOTE_LENGTH) in message


@checked(300)
@given(ANY_TEXT, TODAYS)
def test_parse_log_gives_a_valid_draft_or_a_parse_error(text: str, today: date) -> None:
    draft = value_or_none(parse_log, text, today)

    if draft is not None:
        assert isinstance(draft, ContactDraft)
        assert draft.family_id >= 1
        assert today - YEAR <= draft.contact_on <= today
        assert 1 <= draft.minutes <= MAX_MINUTES
        assert isinstance(draft.contact_type, ContactType)
        assert draft.topics
        assert all(isinstance(topic, Topic) for topic in draft.topics)
        assert len(set(draft.topics)) == len(draft.topics)
        assert draft.note == draft.note.strip()
        assert len(draft.note) <= MAX_NOTE_LENGTH
        assert draft.referral is None or isinstance(draft.referral, Service)
        assert draft.follow_up_on is None or today <= draft.follow_up_on <= today + YEAR


@checked(300)
@given(quick_logs())
def test_parse_log_reads_back_every_generated_quick_form(
    case: tuple[str, date, ContactDraft],
) -> None:
    text, today, expected = case

    draft = parse_log(text, today)

    assert draft == expected
    assert draft.structural_gap is bool(re.search(r"#struktur\b", expected.note, re.IGNORECASE))


# The /newfamily quick form -----------------------------------------------------------------


def test_parse_new_family_reads_the_example_it_shows() -> None:
    arguments = casework_families.NEW_FAMILY_EXAMPLE.removeprefix("/newfamily ")

    assert parse_new_family(arguments, TOWNS) == FamilyDraft(
        town="Ahlen", origin="UA", household_size=4, languages=("uk", "ru"), fled_ukraine=True
    )


def test_parse_new_family_reads_every_extra() -> None:
    draft = parse_new_family("warendorf Syrien 5 Arabisch,ku asylblg einwilligung", TOWNS)

    assert draft == FamilyDraft(
        town="Warendorf",
        origin="SY",
        household_size=5,
        languages=("ar", "ku"),
        fled_ukraine=False,
        benefit_system=BenefitSystem.ASYLBLG,
        consent=True,
    )


@pytest.mark.parametrize(
    ("arguments", "origin"),
    [("Beckum Sri Lanka 3 ta", "LK"), ("Beckum sri-lanka 3 ta", "LK"),
     ("Oelde Bosnien und Herzegowina 2 bs", "BA"), ("Oelde Україна 2 uk", "UA"),
     ("Oelde ua 2 uk", "UA"), ("Oelde Afghanistan 6 Dari,ps", "AF")],
)  # fmt: skip
def test_parse_new_family_reads_a_country_of_several_words(arguments: str, origin: str) -> None:
    assert parse_new_family(arguments, TOWNS).origin == origin


@pytest.mark.parametrize(
    ("arguments", "fled"),
    [("Ahlen UA 4 uk", True), ("Ahlen UA 4 uk keine-flucht", False),
     ("Ahlen UA 4 uk not-fled", False), ("Ahlen SY 4 ar", False),
     ("Ahlen SY 4 ar geflüchtet", True), ("Ahlen RU 4 ru ukraine-flucht", True),
     ("Ahlen RU 4 ru Gefluechtet", True)],
)  # fmt: skip
def test_parse_new_family_takes_flight_from_ukraine_from_origin_unless_said(
    arguments: str, fled: bool
) -> None:
    assert parse_new_family(arguments, TOWNS).fled_ukraine is fled


@pytest.mark.parametrize(
    ("word", "system"),
    [("sgb2", BenefitSystem.SGB_II), ("Bürgergeld", BenefitSystem.SGB_II),
     ("SGB-II", BenefitSystem.SGB_II), ("sgb12", BenefitSystem.SGB_XII),
     ("sozialhilfe", BenefitSystem.SGB_XII), ("asylblg", BenefitSystem.ASYLBLG),
     ("keine", BenefitSystem.NONE), ("none", BenefitSystem.NONE)],
)  # fmt: skip
def test_parse_new_family_reads_the_benefit_system(word: str, system: BenefitSystem) -> None:
    assert parse_new_family(f"Ahlen UA 4 uk {word}", TOWNS).benefit_system is system


def test_parse_new_family_uses_the_configured_towns() -> None:
    towns = ("Münster", "Bad Laer")

    assert parse_new_family("MÜNSTER UA 2 uk", towns).town == "Münster"
    assert parse_new_family("bad-laer UA 2 uk", towns).town == "Bad Laer"
    assert "Ahlen" in error_of(parse_new_family, "Ahlen UA 2 uk", towns)


@pytest.mark.parametrize(
    "arguments",
    ["", "Ahlen", "Ahlen UA", "Ahlen UA 4", "Ahlen 4 uk", "Ahlen UA uk,ru", "4 Ahlen UA uk",
     "Ahlen Sri Lanka 4"],
)  # fmt: skip
def test_parse_new_family_asks_for_all_four_parts(arguments: str) -> None:
    assert casework_families.NEW_FAMILY_EXAMPLE in error_of(parse_new_family, arguments, TOWNS)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [("Münster UA 4 uk", "Münster"), ("Ahlen Atlantis 4 uk", "Atlantis"),
     ("Ahlen EU 4 uk", "EU"), ("Ahlen UA 0 uk", "0"), ("Ahlen UA 31 uk", "31"),
     ("Ahlen UA 4 uk,xyzisch", "xyzisch"), ("Ahlen UA 4 uk blabla", "blabla"),
     ("Ahlen UA 4 uk 5", "5"), ("Ahlen UA 4 <i>", "&lt;i&gt;"), ("Ahlen UA 1000 uk", "1000")],
)  # fmt: skip
def test_parse_new_family_names_the_part_that_is_wrong(arguments: str, named: str) -> None:
    assert named in error_of(parse_new_family, arguments, TOWNS)


@checked(300)
@given(ANY_TEXT)
def test_parse_new_family_gives_a_valid_draft_or_a_parse_error(text: str) -> None:
    draft = value_or_none(parse_new_family, text, TOWNS)

    if draft is not None:
        assert isinstance(draft, FamilyDraft)
        assert draft.town in TOWNS
        assert len(draft.origin) == 2
        assert draft.origin in country_codes()
        assert 1 <= draft.household_size <= MAX_HOUSEHOLD
        assert draft.languages
        assert all(find_language(code) == code for code in draft.languages)
        assert draft.benefit_system is None or isinstance(draft.benefit_system, BenefitSystem)


@checked(300)
@given(quick_families())
def test_parse_new_family_reads_back_every_generated_quick_form(
    case: tuple[str, FamilyDraft],
) -> None:
    text, expected = case

    assert parse_new_family(text, TOWNS) == expected


# The parts of the /newfamily dialog --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "town"),
    [("Ahlen", "Ahlen"), ("ahlen", "Ahlen"), ("  WARENDORF ", "Warendorf"), ("Telgte", "Telgte")],
)
def test_parse_town_finds_the_town_in_any_case(text: str, town: str) -> None:
    assert parse_town(text, TOWNS) == town


@pytest.mark.parametrize("text", ["", "Münster", "Ahle", "Ahlen Beckum"])
def test_parse_town_refuses_other_places_naming_them_and_the_towns(text: str) -> None:
    message = error_of(parse_town, text, TOWNS)

    assert text in message
    assert all(town in message for town in TOWNS)


@checked(200)
@given(ANY_TEXT)
def test_parse_town_gives_a_configured_town_or_a_parse_error(text: str) -> None:
    town = value_or_none(parse_town, text, TOWNS)

    assert town is None or town in TOWNS


@pytest.mark.parametrize(
    ("text", "code"),
    [("UA", "UA"), ("ua", "UA"), (" SY ", "SY"), ("Ukraine", "UA"), ("Україна", "UA"),
     ("Syrien", "SY"), ("Syria", "SY"), ("Afghanistan", "AF"), ("Irak", "IQ"), ("Iraq", "IQ"),
     ("Türkei", "TR"), ("Sri Lanka", "LK"), ("sri-lanka", "LK"), ("Kosovo", "XK"),
     ("Deutschland", "DE"), ("Russland", "RU")],
)  # fmt: skip
def test_parse_country_reads_codes_and_names(text: str, code: str) -> None:
    assert parse_country(text) == code
    assert find_country(text) == code


@pytest.mark.parametrize(
    "text",
    # "ß" is no code, although it is "SS" (South Sudan) in upper case.
    ["", "EU", "UN", "ZZ", "Atlantis", "U", "UAX", "Europa", "ß"],
)
def test_parse_country_refuses_what_is_no_country_of_origin_naming_it(text: str) -> None:
    assert find_country(text) is None
    assert text in error_of(parse_country, text)


def test_find_country_reads_every_country_by_its_name_in_german_english_and_ukrainian() -> None:
    wrong = [(code, name) for code, name in COUNTRY_NAMES if find_country(name) != code]

    assert wrong == []


@checked(300)
@given(ANY_TEXT)
def test_parse_country_gives_a_two_letter_code_or_a_parse_error(text: str) -> None:
    code = value_or_none(parse_country, text)

    assert code is None or (code in country_codes() and len(code) == 2 and code.isupper())


@pytest.mark.parametrize(
    ("text", "codes"),
    [("uk,ru", ("uk", "ru")), ("UK, RU", ("uk", "ru")), ("Arabisch", ("ar",)),
     ("Arabic,Dari", ("ar", "prs")), ("Ukrainisch,Russisch", ("uk", "ru")),
     ("українська", ("uk",)), ("uk,uk,ru", ("uk", "ru")), ("uk,,ru,", ("uk", "ru")),
     ("Persisch", ("fa",)), ("Paschtu", ("ps",))],
)  # fmt: skip
def test_parse_languages_reads_codes_and_names_separated_by_commas(
    text: str, codes: tuple[str, ...]
) -> None:
    assert parse_languages(text) == codes


@pytest.mark.parametrize(("text", "named"), [("uk,xyzisch", "xyzisch"), ("xyz", "xyz")])
def test_parse_languages_refuses_an_unknown_language_naming_it(text: str, named: str) -> None:
    assert named in error_of(parse_languages, text)


@pytest.mark.parametrize("text", ["", " ", ",", " , ,"])
def test_parse_languages_refuses_no_language_at_all(text: str) -> None:
    error_of(parse_languages, text)


@checked(300)
@given(ANY_TEXT)
def test_parse_languages_gives_known_codes_once_each_or_a_parse_error(text: str) -> None:
    codes = value_or_none(parse_languages, text)

    if codes is not None:
        assert codes
        assert len(set(codes)) == len(codes)
        assert all(find_language(code) == code for code in codes)


@pytest.mark.parametrize(
    ("text", "size"), [("1", 1), ("4", 4), (" 12 ", 12), ("30", 30), ("04", 4)]
)
def test_parse_household_size_reads_one_to_thirty_people(text: str, size: int) -> None:
    assert parse_household_size(text) == size


@pytest.mark.parametrize("text", ["0", "31", "100", "1000", "-1", "4.5", "vier", "", "4 Personen"])
def test_parse_household_size_refuses_other_numbers_naming_them(text: str) -> None:
    message = error_of(parse_household_size, text)

    assert text in message
    assert str(MAX_HOUSEHOLD) in message


@checked(300)
@given(ANY_TEXT)
def test_parse_household_size_gives_one_to_thirty_or_a_parse_error(text: str) -> None:
    size = value_or_none(parse_household_size, text)

    assert size is None or 1 <= size <= MAX_HOUSEHOLD


# /flag -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("F-0042 wartezeit: 4 Monate Wartezeit auf Termin bei der ABH",
         (42, FlagCategory.WAITING_TIME, "4 Monate Wartezeit auf Termin bei der ABH")),
        ("f7 Schnittstelle:  JC und ABH  ", (7, FlagCategory.INTERFACE, "JC und ABH")),
        ("F-1 angebot: Kein Sprachkurs um 10:30: voll", (1, FlagCategory.MISSING_SERVICE,
                                                         "Kein Sprachkurs um 10:30: voll")),
        ("F-1 struktur: x", (1, FlagCategory.OTHER, "x")),
        ("F-1 waiting: x", (1, FlagCategory.WAITING_TIME, "x")),
    ],
)  # fmt: skip
def test_parse_flag_reads_code_category_and_description(
    arguments: str, expected: tuple[int, FlagCategory, str]
) -> None:
    assert parse_flag(arguments) == expected


@pytest.mark.parametrize(
    "arguments",
    ["F-0042 wartezeit", "F-0042 wartezeit:", "F-0042 wartezeit:   ", "F-0042: Beschreibung",
     "F-0042 wartezeit lang: x", "", ": x"],
)  # fmt: skip
def test_parse_flag_refuses_an_incomplete_flag_showing_an_example(arguments: str) -> None:
    assert "/flag F-0042 wartezeit:" in error_of(parse_flag, arguments)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [("F-0042 eile: x", "eile"), ("42 wartezeit: x", "42"), ("F-1 <b>: x", "&lt;b&gt;")],
)
def test_parse_flag_names_a_wrong_code_or_category(arguments: str, named: str) -> None:
    assert named in error_of(parse_flag, arguments)


def test_parse_flag_refuses_a_description_longer_than_the_limit() -> None:
    message = error_of(parse_flag, "F-1 wartezeit: " + "x" * (MAX_NOTE_LENGTH + 1))

    assert str(MAX_NOTE_LENGTH + 1) in message


@checked(300)
@given(ANY_TEXT)
def test_parse_flag_gives_a_valid_flag_or_a_parse_error(text: str) -> None:
    flag = value_or_none(parse_flag, text)

    if flag is not None:
        family_id, category, description = flag
        assert family_id >= 1
        assert isinstance(category, FlagCategory)
        assert description
        assert description == description.strip()
        assert len(description) <= MAX_NOTE_LENGTH


# Messages ----------------------------------------------------------------------------------


ERRORS = [
    (parse_duration, ("45x",), "45x"),
    (parse_duration, ("13h",), "13h"),
    (parse_contact_date, ("31.02.", TODAY), "31.02."),
    (parse_follow_up_date, ("bald", TODAY), "bald"),
    (parse_family_code, ("G-42",), "G-42"),
    (parse_log, ("F-0042 45m hb blabla", TODAY), "blabla"),
    (parse_log, ("F-0042 45m hb arbeit next", TODAY), "next"),
    (parse_log, ("F-0042 45m hb arbeit ref", TODAY), "ref"),
    (parse_log, ("F-0042 45m hb arbeit ref nirgendwo", TODAY), "nirgendwo"),
    (parse_log, ("F-0042 45m 30m hb arbeit", TODAY), "30m"),
    (parse_new_family, ("Ahlen UA 4 uk blabla", TOWNS), "blabla"),
    (parse_town, ("Münster", TOWNS), "Münster"),
    (parse_country, ("Atlantis",), "Atlantis"),
    (parse_languages, ("xyzisch",), "xyzisch"),
    (parse_household_size, ("31",), "31"),
    (parse_flag, ("F-1 eile: x",), "eile"),
]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize(("parse", "args", "named"), ERRORS)
def test_every_parse_error_names_the_offending_part_in_every_language(
    locale: str, parse: Callable[..., object], args: tuple[object, ...], named: str
) -> None:
    with use_locale(locale):
        message = error_of(parse, *args)

    assert named in message


def test_a_parse_error_is_a_value_error_carrying_its_message() -> None:
    error = ParseError("Nachricht")

    assert isinstance(error, ValueError)
    assert (error.message, str(error)) == ("Nachricht", "Nachricht")


PARSERS_OF_TEXT: dict[str, Callable[[str], object]] = {
    "duration": parse_duration,
    "contact_date": lambda text: parse_contact_date(text, TODAY),
    "follow_up_date": lambda text: parse_follow_up_date(text, TODAY),
    "family_code": parse_family_code,
    "log": lambda text: parse_log(text, TODAY),
    "new_family": lambda text: parse_new_family(text, TOWNS),
    "languages": parse_languages,
    "country": parse_country,
    "town": lambda text: parse_town(text, TOWNS),
    "household_size": parse_household_size,
    "flag": parse_flag,
}


@checked(150)
@given(st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join), st.text(max_size=10))
def test_no_parser_repeats_markup_that_was_typed(words: str, suffix: str) -> None:
    text = f"{words} <u>{suffix}"
    for parse in PARSERS_OF_TEXT.values():
        try:
            parse(text)
        except ParseError as error:
            assert "<u>" not in error.message


HUGE = "9" * 5000  # more digits than int() converts


HUGE_TEXTS = [
    "{}", "{}m", "{}h", "1:{}", "{}:30", "1h{}", "F-{}", "{}.11.", "24.{}.", "24.11.{}",
    "{}-11-24", "F-1 {} hb arbeit", "F-1 45m hb arbeit next {}.12.", "Ahlen UA {} uk",
    "Ahlen UA 4 {}",
]  # fmt: skip


@pytest.mark.parametrize("parse", PARSERS_OF_TEXT.values(), ids=PARSERS_OF_TEXT.keys())
@pytest.mark.parametrize(
    "text", [text.format(HUGE) for text in HUGE_TEXTS], ids=[t.format("HUGE") for t in HUGE_TEXTS]
)
def test_no_parser_fails_on_huge_numbers(parse: Callable[[str], object], text: str) -> None:
    assert value_or_none(parse, text) is None


# The vocabulary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term_class", "word", "term"),
    [
        (ContactType, "Hausbesuch", ContactType.HOME_VISIT),
        (ContactType, "home visit", ContactType.HOME_VISIT),
        (ContactType, "E-Mail", ContactType.MESSAGE),
        (ContactType, "e_mail", ContactType.MESSAGE),
        (ContactType, "Email", ContactType.MESSAGE),
        (ContactType, "Büro", ContactType.OFFICE),
        (ContactType, "buero", ContactType.OFFICE),
        (ContactType, "Fall-Konferenz", ContactType.CASE_CONFERENCE),
        (Topic, "Aufenthalt", Topic.RESIDENCE),
        (Topic, "asylum", Topic.RESIDENCE),
        (Topic, "Einbürgerung", Topic.NATURALISATION),
        (Topic, "naturalization", Topic.NATURALISATION),
        (Topic, "Kita", Topic.CHILDCARE),
        (Service, "Kita", Service.KITA),
        (Service, "Ausländerbehörde", Service.IMMIGRATION_OFFICE),
        (Service, "ABH", Service.IMMIGRATION_OFFICE),
        (Service, "JC", Service.JOBCENTER),
        (BenefitSystem, "SGB II", BenefitSystem.SGB_II),
        (BenefitSystem, "Bürgergeld", BenefitSystem.SGB_II),
        (BenefitSystem, "SGB XII", BenefitSystem.SGB_XII),
        (BenefitSystem, "AsylbLG", BenefitSystem.ASYLBLG),
        (FlagCategory, "Wartezeit", FlagCategory.WAITING_TIME),
        (FlagCategory, "Lücke", FlagCategory.MISSING_SERVICE),
        (FlagCategory, "Struktur", FlagCategory.OTHER),
    ],
)
def test_terms_parse_from_german_and_english_words_in_any_spelling(
    term_class: type[terms.Term], word: str, term: terms.Term
) -> None:
    assert term_class.parse(word) is term


@pytest.mark.parametrize("term_class", [ContactType, Topic, Service, BenefitSystem, FlagCategory])
@pytest.mark.parametrize("word", ["", " ", "-", "xyz", "hausbesuchen", "aufenthalt,arbeit"])
def test_terms_do_not_parse_from_other_words(term_class: type[terms.Term], word: str) -> None:
    assert term_class.parse(word) is None


@pytest.mark.parametrize("term_class", [ContactType, Topic, Service, BenefitSystem, FlagCategory])
def test_every_word_of_a_term_parses_to_that_term_and_the_term_has_a_label(
    term_class: type[terms.Term],
) -> None:
    for term in term_class:
        assert term.label
        assert term.words
        for word in term.words:
            assert term_class.parse(word) is term
            assert term_class.parse(word.upper()) is term


def test_words_for_types_and_topics_do_not_clash_with_the_quick_form() -> None:
    type_words = {word for term in ContactType for word in term.words}
    topic_words = {word for term in Topic for word in term.words}
    keywords = (
        casework_contacts.FOLLOW_UP_WORDS
        | casework_contacts._REFERRAL_WORDS
        | parsing.DURATION_UNITS
    )
    keywords |= set(parsing._RELATIVE_DAYS)

    assert type_words & topic_words == set()
    assert (type_words | topic_words) & keywords == set()


@checked(200)
@given(ANY_TEXT)
def test_terms_parse_to_their_own_class_or_none(text: str) -> None:
    for term_class in (ContactType, Topic, Service, BenefitSystem, FlagCategory):
        term = term_class.parse(text)
        assert term is None or isinstance(term, term_class)


def test_topic_bits_never_change() -> None:
    # Stored in the database: a new topic is appended, never inserted.
    assert [topic.bit for topic in Topic] == [1 << index for index in range(len(Topic))]
    assert (Topic.RESIDENCE.bit, Topic.WORK.bit, Topic.OTHER.bit) == (1, 4, 1 << 12)


@checked()
@given(st.lists(st.sampled_from(list(Topic))))
def test_topics_round_trip_through_their_bits(topics: list[Topic]) -> None:
    bits = topics_to_bits(topics)

    assert topics_from_bits(bits) == [topic for topic in Topic if topic in topics]
    assert bits.bit_count() == len(set(topics))


@checked()
@given(st.integers(min_value=0, max_value=2**40))
def test_topics_from_bits_ignores_bits_of_no_topic(bits: int) -> None:
    assert topics_to_bits(topics_from_bits(bits)) == bits & ((1 << len(Topic)) - 1)


@pytest.mark.parametrize(
    ("text", "code"),
    [("uk", "uk"), ("UK", "uk"), (" ar ", "ar"), ("prs", "prs"), ("kmr", "kmr"),
     ("Arabisch", "ar"), ("arabic", "ar"), ("Dari", "prs"), ("Ukrainisch", "uk"),
     ("Українська", "uk"), ("Russian", "ru"), ("Tigrinya", "ti"), ("Somali", "so")],
)  # fmt: skip
def test_find_language_reads_codes_and_names(text: str, code: str) -> None:
    assert find_language(text) == code


@pytest.mark.parametrize("text", ["", "x", "xyz", "Xyzisch", "uk,ru"])
def test_find_language_knows_no_other_languages(text: str) -> None:
    assert find_language(text) is None


@checked(200)
@given(ANY_TEXT)
def test_find_language_gives_a_language_named_by_the_text_or_none(text: str) -> None:
    code = find_language(text)

    if code is not None:
        names = {normalise(language_name(code, locale)) for locale in SUPPORTED_LOCALES}
        key = normalise(text.strip().lower())
        # A name in one of the bot's languages, or a name staff use that CLDR spells otherwise.
        aliases = {
            alias for alias, aliased in core_names._LANGUAGE_ALIASES.items() if aliased == code
        }
        assert code == text.strip().lower() or key in names or key in aliases


@pytest.mark.parametrize(
    ("text", "locale", "first"),
    [("ukr", "de", "uk"), ("Ukr", "en", "uk"), ("укр", "uk", "uk"), ("arab", "de", "ar"),
     ("dari", "de", "prs"), ("russ", "de", "ru")],
)  # fmt: skip
def test_search_languages_puts_names_starting_with_the_text_first(
    text: str, locale: str, first: str
) -> None:
    assert search_languages(text, locale)[0] == first


def test_search_languages_finds_one_language_for_a_unique_beginning() -> None:
    assert search_languages("ukr", "de") == ["uk"]


def test_search_languages_lists_names_containing_the_text_after_those_starting_with_it() -> None:
    found = search_languages("arab", "de")

    assert "ar" in found
    names = [normalise(language_name(code, "de")) for code in found]
    starting = [name.startswith("arab") for name in names]
    assert starting == sorted(starting, reverse=True)
    assert any(not start for start in starting)


@pytest.mark.parametrize("text", ["", " ", "-", "./_"])
def test_search_languages_finds_nothing_for_no_text(text: str) -> None:
    assert search_languages(text, "de") == []


@checked(100)
@given(st.one_of(st.text(max_size=6), st.sampled_from(["a", "ar", "ukr", "kurd", "ch"])),
       st.sampled_from(SUPPORTED_LOCALES))  # fmt: skip
def test_search_languages_gives_distinct_codes_whose_name_contains_the_text(
    text: str, locale: str
) -> None:
    found = search_languages(text, locale)
    key = normalise(text)

    assert len(set(found)) == len(found)
    for code in found:
        assert key in normalise(language_name(code, locale))


def test_a_language_list_may_have_spaces_after_its_commas() -> None:
    assert parse_new_family("Ahlen UA 4 uk, ru ,ar asylblg", TOWNS).languages == ("uk", "ru", "ar")


def test_structural_tag_is_a_whole_word() -> None:
    today = date(2026, 11, 24)
    assert parse_log("F-1 45m hb arbeit: #Struktur!", today).structural_gap
    assert not parse_log("F-1 45m hb arbeit: #strukturell", today).structural_gap


def test_a_second_referral_or_follow_up_is_refused() -> None:
    today = date(2026, 11, 24)
    assert "„ref“" in error_of(parse_log, "F-1 45m hb arbeit ref jc ref abh", today)
    assert "„next“" in error_of(parse_log, "F-1 45m hb arbeit next 01.12. next 02.12.", today)


@pytest.mark.parametrize(
    ("name", "code"), [("Turkey", "TR"), ("Elfenbeinküste", "CI"), ("Weißrussland", "BY")]
)
def test_common_country_names_outside_cldr_are_found(name: str, code: str) -> None:
    assert find_country(name) == code


@pytest.mark.parametrize(
    ("name", "code"), [("Farsi", "fa"), ("Tigrinisch", "ti"), ("Sorani", "ckb"), ("Dari", "prs")]
)
def test_common_language_names_outside_cldr_are_found(name: str, code: str) -> None:
    assert find_language(name) == code


@pytest.mark.parametrize("code", ["und", "mul", "zxx"])
def test_placeholder_language_codes_are_not_languages(code: str) -> None:
    assert find_language(code) is None


def test_terms_of_different_vocabularies_with_the_same_value_keep_their_own_words() -> None:
    """Topic.SCHOOL and Service.SCHOOL are both "school": each keeps its label and words."""
    with use_locale("en"):
        assert (Topic.SCHOOL.label, Service.SCHOOL.label) == ("school and training", "school")
    assert Topic.parse("ausbildung") is Topic.SCHOOL
    assert Service.parse("ausbildung") is None
    assert ContactType.parse("phone") is ContactType.PHONE
