"""Case conferences and cross-case meetings: who took part, about which families, what was
agreed; the /conference quick form and dialog, and how a conference reads.

A case conference (fallbezogen) is about one or several families, or about a case the bot
has no code for; a cross-case meeting (fallübergreifend) is about structures, usually with
no family. Teams taking part are the KIM teams and, counted but not users, partners
(Jobcenter, Sozialamt, schools …).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.casework.contacts import FOLLOW_UP_WORDS
from bot.casework.families import family_code, parse_family_code
from bot.casework.vocabulary import Service, Topic
from bot.core.i18n import _, format_date, format_items, format_minutes, lazy_gettext
from bot.core.parsing import (
    DURATION_UNITS,
    ParseError,
    is_number,
    looks_like_date,
    parse_contact_date,
    parse_duration,
    parse_follow_up_date,
    quoted,
    split_note,
)
from bot.core.terms import Term, define_terms, join_phrases
from bot.core.text import shorten
from bot.staff.roles import Team

CONFERENCE_EXAMPLE = (
    "/conference 24.11. ABH,CM F-0042 Aufenthalt 60 Absprache: Termin zur Fiktionsbescheinigung"
)
# More families than this in one conference is a typing error, not a meeting.
MAX_FAMILIES = 12
MAX_PARTNER_NAME = 100
DURATION_CHOICES = (30, 45, 60, 90, 120)


class ConferenceKind(Term):
    CASE = "case"
    CROSS_CASE = "cross_case"


class Participant(Term):
    """Who took part: the KIM teams, and partners outside the KIM. `bit` is stored: never
    renumber, only append."""

    COORDINATION = "coordination"
    CASE_MANAGEMENT = "case_management"
    IMMIGRATION_OFFICE = "immigration_office"
    NATURALISATION_OFFICE = "naturalisation_office"
    PARTNERS = "partners"

    @property
    def bit(self) -> int:
        return _PARTICIPANT_BITS[self]


_PARTICIPANT_BITS = {participant: 1 << number for number, participant in enumerate(Participant)}

define_terms(
    labels={
        ConferenceKind.CASE: lazy_gettext("case conference"),
        ConferenceKind.CROSS_CASE: lazy_gettext("cross-case meeting"),
    },
    words={
        ConferenceKind.CASE: (
            "fallbezogen",
            "fallkonferenz",
            "fallbesprechung",
            "case",
            "caseconference",
            "кейс",
            "кейсконференція",
        ),
        ConferenceKind.CROSS_CASE: (
            "fallübergreifend",
            "falluebergreifend",
            "übergreifend",
            "uebergreifend",
            "crosscase",
            "cross",
            "загальна",
            "міжвідомча",
        ),
    },
)

define_terms(
    labels={
        Participant.COORDINATION: lazy_gettext("Coordination"),
        Participant.CASE_MANAGEMENT: lazy_gettext("Case Management"),
        Participant.IMMIGRATION_OFFICE: lazy_gettext("Immigration office"),
        Participant.NATURALISATION_OFFICE: lazy_gettext("Naturalisation office"),
        Participant.PARTNERS: lazy_gettext("partners"),
    },
    words={
        Participant.COORDINATION: ("koordination", "koord", "coordination", "координація"),
        Participant.CASE_MANAGEMENT: (
            "cm",
            "casemanagement",
            "fallmanagement",
            "кейсменеджмент",
        ),
        Participant.IMMIGRATION_OFFICE: (
            "abh",
            "ausländerbehörde",
            "auslaenderbehoerde",
            "immigrationoffice",
            "immigration",
            "імміграційна",
            "міграційна",
        ),
        Participant.NATURALISATION_OFFICE: (
            "ebh",
            "einbürgerungsbehörde",
            "einbuergerungsbehoerde",
            "naturalisationoffice",
            "naturalizationoffice",
            "натуралізаційна",
        ),
        Participant.PARTNERS: ("partner", "partners", "partnerinnen", "партнери", "партнер"),
    },
)

# The team of the person who records a conference takes part in it.
_TEAM_PARTICIPANTS = {
    Team.COORDINATION: Participant.COORDINATION,
    Team.CASE_MANAGEMENT: Participant.CASE_MANAGEMENT,
    Team.IMMIGRATION_OFFICE: Participant.IMMIGRATION_OFFICE,
    Team.NATURALISATION_OFFICE: Participant.NATURALISATION_OFFICE,
}

# Partners named in the quick form by the service they are (ABH and EBH are teams here).
_PARTNER_SERVICES = frozenset(Service) - {
    Service.IMMIGRATION_OFFICE,
    Service.NATURALISATION_OFFICE,
}
# The word before the colon that introduces the agreements; optional.
_AGREEMENT_WORDS = {
    "absprache",
    "absprachen",
    "vereinbarung",
    "vereinbart",
    "agreement",
    "agreements",
    "agreed",
    "домовленість",
    "домовленості",
}


def participant_of(team: Team) -> Participant | None:
    """The participant the team is; None for the administration, which takes no part."""
    return _TEAM_PARTICIPANTS.get(team)


def participants_to_bits(participants: Iterable[Participant]) -> int:
    bits = 0
    for participant in participants:
        bits |= participant.bit
    return bits


def participants_from_bits(bits: int) -> tuple[Participant, ...]:
    return tuple(participant for participant in Participant if bits & participant.bit)


def _in_order(chosen: Iterable[Participant]) -> tuple[Participant, ...]:
    chosen = set(chosen)
    return tuple(participant for participant in Participant if participant in chosen)


@dataclass
class ConferenceDraft:
    """A conference before it is stored: filled at once by the quick form, or step by step."""

    held_on: date | None = None
    kind: ConferenceKind | None = None
    participants: tuple[Participant, ...] = ()
    partner_name: str = ""
    family_ids: tuple[int, ...] = ()
    topics: tuple[Topic, ...] = ()
    minutes: int | None = None
    agreements: str = ""
    follow_up_on: date | None = None

    def toggle_participant(self, participant: Participant) -> None:
        """Add a participant or take it away; they keep the order of Participant."""
        self.participants = _in_order(set(self.participants) ^ {participant})
        if Participant.PARTNERS not in self.participants:
            self.partner_name = ""

    def toggle_topic(self, topic: Topic) -> None:
        """Add a topic or take it away; chosen topics keep the order of the KIM fields."""
        chosen = set(self.topics) ^ {topic}
        self.topics = tuple(known for known in Topic if known in chosen)

    @property
    def family_codes(self) -> list[str]:
        return [family_code(family_id) for family_id in self.family_ids]


@dataclass(frozen=True)
class Conference:
    id: int
    held_on: date
    kind: ConferenceKind
    participants: tuple[Participant, ...]
    partner_name: str
    # The families still linked: a family whose data were erased is no longer among them.
    family_ids: tuple[int, ...]
    topics: tuple[Topic, ...]
    minutes: int
    agreements: str
    recorded_by: int
    recorded_at: datetime

    @property
    def family_codes(self) -> list[str]:
        return [family_code(family_id) for family_id in self.family_ids]


@dataclass(frozen=True)
class ConferenceCounts:
    """Conferences held in a period: case conferences (of those, how many the immigration
    and the naturalisation office took part in), cross-case meetings, and the minutes of
    both kinds together."""

    case_conferences: int = 0
    with_immigration_office: int = 0
    with_naturalisation_office: int = 0
    cross_case: int = 0
    minutes: int = 0


# The quick form -------------------------------------------------------------------------


@dataclass
class _Parts:
    held_on: date | None = None
    kind: ConferenceKind | None = None
    minutes: int | None = None
    follow_up_on: date | None = None


def parse_conference(arguments: str, today: date, team: Team) -> ConferenceDraft:
    """`[date] [fallbezogen|übergreifend] ABH,CM[,jobcenter] [F-0042 …] topics 60m
    [next 02.12.] [Absprache]: agreements`. The recorder's team takes part."""
    structured, agreements = split_note(arguments)
    tokens = join_phrases(structured).split()
    if tokens and tokens[-1].lower().rstrip(":") in _AGREEMENT_WORDS:
        tokens.pop()
    if not tokens:
        raise ParseError(
            _("What was the conference about? Example: {example}").format(
                example=html.escape(CONFERENCE_EXAMPLE)
            )
        )
    parts = _Parts()
    participants: set[Participant] = set()
    partners: list[str] = []
    families: list[int] = []
    topics: list[Topic] = []
    while tokens:
        token = tokens.pop(0)
        _read_token(token, tokens, today, parts, participants, partners, families, topics)
    if parts.minutes is None:
        raise ParseError(
            _("How long was the conference? Add a duration such as 60 or 1,5h. Example: {example}")
            .format(example=html.escape(CONFERENCE_EXAMPLE))
        )  # fmt: skip
    if not topics:
        raise ParseError(
            _("Which topics? Add them separated by commas, e.g. aufenthalt,arbeit. "
              "Example: {example}").format(example=html.escape(CONFERENCE_EXAMPLE))
        )  # fmt: skip
    if parts.follow_up_on is not None and not families:
        raise ParseError(
            _("A follow-up needs a family: add its code (e.g. F-0042) or leave out the "
              "follow-up. Example: {example}").format(example=html.escape(CONFERENCE_EXAMPLE))
        )  # fmt: skip
    if len(set(families)) > MAX_FAMILIES:
        raise ParseError(
            _("At most {count} families can be linked to one conference.").format(
                count=MAX_FAMILIES
            )
        )
    own = participant_of(team)
    if own is not None:
        participants.add(own)
    if partners:
        participants.add(Participant.PARTNERS)
    return ConferenceDraft(
        held_on=parts.held_on or today,
        kind=parts.kind or (ConferenceKind.CASE if families else ConferenceKind.CROSS_CASE),
        participants=_in_order(participants),
        partner_name=", ".join(dict.fromkeys(partners)),
        family_ids=tuple(dict.fromkeys(families)),
        topics=tuple(known for known in Topic if known in set(topics)),
        minutes=parts.minutes,
        agreements=agreements,
        follow_up_on=parts.follow_up_on,
    )


