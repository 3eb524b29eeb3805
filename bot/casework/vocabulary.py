"""The vocabulary of KIM casework: contact types, topics, services, benefit systems, flags."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.i18n import lazy_gettext
from bot.core.terms import Term, define_terms


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
