"""/committee: the figure part of the committee's status report as a Word file, opened
here: its headings, tables and numbers on a fixed data set (counted by hand), the same
numbers as /month and /budget, the change since the previous report, and never a family
code."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

import docx
import pytest

from bot.casework.conferences import ConferenceDraft, ConferenceKind, Participant
from bot.casework.contacts import ContactDraft
from bot.casework.families import FamilyDraft
from bot.casework.flags import FlagStep
from bot.casework.vocabulary import BenefitSystem, ContactType, FlagCategory, Topic
from bot.core.i18n import format_date, use_locale
from bot.core.offline import BotCall, Person
from bot.core.parsing import ParseError
from bot.demo.data import generate
from bot.reporting.committee import (
    Asked,
    Issued,
    parse_committee,
    span_of,
    without_codes,
)
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.dates import berlin, berlin_midnight
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.invariants import database_problems
from tests.helpers.texts import de, in_locale

TODAY = date(2026, 11, 24)
CM, ABH, EBH = (
    Participant.CASE_MANAGEMENT,
    Participant.IMMIGRATION_OFFICE,
    Participant.NATURALISATION_OFFICE,
)
UKRAINIAN_COORDINATOR = Person(1010, "Olena", "olena_koord", "uk")
OUTCOME = "Termin-Kontingent mit der ABH vereinbart, wie bei F-0001 besprochen"
HEADINGS = [
    "Kommunales Integrationsmanagement (KIM) – Sachstandsbericht",
    "1 Programm und Bausteine",
    "2 Beratene Familien",
    "3 Beratungsthemen und Kontakte",
    "4 Fallkonferenzen mit Ausländer- und Einbürgerungsbehörde",
    "5 Strukturelle Lücken",
    "6 Sprachmittlung und Budgets",
]
TOWNS = ["Ahlen", "Beckum", "Beelen", "Drensteinfurt", "Ennigerloh", "Everswinkel", "Oelde",
         "Ostbevern", "Sassenberg", "Sendenhorst", "Telgte", "Wadersloh", "Warendorf"]  # fmt: skip


async def family(
    bot: BotHarness, town: str, fled: bool, opened: date, benefits: BenefitSystem | None = None
) -> int:
    draft = FamilyDraft(
        town, "UA" if fled else "SY", 3, ("uk",) if fled else ("ar",), fled, benefits
    )
    created = await bot.storage.families.create(
        draft, CASE_MANAGER.id, opened, berlin_midnight(opened)
    )
    return created.id


async def contact(
    bot: BotHarness, family_id: int, day: date, minutes: int, kind: ContactType, *topics: Topic
) -> None:
    draft = ContactDraft(family_id, day, minutes, kind, topics)
    await bot.storage.contacts.add(
        draft, CASE_MANAGER.id, berlin_midnight(day) + timedelta(hours=9)
    )


@pytest.fixture
async def county(bot: BotHarness) -> BotHarness:
    """A fixed county; the report is made on Friday 27.11.2026.

    Families: F-0001 Ahlen, fled from Ukraine, since 01.06.2026; F-0002 Beckum since
    05.11.2026; F-0003 Telgte, fled from Ukraine, 15.09.2025 to 10.11.2026; F-0004 Ahlen
    since 01.11.2025. Four contacts in November 2026 and two in November 2025. Three
    structural gaps, one closed in 2026. Three conferences in November 2026, one in
    November 2025. Staffing from 01.01.2026; two interpreter requests
    (one invoiced with 70,00 €, one committed with 30,00 €) and an expense of 1.200,00 €.
    """
    storage = bot.storage
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(UKRAINIAN_COORDINATOR, Role.COORDINATOR, locale="uk")
    ahlen = await family(bot, "Ahlen", True, date(2026, 6, 1), BenefitSystem.SGB_II)
    beckum = await family(bot, "Beckum", False, date(2026, 11, 5), BenefitSystem.ASYLBLG)
    telgte = await family(bot, "Telgte", True, date(2025, 9, 15), BenefitSystem.SGB_II)
    ahlen_2 = await family(bot, "Ahlen", False, date(2025, 11, 1))
    await storage.families.close(telgte, "verzogen", CASE_MANAGER.id, date(2026, 11, 10),
                                 berlin_midnight(date(2026, 11, 10)))  # fmt: skip
    await contact(bot, ahlen, date(2026, 11, 2), 60, ContactType.HOME_VISIT,
                  Topic.RESIDENCE, Topic.WORK)  # fmt: skip
    await contact(bot, ahlen, date(2026, 11, 10), 30, ContactType.PHONE, Topic.WORK)
    await contact(bot, beckum, date(2026, 11, 16), 90, ContactType.ACCOMPANIMENT, Topic.HEALTH)
    await contact(bot, ahlen_2, date(2026, 11, 20), 45, ContactType.OFFICE, Topic.HOUSING)
    await contact(bot, telgte, date(2025, 11, 10), 60, ContactType.HOME_VISIT, Topic.RESIDENCE)
    await contact(bot, ahlen_2, date(2025, 11, 3), 15, ContactType.PHONE, Topic.LANGUAGE)
    flags = storage.flags
    closed = await flags.add(ahlen, FlagCategory.WAITING_TIME, "Wartezeit ABH",
                             CASE_MANAGER.id, berlin(2026, 11, 3, 10))  # fmt: skip
    await flags.move(closed.id, FlagStep.DISCUSS, None, COORDINATOR.id, berlin(2026, 11, 5, 10))
    await flags.move(closed.id, FlagStep.PROGRESS, "ABH", COORDINATOR.id, berlin(2026, 11, 10, 10))
    await flags.move(closed.id, FlagStep.CLOSE, OUTCOME, COORDINATOR.id, berlin(2026, 11, 20, 10))
    await flags.add(ahlen_2, FlagCategory.MISSING_SERVICE, "Kein Kitaplatz", CASE_MANAGER.id,
                    berlin(2026, 11, 15, 10))  # fmt: skip
    await flags.add(telgte, FlagCategory.INTERFACE, "Jobcenter und ABH", CASE_MANAGER.id,
                    berlin(2025, 10, 10, 10))  # fmt: skip
    await bot.send(COORDINATOR, "/fte @anna_kim 1")
    await bot.send(COORDINATOR, "/fte @konrad_koord 1")
    for line in (
        "set case_management funded 14,0 vacant 2,88 money 980.000 from 01.01.2026",
        "set koordination funded 3 vacant 2 money 210.000 from 01.01.2026",
        "set offices funded 4 vacant 4 money 280.000 from 01.01.2026",
    ):
        await bot.send(COORDINATOR, f"/staffing {line}")
    for form in (
        "/interpreter F-0001 uk 26.11. 10:00 90m vor-ort Ahlen Ausländerbehörde",  # 70,00 €
        "/interpreter uk 10.12. 10:00 60m telefon abh",  # 30,00 €
    ):
        await bot.send(CASE_MANAGER, form)
        await bot.press(CASE_MANAGER, de("Confirm"))
    await bot.send(COORDINATOR, "/approve 1")
    await bot.send(COORDINATOR, "/approve 2")
    await bot.send(ADMIN, '/spend maßnahmen 1.200 "Stadthalle Ahlen" RE-117 Raummiete #raum')
    for held_on, kind, teams, family_ids, minutes in (
        (date(2026, 11, 12), ConferenceKind.CASE, (CM, ABH), (ahlen,), 60),
        (date(2026, 11, 18), ConferenceKind.CASE, (CM, ABH, EBH), (beckum,), 90),
        (date(2026, 11, 4), ConferenceKind.CROSS_CASE, (Participant.COORDINATION, CM, ABH), (),
         120),
        (date(2025, 11, 12), ConferenceKind.CASE, (CM, ABH), (ahlen_2,), 45),
    ):  # fmt: skip
        draft = ConferenceDraft(held_on, kind, teams, "", family_ids, (Topic.RESIDENCE,), minutes)
        await storage.conferences.add(
            draft, CASE_MANAGER.id, frozenset(), berlin(2026, 11, 24, 9), (CASE_MANAGER.id, minutes)
        )
    bot.time.advance(days=3)  # Friday 27.11.2026, 09:00
    await bot.send(COORDINATOR, "/invoice 1 70,00 Pool RE-1 26.11.2026")
    return bot


def ukrainian(day: date) -> str:
    with use_locale("uk"):
        return format_date(day)


def document_of(calls: list[BotCall]) -> docx.document.Document:
    [upload] = [call.uploads["document"] for call in calls if call.method == "sendDocument"]
    return docx.Document(io.BytesIO(upload.content))


def cells(document: docx.document.Document, number: int) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in document.tables[number].rows]


def headings(document: docx.document.Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


async def test_the_first_report_compares_with_the_same_days_a_year_before(
    county: BotHarness,
) -> None:
    calls = await county.send(COORDINATOR, "/committee")

    [sent] = [call for call in calls if call.method == "sendDocument"]
    assert sent.uploads["document"].filename == "KIM-Sachstandsbericht-2026-11-27.docx"
    assert sent.params["caption"] == (
        "Sachstandsbericht für den Ausschuss, Zahlen zum 27.11.2026 (Zeitraum 01.01.2026 – "
        "27.11.2026), verglichen mit denselben Tagen ein Jahr zuvor (es gab noch keinen "
        "Bericht). Auf Deutsch, wie der Ausschuss ihn liest."
    )
    document = document_of(calls)
    assert headings(document) == HEADINGS
    texts = [p.text for p in document.paragraphs]
    assert "Berichtszeitraum: 01.01.2026 – 27.11.2026" in texts
    # Staff registered on 24.11.2026 and staffing from 01.01.2026: nothing a year before.
    assert cells(document, 0) == [
        ["Baustein", "gefördert", "besetzt", "offen", "Mittel pro Jahr"],
        ["Koordination und Verwaltung", "3,00\n+3,00", "1,00\n+1,00", "2,00\n+2,00",
         "210.000,00\xa0€\n+210.000,00\xa0€"],
        ["Case Management", "14,00\n+14,00", "1,00\n+1,00", "2,88\n+2,88",
         "980.000,00\xa0€\n+980.000,00\xa0€"],
        ["Ausländer- und Einbürgerungsbehörde", "4,00\n+4,00", "0,00\n±0", "4,00\n+4,00",
         "280.000,00\xa0€\n+280.000,00\xa0€"],
        ["Summe", "21,00\n+21,00", "2,00\n+2,00", "8,88\n+8,88",
         "1.470.000,00\xa0€\n+1.470.000,00\xa0€"],
    ]  # fmt: skip
    # Case management: 1,00 filled + 2,88 vacant = 3,88 of 14,00 funded.
    assert any(
        text.startswith("Hinweis: Besetzt + offen ergibt nicht die geförderten Stellen: "
                        "Case Management: 1,00 besetzt + 2,88 offen = 3,88, nicht 14,00")
        for text in texts
    )  # fmt: skip
    # On 27.11.2026: F-0001, F-0002, F-0004 (1 from Ukraine); on 27.11.2025: F-0003 (Ukraine)
    # and F-0004. New in 2026: F-0001, F-0002; in 2025 until 27.11.: F-0003, F-0004.
    # 3 families on 1,00 filled case management position.
    assert cells(document, 1) == [
        ["Kennzahl", "Anzahl"],
        ["Familien in Beratung am 27.11.2026", "3\n+1"],
        ["davon aus der Ukraine geflüchtet", "1\n±0"],
        ["neu aufgenommen im Berichtszeitraum", "2\n±0"],
        ["abgeschlossen im Berichtszeitraum", "1\n+1"],
        ["Familien je besetzter Case-Management-Stelle", "3,0"],
    ]
    towns = cells(document, 2)
    assert [row[0] for row in towns] == ["Kommune", *TOWNS, "Summe"]
    assert towns[1] == ["Ahlen", "2\n+1", "1\n+1"]
    assert towns[2] == ["Beckum", "1\n+1", "0\n±0"]
    assert towns[11] == ["Telgte", "0\n−1", "0\n−1"]
    assert towns[3] == ["Beelen", "0\n±0", "0\n±0"]
    assert towns[-1] == ["Summe", "3\n+1", "1\n±0"]
    # On 27.11.2026: F-0001 SGB II, F-0002 AsylbLG, F-0004 not recorded; on 27.11.2025:
    # F-0003 SGB II, F-0004.
    assert cells(document, 3) == [
        ["Rechtskreis", "Familien in Beratung"],
        ["SGB II (Jobcenter)", "1\n±0"],
        ["SGB XII (Sozialamt)", "0\n±0"],
        ["AsylbLG", "1\n+1"],
        ["Keiner/sonstiger", "0\n±0"],
        ["nicht erfasst", "1\n±0"],
        ["Summe", "3\n+1"],
    ]
    # Contacts 2026: 60 + 30 + 90 + 45 = 225 minutes = 3,75 h → 3,8; 2025: 60 + 15 = 75
    # minutes, 1,25 h; difference 150 minutes = 2,5 h.
    assert "Im Berichtszeitraum 4 Kontakte (+2) mit 3,8 Stunden (+2,5)." in texts
    kinds = cells(document, 4)
    assert kinds[0] == ["Kontaktart", "Kontakte", "Stunden"]
    assert ["Hausbesuch", "1\n±0", "1,0\n±0"] in kinds
    assert ["Telefonat", "1\n±0", "0,5\n+0,3"] in kinds
    assert kinds[-1] == ["Summe", "4\n+2", "3,8\n+2,5"]
    topics = {row[0]: row[1] for row in cells(document, 5)[1:]}
    assert len(topics) == len(Topic)
    assert topics["Arbeit/Jobsuche"] == "2\n+2"
    assert topics["Aufenthalt/Asyl"] == "1\n±0"
    assert topics["Sprache/Integrationskurs"] == "0\n−1"
    # 2026: case conferences on 12.11. (ABH, 60 min) and 18.11. (ABH and EBH, 90 min), the
    # cross-case meeting on 04.11. (120 min): 270 min = 4,5 h. 2025: one on 12.11.2025 with
    # the ABH (45 min, 0,75 h → 0,8); change 225 min = 3,75 h → 3,8.
    assert cells(document, 6) == [
        ["im Berichtszeitraum", "Anzahl"],
        ["Fallkonferenzen", "2\n+1"],
        ["davon mit der Ausländerbehörde", "2\n+1"],
        ["davon mit der Einbürgerungsbehörde", "1\n+1"],
        ["fallübergreifende Besprechungen", "1\n+1"],
        ["Stunden", "4,5\n+3,8"],
    ]
    # 2026: two reported, one discussed, in progress, closed; open on 27.11.2026 the gap
    # of 15.11.2026 and that of 10.10.2025. 2025: one reported, open on 27.11.2025.
    assert cells(document, 7) == [
        ["Strukturelle Lücken im Berichtszeitraum", "Anzahl"],
        ["gemeldet", "2\n+1"],
        ["mit der Koordination besprochen", "1\n+1"],
        ["in Bearbeitung mit Partnern", "1\n+1"],
        ["abgeschlossen", "1\n+1"],
        ["offen am 27.11.2026", "2\n+1"],
    ]
    assert "Wartezeiten: Termin-Kontingent mit der ABH vereinbart, wie bei […] besprochen" in texts
    # Requests made in 2026: 2; the appointment of 26.11. (90 minutes) lies in the period,
    # that of 10.12. does not; spent: the invoice of 70,00 €.
    assert cells(document, 8) == [
        ["Sprachmittlung im Berichtszeitraum", "Anzahl"],
        ["Dolmetschanfragen", "2\n+2"],
        ["Dolmetschstunden (Termine im Zeitraum)", "1,5\n+1,5"],
        ["Kosten Dolmetschen und Übersetzen", "70,00\xa0€\n+70,00\xa0€"],
    ]
    assert cells(document, 9) == [
        ["Fonds", "Budget", "verausgabt", "gebunden", "verfügbar"],
        ["Übersetzung/Dolmetschen\n01.10.2026 – 31.12.2026", "30.000,00\xa0€",
         "70,00\xa0€\n+70,00\xa0€", "30,00\xa0€", "29.900,00\xa0€"],
        ["Maßnahmen\n01.01.2026 – 31.12.2026", "30.000,00\xa0€", "1.200,00\xa0€\n+1.200,00\xa0€",
         "0,00\xa0€", "28.800,00\xa0€"],
        ["Veranstaltungen\n01.01.2026 – 31.12.2026", "10.000,00\xa0€", "0,00\xa0€\n±0,00\xa0€",
         "0,00\xa0€", "10.000,00\xa0€"],
        ["Externe Beratung\n01.01.2026 – 31.12.2026", "9.000,00\xa0€", "0,00\xa0€\n±0,00\xa0€",
         "0,00\xa0€", "9.000,00\xa0€"],
    ]  # fmt: skip


async def test_no_family_code_anywhere_in_the_file(county: BotHarness) -> None:
    calls = await county.send(COORDINATOR, "/committee")

    [upload] = [call.uploads["document"] for call in calls if call.method == "sendDocument"]
    with zipfile.ZipFile(io.BytesIO(upload.content)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                assert not re.search(r"F-\d{4}", archive.read(name).decode()), name
    assert without_codes("bei F-0042, f-7 und F 12 gesehen") == "bei […], […] und […] gesehen"


async def test_the_next_report_compares_with_the_previous_report(county: BotHarness) -> None:
    await county.send(COORDINATOR, "/committee")
    county.time.advance(days=4)  # Tuesday 01.12.2026
    await contact(county, 1, date(2026, 11, 30), 45, ContactType.OFFICE, Topic.WORK)
    await county.storage.families.close(4, None, CASE_MANAGER.id, date(2026, 11, 30),
                                        berlin_midnight(date(2026, 11, 30)))  # fmt: skip

    calls = await county.send(COORDINATOR, "/committee")

    document = document_of(calls)
    texts = [p.text for p in document.paragraphs]
    assert "Berichtszeitraum: 28.11.2026 – 01.12.2026" in texts
    assert any(text.startswith("Vergleich: Bericht zum 27.11.2026 (Zeitraum 01.01.2026 – "
                               "27.11.2026)") for text in texts)  # fmt: skip
    # On 01.12.: F-0001 and F-0002 (F-0004 closed on 30.11.); on 27.11.: three.
    assert cells(document, 1)[1:5] == [
        ["Familien in Beratung am 01.12.2026", "2\n−1"],
        ["davon aus der Ukraine geflüchtet", "1\n±0"],
        ["neu aufgenommen im Berichtszeitraum", "0\n−2"],
        ["abgeschlossen im Berichtszeitraum", "1\n±0"],
    ]
    # One contact of 45 minutes against four of 225 minutes (3,0 h fewer).
    assert "Im Berichtszeitraum 1 Kontakte (−3) mit 0,8 Stunden (−3,0)." in texts
    # Spent since the report of 27.11.: nothing.
    assert cells(document, 9)[1][2] == "70,00\xa0€\n±0,00\xa0€"
    rows = await county.storage.db.fetch_all(
        "SELECT as_of, first_day, issued_by FROM committee_reports ORDER BY id"
    )
    assert [tuple(row) for row in rows] == [
        ("2026-11-27", "2026-01-01", COORDINATOR.id),
        ("2026-12-01", "2026-11-28", COORDINATOR.id),
    ]
    audit = await county.storage.db.fetch_all(
        "SELECT actor_id, detail FROM audit_log WHERE action = 'committee.issue' ORDER BY id"
    )
    assert [tuple(row) for row in audit] == [
        (COORDINATOR.id, "2026-01-01..2026-11-27"),
        (COORDINATOR.id, "2026-11-28..2026-12-01"),
    ]


def _pattern(msgid: str) -> re.Pattern[str]:
    """A German line of /month or /budget with its placeholders as named groups."""
    parts = re.split(r"\{(\w+)\}", de(msgid))
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


def _values(text: str, msgid: str) -> dict[str, str]:
    pattern = _pattern(msgid)
    for line in text.splitlines():
        if match := pattern.match(line):
            return match.groupdict()
    raise AssertionError(f"no line for {msgid!r} in {text}")


async def test_the_same_numbers_as_month_and_budget(county: BotHarness) -> None:
    month = only_text(await county.send(COORDINATOR, "/month 11.2026"))
    budget = only_text(await county.send(COORDINATOR, "/budget"))
    staffing = only_text(await county.send(COORDINATOR, "/staffing"))

    document = document_of(await county.send(COORDINATOR, "/committee 01.11.2026-30.11.2026"))

    texts = [p.text for p in document.paragraphs]
    for row in cells(document, 0)[1:-1]:
        line = de("{label}: {funded} funded, {filled} filled, {vacant} vacant, {money}",
                  label=row[0], funded=row[1].split("\n")[0], filled=row[2].split("\n")[0],
                  vacant=row[3].split("\n")[0], money=row[4].split("\n")[0])  # fmt: skip
        assert f"• {line}" in staffing.splitlines()
    families = {row[0]: row[1].split("\n")[0] for row in cells(document, 1)[1:]}
    contacts = _values(month, "Contacts: {count} ({change}) · hours: {hours} ({hours_change})")
    assert f"Im Berichtszeitraum {contacts['count']} Kontakte" in " ".join(texts)
    # /month's changes are against October; the committee's against the year before.
    assert [cell.split("\n")[0] for cell in cells(document, 4)[-1][1:]] == [
        contacts["count"],
        contacts["hours"],
    ]
    new = _values(month, "New families: {new} ({new_change}) · closed: {closed} ({closed_change})")
    assert families["neu aufgenommen im Berichtszeitraum"] == new["new"] == "1"
    assert families["abgeschlossen im Berichtszeitraum"] == new["closed"] == "1"
    active = _values(
        month, "Active caseload at the end: {count} ({change}), of those fled from Ukraine: "
        "{ukraine}"
    )  # fmt: skip
    assert families["Familien in Beratung am 27.11.2026"] == active["count"] == "3"
    assert families["davon aus der Ukraine geflüchtet"] == active["ukraine"] == "1"
    requests = _values(
        month, "Interpreter requests: {count} ({change}) · interpreting and translation spent: "
        "{spent} ({spent_change})"
    )  # fmt: skip
    interpreting = {row[0]: row[1].split("\n")[0] for row in cells(document, 8)[1:]}
    assert interpreting["Dolmetschanfragen"] == requests["count"] == "2"
    assert interpreting["Kosten Dolmetschen und Übersetzen"] == requests["spent"]
    gaps = _values(
        month, "Structural gaps: {raised} raised ({raised_change}), {closed} closed "
        "({closed_change})"
    )  # fmt: skip
    flags = {row[0]: row[1].split("\n")[0] for row in cells(document, 7)[1:]}
    assert (flags["gemeldet"], flags["abgeschlossen"]) == (gaps["raised"], gaps["closed"])
    funds = cells(document, 9)[1:]
    blocks = budget.split("\n\n")[1:-1]
    assert len(funds) == len(blocks) == 4
    for row, block in zip(funds, blocks, strict=True):
        heading, figures, forecast = block.splitlines()
        name = row[0].split("\n")[0]
        assert name in heading
        shown = _values(
            figures, "{spent} spent, {committed} committed: {available} of {amount} available"
        )
        assert [row[1], row[2].split("\n")[0], row[3], row[4]] == [
            shown["amount"],
            shown["spent"],
            shown["committed"],
            shown["available"],
        ]
        assert f"{name}: {forecast}" in [p.text for p in document.paragraphs]


async def test_a_ukrainian_coordinator_gets_it_in_german_with_a_caption_in_ukrainian(
    county: BotHarness,
) -> None:
    calls = await county.send(UKRAINIAN_COORDINATOR, "/committee 2026")

    [sent] = [call for call in calls if call.method == "sendDocument"]
    assert sent.params["caption"] == in_locale(
        "uk",
        "Status report to the committee, figures as of {date} (period {first} – {date}), "
        "{compared}. In German, as the committee reads it.",
        date=ukrainian(date(2026, 11, 27)),
        first=ukrainian(date(2026, 1, 1)),
        compared=in_locale("uk", "compared with the same days a year before (no earlier report)"),
    )
    assert headings(document_of(calls)) == HEADINGS


async def test_only_coordinators_and_admins(county: BotHarness) -> None:
    calls = await county.send(CASE_MANAGER, "/committee")

    assert not [call for call in calls if call.method == "sendDocument"]
    assert await county.storage.db.fetch_value("SELECT count(*) FROM committee_reports") == 0
    assert [call.method for call in await county.send(ADMIN, "/committee")].count(
        "sendDocument"
    ) == 1


@pytest.mark.parametrize(
    ("typed", "reply"),
    [
        ("morgen", "„morgen“ ist kein Datum und kein Zeitraum. Beispiele: "),
        ("2027", "Der Zeitraum beginnt am 01.01.2027, in der Zukunft. Beispiele: "),
        (
            "01.12.2026",
            "01.12.2026 liegt in der Zukunft: Ein Bericht zeigt, was geschehen ist. Beispiele: ",
        ),
        (
            "30.11.2026-01.10.2026",
            "Der Zeitraum würde am 30.11.2026 beginnen, nach seinem Ende "
            "am 01.10.2026. Beispiele: ",
        ),
    ],
)
async def test_bad_input_says_what_was_wrong(bot: BotHarness, typed: str, reply: str) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)

    text = only_text(await bot.send(COORDINATOR, f"/committee {typed}"))

    assert text.startswith(reply)
    assert text.endswith("/committee 01.10.2026-30.11.2026")


def test_the_forms_of_a_period() -> None:
    assert parse_committee("", TODAY) == Asked(TODAY)
    assert parse_committee("30.09.2026", TODAY) == Asked(date(2026, 9, 30))
    assert parse_committee("2025", TODAY) == Asked(date(2025, 12, 31), date(2025, 1, 1))
    assert parse_committee("2026", TODAY) == Asked(TODAY, date(2026, 1, 1))
    assert parse_committee("Q3 2026", TODAY) == Asked(date(2026, 9, 30), date(2026, 7, 1))
    assert parse_committee("2026-q4", TODAY) == Asked(TODAY, date(2026, 10, 1))
    assert parse_committee("01.10.2026 - 30.11.2026", TODAY) == Asked(TODAY, date(2026, 10, 1))
    assert parse_committee("01.10.2026 bis 31.10.2026", TODAY) == Asked(
        date(2026, 10, 31), date(2026, 10, 1)
    )
    assert parse_committee("2026-10-01-2026-10-31", TODAY) == Asked(
        date(2026, 10, 31), date(2026, 10, 1)
    )
    assert parse_committee("2026-11-20", TODAY) == Asked(date(2026, 11, 20))
    for wrong in ("Q5 2026", "31.02.2026", "01.10.2026-31.02.2026", "gestern"):
        with pytest.raises(ParseError):
            parse_committee(wrong, TODAY)


def test_the_period_and_what_it_is_compared_with() -> None:
    # First report: the calendar year so far, against the same days a year before.
    first = span_of(Asked(date(2028, 2, 29)), None)
    assert (first.first, first.previous) == (
        date(2028, 1, 1), Issued(date(2027, 2, 28), date(2027, 1, 1))
    )  # fmt: skip
    # Then: since the previous report, against it.
    later = span_of(Asked(TODAY), Issued(date(2026, 9, 30), date(2026, 1, 1)))
    assert (later.first, later.after_report) == (date(2026, 10, 1), True)
    assert isinstance(later.previous, Issued)
    assert span_of(Asked(TODAY, date(2026, 11, 1)), None).first == date(2026, 11, 1)


async def test_the_demo_county_fills_every_section(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)
    funds = {fund.purpose.value: fund for fund in await bot.storage.funds.all()}
    translation = funds.pop("translation")
    data = generate(
        380, 52, TODAY, bot.application.bot_data.settings.towns, translation.id,
        translation.starts_on,
        expense_funds={purpose: (fund.id, fund.starts_on) for purpose, fund in funds.items()},
    )  # fmt: skip
    await bot.storage.demo.load(data)
    assert database_problems(bot.application.bot_data.settings.database_path) == []

    document = document_of(await bot.send(COORDINATOR, "/committee"))

    staffing = cells(document, 0)
    assert staffing[-1][1].startswith("21,00")  # the seed's 21 funded positions
    families = int(cells(document, 1)[1][1].split("\n")[0].replace(".", ""))
    assert 300 < families < 380
    # Every budget has spent something, none beyond its amount.
    budgets = cells(document, 9)[1:]
    assert len(budgets) == 4
    assert all(not row[2].startswith("0,00") for row in budgets)
    assert all("überzogen" not in row[4] for row in budgets)
    # Gaps at every step, and closed ones with their outcomes.
    gaps = {row[0]: int(row[1].split("\n")[0]) for row in cells(document, 7)[1:]}
    assert gaps["gemeldet"] and gaps["abgeschlossen"]
    outcomes = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert any("Ausländerbehörde" in text for text in outcomes)
