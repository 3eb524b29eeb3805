"""The seed's method for structural gaps: reported → discussed → in progress (partners,
actions) → closed with an outcome; /flags by state and as a workbook.

The harness starts on Tuesday 24.11.2026, 08:00 UTC (09:00 in Berlin).
"""

from __future__ import annotations

import io
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.casework.flags import FlagState
from bot.core.offline import BotCall
from bot.privacy.personal_data import PersonalData
from bot.staff.roles import Role
from bot.storage.database import Database
from tests.conftest import CASE_MANAGER, COORDINATOR
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.migrations import database_before
from tests.helpers.texts import de, german_label
from tests.test_personal_data_held import held_text, kept_audit

MOVED = "Flag #{id} ({code}) is now {state}."
REFUSED = "Flag #{id} is {state}; it cannot be {target} now."
NO_OPEN_FLAG = "There is no open flag #{id}. /flags lists the open ones."
START = datetime.fromisoformat("2026-11-24T08:00:00+00:00")


def label(state: FlagState) -> str:
    return german_label(state)


@pytest.fixture
async def flagged(bot: BotHarness) -> BotHarness:
    """A case manager with F-0001 and F-0002, a coordinator, and flag #1 for F-0001."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    await bot.send(CASE_MANAGER, "/newfamily Beckum SY 2 ar")
    await bot.send(CASE_MANAGER, "/flag F-0001 wartezeit: 4 Monate Wartezeit auf Termin")
    return bot


async def flag(bot: BotHarness, flag_id: int = 1) -> dict[str, Any]:
    row = await bot.storage.db.fetch_one(
        "SELECT state, discussed_by, discussed_at, discussion, progress_by, progress_at, "
        "actions, closed_by, closed_at, outcome FROM flags WHERE id = ?",
        (flag_id,),
    )
    assert row is not None
    return dict(row)


def workbook(calls: list[BotCall]) -> openpyxl.Workbook:
    [upload] = [call.uploads["document"] for call in calls if call.method == "sendDocument"]
    return openpyxl.load_workbook(io.BytesIO(upload.content))


async def test_a_flag_moves_through_every_state_with_who_and_when(flagged: BotHarness) -> None:
    bot = flagged
    bot.time.advance(days=1)
    discussed = only_text(await bot.send(COORDINATOR, "/flag 1 discussed Thema für die Runde"))
    bot.time.advance(days=2)
    progress = only_text(await bot.send(COORDINATOR, "/flag #1 progress ABH: Sprechstunde"))
    bot.time.advance(days=1)
    # Partners and actions updated: the text is replaced, the state keeps the day it began.
    await bot.send(COORDINATOR, "/flag 1 bearbeitung ABH und Jobcenter: gemeinsame Sprechstunde")
    bot.time.advance(days=3, hours=2)
    closed = only_text(await bot.send(COORDINATOR, "/closeflag 1 Termin-Kontingent vereinbart"))

    assert discussed == de(MOVED, id=1, code="F-0001", state=label(FlagState.DISCUSSED))
    assert progress == de(MOVED, id=1, code="F-0001", state=label(FlagState.IN_PROGRESS))
    assert closed == de("Flag #{id} closed.", id=1)
    assert await flag(bot) == {
        "state": "closed",
        "discussed_by": COORDINATOR.id,
        "discussed_at": "2026-11-25T08:00:00+00:00",
        "discussion": "Thema für die Runde",
        "progress_by": COORDINATOR.id,
        "progress_at": "2026-11-27T08:00:00+00:00",
        "actions": "ABH und Jobcenter: gemeinsame Sprechstunde",
        "closed_by": COORDINATOR.id,
        "closed_at": "2026-12-01T10:00:00+00:00",
        "outcome": "Termin-Kontingent vereinbart",
    }
    audit = await bot.storage.db.fetch_all(
        "SELECT at, action, subject, detail FROM audit_log "
        "WHERE actor_id = ? AND action LIKE 'flag.%' ORDER BY id",
        (COORDINATOR.id,),
    )
    assert [tuple(row) for row in audit] == [
        ("2026-11-25T08:00:00+00:00", "flag.discuss", "F-0001", "1 discussed"),
        ("2026-11-27T08:00:00+00:00", "flag.progress", "F-0001", "1 in_progress"),
        ("2026-11-28T08:00:00+00:00", "flag.progress", "F-0001", "1 in_progress"),
        ("2026-12-01T10:00:00+00:00", "flag.close", "F-0001", "1 closed"),
    ]


async def test_a_discussion_needs_no_note_and_a_flag_may_be_closed_from_any_open_state(
    flagged: BotHarness,
) -> None:
    bot = flagged
    await bot.send(COORDINATOR, "/flag 1 besprochen")
    await bot.send(COORDINATOR, "/closeflag 1 hat sich erledigt")

    stored = await flag(bot)
    assert (stored["state"], stored["discussion"], stored["progress_at"]) == ("closed", None, None)
    assert stored["discussed_at"] == stored["closed_at"] == "2026-11-24T08:00:00+00:00"


@pytest.mark.parametrize(
    ("first", "command", "expected"),
    [
        # Partners are sought once the coordination has discussed the gap.
        (None, "/flag 1 progress ABH",
         de(REFUSED, id=1, state=label(FlagState.REPORTED),
            target=label(FlagState.IN_PROGRESS))),
        ("/flag 1 discussed", "/flag 1 discussed nochmal",
         de(REFUSED, id=1, state=label(FlagState.DISCUSSED),
            target=label(FlagState.DISCUSSED))),
        ("/closeflag 1 erledigt", "/flag 1 discussed", de(NO_OPEN_FLAG, id=1)),
        (None, "/flag 9 discussed", de(NO_OPEN_FLAG, id=9)),
        ("/flag 1 discussed", "/flag 1 progress",
         de("Which partners, and what actions? Example: {example}",
            example="/flag 3 progress ABH und Jobcenter: gemeinsame Sprechstunde geplant")),
    ],
    ids=["progress-before-discussion", "discussed-twice", "closed", "unknown", "no-partners"],
)  # fmt: skip
async def test_a_step_the_state_does_not_allow_is_refused_and_changes_nothing(
    flagged: BotHarness, first: str | None, command: str, expected: str
) -> None:
    bot = flagged
    if first:
        await bot.send(COORDINATOR, first)
    before = await flag(bot)

    assert only_text(await bot.send(COORDINATOR, command)) == expected
    assert await flag(bot) == before


async def test_case_managers_raise_flags_but_do_not_move_them(flagged: BotHarness) -> None:
    bot = flagged

    refused = only_text(await bot.send(CASE_MANAGER, "/flag 1 discussed"))

    assert refused == de(
        "Only the coordination moves a structural gap on; /flag F-0042 raises one."
    )
    assert (await flag(bot))["state"] == "reported"


async def test_partners_with_personal_data_wait_for_save_anyway(flagged: BotHarness) -> None:
    bot = flagged
    await bot.send(COORDINATOR, "/flag 1 discussed")

    [warning] = await bot.send(COORDINATOR, "/flag 1 progress Herr Popov spricht mit der ABH")
    assert warning.text == held_text(PersonalData.NAME)
    assert (await flag(bot))["state"] == "discussed"

    await bot.press(COORDINATOR, de("Save anyway"))

    stored = await flag(bot)
    assert (stored["state"], stored["actions"]) == ("in_progress", "Herr Popov spricht mit der ABH")
    assert await kept_audit(bot, "flag.personal_data_kept") == [("F-0001", "name")]


async def test_edit_under_a_discussion_note_leaves_the_flag_reported(flagged: BotHarness) -> None:
    bot = flagged
    await bot.send(COORDINATOR, "/flag 1 discussed Frau Kovalenko wartet seit Juli")

    edited = await bot.press(COORDINATOR, de("Edit"))

    assert "/flag 3 discussed" in edited[1].text
    assert (await flag(bot))["state"] == "reported"


async def four_flags(bot: BotHarness) -> None:
    """#1 reported (F-0001), #2 discussed, #3 in progress, #4 closed (F-0002), a day apart."""
    for text in ("angebot: kein Sprachkurs", "schnittstelle: Akten fehlen", "sonstiges: x"):
        bot.time.advance(days=1)
        await bot.send(CASE_MANAGER, f"/flag F-0002 {text}")
    bot.time.advance(days=1)
    for command in (
        "/flag 2 discussed Steuerungsrunde",
        "/flag 3 discussed",
        "/flag 3 progress Kreis und Kommunen: Aktenweitergabe",
        "/closeflag 4 Erledigt mit dem Jobcenter",
    ):
        await bot.send(COORDINATOR, command)