def _read_token(
    token: str,
    rest: list[str],
    today: date,
    parts: _Parts,
    participants: set[Participant],
    partners: list[str],
    families: list[int],
    topics: list[Topic],
) -> None:
    word = token.lower()
    if word in FOLLOW_UP_WORDS:
        if not rest:
            raise ParseError(
                _("“{word}” needs a date after it. Example: next 02.12.").format(word=quoted(token))
            )
        _set_once(parts, "follow_up_on", parse_follow_up_date(rest.pop(0), today), token)
        return
    if word.startswith("f-") or (word.startswith("f") and word[1:].isdigit()):
        families.append(parse_family_code(token))
        return
    if rest and rest[0].lower() in DURATION_UNITS and is_number(word):
        word = token = word + rest.pop(0).lower()
    if looks_like_date(word):
        _set_once(parts, "held_on", parse_contact_date(word, today), token)
        return
    if word[:1].isdigit():
        _set_once(parts, "minutes", parse_duration(word), token)
        return
    if (kind := ConferenceKind.parse(word)) is not None:
        _set_once(parts, "kind", kind, token)
        return
    items = [item for item in word.split(",") if item]
    teams = [Participant.parse(item) for item in items]
    services = [Service.parse(item) for item in items]
    if (
        items
        and any(teams)
        and all(
            team or service in _PARTNER_SERVICES
            for team, service in zip(teams, services, strict=True)
        )
    ):
        participants.update(team for team in teams if team)
        partners.extend(
            service.label
            for team, service in zip(teams, services, strict=True)
            if team is None and service is not None
        )
        return
    found = [Topic.parse(item) for item in items]
    if found and all(found):
        topics.extend(topic for topic in found if topic)
        return
    raise ParseError(
        _("I did not understand “{token}”. Teams: ABH, EBH, CM, Koordination, Partner; "
          "example: {example}").format(token=quoted(token), example=html.escape(CONFERENCE_EXAMPLE))
    )  # fmt: skip


