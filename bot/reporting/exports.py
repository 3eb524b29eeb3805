"""The export for coordinators: an Excel workbook and a CSV of the contacts.

Families appear only by their code (F-0042); no free text is exported at all, since notes
and reasons may hold personal details. Dates are real date cells and money real numbers
(euros, from integer cents), so that Excel can sort, filter and sum them.

The functions are synchronous and CPU-bound: handlers run them with `asyncio.to_thread`,
which carries the current locale along.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.casework.families import family_code
from bot.casework.vocabulary import BenefitSystem, ContactType, Service, Topic, topics_from_bits
from bot.core.i18n import _, country_name, current_locale, format_date, format_items, language_name
from bot.core.parsing import ParseError, parse_full_date
from bot.core.text import yes_no
from bot.core.workbook import DATE_FORMATS, Money, sheet_name, write_cell
from bot.interpreting.requests import Mode, Purpose, Status, status_label
from bot.reporting.figures import benefit_label
from bot.staff.roles import Team

if TYPE_CHECKING:
    from openpyxl import Workbook


EXAMPLE = "/export 01.11.2026 30.11.2026"
# A year at most: a longer export is rarely wanted and grows past what a chat carries.
MAX_DAYS = 366
# A text starting with one of these is a formula to Excel: never let one run.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def parse_period(args: Sequence[str], today: date) -> tuple[date, date]:
    """The first and last day of an export: the current month so far, or from a day
    until today, or from one day to another (31.12.2026 or 2026-12-31)."""
    if len(args) > 2:
        raise ParseError(
            _("Examples: /export (this month), /export 01.11.2026, {example}").format(
                example=EXAMPLE
            )
        )
    first = parse_full_date(args[0], EXAMPLE) if args else today.replace(day=1)
    last = parse_full_date(args[1], EXAMPLE) if len(args) == 2 else today
    if first > last:
        raise ParseError(
            _("The period would start on {first}, after its end on {last}. Example: {example}")
            .format(first=format_date(first), last=format_date(last), example=EXAMPLE)
        )  # fmt: skip
    if (last - first).days >= MAX_DAYS:
        raise ParseError(
            _("An export covers at most {days} days. Example: {example}").format(
                days=MAX_DAYS, example=EXAMPLE
            )
        )
    return first, last


def period_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight at the start of `first` and after `last`: the period as instants."""
    return (
        datetime.combine(first, datetime.min.time(), tzinfo=tz),
        datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz),
    )


@dataclass(frozen=True)
class Export:
    """What one export holds: the period's rows, and the time zone to show times in."""

    first: date
    last: date
    contacts: list[ContactRow]
    families: list[FamilyRow]
    requests: list[RequestRow]
    weeks: list[WeekTotals]
    tz: ZoneInfo
    active_by_benefit: dict[BenefitSystem | None, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.families or self.requests)


@dataclass(frozen=True)
class _Column:
    """A column of a sheet: its header in the current language, a row's value, a width."""

    header: str
    value: Callable[[Any], Any]
    width: int


def _contact_columns() -> list[_Column]:
    return [
        _Column(_("Family"), lambda row: row.family_code, 10),
        _Column(_("Date"), lambda row: row.contact_on, 12),
        _Column(_("Staff"), lambda row: row.staff, 18),
        _Column(_("Staff ID"), lambda row: row.staff_id, 12),
        _Column(_("Contact type"), lambda row: row.contact_type.label, 20),
        _Column(_("Minutes"), lambda row: row.minutes, 10),
        _Column(
            _("Topics"),
            lambda row: ", ".join(topic.label for topic in row.topics),
            40,
        ),
        _Column(_("Town"), lambda row: row.town, 14),
        _Column(_("Fled from Ukraine"), lambda row: yes_no(row.fled_ukraine), 12),
        _Column(_("Referred to"), lambda row: row.referral.label if row.referral else None, 22),
        _Column(_("Follow-up"), lambda row: row.follow_up_on, 12),
        _Column(
            _("Benefit system"),
            lambda row: row.benefit_system.label if row.benefit_system else None,
            22,
        ),
        _Column(_("Team"), lambda row: row.team.label if row.team else None, 20),
    ]


