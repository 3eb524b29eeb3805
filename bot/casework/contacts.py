"""Contacts with a family: the /log quick form and dialog, undo, corrections, how a contact
reads, and the rule that a contact is dated between the family's intake and today."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.casework.families import family_code, parse_family_code
from bot.casework.vocabulary import ContactType, Service, Topic
from bot.core.i18n import _, format_date, format_items, format_minutes
from bot.core.parsing import (
    DURATION_UNITS,
    ParseError,
    check_note,
    is_number,
    looks_like_date,
    parse_contact_date,
    parse_duration,
    parse_follow_up_date,
    quoted,
    split_note,
)
from bot.core.terms import join_phrases
from bot.core.text import shorten

STRUCTURAL_TAG = "#struktur"
LOG_EXAMPLE = "/log F-0042 45m hausbesuch aufenthalt,arbeit: Termin vorbereitet"


_STRUCTURAL = re.compile(rf"{STRUCTURAL_TAG}\b", re.IGNORECASE)


FOLLOW_UP_WORDS = {"next", "wv", "wiedervorlage", "followup", "fu", "повторно"}
_REFERRAL_WORDS = {"ref", "verweis", "an", "→", "->", "направлення", "напр"}


@dataclass
class ContactDraft:
    """A contact before it is stored: filled at once by /log's form, or step by step."""

    family_id: int | None = None
    contact_on: date | None = None
    minutes: int | None = None
    contact_type: ContactType | None = None
    topics: tuple[Topic, ...] = ()
    note: str = ""
    referral: Service | None = None
    follow_up_on: date | None = None

    @property
    def structural_gap(self) -> bool:
        return _STRUCTURAL.search(self.note) is not None

    def toggle_topic(self, topic: Topic) -> None:
        """Add a topic or take it away; chosen topics keep the order of the KIM fields."""
        chosen = set(self.topics) ^ {topic}
        self.topics = tuple(known for known in Topic if known in chosen)

    @property
    def complete(self) -> bool:
        """Everything a contact record needs is there."""
        return bool(
            self.family_id
            and self.contact_on
            and self.minutes
            and self.contact_type
            and self.topics
        )


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
    structured, note = split_note(arguments)
    tokens = join_phrases(structured).split()
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


def _read_log_token(token: str, rest: list[str], parts: _LogParts, today: date) -> None:
    word = token.lower()
    if word in FOLLOW_UP_WORDS:
        if not rest:
            raise ParseError(
                _("“{word}” needs a date after it. Example: next 02.12.").format(word=quoted(token))
            )
        _set_once(parts, "follow_up_on", parse_follow_up_date(rest.pop(0), today), token)
        return
    if word in _REFERRAL_WORDS:
        if not rest:
            raise ParseError(
                _("“{word}” needs a service after it. Example: ref jobcenter").format(
                    word=quoted(token)
                )
            )
        _set_once(parts, "referral", _parse_service(rest.pop(0)), token)
        return
    if word.startswith(("->", "→")):
        _set_once(parts, "referral", _parse_service(word.lstrip("->→")), token)
        return
    if rest and rest[0].lower() in DURATION_UNITS and is_number(word):
        token = word + rest.pop(0).lower()
        word = token
    if looks_like_date(word):
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
            token=quoted(token), example=LOG_EXAMPLE
        )
    )


def _set_once(parts: _LogParts, name: str, value: object, token: str) -> None:
    if getattr(parts, name) is not None:
        raise ParseError(
            _(
                "“{token}”: date, duration, contact type, referral and follow-up may each be "
                "given only once. Example: {example}"
            ).format(token=quoted(token), example=LOG_EXAMPLE)
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
            ).format(word=quoted(word))
        )
    return service


# A saved contact can be taken back this long, by the person who saved it.
UNDO_WINDOW = timedelta(minutes=30)
# How long the source of an undone contact is remembered, so that the update it came from,
# delivered again, stores nothing. Telegram redelivers for a day; a week covers a bot that
# was down over a long weekend.
UNDONE_KEPT = timedelta(days=7)


class Saved(StrEnum):
    """What storing a contact from a source (a chat and a message) did."""

    NEW = "new"
    AGAIN = "again"  # the source was stored before: nothing new
    UNDONE = "undone"  # the source was stored and undone: undo is final, nothing stored


def may_undo(author_id: int, created_at: datetime, staff_id: int, now: datetime) -> bool:
    return author_id == staff_id and now - created_at <= UNDO_WINDOW


def contact_line(contact: Contact) -> str:
    topics = format_items([topic.label for topic in contact.topics])
    # The number names the contact for a correction (/log korrektur 12 …).
    line = _("No. {id} · {date}: {type}, {duration} – {topics}").format(
        id=contact.id,
        date=format_date(contact.contact_on),
        type=contact.contact_type.label,
        duration=format_minutes(contact.minutes),
        topics=topics,
    )
    if contact.referral:
        line += " · " + _("referred to {service}").format(service=contact.referral.label)
    if contact.follow_up_on:
        line += " · " + _("follow-up {date}").format(date=format_date(contact.follow_up_on))
    if contact.note:
        line += f"\n   <i>{html.escape(shorten(contact.note, 120))}</i>"
    return line


