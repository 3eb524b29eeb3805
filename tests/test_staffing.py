"""/staffing: funded, filled and vacant positions and money per building block, on a date,
checked that filled + vacant = funded (the seed's own table does not add up)."""

from __future__ import annotations

from datetime import date

from bot.core.offline import Person
from bot.demo.data import generate
from bot.reporting.staffing import Block, Entered, staffing_table, total
from bot.staff.roles import Role, Team
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.harness import BotHarness, only_text

# Six more case managers and one of the immigration office, with ids of their own.
MORE_CASE_MANAGERS = [Person(2000 + n, f"CM {n}", f"cm_{n}", "de") for n in range(1, 7)]
IMMIGRATION = Person(2100, "Ina", "ina_abh", "de")


async def seed_county(bot: BotHarness) -> None:
    """The seed's case management: 7,62 filled (7 full positions and 0,62), 14 funded,
    2,88 vacant; coordination 2 filled (coordinator, admin) of 3 funded, 1 vacant; the
    offices 0,5 filled of 4 funded, 3,5 vacant."""
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER)
    for person in MORE_CASE_MANAGERS:
        await bot.register(person, Role.CASE_MANAGER)
    await bot.register(IMMIGRATION, Role.CASE_MANAGER, Team.IMMIGRATION_OFFICE)
    await bot.send(COORDINATOR, "/fte @anna_kim 0,62")
    await bot.send(COORDINATOR, "/fte @oksana_cm 1")
    for person in MORE_CASE_MANAGERS:
        await bot.send(COORDINATOR, f"/fte @{person.username} 1")
    await bot.send(COORDINATOR, "/fte @ina_abh 0,5")
    await bot.send(COORDINATOR, "/fte @konrad_koord 1")
    await bot.send(COORDINATOR, f"/fte {ADMIN.id} 1")
    for line in (
        "set case_management funded 14,0 money 980.000 from 01.01.2026",
        "vacant case_management 2,88 from 01.01.2026",
        "set koordination funded 3 vacant 1 money 210.000 from 01.01.2026",
        "set offices funded 4 vacant 3,5 money 280.000,00 from 01.01.2026",
    ):
        await bot.send(COORDINATOR, f"/staffing {line}")
    for _ in range(3):
        await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")


async def test_staffing_shows_the_table_and_where_it_does_not_add_up(bot: BotHarness) -> None:
    await seed_county(bot)

    reply = only_text(await bot.send(COORDINATOR, "/staffing"))

    assert reply.splitlines() == [
        "<b>Stellen am 24.11.2026</b>",
        "• Koordination und Verwaltung: 3,00 gefördert, 2,00 besetzt, 1,00 offen, 210.000,00\xa0€",
        "• Case Management: 14,00 gefördert, 7,62 besetzt, 2,88 offen, 980.000,00\xa0€",
        "• Ausländer- und Einbürgerungsbehörde: 4,00 gefördert, 0,50 besetzt, 3,50 offen, "
        "280.000,00\xa0€",
        "<b>Summe: 21,00 gefördert, 10,12 besetzt, 7,38 offen, 1.470.000,00\xa0€</b>",
        "",
        "⚠️ Besetzt + offen ergibt nicht die geförderten Stellen:",
        "• Case Management: 7,62 besetzt + 2,88 offen = 10,50, nicht 14,00 gefördert",
        "",
        # 3 families / 7,62 positions = 0,39…
        "3 aktive Familien auf 7,62 besetzten Case-Management-Stellen: 0,4 je Stelle",
        "",
        "Besetzt: heutige Stellenanteile aus /fte der an diesem Tag aktiven Mitarbeitenden.",
    ]


async def test_entering_the_missing_vacancies_makes_it_add_up(bot: BotHarness) -> None:
    await seed_county(bot)

    reply = only_text(await bot.send(COORDINATOR, "/staffing vacant cm 6,38"))

    assert reply == (
        "Case Management ab 24.11.2026: 14,00 gefördert, 6,38 offen, 980.000,00\xa0€. "
        "/staffing zeigt die Tabelle."
    )
    table = only_text(await bot.send(COORDINATOR, "/staffing"))
    assert "✅ Besetzt + offen = gefördert in jedem Baustein." in table
    # The day before, the vacancies entered from 01.01.2026 still hold, and nobody registered
    # today filled a position yet.
    earlier = only_text(await bot.send(COORDINATOR, "/staffing 23.11.2026"))
    assert "• Case Management: 0,00 besetzt + 2,88 offen = 2,88, nicht 14,00 gefördert" in earlier


