"""A check for identifying data in a text before it goes to DeepL or into the database.

Own recognizers (regular expressions and the small word lists of `words.py`), not
Microsoft Presidio: Presidio finds names and places only with a spaCy NER model, which is not
on PyPI and cannot be downloaded at run time; its pattern recognizers alone cover the numbers
(its German tax-ID checksum is the model for `_tax_id_ok`), at the cost of spaCy and numpy.
`tests/personal_data_corpus.py` measures what this finds; the README has the figures.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

from bot.core.i18n import _, format_items, lazy_gettext
from bot.privacy.words import (
    FIRST_NAMES,
    HEALTH_STEMS,
    NAME_PREPOSITIONS,
    NOT_NAMES,
    NOT_STREETS,
    NOT_SURNAMES,
    SURNAME_ENDINGS,
    UNITS,
)


class PersonalData(StrEnum):
    """Kinds of identifying data that must not go to DeepL or into a note without a second
    thought; found kinds are named in this order."""

    NAME = "name"
    ADDRESS = "address"
    EMAIL = "email"
    PHONE = "phone"
    IBAN = "iban"
    ID_NUMBER = "id_number"
    BIRTH_DATE = "birth_date"
    HEALTH = "health"
    FAMILY_CODE = "family_code"

    @property
    def label(self) -> str:
        return str(_PERSONAL_DATA_LABELS[self])


_PERSONAL_DATA_LABELS = {
    PersonalData.NAME: lazy_gettext("a name"),
    PersonalData.ADDRESS: lazy_gettext("an address"),
    PersonalData.ID_NUMBER: lazy_gettext("an ID, passport, tax or social-security number"),
    PersonalData.HEALTH: lazy_gettext("health details of a named person"),
    PersonalData.EMAIL: lazy_gettext("an e-mail address"),
    PersonalData.PHONE: lazy_gettext("a phone number"),
    PersonalData.IBAN: lazy_gettext("an IBAN"),
    PersonalData.BIRTH_DATE: lazy_gettext("a date of birth"),
    PersonalData.FAMILY_CODE: lazy_gettext("a family code"),
}

Record = TypeVar("Record")


@dataclass(frozen=True)
class HeldText(Generic[Record]):
    """What a person asked to store, held back in memory only (never in the database) because
    its text seems to contain personal data, until they tap Save anyway or Edit.

    `token` names the warning whose buttons may decide, so that the buttons of an older
    warning cannot store a newer text; `record` is whatever the store call needs.
    """

    token: int
    found: tuple[PersonalData, ...]
    record: Record


def held_back_warning(found: tuple[PersonalData, ...]) -> str:
    """The answer to a text held back before storing it."""
    return _(
        "Nothing was saved yet: the text seems to contain {kinds}. KIM-Bot works with family "
        "codes, never names or other identifying details. Tap Edit to send it again without "
        "them, or Save anyway if this is not personal data."
    ).format(kinds=format_items([kind.label for kind in found]))


def audit_detail(found: tuple[PersonalData, ...]) -> str:
    """What the audit keeps of a text saved despite the warning: the kinds, never the text."""
    return ",".join(found)


_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# Printed in groups of four (DE89 3704 0044 0532 0130 00) or without spaces.
_IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", re.IGNORECASE
)
# Lengths of the IBANs of Germany, its neighbours and the families' frequent countries
# of origin, so that an IBAN with a typo (a wrong checksum) is still recognised.
_IBAN_LENGTHS = {
    "DE": 22, "AT": 20, "CH": 21, "NL": 18, "BE": 16, "LU": 20, "FR": 27, "DK": 18,
    "PL": 28, "CZ": 24, "IT": 27, "ES": 24, "UA": 29, "TR": 26, "RO": 24, "BG": 22,
    "GB": 22,
}  # fmt: skip
_FAMILY_CODE = re.compile(r"(?<![\w-])(?:[Ff]-\d{1,7}|F\d{1,7})(?!\w)")
# Phone numbers: international (+49 …, 0049 …) or national with a leading 0 and an area
# or mobile prefix of 3-6 digits; groups separated by space, "/" or "-", never "." or ":"
# (dates, times and amounts). Not preceded by a letter or digit, nor by "digit and
# punctuation" (the end of a date or time).
_PHONE_INTERNATIONAL = re.compile(
    r"(?<![\w+])(?<!\d[.,:/-])(?:\+|00)[1-9]\d{0,2}(?:[ /-]?\(0\))?(?:[ /-]?\d{1,6}){1,6}"
    r"(?!\d|[.,:]\d)"
)
_PHONE_NATIONAL = re.compile(
    r"(?<![\w+])(?<!\d[.,:/-])\(?0[1-9]\d{1,4}\)?(?:[ /-]?\d{2,8}){1,4}(?!\d|[.,:]\d)"
)
_PHONE_DIGITS_INTERNATIONAL = (8, 15)
_PHONE_DIGITS_NATIONAL = (8, 13)
_FULL_DATE = re.compile(
    r"(?<![\d.])(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4})(?!\d)"
    r"|(?<![\d/])(?P<day2>\d{1,2})/(?P<month2>\d{1,2})/(?P<year2>\d{4})(?!\d)"
    r"|(?<![\d-])(?P<year3>\d{4})-(?P<month3>\d{1,2})-(?P<day3>\d{1,2})(?!\d)"
)
_MONTHS = (
    r"(?:januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november"
    r"|dezember|january|february|march|may|june|july|october|december"
    r"|jan|feb|mär|mar|apr|jun|jul|aug|sept?|okt|oct|nov|dez|dec"
    r"|січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада"
    r"|грудня)"
)
_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        (
            ("januar", "jänner", "january", "jan", "січня"),
            ("februar", "february", "feb", "лютого"),
            ("märz", "march", "mär", "mar", "березня"),
            ("april", "apr", "квітня"),
            ("mai", "may", "травня"),
            ("juni", "june", "jun", "червня"),
            ("juli", "july", "jul", "липня"),
            ("august", "aug", "серпня"),
            ("september", "sep", "sept", "вересня"),
            ("oktober", "october", "okt", "oct", "жовтня"),
            ("november", "nov", "листопада"),
            ("dezember", "december", "dez", "dec", "грудня"),
        ),
        start=1,
    )
    for name in names
}
# "3. März 1985", "3rd of March 1985", "3 березня 1985", "March 3, 1985".
_DATE_IN_WORDS = re.compile(
    rf"(?<![\d.])(?P<day>\d{{1,2}})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?(?P<month>{_MONTHS})\b\.?"
    rf"(?:\s*,?\s*(?P<year>\d{{4}}))?"
    rf"|\b(?P<month2>{_MONTHS})\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year2>\d{{4}})",
    re.IGNORECASE,
)
# "geb. 12.03.85", "geboren am 3.4.", "geboren am 3. März", "born 1990", "DOB: 1985-03-04",
# "Geburtsdatum 12/3/85", "народилася 3 березня", "1985 р.н.".
_BIRTH_MENTION = re.compile(
    r"\b(?:geb\b\.?|geboren|geburtsdatum|geburtstag|jahrgang|born|date of birth|birthday"
    r"|dob\b|d\.o\.b\.|народи\w*|дата народження)"
    rf"[^\d\n]{{0,25}}?(?:\d{{1,2}}(?:\.|st|nd|rd|th)?\s*(?:of\s+)?{_MONTHS}\b"
    r"|\d{1,4}[./-]\d{1,2}(?:[./-]\d{0,4})?|\d{4})(?!\d)"
    r"|\b\d{4}\s*р\.\s?н\.",
    re.IGNORECASE,
)

# Names --------------------------------------------------------------------------------
_HONORIFIC = re.compile(
    r"(?<![\w.])(?:Frau|Herrn?|Hr\.|Fr\.|Mrs?\.?|Ms\.?|Miss|Dr\.|[Пп]ан(?:і|а|ові|у)?)"
    r"\s+(?:(?:Dr|Prof)\.\s+)?(?P<name>[^\W\d_][\w'’-]*[^\W\d_])"
)
# Two words in a row, found overlapping: "Olena Kovalenko", "Ahmad Al-Hassan".
_WORD_PAIR = re.compile(
    r"(?<![\w'’-])(?=(?P<first>[^\W\d_]+)\s+(?P<last>[^\W\d_][\w'’-]*[^\W\d_]))"
)
# "mit Nadia Karimi", "with Zarina Ahmadzai", "з Наталією Мороз".
_AFTER_PREPOSITION = re.compile(
    r"(?<![\w'’-])(?=(?P<preposition>[^\W\d_]+)\s+(?P<first>[^\W\d_][\w'’-]*[^\W\d_])"
    r"\s+(?P<last>[^\W\d_][\w'’-]*[^\W\d_]))"
)
_CAPITALISED_WORD = re.compile(r"(?<![\w'’-])[^\W\d_][\w'’-]{3,}[^\W\d_]")

# Addresses ----------------------------------------------------------------------------
_STREET_SUFFIXES = r"(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|pfad|wall)"
_STREET = re.compile(
    rf"(?<![\w-])(?P<street>[A-ZÄÖÜ][\w-]*?{_STREET_SUFFIXES}"
    r"|(?:[A-ZÄÖÜ][\w-]+\s+)+(?:Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse|Ring|Damm))"
    r"\s*(?P<number>\d{1,4}[a-zA-Z]?)\b(?![.,:/]\d)(?P<after>\s*[\w€]*)"
)
_STREET_OTHER = re.compile(
    r"(?i:\b(?:вул\.|вулиц[яі]|просп\.|проспект\w*|пров\.|провулок|бульв\.|бульвар\w*))\s*"
    r"[А-ЯІЇЄҐ][\w'’-]+(?:\s+[А-ЯІЇЄҐ][\w'’-]+)?,?\s*(?:буд\.\s*)?\d{1,4}"
    r"|\b\d{1,4}\s+(?:[A-Z][a-z]+\s+){1,2}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane)"
)
_POSTCODE_TOWN = re.compile(
    r"(?<![\w.,-])(?:D-)?(?:0[1-9]\d{3}|[1-9]\d{4})\s+(?P<town>[A-ZÄÖÜ][\w-]+|€)"
)

# Identity documents, tax and social-security numbers ------------------------------------
_ID_KEYWORD = re.compile(
    r"(?i:\b(?:steuer-?id\w*|steuerliche\s+id\w*|idnr|steuer-?nummer|tax\s+id"
    r"|sozialversicherungs-?(?:nummer|nr)|sv-?(?:nummer|nr)|rentenversicherungs-?nummer"
    r"|rv-?nummer|versicherungsnummer|social\s+security(?:\s+number)?|national\s+insurance"
    r"|personalausweis\w*|ausweis\w*|id[\s-]card|reisepass\w*|pass(?:-?(?:nummer|nr))?"
    r"|passport|aufenthaltstitel\w*|aufenthaltserlaubnis|residence\s+permit|eat"
    r"|azr-?(?:nummer|nr)|паспорт\w*|посвідк\w*|ідентифікаційн\w*|іпн|рнокпп|id-?картк\w*)\b)"
    r"[^\n\d]{0,20}?"
    r"(?P<number>\d{2}\s?\d{6}\s?[A-Z]\s?\d{3}|[A-ZА-ЯІЇЄҐ]{2}\s?\d{6}|[A-Z0-9]{6,14})(?![\w])"
)
# A Sozialversicherungsnummer anywhere: area, birth date, surname initial, serial.
_SOCIAL_SECURITY = re.compile(
    r"(?<![\w])\d{2}\s?(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}\s?[A-Z]\s?\d{3}(?!\w)"
)
_ELEVEN_DIGITS = re.compile(r"(?<![\d+])[1-9]\d{10}(?!\d)")

_HEALTH = re.compile(
    r"(?<![\w])(?:" + "|".join(re.escape(stem) for stem in HEALTH_STEMS) + ")", re.IGNORECASE
)


def find_personal_data(
    text: str, today: date | None = None, *, allow_family_codes: bool = False
) -> list[PersonalData]:
    """The kinds of identifying data in `text`, each once, in the order of PersonalData.

    Dates count as dates of birth when they have a four-digit year and lie before `today`
    (default: the system date), or stand next to "geb.", "geboren", "born" or "DOB". Health
    words count only in a text that also names a person. A family code is the bot's own
    pseudonym: a stored note may name one (`allow_family_codes`), DeepL must not see it.
    """
    found: set[PersonalData] = set()
    rest = text
    # Each kind's matches are blanked out before the next, so that the digits of an IBAN
    # or a family code are not found again as a phone number.
    for kind, matches in (
        (PersonalData.EMAIL, _emails),
        (PersonalData.IBAN, _ibans),
        (PersonalData.FAMILY_CODE, _family_codes),
        (PersonalData.ID_NUMBER, _id_numbers),
        (PersonalData.PHONE, _phones),
        (PersonalData.ADDRESS, _addresses),
    ):
        spans = matches(rest)
        if spans:
            found.add(kind)
            rest = _blank(rest, spans)
    today = today or date.today()
    if (
        _BIRTH_MENTION.search(rest)
        or _past_full_date(rest, today)
        or _past_date_in_words(rest, today)
    ):
        found.add(PersonalData.BIRTH_DATE)
    if _names_a_person(rest):
        found.add(PersonalData.NAME)
        if _HEALTH.search(rest):
            found.add(PersonalData.HEALTH)
    if allow_family_codes:
        found.discard(PersonalData.FAMILY_CODE)
    return [kind for kind in PersonalData if kind in found]


Span = tuple[int, int]


def _blank(text: str, spans: list[Span]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _emails(text: str) -> list[Span]:
    return [match.span() for match in _EMAIL.finditer(text)]


def _family_codes(text: str) -> list[Span]:
    return [match.span() for match in _FAMILY_CODE.finditer(text)]


def _ibans(text: str) -> list[Span]:
    spans = []
    for match in _IBAN.finditer(text):
        compact = re.sub(r"\s", "", match.group()).upper()
        if _iban_checksum_ok(compact) or len(compact) == _IBAN_LENGTHS.get(compact[:2]):
            spans.append(match.span())
    return spans


def _iban_checksum_ok(compact: str) -> bool:
    """ISO 13616: the IBAN with its first four characters moved to the end, mod 97, is 1."""
    if not 15 <= len(compact) <= 34 or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _phones(text: str) -> list[Span]:
    spans = []
    for pattern, digits in (
        (_PHONE_INTERNATIONAL, _PHONE_DIGITS_INTERNATIONAL),
        (_PHONE_NATIONAL, _PHONE_DIGITS_NATIONAL),
    ):
        spans += [
            match.span()
            for match in pattern.finditer(text)
            if _phone_length_ok(match.group(), *digits)
        ]
    return spans


def _phone_length_ok(candidate: str, minimum: int, maximum: int) -> bool:
    """Enough digits for a phone number; a longer run may be a number followed by others."""
    groups = re.split(r"[ /-]+", candidate)
    while groups:
        digits = sum(ch.isdigit() for ch in "".join(groups))
        if digits <= maximum:
            return digits >= minimum
        groups.pop()
    return False


def _past_full_date(text: str, today: date) -> bool:
    for match in _FULL_DATE.finditer(text):
        parts = match.groupdict()
        day = parts["day"] or parts["day2"] or parts["day3"]
        month = parts["month"] or parts["month2"] or parts["month3"]
        year = parts["year"] or parts["year2"] or parts["year3"]
        try:
            if date(int(year), int(month), int(day)) < today:
                return True
        except ValueError:
            continue
    return False


def _past_date_in_words(text: str, today: date) -> bool:
    for match in _DATE_IN_WORDS.finditer(text):
        parts = match.groupdict()
        year = parts["year"] or parts["year2"]
        if year is None:
            continue
        month = _MONTH_NUMBERS[(parts["month"] or parts["month2"]).lower()]
        try:
            if date(int(year), month, int(parts["day"] or parts["day2"])) < today:
                return True
        except ValueError:
            continue
    return False


def _names_a_person(text: str) -> bool:
    """ "Frau Kovalenko", "пані Олена", a known first name and a surname, two capitalised
    words after "mit"/"with"/"з" that are no office or town, or a Ukrainian surname or
    patronymic on its own."""
    for match in _HONORIFIC.finditer(text):
        name = match.group("name")
        if name[0].isupper() and name.lower() not in NOT_SURNAMES:
            return True
    for match in _WORD_PAIR.finditer(text):
        first, last = match.group("first"), match.group("last")
        if (
            first[0].isupper()
            and first.lower() in FIRST_NAMES
            and last[0].isupper()
            and last.lower() not in NOT_SURNAMES
        ):
            return True
    for match in _AFTER_PREPOSITION.finditer(text):
        words = (match.group("first"), match.group("last"))
        if match.group("preposition").lower() in NAME_PREPOSITIONS and all(
            word[0].isupper() and word.lower() not in NOT_NAMES for word in words
        ):
            return True
    return any(
        word[0].isupper() and word.lower().endswith(SURNAME_ENDINGS)
        for word in _CAPITALISED_WORD.findall(text)
    )


def _addresses(text: str) -> list[Span]:
    spans = []
    for match in _STREET.finditer(text):
        street = match.group("street").split()[-1].lower()
        after = match.group("after").strip().lower()
        if street not in NOT_STREETS and after not in UNITS:
            spans.append((match.start("street"), match.end("number")))
    spans += [match.span() for match in _STREET_OTHER.finditer(text)]
    spans += [
        match.span()
        for match in _POSTCODE_TOWN.finditer(text)
        if match.group("town").lower() not in UNITS
    ]
    return spans


def _id_numbers(text: str) -> list[Span]:
    spans = [
        match.span()
        for match in _ID_KEYWORD.finditer(text)
        if sum(ch.isdigit() for ch in match.group("number")) >= 2
    ]
    spans += [match.span() for match in _SOCIAL_SECURITY.finditer(text)]
    spans += [match.span() for match in _ELEVEN_DIGITS.finditer(text) if _tax_id_ok(match.group())]
    return spans


def _tax_id_ok(digits: str) -> bool:
    """A Steuer-ID: no digit more than three times in the first ten, and the check digit of
    ISO 7064 MOD 11,10 (as the Bundeszentralamt für Steuern specifies it)."""
    numbers = [int(digit) for digit in digits]
    if max(Counter(numbers[:10]).values()) > 3:
        return False
    product = 10
    for number in numbers[:10]:
        total = (number + product) % 10 or 10
        product = total * 2 % 11
    return (11 - product) % 10 == numbers[10]
