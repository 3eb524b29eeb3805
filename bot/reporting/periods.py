"""Reporting periods: ISO weeks, months, years, and how staff name them."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from babel.dates import get_month_names

from bot.core.i18n import _, format_date, month_name
from bot.core.parsing import ParseError, check_year, quoted
from bot.core.terms import normalise


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    # Any span of days, such as a committee report's period (days_period): no running
    # totals are kept for it, so families reached count only in weeks, months and years.
    DAYS = "days"


# The kinds of period the running totals are kept for.
TOTALLED = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.YEAR)


@dataclass(frozen=True)
class Period:
    """Days from `start` up to, not including, `end`."""

    kind: PeriodKind
    start: date
    end: date

    @property
    def key(self) -> str:
        """The key of the running totals: W2026-48, M2026-11, Y2026."""
        if self.kind is PeriodKind.WEEK:
            year, week, _weekday = self.start.isocalendar()
            return f"W{year}-{week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"M{self.start:%Y-%m}"
        if self.kind is PeriodKind.DAYS:
            return f"D{self.start.isoformat()}_{self.last_day.isoformat()}"
        return f"Y{self.start.year}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def previous(self) -> Period:
        if self.kind is PeriodKind.DAYS:
            return Period(self.kind, self.start - (self.end - self.start), self.start)
        return period_containing(self.kind, self.start - timedelta(days=1))

    def week_name(self) -> str:
        """A week as the bot names it in passing: "KW 48/2026"."""
        year, week, _weekday = self.start.isocalendar()
        return _("week {week}/{year}").format(week=week, year=year)

    def label(self) -> str:
        if self.kind is PeriodKind.WEEK:
            year, week, _weekday = self.start.isocalendar()
            return _("week {week}/{year} ({start} – {end})").format(
                week=week, year=year, start=format_date(self.start),
                end=format_date(self.last_day),
            )  # fmt: skip
        if self.kind is PeriodKind.MONTH:
            return _("{month} {year}").format(
                month=month_name(self.start.month), year=self.start.year
            )
        if self.kind is PeriodKind.DAYS:
            return _("{start} – {end}").format(
                start=format_date(self.start), end=format_date(self.last_day)
            )
        return str(self.start.year)


def days_period(first: date, last: date) -> Period:
    """The days from `first` to `last`, both included."""
    return Period(PeriodKind.DAYS, first, last + timedelta(days=1))


def period_containing(kind: PeriodKind, day: date) -> Period:
    if kind is PeriodKind.WEEK:
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=7))
    if kind is PeriodKind.MONTH:
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return Period(kind, start, following)
    if kind is PeriodKind.YEAR:
        return Period(kind, date(day.year, 1, 1), date(day.year + 1, 1, 1))
    raise ValueError(f"no {kind.value} period contains a given day: see days_period")


# Every form the bot prints ("KW 48/2026", "week 48/2026", "тиждень 48/2026") or staff type.
_WEEK_WORD = r"(?:kw|cw|w|wk|week|woche|тиждень|тиж)\.?"
_ISO_WEEK = re.compile(r"^(\d{4})\s*-?\s*w\s*(\d{1,2})$")
_CALENDAR_WEEK = re.compile(rf"^(?:{_WEEK_WORD}\s*)?(\d{{1,2}})(?:\s*[/ ,]\s*(\d{{4}}))?$")
_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2})?)?$|^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$|^(\d{4})-(\d{1,2})$")
# "Last week" and "last month" as staff say it in German, English and Ukrainian.
_LAST_WEEK = {"-1", "last", "last week", "previous week", "letzte", "letzte woche", "vorige",
              "vorige woche", "vorwoche", "минулий", "минулий тиждень", "минулого тижня",
              "попередній", "попередній тиждень"}  # fmt: skip
_LAST_MONTH = {"-1", "last", "last month", "previous month", "letzter", "letzten",
               "letzter monat", "vorigen", "voriger", "voriger monat", "vormonat", "минулий",
               "минулий місяць", "минулого місяця", "попередній", "попередній місяць"}  # fmt: skip
WEEK_EXAMPLE = "/week 24.11.2026"
MONTH_EXAMPLE = "/month 11.2026"
YEAR_EXAMPLE = "/year 2026"


def parse_week(text: str, today: date) -> Period:
    """The week asked for; it may lie in the future (the caller says it has not begun).

    2026-W48, KW 48/2026, KW48/2026, KW1 2027, 48/2026; KW48 or 48 alone is the latest week
    of that number that has begun; a date in the week: 24.11.2026, 24.11.26, 2026-11-24, or
    24.11. (the latest such day whose week has begun); last week: last, letzte, минулий, -1.
    """
    key = " ".join(text.strip().casefold().split())
    if not key:
        return period_containing(PeriodKind.WEEK, today)
    if key in _LAST_WEEK:
        return period_containing(PeriodKind.WEEK, today).previous()
    try:
        if match := _ISO_WEEK.match(key):
            check_year(int(match.group(1)), text, WEEK_EXAMPLE)
            return _iso_week(int(match.group(1)), int(match.group(2)))
        if match := _CALENDAR_WEEK.match(key):
            week = int(match.group(1))
            if match.group(2):
                check_year(int(match.group(2)), text, WEEK_EXAMPLE)
                return _iso_week(int(match.group(2)), week)
            # The latest week of that number: this year's, or last year's if still to come
            # (or if this year has no week 53).
            year = today.isocalendar()[0]
            with contextlib.suppress(ValueError):
                candidate = _iso_week(year, week)
                if candidate.start <= today:
                    return candidate
            return _iso_week(year - 1, week)
        if match := _DAY.match(key):
            return period_containing(PeriodKind.WEEK, _day(match, text, today))
    except ParseError:
        raise
    except ValueError:  # a day, week or month the calendar does not have
        pass
    raise ParseError(
        _("“{text}” is not a week. Examples: /week, /week KW47, /week 2026-W47, /week "
          "24.11.2026").format(text=quoted(text, 40))
    )  # fmt: skip


def parse_month(text: str, today: date) -> Period:
    """11.2026, 2026-11, November 2026, or a month name or number (the latest such month)."""
    words = text.strip().lower().split()
    if not words:
        return period_containing(PeriodKind.MONTH, today)
    if " ".join(words) in _LAST_MONTH:
        return period_containing(PeriodKind.MONTH, today).previous()
    try:
        if match := _MONTH.match(words[0]):
            month = int(match.group(1) or match.group(4))
            year = int(match.group(2) or match.group(3))
            check_year(year, text, MONTH_EXAMPLE)
            return period_containing(PeriodKind.MONTH, date(year, month, 1))
        month = _month_number(words[0])
        if month is not None and len(words) <= 2:
            year = int(words[1]) if len(words) == 2 else today.year
            check_year(year, text, MONTH_EXAMPLE)
            if len(words) == 1 and date(year, month, 1) > today:
                year -= 1
            return period_containing(PeriodKind.MONTH, date(year, month, 1))
    except ParseError:
        raise
    except ValueError:  # a day, week or month the calendar does not have
        pass
    raise ParseError(
        _("“{text}” is not a month. Examples: /month, /month 11.2026, /month November 2026")
        .format(text=quoted(text, 40))
    )  # fmt: skip


def parse_year(text: str, today: date) -> Period:
    key = text.strip()
    if not key:
        return period_containing(PeriodKind.YEAR, today)
    if re.fullmatch(r"\d{4}", key):
        check_year(int(key), text, YEAR_EXAMPLE)
        return period_containing(PeriodKind.YEAR, date(int(key), 1, 1))
    raise ParseError(_("“{text}” is not a year. Example: /year 2026").format(text=quoted(text, 40)))


def _iso_week(year: int, week: int) -> Period:
    return period_containing(PeriodKind.WEEK, date.fromisocalendar(year, week, 1))


def _day(match: re.Match[str], text: str, today: date) -> date:
    """The day of a _DAY match; without a year, the latest such day whose week has begun."""
    if match.group(4):
        day = date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
    elif match.group(3):
        year = int(match.group(3))
        day = date(year + 2000 if year < 100 else year, int(match.group(2)), int(match.group(1)))
    else:
        this_week = period_containing(PeriodKind.WEEK, today)
        # 29.02. exists in leap years only: look back far enough to find one.
        for year in range(today.year + 1, today.year - 8, -1):
            with contextlib.suppress(ValueError):
                day = date(year, int(match.group(2)), int(match.group(1)))
                if day < this_week.end:
                    return day
        raise ValueError(text)
    check_year(day.year, text, WEEK_EXAMPLE)
    return day


def _month_number(word: str) -> int | None:
    if word.isdigit() and 1 <= int(word) <= 12:
        return int(word)
    key = normalise(word)
    for locale in ("de", "en", "uk"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                if normalise(name) == key:
                    return number
    return None
