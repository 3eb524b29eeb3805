"""/staffing: funded, filled and vacant positions and money per building block, on a date,
checked that filled + vacant = funded (the seed's own table does not add up)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.core.offline import Person
from bot.demo.data import FIRST_STAFF_ID, generate
from bot.staff.roles import Role, Team
from bot.staff.staff import FteShare
from bot.storage.audit import AuditLog
from bot.storage.database import Database
from bot.storage.staff import StaffStore
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.migrations import database_before

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
        "Besetzt: die an diesem Tag gültigen Stellenanteile aus /fte der dann aktiven "
        "Mitarbeitenden.",
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


async def test_demo_staffing_is_a_realistic_county_on_every_date(bot: BotHarness) -> None:
    today = date(2026, 11, 24)
    await bot.storage.demo.load(generate(379, 4, today, ("Ahlen",), 1, date(2026, 1, 1)))
    await bot.register(COORDINATOR, Role.COORDINATOR)

    before = only_text(await bot.send(COORDINATOR, "/staffing 31.12.2025")).splitlines()
    now = only_text(await bot.send(COORDINATOR, "/staffing")).splitlines()

    # 14 case managers at 1 · 0,8 · 1 · 0,5 in turn: 3 × 3,3 + 1 + 0,8 = 11,7 filled of 14.
    assert before[2] == (
        "• Case Management: 14,00 gefördert, 11,70 besetzt, 2,30 offen, 980.000,00\xa0€"
    )
    # Since 01.01.2026 the first works 0,8 instead of 1: 11,5 filled, the vacancy entered
    # from that day is 2,5.
    assert (
        now[2] == "• Case Management: 14,00 gefördert, 11,50 besetzt, 2,50 offen, 980.000,00\xa0€"
    )
    for table in (before, now):
        # Coordination 1 + 0,5 and vacant 1,5 of 3; offices 1 + 0,5 and vacant 2,5 of 4.
        assert table[4] == (
            "<b>Summe: 21,00 gefördert, " + ("14,70" if table is before else "14,50")
            + " besetzt, " + ("6,30" if table is before else "6,50") + " offen, "
            "1.470.000,00\xa0€</b>"
        )  # fmt: skip
        assert "✅ Besetzt + offen = gefördert in jedem Baustein." in table
    # And one current cover: the second case manager for the first, who is away.
    assert await bot.storage.cover.covered_by(FIRST_STAFF_ID - 2, today) == {FIRST_STAFF_ID - 1}
    assert await bot.storage.staff.fte_history(FIRST_STAFF_ID - 1) == [
        FteShare(date(2020, 1, 1), 1000),
        FteShare(date(2026, 1, 1), 800),
    ]


async def test_staffing_counts_the_shares_valid_on_each_date(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER)
    await bot.register(IMMIGRATION, Role.CASE_MANAGER, Team.IMMIGRATION_OFFICE)
    for line in (
        "@anna_kim 1 from 01.01.2026",
        "@anna_kim 0,5 ab 01.07.2026",
        "@oksana_cm 0,8 from 01.03.2026",
        "@ina_abh 0,5 from 01.01.2026",
        "@konrad_koord 1 from 01.01.2026",
    ):
        await bot.send(COORDINATOR, f"/fte {line}")
    await bot.send(
        COORDINATOR, "/staffing set cm funded 3 vacant 1,2 money 210.000 from 01.01.2026"
    )

    async def case_management(on: str) -> str:
        return only_text(await bot.send(COORDINATOR, f"/staffing {on}")).splitlines()[2]

    # 15.02.: Anna 1 (Oksana only from 01.03.) = 1,00; 1,00 + 1,20 vacant = 2,20, not 3.
    assert await case_management("15.02.2026") == (
        "• Case Management: 3,00 gefördert, 1,00 besetzt, 1,20 offen, 210.000,00\xa0€"
    )
    # 30.06.: Anna 1 + Oksana 0,8 = 1,80; with 1,20 vacant it adds up to the 3 funded.
    assert await case_management("30.06.2026") == (
        "• Case Management: 3,00 gefördert, 1,80 besetzt, 1,20 offen, 210.000,00\xa0€"
    )
    # 01.07.: Anna 0,5 + Oksana 0,8 = 1,30.
    assert await case_management("01.07.2026") == (
        "• Case Management: 3,00 gefördert, 1,30 besetzt, 1,20 offen, 210.000,00\xa0€"
    )
    # Before any share: nothing filled; the immigration office 0,5, coordination 1 meanwhile.
    assert await case_management("31.12.2025") == (
        "• Case Management: 0,00 gefördert, 0,00 besetzt, 0,00 offen, 0,00\xa0€"
    )
    june = only_text(await bot.send(COORDINATOR, "/staffing 30.06.2026")).splitlines()
    assert june[1].startswith("• Koordination und Verwaltung: 0,00 gefördert, 1,00 besetzt")
    assert june[3].startswith("• Ausländer- und Einbürgerungsbehörde: 0,00 gefördert, 0,50 besetzt")


async def test_fte_keeps_the_history_and_audits_each_share(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)

    first = only_text(await bot.send(COORDINATOR, "/fte @anna_kim 1 from 01.01.2026"))
    second = only_text(await bot.send(COORDINATOR, "/fte @anna_kim 0,62"))
    history = only_text(await bot.send(COORDINATOR, "/fte @anna_kim"))

    assert first == "@anna_kim: Stellenanteil 1 ab 01.01.2026."
    assert second == "@anna_kim: Stellenanteil 0,62 ab 24.11.2026."
    assert history.splitlines() == [
        "<b>Stellenanteile: @anna_kim</b>",
        "• ab 01.01.2026: 1",
        "• ab 24.11.2026: 0,62",
        "",
        "Ab einem Tag ändern: /fte @anna_kim 0,8 from 01.01.2026",
    ]
    rows = await bot.storage.db.fetch_all(
        "SELECT actor_id, subject, detail FROM audit_log WHERE action = 'staff.fte' ORDER BY id"
    )
    assert [tuple(row) for row in rows] == [
        (COORDINATOR.id, str(CASE_MANAGER.id), "1000 from 2026-01-01"),
        (COORDINATOR.id, str(CASE_MANAGER.id), "620 from 2026-11-24"),
    ]
    # The caseload uses today's share: 1 family on 0,62 of a position = 1,6 per position.
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    caseload = only_text(await bot.send(COORDINATOR, "/caseload"))
    assert "0,62 " in caseload.splitlines()[3] and "1,6" in caseload.splitlines()[3]


async def test_fte_says_what_is_wrong(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER, locale="uk")
    await bot.register(COLLEAGUE, Role.COORDINATOR, locale="uk")

    word = only_text(await bot.send(COORDINATOR, "/fte @anna_kim 0,5 seit 01.01.2026"))
    day = only_text(await bot.send(COORDINATOR, "/fte @anna_kim 0,5 from 31.02.2026"))
    in_ukrainian = only_text(await bot.send(COLLEAGUE, "/fte @anna_kim 0,5 від 01.01.2026"))

    assert (
        word == "„seit“ ist hier nicht verständlich. Beispiel: /fte @anna_kim 0,8 from 01.01.2026"
    )
    assert day.startswith("„31.02.2026“ ist kein Datum mit Jahr.")
    assert in_ukrainian == "@anna_kim: частка ставки 0,5 від 1 січ. 2026\u202fр."
    assert await bot.storage.staff.fte_history(CASE_MANAGER.id) == [FteShare(date(2026, 1, 1), 500)]


async def test_migration_keeps_each_share_valid_from_the_persons_start(tmp_path: Path) -> None:
    path = tmp_path / "before-dated-shares.sqlite3"
    with database_before(path, "CREATE TABLE fte_shares") as connection:
        connection.executemany(
            "INSERT INTO staff (telegram_id, role, team, locale, created_at, fte_permille) "
            "VALUES (?, 'case_manager', 'case_management', 'de', ?, ?)",
            [(1, "2025-03-01T08:00:00+00:00", 620), (2, "2025-04-01T08:00:00+00:00", None)],
        )

    database = await Database.open(path)
    try:
        shares = StaffStore(database, AuditLog(database))
        assert await shares.fte_history(1) == [FteShare(date(2025, 3, 1), 620)]
        assert await shares.fte_history(2) == []
        assert await shares.full_time_equivalents(date(2025, 2, 28)) == {}
        assert await shares.full_time_equivalents(date(2025, 3, 1)) == {1: 620}
        columns = {row["name"] for row in await database.fetch_all("PRAGMA table_info(staff)")}
        assert "fte_permille" not in columns
    finally:
        await database.close()
