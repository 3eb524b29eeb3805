"""/proof: the proof of spending of a fund as a workbook, opened here: every booking, the
totals by category and month, and figures equal to /budget's to the cent."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from bot.core.offline import BotCall
from bot.reporting.proof import PROOF_EXAMPLE
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.dates import berlin
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.texts import de, german_label, money

TRANSLATION = "Übersetzung/Dolmetschen"
REJECTION_REASON = "Termin entfällt wegen Krankheit"
CORRECTION_REASON = "Rechenfehler beim Stundensatz"


def workbook(calls: list[BotCall]) -> openpyxl.Workbook:
    [upload] = [call.uploads["document"] for call in calls if call.method == "sendDocument"]
    assert upload.filename.endswith(".xlsx")
    return openpyxl.load_workbook(io.BytesIO(upload.content))


def rows(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def cents(value: float | int) -> int:
    """A money cell (euros) in cents."""
    return int(Decimal(str(value)) * 100)


def budget_figures(text: str) -> dict[str, str]:
    """/budget 1's amount, spent, committed and available lines, by their label."""
    labels = {"Amount": "Amount: {amount}", "Spent": "Spent: {amount}",
              "Committed": "Committed: {amount}", "Available": "Available: {amount}"}  # fmt: skip
    found = {}
    for line in text.splitlines():
        for key, msgid in labels.items():
            prefix = de(msgid, amount="")
            if line.startswith(prefix):
                found[key] = line.removeprefix(prefix)
    return found


