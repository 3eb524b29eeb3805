"""Interpreter and translation requests: modes, purposes, notice, the form and the dialog,
the lifecycle of a request, and how a request reads."""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.casework.families import family_code, parse_family_code, parse_town
from bot.core.i18n import (
    _,
    format_date,
    format_datetime,
    format_minutes,
    format_money,
    language_name,
    lazy_gettext,
)
from bot.core.names import find_language
from bot.core.parsing import (
    ParseError,
    check_note,
    parse_appointment_date,
    parse_duration,
    quoted,
)
from bot.core.terms import Term, define_terms, join_phrases, normalise

NOTICE_WORKING_DAYS = 5
MAX_PAGES = 500
INTERPRETER_EXAMPLE = "/interpreter F-0042 uk 03.12. 10:00 90m vor-ort Ahlen Ausländerbehörde"
PROFESSIONAL_EXAMPLE = (
    "/interpreter F-0042 uk 03.12. 10:00 90m vor-ort Ahlen abh anfahrt 45m "
    "profi: Dialekt, der Pool hat niemanden"
)


# A time of day: 10:00, 9.30, 14:15h, 10uhr, 10год, 10am, 2.30pm (a bare hour only with a
# word after it: 10 alone is a duration in minutes).
_TIME = re.compile(
    r"^(?:(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?:h|uhr|год)?"
    r"|(?P<bare>[01]?\d|2[0-3])(?=uhr|год|am|pm))(?P<unit>uhr|год|am|pm)?$"
)
# "10 Uhr", "10 год.", "10 am": the number and its word as one token.
_SPACED_TIME = re.compile(
    r"(?<![\w.:])(\d{1,2}(?:[:.]\d{2})?)\s+(uhr|год|am|pm)\.?(?!\w)", re.IGNORECASE
)

if TYPE_CHECKING:
    import holidays
_PAGES = re.compile(r"^(\d{1,3})(?:seiten|seite|pages|page|s|p)$")
# The word before an interpreter's travel time (there and back): "anfahrt 45m".
TRAVEL_WORDS = frozenset({"anfahrt", "fahrzeit", "reisezeit", "travel", "поїздка"})
# Everything after "profi:" is why a professional is asked for where the pool would do.
_PROFESSIONAL = re.compile(r"(?:^|\s)(?:profi|professional|професіонал):", re.IGNORECASE)


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
        Mode.ON_SITE: (
            "vor ort",
            "präsenz",
            "on site",
            "in person",
            "на місці",
            "особисто",
        ),
        Mode.PHONE: ("telefon", "telefonisch", "tel", "phone", "телефон", "телефоном"),
        Mode.VIDEO: ("video", "online", "відео", "онлайн"),
        Mode.WRITTEN: (
            "schriftlich",
            "übersetzung",
            "uebersetzung",
            "written",
            "translation",
            "письмово",
            "переклад",
        ),
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
            "immigration office",
            "міграційна",
        ),
        Purpose.NATURALISATION_OFFICE: (
            "einbürgerungsbehörde",
            "einbuergerungsbehoerde",
            "ebh",
            "einbürgerung",
            "naturalisation",
            "натуралізація",
        ),
        Purpose.JOBCENTER: ("jobcenter", "jc", "джобцентр"),
        Purpose.SOCIAL_OFFICE: ("sozialamt", "social office", "соцслужба"),
        Purpose.YOUTH_OFFICE: ("jugendamt", "youth office", "югендамт"),
        Purpose.SCHOOL: ("schule", "elterngespräch", "school", "школа"),
        Purpose.KITA: ("kita", "kindergarten", "садок", "дитсадок"),
        Purpose.COUNSELLING: (
            "beratung",
            "beratungsstelle",
            "counselling",
            "counseling",
            "консультація",
        ),
        Purpose.DOCTOR: ("arzt", "ärztin", "aerztin", "arzttermin", "doctor", "лікар"),
        Purpose.HOSPITAL: ("krankenhaus", "klinik", "hospital", "лікарня"),
        Purpose.PSYCHOTHERAPY: (
            "psychotherapie",
            "therapie",
            "psychotherapy",
            "therapy",
            "психотерапія",
        ),
        Purpose.POLICE: ("polizei", "police", "поліція"),
        Purpose.COURT: ("gericht", "court", "суд"),
        Purpose.OTHER: ("sonstiges", "other", "інше"),
    },
)


@functools.cache
def _holidays(year: int) -> holidays.HolidayBase:
    # Imported on first use: the package costs a tenth of a second and 6 MB at every start.
    import holidays

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