def _family_columns() -> list[_Column]:
    return [
        _Column(_("Family"), lambda row: row.code, 10),
        _Column(_("Town"), lambda row: row.town, 14),
        _Column(_("Country of origin"), lambda row: country_name(row.origin), 18),
        _Column(_("Household"), lambda row: row.household_size, 10),
        _Column(
            _("Languages"),
            lambda row: format_items([language_name(code) for code in row.languages]),
            28,
        ),
        _Column(_("Fled from Ukraine"), lambda row: yes_no(row.fled_ukraine), 12),
        _Column(
            _("Benefit system"),
            lambda row: row.benefit_system.label if row.benefit_system else None,
            22,
        ),
        _Column(_("Consent given on"), lambda row: row.consent_on, 12),
        _Column(_("Opened"), lambda row: row.opened_on, 12),
        _Column(_("Closed"), lambda row: row.closed_on, 12),
        _Column(_("Status"), lambda row: _("active") if row.active else _("closed"), 12),
        _Column(_("Case manager"), lambda row: row.case_manager, 18),
        _Column(_("Case manager ID"), lambda row: row.case_manager_id, 12),
    ]


def _request_columns(tz: ZoneInfo) -> list[_Column]:
    def local(moment: datetime) -> datetime:
        # Excel knows no time zones: the local wall-clock time, as staff read it.
        return moment.astimezone(tz).replace(tzinfo=None)

    return [
        _Column(_("Request"), lambda row: row.id, 10),
        _Column(_("Family"), lambda row: row.family_code, 10),
        _Column(_("Language"), lambda row: language_name(row.language), 16),
        _Column(_("Kind"), lambda row: row.mode.label, 16),
        _Column(_("Start"), lambda row: local(row.starts_at), 17),
        _Column(_("Minutes"), lambda row: row.minutes, 10),
        _Column(_("Pages"), lambda row: row.pages, 8),
        _Column(_("Purpose"), lambda row: row.purpose.label, 22),
        _Column(_("Status"), lambda row: status_label(row.status), 22),
        _Column(_("Estimate"), lambda row: Money(row.estimate_cents), 14),
        _Column(_("Committed"), lambda row: Money(row.committed_cents), 14),
        _Column(_("Spent"), lambda row: Money(row.spent_cents), 14),
        _Column(_("Requested on"), lambda row: local(row.created_at), 17),
    ]


def _week_columns() -> list[_Column]:
    return [
        _Column(
            _("Week"),
            lambda row: _("CW {week}/{year}").format(
                week=row.week, year=row.monday.isocalendar()[0]
            ),
            12,
        ),
        _Column(_("From"), lambda row: row.monday, 12),
        _Column(_("To"), lambda row: row.sunday, 12),
        _Column(_("Contacts"), lambda row: row.contacts, 10),
        _Column(_("Minutes"), lambda row: row.minutes, 10),
        _Column(_("Families reached"), lambda row: row.families_reached, 16),
    ]


@dataclass(frozen=True)
class GroupTotals:
    """A row of the sheet by benefit system and team: contacts and minutes of the period;
    for a benefit system also the active families on its last day."""

    group: str
    name: str
    contacts: int
    minutes: int
    active_at_end: int | None = None


def group_totals(
    contacts: Sequence[ContactRow], active_by_benefit: dict[BenefitSystem | None, int]
) -> list[GroupTotals]:
    """The period's contacts by the benefit system of their day ("none" also holds "not
    recorded", as in /month) and by the team of who logged them."""
    rows = []
    for system in BenefitSystem:
        keys = {system, None} if system is BenefitSystem.NONE else {system}
        mine = [row for row in contacts if row.benefit_system in keys]
        rows.append(GroupTotals(
            _("Benefit system"), benefit_label(system), len(mine),
            sum(row.minutes for row in mine),
            sum(active_by_benefit.get(key, 0) for key in keys),
        ))  # fmt: skip
    for team in Team:
        mine = [row for row in contacts if row.team is team]
        if mine:
            rows.append(GroupTotals(_("Team"), team.label, len(mine),
                                    sum(row.minutes for row in mine)))  # fmt: skip
    return rows


