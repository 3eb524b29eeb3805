"""Structural-gap flags: /flag, #struktur in a contact note, /flags and /closeflag.

Texts of the casework messages are not translated yet and will change: tests assert what
is stored, which calls went to whom, ids, codes and dates, and compare refusals with the
same msgid through gettext.
"""

from __future__ import annotations

import pytest

from bot.casework.vocabulary import FlagCategory
from bot.core.i18n import format_date, use_locale
from bot.core.offline import Person
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.calls import sent_to
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.texts import de, german_label, in_locale

# A second coordinator who reads Ukrainian, and one whose access was revoked.
COORDINATOR_UK = Person(1005, "Olena", "olena_koord", "uk")
FORMER_COORDINATOR = Person(1006, "Bernd", "bernd_koord", "de")

FLAG_EXAMPLE = "/flag F-0042 wartezeit: 4 Monate Wartezeit auf Termin bei der ABH"
MALFORMED_FLAG = (
    "Please give family code, category and a description after a colon. "
    "Categories: wartezeit, angebot, schnittstelle, sonstiges. Example: {example}"
)
NO_OPEN_FLAG = "There is no open flag #{id}. /flags lists the open ones."
CLOSEFLAG_USAGE = "Which flag, and what was the outcome? Example: {example}"
CLOSEFLAG_EXAMPLE = "/closeflag 3 Termin-Kontingent mit der ABH vereinbart"
NOTIFICATION = "New structural gap reported by {name}:"


async def flag_rows(bot: BotHarness) -> list[tuple]:
    rows = await bot.storage.db.fetch_all(
        "SELECT id, family_id, contact_id, category, description, raised_by, raised_at, "
        "closed_by, closed_at, outcome FROM flags ORDER BY id"
    )
    return [tuple(row) for row in rows]


