"""The vocabulary of KIM casework: towns, contact types, topics, services, benefit systems.

Every term has a stored value (never changes), a translated label, and the German and
English words staff type for it. Words are compared casefolded, without "-", "_", "/",
"." and spaces, so "E-Mail", "e_mail" and "Email" are one word.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from babel import Locale

from bot.i18n import language_name, lazy_gettext

# Default list of the municipalities of the Kreis Warendorf (configurable: TOWNS).
WARENDORF_TOWNS = (
    "Ahlen", "Beckum", "Beelen", "Drensteinfurt", "Ennigerloh", "Everswinkel", "Oelde",
    "Ostbevern", "Sassenberg", "Sendenhorst", "Telgte", "Wadersloh", "Warendorf",
)  # fmt: skip


# A saved contact can be taken back this long, by the person who saved it.
UNDO_WINDOW = timedelta(minutes=30)


def may_undo(author_id: int, created_at: datetime, staff_id: int, now: datetime) -> bool:
    return author_id == staff_id and now - created_at <= UNDO_WINDOW


def normalise(word: str) -> str:
    return "".join(ch for ch in word.casefold() if ch not in "-_/. ")


class Term(StrEnum):
    """A term with a translated label and the words that name it (see define_terms)."""

    @property
    def label(self) -> str:
        return str(_LABELS[_key(self)])

    @property
    def words(self) -> frozenset[str]:
        """The words (normalised) that name the term."""
        return _WORDS[_key(self)]

    @classmethod
    def parse(cls, word: str) -> Term | None:
        key = normalise(word)
        return next((term for term in cls if key in term.words), None)


# Every term's label and words, filled by define_terms below each vocabulary. Keyed by class
# and value: terms of different vocabularies with the same value (ContactType.PHONE and
# Mode.PHONE are both "phone") compare equal as strings.
_LABELS: dict[tuple[type, str], object] = {}
_WORDS: dict[tuple[type, str], frozenset[str]] = {}


def _key(term: Term) -> tuple[type, str]:
    return type(term), term.value


def define_terms(labels: dict[Term, object], words: dict[Term, tuple[str, ...]]) -> None:
    """Give terms their labels (lazily translated) and the words staff type for them.

    Pass dicts of one vocabulary only: equal values of two vocabularies would collide.
    """
    _LABELS.update({_key(term): label for term, label in labels.items()})
    _WORDS.update(
        {_key(term): frozenset(normalise(word) for word in spelled)
         for term, spelled in words.items()}
    )  # fmt: skip


class ContactType(Term):
    HOME_VISIT = "home_visit"
    OFFICE = "office"
    PHONE = "phone"
    VIDEO = "video"
    ACCOMPANIMENT = "accompaniment"
    CASE_CONFERENCE = "case_conference"
    MESSAGE = "message"


class Topic(Term):
    """The KIM fields of counselling. `bit` is stored: never renumber, only append."""

    RESIDENCE = "residence"
    ORIENTATION = "orientation"
    WORK = "work"
    RECOGNITION = "recognition"
    LANGUAGE = "language"
    SCHOOL = "school"
    CHILDCARE = "childcare"
    HEALTH = "health"
    HOUSING = "housing"
    BENEFITS = "benefits"
    FAMILY = "family"
    NATURALISATION = "naturalisation"
    OTHER = "other"

    @property
    def bit(self) -> int:
        return _TOPIC_BITS[self]


class Service(Term):
    """Services a family can be referred to."""

    JOBCENTER = "jobcenter"
    IMMIGRATION_OFFICE = "immigration_office"
    NATURALISATION_OFFICE = "naturalisation_office"
    YOUTH_OFFICE = "youth_office"
    SOCIAL_OFFICE = "social_office"
    SCHOOL = "school"
    KITA = "kita"
    HEALTH_SERVICE = "health_service"
    COUNSELLING = "counselling"
    LANGUAGE_COURSE = "language_course"


class BenefitSystem(Term):
    """The "Rechtskreis" a family's benefits come from."""

    SGB_II = "sgb2"
    SGB_XII = "sgb12"
    ASYLBLG = "asylblg"
    NONE = "none"


class FlagCategory(Term):
    """Kinds of structural gap a case can reveal."""

    WAITING_TIME = "waiting_time"
    MISSING_SERVICE = "missing_service"
    INTERFACE = "interface"
    OTHER = "other"


_TOPIC_BITS = {topic: 1 << position for position, topic in enumerate(Topic)}


def topics_to_bits(topics: Iterable[Topic]) -> int:
    bits = 0
    for topic in topics:
        bits |= topic.bit
    return bits


def topics_from_bits(bits: int) -> list[Topic]:
    return [topic for topic in Topic if bits & topic.bit]