async def test_flags_lists_the_open_ones_with_their_state_or_one_state(
    flagged: BotHarness,
) -> None:
    bot = flagged
    await four_flags(bot)

    open_ = only_text(await bot.send(COORDINATOR, "/flags"))
    discussed = only_text(await bot.send(COORDINATOR, "/flags besprochen"))
    closed = only_text(await bot.send(COORDINATOR, "/flags closed"))
    nothing = only_text(await bot.send(COORDINATOR, "/flags reported"))

    assert [line[:3] for line in open_.splitlines() if line.startswith("#")] == [
        "#1 ",
        "#2 ",
        "#3 ",
    ]
    assert f"→ {label(FlagState.DISCUSSED)}: Steuerungsrunde" in open_
    assert f"→ {label(FlagState.IN_PROGRESS)}: Kreis und Kommunen: Aktenweitergabe" in open_
    assert de("<b>Open structural gaps ({count})</b>", count=3) in open_
    assert [line[:3] for line in discussed.splitlines() if line.startswith("#")] == ["#2 "]
    assert [line[:3] for line in closed.splitlines() if line.startswith("#")] == ["#4 "]
    assert f"→ {label(FlagState.CLOSED)}: Erledigt mit dem Jobcenter" in closed
    assert [line[:3] for line in nothing.splitlines() if line.startswith("#")] == ["#1 "]
    await bot.send(COORDINATOR, "/closeflag 1 erledigt")
    assert only_text(await bot.send(COORDINATOR, "/flags reported")) == de(
        "No structural gaps are {state}.", state=label(FlagState.REPORTED)
    )


