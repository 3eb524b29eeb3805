"""Machine translation with DeepL: the client, target languages, and a personal-data check.

The official `deepl` client is synchronous (requests), so every call runs in a worker thread.
Texts sent through a DeepL API Free key (ending in ":fx") may be used by DeepL to improve
its service; Pro texts are deleted after translation (DOMAIN: DeepL facts, Data protection).
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import deepl

from bot.casework import find_language, search_languages
from bot.config import Settings
from bot.i18n import _, current_locale, language_name, lazy_gettext

log = logging.getLogger(__name__)

# Asked of DeepL for every text: formal address where the target language has it, and
# DeepL's default where it has not (a plain "more" would fail for those languages).
FORMALITY = "prefer_more"


@dataclass(frozen=True)
class TranslationResult:
    text: str
    detected_source_language: str
    billed_characters: int


@dataclass(frozen=True)
class PendingTranslation:
    """A text held back because it seems to contain personal data (kept in memory only).

    `token` names the warning whose buttons may send or drop it, so that the buttons of an
    older warning cannot send a newer text.
    """

    token: int
    text: str
    target: str
    found: tuple[PersonalData, ...]


@dataclass(frozen=True)
class TargetLanguage:
    """A language DeepL translates into: `code` as DeepL spells it (UK, EN-GB, ZH-HANS)."""

    code: str
    name: str
    supports_formality: bool

    @property
    def base_code(self) -> str:
        """The ISO 639 code without variant, lower-case: EN-GB → en."""
        return base_code(self.code)


def base_code(target: str) -> str:
    return target.split("-", 1)[0].lower()


def is_free_key(auth_key: str) -> bool:
    return deepl.util.auth_key_is_free_account(auth_key)


class MachineTranslator:
    """The DeepL client of the running bot, opened at start-up and closed at shutdown."""

    def __init__(self, auth_key: str, server_url: str | None = None) -> None:
        self._client = deepl.DeepLClient(auth_key, server_url=server_url)
        self.is_free = is_free_key(auth_key)
        self._targets: list[TargetLanguage] | None = None

    async def translate(self, text: str, target: str) -> TranslationResult:
        """Translate `text` into the DeepL target code `target`; raises DeepLException."""
        result = await asyncio.to_thread(
            self._client.translate_text, text, target_lang=target, formality=FORMALITY
        )
        return TranslationResult(
            text=result.text,
            detected_source_language=result.detected_source_lang,
            billed_characters=result.billed_characters,
        )

    async def target_languages(self) -> list[TargetLanguage]:
        """DeepL's target languages, asked once; a failed request is asked again next time."""
        if self._targets is None:
            languages = await asyncio.to_thread(self._client.get_target_languages)
            self._targets = [
                TargetLanguage(
                    code=language.code.upper(),
                    name=language.name,
                    supports_formality=bool(language.supports_formality),
                )
                for language in languages
            ]
        return self._targets

    def close(self) -> None:
        self._client.close()


def open_translator(settings: Settings) -> MachineTranslator | None:
    """The translator for DEEPL_AUTH_KEY, or None when no key is configured."""
    if settings.deepl_auth_key is None:
        return None
    # The client logs each request body (the case text) at DEBUG: never let that through.
    logging.getLogger("deepl").setLevel(max(logging.INFO, logging.getLogger("deepl").level))
    # The client retries five times with growing pauses; one retry is enough for a person
    # waiting in a chat.
    deepl.http_client.max_network_retries = min(deepl.http_client.max_network_retries, 1)
    translator = MachineTranslator(settings.deepl_auth_key.strip(), settings.deepl_server_url)
    if translator.is_free:
        log.warning(
            "DEEPL_AUTH_KEY is a DeepL API Free key: texts sent through it may be used by "
            "DeepL to improve its service. %s",
            "DEEPL_ALLOW_FREE is set, so /translate sends case texts anyway."
            if settings.deepl_allow_free
            else "/translate refuses to send case texts unless DEEPL_ALLOW_FREE=true.",
        )
    return translator


# Target languages ----------------------------------------------------------------------

# Languages DeepL translates into only in one of several variants: the one staff in
# Germany most likely want when they type the language alone.
DEFAULT_VARIANTS = {"en": "EN-GB", "pt": "PT-PT", "zh": "ZH-HANS", "no": "NB"}
SUGGESTIONS = 3


class TargetError(ValueError):
    """The typed language is no DeepL target; `message` says so and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownLanguageError(TargetError):
    """Not a language the bot knows by code or name."""


class UnsupportedTargetError(TargetError):
    """A known language DeepL cannot translate into (Tigrinya, Somali, …)."""

    def __init__(self, code: str) -> None:
        super().__init__(
            _(
                "DeepL cannot translate into {language}. Please request an interpreter "
                "with /interpreter."
            ).format(language=language_name(code))
        )
        self.code = code


def resolve_target(text: str, targets: Collection[str]) -> str:
    """The DeepL target code for a typed language: "uk", "Ukrainisch", "arabic", "pt-br".

    `targets` are the codes DeepL translates into. EN and PT alone are no targets: they
    become EN-GB and PT-PT. Raises TargetError with the message to show.
    """
    wanted = text.strip()
    typed = _target_for(wanted.lower(), targets)
    if typed is not None:
        return typed
    code = find_language(wanted)
    if code is None:
        raise UnknownLanguageError(_unknown_message(wanted, targets))
    target = _target_for(code, targets)
    if target is None:
        raise UnsupportedTargetError(code)
    return target


def _target_for(code: str, targets: Collection[str]) -> str | None:
    for candidate in (DEFAULT_VARIANTS.get(code), code.upper()):
        if candidate in targets:
            return candidate
    return None


def _unknown_message(text: str, targets: Collection[str]) -> str:
    message = _("I do not know the language “{text}”.").format(text=html.escape(text[:40]))
    suggestions = []
    for code in search_languages(text, current_locale()):
        target = _target_for(code, targets)
        if target is not None and target not in suggestions:
            suggestions.append(target)
    if suggestions:
        names = ", ".join(
            f"{target} ({language_name(base_code(target))})" for target in suggestions[:SUGGESTIONS]
        )
        message += " " + _("Did you mean {names}?").format(names=names)
    return message + " " + _("/translate alone lists the languages DeepL translates into.")


# Personal data -------------------------------------------------------------------------


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
