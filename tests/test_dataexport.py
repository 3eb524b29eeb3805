"""/dataexport: everything stored about one family (Art. 15 GDPR), as JSON and workbook."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from bot.handlers.traces import JOB_NAME
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.texts import de


async def casework(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")
    await bot.send(CASE_MANAGER, "/newfamily Beckum SY 2 ar")
    await bot.send(
        CASE_MANAGER, "/log F-0001 45m hausbesuch aufenthalt wv 01.12.2026: =HYPERLINK(x) Termin"
    )
    await bot.send(CASE_MANAGER, "/log F-0002 30m telefon arbeit: nicht F-0001")
    await bot.send(CASE_MANAGER, "/flag F-0001 wartezeit: drei Monate auf einen Termin")
    await bot.send(COORDINATOR, "/closeflag 1 Kontingent vereinbart")
    await bot.send(COORDINATOR, "/family F-0001")


def uploads(calls: list) -> dict[str, bytes]:
    return {
        call.uploads["document"].filename.rsplit(".", 1)[-1]: call.uploads["document"].content
        for call in calls
        if call.method == "sendDocument"
    }


async def test_the_json_holds_everything_about_the_family_and_nothing_else(
    bot: BotHarness,
) -> None:
    await casework(bot)

    files = uploads(await bot.send(ADMIN, "/dataexport F-0001"))

    data = json.loads(files["json"])
    assert data["family"] == "F-0001" and data["record"]["town"] == "Ahlen"
    assert [contact["note"] for contact in data["contacts"]] == ["=HYPERLINK(x) Termin"]
    assert [entry["follow_up_on"] for entry in data["follow_ups"]] == ["2026-12-01"]
    assert data["flags"][0]["description"] == "drei Monate auf einen Termin"
    assert data["flags"][0]["outcome"] == "Kontingent vereinbart"
    actions = [line["action"] for line in data["audit"]]
    assert actions[0] == "dataexport"
    assert {"family.create", "contact.create", "flag.raise", "flag.close", "family.view"} <= set(
        actions
    )
    assert "nicht F-0001" not in files["json"].decode()
    # The dated history of town, benefit system and state: here the intake only.
    assert data["changes"] == [
        {"valid_from": "2026-11-24", "town": "Ahlen", "benefit_system": None, "active": True,
         "fled_ukraine": True}
    ]  # fmt: skip


async def test_the_workbook_is_readable_and_guards_formulas(bot: BotHarness) -> None:
    await casework(bot)

    files = uploads(await bot.send(ADMIN, "/dataexport F-0001"))

    workbook = load_workbook(io.BytesIO(files["xlsx"]))
    # Record, contacts, follow-ups, requests, flags, conferences, changes, audit.
    assert len(workbook.sheetnames) == 8
    contacts = workbook.worksheets[1]
    header = [cell.value for cell in contacts[1]]
    # Headers in the reader's language (German here), not the stored field names.
    note = contacts.cell(row=2, column=header.index(de("note")) + 1)
    assert note.value == "=HYPERLINK(x) Termin" and note.data_type == "s"
    assert de("note") == "Notiz"
    assert contacts.cell(row=2, column=header.index(de("contact on")) + 1).is_date
    audit = [row for row in workbook.worksheets[-1].iter_rows(values_only=True)]
    assert audit[1][3] == "dataexport"


async def test_a_control_character_in_a_stored_text_becomes_a_space_in_the_workbook(
    bot: BotHarness,
) -> None:
    """Found by the fuzzer: a note with a form feed made the workbook writer fail, so the
    family's data could not be exported at all."""
    await casework(bot)
    await bot.send(CASE_MANAGER, "/log F-0001 10m telefon arbeit: Seite 1\x0cSeite 2\tEnde")

    files = uploads(await bot.send(ADMIN, "/dataexport F-0001"))

    contacts = load_workbook(io.BytesIO(files["xlsx"])).worksheets[1]
    column = [cell.value for cell in contacts[1]].index(de("note"))
    notes = [row[column] for row in contacts.iter_rows(min_row=2, values_only=True)]
    assert "Seite 1 Seite 2\tEnde" in notes
    # The JSON keeps the text as it is stored.
    stored = [contact["note"] for contact in json.loads(files["json"])["contacts"]]
    assert "Seite 1\x0cSeite 2\tEnde" in stored


async def test_the_export_is_audited_admin_only_and_leaves_the_chat(bot: BotHarness) -> None:
    await casework(bot)

    refused = only_text(await bot.send(COORDINATOR, "/dataexport F-0001"))
    calls = await bot.send(ADMIN, "/dataexport F-0001")

    assert "/dataexport" in refused
    assert (await bot.storage.audit.actions(ADMIN.id))[-1] == "dataexport"
    bot.time.advance(hours=25)
    deleted = [call for call in await bot.run_job(JOB_NAME) if call.method == "deleteMessage"]
    sent = [call for call in calls if call.method == "sendDocument"]
    assert len(sent) == 2
    assert {int(call.params["chat_id"]) for call in deleted} >= {ADMIN.id}


async def test_an_unknown_family_is_said_so(bot: BotHarness) -> None:
    assert "F-0099" in only_text(await bot.send(ADMIN, "/dataexport F-0099"))
