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
        ContactType.HOME_VISIT: (
            "hausbesuch",
            "hb",
            "besuch",
            "home",
            "home visit",
            "visit",
            "візит",
            "домашній візит",
            "відвідування",
        ),
        ContactType.OFFICE: (
            "beratung",
            "büro",
            "buero",
            "sprechstunde",
            "office",
            "consultation",
            "termin",
            "консультація",
            "прийом",
            "офіс",
        ),
        ContactType.PHONE: (
            "telefon",
            "tel",
            "anruf",
            "telefonat",
            "phone",
            "call",
            "телефон",
            "дзвінок",
        ),
        ContactType.VIDEO: (
            "video",
            "videocall",
            "videokonferenz",
            "online",
            "відео",
            "відеодзвінок",
            "онлайн",
        ),
        ContactType.ACCOMPANIMENT: (
            "begleitung",
            "begleitet",
            "accompaniment",
            "escort",
            "супровід",
        ),
        ContactType.CASE_CONFERENCE: (
            "fallkonferenz",
            "fallbesprechung",
            "konferenz",
            "caseconference",
            "case conference",
            "conference",
            "конференція",
            "кейс-конференція",
            "нарада",
        ),
        ContactType.MESSAGE: (
            "messenger",
            "mail",
            "email",
            "nachricht",
            "message",
            "chat",
            "повідомлення",
            "месенджер",
            "пошта",
        ),
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
        Topic.RESIDENCE: (
            "aufenthalt",
            "asyl",
            "aufenthaltsrecht",
            "residence",
            "asylum",
            "перебування",
            "притулок",
        ),
        Topic.ORIENTATION: ("erstorientierung", "orientierung", "orientation", "орієнтація"),
        Topic.WORK: ("arbeit", "job", "jobsuche", "beruf", "work", "робота", "праця"),
        Topic.RECOGNITION: ("anerkennung", "recognition", "визнання"),
        Topic.LANGUAGE: (
            "sprache",
            "integrationskurs",
            "sprachkurs",
            "language",
            "мова",
            "мовнийкурс",
        ),
        Topic.SCHOOL: ("schule", "ausbildung", "school", "training", "школа", "навчання"),
        Topic.CHILDCARE: ("kita", "kinderbetreuung", "childcare", "садок", "дитсадок"),
        Topic.HEALTH: ("gesundheit", "health", "здоровʼя", "здоров'я", "здоров’я"),
        Topic.HOUSING: ("wohnen", "wohnung", "housing", "житло", "квартира"),
        Topic.BENEFITS: ("leistungen", "finanzen", "geld", "benefits", "money", "виплати", "гроші"),
        Topic.FAMILY: (
            "familie",
            "erziehung",
            "family",
            "parenting",
            "сімʼя",
            "сім'я",
            "сім’я",
            "родина",
        ),
        Topic.NATURALISATION: (
            "einbürgerung",
            "einbuergerung",
            "naturalisation",
            "naturalization",
            "натуралізація",
            "громадянство",
        ),
        Topic.OTHER: ("sonstiges", "other", "інше"),
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
        Service.JOBCENTER: ("jobcenter", "jc", "джобцентр"),
        Service.IMMIGRATION_OFFICE: (
            "ausländerbehörde",
            "auslaenderbehoerde",
            "abh",
            "immigration office",
            "міграційна",
        ),
        Service.NATURALISATION_OFFICE: (
            "einbürgerungsbehörde",
            "einbuergerungsbehoerde",
            "ebh",
            "naturalisation office",
        ),
        Service.YOUTH_OFFICE: ("jugendamt", "youth office", "югендамт"),
        Service.SOCIAL_OFFICE: ("sozialamt", "social office", "соцслужба"),
        Service.SCHOOL: ("schule", "school", "школа"),
        Service.KITA: ("kita", "kindergarten", "садок", "дитсадок"),
        Service.HEALTH_SERVICE: ("gesundheitsamt", "gesundheitsdienst", "arzt", "health", "лікар"),
        Service.COUNSELLING: (
            "beratungsstelle",
            "migrationsberatung",
            "counselling",
            "counseling",
            "консультація",
        ),
        Service.LANGUAGE_COURSE: (
            "sprachkurs",
            "integrationskurs",
            "kursträger",
            "language course",
            "мовнийкурс",
        ),
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
        BenefitSystem.NONE: ("keine", "kein", "none", "other", "sonstige", "немає", "інше"),
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
        FlagCategory.WAITING_TIME: (
            "wartezeit",
            "wartezeiten",
            "waiting",
            "waiting time",
            "очікування",
        ),
        FlagCategory.MISSING_SERVICE: (
            "angebot",
            "fehlendesangebot",
            "lücke",
            "missing",
            "missing service",
            "прогалина",
        ),
        FlagCategory.INTERFACE: ("schnittstelle", "schnittstellen", "interface", "взаємодія"),
        FlagCategory.OTHER: ("sonstiges", "other", "struktur", "інше"),
    },
)
