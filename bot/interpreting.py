"""Interpreter and translation requests: modes, purposes, notice, and what they cost."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from bot.casework import Term, define_terms, find_language, normalise
from bot.funds import Rates, hourly_fee_cents, with_surcharge
from bot.i18n import _, lazy_gettext
from bot.parsing import (
    ParseError,
    parse_duration,
    parse_family_code,
    parse_follow_up_date,
    parse_town,
)

NOTICE_WORKING_DAYS = 5
MAX_PAGES = 500
INTERPRETER_EXAMPLE = "/interpreter F-0042 uk 03.12. 10:00 90m vor-ort Ahlen Ausländerbehörde"
NIGHT_START = time(23, 0)
NIGHT_END = time(6, 0)

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)(?:h|uhr)?$")
_PAGES = re.compile(r"^(\d{1,3})(?:seiten|seite|pages|page|s|p)$")


class Mode(Term):
    ON_SITE = "on_site"
    PHONE = "phone"
    VIDEO = "video"
    WRITTEN = "written"


class Purpose(Term):
    """What the interpreter is for; some need a professional, not the county's pool."""

    IMMIGRATION_OFFICE = "immigration_office"
    NATURALISATION_OFFICE = "naturalisation_office"
    JOBCENTER = "jobcenter"
    SOCIAL_OFFICE = "social_office"
    YOUTH_OFFICE = "youth_office"
    SCHOOL = "school"
    KITA = "kita"
    COUNSELLING = "counselling"
    DOCTOR = "doctor"
    HOSPITAL = "hospital"
    PSYCHOTHERAPY = "psychotherapy"
    POLICE = "police"
    COURT = "court"
    OTHER = "other"

    @property
    def needs_professional(self) -> bool:
        """The pool does not serve health care or talks with legal consequences."""
        return self in _PROFESSIONAL_ONLY


_PROFESSIONAL_ONLY = frozenset(
    {Purpose.DOCTOR, Purpose.HOSPITAL, Purpose.PSYCHOTHERAPY, Purpose.POLICE, Purpose.COURT}
)

define_terms(
    labels={
        Mode.ON_SITE: lazy_gettext("on site"),
        Mode.PHONE: lazy_gettext("by phone"),
        Mode.VIDEO: lazy_gettext("by video"),
        Mode.WRITTEN: lazy_gettext("written translation"),
    },
    words={
        Mode.ON_SITE: ("vor-ort", "vorort", "präsenz", "onsite", "on-site", "inperson"),
        Mode.PHONE: ("telefon", "telefonisch", "tel", "phone"),
        Mode.VIDEO: ("video", "online"),
        Mode.WRITTEN: ("schriftlich", "übersetzung", "uebersetzung", "written", "translation"),
    },
)

define_terms(
    labels={
        Purpose.IMMIGRATION_OFFICE: lazy_gettext("Immigration office"),
        Purpose.NATURALISATION_OFFICE: lazy_gettext("Naturalisation office"),
        Purpose.JOBCENTER: lazy_gettext("Jobcenter"),
        Purpose.SOCIAL_OFFICE: lazy_gettext("social welfare office"),
        Purpose.YOUTH_OFFICE: lazy_gettext("youth welfare office"),
        Purpose.SCHOOL: lazy_gettext("school talk"),
        Purpose.KITA: lazy_gettext("day-care centre"),
        Purpose.COUNSELLING: lazy_gettext("counselling"),
        Purpose.DOCTOR: lazy_gettext("doctor"),
        Purpose.HOSPITAL: lazy_gettext("hospital"),
        Purpose.PSYCHOTHERAPY: lazy_gettext("psychotherapy"),
        Purpose.POLICE: lazy_gettext("police"),
        Purpose.COURT: lazy_gettext("court"),
        Purpose.OTHER: lazy_gettext("other"),
    },
    words={
        Purpose.IMMIGRATION_OFFICE: (
            "ausländerbehörde",
            "auslaenderbehoerde",
            "abh",
            "immigrationoffice",
        ),
        Purpose.NATURALISATION_OFFICE: (
            "einbürgerungsbehörde",
            "einbuergerungsbehoerde",
            "ebh",
            "einbürgerung",
            "naturalisation",
        ),
        Purpose.JOBCENTER: ("jobcenter", "jc"),
        Purpose.SOCIAL_OFFICE: ("sozialamt", "socialoffice"),
        Purpose.YOUTH_OFFICE: ("jugendamt", "youthoffice"),
        Purpose.SCHOOL: ("schule", "elterngespräch", "school"),
        Purpose.KITA: ("kita", "kindergarten"),
        Purpose.COUNSELLING: ("beratung", "beratungsstelle", "counselling", "counseling"),
        Purpose.DOCTOR: ("arzt", "ärztin", "aerztin", "arzttermin", "doctor"),
        Purpose.HOSPITAL: ("krankenhaus", "klinik", "hospital"),
        Purpose.PSYCHOTHERAPY: ("psychotherapie", "therapie", "psychotherapy", "therapy"),
        Purpose.POLICE: ("polizei", "police"),
        Purpose.COURT: ("gericht", "court"),
        Purpose.OTHER: ("sonstiges", "other"),
    },
)


@functools.cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("DE", subdiv="NW", years=year)


