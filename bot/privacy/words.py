"""Small curated word lists for the personal-data check: what a name, a street, an identity
document or a diagnosis looks like in German, English and Ukrainian case notes.

Kept short on purpose: each word must be frequent in the families' or the staff's texts, and
must rarely stand in a note for anything else. Everything is compared in lower case.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# First names frequent among the families (Ukrainian, Arabic, Afghan/Persian, Turkish and
# Kurdish origins) and among German staff and partners. A name from this list followed by a
# capitalised word is taken for a first name and surname.
FIRST_NAMES = _words(
    """
    anna maria julia laura lena sarah sabine petra monika ursula katharina christina
    thomas michael andreas stefan martin peter klaus jürgen lukas jonas tobias daniel
    olena oksana iryna natalia nataliia tetiana svitlana yulia kateryna viktoriia halyna
    anastasiia daria sofiia mariia liudmyla valentyna inna alina andrii oleksandr serhii
    dmytro volodymyr mykola ivan taras yurii bohdan vasyl maksym artem oleh petro roman
    vitalii mykhailo олена оксана ірина наталія тетяна світлана юлія катерина вікторія
    галина анастасія дарія софія марія людмила валентина інна аліна андрій олександр
    сергій дмитро володимир микола іван тарас юрій богдан василь максим артем олег петро
    роман віталій михайло ahmad ahmed mohammed muhammad mohamed mohammad ali omar hassan
    hussein khaled mahmoud mustafa youssef yusuf ibrahim abdullah karim tariq rami samir
    walid fatima aisha amina layla leila mariam maryam noor nour rania samira yasmin
    zainab hiba reza hamid farid wahid zahra fereshteh parisa sahar shabnam nasrin
    mehmet ahmet emre murat hüseyin kemal serkan burak ayşe fatma emine zeynep elif
    hatice
    """
)

# Capitalised words that follow "Frau"/"Herr" or a first name without being a surname.
NOT_SURNAMES = _words(
    """
    dr doktor prof professor kollegin kollege sachbearbeiterin sachbearbeiter mutter
    vater richterin richter anwältin anwalt und oder von vom bei mit im am
    """
)

# Surname endings that are names whatever the first name: Ukrainian surnames and patronymics.
SURNAME_ENDINGS = (
    *("enko", "chuk", "yuk", "iuk", "ovych", "ivna"),
    *("енко", "чук", "юк", "ович", "івна", "ївна"),
)

# Compounds ending like a street that are no street ("Kita-Platz 2" would be a place in a
# day-care centre); only those a note may follow with a number are listed.
NOT_STREETS = _words(
    """
    kita-platz kitaplatz kursplatz ausbildungsplatz arbeitsplatz studienplatz
    therapieplatz heimplatz parkplatz spielplatz wohnheimplatz schulplatz
    praktikumsplatz bildungsweg rechtsweg dienstweg schulweg heimweg lösungsweg
    """
)

# Words that follow a number without it being a house number or a postcode followed by a town.
UNITS = _words(
    """
    uhr jahre jahren monate monaten wochen tage tagen stunden minuten euro eur € kinder
    personen familien menschen fälle anträge zeichen einwohner teilnehmende plätze
    """
)

# Medical words (stems): special-category data when the same text names a person.
HEALTH_STEMS = (
    "diabet", "depress", "ptbs", "ptsd", "птср", "hiv", "віл", "aids", "hepatitis", "гепатит",
    "tuberkul", "туберкул", "krebs", "cancer", "tumor", "chemotherap", "schwanger", "pregnan",
    "вагітн", "epilep", "епілеп", "demenz", "dementia", "autis", "аутизм", "adhs", "adhd",
    "schizophren", "шизофрен", "psychos", "psychiatr", "психіатр", "suizid", "suicid",
    "angststörung", "anxiety disorder", "alkoholabh", "suchterkrank", "dialyse", "dialysis",
    "behinderung", "disabilit", "інвалідн", "diagnos", "діагноз", "депрес", "діабет",
    "multiple sklerose", "multiple sclerosis", "schlaganfall", "stroke", "herzinfarkt",
    "інсульт", "онколог", "fehlgeburt", "miscarriage",
)  # fmt: skip

# Words after which two capitalised words are likely a first name and a surname ("mit Nadia
# Karimi"), and the capitalised words that make such a pair an office or a place instead.
NAME_PREPOSITIONS = _words(
    """
    mit von für bei with from for з із зі від для
    """
)
NOT_NAMES = _words(
    """
    ahlen beckum beelen drensteinfurt ennigerloh everswinkel oelde ostbevern sassenberg
    sendenhorst telgte wadersloh warendorf münster hamm gütersloh düsseldorf jobcenter
    sozialamt ausländerbehörde abh einbürgerungsbehörde kreis stadt gemeinde caritas
    diakonie awo drk ihk hwk familienkasse agentur bundesagentur bamf kita schule
    grundschule realschule gesamtschule gymnasium berufskolleg frau herr herrn dr
    """
)
