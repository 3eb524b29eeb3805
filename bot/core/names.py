"""Languages and countries by code or by their German, English or Ukrainian name (Babel)."""

from __future__ import annotations

import functools

from babel import Locale

from bot.core.i18n import language_name
from bot.core.terms import normalise

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