def _group_columns() -> list[_Column]:
    return [
        _Column(_("Group"), lambda row: row.group, 18),
        _Column(_("Name"), lambda row: row.name, 28),
        _Column(_("Contacts"), lambda row: row.contacts, 10),
        _Column(_("Minutes"), lambda row: row.minutes, 10),
        _Column(_("Active families at the end"), lambda row: row.active_at_end, 16),
    ]


def workbook_bytes(export: Export) -> bytes:
    """The workbook: contacts, families, requests and weekly totals, one sheet each."""
    # Imported here, like matplotlib for the charts: the bot's start need not wait for it.
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "KIM-Bot"
    workbook.properties.title = _("KIM export {first} – {last}").format(
        first=export.first.isoformat(), last=export.last.isoformat()
    )
    locale = current_locale()
    sheets = [
        (_("Contacts"), _contact_columns(), export.contacts),
        (_("Families"), _family_columns(), export.families),
        (_("Interpreter requests"), _request_columns(export.tz), export.requests),
        (_("Weekly totals"), _week_columns(), export.weeks),
        (
            _("By benefit system and team"),
            _group_columns(),
            group_totals(export.contacts, export.active_by_benefit),
        ),
    ]
    for title, columns, rows in sheets:
        _add_sheet(workbook, title, columns, rows, locale)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_sheet(
    workbook: Workbook, title: str, columns: list[_Column], rows: Sequence[Any], locale: str
) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(sheet_name(title))
    bold = Font(bold=True)
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=number, value=column.header)
        cell.font = bold
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    for row_number, row in enumerate(rows, start=2):
        for number, column in enumerate(columns, start=1):
            write_cell(sheet.cell(row=row_number, column=number), column.value(row), locale)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def contacts_csv_bytes(contacts: list[ContactRow]) -> bytes:
    """The contacts as German Excel opens a CSV: UTF-8 with BOM, semicolons, local dates."""
    columns = _contact_columns()
    date_format = _strftime(DATE_FORMATS[current_locale()])
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for row in contacts:
        writer.writerow([_csv_value(column.value(row), date_format) for column in columns])
    return text.getvalue().encode("utf-8-sig")


def _csv_value(value: Any, date_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(date_format)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        # Excel would run it as a formula; a leading apostrophe shows it as text.
        return "'" + value
    return str(value)


def _strftime(excel_format: str) -> str:
    return excel_format.replace("DD", "%d").replace("MM", "%m").replace("YYYY", "%Y")


@dataclass(frozen=True)
class ContactRow:
    family_id: int
    contact_on: date
    staff_id: int
    staff: str
    contact_type: ContactType
    minutes: int
    topic_bits: int
    town: str
    fled_ukraine: bool
    referral: Service | None
    follow_up_on: date | None
    # Of the contact's day (the town above too); the team of who logged it, as it is now.
    benefit_system: BenefitSystem | None = None
    team: Team | None = None

    @property
    def family_code(self) -> str:
        return family_code(self.family_id)

    @property
    def topics(self) -> list[Topic]:
        return topics_from_bits(self.topic_bits)


@dataclass(frozen=True)
class FamilyRow:
    id: int
    town: str
    origin: str
    household_size: int
    languages: tuple[str, ...]
    fled_ukraine: bool
    benefit_system: BenefitSystem | None
    consent_on: date | None
    opened_on: date
    closed_on: date | None
    active: bool
    case_manager_id: int
    case_manager: str

    @property
    def code(self) -> str:
        return family_code(self.id)


@dataclass(frozen=True)
class RequestRow:
    id: int
    family_id: int | None
    language: str
    mode: Mode
    starts_at: datetime
    minutes: int | None
    pages: int | None
    purpose: Purpose
    status: Status
    estimate_cents: int
    committed_cents: int
    spent_cents: int
    created_at: datetime

    @property
    def family_code(self) -> str | None:
        return family_code(self.family_id) if self.family_id else None


@dataclass(frozen=True)
class WeekTotals:
    """One ISO week: contacts, minutes and families reached (each counted once a week)."""

    monday: date
    contacts: int
    minutes: int
    families_reached: int

    @property
    def week(self) -> int:
        return self.monday.isocalendar()[1]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)