DURATION_CHOICES = (15, 30, 45, 60, 90, 120)


@dataclass(frozen=True)
class Contact:
    id: int
    family_id: int
    staff_id: int
    contact_on: date
    minutes: int
    contact_type: ContactType
    topics: tuple[Topic, ...]
    note: str
    referral: Service | None
    follow_up_on: date | None
    created_at: datetime

    @property
    def family_code(self) -> str:
        return family_code(self.family_id)


def contact_summary(draft: ContactDraft) -> str:
    """A contact before (or as) it is saved, for confirming it."""
    lines = [
        _("{code} · {date} · {type} · {duration}").format(
            code=family_code(draft.family_id),
            date=format_date(draft.contact_on),
            type=draft.contact_type.label,
            duration=format_minutes(draft.minutes),
        ),
        _("Topics: {topics}").format(topics=format_items([topic.label for topic in draft.topics])),
    ]
    if draft.referral:
        lines.append(_("Referred to: {service}").format(service=draft.referral.label))
    if draft.follow_up_on:
        lines.append(_("Follow-up: {date}").format(date=format_date(draft.follow_up_on)))
    if draft.note:
        lines.append(_("Note: {note}").format(note=html.escape(draft.note)))
    return "\n".join(lines)


def typed_date(day: date) -> str:
    """A day as staff type it in /log: 20.11."""
    return f"{day.day:02d}.{day.month:02d}."


def check_after_intake(day: date, code: str, intake: date, example: str) -> None:
    """A contact took place during the counselling: never before the family's intake."""
    if day < intake:
        raise ParseError(
            _(
                "{code} was taken in on {intake}: a contact cannot be dated before the intake. "
                "Example: {example}"
            ).format(code=code, intake=format_date(intake), example=html.escape(example))
        )


def intake_example(code: str, intake: date) -> str:
    """The one-line /log of a contact on the day of intake, for the refusal above."""
    return f"/log {code} {typed_date(intake)} 45m hausbesuch aufenthalt"


# /log korrektur 12 …: the words that start a correction, the words that name a field.
CORRECTION_WORDS = frozenset(
    {"correct", "correction", "fix", "korrektur", "korrigieren", "ändern", "виправити"}
)
CORRECT_EXAMPLE = "/log korrektur {id} datum 20.11. dauer 45m"
_FIELD_WORDS = {
    "date": "contact_on", "datum": "contact_on", "дата": "contact_on",
    "minutes": "minutes", "duration": "minutes", "dauer": "minutes", "тривалість": "minutes",
    "type": "contact_type", "kind": "contact_type", "art": "contact_type",
    "kontaktart": "contact_type", "тип": "contact_type",
    "topic": "topics", "topics": "topics", "thema": "topics", "themen": "topics",
    "тема": "topics", "теми": "topics",
}  # fmt: skip
_NOTE_WORDS = ("note", "notiz", "vermerk", "нотатка")
_NOTE_FIELD = re.compile(rf"(?:^|\s)(?:{'|'.join(_NOTE_WORDS)}):?(?:\s+|$)", re.IGNORECASE)
# "notiz -" takes the note away.
_NO_NOTE = {"-", "–", "—"}


def is_correction(arguments: str) -> bool:
    words = arguments.split(maxsplit=1)
    return bool(words) and words[0].casefold() in CORRECTION_WORDS


@dataclass(frozen=True)
class ContactCorrection:
    """/log korrektur: the contact and what is to change (None: stays as it is)."""

    contact_id: int
    contact_on: date | None = None
    minutes: int | None = None
    contact_type: ContactType | None = None
    topics: tuple[Topic, ...] | None = None
    note: str | None = None

    def example(self) -> str:
        return CORRECT_EXAMPLE.format(id=self.contact_id)

    def dated_example(self, day: date) -> str:
        """The correction of the date to `day`, for the refusal of a day before the intake."""
        return f"/log korrektur {self.contact_id} datum {typed_date(day)}"

    def applied_to(self, contact: Contact) -> ContactDraft:
        """The contact as it reads once corrected."""
        return ContactDraft(
            family_id=contact.family_id,
            contact_on=self.contact_on or contact.contact_on,
            minutes=self.minutes or contact.minutes,
            contact_type=self.contact_type or contact.contact_type,
            # In the order of the KIM fields, as a stored contact reads them.
            topics=tuple(t for t in Topic if t in (self.topics or contact.topics)),
            note=contact.note if self.note is None else self.note,
            referral=contact.referral,
            follow_up_on=contact.follow_up_on,
        )