def _set_once(parts: _Parts, name: str, value: object, token: str) -> None:
    if getattr(parts, name) is not None:
        raise ParseError(
            _("“{token}”: date, kind, duration and follow-up may each be given only once. "
              "Example: {example}").format(token=quoted(token),
                                           example=html.escape(CONFERENCE_EXAMPLE))
        )  # fmt: skip
    setattr(parts, name, value)


def parse_family_codes(text: str) -> tuple[int, ...]:
    """Family codes typed in the dialog: separated by spaces or commas, each once."""
    codes = [code for code in text.replace(",", " ").split() if code]
    if not codes:
        raise ParseError(_("Please type one or more family codes, e.g. F-0042 F-0107."))
    family_ids = tuple(dict.fromkeys(parse_family_code(code) for code in codes))
    if len(family_ids) > MAX_FAMILIES:
        raise ParseError(
            _("At most {count} families can be linked to one conference.").format(
                count=MAX_FAMILIES
            )
        )
    return family_ids


def check_partner_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise ParseError(_("Please type the partner's name, e.g. Jobcenter Ahlen."))
    if len(name) > MAX_PARTNER_NAME:
        raise ParseError(
            _("The partner's name is {length} characters long; at most {limit} fit.").format(
                length=len(name), limit=MAX_PARTNER_NAME
            )
        )
    return name


