"""Catalogs are complete in every language; numbers, money, dates and names follow Babel."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.core import i18n
from bot.core.i18n import SUPPORTED_LOCALES, format_count, format_number, use_locale

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def catalog(locale: str):
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def source_messages() -> set[str]:
    """Every translatable text in the code, extracted as `make locales-update` does."""
    keywords = dict(DEFAULT_KEYWORDS, lazy_gettext=None)
    return {
        message if isinstance(message, str) else message[0]
        for _, _, message, *_ in extract_from_dir(ROOT / "bot", keywords=keywords)
    }


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_entry_is_translated_and_none_is_fuzzy(locale: str) -> None:
    problems = []
    for message in catalog(locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)

    assert problems == []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_text_in_the_code_is_in_the_catalog(locale: str) -> None:
    in_catalog = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog(locale)
        if message.id
    }

    assert source_messages() - in_catalog == set(), "run `make locales-update` and translate"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_translations_keep_every_placeholder(locale: str) -> None:
    for message in catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, (locale, message.id)


def test_catalogs_translate_per_locale() -> None:
    with use_locale("de"):
        german = i18n.gettext("Coordination")
    with use_locale("uk"):
        ukrainian = i18n.gettext("Coordination")
    with use_locale("en"):
        english = i18n.gettext("Coordination")

    assert (german, ukrainian, english) == ("Koordination", "Координація", "Coordination")


def test_ukrainian_has_three_plural_forms() -> None:
    forms = []
    with use_locale("uk"):
        for count in (1, 3, 5):
            forms.append(
                i18n.ngettext(
                    "<b>{count} active staff member</b>",
                    "<b>{count} active staff members</b>",
                    count,
                )
            )
    assert forms == [
        "<b>{count} активний співробітник</b>",
        "<b>{count} активні співробітники</b>",
        "<b>{count} активних співробітників</b>",
    ]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("de", "30.000,00\xa0€"), ("en", "€30,000.00"), ("uk", "30\xa0000,00\xa0EUR")],
)
def test_money_from_integer_cents(locale: str, expected: str) -> None:
    with use_locale(locale):
        assert i18n.format_money(3_000_000) == expected


def test_money_keeps_every_cent() -> None:
    with use_locale("de"):
        assert i18n.format_money(1) == "0,01\xa0€"
        assert i18n.format_money(-12_345) == "-123,45\xa0€"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("de", "24.11.2026"), ("en", "24 Nov 2026"), ("uk", "24 лист. 2026\u202fр.")],
)
def test_dates(locale: str, expected: str) -> None:
    with use_locale(locale):
        assert i18n.format_date(date(2026, 11, 24)) == expected


def test_date_and_time_are_shown_in_the_time_the_value_carries() -> None:
    berlin = datetime(2026, 11, 24, 9, 0, tzinfo=UTC).astimezone(ZoneInfo("Europe/Berlin"))
    with use_locale("de"):
        assert i18n.format_datetime(berlin) == "24.11.2026, 10:00"


def test_numbers() -> None:
    with use_locale("de"):
        assert i18n.format_number(Decimal("1234.5")) == "1.234,5"
    with use_locale("en"):
        assert i18n.format_number(1234) == "1,234"


@pytest.mark.parametrize(
    ("locale", "expected"), [("de", "Ukrainisch"), ("en", "Ukrainian"), ("uk", "українська")]
)
def test_language_names(locale: str, expected: str) -> None:
    with use_locale(locale):
        assert i18n.language_name("uk") == expected


def test_language_choices_are_named_in_their_own_language() -> None:
    assert [i18n.autonym(code) for code in SUPPORTED_LOCALES] == [
        "Deutsch",
        "English",
        "Українська",
    ]


@pytest.mark.parametrize(
    ("telegram_code", "expected"),
    [
        ("de", "de"),
        ("de-AT", "de"),
        ("en-GB", "en"),
        ("uk", "uk"),
        ("pt-br", "de"),
        ("ru", "de"),
        (None, "de"),
        ("", "de"),
        ("not a locale!", "de"),
    ],
)
def test_telegram_language_code_is_mapped_to_a_supported_locale(
    telegram_code: str | None, expected: str
) -> None:
    assert i18n.guess_locale(telegram_code, default="de") == expected


@pytest.fixture
def catalog_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[Path]]:
    """Look for catalogs in the folders a test puts into the list, first found first."""
    dirs: list[Path] = []
    monkeypatch.setattr(i18n, "CATALOG_DIRS", dirs)
    i18n._catalog.cache_clear()
    yield dirs
    i18n._catalog.cache_clear()


def catalog_folder(root: Path, locale: str) -> Path:
    folder = root / locale / "LC_MESSAGES"
    folder.mkdir(parents=True)
    return folder


def test_a_missing_catalog_stops_with_a_clear_error(
    catalog_dirs: list[Path], tmp_path: Path
) -> None:
    catalog_dirs.append(tmp_path)

    with pytest.raises(i18n.MissingTranslationsError, match="make locales"):
        i18n.check_catalogs()


def test_without_compiled_catalogs_the_po_files_are_read(
    catalog_dirs: list[Path], tmp_path: Path
) -> None:
    for locale in SUPPORTED_LOCALES:
        shutil.copy(
            ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po",
            catalog_folder(tmp_path, locale),
        )
    catalog_dirs.append(tmp_path)

    i18n.check_catalogs()
    with use_locale("uk"):
        assert i18n._("Your figures") == "Ваші показники"


def test_the_packaged_catalogs_come_before_the_repositorys(
    catalog_dirs: list[Path], tmp_path: Path
) -> None:
    packaged, repository = tmp_path / "packaged", tmp_path / "repository"
    for root, translation in ((packaged, "Packaged"), (repository, "Repository")):
        for locale in SUPPORTED_LOCALES:
            catalog = Catalog(locale=locale)
            catalog.add("Your figures", translation)
            with (catalog_folder(root, locale) / "messages.mo").open("wb") as handle:
                write_mo(handle, catalog)
    catalog_dirs.extend([packaged, repository])

    assert i18n._("Your figures") == "Packaged"


def test_the_catalogs_are_looked_for_in_the_package_then_in_the_repository() -> None:
    assert i18n.CATALOG_DIRS == (ROOT / "bot" / "locales", ROOT / "locales")


def test_counts_are_written_as_each_locale_writes_them() -> None:
    """Below a thousand the digits alone, as Babel writes them in every supported locale;
    from a thousand on with the locale's group separator."""
    for locale in SUPPORTED_LOCALES:
        with use_locale(locale):
            assert [format_count(count) for count in range(1000)] == [
                format_number(count) for count in range(1000)
            ]
    with use_locale("de"):
        assert format_count(11565) == "11.565"
    with use_locale("en"):
        assert format_count(11565) == "11,565"
    with use_locale("uk"):
        assert format_count(11565) == "11\u00a0565"