async def test_flags_with_an_unknown_word_says_what_it_takes(flagged: BotHarness) -> None:
    reply = only_text(await flagged.send(COORDINATOR, "/flags offene"))

    assert reply == de(
        "“{word}” is neither a state nor xlsx. Examples: /flags discussed, /flags closed, "
        "/flags xlsx",
        word="offene",
    )


async def test_the_workbook_has_dates_per_state_partners_and_outcomes_but_no_descriptions(
    flagged: BotHarness,
) -> None:
    bot = flagged
    await four_flags(bot)

    calls = await bot.send(COORDINATOR, "/flags xlsx")

    book = workbook(calls)
    rows = [list(row) for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    # Local Berlin times (UTC+1): reported 09:00 on 24.–27.11., moved on 28.11.
    day = [datetime(2026, 11, 24 + offset, 9, 0) for offset in range(5)]
    assert [row[:2] + row[3:] for row in rows] == [
        [1, "F-0001", label(FlagState.REPORTED), day[0], None, None, None, None, None],
        [2, "F-0002", label(FlagState.DISCUSSED), day[1], day[4], None, None, None, None],
        [3, "F-0002", label(FlagState.IN_PROGRESS), day[2], day[4], day[4],
         "Kreis und Kommunen: Aktenweitergabe", None, None],
        [4, "F-0002", label(FlagState.CLOSED), day[3], None, None, None, day[4],
         "Erledigt mit dem Jobcenter"],
    ]  # fmt: skip
    cells = [str(cell) for row in rows for cell in row]
    assert not any("4 Monate" in cell or "Akten fehlen" in cell for cell in cells)
    assert [list(row) for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)] == [
        [label(state), 1] for state in FlagState
    ]
    [document] = [call for call in calls if call.method == "sendDocument"]
    assert document.uploads["document"].filename == "kim-structural-gaps_2026-11-28.xlsx"
    assert (await bot.storage.audit.actions(COORDINATOR.id))[-1] == "flags.export"


