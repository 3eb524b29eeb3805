"""The queries behind /export and the charts: rows as coordinators take them to Excel.

No free text leaves through here: contact notes, close reasons, rejection reasons and flag
descriptions may hold personal details, so no query reads them.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

from bot.casework.vocabulary import BenefitSystem, ContactType, Service
from bot.interpreting.requests import Mode, Purpose, Status
from bot.reporting.exports import ContactRow, FamilyRow, RequestRow, WeekTotals
from bot.reporting.periods import PeriodKind, period_containing
from bot.staff.roles import Team
from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.rollups import MONDAY_OF_DAY, valid_from

# The Monday of a 'YYYY-MM-DD' day's ISO week: back six days, then on to the next Monday.


def _handle(username: str | None, display_name: str | None, telegram_id: int) -> str:
    """As StaffMember.handle names a person: @username, else the first name, else the id."""
    if username:
        return f"@{username}"
    return display_name or str(telegram_id)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _contact(row: sqlite3.Row) -> ContactRow:
    return ContactRow(
        family_id=row["family_id"],
        contact_on=date.fromisoformat(row["contact_on"]),
        staff_id=row["staff_id"],
        staff=_handle(row["username"], row["display_name"], row["staff_id"]),
        contact_type=ContactType(row["contact_type"]),
        minutes=row["minutes"],
        topic_bits=row["topics"],
        town=row["town"],
        fled_ukraine=bool(row["fled_ukraine"]),
        referral=Service(row["referral"]) if row["referral"] else None,
        follow_up_on=_date(row["follow_up_on"]),
        benefit_system=BenefitSystem(row["benefit"]) if row["benefit"] else None,
        team=Team(row["team"]) if row["team"] else None,
    )


def _family(row: sqlite3.Row) -> FamilyRow:
    return FamilyRow(
        id=row["id"],
        town=row["town"],
        origin=row["origin"],
        household_size=row["household_size"],
        languages=tuple(code for code in row["languages"].split(",") if code),
        fled_ukraine=bool(row["fled_ukraine"]),
        benefit_system=BenefitSystem(row["benefit_system"]) if row["benefit_system"] else None,
        consent_on=_date(row["consent_on"]),
        opened_on=date.fromisoformat(row["opened_on"]),
        closed_on=_date(row["closed_on"]),
        active=row["status"] == "active",
        case_manager_id=row["case_manager_id"],
        case_manager=_handle(row["username"], row["display_name"], row["case_manager_id"]),
    )


def _request(row: sqlite3.Row) -> RequestRow:
    return RequestRow(
        id=row["id"],
        family_id=row["family_id"],
        language=row["language"],
        mode=Mode(row["mode"]),
        starts_at=from_db_time(row["starts_at"]),
        minutes=row["minutes"],
        pages=row["pages"],
        purpose=Purpose(row["purpose"]),
        status=Status(row["status"]),
        estimate_cents=row["estimate_cents"],
        committed_cents=row["committed_cents"],
        spent_cents=row["spent_cents"],
        created_at=from_db_time(row["created_at"]),
    )


def _mondays(first: date, last: date) -> list[date]:
    """The Mondays of the ISO weeks from the one containing `first` to the one of `last`."""
    monday = period_containing(PeriodKind.WEEK, first).start
    mondays = []
    while monday <= last:
        mondays.append(monday)
        monday += timedelta(days=7)
    return mondays


class ExportStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def count_contacts(self, first: date, last: date) -> int:
        """Contacts from `first` to `last`, both included: to refuse an export too large."""
        return await self._db.fetch_value(
            "SELECT count(*) FROM contacts WHERE contact_on >= ? AND contact_on <= ?",
            (first.isoformat(), last.isoformat()),
        )

    async def contacts(self, first: date, last: date) -> list[ContactRow]:
        """Contacts from `first` to `last`, both included, in order; never their notes."""
        # Town and benefit system as they were on the contact's day.
        rows = await self._db.fetch_all(
            f"""
            SELECT c.family_id, c.contact_on, c.staff_id, s.username, s.display_name,
                c.contact_type, c.minutes, c.topics, h.town, h.fled AS fled_ukraine,
                c.referral, c.follow_up_on, h.benefit, s.team
            FROM contacts AS c
            JOIN family_changes AS h ON h.family_id = c.family_id
                AND h.valid_from = {valid_from("c.family_id", "c.contact_on")}
            LEFT JOIN staff AS s ON s.telegram_id = c.staff_id
            WHERE c.contact_on >= ? AND c.contact_on <= ?
            ORDER BY c.contact_on, c.id
            """,
            (first.isoformat(), last.isoformat()),
        )
        return [_contact(row) for row in rows]

    async def families(self, first: date, last: date) -> list[FamilyRow]:
        """Families open on any day from `first` to `last`; never their close reason."""
        rows = await self._db.fetch_all(
            """
            SELECT f.id, f.town, f.origin, f.household_size, f.languages, f.fled_ukraine,
                f.benefit_system, f.consent_on, f.opened_on, f.closed_on, f.status,
                f.case_manager_id, s.username, s.display_name
            FROM families AS f
            LEFT JOIN staff AS s ON s.telegram_id = f.case_manager_id
            WHERE f.opened_on <= ? AND (f.closed_on IS NULL OR f.closed_on >= ?)
            ORDER BY f.id
            """,
            (last.isoformat(), first.isoformat()),
        )
        return [_family(row) for row in rows]

    async def requests(self, start_at: datetime, end_at: datetime) -> list[RequestRow]:
        """Interpreter requests created from `start_at` up to, not including, `end_at`."""
        rows = await self._db.fetch_all(
            """
            SELECT id, family_id, language, mode, starts_at, minutes, pages, purpose, status,
                estimate_cents, committed_cents, spent_cents, created_at
            FROM interpreter_requests
            WHERE created_at >= ? AND created_at < ?
            ORDER BY created_at, id
            """,
            (to_db_time(start_at), to_db_time(end_at)),
        )
        return [_request(row) for row in rows]

    async def weekly_totals(self, first: date, last: date) -> list[WeekTotals]:
        """Every ISO week touching `first` … `last`, whole: families reached are counted
        per week by the running totals, so a part of a week could not be counted right."""
        mondays = _mondays(first, last)
        end = mondays[-1] + timedelta(days=7)
        rows = await self._db.fetch_all(
            f"""
            SELECT {MONDAY_OF_DAY} AS monday, sum(contacts), sum(minutes) FROM contact_days
            WHERE day >= ? AND day < ? GROUP BY monday
            """,
            (mondays[0].isoformat(), end.isoformat()),
        )
        counts = {date.fromisoformat(row[0]): (row[1], row[2]) for row in rows}
        keys = {monday: period_containing(PeriodKind.WEEK, monday).key for monday in mondays}
        reach_rows = await self._db.fetch_all(
            "SELECT period, families FROM period_totals WHERE period >= ? AND period <= ?",
            (keys[mondays[0]], keys[mondays[-1]]),
        )
        reached = {row[0]: row[1] for row in reach_rows}
        return [
            WeekTotals(
                monday, *counts.get(monday, (0, 0)), families_reached=reached.get(keys[monday], 0)
            )
            for monday in mondays
        ]