async def test_a_report_for_an_earlier_date_shows_that_dates_staffing(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(COORDINATOR, "/fte @konrad_koord 1")
    await bot.send(COORDINATOR, "/staffing set cm funded 12 vacant 12 money 800000 from 01.01.2025")
    await bot.send(COORDINATOR, "/staffing set cm funded 14 from 2026-01-01")

    before = only_text(await bot.send(COORDINATOR, "/staffing 31.12.2025")).splitlines()
    after = only_text(await bot.send(COORDINATOR, "/staffing 01.01.2026")).splitlines()
    never = only_text(await bot.send(COORDINATOR, "/staffing 31.12.2024")).splitlines()

    # Staff registered on 24.11.2026 fill nothing before then.
    assert (
        before[2]
        == "• Case Management: 12,00 gefördert, 0,00 besetzt, 12,00 offen, 800.000,00\xa0€"
    )
    assert before[1] == (
        "• Koordination und Verwaltung: 0,00 gefördert, 0,00 besetzt, 0,00 offen, 0,00\xa0€"
    )
    # The new funding keeps the vacancies and money entered before.
    assert (
        after[2] == "• Case Management: 14,00 gefördert, 0,00 besetzt, 12,00 offen, 800.000,00\xa0€"
    )
    assert "• Case Management: 0,00 besetzt + 12,00 offen = 12,00, nicht 14,00 gefördert" in after
    assert never[4] == "<b>Summe: 0,00 gefördert, 0,00 besetzt, 0,00 offen, 0,00\xa0€</b>"
    today = only_text(await bot.send(COORDINATOR, "/staffing")).splitlines()
    assert today[1] == (
        "• Koordination und Verwaltung: 0,00 gefördert, 1,00 besetzt, 0,00 offen, 0,00\xa0€"
    )
    assert (
        "• Koordination und Verwaltung: 1,00 besetzt + 0,00 offen = 1,00, nicht 0,00 gefördert"
        in today
    )


async def test_every_change_is_audited(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)

    await bot.send(COORDINATOR, "/staffing set cm funded 14,0 money 980.000 from 01.01.2026")
    await bot.send(COORDINATOR, "/staffing vacant cm 2,88")

    rows = await bot.storage.db.fetch_all(
        "SELECT action, actor_id, subject, detail FROM audit_log WHERE action LIKE 'staffing.%' "
        "ORDER BY id"
    )
    assert [tuple(row) for row in rows] == [
        (
            "staffing.change",
            COORDINATOR.id,
            "case_management",
            "from 2026-01-01: funded_permille 14000, money_cents 98000000",
        ),
        (
            "staffing.change",
            COORDINATOR.id,
            "case_management",
            "from 2026-11-24: vacant_permille 2880",
        ),
    ]
    stored = await bot.storage.db.fetch_all(
        "SELECT valid_from, funded_permille, vacant_permille, money_cents, set_by FROM staffing "
        "ORDER BY valid_from"
    )
    assert [tuple(row) for row in stored] == [
        ("2026-01-01", 14000, 0, 98000000, COORDINATOR.id),
        ("2026-11-24", 14000, 2880, 98000000, COORDINATOR.id),
    ]


async def test_wrong_input_says_what_is_wrong(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)

    block = only_text(await bot.send(COORDINATOR, "/staffing vacant kantine 2"))
    number = only_text(await bot.send(COORDINATOR, "/staffing vacant cm zwei"))
    keyword = only_text(await bot.send(COORDINATOR, "/staffing set cm stellen 2"))

    assert block == (
        "„kantine“ ist kein Baustein. Bausteine: coordination, case_management, offices"
    )
    assert number == "„zwei“ ist keine Zahl von Stellen. Beispiele: 14,0 · 2,88"
    assert keyword.startswith("„stellen“ ist nicht funded, vacant, money oder from.")
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM staffing") == 0


async def test_case_managers_cannot_use_staffing(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)

    await bot.send(CASE_MANAGER, "/staffing vacant cm 2")

    assert await bot.storage.db.fetch_value("SELECT count(*) FROM staffing") == 0


def test_demo_staffing_is_a_realistic_county() -> None:
    data = generate(379, 4, date(2026, 11, 24), ("Ahlen",), 1, date(2026, 1, 1))

    entered = {row[0]: row for row in data.staffing}
    filled: dict[Team, int] = {}
    for row in data.staff:
        filled[Team(row[4])] = filled.get(Team(row[4]), 0) + (row[7] or 0)
    table = staffing_table(
        {
            Block(block): Entered(date.fromisoformat(row[1]), row[2], row[3], row[4])
            for block, row in entered.items()
        },
        filled,
    )
    assert total(table).funded == 21_000
    assert next(row for row in table if row.block is Block.CASE_MANAGEMENT).funded == 14_000
    assert all(row.adds_up for row in table)
    # 14 case managers at 1 · 0,8 · 1 · 0,5 in turn: 3 × 3,3 + 1 + 0,8 = 11,7 filled.
    case_management = next(row for row in table if row.block is Block.CASE_MANAGEMENT)
    assert (case_management.filled, case_management.vacant) == (11_700, 2_300)
    assert total(table).money_cents == 1_470_000_00
