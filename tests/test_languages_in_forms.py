"""The one-line forms understand keywords and dates in German, English and Ukrainian; the
catalogs say what the issue asked for (no declined language names, no "утекли" …)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.casework.vocabulary import (
    BenefitSystem,
    ContactType,
    FlagCategory,
    Service,
    Topic,
    topics_to_bits,
)
from bot.core.i18n import format_date, use_locale
from bot.core.offline import Person
from bot.interpreting.requests import Mode, Purpose
from bot.staff.roles import Role
from tests.conftest import CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.texts import in_locale

ENGLISH = Person(1010, "Sam", "sam_cm", "en")
LOCALES = Path(__file__).resolve().parent.parent / "locales"


@pytest.fixture
async def staff(bot: BotHarness) -> BotHarness:
    """Anna (German) with F-0001, Oksana (Ukrainian) with F-0002, Sam (English) with F-0003,
    and a coordinator, on Tuesday 24 November 2026."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.register(ENGLISH, Role.CASE_MANAGER, locale="en")
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    await bot.send(COLLEAGUE, "/newfamily Beckum UA 3 uk згода")
    await bot.send(ENGLISH, "/newfamily Telgte AF 3 prs consent")
    await bot.take_in(date(2026, 11, 2))
    return bot


async def last_contact(bot: BotHarness) -> tuple:
    row = await bot.storage.db.fetch_one(
        "SELECT family_id, contact_on, minutes, contact_type, topics, referral, follow_up_on "
        "FROM contacts ORDER BY id DESC LIMIT 1"
    )
    return tuple(row)


async def last_request(bot: BotHarness) -> tuple:
    row = await bot.storage.db.fetch_one(
        "SELECT language, mode, starts_at, minutes, town, purpose FROM interpreter_requests "
        "ORDER BY id DESC LIMIT 1"
    )
    return tuple(row)


@pytest.mark.parametrize(
    ("person", "family", "form"),
    [
        (
            CASE_MANAGER,
            1,
            "/log F-0001 gestern 45m hausbesuch wohnen,arbeit ref jobcenter wv 01.12.",
        ),
        (COLLEAGUE, 2, "/log F-0002 вчора 45m візит житло,робота напр джобцентр повторно 01.12."),
        (ENGLISH, 3, "/log F-0003 yesterday 45m home visit housing,work ref jobcenter next 01.12."),
    ],
)
async def test_log_understands_each_language(
    staff: BotHarness, person: Person, family: int, form: str
) -> None:
    await staff.send(person, form)

    assert await last_contact(staff) == (
        family,
        "2026-11-23",
        45,
        "home_visit",
        topics_to_bits([Topic.HOUSING, Topic.WORK]),
        "jobcenter",
        "2026-12-01",
    )


@pytest.mark.parametrize(
    ("word", "day"),
    [("heute", "2026-11-24"), ("сьогодні", "2026-11-24"), ("today", "2026-11-24"),
     ("vorgestern", "2026-11-22"), ("позавчора", "2026-11-22")],
)  # fmt: skip
async def test_log_understands_relative_days(staff: BotHarness, word: str, day: str) -> None:
    await staff.send(COLLEAGUE, f"/log F-0002 {word} 30m телефон здоровʼя")

    assert (await last_contact(staff))[1:4] == (day, 30, "phone")


@pytest.mark.parametrize(
    ("person", "form"),
    [
        (CASE_MANAGER, "/interpreter uk 03.12. 10:00 90m vor-ort Ahlen Ausländerbehörde"),
        (CASE_MANAGER, "/interpreter uk 03.12. 10 Uhr 90m vor Ort Ahlen Ausländerbehörde"),
        (COLLEAGUE, "/interpreter uk 03.12. 10 год 90m на місці Ahlen міграційна"),
        (ENGLISH, "/interpreter uk 03.12. 10 am 90m on site Ahlen immigration office"),
    ],
)
async def test_interpreter_understands_each_language_and_spaced_words(
    staff: BotHarness, person: Person, form: str
) -> None:
    await staff.send(person, form)
    member = await staff.storage.staff.get(person.id)
    await staff.press(person, in_locale(member.locale, "Confirm"))

    # 10:00 in Berlin is 09:00 UTC.
    assert await last_request(staff) == (
        "uk",
        "on_site",
        "2026-12-03T09:00:00+00:00",
        90,
        "Ahlen",
        "immigration_office",
    )


