"""/caseload reads caseloads, each case manager's active families kept by triggers on families:
every intake, transfer, closing, reopening and erasure leaves it equal to a count of the
families, and /caseload shows the largest forty with totals over everyone."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.casework.families import FamilyDraft
from bot.core.i18n import ngettext, use_locale
from bot.core.offline import Person
from bot.staff.roles import Role
from bot.storage import rollups
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.dates import berlin_midnight
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.invariants import database_problems
from tests.helpers.texts import de, in_locale

TOTALS = "<b>{families} families, of those {ukraine} fled from Ukraine</b>"
MORE = "… and {count} more: /export has everyone."


def line(locale: str, name: str, families: int, fled: int) -> str:
    """One person's line of /caseload as the catalogs write it."""
    with use_locale(locale):
        return ngettext(
            "{name}: {count} family ({ukraine} from Ukraine)",
            "{name}: {count} families ({ukraine} from Ukraine)",
            families,
        ).format(name=name, count=families, ukraine=fled)


async def caseloads(bot: BotHarness) -> dict[int, tuple[int, int]]:
    """The running total: case manager → (active families, of those fled from Ukraine)."""
    rows = await bot.storage.db.fetch_all("SELECT staff_id, families, fled FROM caseloads")
    return {row[0]: (row[1], row[2]) for row in rows}


async def recounted(bot: BotHarness) -> dict[int, tuple[int, int]]:
    """The same, counted from the families."""
    rows = await bot.storage.db.fetch_all(rollups.CASELOADS_RECOUNT)
    return {row[0]: (row[1], row[2]) for row in rows}


async def exact(bot: BotHarness) -> dict[int, tuple[int, int]]:
    """The running total, after checking it against a count of the families."""
    kept = await caseloads(bot)
    assert kept == await recounted(bot)
    return kept


async def staff(bot: BotHarness) -> BotHarness:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.register(COORDINATOR, Role.COORDINATOR)
    return bot


async def test_intake_transfer_closing_reopening_and_erasure_move_the_caseload(
    bot: BotHarness,
) -> None:
    await staff(bot)
    anna, oksana = CASE_MANAGER.id, COLLEAGUE.id
    # F-0001 and F-0002 fled from Ukraine, F-0003 did not (Anna's); F-0004 fled (Oksana's).
    for person, form in (
        (CASE_MANAGER, "Ahlen UA 4 uk,ru"),
        (CASE_MANAGER, "Beckum UA 2 uk"),
        (CASE_MANAGER, "Telgte SY 3 ar"),
        (COLLEAGUE, "Ahlen UA 5 uk"),
    ):
        await bot.send(person, f"/newfamily {form}")
    assert await exact(bot) == {anna: (3, 2), oksana: (1, 1)}

    await bot.send(COORDINATOR, "/transfer F-0001 @oksana_cm")
    # Anna 3 − 1 = 2 (1 fled), Oksana 1 + 1 = 2 (both fled).
    assert await exact(bot) == {anna: (2, 1), oksana: (2, 2)}

    await bot.send(CASE_MANAGER, "/closefamily F-0003 Ziel erreicht")
    # Anna 2 − 1 = 1: F-0002, fled.
    assert await exact(bot) == {anna: (1, 1), oksana: (2, 2)}

    await bot.send(CASE_MANAGER, "/editfamily F-0003 reopen")
    # F-0003 counts again: Anna 1 + 1 = 2 (1 fled).
    assert await exact(bot) == {anna: (2, 1), oksana: (2, 2)}

    # A closed family cannot be transferred (refused, nothing moves); an active one moves
    # with its flag: Anna 2 − 1 = 1 (F-0002, fled), Oksana 2 + 1 = 3 (F-0003 did not flee).
    await bot.send(CASE_MANAGER, "/closefamily F-0003")
    await bot.send(COORDINATOR, "/transfer F-0003 @oksana_cm")
    assert await exact(bot) == {anna: (1, 1), oksana: (2, 2)}
    await bot.send(COORDINATOR, "/editfamily F-0003 reopen")
    await bot.send(COORDINATOR, "/transfer F-0003 @oksana_cm")
    assert await exact(bot) == {anna: (1, 1), oksana: (3, 2)}

    # Erasure keeps the family row (its state and case manager): nothing moves.
    await bot.send(COLLEAGUE, "/closefamily F-0004")  # Oksana 3 − 1 = 2, of those 1 fled
    before = await exact(bot)
    await bot.send(ADMIN, "/forget F-0004")
    await bot.press(ADMIN, de("Erase now"))
    assert await bot.storage.db.fetch_value("SELECT erased_at FROM families WHERE id = 4")
    assert await exact(bot) == before == {anna: (1, 1), oksana: (2, 1)}

    reply = only_text(await bot.send(COORDINATOR, "/caseload"))
    assert reply.splitlines()[1:5] == [
        de(TOTALS, families=3, ukraine=2),  # Anna 1 + Oksana 2; fled 1 + 1
        "",
        line("de", "@oksana_cm", 2, 1),
        line("de", "@anna_kim", 1, 1),
    ]
    assert database_problems(bot.application.bot_data.settings.database_path) == []