# How a conference reads --------------------------------------------------------------------


def participants_text(participants: Iterable[Participant], partner_name: str) -> str:
    labels = []
    for participant in participants:
        if participant is Participant.PARTNERS and partner_name:
            labels.append(_("partners ({names})").format(names=html.escape(partner_name)))
        else:
            labels.append(participant.label)
    return format_items(labels)


def conference_summary(draft: ConferenceDraft) -> str:
    """A conference before (or as) it is saved: only what its author typed or chose."""
    lines = [
        _("{kind} · {date} · {duration}").format(
            kind=draft.kind.label, date=format_date(draft.held_on),
            duration=format_minutes(draft.minutes),
        ),
        _("Taking part: {teams}").format(
            teams=participants_text(draft.participants, draft.partner_name)
        ),
        _("Families: {codes}").format(codes=format_items(draft.family_codes))
        if draft.family_ids else _("Families: none"),
        _("Topics: {topics}").format(topics=format_items([topic.label for topic in draft.topics])),
    ]  # fmt: skip
    if draft.agreements:
        lines.append(_("Agreements: {text}").format(text=html.escape(draft.agreements)))
    if draft.follow_up_on:
        lines.append(_("Follow-up: {date}").format(date=format_date(draft.follow_up_on)))
    return "\n".join(lines)


def conference_line(conference: Conference, with_families: bool = True) -> str:
    """One conference in /conferences and on a family's card."""
    line = _("#{id} {date} · {kind} · {teams} · {duration}").format(
        id=conference.id,
        date=format_date(conference.held_on),
        kind=conference.kind.label,
        teams=participants_text(conference.participants, conference.partner_name),
        duration=format_minutes(conference.minutes),
    )
    if with_families and conference.family_ids:
        line += " · " + format_items(conference.family_codes)
    line += "\n   " + format_items([topic.label for topic in conference.topics])
    if conference.agreements:
        line += f"\n   <i>{html.escape(shorten(conference.agreements, 200))}</i>"
    return line
