"""/export: the period's contacts, families, requests and weekly totals as XLSX and CSV."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from bot.casework.vocabulary import BenefitSystem, ContactType, Service, Topic
from bot.core.i18n import use_locale
from bot.core.offline import BotCall, Person, Upload
from bot.core.parsing import ParseError
from bot.handlers import exports
from bot.interpreting.requests import Mode, Purpose
from bot.reporting.exports import parse_period
from bot.staff.roles import Role, Team
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.dates import berlin, german_date
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.texts import de, german_label

NOTE = "Frau Petrenko, Hauptstraße 5, Tel. 0151 2345678"
STRANGE_NAME = Person(1010, "=HYPERLINK(1)", None, "de")
ENGLISH_COORDINATOR = Person(1011, "Lena", "lena_coord", "en")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY"
MONEY_FORMAT = '#,##0.00 "€"'
NOT_FOR_ROLE = "/{command} is not available to your role ({role}). /help lists your commands."
CONTACT_HEADERS = [
    "Family", "Date", "Staff", "Staff ID", "Contact type", "Minutes", "Topics", "Town",
    "Fled from Ukraine", "Referred to", "Follow-up", "Benefit system", "Team",
]  # fmt: skip
FAMILY_HEADERS = [
    "Family", "Town", "Country of origin", "Household", "Languages", "Fled from Ukraine",
    "Benefit system", "Consent given on", "Opened", "Closed", "Status", "Case manager",
    "Case manager ID",
]  # fmt: skip
REQUEST_HEADERS = [
    "Request", "Family", "Language", "Kind", "Start", "Minutes", "Pages", "Purpose", "Status",
    "Estimate", "Committed", "Spent", "Requested on",
]  # fmt: skip
WEEK_HEADERS = ["Week", "From", "To", "Contacts", "Minutes", "Families reached"]
GROUP_HEADERS = ["Group", "Name", "Contacts", "Minutes", "Active families at the end"]


@pytest.fixture
async def casework(bot: BotHarness) -> BotHarness:
    """Anna with F-0001 (Ahlen, Ukraine) and F-0002 (Beckum, Syria), Oksana with F-0003;
    contacts in November 2026 and one in October; a coordinator."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru asylblg einwilligung")
    await bot.send(CASE_MANAGER, "/newfamily Beckum SY 5 ar")
    await bot.send(COLLEAGUE, "/newfamily Telgte UA 2 uk")
    await bot.take_in(date(2026, 10, 1))
    await bot.send(
        CASE_MANAGER,
        f"/log F-0001 45m hausbesuch aufenthalt,arbeit ref jobcenter next 02.12.: {NOTE}",
    )
    # The note holds personal data on purpose (no export may show it): saved after the warning.
    await bot.press(CASE_MANAGER, de("Save anyway"))
    await bot.send(CASE_MANAGER, "/log F-0002 10.11.2026 30m telefon schule")
    await bot.send(COLLEAGUE, "/log F-0003 27.10.2026 60m beratung wohnen")
    return bot


async def export(bot: BotHarness, person: Person, arguments: str = "") -> list[BotCall]:
    return await bot.send(person, f"/export {arguments}".rstrip())


def documents(calls: list[BotCall]) -> list[Upload]:
    return [call.uploads["document"] for call in calls if call.method == "sendDocument"]


def workbook(upload: Upload) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(upload.content))


def values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# The files ---------------------------------------------------------------------------------


async def test_export_sends_a_workbook_and_a_csv_of_the_month_so_far(casework: BotHarness) -> None:
    calls = await export(casework, COORDINATOR)

    sent = [call for call in calls if call.method == "sendDocument"]
    assert [int(call.params["chat_id"]) for call in sent] == [COORDINATOR.id] * 2
    xlsx, contacts_csv = documents(calls)
    assert xlsx.filename == "kim-export_2026-11-01_2026-11-24.xlsx"
    assert xlsx.mimetype == XLSX_TYPE
    assert xlsx.content.startswith(b"PK")
    assert contacts_csv.filename == "kim-export_2026-11-01_2026-11-24_contacts.csv"
    assert sent[0].params["caption"].splitlines()[0] == de(
        "KIM export {first} – {last}", first="01.11.2026", last="24.11.2026"
    )


async def test_the_sheets_and_headers_are_in_the_persons_language(casework: BotHarness) -> None:
    book = workbook(documents(await export(casework, COORDINATOR))[0])

    assert book.sheetnames == [
        de("Contacts"), de("Families"), de("Interpreter requests"), de("Weekly totals"),
        de("By benefit system and team"),
    ]  # fmt: skip
    headers = [[cell.value for cell in sheet[1]] for sheet in book.worksheets]
    assert headers == [
        [de(text) for text in CONTACT_HEADERS],
        [de(text) for text in FAMILY_HEADERS],
        [de(text) for text in REQUEST_HEADERS],
        [de(text) for text in WEEK_HEADERS],
        [de(text) for text in GROUP_HEADERS],
    ]


