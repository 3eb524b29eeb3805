"""Notes, flag texts and rejection reasons that seem to hold personal data: held back in
memory, stored only after Save anyway (audited with the kinds, never the text), or dropped
by Edit, after which the person sends them again."""

from __future__ import annotations

from typing import Any

import pytest

from bot.casework.contacts import LOG_EXAMPLE
from bot.casework.flags import FLAG_EXAMPLE
from bot.casework.vocabulary import ContactType, Topic
from bot.core.i18n import use_locale
from bot.core.offline import BotCall
from bot.privacy.personal_data import PersonalData
from bot.staff.roles import Role
from tests.conftest import CASE_MANAGER, COORDINATOR
from tests.helpers.harness import BotHarness, only_text, texts
from tests.helpers.texts import contact_saved, de

HELD = (
    "Nothing was saved yet: the text seems to contain {kinds}. KIM-Bot works with family "
    "codes, never names or other identifying details. Tap Edit to send it again without "
    "them, or Save anyway if this is not personal data."
)
NO_LONGER_ACTIVE = "This button is no longer active."
PERSONAL_NOTE = "Frau Kovalenko hat Diabetes, Termin beim Arzt"
QUICK_LOG = f"/log F-0001 45m beratung gesundheit: {PERSONAL_NOTE}"
PHONE_REQUEST = "/interpreter uk 03.12. 10:00 60m telefon abh"


def held_text(*kinds: PersonalData) -> str:
    with use_locale("de"):
        labels = [kind.label for kind in kinds]
    return de(HELD, kinds=" und ".join(labels))


