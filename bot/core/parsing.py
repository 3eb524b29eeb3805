"""Parsers for what staff type everywhere: durations, dates, notes.

Every parser returns a valid value or raises ParseError whose message, in the current
language, names the part that was wrong and shows a correct example. Nothing else escapes.
"""

from __future__ import annotations

import contextlib
import html
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from bot.core.i18n import _, format_date

# A contact or an interpreting appointment takes at most a working day; more is a typing
# error (a time of day, a forgotten unit).
MAX_MINUTES = 8 * 60
MAX_NOTE_LENGTH = 2000
# Typed years outside these are typing errors (and would reach the ends of the calendar).
YEARS = (2000, 2100)


_MINUTES = re.compile(r"^(\d{1,5})(m|min|mins|minute|minuten|minutes)?$")
_HOURS = re.compile(r"^(\d{1,3}(?:\.\d{1,3})?)(h|std|stunde|stunden|hour|hours)$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
# 1:30 is a duration; 12:00 or 09:30, with two digits for the hours, is a time of day.
_TIME_OF_DAY = re.compile(r"^\d{2}:\d{2}$")
_HOURS_MINUTES = re.compile(r"^(\d{1,2})h(\d{1,2})(m|min)?$")
# A space may stand between a number and its unit ("1.5 h"), never between two numbers.
_NUMBERS_APART = re.compile(r"\d\s+\d")
DURATION_UNITS = {"m", "min", "mins", "minute", "minuten", "minutes", "h", "std", "stunde",
                  "stunden", "hour", "hours"}  # fmt: skip
_SHORT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


# The note starts after the first colon that ends a word ("arbeit: Termin …"); the colon
# inside a duration such as 1:30 does not count.
_NOTE_SEPARATOR = re.compile(r":(?:\s|$)")

# Relative days and weekdays in German, English and Ukrainian; no word means two days.
_RELATIVE_DAYS = {
    "heute": 0, "today": 0, "сьогодні": 0,
    "gestern": -1, "yesterday": -1, "вчора": -1, "учора": -1,
    "vorgestern": -2, "позавчора": -2,
    "morgen": 1, "tomorrow": 1, "завтра": 1,
    "übermorgen": 2, "uebermorgen": 2, "післязавтра": 2,
}  # fmt: skip
_WEEKDAYS = {
    "montag": 0, "mo": 0, "monday": 0, "mon": 0,
    "понеділок": 0, "пн": 0,
    "dienstag": 1, "di": 1, "tuesday": 1, "tue": 1,
    "вівторок": 1, "вт": 1,
    "mittwoch": 2, "mi": 2, "wednesday": 2, "wed": 2,
    "середа": 2, "ср": 2,
    "donnerstag": 3, "do": 3, "thursday": 3, "thu": 3,
    "четвер": 3, "чт": 3,
    "freitag": 4, "fr": 4, "friday": 4, "fri": 4,
    "пʼятниця": 4, "п'ятниця": 4, "п’ятниця": 4, "пт": 4,
    "samstag": 5, "sa": 5, "saturday": 5, "sat": 5,
    "субота": 5, "сб": 5,
    "sonntag": 6, "so": 6, "sunday": 6, "sun": 6,
    "неділя": 6, "нд": 6,
}  # fmt: skip


class ParseError(ValueError):
    """What the person typed does not fit; `message` says why, with an example."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def quoted(text: str, limit: int = 60) -> str:
    """What the person typed, shortened and escaped, to show it back inside an HTML reply."""
    return html.escape(text[:limit])


def parse_duration(text: str) -> int:
    """Minutes from 45, 45m, 45min, 1h, 1,5h, 1.5 h, 1:30 or 1h30."""
    spaced = text.strip().lower().replace(",", ".")
    compact = "".join(spaced.split())
    if _TIME_OF_DAY.match(compact):
        raise ParseError(
            _(
                "“{text}” looks like a time of day, not a duration. Please give the duration "
                "instead, e.g. 45m or 1:30."
            ).format(text=quoted(text))
        )
    minutes = None if _NUMBERS_APART.search(spaced) else _duration_minutes(compact)
    if minutes is None:
        raise ParseError(
            _("“{text}” is not a duration. Examples: 45m, 1,5h, 1:30").format(text=quoted(text))
        )
    if minutes < 1:
        raise ParseError(_("A contact lasts at least one minute. Example: 45m"))
    if minutes > MAX_MINUTES:
        raise ParseError(
            _("“{text}” is more than {hours} hours: a contact or an appointment lasts at most "
              "{hours} hours. Example: 1:30").format(text=quoted(text), hours=MAX_MINUTES // 60)
        )  # fmt: skip
    return minutes


def _duration_minutes(compact: str) -> int | None:
    if match := _MINUTES.match(compact):
        return int(match.group(1))
    if match := _HOURS.match(compact):
        try:
            hours = Decimal(match.group(1))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return None
        return int((hours * 60).to_integral_value())
    if match := _CLOCK.match(compact):
        hours, minutes = int(match.group(1)), int(match.group(2))
        return hours * 60 + minutes if minutes < 60 else None
    if match := _HOURS_MINUTES.match(compact):
        hours, minutes = int(match.group(1)), int(match.group(2))
        return hours * 60 + minutes if minutes < 60 else None
    return None


def parse_contact_date(text: str, today: date) -> date:
    """The day a contact took place: today or earlier, at most a year back."""
    key = text.strip().lower()
    if key in _RELATIVE_DAYS:
        day: date | None = today + timedelta(days=_RELATIVE_DAYS[key])
    else:
        day = _calendar_date(key, today)
    if day is None:
        raise ParseError(
            _("“{text}” is not a date. Examples: heute, gestern, 24.11., 24.11.2026").format(
                text=quoted(text)
            )
        )
    if day > today:
        raise ParseError(
            _("{date} is in the future: contacts are logged for today or earlier.").format(
                date=format_date(day)
            )
        )
    if day < today - timedelta(days=366):
        raise ParseError(
            _("{date} is more than a year ago. Please check the year, e.g. 24.11.{year}.").format(
                date=format_date(day), year=today.year
            )
        )
    return day


def parse_follow_up_date(text: str, today: date) -> date:
    """The day to follow up: today or later, at most a year ahead; weekdays mean the next."""
    return _coming_date(
        text,
        today,
        not_a_date=_("“{text}” is not a follow-up date. Examples: morgen, freitag, 02.12."),
        passed=_("{date} has passed: a follow-up date is today or later."),
    )


def parse_appointment_date(text: str, today: date) -> date:
    """The day of an appointment (an interpreter's): today or later, at most a year ahead."""
    return _coming_date(
        text,
        today,
        not_a_date=_("“{text}” is not an appointment date. Examples: morgen, freitag, 02.12."),
        passed=_("{date} has passed: an appointment date is today or later."),
    )


def parse_coming_day(text: str, today: date) -> date:
    """The first or last day of a period ahead (a cover): today or later, up to a year."""
    return _coming_date(
        text,
        today,
        not_a_date=_("“{text}” is not a date. Examples: morgen, freitag, 18.12., 18.12.2026"),
        passed=_("{date} has passed: please give today or a later day."),
    )


def _coming_date(text: str, today: date, not_a_date: str, passed: str) -> date:
    """Today or a later day up to a year ahead; weekdays mean the next. `not_a_date` and
    `passed` say what the day is for."""
    key = text.strip().lower()
    if key in _RELATIVE_DAYS:
        day: date | None = today + timedelta(days=_RELATIVE_DAYS[key])
    elif key in _WEEKDAYS:
        day = today + timedelta(days=(_WEEKDAYS[key] - today.weekday() - 1) % 7 + 1)
    else:
        day = _calendar_date(key, today)
    if day is None:
        raise ParseError(not_a_date.format(text=quoted(text)))
    if day < today:
        raise ParseError(passed.format(date=format_date(day)))
    if day > today + timedelta(days=366):
        raise ParseError(
            _("{date} is more than a year ahead. Please check the year.").format(
                date=format_date(day)
            )
        )
    return day


def looks_like_full_date(text: str) -> bool:
    """Whether `text` has the shape of a date with its year (31.12.2026, 2026-12-31), to tell
    it from an amount among other words; parse_full_date checks it."""
    key = text.strip()
    return bool(_ISO_DATE.match(key) or _GERMAN_DATE.match(key)) and len(key) >= 10


def parse_full_date(text: str, example: str = "31.12.2026") -> date:
    """A date typed with its year, for periods: 31.12.2026 or 2026-12-31; a year out of
    range is refused with `example`."""
    key = text.strip()
    match = _ISO_DATE.match(key) or _GERMAN_DATE.match(key)
    if match is not None and len(key) >= 10:
        year, month, day = (1, 2, 3) if match.re is _ISO_DATE else (3, 2, 1)
        check_year(int(match.group(year)), text, example)
        with contextlib.suppress(ValueError):
            return date(int(match.group(year)), int(match.group(month)), int(match.group(day)))
    raise ParseError(
        _("“{text}” is not a date with a year. Examples: 31.12.2026, 2026-12-31").format(
            text=quoted(text)
        )
    )


def check_year(year: int, text: str, example: str) -> None:
    """Refuse a typed year outside YEARS, naming what was typed and showing `example`."""
    if not YEARS[0] <= year <= YEARS[1]:
        raise ParseError(
            _("“{text}” is out of range: please give a year from {first} to {last}. "
              "Example: {example}").format(
                text=quoted(text), first=YEARS[0], last=YEARS[1], example=example
            )
        )  # fmt: skip


def _calendar_date(key: str, today: date) -> date | None:
    """24.11., 24.11.2026, 24.11.26 or 2026-11-24.

    A date without a year is the occurrence nearest to today, so that "30.12." typed on
    3 January means the last December and "05.01." typed on 20 December the next January.
    """
    try:
        if match := _ISO_DATE.match(key):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _GERMAN_DATE.match(key):
            year = int(match.group(3))
            year += 2000 if year < 100 else 0
            return date(year, int(match.group(2)), int(match.group(1)))
        if match := _SHORT_DATE.match(key):
            month, day = int(match.group(2)), int(match.group(1))
            candidates = []
            for year in (today.year - 1, today.year, today.year + 1):
                with contextlib.suppress(ValueError):  # 29.02. exists in leap years only
                    candidates.append(date(year, month, day))
            if not candidates:
                return None
            return min(candidates, key=lambda candidate: abs(candidate - today))
    except ValueError:
        # 31.02. and the like; 29.02. moved to a year without it.
        return None
    return None


def check_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ParseError(
            _("The note is {length} characters long; at most {limit} fit.").format(
                length=len(note), limit=MAX_NOTE_LENGTH
            )
        )
    return note


def split_note(arguments: str) -> tuple[str, str]:
    match = _NOTE_SEPARATOR.search(arguments)
    if match is None:
        return arguments, ""
    return arguments[: match.start()], check_note(arguments[match.end() :])


def is_number(word: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}(?:[.,]\d{1,3})?", word))


def looks_like_date(word: str) -> bool:
    return word in _RELATIVE_DAYS or bool(
        _SHORT_DATE.match(word) or _GERMAN_DATE.match(word) or _ISO_DATE.match(word)
    )