@dataclass
class RequestDraft:
    """An interpreter or translation request before it is confirmed: filled at once by the
    /interpreter form, or step by step."""

    language: str | None = None
    mode: Mode | None = None
    day: date | None = None
    start: time | None = None
    purpose: Purpose | None = None
    minutes: int | None = None
    pages: int | None = None
    town: str | None = None
    family_id: int | None = None
    # The fund a coordinator chose for a day outside every translation fund's period; None:
    # the fund whose period holds the day.
    fund_id: int | None = None
    # A professional's travel time, there and back (JVEG § 8(2)), billed by the hour.
    travel_minutes: int | None = None
    # Why a professional is asked for where the purpose would allow the pool.
    professional_reason: str | None = None

    @property
    def professional(self) -> bool:
        """The pool cannot serve the purpose, or the requester asked for a professional."""
        return self.purpose.needs_professional or self.professional_reason is not None

    @property
    def complete(self) -> bool:
        """Everything a request needs is there: interpreting needs a start and a duration."""
        if not (self.language and self.mode and self.day and self.purpose):
            return False
        return self.mode is Mode.WRITTEN or bool(self.start and self.minutes)

    def starts_at(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.day, self.start or time(0, 0), tzinfo=tz)

    def urgent(self, today: date) -> bool:
        return working_days_between(today, self.day) < NOTICE_WORKING_DAYS


def join_clock_times(text: str) -> str:
    """`text` with a time of day typed with a space ("10 Uhr", "10 год", "9:30 am") and the
    words spelled with a space ("vor Ort") written as one token each."""
    return join_phrases(_SPACED_TIME.sub(r"\1\2", text))


def parse_start_time(text: str) -> time:
    match = _TIME.match(text.strip().lower().rstrip("."))
    hour = None if match is None else int(match.group("hour") or match.group("bare"))
    if match is not None and match.group("unit") in ("am", "pm"):
        hour = (
            None if not 1 <= hour <= 12 else hour % 12 + (12 if match.group("unit") == "pm" else 0)
        )
    if hour is None:
        raise ParseError(
            _("“{text}” is not a time of day. Examples: 10:00, 9.30, 14:15").format(
                text=quoted(text, 40)
            )
        )
    return time(hour, int(match.group("minute") or 0))


def parse_pages(text: str) -> int:
    match = _PAGES.match(normalise(text)) or re.match(r"^(\d{1,3})$", text.strip())
    if match is None or not 1 <= int(match.group(1)) <= MAX_PAGES:
        raise ParseError(
            _("“{text}” is not a number of pages (1 to {limit}). Example: 3seiten").format(
                text=quoted(text, 40), limit=MAX_PAGES
            )
        )
    return int(match.group(1))


def parse_request_language(text: str) -> str:
    code = find_language(text)
    if code is None:
        raise ParseError(
            _("“{text}” is not a language I know. Examples: uk, ar, Ukrainisch, Dari.").format(
                text=quoted(text, 40)
            )
        )
    return code


def parse_interpreter(arguments: str, today: date, towns: tuple[str, ...]) -> RequestDraft:
    """`[F-0042] <language> <date> [<time>] (<duration>|<pages>) <mode> [<town>] <purpose>
    [anfahrt <duration>] [profi: <reason>]`."""
    arguments, reason = split_professional_reason(arguments)
    tokens = join_clock_times(arguments).split()
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
    draft = RequestDraft(
        language=parse_request_language(tokens.pop(0)),
        day=parse_appointment_date(tokens.pop(0), today),
        family_id=family_id,
        professional_reason=reason,
    )
    words = iter(tokens)
    for token in words:
        word = token.lower()
        if word in TRAVEL_WORDS and draft.travel_minutes is None:
            draft.travel_minutes = parse_travel(next(words, ""))
        elif draft.start is None and _TIME.match(word.rstrip(".")):
            draft.start = parse_start_time(word)
        elif (found_mode := Mode.parse(word)) is not None and draft.mode is None:
            draft.mode = found_mode
        elif (found_purpose := Purpose.parse(word)) is not None and draft.purpose is None:
            draft.purpose = found_purpose
        elif _PAGES.match(normalise(word)) and draft.pages is None:
            draft.pages = parse_pages(word)
        elif word[:1].isdigit() and draft.minutes is None:
            draft.minutes = parse_duration(word)
        elif draft.town is None:
            draft.town = parse_town(token, towns)
        else:
            raise ParseError(
                _("I did not understand “{token}”. Example: {example}").format(
                    token=quoted(token, 40), example=INTERPRETER_EXAMPLE
                )
            )
    _check_complete(draft)
    check_professional_extras(draft)
    # What the mode does not use was typed in vain: written needs no time, interpreting no
    # pages, only on site a town.
    if draft.mode is Mode.WRITTEN:
        draft.start = draft.minutes = None
    else:
        draft.pages = None
    if draft.mode is not Mode.ON_SITE:
        draft.town = None
    return draft