@pytest.fixture
async def casework(bot: BotHarness) -> BotHarness:
    """Anna (case manager) with F-0001 and a coordinator."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk einwilligung")
    return bot


async def rows(bot: BotHarness, table: str) -> list[dict[str, Any]]:
    return [dict(row) for row in await bot.storage.db.fetch_all(f"SELECT * FROM {table}")]


async def stored_anywhere(bot: BotHarness, fragment: str) -> list[str]:
    """The tables in which any value contains `fragment`."""
    tables = await bot.storage.db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    found = []
    for table in tables:
        for row in await bot.storage.db.fetch_all(f'SELECT * FROM "{table["name"]}"'):
            if any(fragment in str(value) for value in tuple(row)):
                found.append(table["name"])
    return found


async def kept_audit(bot: BotHarness, action: str) -> list[tuple[str, str]]:
    found = await bot.storage.db.fetch_all(
        "SELECT subject, detail FROM audit_log WHERE action = ?", (action,)
    )
    return [(row["subject"], row["detail"]) for row in found]


def buttons(call: BotCall) -> list[str]:
    return [button["text"] for button in call.buttons]


# /log, one line ---------------------------------------------------------------------------


async def test_a_note_with_personal_data_is_held_back_and_nothing_stored(
    casework: BotHarness,
) -> None:
    bot = casework

    [warning] = await bot.send(CASE_MANAGER, QUICK_LOG)

    assert warning.text == held_text(PersonalData.NAME, PersonalData.HEALTH)
    assert buttons(warning) == [de("Save anyway"), de("Edit")]
    assert await rows(bot, "contacts") == []
    assert await stored_anywhere(bot, "Kovalenko") == []
    assert bot.application.user_data[CASE_MANAGER.id].held_text is not None


async def test_save_anyway_stores_the_contact_and_audits_the_kinds_not_the_text(
    casework: BotHarness,
) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, QUICK_LOG)

    calls = await bot.press(CASE_MANAGER, de("Save anyway"))

    assert [call.method for call in calls] == [
        "answerCallbackQuery",
        "editMessageReplyMarkup",
        "sendMessage",
    ]
    assert calls[2].text.startswith(contact_saved())
    [row] = await rows(bot, "contacts")
    assert row["note"] == PERSONAL_NOTE
    assert await kept_audit(bot, "contact.personal_data_kept") == [("F-0001", "name,health")]
    assert await stored_anywhere(bot, "Kovalenko") == ["contacts"]
    assert bot.application.user_data[CASE_MANAGER.id].held_text is None


async def test_edit_forgets_the_note_and_asks_for_it_again(casework: BotHarness) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, QUICK_LOG)
    save_button = bot.telegram.find_button(CASE_MANAGER.id, de("Save anyway"))

    edited = await bot.press(CASE_MANAGER, de("Edit"))

    assert [call.method for call in edited] == ["answerCallbackQuery", "editMessageText"]
    assert edited[1].text == de(
        "Nothing was saved. Please send /log again with a note without personal data, "
        "e.g. {example}",
        example=LOG_EXAMPLE,
    )
    assert bot.application.user_data[CASE_MANAGER.id].held_text is None
    # The warning's Save anyway, pressed after Edit, stores nothing.
    message_id, button = save_button
    late = await bot.process(
        bot.telegram.callback_update(CASE_MANAGER, message_id, button["callback_data"])
    )
    assert texts(late) == [de(NO_LONGER_ACTIVE)]
    assert await rows(bot, "contacts") == []
    assert await stored_anywhere(bot, "Kovalenko") == []


async def test_an_older_warnings_save_anyway_does_not_store_a_newer_note(
    casework: BotHarness,
) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, QUICK_LOG)
    older = bot.telegram.find_button(CASE_MANAGER.id, de("Save anyway"))
    await bot.send(CASE_MANAGER, "/log F-0001 30m telefon wohnen: Rückruf von Herrn Demir")

    message_id, button = older
    stale = await bot.process(
        bot.telegram.callback_update(CASE_MANAGER, message_id, button["callback_data"])
    )

    assert texts(stale) == [de(NO_LONGER_ACTIVE)]
    assert await rows(bot, "contacts") == []
    await bot.press(CASE_MANAGER, de("Save anyway"))
    [row] = await rows(bot, "contacts")
    assert row["note"] == "Rückruf von Herrn Demir"


@pytest.mark.parametrize(
    "note",
    [
        "Termin bei der Ausländerbehörde am 15.12.2026 vorbereitet",
        "Begleitung zum Jobcenter Ahlen, Antrag abgegeben",
        "Absprache mit F-0002 wegen Fahrgemeinschaft",  # a family code is the bot's pseudonym
    ],
)
async def test_a_note_without_personal_data_is_stored_at_once(
    casework: BotHarness, note: str
) -> None:
    calls = await casework.send(CASE_MANAGER, f"/log F-0001 45m beratung arbeit: {note}")

    assert only_text(calls).startswith(contact_saved())
    [row] = await rows(casework, "contacts")
    assert row["note"] == note


async def test_a_structural_gap_note_with_personal_data_raises_no_flag_until_saved(
    casework: BotHarness,
) -> None:
    bot = casework
    [warning] = await bot.send(
        CASE_MANAGER, "/log F-0001 45m beratung aufenthalt: #struktur Herr Popov wartet seit Mai"
    )

    assert warning.text == held_text(PersonalData.NAME)
    assert await rows(bot, "flags") == []

    calls = await bot.press(CASE_MANAGER, de("Save anyway"))

    [flag] = await rows(bot, "flags")
    assert "Popov" in flag["description"]
    assert any(int(call.params.get("chat_id", 0)) == COORDINATOR.id for call in calls)


# /log, the dialog -----------------------------------------------------------------------


async def to_note_step(bot: BotHarness) -> None:
    await bot.send(CASE_MANAGER, "/log")
    await bot.press(CASE_MANAGER, "F-0001 · Ahlen")
    await bot.press(CASE_MANAGER, de("Today"))
    await bot.press(CASE_MANAGER, ContactType.OFFICE.label)
    await bot.press(CASE_MANAGER, "45 Min.")
    await bot.press(CASE_MANAGER, Topic.WORK.label)
    await bot.press(CASE_MANAGER, de("Done"))


async def test_in_the_dialog_edit_stays_in_the_note_step(casework: BotHarness) -> None:
    bot = casework
    with use_locale("de"):
        await to_note_step(bot)

    [warning] = await bot.send(CASE_MANAGER, "Olena Petrenko, Bahnhofstraße 14")
    assert warning.text == held_text(PersonalData.NAME, PersonalData.ADDRESS)
    edited = await bot.press(CASE_MANAGER, de("Edit"))
    await bot.send(CASE_MANAGER, "Bewerbung besprochen")
    await bot.press(CASE_MANAGER, de("Save"))

    assert edited[1].text == de(
        "{code} (6/6): add a short note, or tap Skip. No names or other identifying details, "
        "please. #struktur in the note reports a structural gap.",
        code="F-0001",
    )
    [row] = await rows(bot, "contacts")
    assert row["note"] == "Bewerbung besprochen"
    assert await stored_anywhere(bot, "Petrenko") == []
    assert await kept_audit(bot, "contact.personal_data_kept") == []


async def test_in_the_dialog_a_new_note_replaces_the_held_one(casework: BotHarness) -> None:
    bot = casework
    with use_locale("de"):
        await to_note_step(bot)

    await bot.send(CASE_MANAGER, "Olena Petrenko, Bahnhofstraße 14")
    confirmation = only_text(await bot.send(CASE_MANAGER, "Bewerbung besprochen"))
    await bot.press(CASE_MANAGER, de("Save"))

    assert "Bewerbung besprochen" in confirmation
    [row] = await rows(bot, "contacts")
    assert row["note"] == "Bewerbung besprochen"


async def test_in_the_dialog_save_anyway_goes_on_to_the_confirmation(
    casework: BotHarness,
) -> None:
    bot = casework
    with use_locale("de"):
        await to_note_step(bot)

    await bot.send(CASE_MANAGER, "Olena Petrenko, Bahnhofstraße 14")
    confirmation = only_text(await bot.press(CASE_MANAGER, de("Save anyway")))
    assert await rows(bot, "contacts") == []
    await bot.press(CASE_MANAGER, de("Save"))

    assert confirmation.startswith(de("Please check and save:"))
    [row] = await rows(bot, "contacts")
    assert row["note"] == "Olena Petrenko, Bahnhofstraße 14"
    assert await kept_audit(bot, "contact.personal_data_kept") == [("F-0001", "name,address")]


# /flag ----------------------------------------------------------------------------------


async def test_a_flag_text_with_personal_data_waits_for_save_anyway(casework: BotHarness) -> None:
    bot = casework
    command = "/flag F-0001 wartezeit: Frau Kovalenko, geboren am 3. März 1985, wartet"

    [warning] = await bot.send(CASE_MANAGER, command)
    assert warning.text == held_text(PersonalData.NAME, PersonalData.BIRTH_DATE)
    assert await rows(bot, "flags") == []
    assert await stored_anywhere(bot, "Kovalenko") == []

    calls = await bot.press(CASE_MANAGER, de("Save anyway"))

    [flag] = await rows(bot, "flags")
    assert flag["description"] == "Frau Kovalenko, geboren am 3. März 1985, wartet"
    assert any(int(call.params.get("chat_id", 0)) == COORDINATOR.id for call in calls)
    assert await kept_audit(bot, "flag.personal_data_kept") == [("F-0001", "name,birth_date")]


async def test_edit_under_a_flag_text_stores_nothing(casework: BotHarness) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, "/flag F-0001 wartezeit: Herr Popov wartet seit Mai")

    edited = await bot.press(CASE_MANAGER, de("Edit"))

    assert edited[1].text == de(
        "Nothing was saved. Please send /flag again with a text without personal data, "
        "e.g. {example}",
        example=FLAG_EXAMPLE,
    )
    assert await rows(bot, "flags") == []


# Rejection reasons ----------------------------------------------------------------------


async def pending_request(bot: BotHarness) -> int:
    await bot.send(CASE_MANAGER, PHONE_REQUEST)
    await bot.press(CASE_MANAGER, de("Confirm"))
    return await bot.storage.db.fetch_value("SELECT max(id) FROM interpreter_requests")


async def request_row(bot: BotHarness, request_id: int) -> dict[str, Any]:
    found = await bot.storage.db.fetch_one(
        "SELECT status, reason FROM interpreter_requests WHERE id = ?", (request_id,)
    )
    return dict(found)


async def test_a_rejection_reason_with_personal_data_waits_for_save_anyway(
    casework: BotHarness,
) -> None:
    bot = casework
    request_id = await pending_request(bot)

    [warning] = await bot.send(COORDINATOR, f"/reject {request_id} Herr Popov hat abgesagt")
    assert warning.text == held_text(PersonalData.NAME)
    assert await request_row(bot, request_id) == {"status": "requested", "reason": None}

    await bot.press(COORDINATOR, de("Save anyway"))

    assert await request_row(bot, request_id) == {
        "status": "rejected",
        "reason": "Herr Popov hat abgesagt",
    }
    assert await kept_audit(bot, "request.personal_data_kept") == [(f"#{request_id}", "name")]


async def test_edit_under_a_rejection_reason_rejects_nothing(casework: BotHarness) -> None:
    bot = casework
    request_id = await pending_request(bot)
    await bot.send(COORDINATOR, f"/reject {request_id} Herr Popov hat abgesagt")

    edited = await bot.press(COORDINATOR, de("Edit"))

    assert edited[1].text == de(
        "Nothing was saved. Please send /reject {id} again with a reason without personal data.",
        id=request_id,
    )
    assert await request_row(bot, request_id) == {"status": "requested", "reason": None}


async def test_after_the_reject_button_edit_asks_for_the_reason_again(
    casework: BotHarness,
) -> None:
    bot = casework
    request_id = await pending_request(bot)
    await bot.press(COORDINATOR, de("Reject"))

    [warning] = await bot.send(COORDINATOR, "Frau Kovalenko braucht keinen Dolmetscher mehr")
    assert buttons(warning) == [de("Save anyway"), de("Edit")]
    edited = await bot.press(COORDINATOR, de("Edit"))
    await bot.send(COORDINATOR, "Termin fällt aus")

    assert edited[1].text == de(
        "Nothing was saved. Please type the reason for rejecting request #{id} again, "
        "without personal data (or /cancel).",
        id=request_id,
    )
    assert await request_row(bot, request_id) == {
        "status": "rejected",
        "reason": "Termin fällt aus",
    }
    assert await stored_anywhere(bot, "Kovalenko") == []


# Flag outcomes and close reasons ----------------------------------------------------------


async def test_a_flag_outcome_with_personal_data_waits_for_save_anyway(
    casework: BotHarness,
) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, "/flag F-0001 wartezeit: vier Monate Wartezeit bei der ABH")
    command = "/closeflag 1 Herr Popov hat einen Termin am 12.12. bekommen"

    [warning] = await bot.send(COORDINATOR, command)
    assert warning.text == held_text(PersonalData.NAME)
    [flag] = await rows(bot, "flags")
    assert flag["closed_at"] is None
    assert await stored_anywhere(bot, "Popov") == []

    await bot.press(COORDINATOR, de("Save anyway"))

    [flag] = await rows(bot, "flags")
    assert flag["closed_at"] is not None
    assert flag["outcome"] == "Herr Popov hat einen Termin am 12.12. bekommen"
    assert await kept_audit(bot, "flag.personal_data_kept") == [("F-0001", "name")]


async def test_edit_under_a_flag_outcome_leaves_the_flag_open(casework: BotHarness) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, "/flag F-0001 wartezeit: vier Monate Wartezeit bei der ABH")
    await bot.send(COORDINATOR, "/closeflag 1 Herr Popov hat einen Termin bekommen")

    edited = await bot.press(COORDINATOR, de("Edit"))

    assert "/closeflag" in edited[1].text
    [flag] = await rows(bot, "flags")
    assert (flag["closed_at"], flag["outcome"]) == (None, None)


async def test_a_close_reason_with_personal_data_waits_for_save_anyway(
    casework: BotHarness,
) -> None:
    bot = casework

    [warning] = await bot.send(CASE_MANAGER, "/closefamily F-0001 Frau Kovalenko ist verzogen")
    assert warning.text == held_text(PersonalData.NAME)
    [family] = await rows(bot, "families")
    assert family["status"] == "active"

    await bot.press(CASE_MANAGER, de("Save anyway"))

    [family] = await rows(bot, "families")
    assert (family["status"], family["close_reason"]) == ("closed", "Frau Kovalenko ist verzogen")
    assert await kept_audit(bot, "family.personal_data_kept") == [("F-0001", "name")]


async def test_edit_under_a_close_reason_keeps_the_family_open(casework: BotHarness) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, "/closefamily F-0001 Frau Kovalenko ist verzogen")

    await bot.press(CASE_MANAGER, de("Edit"))

    [family] = await rows(bot, "families")
    assert (family["status"], family["close_reason"]) == ("active", None)
    reply = only_text(await bot.send(CASE_MANAGER, "/closefamily F-0001 verzogen"))
    assert reply == de("{code} is closed. Its records are kept.", code="F-0001")