def parse_correction(arguments: str, today: date) -> ContactCorrection:
    """`korrektur 12 [datum] 20.11. [dauer] 45m [art] beratung [themen] wohnen [notiz …]`:
    the values as /log reads them, each optionally after the word naming its field; the
    note after `notiz` (or after a colon, as in /log)."""
    _word, _space, rest = arguments.strip().partition(" ")
    number, _space, rest = rest.strip().partition(" ")
    if number.endswith(":"):  # korrektur 12: the new note
        number, rest = number[:-1], ": " + rest
    if not number.isdigit() or not 1 <= int(number) <= 999_999_999_999:
        raise ParseError(
            _(
                "Which contact? Give its number, as /log's confirmation and /family show it. "
                "Example: {example}"
            ).format(example=CORRECT_EXAMPLE.format(id=12))
        )
    contact_id = int(number)
    example = CORRECT_EXAMPLE.format(id=contact_id)
    note: str | None = None
    if named := _NOTE_FIELD.search(rest):
        structured, note = rest[: named.start()], check_note(rest[named.end() :])
    else:
        structured, after_colon = split_note(rest)
        note = after_colon if structured != rest else None
    if note is not None and note in _NO_NOTE:
        note = ""
    parts = _LogParts()
    tokens = join_phrases(structured).split()
    while tokens:
        token = tokens.pop(0)
        field_name = _FIELD_WORDS.get(token.casefold())
        if field_name is not None and not tokens:
            raise ParseError(
                _("“{word}” needs a value after it. Example: {example}").format(
                    word=quoted(token), example=example
                )
            )
        word, token = (token, tokens.pop(0)) if field_name is not None else (None, token)
        if token.casefold() in FOLLOW_UP_WORDS | _REFERRAL_WORDS or token.startswith(("->", "→")):
            raise ParseError(
                _(
                    "A correction changes date, duration, kind, topics and note. Referral and "
                    "follow-up stay as logged. Example: {example}"
                ).format(example=example)
            )
        before = _read_so_far(parts)
        _read_log_token(token, tokens, parts, today)
        if field_name is not None and _read_so_far(parts)[field_name] == before[field_name]:
            raise ParseError(
                _("“{value}” does not fit after “{word}”. Example: {example}").format(
                    value=quoted(token), word=quoted(word or ""), example=example
                )
            )
    correction = ContactCorrection(
        contact_id,
        contact_on=parts.contact_on,
        minutes=parts.minutes,
        contact_type=parts.contact_type,
        topics=tuple(dict.fromkeys(parts.topics)) or None,
        note=note,
    )
    if correction == ContactCorrection(contact_id):
        raise ParseError(
            _("What should change? Give the new date, duration, kind, topics or note. "
              "Example: {example}").format(example=example)
        )  # fmt: skip
    return correction


def _read_so_far(parts: _LogParts) -> dict[str, object]:
    return {
        "contact_on": parts.contact_on,
        "minutes": parts.minutes,
        "contact_type": parts.contact_type,
        "topics": len(parts.topics),
    }


@dataclass(frozen=True)
class Change:
    """One field of a corrected contact: its code for the audit line, old and new text."""

    code: str
    old: str
    new: str


def contact_changes(contact: Contact, corrected: ContactDraft) -> list[Change]:
    """What a correction changes, field by field; empty if the contact reads so already."""
    changes = []
    if corrected.contact_on != contact.contact_on:
        changes.append(
            Change("date", contact.contact_on.isoformat(), corrected.contact_on.isoformat())
        )
    if corrected.minutes != contact.minutes:
        changes.append(Change("minutes", str(contact.minutes), str(corrected.minutes)))
    if corrected.contact_type != contact.contact_type:
        changes.append(Change("type", contact.contact_type.value, corrected.contact_type.value))
    if corrected.topics != contact.topics:
        changes.append(
            Change(
                "topics",
                ",".join(topic.value for topic in contact.topics),
                ",".join(topic.value for topic in corrected.topics),
            )
        )
    if corrected.note != contact.note:
        # The note itself never goes into the audit log.
        changes.append(Change("note", "", ""))
    return changes


def audit_detail(contact_id: int, changes: list[Change]) -> str:
    """The audit line's detail: `12 date 2026-11-24→2026-11-17; note changed`."""
    parts = [
        f"{change.code} changed"
        if change.code == "note"
        else f"{change.code} {change.old}→{change.new}"
        for change in changes
    ]
    return f"{contact_id} " + "; ".join(parts)


def changes_line(changes: list[Change]) -> str:
    """What changed, for the person who corrected it."""
    labels = {
        "date": lambda value: format_date(date.fromisoformat(value)),
        "minutes": lambda value: format_minutes(int(value)),
        "type": lambda value: ContactType(value).label,
        "topics": lambda value: format_items([Topic(item).label for item in value.split(",")]),
    }
    names = {
        "date": _("date"),
        "minutes": _("duration"),
        "type": _("kind"),
        "topics": _("topics"),
    }
    parts = [
        _("note")
        if change.code == "note"
        else _("{field} {old} → {new}").format(
            field=names[change.code],
            old=labels[change.code](change.old),
            new=labels[change.code](change.new),
        )
        for change in changes
    ]
    return _("Changed: {changes}").format(changes="; ".join(parts))


def may_correct(author_id: int, staff_id: int, sees_all: bool) -> bool:
    """The author corrects their own contacts; the coordination any."""
    return author_id == staff_id or sees_all