async def test_contacts_of_the_period_are_rows_with_real_dates(casework: BotHarness) -> None:
    sheet = workbook(documents(await export(casework, COORDINATOR))[0]).worksheets[0]

    rows = values(sheet)[1:]
    # The contact of 27 October lies before the period.
    assert rows == [
        [
            "F-0002", datetime(2026, 11, 10), "@anna_kim", CASE_MANAGER.id,
            german_label(ContactType.PHONE), 30, german_label(Topic.SCHOOL), "Beckum", de("no"),
            None, None, None, german_label(Team.CASE_MANAGEMENT),
        ],
        [
            "F-0001", datetime(2026, 11, 24), "@anna_kim", CASE_MANAGER.id,
            german_label(ContactType.HOME_VISIT), 45,
            f"{german_label(Topic.RESIDENCE)}, {german_label(Topic.WORK)}", "Ahlen", de("yes"),
            german_label(Service.JOBCENTER), datetime(2026, 12, 2),
            german_label(BenefitSystem.ASYLBLG), german_label(Team.CASE_MANAGEMENT),
        ],
    ]  # fmt: skip
    for row in sheet.iter_rows(min_row=2):
        assert row[1].is_date and row[1].number_format == DATE_FORMAT
    assert sheet["K3"].is_date and sheet["K3"].number_format == DATE_FORMAT


async def test_families_open_in_the_period_are_listed_by_code_only(casework: BotHarness) -> None:
    await casework.send(CASE_MANAGER, "/closefamily F-0002 Umzug nach Köln zu Familie Haddad")

    sheet = workbook(documents(await export(casework, COORDINATOR))[0]).worksheets[1]

    rows = values(sheet)[1:]
    assert [row[0] for row in rows] == ["F-0001", "F-0002", "F-0003"]
    first = rows[0]
    assert first[1:8] == [
        "Ahlen", "Ukraine", 4, "Ukrainisch und Russisch", de("yes"),
        german_label(BenefitSystem.ASYLBLG), datetime(2026, 11, 24),
    ]  # fmt: skip
    assert first[10:] == [de("active"), "@anna_kim", CASE_MANAGER.id]
    assert rows[1][9] == datetime(2026, 11, 24)
    assert rows[1][10] == de("closed")
    assert rows[2][11] == "@oksana_cm"
    assert sheet["H2"].is_date and sheet["I2"].is_date and sheet["J3"].is_date
    # The close reason is free text: it is not exported.
    assert all("Haddad" not in str(value) for row in rows for value in row)


async def test_no_note_or_reason_text_appears_anywhere(casework: BotHarness) -> None:
    await casework.send(CASE_MANAGER, "/closefamily F-0002 Umzug zu Familie Haddad")

    xlsx, contacts_csv = documents(await export(casework, COORDINATOR))

    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as archive:
        parts = b"".join(archive.read(name) for name in archive.namelist())
    for secret in ("Petrenko", "Hauptstraße", "0151", "Haddad"):
        assert secret.encode() not in parts
        assert secret not in contacts_csv.content.decode("utf-8-sig")
    assert b"F-0001" in parts  # the check would see text if it were there


async def test_money_is_numbers_in_euros_with_a_currency_format(casework: BotHarness) -> None:
    bot = casework
    # 90 minutes on site at the pool rate: 3 half hours and the travel flat fee, 70,00 €.
    await bot.send(
        CASE_MANAGER, "/interpreter F-0001 uk 03.12. 10:00 90m vor-ort Ahlen Ausländerbehörde"
    )
    await bot.press(CASE_MANAGER, de("Confirm"))
    await bot.send(COORDINATOR, "/interpreter ar 03.12. 10:00 60m telefon abh")
    await bot.press(COORDINATOR, de("Confirm"))
    await bot.send(COORDINATOR, "/approve 2")
    bot.time.now = berlin(2026, 12, 3, 12)
    await bot.send(COORDINATOR, "/invoice 2 42,17 Sprachmittlerpool RE-2 03.12.2026")

    # November's requests, exported in December after the invoice.
    book = workbook(documents(await export(bot, COORDINATOR, "01.11.2026 30.11.2026"))[0])
    sheet = book.worksheets[2]

    rows = values(sheet)[1:]
    assert rows[0][:9] == [
        1, "F-0001", "Ukrainisch", german_label(Mode.ON_SITE), datetime(2026, 12, 3, 10, 0), 90,
        None, german_label(Purpose.IMMIGRATION_OFFICE), de("requested"),
    ]  # fmt: skip
    assert rows[0][9:12] == [70, 70, 0]
    assert rows[1][1] is None
    assert rows[1][8] == de("invoiced")
    assert rows[1][9:12] == [30, 0, 42.17]
    for cell in sheet[3][9:12]:
        assert isinstance(cell.value, int | float)
        assert cell.number_format == MONEY_FORMAT
    start, requested = sheet["E2"], sheet["M2"]
    assert start.is_date and start.number_format == f"{DATE_FORMAT} HH:MM"
    # Created at 09:00 Berlin time, stored in UTC: shown as the wall clock says.
    assert requested.value == datetime(2026, 11, 24, 9, 0)


