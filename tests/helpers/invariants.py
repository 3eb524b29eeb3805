"""What must hold for every database the bot ever wrote, whatever it was sent.

`database_problems(path)` reads a database (read-only, beside a running bot) and names each
row that breaks a rule: SQLite's own integrity and foreign keys, durations within what the
parsers accept, dates in the years the bot works with, money in non-negative whole cents,
states the lifecycles know, and running totals that add up to the rows they count. The
fuzzer checks it after its run; `bench/fuzz.py` after a longer one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from bot.casework.conferences import ConferenceKind
from bot.casework.vocabulary import BenefitSystem, ContactType, FlagCategory, Service, Topic
from bot.core.i18n import SUPPORTED_LOCALES
from bot.core.parsing import MAX_MINUTES, YEARS
from bot.interpreting.requests import Mode, Status
from bot.privacy.audit import ACTION_LABELS
from bot.staff.roles import Role, Team
from bot.storage import rollups

# Whole cents that can be no less than zero.
_MONEY = {
    "funds": ("amount_cents",),
    "interpreter_requests": ("estimate_cents", "committed_cents", "spent_cents"),
    "machine_translations": ("cost_micro_cents",),
}
# Days (YYYY-MM-DD) and instants (ISO 8601, UTC) that must lie in the bot's years.
_DAYS = {
    "contacts": ("contact_on", "follow_up_on"),
    "families": ("opened_on", "closed_on", "consent_on"),
    "family_changes": ("valid_from",),
    "funds": ("starts_on", "ends_on"),
    "invoices": ("invoiced_on",),
    "expenses": ("booked_on",),
    "conferences": ("held_on",),
    "conference_families": ("follow_up_on",),
    "covers": ("starts_on", "ends_on"),
    "fte_shares": ("valid_from",),
    "committee_reports": ("as_of", "first_day"),
}
_INSTANTS = {
    "contacts": ("created_at", "reminded_at"),
    "families": ("created_at", "erased_at"),
    "flags": ("raised_at", "closed_at"),
    "interpreter_requests": (
        "starts_at",
        "created_at",
        "decided_at",
        "reminded_at",
        "cancelled_at",
    ),
    "invitations": ("created_at", "expires_at", "used_at"),
    "invoices": ("recorded_at",),
    "staff": ("created_at", "revoked_at", "pseudonymised_at"),
    "audit_log": ("at",),
    "undone_contacts": ("undone_at",),
    "expenses": ("booked_at",),
    "conferences": ("recorded_at",),
    "conference_families": ("reminded_at",),
    "covers": ("set_at", "ended_at"),
    "fte_shares": ("set_at",),
    "committee_reports": ("issued_at",),
}
# What each holds, and the condition under which it is not that.
_TIMES = (
    (_DAYS, "a day", "date({column}) IS NOT {column}"),
    (_INSTANTS, "a UTC time", "datetime({column}) IS NULL OR substr({column}, -6) != '+00:00'"),
)


def _matches(table: str, recount: str, counted: str) -> str:
    """The rows in which a running total and its recount differ, leaving out the rows in which
    nothing is `counted` (a total that fell back to zero may stay as a row)."""
    return f"""SELECT * FROM (SELECT * FROM {table} WHERE {counted}
                              EXCEPT SELECT * FROM ({recount}) WHERE {counted})
               UNION ALL SELECT * FROM (SELECT * FROM ({recount}) WHERE {counted}
                                        EXCEPT SELECT * FROM {table})"""


# Each rule: what it says, and a query for the rows that break it.
_RULES: tuple[tuple[str, str], ...] = (
    (
        f"a contact lasts 1 to {MAX_MINUTES} minutes",
        f"SELECT id FROM contacts WHERE minutes NOT BETWEEN 1 AND {MAX_MINUTES}",
    ),
    (
        f"an interpreter request lasts 1 to {MAX_MINUTES} minutes, or has pages",
        f"""SELECT id FROM interpreter_requests
        WHERE (minutes IS NOT NULL AND minutes NOT BETWEEN 1 AND {MAX_MINUTES})
            OR (minutes IS NULL AND pages IS NULL)""",
    ),
    (
        "a conference has teams, known topics, 1 to 480 minutes and a follow-up only for a "
        "family linked",
        f"""SELECT id FROM conferences
        WHERE participants <= 0 OR participants >= 32 OR topics <= 0
            OR topics >= {1 << len(Topic)} OR minutes NOT BETWEEN 1 AND 480
        UNION SELECT conference_id FROM conference_families
        WHERE family_id IS NULL AND follow_up_on IS NOT NULL""",
    ),
    (
        "a contact has known topics",
        f"SELECT id FROM contacts WHERE topics <= 0 OR topics >= {1 << len(Topic)}",
    ),
    (
        "a request commits its estimate while requested or approved, nothing otherwise",
        """SELECT id FROM interpreter_requests
        WHERE committed_cents != CASE WHEN status IN ('requested', 'approved')
            THEN estimate_cents ELSE 0 END""",
    ),
    (
        "only an invoiced or cancelled request has spent money",
        """SELECT id FROM interpreter_requests
        WHERE spent_cents > 0 AND status NOT IN ('completed', 'cancelled')""",
    ),
    (
        # Requests cancelled before migration 9 have neither.
        "only a cancelled request has who cancelled it and when, both or neither",
        """SELECT id FROM interpreter_requests
        WHERE (status != 'cancelled' AND cancelled_at IS NOT NULL)
            OR (cancelled_at IS NULL) != (cancelled_by IS NULL)""",
    ),
    (
        "travel time is billed only for a professional on site",
        """SELECT id FROM interpreter_requests
        WHERE travel_minutes IS NOT NULL AND (mode != 'on_site' OR professional = 0)""",
    ),
    (
        "a request with invoice lines has spent their sum",
        """SELECT r.id FROM interpreter_requests AS r
        JOIN (SELECT request_id, sum(amount_cents) AS total FROM invoices GROUP BY request_id)
            AS i ON i.request_id = r.id
        WHERE r.spent_cents != i.total""",
    ),
    (
        "an invoiced request has its invoice line, and only a completed or cancelled one",
        """SELECT id FROM interpreter_requests AS r
        WHERE (status = 'completed') > EXISTS (SELECT 1 FROM invoices WHERE request_id = r.id)
            OR (status NOT IN ('completed', 'cancelled')
                AND EXISTS (SELECT 1 FROM invoices WHERE request_id = r.id))""",
    ),
    (
        "an invoice is for more than nothing; a correction of its own request's invoice "
        "changes it, for a reason",
        """SELECT c.id FROM invoices AS c LEFT JOIN invoices AS i ON i.id = c.corrects_id
        WHERE (c.corrects_id IS NULL AND c.amount_cents <= 0)
            OR (c.corrects_id IS NOT NULL AND (c.amount_cents = 0 OR c.reason IS NULL
                OR i.request_id IS NOT c.request_id OR i.corrects_id IS NOT NULL))""",
    ),
    (
        "a family is closed exactly when it has a closing day",
        """SELECT id FROM families
        WHERE (status = 'closed') != (closed_on IS NOT NULL)""",
    ),
    (
        "a cover is between two different people, ends on or after its start, and is "
        "ended early by someone at a time, both or neither",
        """SELECT id FROM covers
        WHERE covering_id = absent_id OR ends_on < starts_on
            OR (ended_at IS NULL) != (ended_by IS NULL)""",
    ),
    (
        "two covers of the same pair never hold on the same day",
        """SELECT a.id FROM covers AS a JOIN covers AS b
            ON b.covering_id = a.covering_id AND b.absent_id = a.absent_id AND b.id > a.id
        WHERE a.ended_at IS NULL AND b.ended_at IS NULL
            AND a.starts_on <= b.ends_on AND b.starts_on <= a.ends_on""",
    ),
    (
        "a share of a full-time position is 0 to 1, in thousandths",
        "SELECT id FROM fte_shares WHERE fte_permille NOT BETWEEN 0 AND 1000",
    ),
    (
        "a contact logged in cover is audited in cover for the same colleague",
        """SELECT c.id FROM contacts AS c JOIN audit_log AS a
            ON a.action = 'contact.create' AND a.subject = printf('F-%04d', c.family_id)
                AND a.detail = CAST(c.id AS TEXT)
        WHERE a.cover_for IS NOT c.cover_for""",
    ),
    (
        "a fund ends on or after its start",
        "SELECT id FROM funds WHERE ends_on < starts_on",
    ),
    (
        "an expense with its corrections adds up to no less than zero",
        """SELECT coalesce(corrects_id, id) FROM expenses
        GROUP BY coalesce(corrects_id, id) HAVING sum(amount_cents) < 0""",
    ),
    (
        "a new expense is more than zero; a correction corrects an expense of its fund",
        """SELECT e.id FROM expenses e LEFT JOIN expenses o ON o.id = e.corrects_id
        WHERE (e.corrects_id IS NULL AND e.amount_cents <= 0)
            OR (e.corrects_id IS NOT NULL
                AND (o.id IS NULL OR o.corrects_id IS NOT NULL OR o.fund_id != e.fund_id))""",
    ),
    (
        "a revoked member has a revocation time",
        "SELECT telegram_id FROM staff WHERE (status = 'revoked') != (revoked_at IS NOT NULL)",
    ),
    (
        "a flag is closed by someone exactly when it has a closing time",
        "SELECT id FROM flags WHERE (closed_at IS NULL) != (closed_by IS NULL)",
    ),
    (
        "a committee report is issued for a past day, its period ending on that day",
        # The report's day is local: up to a day ahead of the UTC time it was issued.
        """SELECT id FROM committee_reports
        WHERE as_of > date(issued_at, '+1 day') OR first_day > as_of""",
    ),
    (
        "an invitation is used by someone exactly when it has a time of use",
        "SELECT code FROM invitations WHERE (used_by IS NULL) != (used_at IS NULL)",
    ),
    (
        "an undone contact stays undone",
        """SELECT c.id FROM contacts c JOIN undone_contacts u
        USING (source_chat_id, source_message_id)""",
    ),
    (
        "a contact is dated on or after its family's intake",
        """SELECT c.id FROM contacts c JOIN families f ON f.id = c.family_id
        WHERE c.contact_on < f.opened_on""",
    ),
    (
        "no correction of a contact is left half done",
        "SELECT contact_id FROM contact_correction WHERE contact_id IS NOT NULL",
    ),
    (
        "the contacts count by day, type and the town and benefit system of their day",
        _matches("contact_days", rollups.CONTACT_DAYS_RECOUNT, "contacts != 0 OR minutes != 0"),
    ),
    (
        "the caseload per day is what the families' histories say",
        _matches("caseload_days", rollups.CASELOAD_DAYS_RECOUNT, "families != 0"),
    ),
    (
        "the month totals add up the day totals of their month",
        _matches("contact_months", rollups.CONTACT_MONTHS_RECOUNT, "contacts != 0 OR minutes != 0"),
    ),
    (
        "the week and year totals add up the day totals of their week and year",
        _matches(
            "contact_periods", rollups.CONTACT_PERIODS_RECOUNT, "contacts != 0 OR minutes != 0"
        ),
    ),
    (
        "the active families per month add up the days of their month",
        _matches("caseload_months", rollups.CASELOAD_MONTHS_RECOUNT, "families != 0"),
    ),
    (
        "the active families per case manager are what the families say, no row at zero",
        # No row may be at zero: every row counts.
        _matches("caseloads", rollups.CASELOADS_RECOUNT, "true"),
    ),
    (
        "the people, contacts and minutes per period and team are what staff_periods say",
        _matches(
            "team_periods",
            rollups.TEAM_PERIODS_RECOUNT,
            "people != 0 OR contacts != 0 OR minutes != 0",
        ),
    ),
    (
        "the families opened, closed and reopened per period are what the histories say",
        _matches(
            "family_periods",
            rollups.FAMILY_PERIODS_RECOUNT,
            "opened != 0 OR closed != 0 OR reopened != 0",
        ),
    ),
    (
        "the caseloads' totals add up the caseloads",
        f"""SELECT * FROM caseload_totals EXCEPT {rollups.CASELOAD_TOTALS_RECOUNT}""",
    ),
    (
        "a family's row holds the values of its last change",
        """SELECT f.id FROM families AS f LEFT JOIN family_changes AS h ON h.family_id = f.id
            AND h.valid_from = (SELECT max(valid_from) FROM family_changes
                                WHERE family_id = f.id)
        WHERE h.family_id IS NULL OR h.town != f.town OR h.active != (f.status = 'active')
            OR h.fled != f.fled_ukraine
            OR (f.erased_at IS NULL AND h.benefit != coalesce(f.benefit_system, ''))""",
    ),
    (
        "a family's history names a benefit system or none",
        f"""SELECT family_id FROM family_changes WHERE benefit NOT IN
            ('', {", ".join(f"'{system.value}'" for system in BenefitSystem)})""",
    ),
    (
        "the running totals count every contact and its minutes once",
        """SELECT 1 WHERE (SELECT coalesce(sum(contacts), 0) FROM contact_days)
                != (SELECT count(*) FROM contacts)
            OR (SELECT coalesce(sum(minutes), 0) FROM contact_days)
                != (SELECT coalesce(sum(minutes), 0) FROM contacts)""",
    ),
)
# Columns that hold one of a fixed set of values (NULL allowed where the schema allows it).
_STATES = {
    ("contacts", "contact_type"): ContactType,
    ("contacts", "referral"): Service,
    ("families", "benefit_system"): BenefitSystem,
    ("flags", "category"): FlagCategory,
    ("interpreter_requests", "status"): Status,
    ("interpreter_requests", "mode"): Mode,
    ("staff", "role"): Role,
    ("staff", "team"): Team,
    ("invitations", "role"): Role,
    ("invitations", "team"): Team,
    ("conferences", "kind"): ConferenceKind,
}


def database_problems(path: Path) -> list[str]:
    """Each broken rule with the keys of up to five rows that break it; empty if none."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(_problems(connection))
    finally:
        connection.close()