@pytest.fixture
async def translation_fund(bot: BotHarness) -> BotHarness:
    """The translation fund with an invoiced request (an invoice line and its correction), a
    cancellation fee without an invoice line, a request still committed, DeepL in two
    months, and an expense with its correction, all through the chat but DeepL; today is
    15 December 2026."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    for form in (
        "/interpreter F-0001 uk 03.12. 10:00 90m vor-ort Ahlen Ausländerbehörde",  # 70,00 €
        "/interpreter ar 01.12. 10:00 60m telefon arzt",  # professional: 85,00 €
        "/interpreter uk 10.12. 10:00 60m telefon abh",  # 30,00 €
        "/interpreter uk 11.12. 10:00 60m telefon abh",  # 30,00 €, to be rejected
    ):
        await bot.send(CASE_MANAGER, form)
        await bot.press(CASE_MANAGER, de("Confirm"))
    await bot.send(COORDINATOR, "/approve 1")
    await bot.send(COORDINATOR, "/approve 2")
    await bot.send(COORDINATOR, f"/reject 4 {REJECTION_REASON}")
    await bot.send(
        COORDINATOR, '/spend 1 150 "Übersetzungsbüro Nord" Ü-77 Urkunde übersetzt #urkunden'
    )
    storage = bot.storage
    # DeepL at 20 € per million characters: 2.000 millionths of a cent a character.
    # 250 + 300 characters in November: 1.100.000 millionths, 1,1 cents → 2 cents; 200 in
    # December: 1.500.000 in all, 1,5 cents → still 2 cents, so December's line is 0 cents.
    for characters, at in ((250, berlin(2026, 11, 24, 11)), (300, berlin(2026, 11, 30, 12)),
                           (200, berlin(2026, 12, 2, 9))):  # fmt: skip
        await storage.translations.record(1, CASE_MANAGER.id, "uk", characters,
                                          characters * 2_000, at)  # fmt: skip
    # Cancelled on the day, before the start: the booked hour at the professional rate,
    # 85,00 €, for which no invoice came.
    bot.time.now = berlin(2026, 12, 1, 8)
    await bot.send(CASE_MANAGER, "/cancelrequest 2")
    # The interpreter's invoice of 240,50 € for request #1 (over 150 % of its 70,00 €
    # estimate: confirmed), corrected to 220,00 € (a line of −20,50 €) a week later.
    bot.time.now = berlin(2026, 12, 4, 11)
    await bot.send(COORDINATOR, "/invoice 1 240,50 Dolmetschdienst Münster RE-501 04.12.2026")
    await bot.press(COORDINATOR, de("Confirm"))
    bot.time.now = berlin(2026, 12, 10, 11)
    await bot.send(COORDINATOR, f"/invoice 1 fix 220,00 {CORRECTION_REASON}")
    bot.time.now = berlin(2026, 12, 15, 10)
    await bot.send(COORDINATOR, "/spend correct 1 140 Rabatt")
    return bot


# Spent: 240,50 − 20,50 + 85,00 + 0,02 + 0,00 + 150,00 − 10,00 = 445,02 €; committed 30,00 €
# (request #3); available 30.000,00 − 445,02 − 30,00 = 29.524,98 €.
SPENT, COMMITTED, AVAILABLE = 44_502, 3_000, 2_952_498


async def test_the_proof_lists_every_booking_of_the_translation_fund(
    translation_fund: BotHarness,
) -> None:
    bot = translation_fund

    book = workbook(await bot.send(COORDINATOR, "/proof 1"))

    assert book.sheetnames == [de("Summary"), de("Bookings"), de("By category"), de("By month")]
    day = datetime
    # Date, kind, payee, voucher, purpose, family, request, expense, invoice line, corrects
    # line, category, overrun, amount.
    assert rows(book[de("Bookings")]) == [
        [day(2026, 11, 24), de("expense"), "Übersetzungsbüro Nord", "Ü-77",
         "Urkunde übersetzt #urkunden", None, None, 1, None, None, "#urkunden", None, 150],
        [day(2026, 11, 30), de("machine translation"), "DeepL SE", None,
         de("DeepL, {month} {year}: {count} characters", month="November", year=2026,
            count=550), None, None, None, None, None, de("machine translation (DeepL)"), None,
         0.02],
        [day(2026, 12, 1), de("cancellation fee"), None, None,
         de("{mode}, {language}, {purpose}", mode=de("by phone"), language="Arabisch",
            purpose=de("doctor")), None, 2, None, None, None, de("cancellation fees"), None,
         85],
        [day(2026, 12, 2), de("machine translation"), "DeepL SE", None,
         de("DeepL, {month} {year}: {count} characters", month="Dezember", year=2026,
            count=200), None, None, None, None, None, de("machine translation (DeepL)"), None,
         0],
        [day(2026, 12, 4), de("invoice"), "Dolmetschdienst Münster", "RE-501",
         de("{mode}, {language}, {purpose}", mode=de("on site"), language="Ukrainisch",
            purpose=de("Immigration office")), "F-0001", 1, None, 1, None, de("on site"),
         None, 240.5],
        [day(2026, 12, 10), de("correction of an invoice"), "Dolmetschdienst Münster",
         "RE-501",
         de("{mode}, {language}, {purpose}", mode=de("on site"), language="Ukrainisch",
            purpose=de("Immigration office")), "F-0001", 1, None, 2, 1, de("on site"), None,
         -20.5],
        [day(2026, 12, 15), de("correction of an expense"), "Übersetzungsbüro Nord", "Ü-77",
         "Rabatt", None, None, 2, None, 1, "#urkunden", None, -10],
    ]  # fmt: skip
    assert {name: cents(amount) for name, amount in rows(book[de("By category")])} == {
        "#urkunden": 14_000,  # 150,00 − 10,00
        de("machine translation (DeepL)"): 2,
        de("cancellation fees"): 8_500,
        de("on site"): 22_000,  # 240,50 − 20,50
        de("Total"): SPENT,
    }
    assert [[name, cents(amount)] for name, amount in rows(book[de("By month")])] == [
        ["November 2026", 15_002],  # 150,00 + 0,02
        ["Dezember 2026", 29_500],  # 85,00 + 0,00 + 240,50 − 20,50 − 10,00
        [de("Total"), SPENT],
    ]


async def test_the_proofs_numbers_equal_the_budgets_to_the_cent(
    translation_fund: BotHarness,
) -> None:
    bot = translation_fund

    shown = budget_figures(only_text(await bot.send(COORDINATOR, "/budget 1")))
    book = workbook(await bot.send(COORDINATOR, "/proof übersetzung"))

    summary = dict(rows(book[de("Summary")]))
    bookings = sum(cents(row[-1]) for row in rows(book[de("Bookings")]))
    assert shown == {
        "Amount": money(3_000_000),
        "Spent": money(SPENT),
        "Committed": money(COMMITTED),
        "Available": money(AVAILABLE),
    }
    assert bookings == SPENT
    assert {
        key: cents(summary[de(label)])
        for key, label in (("Amount", "Grant amount"), ("Spent", "Spent"),
                           ("Committed", "Committed"), ("Available", "Available"),
                           ("Listed", "Sum of the bookings listed"))
    } == {"Amount": 3_000_000, "Spent": SPENT, "Committed": COMMITTED, "Available": AVAILABLE,
          "Listed": SPENT}  # fmt: skip
    assert summary[de("Fund")] == f"#1 {TRANSLATION}"
    assert summary[de("Purpose")] == de("translation and interpreting")
    assert (summary[de("Fund starts")], summary[de("Fund ends")]) == (
        datetime(2026, 10, 1), datetime(2026, 12, 31),
    )  # fmt: skip
    assert (summary[de("Bookings from")], summary[de("Bookings to")]) == (de("all"), de("all"))
    assert summary[de("Bookings listed")] == 7
    assert summary[de("As of")] == datetime(2026, 12, 15, 10, 0)


async def test_the_proof_holds_family_codes_but_no_notes_or_reasons(
    translation_fund: BotHarness,
) -> None:
    bot = translation_fund
    await bot.send(CASE_MANAGER, "/log F-0001 heute 30m telefon arbeit: Notiz zum Jobcenter")

    book = workbook(await bot.send(COORDINATOR, "/proof 1"))

    cells = [str(value) for sheet in book for row in rows(sheet) for value in row]
    assert "F-0001" in cells
    for secret in (REJECTION_REASON, CORRECTION_REASON, "Notiz zum Jobcenter"):
        assert not any(secret in cell for cell in cells)


async def test_the_proof_of_a_period_lists_its_bookings_and_the_funds_figures(
    translation_fund: BotHarness,
) -> None:
    bot = translation_fund

    calls = await bot.send(COORDINATOR, "/proof 1 01.12.2026 31.12.2026")

    book = workbook(calls)
    bookings = rows(book[de("Bookings")])
    assert [row[0].day for row in bookings] == [1, 2, 4, 10, 15]
    # 85,00 + 0,00 + 240,50 − 20,50 − 10,00 = 295,00 €.
    assert sum(cents(row[-1]) for row in bookings) == 29_500
    summary = dict(rows(book[de("Summary")]))
    assert (summary[de("Bookings from")], summary[de("Bookings to")]) == (
        datetime(2026, 12, 1), datetime(2026, 12, 31),
    )  # fmt: skip
    assert cents(summary[de("Spent")]) == SPENT
    assert cents(summary[de("Sum of the bookings listed")]) == 29_500
    [document] = [call for call in calls if call.method == "sendDocument"]
    assert document.uploads["document"].filename == "kim-proof_fund-1_2026-12-01_2026-12-31.xlsx"
    assert document.params["caption"].splitlines() == [
        de("Proof of spending: {heading}",
           heading=f"<b>#1 {TRANSLATION}</b> (01.10.2026 – 31.12.2026)"),
        de("{count} bookings listed, together {sum}.", count=5, sum=money(29_500)),
        de("Grant {amount}: {spent} spent, {committed} committed, {available} available.",
           amount=money(3_000_000), spent=money(SPENT), committed=money(COMMITTED),
           available=money(AVAILABLE)),
        de("Families appear only by their code; no notes or reasons."),
    ]  # fmt: skip
    assert (await bot.storage.audit.actions(COORDINATOR.id))[-1] == "proof"


async def test_the_proof_of_an_expense_fund_shows_an_overrun(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(COORDINATOR, "/spend beratung 9.500 Kanzlei-Weber R-1 Gutachten #recht")
    await bot.press(COORDINATOR, de("Book as overrun"))

    book = workbook(await bot.send(ADMIN, "/proof beratung"))

    [line] = rows(book[de("Bookings")])
    assert line[1:4] == [de("expense"), "Kanzlei-Weber", "R-1"]
    assert (line[-2], line[-1]) == (de("yes"), 9500)
    summary = dict(rows(book[de("Summary")]))
    # 9.000,00 − 9.500,00 = −500,00 € available.
    assert cents(summary[de("Available")]) == -50_000


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("", lambda: de("Which fund, and which days (optional)? Without days, every booking. "
                        "Example: {example}", example=PROOF_EXAMPLE)),
        ("feste", lambda: de("There is no fund “{text}”. Funds: {funds}", text="feste",
                             funds=f"#1 {TRANSLATION}, #2 Maßnahmen, #3 Veranstaltungen, "
                             "#4 Externe Beratung")),
        ("2 31.12.2026 01.01.2026", lambda: de(
            "The period would start after its end. Example: {example}", example=PROOF_EXAMPLE)),
        ("2 31.12.", lambda: de(
            "“{text}” is not a date with a year. Examples: 31.12.2026, 2026-12-31",
            text="31.12.")),
    ],
)  # fmt: skip
async def test_bad_proof_input_says_what_is_wrong(
    bot: BotHarness, arguments: str, expected: object
) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)

    calls = await bot.send(COORDINATOR, f"/proof {arguments}".strip())

    assert only_text(calls) == expected()
    assert all(call.method != "sendDocument" for call in calls)


async def test_a_case_manager_gets_no_proof(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)

    calls = await bot.send(CASE_MANAGER, "/proof 1")

    assert all(call.method != "sendDocument" for call in calls)
    assert german_label(Role.CASE_MANAGER) in only_text(calls)
