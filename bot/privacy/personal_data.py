"""A check for identifying data in a text before it goes to DeepL."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from bot.core.i18n import lazy_gettext


class PersonalData(StrEnum):
    """Kinds of identifying data that must not go to DeepL without a second thought."""

    EMAIL = "email"
    PHONE = "phone"
    IBAN = "iban"
    BIRTH_DATE = "birth_date"
    FAMILY_CODE = "family_code"

    @property
    def label(self) -> str:
        return str(_PERSONAL_DATA_LABELS[self])


_PERSONAL_DATA_LABELS = {
    PersonalData.EMAIL: lazy_gettext("an e-mail address"),
    PersonalData.PHONE: lazy_gettext("a phone number"),
    PersonalData.IBAN: lazy_gettext("an IBAN"),
    PersonalData.BIRTH_DATE: lazy_gettext("a date of birth"),
    PersonalData.FAMILY_CODE: lazy_gettext("a family code"),
}

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
# "geb. 12.03.85", "geboren am 3.4.", "born 1990", "DOB: 1985-03-04", "Geburtsdatum 12/3/85".
_BIRTH_MENTION = re.compile(
    r"\b(?:geb\b\.?|geboren|geburtsdatum|geburtstag|born|date of birth|dob\b|d\.o\.b\.)"
    r"[^\d\n]{0,25}?(?:\d{1,4}[./-]\d{1,2}(?:[./-]\d{0,4})?|\d{4})(?!\d)",
    re.IGNORECASE,
)


def find_personal_data(text: str, today: date | None = None) -> list[PersonalData]:
    """The kinds of identifying data in `text`, each once, in the order of PersonalData.

    Dates count as dates of birth when they have a four-digit year and lie before `today`
    (default: the system date), or stand next to "geb.", "geboren", "born" or "DOB".
    """
    found: set[PersonalData] = set()
    rest = text
    # Each kind's matches are blanked out before the next, so that the digits of an IBAN
    # or a family code are not found again as a phone number.
    for kind, matches in (
        (PersonalData.EMAIL, _emails),
        (PersonalData.IBAN, _ibans),
        (PersonalData.FAMILY_CODE, _family_codes),
        (PersonalData.PHONE, _phones),
    ):
        spans = matches(rest)
        if spans:
            found.add(kind)
            rest = _blank(rest, spans)
    if _BIRTH_MENTION.search(rest) or _past_full_date(rest, today or date.today()):
        found.add(PersonalData.BIRTH_DATE)
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