define_terms(
    labels={
        ContactType.HOME_VISIT: lazy_gettext("home visit"),
        ContactType.OFFICE: lazy_gettext("office consultation"),
        ContactType.PHONE: lazy_gettext("phone call"),
        ContactType.VIDEO: lazy_gettext("video call"),
        ContactType.ACCOMPANIMENT: lazy_gettext("accompaniment"),
        ContactType.CASE_CONFERENCE: lazy_gettext("case conference"),
        ContactType.MESSAGE: lazy_gettext("messenger/e-mail"),
    },
    words={
        ContactType.HOME_VISIT: ("hausbesuch", "hb", "besuch", "home", "homevisit", "visit"),
        ContactType.OFFICE: (
            "beratung",
            "büro",
            "buero",
            "sprechstunde",
            "office",
            "consultation",
            "termin",
        ),
        ContactType.PHONE: ("telefon", "tel", "anruf", "telefonat", "phone", "call"),
        ContactType.VIDEO: ("video", "videocall", "videokonferenz", "online"),
        ContactType.ACCOMPANIMENT: ("begleitung", "begleitet", "accompaniment", "escort"),
        ContactType.CASE_CONFERENCE: (
            "fallkonferenz",
            "fallbesprechung",
            "konferenz",
            "caseconference",
            "conference",
        ),
        ContactType.MESSAGE: ("messenger", "mail", "email", "nachricht", "message", "chat"),
    },
)

define_terms(
    labels={
        Topic.RESIDENCE: lazy_gettext("residence and asylum law"),
        Topic.ORIENTATION: lazy_gettext("initial orientation"),
        Topic.WORK: lazy_gettext("work and job search"),
        Topic.RECOGNITION: lazy_gettext("recognition of qualifications"),
        Topic.LANGUAGE: lazy_gettext("language courses"),
        Topic.SCHOOL: lazy_gettext("school and training"),
        Topic.CHILDCARE: lazy_gettext("childcare"),
        Topic.HEALTH: lazy_gettext("health"),
        Topic.HOUSING: lazy_gettext("housing"),
        Topic.BENEFITS: lazy_gettext("benefits and money"),
        Topic.FAMILY: lazy_gettext("family and parenting"),
        Topic.NATURALISATION: lazy_gettext("naturalisation"),
        Topic.OTHER: lazy_gettext("other"),
    },
    words={
        Topic.RESIDENCE: ("aufenthalt", "asyl", "aufenthaltsrecht", "residence", "asylum"),
        Topic.ORIENTATION: ("erstorientierung", "orientierung", "orientation"),
        Topic.WORK: ("arbeit", "job", "jobsuche", "beruf", "work"),
        Topic.RECOGNITION: ("anerkennung", "recognition"),
        Topic.LANGUAGE: ("sprache", "integrationskurs", "sprachkurs", "language"),
        Topic.SCHOOL: ("schule", "ausbildung", "school", "training"),
        Topic.CHILDCARE: ("kita", "kinderbetreuung", "childcare"),
        Topic.HEALTH: ("gesundheit", "health"),
        Topic.HOUSING: ("wohnen", "wohnung", "housing"),
        Topic.BENEFITS: ("leistungen", "finanzen", "geld", "benefits", "money"),
        Topic.FAMILY: ("familie", "erziehung", "family", "parenting"),
        Topic.NATURALISATION: ("einbürgerung", "einbuergerung", "naturalisation", "naturalization"),
        Topic.OTHER: ("sonstiges", "other"),
    },
)

define_terms(
    labels={
        Service.JOBCENTER: lazy_gettext("Jobcenter"),
        Service.IMMIGRATION_OFFICE: lazy_gettext("Immigration office"),
        Service.NATURALISATION_OFFICE: lazy_gettext("Naturalisation office"),
        Service.YOUTH_OFFICE: lazy_gettext("youth welfare office"),
        Service.SOCIAL_OFFICE: lazy_gettext("social welfare office"),
        Service.SCHOOL: lazy_gettext("school"),
        Service.KITA: lazy_gettext("day-care centre"),
        Service.HEALTH_SERVICE: lazy_gettext("health service"),
        Service.COUNSELLING: lazy_gettext("counselling service"),
        Service.LANGUAGE_COURSE: lazy_gettext("language course provider"),
    },
    words={
        Service.JOBCENTER: ("jobcenter", "jc"),
        Service.IMMIGRATION_OFFICE: (
            "ausländerbehörde",
            "auslaenderbehoerde",
            "abh",
            "immigrationoffice",
        ),
        Service.NATURALISATION_OFFICE: (
            "einbürgerungsbehörde",
            "einbuergerungsbehoerde",
            "ebh",
            "naturalisationoffice",
        ),
        Service.YOUTH_OFFICE: ("jugendamt", "youthoffice"),
        Service.SOCIAL_OFFICE: ("sozialamt", "socialoffice"),
        Service.SCHOOL: ("schule", "school"),
        Service.KITA: ("kita", "kindergarten"),
        Service.HEALTH_SERVICE: ("gesundheitsamt", "gesundheitsdienst", "arzt", "health"),
        Service.COUNSELLING: ("beratungsstelle", "migrationsberatung", "counselling", "counseling"),
        Service.LANGUAGE_COURSE: ("sprachkurs", "integrationskurs", "kursträger", "languagecourse"),
    },
)