def split_professional_reason(arguments: str) -> tuple[str, str | None]:
    """The form before "profi:", and the reason after it (None without "profi:")."""
    match = _PROFESSIONAL.search(arguments)
    if match is None:
        return arguments, None
    return arguments[: match.start()], parse_professional_reason(arguments[match.end() :])


def parse_professional_reason(text: str) -> str:
    reason = check_note(text)
    if not reason:
        raise ParseError(
            _(
                "Why a professional interpreter? Please give a reason after “profi:”, without "
                "personal data. Example: {example}"
            ).format(example=PROFESSIONAL_EXAMPLE)
        )
    return reason


def parse_travel(text: str) -> int:
    """The interpreter's travel time, there and back, typed after "anfahrt"."""
    if not text:
        raise ParseError(
            _("How long is the travel, there and back? Example: {example}").format(
                example=PROFESSIONAL_EXAMPLE
            )
        )
    return parse_duration(text)


def _check_complete(draft: RequestDraft) -> None:
    if draft.mode is None:
        raise ParseError(
            _(
                "How should it be interpreted? Add vor-ort, telefon, video or schriftlich. "
                "Example: {example}"
            ).format(example=INTERPRETER_EXAMPLE)
        )
    if draft.purpose is None:
        raise ParseError(
            _(
                "What is it for? Add e.g. abh, jobcenter, schule, arzt, krankenhaus, gericht. "
                "Example: {example}"
            ).format(example=INTERPRETER_EXAMPLE)
        )
    if draft.mode is Mode.WRITTEN:
        if draft.pages is None:
            raise ParseError(
                _("How many pages? Example: /interpreter uk 10.12. 3seiten schriftlich abh")
            )
        return
    if draft.start is None:
        raise ParseError(
            _("At what time? Add a start time such as 10:00. Example: {example}").format(
                example=INTERPRETER_EXAMPLE
            )
        )
    if draft.minutes is None:
        raise ParseError(
            _("How long? Add an expected duration such as 90m. Example: {example}").format(
                example=INTERPRETER_EXAMPLE
            )
        )
    if draft.mode is Mode.ON_SITE and draft.town is None:
        raise ParseError(
            _("Where? Add the town for interpreting on site. Example: {example}").format(
                example=INTERPRETER_EXAMPLE
            )
        )


def check_professional_extras(draft: RequestDraft) -> None:
    """Travel time only for a professional on site; "profi:" only for interpreting."""
    if draft.professional_reason is not None and draft.mode is Mode.WRITTEN:
        raise ParseError(
            _(
                "“profi:” is for interpreting: a written translation is priced per line, "
                "whoever translates it. Example: {example}"
            ).format(example=PROFESSIONAL_EXAMPLE)
        )
    if draft.travel_minutes is None:
        return
    if draft.mode is not Mode.ON_SITE:
        raise ParseError(
            _("Travel time counts only for interpreting on site. Example: {example}").format(
                example=PROFESSIONAL_EXAMPLE
            )
        )
    if not draft.professional:
        raise ParseError(
            _(
                "Travel time is billed only by professional interpreters; the pool's travel is "
                "covered by the flat fee. Leave it out, or ask for a professional with a "
                "reason. Example: {example}"
            ).format(example=PROFESSIONAL_EXAMPLE)
        )


class Status(StrEnum):
    REQUESTED = "requested"
    OVER_BUDGET = "over_budget"
    APPROVED = "approved"
    REJECTED = "rejected"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN = (Status.REQUESTED, Status.OVER_BUDGET, Status.APPROVED)


@dataclass(frozen=True)
class InterpreterRequest:
    id: int
    fund_id: int
    family_id: int | None
    requested_by: int
    language: str
    mode: Mode
    starts_at: datetime
    minutes: int | None
    pages: int | None
    town: str | None
    purpose: Purpose
    professional: bool
    urgent: bool
    status: Status
    estimate_cents: int
    committed_cents: int
    spent_cents: int
    overrun: bool
    reason: str | None
    created_at: datetime
    travel_minutes: int | None = None
    professional_reason: str | None = None
    cancelled_by: int | None = None
    cancelled_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status in OPEN


class TransitionRefused(Exception):
    """The request is not in a state that allows this step; `request` is its current state."""

    def __init__(self, request: InterpreterRequest) -> None:
        super().__init__(request.status.value)
        self.request = request


class Step(StrEnum):
    """What can happen to a submitted request."""

    APPROVE = "approve"
    # Approving a request the fund cannot cover: only ever explicitly.
    APPROVE_OVERRUN = "approve_overrun"
    REJECT = "reject"
    INVOICE = "invoice"
    CANCEL = "cancel"
    # The interpreter's invoice for a cancelled appointment: the request stays cancelled.
    INVOICE_CANCELLATION = "invoice_cancellation"