async def test_weekly_totals_cover_each_iso_week_of_the_period_whole(
    casework: BotHarness,
) -> None:
    sheet = workbook(documents(await export(casework, COORDINATOR))[0]).worksheets[3]

    rows = values(sheet)[1:]
    # 1 November 2026 is a Sunday: its week 44 began on 26 October and holds the
    # contact of 27 October, since families reached are counted for whole weeks.
    assert [row[0] for row in rows] == [
        de("CW {week}/{year}", week=week, year=2026) for week in (44, 45, 46, 47, 48)
    ]
    assert rows[0][1:] == [datetime(2026, 10, 26), datetime(2026, 11, 1), 1, 60, 1]
    assert rows[2][3:] == [1, 30, 1]
    assert rows[4][3:] == [1, 45, 1]
    assert [row[3] for row in rows] == [1, 0, 1, 0, 1]
    assert sheet["B2"].is_date and sheet["C6"].number_format == DATE_FORMAT


async def test_the_csv_is_for_german_excel_with_the_same_columns(casework: BotHarness) -> None:
    contacts_csv = documents(await export(casework, COORDINATOR))[1]

    assert contacts_csv.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(contacts_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [de(text) for text in CONTACT_HEADERS]
    # Excel runs a cell starting with "@" as a formula: the apostrophe keeps it text.
    assert rows[2] == [
        "F-0001", "24.11.2026", "'@anna_kim", str(CASE_MANAGER.id),
        german_label(ContactType.HOME_VISIT), "45",
        f"{german_label(Topic.RESIDENCE)}, {german_label(Topic.WORK)}", "Ahlen", de("yes"),
        german_label(Service.JOBCENTER), "02.12.2026", german_label(BenefitSystem.ASYLBLG),
        german_label(Team.CASE_MANAGEMENT),
    ]  # fmt: skip
    assert len(rows) == 3


async def test_text_that_looks_like_a_formula_stays_text(casework: BotHarness) -> None:
    bot = casework
    await bot.register(STRANGE_NAME, Role.COORDINATOR)
    await bot.send(STRANGE_NAME, "/log F-0003 20m telefon arbeit")

    xlsx, contacts_csv = documents(await export(bot, COORDINATOR))

    cell = workbook(xlsx).worksheets[0]["C4"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")
    assert "'=HYPERLINK(1)" in contacts_csv.content.decode("utf-8-sig")


async def test_a_given_period_in_either_notation(casework: BotHarness) -> None:
    calls = await export(casework, COORDINATOR, "2026-10-01 31.10.2026")

    xlsx, contacts_csv = documents(calls)
    assert xlsx.filename == "kim-export_2026-10-01_2026-10-31.xlsx"
    assert contacts_csv.filename == "kim-export_2026-10-01_2026-10-31_contacts.csv"
    rows = values(workbook(xlsx).worksheets[0])[1:]
    assert [(row[0], row[1]) for row in rows] == [("F-0003", datetime(2026, 10, 27))]


async def test_an_english_coordinator_gets_english_sheets_and_formats(
    casework: BotHarness,
) -> None:
    await casework.register(ENGLISH_COORDINATOR, Role.COORDINATOR, locale="en")
    await casework.send(COORDINATOR, "/interpreter ar 03.12. 10:00 60m telefon abh")
    await casework.press(COORDINATOR, de("Confirm"))

    xlsx, contacts_csv = documents(await export(casework, ENGLISH_COORDINATOR))

    book = workbook(xlsx)
    assert book.sheetnames == [
        "Contacts", "Families", "Interpreter requests", "Weekly totals",
        "By benefit system and team",
    ]  # fmt: skip
    assert book.worksheets[0]["B2"].number_format == "DD/MM/YYYY"
    assert book.worksheets[0]["E2"].value == "phone call"
    assert book.worksheets[2]["J2"].number_format == '"€"#,##0.00'
    lines = contacts_csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(CONTACT_HEADERS)
    assert lines[1].startswith("F-0002;10/11/2026;")


async def test_admins_may_export_too(casework: BotHarness) -> None:
    assert len(documents(await export(casework, ADMIN))) == 2


async def test_each_export_is_audited_with_its_period(casework: BotHarness) -> None:
    await export(casework, COORDINATOR, "01.11.2026 30.11.2026")

    row = await casework.storage.db.fetch_one(
        "SELECT actor_id, detail FROM audit_log WHERE action = 'export'"
    )
    assert tuple(row) == (
        COORDINATOR.id,
        "2026-11-01..2026-11-30 contacts=2 families=3 requests=0",
    )


# Refusals ----------------------------------------------------------------------------------


async def test_a_period_starting_after_its_end_is_refused_with_an_example(
    casework: BotHarness,
) -> None:
    reply = only_text(await export(casework, COORDINATOR, "30.11.2026 01.11.2026"))

    assert reply == de(
        "The period would start on {first}, after its end on {last}. Example: {example}",
        first=german_date(date(2026, 11, 30)),
        last=german_date(date(2026, 11, 1)),
        example="/export 01.11.2026 30.11.2026",
    )
    assert "export" not in await casework.storage.audit.actions(COORDINATOR.id)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("32.11.2026", ("“{text}” is not a date with a year. Examples: 31.12.2026, 2026-12-31",
                        {"text": "32.11.2026"})),
        ("01.11. 30.11.", ("“{text}” is not a date with a year. Examples: 31.12.2026, 2026-12-31",
                           {"text": "01.11."})),
        ("01.11.2026 30.11.2026 mehr",
         ("Examples: /export (this month), /export 01.11.2026, {example}",
          {"example": "/export 01.11.2026 30.11.2026"})),
        ("31.12.9999", ("“{text}” is out of range: please give a year from {first} to {last}. "
                        "Example: {example}",
                        {"text": "31.12.9999", "first": 2000, "last": 2100,
                         "example": "/export 01.11.2026 30.11.2026"})),
        ("01.01.2025 30.11.2026", ("An export covers at most {days} days. Example: {example}",
                                   {"days": 366, "example": "/export 01.11.2026 30.11.2026"})),
    ],
)  # fmt: skip
async def test_wrong_dates_are_refused_naming_the_problem(
    casework: BotHarness, arguments: str, expected: tuple[str, dict]
) -> None:
    calls = await export(casework, COORDINATOR, arguments)

    msgid, values_ = expected
    assert only_text(calls) == de(msgid, **values_)
    assert documents(calls) == []


