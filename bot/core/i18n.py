"""Translations and locale-aware formatting.

The locale is kept per update in a context variable: the access gate sets it before any
handler runs, jobs set it with `use_locale` for the person they write to.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.lists import format_list
from babel.support import LazyProxy, Translations
from babel.units import format_unit

from bot.core.config import SUPPORTED_LOCALES

# Where the catalogs are, first found first: inside the package when installed from a wheel
# or sdist (setup.py compiles them there), else the repository's locales/ (an editable
# install: `make locales` compiles them, and without that the .po files are read directly).
CATALOG_DIRS = (
    Path(__file__).resolve().parents[1] / "locales",
    Path(__file__).resolve().parents[2] / "locales",
)
DOMAIN = "messages"

# The Babel locale used for formatting each language: German and Ukrainian as used in
# Germany and Ukraine, English with day-month dates as staff in Germany expect.
_FORMAT_LOCALES = {"de": "de_DE", "en": "en_GB", "uk": "uk_UA"}

_current_locale: ContextVar[str] = ContextVar("locale", default=SUPPORTED_LOCALES[0])


class MissingTranslationsError(RuntimeError):
    """No catalog of a supported language was found: run `make locales` or reinstall."""


@functools.cache
def _catalog(locale: str) -> Translations:
    found = _catalog_file(locale)
    if found.suffix == ".mo":
        with found.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    return Translations(_compile(found, locale), domain=DOMAIN)


def _catalog_file(locale: str) -> Path:
    """The compiled catalog of `locale`, else its source; MissingTranslationsError if neither."""
    for directory in CATALOG_DIRS:
        compiled = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
        source = compiled.with_suffix(".po")
        if compiled.is_file():
            return compiled
        if source.is_file():
            return source
    places = " or ".join(str(directory) for directory in CATALOG_DIRS)
    raise MissingTranslationsError(
        f"no {locale} catalog in {places}: run `make locales`, or reinstall the package"
    )


def _compile(source: Path, locale: str) -> BytesIO:
    """A .po file compiled in memory, as `pybabel compile` would (fuzzy entries left out)."""
    # Only without compiled catalogs (a checkout before `make locales`): Babel's catalog
    # code (with difflib) is not loaded at every start.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return compiled


def check_catalogs() -> None:
    """Find every catalog now, so a missing one stops start-up instead of a handler.

    Each is read when its language is first used: a bot whose staff all write German holds
    only the German one (each is about 0.3 MB in memory).
    """
    for locale in SUPPORTED_LOCALES:
        _catalog_file(locale)


def current_locale() -> str:
    return _current_locale.get()


def set_locale(locale: str) -> None:
    """Use `locale` for the rest of the current update (or task)."""
    _current_locale.set(locale if locale in SUPPORTED_LOCALES else SUPPORTED_LOCALES[0])


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Temporarily write in another person's language, e.g. for a notification."""
    token = _current_locale.set(locale if locale in SUPPORTED_LOCALES else SUPPORTED_LOCALES[0])
    try:
        yield
    finally:
        _current_locale.reset(token)


def gettext(message: str) -> str:
    return _catalog(current_locale()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, count: int) -> str:
    return _catalog(current_locale()).ngettext(singular, plural, count)


def lazy_gettext(message: str) -> LazyProxy:
    """A string translated when it is used, for texts defined at import time."""
    return LazyProxy(gettext, message, enable_cache=False)


@functools.lru_cache(maxsize=256)
def guess_locale(language_code: str | None, default: str) -> str:
    """The supported locale closest to Telegram's `language_code` (`de`, `pt-br`, …)."""
    if not language_code:
        return default
    try:
        language = Locale.parse(language_code, sep="-").language
    except (ValueError, UnknownLocaleError):
        return default
    return language if language in SUPPORTED_LOCALES else default


def _format_locale() -> Locale:
    return _babel_locale(current_locale())


@functools.cache
def _babel_locale(locale: str) -> Locale:
    # Parsed once: Babel would parse a locale name again on every formatting call.
    return Locale.parse(_FORMAT_LOCALES[locale])


# Languages Babel has no entry of their own for, and the entry that names them.
_LANGUAGE_NAME_CODES = {"prs": "fa_AF", "kmr": "ku"}


def language_name(code: str, locale: str | None = None) -> str:
    """The name of a language in `locale` (default: the current one): `uk` → "Ukrainisch"."""
    names = _babel_locale(locale or current_locale()).languages
    return names.get(_LANGUAGE_NAME_CODES.get(code, code)) or code


