"""Parsers for what case managers type: durations, dates, family codes and the quick forms.

Every parser returns a valid value or raises ParseError whose message, in the current
language, names the part that was wrong and shows a correct example. Nothing else escapes.
"""

from __future__ import annotations

import contextlib
import html
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from bot.casework import (
    BenefitSystem,
    ContactType,
    FlagCategory,
    Service,
    Topic,
    find_country,
    find_language,
    normalise,
)
from bot.i18n import _, format_date

MAX_MINUTES = 12 * 60
MAX_NOTE_LENGTH = 2000
MAX_HOUSEHOLD = 30
STRUCTURAL_TAG = "#struktur"
LOG_EXAMPLE = "/log F-0042 45m hausbesuch aufenthalt,arbeit: Termin vorbereitet"
NEW_FAMILY_EXAMPLE = "/newfamily Ahlen UA 4 uk,ru"

_FAMILY_CODE = re.compile(r"^f-?0*(\d{1,7})$", re.IGNORECASE)
_MINUTES = re.compile(r"^(\d{1,5})(m|min|mins|minute|minuten|minutes)?$")
_HOURS = re.compile(r"^(\d{1,3}(?:\.\d{1,3})?)(h|std|stunde|stunden|hour|hours)$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_HOURS_MINUTES = re.compile(r"^(\d{1,2})h(\d{1,2})(m|min)?$")
# A space may stand between a number and its unit ("1.5 h"), never between two numbers.
_NUMBERS_APART = re.compile(r"\d\s+\d")
_UNITS = {"m", "min", "mins", "minute", "minuten", "minutes", "h", "std", "stunde", "stunden",
          "hour", "hours"}  # fmt: skip
_SHORT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_HOUSEHOLD = re.compile(r"^\d{1,3}$")
_NUMBER = re.compile(r"^\d+$")
_STRUCTURAL = re.compile(rf"{STRUCTURAL_TAG}\b", re.IGNORECASE)
# The note starts after the first colon that ends a word ("arbeit: Termin …"); the colon
# inside a duration such as 1:30 does not count.
_NOTE_SEPARATOR = re.compile(r":(?:\s|$)")

_RELATIVE_DAYS = {
    "heute": 0, "today": 0, "gestern": -1, "yesterday": -1, "vorgestern": -2,
    "morgen": 1, "tomorrow": 1, "übermorgen": 2, "uebermorgen": 2,
}  # fmt: skip
_WEEKDAYS = {
    "montag": 0, "mo": 0, "monday": 0, "mon": 0,
    "dienstag": 1, "di": 1, "tuesday": 1, "tue": 1,
    "mittwoch": 2, "mi": 2, "wednesday": 2, "wed": 2,
    "donnerstag": 3, "do": 3, "thursday": 3, "thu": 3,
    "freitag": 4, "fr": 4, "friday": 4, "fri": 4,
    "samstag": 5, "sa": 5, "saturday": 5, "sat": 5,
    "sonntag": 6, "so": 6, "sunday": 6, "sun": 6,
}  # fmt: skip
_FOLLOW_UP_WORDS = {"next", "wv", "wiedervorlage", "followup", "fu"}
_REFERRAL_WORDS = {"ref", "verweis", "an", "→", "->"}
_CONSENT_WORDS = {"einwilligung", "consent", "ew"}
_FLED_WORDS = {"geflüchtet", "gefluechtet", "flucht", "fled", "ukraine-flucht"}
_NOT_FLED_WORDS = {"nicht-geflüchtet", "nicht-gefluechtet", "keine-flucht", "not-fled"}


class ParseError(ValueError):
    """What the person typed does not fit; `message` says why, with an example."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _quoted(text: str) -> str:
    return html.escape(text[:60])


# Family codes ------------------------------------------------------------------------------


def family_code(family_id: int) -> str:
    return f"F-{family_id:04d}"


def parse_family_code(text: str) -> int:
    match = _FAMILY_CODE.match(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise ParseError(
            _("“{text}” is not a family code. Family codes look like F-0042.").format(
                text=_quoted(text)
            )
        )
    return int(match.group(1))


# Durations ---------------------------------------------------------------------------------


def parse_duration(text: str) -> int:
    """Minutes from 45, 45m, 45min, 1h, 1,5h, 1.5 h, 1:30 or 1h30."""
    spaced = text.strip().lower().replace(",", ".")
    minutes = None if _NUMBERS_APART.search(spaced) else _duration_minutes("".join(spaced.split()))
    if minutes is None:
        raise ParseError(
            _("“{text}” is not a duration. Examples: 45m, 1,5h, 1:30").format(text=_quoted(text))
        )
    if minutes < 1:
        raise ParseError(_("A contact lasts at least one minute. Example: 45m"))
    if minutes > MAX_MINUTES:
        raise ParseError(
            _(
                "“{text}” is more than 12 hours. Please log a contact of at most 12 hours, e.g. 8h."
            ).format(text=_quoted(text))
        )
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


# Dates -------------------------------------------------------------------------------------


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
                text=_quoted(text)
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
    key = text.strip().lower()
    if key in _RELATIVE_DAYS:
        day: date | None = today + timedelta(days=_RELATIVE_DAYS[key])
    elif key in _WEEKDAYS:
        day = today + timedelta(days=(_WEEKDAYS[key] - today.weekday() - 1) % 7 + 1)
    else:
        day = _calendar_date(key, today)
    if day is None:
        raise ParseError(
            _("“{text}” is not a follow-up date. Examples: morgen, freitag, 02.12.").format(
                text=_quoted(text)
            )
        )
    if day < today:
        raise ParseError(
            _("{date} has passed: a follow-up date is today or later.").format(
                date=format_date(day)
            )
        )
    if day > today + timedelta(days=366):
        raise ParseError(
            _("{date} is more than a year ahead. Please check the year.").format(
                date=format_date(day)
            )
        )
    return day


def parse_full_date(text: str) -> date:
    """A date typed with its year, for periods: 31.12.2026 or 2026-12-31."""
    key = text.strip()
    match = _ISO_DATE.match(key) or _GERMAN_DATE.match(key)
    if match is not None and len(key) >= 10:
        with contextlib.suppress(ValueError):
            if match.re is _ISO_DATE:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    raise ParseError(
        _("“{text}” is not a date with a year. Examples: 31.12.2026, 2026-12-31").format(
            text=_quoted(text)
        )
    )


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


# The /log quick form -----------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDraft:
    family_id: int
    contact_on: date
    minutes: int
    contact_type: ContactType
    topics: tuple[Topic, ...]
    note: str = ""
    referral: Service | None = None
    follow_up_on: date | None = None

    @property
    def structural_gap(self) -> bool:
        return _STRUCTURAL.search(self.note) is not None


@dataclass
class _LogParts:
    contact_on: date | None = None
    minutes: int | None = None
    contact_type: ContactType | None = None
    topics: list[Topic] = field(default_factory=list)
    referral: Service | None = None
    follow_up_on: date | None = None


def parse_log(arguments: str, today: date) -> ContactDraft:
    """`F-0042 [date] 45m hausbesuch aufenthalt,arbeit [ref jobcenter] [next 02.12.]: note`."""
    structured, note = _split_note(arguments)
    tokens = structured.split()
    if not tokens:
        raise ParseError(
            _("Which family? Start with the family code. Example: {example}").format(
                example=LOG_EXAMPLE
            )
        )
    family_id = parse_family_code(tokens[0])
    parts = _LogParts()
    rest = tokens[1:]
    while rest:
        token = rest.pop(0)
        _read_log_token(token, rest, parts, today)
    if parts.minutes is None:
        raise ParseError(
            _("How long was the contact? Add a duration such as 45m. Example: {example}").format(
                example=LOG_EXAMPLE
            )
        )
    if parts.contact_type is None:
        raise ParseError(
            _(
                "What kind of contact was it? Add one of: hausbesuch, beratung, telefon, video, "
                "begleitung, fallkonferenz, mail. Example: {example}"
            ).format(example=LOG_EXAMPLE)
        )
    if not parts.topics:
        raise ParseError(
            _(
                "Which topics? Add them separated by commas, e.g. aufenthalt,arbeit. "
                "Example: {example}"
            ).format(example=LOG_EXAMPLE)
        )
    return ContactDraft(
        family_id=family_id,
        contact_on=parts.contact_on or today,
        minutes=parts.minutes,
        contact_type=parts.contact_type,
        topics=tuple(dict.fromkeys(parts.topics)),
        note=note,
        referral=parts.referral,
        follow_up_on=parts.follow_up_on,
    )


def check_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ParseError(
            _("The note is {length} characters long; at most {limit} fit.").format(
                length=len(note), limit=MAX_NOTE_LENGTH
            )
        )
    return note


def _split_note(arguments: str) -> tuple[str, str]:
    match = _NOTE_SEPARATOR.search(arguments)
    if match is None:
        return arguments, ""
    return arguments[: match.start()], check_note(arguments[match.end() :])


def _read_log_token(token: str, rest: list[str], parts: _LogParts, today: date) -> None:
    word = token.lower()
    if word in _FOLLOW_UP_WORDS:
        if not rest:
            raise ParseError(
                _("“{word}” needs a date after it. Example: next 02.12.").format(
                    word=_quoted(token)
                )
            )
        _set_once(parts, "follow_up_on", parse_follow_up_date(rest.pop(0), today), token)
        return
    if word in _REFERRAL_WORDS:
        if not rest:
            raise ParseError(
                _("“{word}” needs a service after it. Example: ref jobcenter").format(
                    word=_quoted(token)
                )
            )
        _set_once(parts, "referral", _parse_service(rest.pop(0)), token)
        return
    if word.startswith(("->", "→")):
        _set_once(parts, "referral", _parse_service(word.lstrip("->→")), token)
        return
    if rest and rest[0].lower() in _UNITS and _is_number(word):
        token = word + rest.pop(0).lower()
        word = token
    if _looks_like_date(word):
        _set_once(parts, "contact_on", parse_contact_date(word, today), token)
        return
    if word[:1].isdigit():
        _set_once(parts, "minutes", parse_duration(word), token)
        return
    if (contact_type := ContactType.parse(word)) is not None:
        _set_once(parts, "contact_type", contact_type, token)
        return
    topics = [Topic.parse(item) for item in word.split(",") if item]
    if topics and all(topics):
        parts.topics.extend(topics)  # type: ignore[arg-type]
        return
    raise ParseError(
        _("I did not understand “{token}”. Example: {example}").format(
            token=_quoted(token), example=LOG_EXAMPLE
        )
    )


def _set_once(parts: _LogParts, name: str, value: object, token: str) -> None:
    if getattr(parts, name) is not None:
        raise ParseError(
            _(
                "“{token}”: date, duration, contact type, referral and follow-up may each be "
                "given only once. Example: {example}"
            ).format(token=_quoted(token), example=LOG_EXAMPLE)
        )
    setattr(parts, name, value)


def _parse_service(word: str) -> Service:
    service = Service.parse(word)
    if service is None:
        raise ParseError(
            _(
                "“{word}” is not a service I know. Services: jobcenter, abh, ebh, jugendamt, "
                "sozialamt, schule, kita, gesundheitsamt, beratungsstelle, sprachkurs. "
                "Example: ref jobcenter"
            ).format(word=_quoted(word))
        )
    return service


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}(?:[.,]\d{1,3})?", word))


def _looks_like_date(word: str) -> bool:
    return word in _RELATIVE_DAYS or bool(
        _SHORT_DATE.match(word) or _GERMAN_DATE.match(word) or _ISO_DATE.match(word)
    )


# The /newfamily quick form -----------------------------------------------------------------


@dataclass(frozen=True)
class FamilyDraft:
    town: str
    origin: str
    household_size: int
    languages: tuple[str, ...]
    fled_ukraine: bool
    benefit_system: BenefitSystem | None = None
    consent: bool = False


def parse_town(text: str, towns: tuple[str, ...]) -> str:
    key = normalise(text)
    for town in towns:
        if normalise(town) == key:
            return town
    raise ParseError(
        _("“{text}” is not a town of the county. Towns: {towns}").format(
            text=_quoted(text), towns=", ".join(towns)
        )
    )


def parse_country(text: str) -> str:
    code = find_country(text)
    if code is None:
        raise ParseError(
            _(
                "“{text}” is not a country I know. Give a code or a name, e.g. UA, SY, "
                "Ukraine, Syrien."
            ).format(text=_quoted(text))
        )
    return code


def parse_languages(text: str) -> tuple[str, ...]:
    codes = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        code = find_language(item)
        if code is None:
            raise ParseError(
                _(
                    "“{text}” is not a language I know. Give codes or names separated by "
                    "commas, e.g. uk,ru or Arabisch,Kurdisch."
                ).format(text=_quoted(item))
            )
        codes.append(code)
    if not codes:
        raise ParseError(_("Which languages does the family speak? Example: uk,ru"))
    return tuple(dict.fromkeys(codes))


def parse_household_size(text: str) -> int:
    match = _HOUSEHOLD.match(text.strip())
    if match is None or not 1 <= int(match.group(0)) <= MAX_HOUSEHOLD:
        raise ParseError(
            _("“{text}” is not a household size: give the number of people, 1 to {limit}.").format(
                text=_quoted(text), limit=MAX_HOUSEHOLD
            )
        )
    return int(match.group(0))


def parse_new_family(arguments: str, towns: tuple[str, ...]) -> FamilyDraft:
    """`Ahlen UA 4 uk,ru [sgb2|sgb12|asylblg|keine] [einwilligung] [geflüchtet|keine-flucht]`.

    The country may be several words ("Sri Lanka"); it ends at the household size.
    """
    tokens = arguments.split()
    size_at = next((i for i, token in enumerate(tokens) if _NUMBER.match(token)), None)
    if len(tokens) < 4 or size_at is None or size_at < 2 or size_at + 1 >= len(tokens):
        raise ParseError(
            _(
                "Please give town, country of origin, household size and languages. "
                "Example: {example}"
            ).format(example=NEW_FAMILY_EXAMPLE)
        )
    town = parse_town(tokens[0], towns)
    origin = parse_country(" ".join(tokens[1:size_at]))
    size = parse_household_size(tokens[size_at])
    # The language list may be spread over tokens by spaces after commas: "uk, ru".
    end = size_at + 2
    while end < len(tokens) and (tokens[end - 1].endswith(",") or tokens[end].startswith(",")):
        end += 1
    languages = parse_languages("".join(tokens[size_at + 1 : end]))
    benefit_system, consent, fled = None, False, origin == "UA"
    for token in tokens[end:]:
        word = token.lower()
        if word in _CONSENT_WORDS:
            consent = True
        elif word in _FLED_WORDS:
            fled = True
        elif word in _NOT_FLED_WORDS:
            fled = False
        elif (system := BenefitSystem.parse(word)) is not None:
            benefit_system = system
        else:
            raise ParseError(
                _(
                    "I did not understand “{token}”. After the languages you may add sgb2, "
                    "sgb12, asylblg or keine, einwilligung, and geflüchtet or keine-flucht. "
                    "Example: {example} asylblg einwilligung"
                ).format(token=_quoted(token), example=NEW_FAMILY_EXAMPLE)
            )
    return FamilyDraft(town, origin, size, languages, fled, benefit_system, consent)


def parse_flag(arguments: str) -> tuple[int, FlagCategory, str]:
    """`/flag F-0042 <category>: <text>`."""
    structured, text = _split_note(arguments)
    tokens = structured.split()
    example = "/flag F-0042 wartezeit: 4 Monate Wartezeit auf Termin bei der ABH"
    if len(tokens) != 2 or not text:
        raise ParseError(
            _(
                "Please give family code, category and a description after a colon. "
                "Categories: wartezeit, angebot, schnittstelle, sonstiges. Example: {example}"
            ).format(example=example)
        )
    family_id = parse_family_code(tokens[0])
    category = FlagCategory.parse(tokens[1])
    if category is None:
        raise ParseError(
            _(
                "“{word}” is not a category. Categories: wartezeit, angebot, schnittstelle, "
                "sonstiges. Example: {example}"
            ).format(word=_quoted(tokens[1]), example=example)
        )
    return family_id, category, text