async def test_the_workbook_of_one_state(flagged: BotHarness) -> None:
    bot = flagged
    await four_flags(bot)

    book = workbook(await bot.send(COORDINATOR, "/flags export closed"))

    assert [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)] == [4]


async def test_counts_per_period_count_each_step_once_when_it_was_first_taken(
    flagged: BotHarness,
) -> None:
    bot = flagged
    await four_flags(bot)  # reported 24., 25., 26., 27.11.; moved on 28.11.
    bot.time.advance(days=1)
    await bot.send(COORDINATOR, "/flag 3 progress nur noch der Kreis")  # update, not new

    counts = bot.storage.flags.counts
    first_days = await counts(START, START + timedelta(days=2))  # 24.–25.11.
    week = await counts(START, START + timedelta(days=7))

    assert (first_days.reported, first_days.discussed, first_days.closed) == (2, 0, 0)
    assert (week.reported, week.discussed, week.in_progress, week.closed) == (4, 2, 1, 1)


async def test_migration_makes_open_flags_reported_and_keeps_closed_ones_closed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "before-flow.sqlite3"
    # The database as it was before the migration that brought the flag states.
    with database_before(path, "ADD COLUMN state") as connection:
        connection.execute(
            "INSERT INTO staff (telegram_id, role, team, locale, created_at) "
            "VALUES (1, 'admin', 'administration', 'de', '2026-01-01T00:00:00+00:00')"
        )
        connection.execute(
            "INSERT INTO families (town, origin, household_size, languages, fled_ukraine, "
            "opened_on, case_manager_id, created_at) "
            "VALUES ('Ahlen', 'UA', 4, 'uk', 1, '2026-01-01', 1, '2026-01-01T00:00:00+00:00')"
        )
        connection.executemany(
            "INSERT INTO flags (family_id, category, description, raised_by, raised_at, "
            "closed_by, closed_at, outcome) VALUES (1, 'other', 'x', 1, ?, ?, ?, ?)",
            [
                ("2026-02-01T00:00:00+00:00", None, None, None),
                ("2026-02-02T00:00:00+00:00", 1, "2026-03-01T00:00:00+00:00", "erledigt"),
            ],
        )

    database = await Database.open(path)
    try:
        rows = await database.fetch_all("SELECT id, state, discussed_at FROM flags ORDER BY id")
        assert [tuple(row) for row in rows] == [(1, "reported", None), (2, "closed", None)]
        with pytest.raises(sqlite3.IntegrityError):
            await database.execute("UPDATE flags SET state = 'forgotten'")
    finally:
        await database.close()


async def test_the_flags_of_one_state_are_paged_within_that_state(flagged: BotHarness) -> None:
    bot = flagged
    for _ in range(8):
        await bot.send(CASE_MANAGER, "/flag F-0002 sonstiges: kein Angebot")
    for number in range(2, 10):
        await bot.send(COORDINATOR, f"/flag {number} discussed")
    first = only_text(await bot.send(COORDINATOR, "/flags discussed"))

    second = await bot.press(COORDINATOR, "▶")

    numbers = [line.split()[0] for line in first.splitlines() if line.startswith("#")]
    assert numbers == [f"#{number}" for number in range(2, 9)]
    assert [line.split()[0] for line in second[-1].text.splitlines() if line.startswith("#")] == [
        "#9"
    ]


async def test_a_page_of_long_flags_in_progress_fits_in_one_message(flagged: BotHarness) -> None:
    bot = flagged
    for number in range(2, 9):
        await bot.send(CASE_MANAGER, "/flag F-0002 sonstiges: " + "Wartezeit " * 150)
        await bot.send(COORDINATOR, f"/flag {number} discussed")
        await bot.send(COORDINATOR, f"/flag {number} progress " + "Jobcenter " * 150)

    listed = only_text(await bot.send(COORDINATOR, "/flags discussed"))
    in_progress = only_text(await bot.send(COORDINATOR, "/flags progress"))

    assert listed == de("No structural gaps are {state}.", state=label(FlagState.DISCUSSED))
    assert len([line for line in in_progress.splitlines() if line.startswith("#")]) == 7
    assert len(in_progress) <= 4096