async def test_a_case_manager_whose_last_family_goes_has_no_row_and_no_line(
    bot: BotHarness,
) -> None:
    await staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")
    await bot.send(COLLEAGUE, "/newfamily Beckum SY 3 ar")

    await bot.send(COORDINATOR, "/transfer F-0002 @anna_kim")
    # Oksana's only family went to Anna: her row is gone, not kept at zero.
    assert await exact(bot) == {CASE_MANAGER.id: (2, 1)}
    await bot.send(CASE_MANAGER, "/closefamily F-0001")
    await bot.send(CASE_MANAGER, "/closefamily F-0002")
    assert await exact(bot) == {}

    reply = only_text(await bot.send(COORDINATOR, "/caseload"))

    assert reply.splitlines()[1:] == [de(TOTALS, families=0, ukraine=0)]


async def test_a_changed_ukraine_flag_and_a_deleted_family_move_the_caseload(
    bot: BotHarness,
) -> None:
    """No command changes these today; the triggers keep the total right if one ever does."""
    await staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")
    await bot.send(CASE_MANAGER, "/newfamily Beckum SY 3 ar")
    db = bot.storage.db

    await db.execute("UPDATE families SET fled_ukraine = 0 WHERE id = 1")
    assert await exact(bot) == {CASE_MANAGER.id: (2, 0)}
    # Both at once: another case manager and the flag back.
    await db.execute(
        "UPDATE families SET fled_ukraine = 1, case_manager_id = ? WHERE id = 1", (COLLEAGUE.id,)
    )
    assert await exact(bot) == {CASE_MANAGER.id: (1, 0), COLLEAGUE.id: (1, 1)}
    async with db.transaction():
        await db.execute("DELETE FROM family_changes WHERE family_id = 1")
        await db.execute("DELETE FROM families WHERE id = 1")
    assert await exact(bot) == {CASE_MANAGER.id: (1, 0)}


# Forty shown, everyone counted -------------------------------------------------------------

# 43 case managers: the first three with 3, 2 and 2 families, the other 40 with one each.
MANY = [Person(2000 + n, f"CM{n}", f"cm_{n:02d}", "de") for n in range(43)]


async def many_caseloads(bot: BotHarness) -> BotHarness:
    for person in MANY:
        await bot.register(person, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR, locale="uk")
    today = date(2026, 11, 24)
    counts = {MANY[0]: 3, MANY[2]: 2, MANY[1]: 2}
    for person in MANY:
        for n in range(counts.get(person, 1)):
            fled = n == 0  # the first family of each fled from Ukraine
            draft = FamilyDraft("Ahlen", "UA" if fled else "SY", 3, ("uk",), fled)
            await bot.storage.families.create(draft, person.id, today, berlin_midnight(today))
    return bot


async def test_caseload_shows_the_forty_largest_and_totals_everyone(bot: BotHarness) -> None:
    await many_caseloads(bot)
    largest = await bot.storage.caseload.active_families(40)

    # 3 + 2 + 2 + 40 × 1 = 47 families; one fled per case manager: 43.
    assert (largest.case_managers, largest.families, largest.fled) == (43, 47, 43)
    # Most families first, equal ones by person (ids 2001 before 2002): then the ones.
    assert largest.largest[:4] == [(2000, 3, 1), (2001, 2, 1), (2002, 2, 1), (2003, 1, 1)]
    assert [person for person, _, _ in largest.largest[3:]] == list(range(2003, 2040))
    assert largest.not_shown == 3  # 2040, 2041, 2042

    reply = only_text(await bot.send(COORDINATOR, "/caseload")).splitlines()

    # In Ukrainian (the coordinator's language): the header, 40 lines and the rest counted.
    assert reply[1] == in_locale("uk", TOTALS, families=47, ukraine=43)
    assert reply[3] == line("uk", "@cm_00", 3, 1)
    assert reply[42] == line("uk", "@cm_39", 1, 1)
    assert reply[43] == in_locale("uk", MORE, count=3)
    assert reply[43] == "… і ще 3: /export містить усіх."


async def test_per_position_counts_everyone_with_a_share_shown_or_not(bot: BotHarness) -> None:
    await many_caseloads(bot)
    await bot.send(COORDINATOR, "/fte @cm_00 0,5")
    await bot.send(COORDINATOR, "/fte @cm_42 0,25")  # beyond the forty shown

    reply = only_text(await bot.send(COORDINATOR, "/caseload")).splitlines()

    # (3 + 1) families on 0,5 + 0,25 = 0,75 positions: 4 ÷ 0,75 = 5,33… ≈ 5,3 per position.
    assert reply[-1] == in_locale(
        "uk",
        "{positions} configured full-time positions: {per} families per position",
        positions="0,75",
        per="5,3",
    )


# The running total equals a count, whatever happens -------------------------------------------

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["new", "transfer", "close", "reopen"]),
        st.integers(1, 4),
        st.sampled_from([CASE_MANAGER, COLLEAGUE]),
        st.booleans(),
    ),
    max_size=20,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
async def test_the_caseloads_equal_a_count_of_the_families(bot: BotHarness, steps) -> None:
    if await bot.storage.staff.get(CASE_MANAGER.id) is None:
        await staff(bot)
    families = bot.storage.families
    today = bot.application.bot_data.clock.today()
    now = bot.application.bot_data.clock.now()
    for action, number, person, fled in steps:
        family = await families.get(number)
        if action == "new" or family is None:
            draft = FamilyDraft("Ahlen", "UA" if fled else "SY", 3, ("uk",), fled)
            await families.create(draft, person.id, today, now)
        elif action == "transfer":
            await families.transfer(number, person.id, COORDINATOR.id, now)
        elif action == "close" and family.active:
            await families.close(number, None, person.id, today, now)
        elif action == "reopen" and not family.active:
            await bot.send(COORDINATOR, f"/editfamily F-{number:04d} reopen")
        await exact(bot)
