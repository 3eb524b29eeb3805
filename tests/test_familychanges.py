"""/editfamily: a family's town, household, languages, benefit system and consent change, and
a closed family is reopened; the figures count each contact and each active family with the
values valid on its day, however the changes and contacts arrive."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.casework.contacts import ContactDraft
from bot.casework.families import FamilyDraft
from bot.casework.familychanges import FamilyEdit, FamilyField, parse_edit_family
from bot.casework.vocabulary import BenefitSystem, ContactType, Topic
from bot.core.config import Settings
from bot.core.i18n import use_locale
from bot.core.offline import Person
from bot.core.parsing import ParseError
from bot.reporting.figures import Count
from bot.reporting.periods import PeriodKind, days_period, period_containing
from bot.staff.roles import Role, Team
from bot.storage import rollups
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.dates import berlin_midnight
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.invariants import database_problems
from tests.helpers.texts import de, in_locale

TOWNS = ("Ahlen", "Beckum", "Telgte", "Warendorf")
# The test clock starts on Tuesday 24.11.2026.
TODAY = date(2026, 11, 24)


async def family(
    bot: BotHarness,
    town: str,
    benefit: BenefitSystem | None,
    opened: date,
    person: Person = CASE_MANAGER,
    fled: bool = True,
) -> int:
    draft = FamilyDraft(town, "UA" if fled else "SY", 4, ("uk", "ru"), fled, benefit)
    created = await bot.storage.families.create(draft, person.id, opened, berlin_midnight(opened))
    return created.id


async def contact(
    bot: BotHarness, family_id: int, day: date, minutes: int, person: Person = CASE_MANAGER
) -> int:
    draft = ContactDraft(family_id, day, minutes, ContactType.OFFICE, (Topic.RESIDENCE,))
    stored, _ = await bot.storage.contacts.add(draft, person.id, berlin_midnight(day))
    return stored.id


async def history(bot: BotHarness, family_id: int) -> list[tuple]:
    rows = await bot.storage.db.fetch_all(
        "SELECT valid_from, town, benefit, active FROM family_changes WHERE family_id = ? "
        "ORDER BY valid_from",
        (family_id,),
    )
    return [tuple(row) for row in rows]


async def audit(bot: BotHarness, action: str) -> list[tuple]:
    rows = await bot.storage.db.fetch_all(
        "SELECT actor_id, subject, detail FROM audit_log WHERE action = ? ORDER BY id", (action,)
    )
    return [tuple(row) for row in rows]


async def figures_of(bot: BotHarness, kind: PeriodKind, day: date, staff_id: int | None = None):
    period = period_containing(kind, day)
    return await bot.storage.figures.period(
        period, berlin_midnight(period.start), berlin_midnight(period.end), staff_id
    )


@pytest.fixture
async def staff(bot: BotHarness) -> BotHarness:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.register(COORDINATOR, Role.COORDINATOR)
    return bot


# The one-line form ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("F-0042 Ort Beckum", FamilyEdit(42, FamilyField.TOWN, town="Beckum")),
        ("f42 town telgte", FamilyEdit(42, FamilyField.TOWN, town="Telgte")),
        ("F-0042 місто Ahlen", FamilyEdit(42, FamilyField.TOWN, town="Ahlen")),
        ("F-0042 Größe 5", FamilyEdit(42, FamilyField.HOUSEHOLD, household_size=5)),
        ("F-0042 size 1", FamilyEdit(42, FamilyField.HOUSEHOLD, household_size=1)),
        ("F-0042 розмір 7", FamilyEdit(42, FamilyField.HOUSEHOLD, household_size=7)),
        ("F-0042 Sprachen uk, ru", FamilyEdit(42, FamilyField.LANGUAGES, languages=("uk", "ru"))),
        ("F-0042 languages Arabisch", FamilyEdit(42, FamilyField.LANGUAGES, languages=("ar",))),
        ("F-0042 мови uk", FamilyEdit(42, FamilyField.LANGUAGES, languages=("uk",))),
        # "ab" (from) is also Abkhaz: without a date after it, a language.
        ("F-0042 Sprachen ru, ab", FamilyEdit(42, FamilyField.LANGUAGES, languages=("ru", "ab"))),
        (
            "F-0042 benefit SGB II",
            FamilyEdit(42, FamilyField.BENEFIT, benefit_system=BenefitSystem.SGB_II),
        ),
        (
            "F-0042 Rechtskreis asylblg ab 01.11.2026",
            FamilyEdit(
                42,
                FamilyField.BENEFIT,
                benefit_system=BenefitSystem.ASYLBLG,
                valid_from=date(2026, 11, 1),
            ),
        ),
        (
            "F-0042 виплати SGB XII з 2026-11-02",
            FamilyEdit(
                42,
                FamilyField.BENEFIT,
                benefit_system=BenefitSystem.SGB_XII,
                valid_from=date(2026, 11, 2),
            ),
        ),
        (
            "F-0042 town Beckum from 20.11.2026",
            FamilyEdit(42, FamilyField.TOWN, town="Beckum", valid_from=date(2026, 11, 20)),
        ),
        ("F-0042 Einwilligung ja", FamilyEdit(42, FamilyField.CONSENT, consent=True)),
        ("F-0042 consent no", FamilyEdit(42, FamilyField.CONSENT, consent=False)),
        ("F-0042 згода так", FamilyEdit(42, FamilyField.CONSENT, consent=True)),
        ("F-0042 reopen", FamilyEdit(42, FamilyField.REOPEN)),
        ("F-0042 wiederaufnehmen", FamilyEdit(42, FamilyField.REOPEN)),
        ("F-0042 відновити", FamilyEdit(42, FamilyField.REOPEN)),
    ],
)
def test_the_one_line_form_reads_every_field_in_three_languages(
    arguments: str, expected: FamilyEdit
) -> None:
    with use_locale("en"):
        assert parse_edit_family(arguments, TOWNS) == expected


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            "F-0042 farbe blau",
            "I did not understand “farbe”. What should change? town, size, languages, benefit, "
            "consent or reopen. Example: /editfamily F-0042 ort Beckum, or /editfamily F-0042 "
            "alone for buttons.",
        ),
        ("F-0042 größe", "What is the new value? Example: /editfamily F-0042 größe 5"),
        ("F-0042 ort Berlin", None),
        (
            "F-0042 rechtskreis SGB V",
            "“SGB V” is not a benefit system. Give SGB II, SGB XII, AsylbLG or none. Example: "
            "/editfamily F-0042 rechtskreis SGB II ab 01.11.2026",
        ),
        (
            "F-0042 größe 5 ab 01.11.2026",
            "Only a move and a change of benefit system can hold from an earlier day; Household "
            "size changes as of today. Example: /editfamily F-0042 rechtskreis SGB II ab "
            "01.11.2026",
        ),
        (
            "F-0042 ort Beckum ab",
            "“ab” needs one date with its year after it. Example: /editfamily F-0042 "
            "rechtskreis SGB II ab 01.11.2026",
        ),
        (
            "F-0042 einwilligung vielleicht",
            "“vielleicht” is neither yes nor no. Examples: /editfamily F-0042 consent yes, "
            "/editfamily F-0042 consent no",
        ),
        (
            "F-0042 reopen jetzt",
            "Reopening needs nothing more. Example: /editfamily F-0042 reopen",
        ),
    ],
)
def test_a_bad_one_line_form_says_what_was_wrong(arguments: str, message: str | None) -> None:
    with use_locale("en"), pytest.raises(ParseError) as raised:
        parse_edit_family(arguments, TOWNS)
    if message is not None:
        assert raised.value.message == message


async def test_a_move_is_saved_audited_and_confirmed_with_old_and_new(staff: BotHarness) -> None:
    bot = staff
    ahlen = await family(bot, "Ahlen", BenefitSystem.ASYLBLG, date(2026, 10, 1))

    reply = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 Ort Beckum"))

    assert reply == (
        "F-0001 geändert. /family F-0001 zeigt die Familie.\nOrt: Ahlen → Beckum (ab 24.11.2026)"
    )
    assert (await bot.storage.families.get(ahlen)).town == "Beckum"
    assert await history(bot, ahlen) == [
        ("2026-10-01", "Ahlen", "asylblg", 1),
        ("2026-11-24", "Beckum", "asylblg", 1),
    ]
    assert await audit(bot, "family.edit") == [
        (CASE_MANAGER.id, "F-0001", "town: Ahlen → Beckum from 2026-11-24")
    ]


async def test_household_languages_and_consent_change_as_of_now(staff: BotHarness) -> None:
    bot = staff
    await family(bot, "Ahlen", None, date(2026, 10, 1))

    size = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 Größe 5"))
    languages = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 Sprachen uk, de"))
    withdrawn = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 Einwilligung nein"))
    given = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 Einwilligung ja"))
    again = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 Einwilligung ja"))
    by_consent = only_text(await bot.send(CASE_MANAGER, "/consent F-0001"))

    changed = "F-0001 geändert. /family F-0001 zeigt die Familie.\n"
    assert size == changed + "Haushaltsgröße: 4 → 5"
    assert languages == changed + "Sprachen: Ukrainisch und Russisch → Ukrainisch und Deutsch"
    # The family was registered without consent: nothing to withdraw yet.
    assert withdrawn == (
        "Für F-0001 ist keine schriftliche Einwilligung erfasst: Es gibt nichts zu widerrufen."
    )
    assert given == changed + "Schriftliche Einwilligung: nein → ja"
    # One rule for recording consent, whichever command records it.
    assert (
        again
        == by_consent
        == ("Die schriftliche Einwilligung von F-0001 wurde bereits am 24.11.2026 erfasst.")
    )
    stored = await bot.storage.families.get(1)
    assert (stored.household_size, stored.languages, stored.consent_on) == (5, ("uk", "de"), TODAY)
    # None of these is dated: the history keeps only the intake.
    assert await history(bot, 1) == [("2026-10-01", "Ahlen", "", 1)]
    assert await audit(bot, "family.edit") == [
        (CASE_MANAGER.id, "F-0001", "household: 4 → 5"),
        (CASE_MANAGER.id, "F-0001", "languages: uk,ru → uk,de"),
    ]
    assert await audit(bot, "family.consent") == [(CASE_MANAGER.id, "F-0001", None)]

    withdrawn = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 consent no"))

    assert withdrawn == changed + "Schriftliche Einwilligung: ja → nein"
    assert (await bot.storage.families.get(1)).consent_on is None
    assert await audit(bot, "family.consent_withdrawn") == [
        (CASE_MANAGER.id, "F-0001", "consent: 2026-11-24 → none")
    ]


async def test_the_day_of_a_dated_change_lies_between_the_last_change_and_today(
    staff: BotHarness,
) -> None:
    bot = staff
    await family(bot, "Ahlen", BenefitSystem.ASYLBLG, date(2026, 10, 1))
    await bot.send(CASE_MANAGER, "/editfamily F-0001 rechtskreis SGB II ab 01.11.2026")

    future = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 ort Beckum ab 25.11.2026"))
    before_intake = only_text(
        await bot.send(CASE_MANAGER, "/editfamily F-0001 ort Beckum ab 30.09.2026")
    )
    before_last = only_text(
        await bot.send(CASE_MANAGER, "/editfamily F-0001 ort Beckum ab 31.10.2026")
    )
    same = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 rechtskreis sgb2"))

    example = "Beispiel: /editfamily F-0042 rechtskreis SGB II ab 24.11.2026"
    assert future == (
        "Der 25.11.2026 liegt in der Zukunft: Eine Änderung gilt ab heute oder einem früheren "
        f"Tag. {example}"
    )
    assert before_intake == (
        f"Der 30.09.2026 liegt vor der Aufnahme von F-0001 am 01.10.2026. {example}"
    )
    assert before_last == (
        "Der 31.10.2026 liegt vor der letzten Änderung von F-0001 am 01.11.2026: Eine Änderung "
        f"gilt ab diesem Tag oder später. {example}"
    )
    assert same == "Nichts zu ändern: Rechtskreis von F-0001 ist schon SGB II (Jobcenter)."
    assert await history(bot, 1) == [
        ("2026-10-01", "Ahlen", "asylblg", 1),
        ("2026-11-01", "Ahlen", "sgb2", 1),
    ]


async def test_case_managers_change_their_own_families_coordinators_all(
    staff: BotHarness,
) -> None:
    bot = staff
    await family(bot, "Ahlen", None, date(2026, 10, 1))
    await bot.register(ADMIN, Role.ADMIN)

    colleague = only_text(await bot.send(COLLEAGUE, "/editfamily F-0001 місто Telgte"))
    admin = only_text(await bot.send(ADMIN, "/editfamily F-0001 Ort Telgte"))
    coordinator = only_text(await bot.send(COORDINATOR, "/editfamily F-0001 Ort Telgte"))

    assert colleague == in_locale(
        "uk",
        "{code} is not in your caseload. If it should be, ask the coordination to transfer it "
        "to you.",
        code="F-0001",
    )
    assert admin == de(
        "/{command} is not available to your role ({role}). /help lists your commands.",
        command="editfamily",
        role=de("administrator"),
    )
    assert coordinator.endswith("Ort: Ahlen → Telgte (ab 24.11.2026)")
    assert await audit(bot, "family.denied") == [(COLLEAGUE.id, "F-0001", None)]
    assert [row[0] for row in await audit(bot, "family.edit")] == [COORDINATOR.id]


# The dialog ------------------------------------------------------------------------------------


async def test_the_dialog_changes_the_benefit_system_after_showing_old_and_new(
    staff: BotHarness,
) -> None:
    bot = staff
    await family(bot, "Ahlen", BenefitSystem.ASYLBLG, date(2026, 10, 1))

    question = await bot.send(CASE_MANAGER, "/editfamily F-0001")
    field = await bot.press(CASE_MANAGER, "Rechtskreis")
    check = await bot.press(CASE_MANAGER, "SGB II (Jobcenter)")
    saved = await bot.press(CASE_MANAGER, "Speichern")

    assert only_text(question) == "F-0001 ändern: was?"
    assert [button["text"] for button in question[0].buttons] == [
        "Ort", "Haushaltsgröße", "Sprachen", "Rechtskreis", "Schriftliche Einwilligung",
        "Abbrechen",
    ]  # fmt: skip
    assert only_text(field) == "Welcher Rechtskreis ab heute?"
    assert only_text(check) == (
        "Bitte prüfen und speichern:\n\nF-0001\n"
        "Rechtskreis: AsylbLG → SGB II (Jobcenter) (ab 24.11.2026)"
    )
    assert saved[-1].text == (
        "F-0001 geändert. /family F-0001 zeigt die Familie.\n"
        "Rechtskreis: AsylbLG → SGB II (Jobcenter) (ab 24.11.2026)"
    )
    assert (await bot.storage.families.get(1)).benefit_system is BenefitSystem.SGB_II
    assert await audit(bot, "family.edit") == [
        (CASE_MANAGER.id, "F-0001", "benefit: asylblg → sgb2 from 2026-11-24")
    ]


async def test_the_dialog_in_ukrainian_refuses_the_same_value_and_stays(
    staff: BotHarness,
) -> None:
    bot = staff
    await family(bot, "Ahlen", None, date(2026, 10, 1), person=COLLEAGUE)

    await bot.send(COLLEAGUE, "/editfamily F-0001")
    await bot.press(COLLEAGUE, "Кількість осіб у домогосподарстві")
    same = await bot.send(COLLEAGUE, "4")
    other = await bot.send(COLLEAGUE, "6")
    await bot.press(COLLEAGUE, "Зберегти")

    assert only_text(same) == (
        "Нічого змінювати: Кількість осіб у домогосподарстві для F-0001 вже 4."
    )
    assert "F-0001\nКількість осіб у домогосподарстві: 4 → 6" in only_text(other)
    assert (await bot.storage.families.get(1)).household_size == 6


async def test_cancel_leaves_the_family_as_it_was(staff: BotHarness) -> None:
    bot = staff
    await family(bot, "Ahlen", None, date(2026, 10, 1))

    await bot.send(CASE_MANAGER, "/editfamily F-0001")
    await bot.press(CASE_MANAGER, "Ort")
    await bot.press(CASE_MANAGER, "Telgte")
    cancelled = await bot.send(CASE_MANAGER, "/cancel")

    assert only_text(cancelled) == "Abgebrochen. Es wurde nichts gespeichert."
    assert (await bot.storage.families.get(1)).town == "Ahlen"
    assert await audit(bot, "family.edit") == []


# Closing and reopening -------------------------------------------------------------------------


async def test_a_closed_family_is_reopened_and_counted_so(staff: BotHarness) -> None:
    bot = staff
    await family(bot, "Ahlen", BenefitSystem.SGB_II, date(2026, 10, 1))
    await bot.storage.families.close(
        1, None, CASE_MANAGER.id, date(2026, 11, 10), berlin_midnight(date(2026, 11, 10))
    )

    refused = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 Ort Beckum"))
    offered = await bot.send(CASE_MANAGER, "/editfamily F-0001")
    await bot.press(CASE_MANAGER, "Wieder aufnehmen")
    saved = await bot.press(CASE_MANAGER, "Speichern")
    again = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 reopen"))

    assert refused == (
        "F-0001 wurde am 10.11.2026 abgeschlossen. Nehmen Sie sie zuerst wieder auf: "
        "/editfamily F-0001 wiederaufnehmen"
    )
    assert [button["text"] for button in offered[0].buttons] == ["Wieder aufnehmen", "Abbrechen"]
    assert saved[-1].text.endswith("Stand: abgeschlossen → aktiv (ab 24.11.2026)")
    assert again == "F-0001 ist aktiv: Es gibt nichts wieder aufzunehmen."
    stored = await bot.storage.families.get(1)
    assert (stored.active, stored.closed_on) == (True, None)
    assert await history(bot, 1) == [
        ("2026-10-01", "Ahlen", "sgb2", 1),
        ("2026-11-10", "Ahlen", "sgb2", 0),
        ("2026-11-24", "Ahlen", "sgb2", 1),
    ]
    assert await audit(bot, "family.reopen") == [
        (CASE_MANAGER.id, "F-0001", "reopen: closed → active from 2026-11-24")
    ]
    # Week 46 (9.–15.11.): closed, not active at its end; week 48: reopened, active again.
    week46 = await figures_of(bot, PeriodKind.WEEK, date(2026, 11, 10))
    week48 = await figures_of(bot, PeriodKind.WEEK, TODAY)
    assert (week46.closed_families, week46.reopened_families, week46.active_at_end) == (1, 0, 0)
    assert (week48.closed_families, week48.reopened_families, week48.active_at_end) == (0, 1, 1)
    assert week48.active_by_benefit == {BenefitSystem.SGB_II: 1}
    mine = await figures_of(bot, PeriodKind.WEEK, TODAY, CASE_MANAGER.id)
    assert (mine.reopened_families, mine.active_at_end) == (1, 1)
    # A year looks for reopened families among those closed before (another query plan):
    # 2026 opened, closed and reopened F-0001; active at its end.
    year = await figures_of(bot, PeriodKind.YEAR, TODAY)
    assert (year.new_families, year.closed_families, year.reopened_families) == (1, 1, 1)
    assert year.active_at_end == 1


# The figures -----------------------------------------------------------------------------------


@pytest.fixture
async def county(staff: BotHarness) -> BotHarness:
    """F-0001 (Ahlen, AsylbLG, fled, Anna's) changes to SGB II from 16.11.2026 and moves to
    Beckum from 18.11.2026; F-0002 (Telgte, SGB XII, Oksana's) stays as it is.

    November's contacts, 170 minutes:
    - F-0001 03.11. 45 min and 10.11. 30 min: Ahlen, AsylbLG (before both changes);
    - F-0001 17.11. 15 min: Ahlen, SGB II (logged after the changes, for a day between them);
    - F-0001 20.11. 60 min: Beckum, SGB II (logged before the changes were typed);
    - F-0002 05.11. 20 min by the coordinator: Telgte, SGB XII, team Coordination.
    """
    bot = staff
    first = await family(bot, "Ahlen", BenefitSystem.ASYLBLG, date(2026, 10, 1))
    second = await family(
        bot, "Telgte", BenefitSystem.SGB_XII, date(2026, 10, 15), COLLEAGUE, fled=False
    )
    await contact(bot, first, date(2026, 11, 3), 45)
    await contact(bot, first, date(2026, 11, 10), 30)
    await contact(bot, first, date(2026, 11, 20), 60)
    await contact(bot, second, date(2026, 11, 5), 20, COORDINATOR)
    await bot.send(CASE_MANAGER, "/editfamily F-0001 Rechtskreis SGB II ab 16.11.2026")
    await bot.send(CASE_MANAGER, "/editfamily F-0001 Ort Beckum ab 18.11.2026")
    await contact(bot, first, date(2026, 11, 17), 15)
    return bot


async def test_contacts_count_for_the_town_and_benefit_system_of_their_day(
    county: BotHarness, settings: Settings
) -> None:
    november = await figures_of(county, PeriodKind.MONTH, TODAY)

    assert (november.contacts, november.minutes) == (5, 45 + 30 + 15 + 60 + 20)
    # 03.11. and 10.11.: AsylbLG; 17.11. and 20.11.: SGB II; F-0002: SGB XII.
    assert november.by_benefit == {
        BenefitSystem.ASYLBLG: Count(2, 45 + 30),
        BenefitSystem.SGB_II: Count(2, 15 + 60),
        BenefitSystem.SGB_XII: Count(1, 20),
    }
    # 03.11., 10.11. and 17.11. in Ahlen; 20.11. in Beckum.
    assert november.by_town == {
        "Ahlen": Count(3, 45 + 30 + 15),
        "Beckum": Count(1, 60),
        "Telgte": Count(1, 20),
    }
    assert november.by_team == {
        Team.CASE_MANAGEMENT: Count(4, 45 + 30 + 60 + 15),
        Team.COORDINATION: Count(1, 20),
    }
    # At the end of November F-0001 is in SGB II; at the end of October it was in AsylbLG.
    assert november.active_by_benefit == {BenefitSystem.SGB_II: 1, BenefitSystem.SGB_XII: 1}
    october = await figures_of(county, PeriodKind.MONTH, date(2026, 10, 31))
    assert october.active_by_benefit == {BenefitSystem.ASYLBLG: 1, BenefitSystem.SGB_XII: 1}
    # Week 46 (9.–15.11.) holds 10.11. only; week 47 (16.–22.11.) 17.11. and 20.11.
    week46 = await figures_of(county, PeriodKind.WEEK, date(2026, 11, 10))
    week47 = await figures_of(county, PeriodKind.WEEK, date(2026, 11, 17))
    assert week46.by_benefit == {BenefitSystem.ASYLBLG: Count(1, 30)}
    assert week47.by_benefit == {BenefitSystem.SGB_II: Count(2, 75)}
    assert week47.by_town == {"Ahlen": Count(1, 15), "Beckum": Count(1, 60)}
    # Anna's own November: her four contacts, by the values of their days.
    mine = await figures_of(county, PeriodKind.MONTH, TODAY, CASE_MANAGER.id)
    assert mine.by_benefit == {
        BenefitSystem.ASYLBLG: Count(2, 75),
        BenefitSystem.SGB_II: Count(2, 75),
    }
    assert mine.by_town == {"Ahlen": Count(3, 90), "Beckum": Count(1, 60)}
    assert mine.active_by_benefit == {BenefitSystem.SGB_II: 1}
    assert database_problems(settings.database_path) == []


async def test_a_corrected_contact_moves_to_the_values_of_its_new_day(
    county: BotHarness, settings: Settings
) -> None:
    bot = county
    # A correction is a delete and a new row in one transaction: 20.11. becomes 12.11.
    [moved] = await bot.storage.db.fetch_all(
        "SELECT id FROM contacts WHERE contact_on = '2026-11-20'"
    )
    async with bot.storage.db.transaction():
        await bot.storage.db.execute("DELETE FROM contacts WHERE id = ?", (moved["id"],))
        await contact(bot, 1, date(2026, 11, 12), 60)

    november = await figures_of(bot, PeriodKind.MONTH, TODAY)

    # 12.11. lies before both changes: Ahlen and AsylbLG.
    assert november.by_benefit[BenefitSystem.ASYLBLG] == Count(3, 45 + 30 + 60)
    assert november.by_benefit[BenefitSystem.SGB_II] == Count(1, 15)
    assert november.by_town == {"Ahlen": Count(4, 150), "Telgte": Count(1, 20)}
    assert database_problems(settings.database_path) == []


async def test_the_month_shows_benefit_systems_and_teams(county: BotHarness) -> None:
    text = only_text(await county.send(COORDINATOR, "/month"))

    # The sections after "By town": contacts (change to October, which had none) and hours;
    # 75 min = 1,25 h → 1,3; 20 min = 0,33 h → 0,3; 150 min = 2,5 h.
    assert (
        "<b>Nach Rechtskreis</b>\n"
        "SGB II (Jobcenter): 2 (+2) · 1,3 Std.\n"
        "SGB XII (Sozialamt): 1 (+1) · 0,3 Std.\n"
        "AsylbLG: 2 (+2) · 1,3 Std.\n"
        "Aktive Fälle zum Ende nach Rechtskreis: SGB II (Jobcenter) 1 · SGB XII (Sozialamt) 1\n"
        "\n"
        "<b>Nach Team</b>\n"
        "Case Management: 4 (+4) · 2,5 Std.\n"
        "Koordination: 1 (+1) · 0,3 Std.\n"
    ) in text
    assert len(text) <= 4096


async def test_the_week_in_english_names_benefit_systems_and_teams(county: BotHarness) -> None:
    await county.storage.staff.set_locale(COORDINATOR.id, "en", county.time())

    text = only_text(await county.send(COORDINATOR, "/week last"))

    # Week 47: 17.11. (15 min) and 20.11. (60 min), both SGB II, both Case Management;
    # week 46 had 10.11. (AsylbLG, Case Management).
    assert (
        "<b>By benefit system</b>\nSGB II (Jobcenter): 2 (+2) · 1.3 h\nAsylbLG: 0 (−1) · 0 h\n"
    ) in text
    assert (
        "Active families at the end by benefit system: SGB II (Jobcenter) 1 · "
        "SGB XII (social welfare office) 1"
    ) in text
    assert "<b>By team</b>\nCase Management: 2 (+1) · 1.3 h" in text


async def test_the_export_counts_by_benefit_system_and_team_of_each_contacts_day(
    county: BotHarness,
) -> None:
    calls = await county.send(COORDINATOR, "/export 01.11.2026 24.11.2026")

    [xlsx, _csv] = [call.uploads["document"] for call in calls if call.method == "sendDocument"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    contacts, groups = book.worksheets[0], book.worksheets[-1]
    # Town (column H), benefit system (L) and team (M) of each contact's day, by date.
    assert [
        (row[7], row[11], row[12]) for row in contacts.iter_rows(min_row=2, values_only=True)
    ] == [
        ("Ahlen", "AsylbLG", "Case Management"),  # 03.11.
        ("Telgte", "SGB XII (Sozialamt)", "Koordination"),  # 05.11.
        ("Ahlen", "AsylbLG", "Case Management"),  # 10.11.
        ("Ahlen", "SGB II (Jobcenter)", "Case Management"),  # 17.11.
        ("Beckum", "SGB II (Jobcenter)", "Case Management"),  # 20.11.
    ]
    assert groups.title == "Nach Rechtskreis und Team"
    # Contacts and minutes as in /month; active families at the end of 24.11.2026.
    assert [list(row) for row in groups.iter_rows(values_only=True)] == [
        ["Gruppe", "Name", "Kontakte", "Minuten", "Aktive Familien zum Ende"],
        ["Rechtskreis", "SGB II (Jobcenter)", 2, 75, 1],
        ["Rechtskreis", "SGB XII (Sozialamt)", 1, 20, 1],
        ["Rechtskreis", "AsylbLG", 2, 75, 0],
        ["Rechtskreis", "keiner/unbekannt", 0, 0, 0],
        ["Team", "Case Management", 4, 150, None],
        ["Team", "Koordination", 1, 20, None],
    ]


async def test_an_erased_family_can_no_longer_change(staff: BotHarness) -> None:
    bot = staff
    await family(bot, "Ahlen", BenefitSystem.SGB_II, date(2026, 10, 1))
    await bot.storage.families.close(
        1, None, CASE_MANAGER.id, date(2026, 11, 10), berlin_midnight(date(2026, 11, 10))
    )
    await bot.storage.erasure.erase_family(1, bot.time(), ADMIN.id, "request")

    dialog = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001"))
    reopen = only_text(await bot.send(CASE_MANAGER, "/editfamily F-0001 reopen"))

    erased = (
        "Die personenbezogenen Angaben von F-0001 wurden am 24.11.2026 gelöscht: Die Familie "
        "kann nicht mehr geändert werden. Legen Sie sie mit /newfamily neu an."
    )
    assert dialog == reopen == erased
    assert (await bot.storage.families.get(1)).active is False


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.integers(1, 2), st.integers(0, 70), st.booleans()), min_size=1, max_size=20
    ),
    span=st.tuples(st.integers(-5, 75), st.integers(0, 80)),
)
async def test_families_opened_closed_and_reopened_per_period_follow_every_change(
    staff: BotHarness, steps: list[tuple[int, int, bool]], span: tuple[int, int]
) -> None:
    """Changes put anywhere into a family's history, or taken out again, keep what the
    weeks, months and years count (family_periods) what the histories say: a reopening is
    an active row after an inactive one, so a row put before another changes that one too.
    Any span of days (a committee report's) counts the same as the histories say."""
    bot = staff
    if not await bot.storage.db.fetch_value("SELECT count(*) FROM families"):
        await family(bot, "Ahlen", None, date(2026, 9, 1))
        await family(bot, "Telgte", None, date(2026, 9, 1), COLLEAGUE)
    for family_id, offset, active in steps:
        day = (date(2026, 9, 2) + timedelta(days=offset)).isoformat()
        key = (family_id, day)
        if await bot.storage.db.fetch_value(
            "SELECT count(*) FROM family_changes WHERE family_id = ? AND valid_from = ?", key
        ):
            await bot.storage.db.execute(
                "DELETE FROM family_changes WHERE family_id = ? AND valid_from = ?", key
            )
        else:
            await bot.storage.db.execute(
                "INSERT INTO family_changes (family_id, valid_from, town, benefit, active, fled) "
                "VALUES (?, ?, 'Ahlen', '', ?, 1)",
                (*key, active),
            )

    kept = await bot.storage.db.fetch_all(
        "SELECT * FROM family_periods WHERE opened OR closed OR reopened ORDER BY period"
    )
    counted = await bot.storage.db.fetch_all(
        f"SELECT * FROM ({rollups.FAMILY_PERIODS_RECOUNT}) "
        "WHERE opened OR closed OR reopened ORDER BY period"
    )
    assert [tuple(row) for row in kept] == [tuple(row) for row in counted]
    first = date(2026, 9, 2) + timedelta(days=span[0])
    days = days_period(first, first + timedelta(days=span[1]))
    figures = await bot.storage.figures.period(
        days, berlin_midnight(days.start), berlin_midnight(days.end)
    )
    bounds = (days.start.isoformat(), days.end.isoformat())
    expected = await bot.storage.db.fetch_one(
        """
        SELECT (SELECT count(*) FROM families WHERE opened_on >= :start AND opened_on < :end),
            (SELECT count(*) FROM family_changes
             WHERE valid_from >= :start AND valid_from < :end AND NOT active),
            (SELECT count(*) FROM family_changes AS h
             WHERE valid_from >= :start AND valid_from < :end AND active
               AND (SELECT NOT active FROM family_changes WHERE family_id = h.family_id
                    AND valid_from < h.valid_from ORDER BY valid_from DESC LIMIT 1))
        """,
        dict(zip(("start", "end"), bounds, strict=True)),
    )
    got = (figures.new_families, figures.closed_families, figures.reopened_families)
    assert got == tuple(expected)


async def test_a_change_put_before_a_reopening_moves_it(staff: BotHarness) -> None:
    """Opened 1.9. (week 36); closed 10.9. (week 37), reopened 20.9. (week 38). Closed again
    from 15.9. (dated back, week 37): 20.9. is still a reopening. Then 12.9. active (week 37) is
    one too. Taking 10.9. out again: 12.9. follows the opening and is none."""
    bot = staff
    family_id = await family(bot, "Ahlen", None, date(2026, 9, 1))

    async def change(day: str, active: bool) -> None:
        await bot.storage.db.execute(
            "INSERT INTO family_changes (family_id, valid_from, town, benefit, active, fled) "
            "VALUES (?, ?, 'Ahlen', '', ?, 1)",
            (family_id, day, active),
        )

    async def september() -> tuple[int, int, int]:
        row = await bot.storage.db.fetch_one(
            "SELECT opened, closed, reopened FROM family_periods WHERE period = 'M2026-09'"
        )
        return tuple(row)

    await change("2026-09-10", False)
    await change("2026-09-20", True)
    assert await september() == (1, 1, 1)
    await change("2026-09-15", False)
    assert await september() == (1, 2, 1)
    await change("2026-09-12", True)
    assert await september() == (1, 2, 2)
    await bot.storage.db.execute(
        "DELETE FROM family_changes WHERE family_id = ? AND valid_from = '2026-09-10'",
        (family_id,),
    )
    assert await september() == (1, 1, 1)
    week_37 = await bot.storage.db.fetch_one(
        "SELECT opened, closed, reopened FROM family_periods WHERE period = 'W2026-37'"
    )
    # Week 37 (7.–13.9.): 10.9. taken out again, 12.9. no reopening.
    assert tuple(week_37) == (0, 0, 0)