def row_counts(path: Path) -> dict[str, int]:
    """How many rows each table holds: a test compares them to see that nothing was stored."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {
            name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for (name,) in tables.fetchall()
        }
    finally:
        connection.close()


def _problems(db: sqlite3.Connection) -> Iterable[str]:
    [integrity] = db.execute("PRAGMA integrity_check").fetchone()
    if integrity != "ok":
        yield f"integrity_check: {integrity}"
    for table, rowid, parent, _key in db.execute("PRAGMA foreign_key_check"):
        yield f"foreign key: {table} row {rowid} points to a missing {parent}"
    for rule, query in _RULES:
        yield from _broken(db, rule, query)
    for table, columns in _MONEY.items():
        for column in columns:
            yield from _broken(
                db,
                f"{table}.{column} is a whole, non-negative number of cents",
                f"SELECT * FROM {table} WHERE typeof({column}) != 'integer' OR {column} < 0",
            )
    first, last = (f"{year:04d}" for year in YEARS)
    for columns_of, kind, malformed in _TIMES:
        for table, columns in columns_of.items():
            for column in columns:
                yield from _broken(
                    db,
                    f"{table}.{column} is {kind} from {first} to {last}",
                    f"""SELECT * FROM {table} WHERE {column} IS NOT NULL AND (
                        {malformed.format(column=column)}
                        OR substr({column}, 1, 4) NOT BETWEEN '{first}' AND '{last}')""",
                )
    for (table, column), values in _STATES.items():
        known = ", ".join(f"'{value.value}'" for value in values)
        yield from _broken(
            db,
            f"{table}.{column} is one of {known}",
            f"SELECT * FROM {table} WHERE {column} NOT IN ({known})",
        )
    locales = ", ".join(f"'{locale}'" for locale in SUPPORTED_LOCALES)
    yield from _broken(
        db,
        "staff speak a language of the bot",
        f"SELECT telegram_id FROM staff WHERE locale NOT IN ({locales})",
    )
    actions = ", ".join(f"'{action}'" for action in ACTION_LABELS)
    yield from _broken(
        db,
        "every audit line records a known action",
        f"SELECT id FROM audit_log WHERE action NOT IN ({actions})",
    )


def _broken(db: sqlite3.Connection, rule: str, query: str) -> Iterable[str]:
    rows = db.execute(query).fetchmany(5)
    if rows:
        yield f"{rule}: broken by {', '.join(str(row[0]) for row in rows)}"