def country_name(code: str) -> str:
    """The name of a country in the current locale: `SY` → "Syrien"."""
    return _format_locale().territories.get(code) or code


def autonym(code: str) -> str:
    """A language's name in that language, for choosing one: "Deutsch", "Українська"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def format_number(value: int | Decimal) -> str:
    return babel_numbers.format_decimal(value, locale=_format_locale())


def format_count(count: int) -> str:
    """A count as the current locale writes it: 11.565 (de), 11,565 (en), 11 565 (uk)."""
    if 0 <= count < _UNGROUPED:
        # Each supported locale writes these as the digits alone (tests/test_i18n.py checks
        # it): a report's forty counts need not each go through Babel.
        return str(count)
    return format_number(count)


# Counts below this are written without a group separator in every supported locale.
_UNGROUPED = 1000


def format_fixed(value: int | Decimal, places: int) -> str:
    """A number with exactly `places` decimals, rounded half up: 14 → "14,00"."""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return babel_numbers.format_decimal(value, format=pattern, locale=_format_locale())


def format_money(cents: int, currency: str = "EUR") -> str:
    """Integer cents as money in the current locale: 3000000 → "30.000,00 €"."""
    return babel_numbers.format_currency(
        Decimal(cents).scaleb(-2), currency, locale=_format_locale()
    )


def format_minutes(minutes: int) -> str:
    """A duration as staff say it: "45 Min.", "1 Std., 30 Min."."""
    return _formatted_minutes(minutes, current_locale())


@functools.lru_cache(maxsize=4096)
def _formatted_minutes(minutes: int, locale_name: str) -> str:
    # Babel's unit formatting costs a tenth of a /log reply; the same few durations recur.
    locale = _babel_locale(locale_name)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(format_unit(hours, "duration-hour", length="short", locale=locale))
    if rest or not hours:
        parts.append(format_unit(rest, "duration-minute", length="short", locale=locale))
    return format_list(parts, style="unit-short", locale=locale)


def format_duration(duration: timedelta) -> str:
    """A longer span in its two largest units: "3 Tg., 4 Std.", "4 Std., 5 Min.", "5 Min."."""
    locale = _format_locale()
    minutes = max(0, int(duration.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    units = [("duration-day", days), ("duration-hour", hours), ("duration-minute", minutes)]
    while len(units) > 1 and units[0][1] == 0:
        units.pop(0)
    parts = [
        format_unit(value, unit, length="short", locale=locale)
        for unit, value in units[:2]
        if value or len(units) == 1
    ]
    return format_list(parts, style="unit-short", locale=locale)


# Decimal units, as file managers and `ls --si` show sizes.
_SIZE_UNITS = (
    (10**9, "digital-gigabyte"),
    (10**6, "digital-megabyte"),
    (10**3, "digital-kilobyte"),
)


def format_size(size: int) -> str:
    """A file size: "512 Byte", "340 kB", "1,2 MB"."""
    locale = _format_locale()
    for factor, unit in _SIZE_UNITS:
        if size >= factor:
            value = (Decimal(size) / factor).quantize(Decimal("0.1"))
            return format_unit(value.normalize(), unit, length="short", locale=locale)
    return format_unit(size, "digital-byte", length="short", locale=locale)


def format_items(items: list[str]) -> str:
    """ "a, b und c" in the current locale."""
    return format_list(items, locale=_format_locale()) if items else ""


def month_name(month: int) -> str:
    """The month's name in the current locale: 11 → "November"."""
    return babel_dates.get_month_names("wide", locale=_format_locale())[month]


def weekday_name(weekday: int) -> str:
    """The weekday's short name in the current locale: 0 → "Mo."."""
    return babel_dates.get_day_names("abbreviated", locale=_format_locale())[weekday]


def format_date(value: date) -> str:
    return _formatted_date(value, current_locale())


@functools.lru_cache(maxsize=4096)
def _formatted_date(value: date, locale_name: str) -> str:
    return babel_dates.format_date(value, format="medium", locale=_babel_locale(locale_name))


def format_datetime(value: datetime) -> str:
    """A local date and time without seconds: "24.11.2026, 10:00"."""
    locale = _format_locale()
    time_text = babel_dates.format_time(value, format="short", locale=locale)
    date_text = babel_dates.format_date(value, format="medium", locale=locale)
    pattern = babel_dates.get_datetime_format("medium", locale=locale)
    return pattern.replace("{1}", date_text).replace("{0}", time_text)