def is_holiday(day: date) -> bool:
    """A Sunday or a public holiday in North Rhine-Westphalia."""
    return day.weekday() == 6 or day in _holidays(day.year)


def working_days_between(today: date, day: date) -> int:
    """Working days (Monday to Friday, no public holiday) after today up to and with `day`."""
    count, current = 0, today
    while current < day:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in _holidays(current.year):
            count += 1
    return count


@dataclass(frozen=True)
class RequestDraft:
    """An interpreter or translation request before it is confirmed."""

    language: str
    mode: Mode
    day: date
    start: time | None
    purpose: Purpose
    minutes: int | None = None
    pages: int | None = None
    town: str | None = None
    family_id: int | None = None

    def starts_at(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.day, self.start or time(0, 0), tzinfo=tz)

    def urgent(self, today: date) -> bool:
        return working_days_between(today, self.day) < NOTICE_WORKING_DAYS


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


def parse_start_time(text: str) -> time:
    match = _TIME.match(text.strip().lower())
    if match is None:
        raise ParseError(
            _("“{text}” is not a time of day. Examples: 10:00, 9.30, 14:15").format(text=text[:40])
        )
    return time(int(match.group(1)), int(match.group(2)))


def parse_pages(text: str) -> int:
    match = _PAGES.match(normalise(text)) or re.match(r"^(\d{1,3})$", text.strip())
    if match is None or not 1 <= int(match.group(1)) <= MAX_PAGES:
        raise ParseError(
            _("“{text}” is not a number of pages (1 to {limit}). Example: 3seiten").format(
                text=text[:40], limit=MAX_PAGES
            )
        )
    return int(match.group(1))


def parse_request_language(text: str) -> str:
    code = find_language(text)
    if code is None:
        raise ParseError(
            _("“{text}” is not a language I know. Examples: uk, ar, Ukrainisch, Dari.").format(
                text=text[:40]
            )
        )
    return code


def parse_interpreter(arguments: str, today: date, towns: tuple[str, ...]) -> RequestDraft:
    """`[F-0042] <language> <date> [<time>] (<duration>|<pages>) <mode> [<town>] <purpose>`."""
    tokens = arguments.split()
    if len(tokens) < 4:
        raise ParseError(
            _(
                "Please give language, date, time, duration, mode, town (on site) and purpose. "
                "Example: {example}"
            ).format(example=INTERPRETER_EXAMPLE)
        )
    family_id = None
    if tokens[0].lower().startswith("f") and any(ch.isdigit() for ch in tokens[0]):
        family_id = parse_family_code(tokens.pop(0))
    language = parse_request_language(tokens.pop(0))
    day = parse_follow_up_date(tokens.pop(0), today)
    start = minutes = pages = mode = town = purpose = None
    for token in tokens:
        word = token.lower()
        if start is None and _TIME.match(word):
            start = parse_start_time(word)
        elif (found_mode := Mode.parse(word)) is not None and mode is None:
            mode = found_mode
        elif (found_purpose := Purpose.parse(word)) is not None and purpose is None:
            purpose = found_purpose
        elif _PAGES.match(normalise(word)) and pages is None:
            pages = parse_pages(word)
        elif word[:1].isdigit() and minutes is None:
            minutes = parse_duration(word)
        elif town is None:
            town = parse_town(token, towns)
        else:
            raise ParseError(
                _("I did not understand “{token}”. Example: {example}").format(
                    token=token[:40], example=INTERPRETER_EXAMPLE
                )
            )
    return _complete(language, day, start, minutes, pages, mode, town, purpose, family_id)


def _complete(
    language: str,
    day: date,
    start: time | None,
    minutes: int | None,
    pages: int | None,
    mode: Mode | None,
    town: str | None,
    purpose: Purpose | None,
    family_id: int | None,
) -> RequestDraft:
    if mode is None:
        raise ParseError(
            _(
                "How should it be interpreted? Add vor-ort, telefon, video or schriftlich. "
                "Example: {example}"
            ).format(example=INTERPRETER_EXAMPLE)
        )
    if purpose is None:
        raise ParseError(
            _(
                "What is it for? Add e.g. abh, jobcenter, schule, arzt, krankenhaus, gericht. "
                "Example: {example}"
            ).format(example=INTERPRETER_EXAMPLE)
        )
    if mode is Mode.WRITTEN:
        if pages is None:
            raise ParseError(
                _("How many pages? Example: /interpreter uk 10.12. 3seiten schriftlich abh")
            )
        return RequestDraft(language, mode, day, None, purpose, pages=pages, family_id=family_id)
    if start is None:
        raise ParseError(
            _("At what time? Add a start time such as 10:00. Example: {example}").format(
                example=INTERPRETER_EXAMPLE
            )
        )
    if minutes is None:
        raise ParseError(
            _("How long? Add an expected duration such as 90m. Example: {example}").format(
                example=INTERPRETER_EXAMPLE
            )
        )
    if mode is Mode.ON_SITE and town is None:
        raise ParseError(
            _("Where? Add the town for interpreting on site. Example: {example}").format(
                example=INTERPRETER_EXAMPLE
            )
        )
    return RequestDraft(
        language, mode, day, start, purpose, minutes=minutes,
        town=town if mode is Mode.ON_SITE else None, family_id=family_id,
    )  # fmt: skip