@pytest.mark.parametrize(
    ("time_typed", "stored"),
    [("2.30 pm", "13:30"), ("14:30 Uhr", "13:30"), ("8 год.", "07:00"), ("12am", "23:00")],
)
async def test_interpreter_start_times_with_a_word(
    staff: BotHarness, time_typed: str, stored: str
) -> None:
    day = "2026-12-02" if stored == "23:00" else "2026-12-03"
    await staff.send(CASE_MANAGER, f"/interpreter uk 03.12. {time_typed} 60m telefon arzt")
    await staff.press(CASE_MANAGER, in_locale("de", "Confirm"))

    assert (await last_request(staff))[2] == f"{day}T{stored}:00+00:00"


async def test_an_interpreter_date_is_called_an_appointment_date(staff: BotHarness) -> None:
    passed = only_text(await staff.send(COLLEAGUE, "/interpreter uk 20.11. 10:00 60m телефон суд"))
    wrong = only_text(await staff.send(ENGLISH, "/interpreter uk someday 10:00 60m phone court"))

    with use_locale("uk"):
        day = format_date(date(2026, 11, 20))
    assert passed == in_locale(
        "uk", "{date} has passed: an appointment date is today or later.", date=day
    )
    assert "дата зустрічі" in passed and "повторного контакту" not in passed
    assert wrong.startswith(
        in_locale(
            "en",
            "“{text}” is not an appointment date. Examples: morgen, freitag, 02.12.",
            text="someday",
        )
    )
    assert "follow-up" not in wrong
    assert await staff.storage.db.fetch_value("SELECT count(*) FROM interpreter_requests") == 0


@pytest.mark.parametrize(
    ("person", "family", "form"),
    [
        (CASE_MANAGER, 1, "/flag F-0001 wartezeit: 4 Monate auf einen Termin"),
        (COLLEAGUE, 2, "/flag F-0002 очікування: 4 місяці на прийом"),
        (ENGLISH, 3, "/flag F-0003 waiting time: 4 months for an appointment"),
    ],
)
async def test_flag_understands_each_language(
    staff: BotHarness, person: Person, family: int, form: str
) -> None:
    await staff.send(person, form)

    row = await staff.storage.db.fetch_one(
        "SELECT family_id, category FROM flags ORDER BY id DESC LIMIT 1"
    )
    assert tuple(row) == (family, "waiting_time")


async def test_newfamily_understands_ukrainian_consent(staff: BotHarness) -> None:
    assert (
        await staff.storage.db.fetch_value("SELECT consent_on FROM families WHERE id = 2")
        == "2026-11-24"
    )


@pytest.mark.parametrize(
    "vocabularies", [(ContactType, Topic), (Mode, Purpose), (Service,), (BenefitSystem,),
                     (FlagCategory,)],
)  # fmt: skip
def test_no_word_names_two_terms_of_one_form(vocabularies: tuple[type, ...]) -> None:
    """A form reads contact type before topics and mode before purpose: a word in two of
    them, or in two languages for two things, would be read wrongly."""
    seen: dict[str, object] = {}
    for vocabulary in vocabularies:
        for term in vocabulary:
            for word in term.words:
                assert seen.setdefault(word, term) is term, (word, seen[word], term)


def catalog(locale: str) -> dict[str, str]:
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return {
            message.id if isinstance(message.id, str) else message.id[0]: str(message.string)
            for message in read_po(file)
            if message.id
        }


def test_german_inserts_language_names_without_declension() -> None:
    texts = catalog("de").values()

    for declined in ("aus dem {", "ins {", "in das {", "im {language}", "Vor dem Krieg"):
        assert not [text for text in texts if declined in text], declined
    cannot = (
        "DeepL cannot translate into {language}. Please request an interpreter with /interpreter."
    )
    assert catalog("de")[cannot].startswith("DeepL kann nicht in die Sprache {language}")


def test_ukrainian_words_for_team_invoiced_follow_up_and_fled() -> None:
    ukrainian = catalog("uk")

    for msgid, text in ukrainian.items():
        for wrong in ("утекл", "втекл", "нагадуван", "оплачено"):
            assert wrong not in text, (msgid, text)
        if "team" in msgid.lower():
            assert "команд" not in text.replace("Ваші команди", ""), (msgid, text)
    assert ukrainian["invoiced"] == "виставлено рахунок"
    assert ukrainian["follow-up {date}"] == "повторний контакт {date}"
    assert ukrainian["fled from Ukraine"] == "вимушено виїхали з України"