async def setup(bot: BotHarness) -> None:
    """Two active coordinators (de, uk), a revoked one, two case managers, and F-0001 of
    the case manager."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(COORDINATOR_UK, Role.COORDINATOR, locale="uk")
    await bot.register(FORMER_COORDINATOR, Role.COORDINATOR)
    await bot.storage.staff.revoke(FORMER_COORDINATOR.id, ADMIN.id, bot.time())
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM families") == 1


async def raise_flag(bot: BotHarness, person: Person, arguments: str) -> int:
    """Raise a flag with /flag; returns its id."""
    before = len(await flag_rows(bot))
    await bot.send(person, f"/flag {arguments}")
    rows = await flag_rows(bot)
    assert len(rows) == before + 1
    return rows[-1][0]


# /flag --------------------------------------------------------------------------------------


async def test_a_flag_is_stored_and_every_active_coordinator_is_told_in_their_language(
    bot: BotHarness,
) -> None:
    await setup(bot)

    calls = await bot.send(CASE_MANAGER, "/flag F-0001 wartezeit: 4 Monate Wartezeit auf Termin")

    assert await flag_rows(bot) == [
        (
            1,
            1,
            None,
            "waiting_time",
            "4 Monate Wartezeit auf Termin",
            CASE_MANAGER.id,
            "2026-11-24T08:00:00+00:00",
            None,
            None,
            None,
        )
    ]
    assert sent_to(calls) == [
        ("sendMessage", CASE_MANAGER.id),
        ("sendMessage", COORDINATOR.id),
        ("sendMessage", COORDINATOR_UK.id),
    ]
    confirmation, german, ukrainian = calls
    assert "#1" in confirmation.text and "F-0001" in confirmation.text
    for notice, locale in ((german, "de"), (ukrainian, "uk")):
        assert notice.text.startswith(in_locale(locale, NOTIFICATION, name="@anna_kim"))
        with use_locale(locale):
            category = FlagCategory.WAITING_TIME.label
            day = format_date(bot.time().date())
        for fact in ("#1", "F-0001", category, day, "4 Monate Wartezeit auf Termin"):
            assert fact in notice.text
    assert await bot.storage.audit.actions(CASE_MANAGER.id) == ["family.create", "flag.raise"]


async def test_a_coordinator_raising_a_flag_is_not_told_about_it(bot: BotHarness) -> None:
    await setup(bot)

    calls = await bot.send(COORDINATOR, "/flag F-0001 schnittstelle: Akten kommen nicht an")

    assert sent_to(calls) == [
        ("sendMessage", COORDINATOR.id),
        ("sendMessage", COORDINATOR_UK.id),
    ]
    assert (await flag_rows(bot))[0][3:6] == (
        "interface",
        "Akten kommen nicht an",
        COORDINATOR.id,
    )


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("", de(MALFORMED_FLAG, example=FLAG_EXAMPLE)),
        ("F-0001 wartezeit", de(MALFORMED_FLAG, example=FLAG_EXAMPLE)),
        ("F-0001 wartezeit:   ", de(MALFORMED_FLAG, example=FLAG_EXAMPLE)),
        ("F-0001: keine Termine", de(MALFORMED_FLAG, example=FLAG_EXAMPLE)),
        (
            "F-0001 ärger: keine Termine",
            de(
                "“{word}” is not a category. Categories: wartezeit, angebot, schnittstelle, "
                "sonstiges. Example: {example}",
                word="ärger",
                example=FLAG_EXAMPLE,
            ),
        ),
        (
            "X-1 wartezeit: keine Termine",
            de("“{text}” is not a family code. Family codes look like F-0042.", text="X-1"),
        ),
        (
            "F-0999 wartezeit: keine Termine",
            de("There is no family {code}. /families lists your families.", code="F-0999"),
        ),
    ],
    ids=["empty", "no-colon", "no-text", "no-category", "category", "code", "unknown-family"],
)
async def test_a_malformed_flag_is_answered_once_and_stores_nothing(
    bot: BotHarness, arguments: str, expected: str
) -> None:
    await setup(bot)

    calls = await bot.send(CASE_MANAGER, f"/flag {arguments}".strip())

    assert sent_to(calls) == [("sendMessage", CASE_MANAGER.id)]
    assert calls[0].text == expected
    assert await flag_rows(bot) == []


async def test_a_flag_for_another_case_managers_family_is_refused(bot: BotHarness) -> None:
    await setup(bot)

    calls = await bot.send(COLLEAGUE, "/flag F-0001 angebot: kein Sprachkurs in Ahlen")

    assert sent_to(calls) == [("sendMessage", COLLEAGUE.id)]
    assert calls[0].text == in_locale(
        "uk",
        "{code} is not in your caseload. If it should be, ask the coordination to transfer "
        "it to you.",
        code="F-0001",
    )
    assert await flag_rows(bot) == []


async def test_a_closed_family_cannot_be_flagged(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(CASE_MANAGER, "/closefamily F-0001")

    reply = only_text(await bot.send(CASE_MANAGER, "/flag F-0001 angebot: kein Sprachkurs"))

    assert reply == de(
        "{code} was closed on {date}. Nothing can be recorded for a closed family.",
        code="F-0001",
        date="24.11.2026",
    )
    assert await flag_rows(bot) == []


# #struktur in a contact note ----------------------------------------------------------------


async def test_struktur_in_a_note_raises_a_flag_linked_to_the_contact(bot: BotHarness) -> None:
    await setup(bot)

    calls = await bot.send(
        CASE_MANAGER,
        "/log F-0001 45m hausbesuch aufenthalt: #struktur keine Termine beim Jobcenter",
    )

    contact_id = await bot.storage.db.fetch_value("SELECT id FROM contacts")
    assert await flag_rows(bot) == [
        (
            1,
            1,
            contact_id,
            "other",
            "#struktur keine Termine beim Jobcenter",
            CASE_MANAGER.id,
            "2026-11-24T08:00:00+00:00",
            None,
            None,
            None,
        )
    ]
    assert sent_to(calls) == [
        ("sendMessage", CASE_MANAGER.id),
        ("sendMessage", COORDINATOR.id),
        ("sendMessage", COORDINATOR_UK.id),
    ]
    assert "#1" in calls[0].text
    assert calls[1].text.startswith(de(NOTIFICATION, name="@anna_kim"))
    assert calls[2].text.startswith(in_locale("uk", NOTIFICATION, name="@anna_kim"))
    assert "keine Termine beim Jobcenter" in calls[2].text


async def test_a_note_without_struktur_raises_no_flag(bot: BotHarness) -> None:
    await setup(bot)

    calls = await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch aufenthalt: Termin geplant")

    assert sent_to(calls) == [("sendMessage", CASE_MANAGER.id)]
    assert await flag_rows(bot) == []


async def test_undoing_the_contact_removes_its_flag(bot: BotHarness) -> None:
    await setup(bot)
    await raise_flag(bot, CASE_MANAGER, "F-0001 wartezeit: 4 Monate")  # #1 stays
    await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch aufenthalt: #Struktur kein Kitaplatz")
    assert len(await flag_rows(bot)) == 2
    bot.time.advance(minutes=10)

    reply = only_text(await bot.send(CASE_MANAGER, "/undo"))

    assert "F-0001" in reply
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM contacts") == 0
    assert [row[:4] for row in await flag_rows(bot)] == [(1, 1, None, "waiting_time")]
    listed = only_text(await bot.send(COORDINATOR, "/flags"))
    assert "#1 " in listed and "#2 " not in listed


async def test_the_undo_button_removes_the_flag_too(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(CASE_MANAGER, "/log F-0001 45m telefon arbeit: #struktur kein Jobangebot")

    calls = await bot.press(CASE_MANAGER, de("Undo (30 min)"))

    assert [call.method for call in calls] == ["answerCallbackQuery", "editMessageText"]
    assert await flag_rows(bot) == []


# /flags and /closeflag ----------------------------------------------------------------------


async def test_flags_lists_the_open_flags_oldest_first(bot: BotHarness) -> None:
    await setup(bot)
    await raise_flag(bot, CASE_MANAGER, "F-0001 wartezeit: 4 Monate Wartezeit auf Termin")
    bot.time.advance(days=1)
    await raise_flag(bot, CASE_MANAGER, "F-0001 angebot: kein Sprachkurs mit Kinderbetreuung")
    await raise_flag(bot, CASE_MANAGER, "F-0001 sonstiges: Dolmetscher fehlen")
    await bot.send(COORDINATOR, "/closeflag 3 Dolmetscherpool angefragt")

    calls = await bot.send(COORDINATOR, "/flags")

    assert sent_to(calls) == [("sendMessage", COORDINATOR.id)]
    lines = [line for line in calls[0].text.splitlines() if "F-0001" in line]
    assert len(lines) == 2
    assert lines[0].startswith("#1 ") and "24.11.2026" in lines[0]
    assert "4 Monate Wartezeit auf Termin" in lines[0]
    assert lines[1].startswith("#2 ") and "25.11.2026" in lines[1]
    assert "Dolmetscher fehlen" not in calls[0].text


async def test_flags_show_the_day_in_berlin(bot: BotHarness) -> None:
    await setup(bot)
    bot.time.advance(hours=15, minutes=30)  # 23:30 UTC is 00:30 on 25.11. in Berlin
    await raise_flag(bot, CASE_MANAGER, "F-0001 wartezeit: 4 Monate Wartezeit auf Termin")

    listed = only_text(await bot.send(COORDINATOR, "/flags"))

    assert (await flag_rows(bot))[0][6] == "2026-11-24T23:30:00+00:00"
    assert "25.11.2026" in listed and "24.11.2026" not in listed


async def test_flags_without_open_flags_says_so(bot: BotHarness) -> None:
    await setup(bot)

    reply = only_text(await bot.send(COORDINATOR, "/flags"))

    assert reply == de("No open structural gaps.")


async def test_closeflag_stores_outcome_closer_and_time(bot: BotHarness) -> None:
    await setup(bot)
    await raise_flag(bot, CASE_MANAGER, "F-0001 wartezeit: 4 Monate Wartezeit auf Termin")
    bot.time.advance(days=2, hours=3)

    calls = await bot.send(COORDINATOR, "/closeflag #1 Termin-Kontingent mit der ABH vereinbart")

    assert sent_to(calls) == [("sendMessage", COORDINATOR.id)]
    assert "#1" in calls[0].text
    assert (await flag_rows(bot))[0][7:] == (
        COORDINATOR.id,
        "2026-11-26T11:00:00+00:00",
        "Termin-Kontingent mit der ABH vereinbart",
    )
    assert await bot.storage.audit.actions(COORDINATOR.id) == ["flag.close"]
    assert only_text(await bot.send(COORDINATOR, "/flags")) == de("No open structural gaps.")


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("99 erledigt", de(NO_OPEN_FLAG, id="99")),
        ("1 nochmal erledigt", de(NO_OPEN_FLAG, id="1")),
        ("1", de(CLOSEFLAG_USAGE, example=CLOSEFLAG_EXAMPLE)),
        ("", de(CLOSEFLAG_USAGE, example=CLOSEFLAG_EXAMPLE)),
        ("eins erledigt", de(CLOSEFLAG_USAGE, example=CLOSEFLAG_EXAMPLE)),
    ],
    ids=["unknown", "closed", "no-outcome", "nothing", "no-number"],
)
async def test_closeflag_refuses_unknown_closed_flags_and_a_missing_outcome(
    bot: BotHarness, arguments: str, expected: str
) -> None:
    await setup(bot)
    await raise_flag(bot, CASE_MANAGER, "F-0001 wartezeit: 4 Monate Wartezeit auf Termin")
    await bot.send(COORDINATOR, "/closeflag 1 Termin-Kontingent vereinbart")
    await raise_flag(bot, CASE_MANAGER, "F-0001 angebot: kein Sprachkurs")
    before = await flag_rows(bot)

    calls = await bot.send(COORDINATOR, f"/closeflag {arguments}".strip())

    assert sent_to(calls) == [("sendMessage", COORDINATOR.id)]
    assert calls[0].text == expected
    assert await flag_rows(bot) == before
    assert await bot.storage.audit.actions(COORDINATOR.id) == ["flag.close"]


@pytest.mark.parametrize("number", ["²", "99999999999999999999"])
async def test_closeflag_with_an_odd_number_is_refused_not_crashed(
    bot: BotHarness, number: str
) -> None:
    await setup(bot)
    await raise_flag(bot, CASE_MANAGER, "F-0001 wartezeit: 4 Monate Wartezeit auf Termin")

    calls = await bot.send(COORDINATOR, f"/closeflag {number} erledigt")

    assert sent_to(calls) == [("sendMessage", COORDINATOR.id)]
    assert (await flag_rows(bot))[0][-1] is None


async def test_case_managers_may_not_list_or_close_flags(bot: BotHarness) -> None:
    await setup(bot)
    await raise_flag(bot, CASE_MANAGER, "F-0001 wartezeit: 4 Monate Wartezeit auf Termin")
    role = german_label(Role.CASE_MANAGER)
    refusal = "/{command} is not available to your role ({role}). /help lists your commands."

    listed = only_text(await bot.send(CASE_MANAGER, "/flags"))
    closed = only_text(await bot.send(CASE_MANAGER, "/closeflag 1 erledigt"))

    assert listed == de(refusal, command="flags", role=role)
    assert closed == de(refusal, command="closeflag", role=role)
    assert (await flag_rows(bot))[0][-1] is None
    assert (await bot.storage.audit.actions(CASE_MANAGER.id))[-2:] == [
        "access.denied_command",
        "access.denied_command",
    ]