async def test_a_period_with_nothing_in_it_says_so(casework: BotHarness) -> None:
    calls = await export(casework, COORDINATOR, "01.01.2026 31.01.2026")

    assert only_text(calls) == de(
        "Nothing to export from {first} to {last}: no contacts, families or interpreter "
        "requests in this period.",
        first=german_date(date(2026, 1, 1)),
        last=german_date(date(2026, 1, 31)),
    )
    assert documents(calls) == []
    assert "export" not in await casework.storage.audit.actions(COORDINATOR.id)


async def test_case_managers_are_refused_by_the_gate(casework: BotHarness) -> None:
    calls = await export(casework, CASE_MANAGER)

    role = german_label(Role.CASE_MANAGER)
    assert only_text(calls) == de(NOT_FOR_ROLE, command="export", role=role)
    assert documents(calls) == []
    assert await casework.storage.audit.actions(CASE_MANAGER.id) == [
        "family.create", "family.create", "contact.personal_data_kept", "contact.create",
        "contact.create", "access.denied_command",
    ]  # fmt: skip


async def test_an_export_larger_than_a_chat_carries_is_refused(
    casework: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "MAX_CONTACTS", 1)

    calls = await export(casework, COORDINATOR)

    assert only_text(calls) == de(
        "From {first} to {last} there are more than {count} contacts, too many for one file. "
        "Please choose a shorter period.",
        first=german_date(date(2026, 11, 1)),
        last=german_date(date(2026, 11, 24)),
        count=1,
    )
    assert documents(calls) == []


# The period, without the bot ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "period"),
    [
        ([], (date(2026, 11, 1), date(2026, 11, 24))),
        (["15.10.2026"], (date(2026, 10, 15), date(2026, 11, 24))),
        (["2026-11-24"], (date(2026, 11, 24), date(2026, 11, 24))),
        (["01.12.2025", "30.11.2026"], (date(2025, 12, 1), date(2026, 11, 30))),
    ],
)
def test_the_period_defaults_to_the_month_until_today(
    arguments: list[str], period: tuple[date, date]
) -> None:
    with use_locale("de"):
        assert parse_period(arguments, date(2026, 11, 24)) == period


def test_a_start_after_today_is_after_the_end() -> None:
    with use_locale("de"), pytest.raises(ParseError):
        parse_period(["25.11.2026"], date(2026, 11, 24))