define_terms(
    labels={
        BenefitSystem.SGB_II: lazy_gettext("SGB II (Jobcenter)"),
        BenefitSystem.SGB_XII: lazy_gettext("SGB XII (social welfare office)"),
        BenefitSystem.ASYLBLG: lazy_gettext("AsylbLG"),
        BenefitSystem.NONE: lazy_gettext("none/other"),
    },
    words={
        BenefitSystem.SGB_II: ("sgb2", "sgbii", "alg2", "bürgergeld", "buergergeld"),
        BenefitSystem.SGB_XII: ("sgb12", "sgbxii", "sozialhilfe"),
        BenefitSystem.ASYLBLG: ("asylblg", "asylbewerberleistungsgesetz"),
        BenefitSystem.NONE: ("keine", "kein", "none", "other", "sonstige"),
    },
)

define_terms(
    labels={
        FlagCategory.WAITING_TIME: lazy_gettext("waiting times"),
        FlagCategory.MISSING_SERVICE: lazy_gettext("missing service"),
        FlagCategory.INTERFACE: lazy_gettext("interface between authorities"),
        FlagCategory.OTHER: lazy_gettext("other"),
    },
    words={
        FlagCategory.WAITING_TIME: ("wartezeit", "wartezeiten", "waiting", "waitingtime"),
        FlagCategory.MISSING_SERVICE: (
            "angebot",
            "fehlendesangebot",
            "lücke",
            "missing",
            "missingservice",
        ),
        FlagCategory.INTERFACE: ("schnittstelle", "schnittstellen", "interface"),
        FlagCategory.OTHER: ("sonstiges", "other", "struktur"),
    },
)


# Country codes that Babel lists but that are not countries a family comes from.
_NOT_ORIGINS = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}
# Languages Babel lists under a code of a language and region ("fa_AF" is Dari).
_EXTRA_LANGUAGES = {"prs", "kmr"}
# ISO 639 placeholders ("undetermined", "multiple", "no content"): not a language spoken.
_NOT_LANGUAGES = {"und", "mul", "zxx", "mis"}
# Names staff use that CLDR spells otherwise (or not at all).
_COUNTRY_ALIASES = {
    "turkey": "TR", "elfenbeinküste": "CI", "ivorycoast": "CI", "weißrussland": "BY",
    "weissrussland": "BY", "moldawien": "MD", "kongo": "CD", "congo": "CD",
    "tschechien": "CZ", "palästina": "PS", "palestine": "PS", "usa": "US",
}  # fmt: skip
_LANGUAGE_ALIASES = {
    "farsi": "fa", "dari": "prs", "kurmandschi": "kmr", "kurmanci": "kmr", "kurmanji": "kmr",
    "sorani": "ckb", "tigrinisch": "ti", "tigrinja": "ti", "paschtunisch": "ps",
}  # fmt: skip
_NAME_LOCALES = ("de", "en", "uk")


def country_codes() -> list[str]:
    return sorted(
        code
        for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_ORIGINS
    )


def find_country(text: str) -> str | None:
    """An ISO 3166 code from a code or a German, English or Ukrainian name: "Syrien" → SY."""
    wanted = text.strip()
    if len(wanted) == 2 and wanted.upper() in _country_set():
        return wanted.upper()
    key = normalise(wanted)
    return _COUNTRY_ALIASES.get(key) or _country_names().get(key)


def find_language(text: str) -> str | None:
    """An ISO 639 code from a code or a name: "Arabisch" → ar, "Dari" → prs."""
    wanted = text.strip().lower()
    if wanted in _language_set():
        return wanted
    key = normalise(wanted)
    return _LANGUAGE_ALIASES.get(key) or _language_names().get(key)


def search_languages(text: str, locale: str) -> list[str]:
    """Languages whose name in `locale` starts with (or contains) `text`: "ukr" → [uk]."""
    key = normalise(text)
    if not key:
        return []
    names = {code: normalise(language_name(code, locale)) for code in _language_set()}
    starts = sorted(code for code, name in names.items() if name.startswith(key))
    contains = sorted(code for code, name in names.items() if key in name and code not in starts)
    return starts + contains


@functools.cache
def _country_set() -> frozenset[str]:
    return frozenset(country_codes())


@functools.cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for locale in _NAME_LOCALES:
        territories = Locale(locale).territories
        for code in sorted(_country_set()):
            if code in territories:
                names.setdefault(normalise(territories[code]), code)
    return names


@functools.cache
def _language_set() -> frozenset[str]:
    codes = {
        code
        for code in Locale("en").languages
        if code.isalpha() and code.islower() and len(code) in (2, 3)
    }
    return frozenset((codes | _EXTRA_LANGUAGES) - _NOT_LANGUAGES)


@functools.cache
def _language_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for locale in _NAME_LOCALES:
        for code in sorted(_language_set()):
            names.setdefault(normalise(language_name(code, locale)), code)
    return names