# The lifecycle: from which states each step may be taken, and the state it leads to.
TRANSITIONS: dict[Step, tuple[frozenset[Status], Status]] = {
    Step.APPROVE: (frozenset({Status.REQUESTED}), Status.APPROVED),
    Step.APPROVE_OVERRUN: (frozenset({Status.REQUESTED, Status.OVER_BUDGET}), Status.APPROVED),
    Step.REJECT: (frozenset({Status.REQUESTED, Status.OVER_BUDGET}), Status.REJECTED),
    Step.INVOICE: (frozenset({Status.APPROVED}), Status.COMPLETED),
    Step.CANCEL: (frozenset(OPEN), Status.CANCELLED),
    Step.INVOICE_CANCELLATION: (frozenset({Status.CANCELLED}), Status.CANCELLED),
}


def next_status(request: InterpreterRequest, step: Step) -> Status:
    """The state `step` leads the request to; raises TransitionRefused where it may not."""
    allowed, following = TRANSITIONS[step]
    if request.status not in allowed:
        raise TransitionRefused(request)
    return following


def submitted_status(covered: bool) -> Status:
    """A new request waits for a decision; one the fund cannot cover, for an overrun one."""
    return Status.REQUESTED if covered else Status.OVER_BUDGET


_STATUS_LABELS = {
    Status.REQUESTED: lazy_gettext("requested"),
    Status.OVER_BUDGET: lazy_gettext("over budget, awaiting decision"),
    Status.APPROVED: lazy_gettext("approved"),
    Status.REJECTED: lazy_gettext("rejected"),
    Status.COMPLETED: lazy_gettext("invoiced"),
    Status.CANCELLED: lazy_gettext("cancelled"),
}


def status_label(status: Status) -> str:
    return str(_STATUS_LABELS[status])


def when_text(mode: Mode, starts_at: datetime) -> str:
    """When it happens: date and time, or the due date of a written translation."""
    if mode is Mode.WRITTEN:
        return _("due {date}").format(date=format_date(starts_at.date()))
    return format_datetime(starts_at)


def request_details(request: RequestDraft | InterpreterRequest, starts_at: datetime) -> list[str]:
    """What a request is about, for the confirmation and the coordinators; local `starts_at`."""
    where = f", {request.town}" if request.town else ""
    lines = [
        _("Language: {language}").format(language=language_name(request.language)),
        _("Kind: {mode}").format(mode=request.mode.label + where),
        _("When: {when}").format(when=when_text(request.mode, starts_at)),
        _("Purpose: {purpose}").format(purpose=request.purpose.label),
    ]
    if request.minutes:
        lines.append(
            _("Expected duration: {duration}").format(duration=format_minutes(request.minutes))
        )
    if request.travel_minutes:
        lines.append(
            _("Travel time (there and back): {duration}").format(
                duration=format_minutes(request.travel_minutes)
            )
        )
    if request.pages:
        lines.append(_("Pages: {count}").format(count=request.pages))
    if request.professional_reason:
        lines.append(
            _("Professional interpreter asked for: {reason}").format(
                reason=html.escape(request.professional_reason)
            )
        )
    if request.family_id:
        lines.append(_("Family: {code}").format(code=family_code(request.family_id)))
    return lines


def request_line(request: InterpreterRequest, starts_at: datetime) -> str:
    """One request in a list; `starts_at` in local time."""
    where = f" {request.town}" if request.town else ""
    amount = request.spent_cents if request.status is Status.COMPLETED else request.estimate_cents
    line = _(
        "#{id} · {when} · {language} · {mode}{where} · {purpose} · {amount} · {status}"
    ).format(
        id=request.id,
        when=when_text(request.mode, starts_at),
        language=language_name(request.language),
        mode=request.mode.label,
        where=where,
        purpose=request.purpose.label,
        amount=format_money(amount),
        status=status_label(request.status),
    )
    return line + (" ⚡" if request.urgent and request.open else "")


INTERPRETING_CHOICES = (60, 90, 120, 180)
PAGE_CHOICES = (1, 2, 3, 5, 10)


def refusal_text(request: InterpreterRequest, overrun_needed: bool = False) -> str:
    """Why a step of the lifecycle was refused, given the request as it is now."""
    if overrun_needed and request.status is Status.OVER_BUDGET:
        text = _(
            "Request #{id} exceeds the fund: approve it explicitly as an overrun with "
            "/approve {id} overrun."
        )
    else:
        text = _("Request #{id} is {status}; that step is not possible now.")
    return text.format(id=request.id, status=status_label(request.status))
