"""Running totals of contacts, kept by triggers in the same transaction as each contact.

Weekly and monthly figures over a state's two million contacts must answer in milliseconds.
Scanning the contacts of a period cannot (tens of thousands of rows, grouped several ways),
so every insert and delete of a contact also adds to or takes from four small tables:

- contact_days: per day, contact type, town and Ukraine flag: contacts, minutes, topics;
- reach: per period and family and person: contacts; which families were reached;
- staff_periods: per period and person: contacts, minutes and families reached;
- period_totals: per period: families reached, and of those fled from Ukraine.

A period is an ISO week ('W2026-48'), a month ('M2026-11') or a year ('Y2026'). A family
counts as reached (overall, or by a person) when its first contact of the period arrives,
and stops counting when its last one is taken back.

These tables are part of the data, not a cache: they change in the same transaction as the
contacts they count, so they can never disagree with them. Migration 4 creates them from
these definitions: once shipped, change them only together with a new migration that
drops and recreates what changed.

Since migration 19, a family's town, benefit system and whether it is active are dated:
family_changes holds one row per family and day from which they held (the intake, a move,
a change of benefit system, closing, reopening). A contact counts for the town and benefit
system valid on its day (before the first row: the first row's), so contact_days is keyed by
both; and a fifth table counts the caseload:

- caseload_days: per day, town, benefit system and Ukraine flag: how many families became
  active with these values that day, less those that stopped (closed, moved, changed);
  the active families on a day are the sum up to it.

A row of family_changes inserted or deleted moves its family's contacts to the values now
valid on their days, and its family's share of caseload_days, so that any change, also one
dated back, leaves every total right. Migration 4's definitions stay below as they shipped.

Since migration 20, contact_months and caseload_months add the day tables up per month,
kept by triggers on the day tables themselves: whatever changes a day's row changes its
month's row in the same statement. A year reads twelve months' rows instead of 365 days',
and the active families on a day are the months before its month plus its month's days.

Since migration 21, contact_periods adds the days up per ISO week and per year the same way
(keyed like staff_periods): a week's or a year's figures read that period's rows alone.

Since migration 22, caseloads counts each case manager's active families now (and of those
fled from Ukraine), kept by triggers on families: a family registered, closed, reopened,
transferred or deleted, or its Ukraine flag changed, moves its one count in the same
statement. /caseload reads the largest rows through an index. A row that falls to zero is
deleted, so the table holds exactly the case managers with active families.

Since migration 23, what the figures of a period counted over every person, family or change
is kept per period too: team_periods (people, contacts and minutes per team, by the team each
person is in now), family_periods (families opened, closed and reopened) and caseload_totals
(the caseloads added up, one row). Nothing a week's, month's or year's figures or /caseload
read grows with the number of families or staff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

TOPICS = 13
# The Monday of the ISO week of a `day` column: weeks of the daily totals.
MONDAY_OF_DAY = "date(day, '-6 days', 'weekday 1')"
_TOPIC_COLUMNS = ", ".join(f"topic_{bit}" for bit in range(TOPICS))
_FLED = "(SELECT fled_ukraine FROM families WHERE id = {row}.family_id)"


def _iso_week(day: str) -> str:
    """SQL for the ISO week key of a 'YYYY-MM-DD' expression: the week of its Thursday."""
    thursday = f"date({day}, '-3 days', 'weekday 4')"
    return (
        f"'W' || strftime('%Y', {thursday}) || '-' || "
        f"printf('%02d', (CAST(strftime('%j', {thursday}) AS INTEGER) - 1) / 7 + 1)"
    )


def _periods(day: str) -> list[str]:
    return [_iso_week(day), f"'M' || substr({day}, 1, 7)", f"'Y' || substr({day}, 1, 4)"]


@dataclass(frozen=True)
class _Attribution:
    """What a contact counts by besides day and type, and where those values come from."""

    columns: str
    selected: str
    source: Callable[[str], str]


def valid_from(family: str, day: str) -> str:
    """SQL for the day from which the family's values valid on `day` hold: the last change
    on or before it, or the first one for a day before the family's first row."""
    return (
        f"coalesce((SELECT max(valid_from) FROM family_changes WHERE family_id = {family} "
        f"AND valid_from <= {day}), (SELECT min(valid_from) FROM family_changes "
        f"WHERE family_id = {family}))"
    )


# Migration 4: the family's town and flag as the families row has them.
_CURRENT = _Attribution(
    "town, fled", "town, fled_ukraine", lambda row: f"families WHERE id = {row}.family_id"
)
# Since migration 19: the values valid on the contact's day.
_DATED = _Attribution(
    "town, benefit, fled",
    "town, benefit, fled",
    lambda row: (
        f"family_changes WHERE family_id = {row}.family_id "
        f"AND valid_from = {valid_from(f'{row}.family_id', f'{row}.contact_on')}"
    ),
)

FIRST_TABLES = (
    f"""
    CREATE TABLE contact_days (
        day TEXT NOT NULL,
        contact_type TEXT NOT NULL,
        town TEXT NOT NULL,
        fled INTEGER NOT NULL,
        contacts INTEGER NOT NULL,
        minutes INTEGER NOT NULL,
        {", ".join(f"topic_{bit} INTEGER NOT NULL" for bit in range(TOPICS))},
        PRIMARY KEY (day, contact_type, town, fled)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE reach (
        period TEXT NOT NULL,
        family_id INTEGER NOT NULL,
        staff_id INTEGER NOT NULL,
        contacts INTEGER NOT NULL,
        PRIMARY KEY (period, family_id, staff_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE staff_periods (
        period TEXT NOT NULL,
        staff_id INTEGER NOT NULL,
        contacts INTEGER NOT NULL,
        minutes INTEGER NOT NULL,
        families INTEGER NOT NULL,
        PRIMARY KEY (period, staff_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE period_totals (
        period TEXT PRIMARY KEY,
        families INTEGER NOT NULL,
        families_ukraine INTEGER NOT NULL
    ) WITHOUT ROWID
    """,
)

_TOPIC_VALUES = ", ".join(f"(NEW.topics >> {bit}) & 1" for bit in range(TOPICS))
_TOPIC_ADD = ", ".join(f"topic_{bit} = topic_{bit} + excluded.topic_{bit}" for bit in range(TOPICS))
_TOPIC_TAKE = ", ".join(
    f"topic_{bit} = topic_{bit} - ((OLD.topics >> {bit}) & 1)" for bit in range(TOPICS)
)


def _count_insert(period: str) -> str:
    # The checks for a first contact run before this contact's reach row is written.
    return f"""
        INSERT INTO period_totals (period, families, families_ukraine)
        SELECT {period}, 1, {_FLED.format(row="NEW")}
        WHERE NOT EXISTS (SELECT 1 FROM reach WHERE period = {period}
                          AND family_id = NEW.family_id)
        ON CONFLICT DO UPDATE SET families = families + 1,
            families_ukraine = families_ukraine + excluded.families_ukraine;
        INSERT INTO staff_periods (period, staff_id, contacts, minutes, families)
        VALUES ({period}, NEW.staff_id, 1, NEW.minutes,
                NOT EXISTS (SELECT 1 FROM reach WHERE period = {period}
                            AND family_id = NEW.family_id AND staff_id = NEW.staff_id))
        ON CONFLICT DO UPDATE SET contacts = contacts + 1,
            minutes = minutes + excluded.minutes, families = families + excluded.families;
        INSERT INTO reach (period, family_id, staff_id, contacts)
        VALUES ({period}, NEW.family_id, NEW.staff_id, 1)
        ON CONFLICT DO UPDATE SET contacts = contacts + 1;"""


def _count_delete(period: str) -> str:
    this_reach = f"period = {period} AND family_id = OLD.family_id AND staff_id = OLD.staff_id"
    return f"""
        UPDATE reach SET contacts = contacts - 1 WHERE {this_reach};
        UPDATE staff_periods SET contacts = contacts - 1, minutes = minutes - OLD.minutes,
            families = families - EXISTS (SELECT 1 FROM reach WHERE {this_reach}
                                           AND contacts <= 0)
        WHERE period = {period} AND staff_id = OLD.staff_id;
        DELETE FROM reach WHERE {this_reach} AND contacts <= 0;
        UPDATE period_totals SET families = families - 1,
            families_ukraine = families_ukraine - {_FLED.format(row="OLD")}
        WHERE period = {period}
          AND NOT EXISTS (SELECT 1 FROM reach WHERE period = {period}
                          AND family_id = OLD.family_id);"""


def _on_insert(by: _Attribution) -> str:
    return f"""
    CREATE TRIGGER contacts_rollup_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO contact_days (day, contact_type, {by.columns}, contacts, minutes,
            {_TOPIC_COLUMNS})
        SELECT NEW.contact_on, NEW.contact_type, {by.selected}, 1, NEW.minutes,
            {_TOPIC_VALUES}
        FROM {by.source("NEW")}
        ON CONFLICT DO UPDATE SET contacts = contacts + 1,
            minutes = minutes + excluded.minutes, {_TOPIC_ADD};
        {"".join(_count_insert(period) for period in _periods("NEW.contact_on"))}
    END
    """


def _on_delete(by: _Attribution) -> str:
    return f"""
    CREATE TRIGGER contacts_rollup_delete AFTER DELETE ON contacts BEGIN
        UPDATE contact_days SET contacts = contacts - 1, minutes = minutes - OLD.minutes,
            {_TOPIC_TAKE}
        WHERE day = OLD.contact_on AND contact_type = OLD.contact_type
          AND ({by.columns}) = (SELECT {by.selected} FROM {by.source("OLD")});
        {"".join(_count_delete(period) for period in _periods("OLD.contact_on"))}
    END
    """


# Each contact's audit line, written in the statement that stores it. Migration 15 adds in
# cover for whom; migration 18 keeps it silent for a corrected contact stored again
# (ContactStore.correct).
AUDIT_TRIGGER = """
    CREATE TRIGGER contacts_audit AFTER INSERT ON contacts BEGIN
        INSERT INTO audit_log (at, actor_id, action, subject, detail)
        VALUES (NEW.created_at, NEW.staff_id, 'contact.create',
                printf('F-%04d', NEW.family_id), NEW.id);
    END
"""

FIRST_TRIGGERS = (_on_insert(_CURRENT), _on_delete(_CURRENT), AUDIT_TRIGGER)

# Since the covers: the audit line also says in cover for whom a contact was logged.
COVER_AUDIT_TRIGGER = """
    CREATE TRIGGER contacts_audit AFTER INSERT ON contacts BEGIN
        INSERT INTO audit_log (at, actor_id, action, subject, detail, cover_for)
        VALUES (NEW.created_at, NEW.staff_id, 'contact.create',
                printf('F-%04d', NEW.family_id), NEW.id, NEW.cover_for);
    END
"""


def first_rebuild_statements() -> tuple[str, ...]:
    """Migration 4's recount of all totals from the contacts."""
    return (
        "DELETE FROM contact_days",
        "DELETE FROM reach",
        "DELETE FROM staff_periods",
        "DELETE FROM period_totals",
        REBUILD_FIRST_CONTACT_DAYS,
        *_by_period(),
        _PERIOD_TOTALS_REBUILD,
    )


def _by_period() -> list[str]:
    by_period = []
    for period in _periods("c.contact_on"):
        by_period.append(
            f"""
            INSERT INTO reach (period, family_id, staff_id, contacts)
            SELECT {period}, c.family_id, c.staff_id, count(*) FROM contacts AS c
            GROUP BY 1, 2, 3
            """
        )
        by_period.append(
            f"""
            INSERT INTO staff_periods (period, staff_id, contacts, minutes, families)
            SELECT {period}, c.staff_id, count(*), sum(c.minutes), count(DISTINCT c.family_id)
            FROM contacts AS c GROUP BY 1, 2
            """
        )
    return by_period


_CONTACT_TOPIC_SUMS = ", ".join(f"sum((c.topics >> {bit}) & 1)" for bit in range(TOPICS))
REBUILD_FIRST_CONTACT_DAYS = f"""
        INSERT INTO contact_days (day, contact_type, town, fled, contacts, minutes,
            {_TOPIC_COLUMNS})
        SELECT c.contact_on, c.contact_type, f.town, f.fled_ukraine, count(*), sum(c.minutes),
            {_CONTACT_TOPIC_SUMS}
        FROM contacts AS c JOIN families AS f ON f.id = c.family_id
        GROUP BY 1, 2, 3, 4
        """
_PERIOD_TOTALS_REBUILD = """
        INSERT INTO period_totals (period, families, families_ukraine)
        SELECT r.period, count(DISTINCT r.family_id),
               count(DISTINCT CASE WHEN f.fled_ukraine THEN r.family_id END)
        FROM reach AS r JOIN families AS f ON f.id = r.family_id
        GROUP BY r.period
        """


# Since migration 19 ----------------------------------------------------------------------

# benefit: the BenefitSystem value, '' while not recorded.
FAMILY_CHANGES = """
    CREATE TABLE family_changes (
        family_id INTEGER NOT NULL REFERENCES families (id),
        valid_from TEXT NOT NULL,
        town TEXT NOT NULL,
        benefit TEXT NOT NULL,
        active INTEGER NOT NULL CHECK (active IN (0, 1)),
        fled INTEGER NOT NULL CHECK (fled IN (0, 1)),
        PRIMARY KEY (family_id, valid_from)
    ) WITHOUT ROWID
"""
FAMILY_CHANGES_INDEX = "CREATE INDEX family_changes_day ON family_changes (valid_from, active)"


def _history(families: str) -> tuple[str, str]:
    """The history of the `families` as their rows tell it: active from the opening with the
    values they have now, closed from the closing day (closed the day it opened: only that)."""
    return (
        f"""
        INSERT INTO family_changes (family_id, valid_from, town, benefit, active, fled)
        SELECT id, opened_on, town, coalesce(benefit_system, ''), 1, fled_ukraine FROM families
        WHERE {families} AND (closed_on IS NULL OR closed_on > opened_on)
        """,
        f"""
        INSERT INTO family_changes (family_id, valid_from, town, benefit, active, fled)
        SELECT id, closed_on, town, coalesce(benefit_system, ''), 0, fled_ukraine FROM families
        WHERE {families} AND closed_on IS NOT NULL
        """,
    )


FAMILY_CHANGES_BACKFILL = _history("true")

CONTACT_DAYS = f"""
    CREATE TABLE contact_days (
        day TEXT NOT NULL,
        contact_type TEXT NOT NULL,
        town TEXT NOT NULL,
        benefit TEXT NOT NULL,
        fled INTEGER NOT NULL,
        contacts INTEGER NOT NULL,
        minutes INTEGER NOT NULL,
        {", ".join(f"topic_{bit} INTEGER NOT NULL" for bit in range(TOPICS))},
        PRIMARY KEY (day, contact_type, town, benefit, fled)
    ) WITHOUT ROWID
"""
CASELOAD_DAYS = """
    CREATE TABLE caseload_days (
        day TEXT NOT NULL,
        town TEXT NOT NULL,
        benefit TEXT NOT NULL,
        fled INTEGER NOT NULL,
        families INTEGER NOT NULL,
        PRIMARY KEY (day, town, benefit, fled)
    ) WITHOUT ROWID
"""

_CONTACT_SUMS = "count(*) AS contacts, sum(c.minutes) AS minutes, " + ", ".join(
    f"sum((c.topics >> {bit}) & 1) AS topic_{bit}" for bit in range(TOPICS)
)


def _family_contacts(family: str | None) -> str:
    """SQL for the contacts (of one family, or all) grouped by day, type and the values valid
    on their day: what contact_days holds for them."""
    mine = f"WHERE c.family_id = {family}" if family else "WHERE true"
    return f"""
        SELECT c.contact_on AS day, c.contact_type, h.town, h.benefit, h.fled, {_CONTACT_SUMS}
        FROM contacts AS c JOIN family_changes AS h ON h.family_id = c.family_id
            AND h.valid_from = {valid_from("c.family_id", "c.contact_on")}
        {mine} GROUP BY 1, 2, 3, 4, 5"""


def _count_contacts(family: str | None, sign: int = 1) -> str:
    """Add (sign 1) the contacts of one family (or all) to contact_days with the values
    valid on their days, or take them away again (-1; their rows exist then)."""
    signed = ", ".join(
        f"{sign} * {column}"
        for column in ("contacts", "minutes", *(f"topic_{bit}" for bit in range(TOPICS)))
    )
    add = ", ".join(f"topic_{bit} = topic_{bit} + excluded.topic_{bit}" for bit in range(TOPICS))
    return f"""
        INSERT INTO contact_days (day, contact_type, town, benefit, fled, contacts, minutes,
            {_TOPIC_COLUMNS})
        SELECT day, contact_type, town, benefit, fled, {signed}
        FROM ({_family_contacts(family)}) WHERE true
        ON CONFLICT DO UPDATE SET contacts = contacts + excluded.contacts,
            minutes = minutes + excluded.minutes, {add};"""


def _caseload(row: str, values: str, day: str, sign: int) -> str:
    """`row`'s family counted (sign 1) or no longer counted (-1) from `day` on with the
    values valid from `values` (a day, or `row` itself), if those are active."""
    if values == row:
        source = f"SELECT {day}, {row}.town, {row}.benefit, {row}.fled, {sign} WHERE {row}.active"
    else:
        source = (
            f"SELECT {day}, town, benefit, fled, {sign} FROM family_changes "
            f"WHERE family_id = {row}.family_id AND valid_from = {values} AND active"
        )
    return f"""
        INSERT INTO caseload_days (day, town, benefit, fled, families)
        {source} AND {day} IS NOT NULL
        ON CONFLICT DO UPDATE SET families = families + excluded.families;"""


def _move_caseload(row: str, sign: int) -> str:
    """A row inserted (sign 1) or deleted (-1) between its neighbours: it holds from its day to
    the next row's, and the row before it now ends (or again ends) on its day."""
    before = (
        f"(SELECT max(valid_from) FROM family_changes WHERE family_id = {row}.family_id "
        f"AND valid_from < {row}.valid_from)"
    )
    after = (
        f"(SELECT min(valid_from) FROM family_changes WHERE family_id = {row}.family_id "
        f"AND valid_from > {row}.valid_from)"
    )
    return "".join(
        [
            _caseload(row, row, f"{row}.valid_from", sign),
            _caseload(row, row, after, -sign),
            _caseload(row, before, f"{row}.valid_from", -sign),
            _caseload(row, before, after, sign),
        ]
    )


# A family registered (or loaded) from now on starts its history the same way.
_FAMILY_OPENED = f"""
    CREATE TRIGGER families_history AFTER INSERT ON families BEGIN
        {";".join(_history("id = NEW.id"))};
    END
"""


def _on_change(event: str, row: str, sign: int) -> tuple[str, str]:
    """A row of family_changes inserted or deleted: its family's contacts taken away before
    and counted again after with the values now valid on their days; its caseload moved."""
    name = f"family_changes_{event.lower()}"
    return (
        f"""
    CREATE TRIGGER {name}_before BEFORE {event} ON family_changes BEGIN
        {_count_contacts(f"{row}.family_id", -1)}
    END
    """,
        f"""
    CREATE TRIGGER {name} AFTER {event} ON family_changes BEGIN
        {_count_contacts(f"{row}.family_id")}
        {_move_caseload(row, sign)}
    END
    """,
    )


CONTACT_TRIGGERS = (_on_insert(_DATED), _on_delete(_DATED))
FAMILY_TRIGGERS = (
    _FAMILY_OPENED,
    *_on_change("INSERT", "NEW", 1),
    *_on_change("DELETE", "OLD", -1),
)

REBUILD_CONTACT_DAYS = _count_contacts(None).rstrip(";")
# What contact_days holds, counted from the contacts and the histories (tests compare).
CONTACT_DAYS_RECOUNT = _family_contacts(None)
# Each active row counts from its day until the next row's day of the same family.
CASELOAD_DAYS_RECOUNT = """
    SELECT day, town, benefit, fled, sum(change) AS families FROM (
        SELECT valid_from AS day, town, benefit, fled, 1 AS change FROM family_changes
        WHERE active
        UNION ALL
        SELECT next_from, town, benefit, fled, -1 FROM (
            SELECT *, lead(valid_from) OVER (PARTITION BY family_id ORDER BY valid_from)
                AS next_from
            FROM family_changes)
        WHERE active AND next_from IS NOT NULL)
    GROUP BY 1, 2, 3, 4
"""
REBUILD_CASELOAD_DAYS = f"""
    INSERT INTO caseload_days (day, town, benefit, fled, families)
    {CASELOAD_DAYS_RECOUNT}
"""


def rebuild_statements() -> tuple[str, ...]:
    """Recount all totals from the contacts and the families' histories (after a bulk load)."""
    return (
        "DELETE FROM contact_days",
        "DELETE FROM caseload_days",
        "DELETE FROM reach",
        "DELETE FROM staff_periods",
        "DELETE FROM period_totals",
        REBUILD_CONTACT_DAYS,
        REBUILD_CASELOAD_DAYS,
        *_by_period(),
        _PERIOD_TOTALS_REBUILD,
        *REBUILD_MONTHS,
        *REBUILD_PERIODS,
        *REBUILD_CASELOADS,
        *REBUILD_PERIOD_COUNTS,
    )


# Months of the daily totals, kept by triggers on contact_days and caseload_days themselves:
# whatever changes a day's row (a contact, a correction, a family's history) changes its
# month's row by the same amount in the same statement. A year's figures read twelve months
# instead of 365 days; the active families on a day add up the months before it and the days
# of its own month, instead of every day since the first family.
_CONTACT_VALUES = ("contacts", "minutes", *(f"topic_{bit}" for bit in range(TOPICS)))
_CONTACT_KEYS = ("contact_type", "town", "benefit", "fled")
_CASELOAD_KEYS = ("town", "benefit", "fled")


def _contact_totals(table: str, key: str, fled: bool = True) -> str:
    """A table of contact totals by `key` (a month, a period), type and the family's values
    (with `fled`, also whether it fled from Ukraine)."""
    flag, flag_key = ("\n        fled INTEGER NOT NULL,", ", fled") if fled else ("", "")
    return f"""
    CREATE TABLE {table} (
        {key} TEXT NOT NULL,
        contact_type TEXT NOT NULL,
        town TEXT NOT NULL,
        benefit TEXT NOT NULL,{flag}
        {", ".join(f"{column} INTEGER NOT NULL" for column in _CONTACT_VALUES)},
        PRIMARY KEY ({key}, contact_type, town, benefit{flag_key})
    ) WITHOUT ROWID
"""


CONTACT_MONTHS = _contact_totals("contact_months", "month")
CASELOAD_MONTHS = """
    CREATE TABLE caseload_months (
        month TEXT NOT NULL,
        town TEXT NOT NULL,
        benefit TEXT NOT NULL,
        fled INTEGER NOT NULL,
        families INTEGER NOT NULL,
        PRIMARY KEY (month, town, benefit, fled)
    ) WITHOUT ROWID
"""


def _month_upsert(
    table: str, keys: tuple[str, ...], values: tuple[str, ...], row: str, change: str
) -> str:
    """Add `row`'s values (change: '+NEW', '-OLD' or 'NEW-OLD') to its month's row."""
    return f"""
        INSERT INTO {table}_months (month, {", ".join(keys)}, {", ".join(values)})
        VALUES (substr({row}.day, 1, 7), {", ".join(f"{row}.{key}" for key in keys)},
                {", ".join(_amounts(values, change))})
        ON CONFLICT DO UPDATE SET {_added(values)};"""


# A day's row inserted, changed or deleted: the trigger's event, the row to read, and what it
# adds to the totals above it (_amounts).
_ROW_CHANGES = (("INSERT", "NEW", "+NEW"), ("UPDATE", "NEW", "NEW-OLD"), ("DELETE", "OLD", "-OLD"))


def _amounts(values: tuple[str, ...], change: str) -> list[str]:
    """What a row inserted ('+NEW'), deleted ('-OLD') or changed ('NEW-OLD') adds."""
    return {
        "+NEW": [f"NEW.{value}" for value in values],
        "-OLD": [f"-OLD.{value}" for value in values],
        "NEW-OLD": [f"NEW.{value} - OLD.{value}" for value in values],
    }[change]


def _added(values: tuple[str, ...]) -> str:
    """An upsert's SET that adds the new amounts to the row's."""
    return ", ".join(f"{value} = {value} + excluded.{value}" for value in values)


def _month_triggers(table: str, keys: tuple[str, ...], values: tuple[str, ...]) -> tuple:
    return tuple(
        f"""
    CREATE TRIGGER {table}_days_{event.lower()}_month AFTER {event} ON {table}_days BEGIN
        {_month_upsert(table, keys, values, row, change)}
    END
    """
        for event, row, change in _ROW_CHANGES
    )


MONTH_TRIGGERS = (
    *_month_triggers("contact", _CONTACT_KEYS, _CONTACT_VALUES),
    *_month_triggers("caseload", _CASELOAD_KEYS, ("families",)),
)


def _month_recount(table: str, keys: tuple[str, ...], values: tuple[str, ...]) -> str:
    return f"""
        SELECT substr(day, 1, 7) AS month, {", ".join(keys)},
            {", ".join(f"sum({value}) AS {value}" for value in values)}
        FROM {table}_days GROUP BY 1, {", ".join(str(n) for n in range(2, len(keys) + 2))}"""


# What the month tables hold, counted from the days (the tests compare).
CONTACT_MONTHS_RECOUNT = _month_recount("contact", _CONTACT_KEYS, _CONTACT_VALUES)
CASELOAD_MONTHS_RECOUNT = _month_recount("caseload", _CASELOAD_KEYS, ("families",))
REBUILD_MONTHS = (
    "DELETE FROM contact_months",
    "DELETE FROM caseload_months",
    f"INSERT INTO contact_months {CONTACT_MONTHS_RECOUNT}",
    f"INSERT INTO caseload_months {CASELOAD_MONTHS_RECOUNT}",
)


# The family's values as its row has them now, from :day on (a change of the same day is
# replaced): what the stores run after they changed the town, benefit system or state.
DATE_VALUES = (
    "DELETE FROM family_changes WHERE family_id = :family AND valid_from = :day",
    """
    INSERT INTO family_changes (family_id, valid_from, town, benefit, active, fled)
    SELECT id, :day, town, coalesce(benefit_system, ''), status = 'active', fled_ukraine
    FROM families WHERE id = :family
    """,
)


# Since migration 21: the weeks and years of the daily totals, in one table keyed like
# staff_periods and period_totals ('W2026-48', 'Y2026'), kept by triggers on contact_days as
# the months are. A week's or a year's figures read that period's rows alone: at state size
# about 400, where a week's days are 2,500 rows and a year's months 6,500.
_PERIOD_KEYS = {"week": _iso_week, "year": lambda day: f"'Y' || substr({day}, 1, 4)"}

# No figure reads a week's or a year's contacts by the Ukraine flag: without it a period has a
# third fewer rows to add up.
_PERIOD_KEYS_OF_DAY = ("contact_type", "town", "benefit")
CONTACT_PERIODS = _contact_totals("contact_periods", "period", fled=False)


def _period_upsert(period: str, row: str, change: str) -> str:
    """Add contact_days' `row` (change: '+NEW', '-OLD' or 'NEW-OLD') to the row of the
    week or year (`period`) of its day."""
    return f"""
        INSERT INTO contact_periods (period, {", ".join(_PERIOD_KEYS_OF_DAY)},
            {", ".join(_CONTACT_VALUES)})
        VALUES ({_PERIOD_KEYS[period](f"{row}.day")},
                {", ".join(f"{row}.{key}" for key in _PERIOD_KEYS_OF_DAY)},
                {", ".join(_amounts(_CONTACT_VALUES, change))})
        ON CONFLICT DO UPDATE SET {_added(_CONTACT_VALUES)};"""


PERIOD_TRIGGERS = tuple(
    f"""
    CREATE TRIGGER contact_days_{event.lower()}_periods AFTER {event} ON contact_days BEGIN
        {_period_upsert("week", row, change)}
        {_period_upsert("year", row, change)}
    END
    """
    for event, row, change in _ROW_CHANGES
)
_DAY_COLUMNS = ", ".join((*_PERIOD_KEYS_OF_DAY, *_CONTACT_VALUES))
# What contact_periods holds, counted from the days (the tests compare).
CONTACT_PERIODS_RECOUNT = f"""
    SELECT period, {", ".join(_PERIOD_KEYS_OF_DAY)},
        {", ".join(f"sum({value}) AS {value}" for value in _CONTACT_VALUES)}
    FROM ({
    " UNION ALL ".join(
        f"SELECT {key('day')} AS period, {_DAY_COLUMNS} FROM contact_days"
        for key in _PERIOD_KEYS.values()
    )
})
    GROUP BY 1, 2, 3, 4"""
REBUILD_PERIODS = (
    "DELETE FROM contact_periods",
    f"INSERT INTO contact_periods {CONTACT_PERIODS_RECOUNT}",
)


# Since migration 22 ----------------------------------------------------------------------

# Each case manager's active families now, and of those fled from Ukraine: only case managers
# with at least one (a row that falls to zero is deleted).
CASELOADS = """
    CREATE TABLE caseloads (
        staff_id INTEGER PRIMARY KEY REFERENCES staff (telegram_id),
        families INTEGER NOT NULL CHECK (families > 0),
        fled INTEGER NOT NULL CHECK (fled BETWEEN 0 AND families)
    )
"""
# /caseload shows the largest caseloads first, equal ones by person.
CASELOADS_INDEX = "CREATE INDEX caseloads_largest ON caseloads (families DESC, staff_id)"
# What caseloads holds, counted from the families (the rebuild and the tests).
CASELOADS_RECOUNT = """
    SELECT case_manager_id AS staff_id, count(*) AS families, sum(fled_ukraine) AS fled
    FROM families WHERE status = 'active' GROUP BY case_manager_id
"""
REBUILD_CASELOADS = (
    "DELETE FROM caseloads",
    f"INSERT INTO caseloads (staff_id, families, fled) {CASELOADS_RECOUNT}",
)


def _count_caseload(row: str) -> str:
    """`row`'s family (NEW) counted in its case manager's caseload if it is active."""
    return f"""
        INSERT INTO caseloads (staff_id, families, fled)
        SELECT {row}.case_manager_id, 1, {row}.fled_ukraine WHERE {row}.status = 'active'
        ON CONFLICT DO UPDATE SET families = families + 1, fled = fled + excluded.fled;"""


def _uncount_caseload(row: str) -> str:
    """`row`'s family (OLD) no longer counted if it was active; an emptied row goes."""
    return f"""
        DELETE FROM caseloads WHERE staff_id = {row}.case_manager_id AND families = 1
            AND {row}.status = 'active';
        UPDATE caseloads SET families = families - 1, fled = fled - {row}.fled_ukraine
        WHERE staff_id = {row}.case_manager_id AND {row}.status = 'active';"""


CASELOAD_TRIGGERS = (
    f"""
    CREATE TRIGGER families_caseload_insert AFTER INSERT ON families BEGIN
        {_count_caseload("NEW")}
    END
    """,
    # Closing, reopening, a transfer, a corrected Ukraine flag; erasure changes none of these.
    f"""
    CREATE TRIGGER families_caseload_update
    AFTER UPDATE OF status, case_manager_id, fled_ukraine ON families
    WHEN OLD.status IS NOT NEW.status OR OLD.case_manager_id IS NOT NEW.case_manager_id
        OR OLD.fled_ukraine IS NOT NEW.fled_ukraine
    BEGIN
        {_uncount_caseload("OLD")}
        {_count_caseload("NEW")}
    END
    """,
    f"""
    CREATE TRIGGER families_caseload_delete AFTER DELETE ON families BEGIN
        {_uncount_caseload("OLD")}
    END
    """,
)


# Since migration 23 ----------------------------------------------------------------------
# What the figures of a week, month or year counted over every person, family or change of
# the period, kept per period instead: at ten times a state's size a month's figures read
# 18,000 people's rows and looked up 14,000 changes one by one.

# Per period and team (the team each person is in now, as the figures have always counted):
# how many people logged contacts, and their contacts and minutes. Kept by triggers on
# staff_periods, and on staff when a person moves to another team (their periods move along).
TEAM_PERIODS = """
    CREATE TABLE team_periods (
        period TEXT NOT NULL,
        team TEXT NOT NULL,
        people INTEGER NOT NULL,
        contacts INTEGER NOT NULL,
        minutes INTEGER NOT NULL,
        PRIMARY KEY (period, team)
    ) WITHOUT ROWID
"""
_ADD_TO_TEAM = """
        INSERT INTO team_periods (period, team, people, contacts, minutes)
        SELECT {period}, {team}, {people}, {contacts}, {minutes} {source}
        ON CONFLICT DO UPDATE SET people = people + excluded.people,
            contacts = contacts + excluded.contacts, minutes = minutes + excluded.minutes;"""
_PERSON = "FROM staff WHERE telegram_id = {row}.staff_id"


def _person_periods(row: str, sign: str) -> str:
    """Take a person's periods from their old team (`row` OLD, `sign` '-') or give them to
    the new one (NEW, '+')."""
    return _ADD_TO_TEAM.format(
        period="period",
        team=f"{row}.team",
        people=f"{sign}(contacts > 0)",
        contacts=f"{sign}contacts",
        minutes=f"{sign}minutes",
        source=f"FROM staff_periods WHERE staff_id = {row}.telegram_id",
    )


# A row of staff_periods inserted, changed or deleted: what it adds to its person's team.
_TEAM_CHANGES = (
    ("insert", "INSERT", "NEW", "NEW.contacts > 0", "NEW.contacts", "NEW.minutes"),
    (
        "update",
        "UPDATE OF contacts, minutes",
        "NEW",
        "(NEW.contacts > 0) - (OLD.contacts > 0)",
        "NEW.contacts - OLD.contacts",
        "NEW.minutes - OLD.minutes",
    ),
    ("delete", "DELETE", "OLD", "-(OLD.contacts > 0)", "-OLD.contacts", "-OLD.minutes"),
)
TEAM_TRIGGERS = (
    *(
        f"""
    CREATE TRIGGER staff_periods_{name}_team AFTER {event} ON staff_periods BEGIN
        {
            _ADD_TO_TEAM.format(
                period=f"{row}.period",
                team="team",
                people=people,
                contacts=contacts,
                minutes=minutes,
                source=_PERSON.format(row=row),
            )
        }
    END
    """
        for name, event, row, people, contacts, minutes in _TEAM_CHANGES
    ),
    f"""
    CREATE TRIGGER staff_team_periods AFTER UPDATE OF team ON staff
    WHEN OLD.team IS NOT NEW.team BEGIN
        {_person_periods("OLD", "-")}
        {_person_periods("NEW", "+")}
    END
    """,
)
# What team_periods holds, counted from staff_periods (the rebuild and the tests).
TEAM_PERIODS_RECOUNT = """
    SELECT p.period, s.team, sum(p.contacts > 0) AS people, sum(p.contacts) AS contacts,
        sum(p.minutes) AS minutes
    FROM staff_periods AS p JOIN staff AS s ON s.telegram_id = p.staff_id
    GROUP BY 1, 2
"""

# Per period: families opened (by their intake day), closed and reopened (rows of their
# histories that end or resume being active). Kept by triggers on families and on
# family_changes. A reopening is an active row after an inactive one, so a change inserted or
# deleted between two rows also changes whether the row after it is one.
FAMILY_PERIODS = """
    CREATE TABLE family_periods (
        period TEXT PRIMARY KEY,
        opened INTEGER NOT NULL,
        closed INTEGER NOT NULL,
        reopened INTEGER NOT NULL
    ) WITHOUT ROWID
"""


def _add_to_periods(day: str, opened: str, closed: str, reopened: str, source: str) -> str:
    """Add the counts to the week, month and year of `day` (an expression over `source`)."""
    return "".join(
        f"""
        INSERT INTO family_periods (period, opened, closed, reopened)
        SELECT {period}, {opened}, {closed}, {reopened} {source}
        ON CONFLICT DO UPDATE SET opened = opened + excluded.opened,
            closed = closed + excluded.closed, reopened = reopened + excluded.reopened;"""
        for period in _periods(day)
    )


def _change_counted(row: str, sign: str) -> str:
    """`row` of family_changes inserted (sign '') or deleted ('-'): it is (or was) a closing
    or a reopening itself, and the next row of its family now follows another row."""
    before_inactive = (
        f"coalesce((SELECT NOT active FROM family_changes WHERE family_id = {row}.family_id "
        f"AND valid_from < {row}.valid_from ORDER BY valid_from DESC LIMIT 1), 0)"
    )
    next_day = (
        f"(SELECT min(valid_from) FROM family_changes WHERE family_id = {row}.family_id "
        f"AND valid_from > {row}.valid_from)"
    )
    return _add_to_periods(
        f"{row}.valid_from",
        "0",
        f"{sign}(NOT {row}.active)",
        f"{sign}({row}.active AND {before_inactive})",
        "WHERE true",
    ) + _add_to_periods(
        "n.valid_from",
        "0",
        "0",
        f"{sign}(n.active * ((NOT {row}.active) - {before_inactive}))",
        f"FROM family_changes AS n WHERE n.family_id = {row}.family_id "
        f"AND n.valid_from = {next_day}",
    )


FAMILY_PERIOD_TRIGGERS = (
    f"""
    CREATE TRIGGER families_opened_periods AFTER INSERT ON families BEGIN
        {_add_to_periods("NEW.opened_on", "1", "0", "0", "WHERE true")}
    END
    """,
    f"""
    CREATE TRIGGER families_reopened_on_periods AFTER UPDATE OF opened_on ON families
    WHEN OLD.opened_on IS NOT NEW.opened_on BEGIN
        {_add_to_periods("OLD.opened_on", "-1", "0", "0", "WHERE true")}
        {_add_to_periods("NEW.opened_on", "1", "0", "0", "WHERE true")}
    END
    """,
    f"""
    CREATE TRIGGER families_deleted_periods AFTER DELETE ON families BEGIN
        {_add_to_periods("OLD.opened_on", "-1", "0", "0", "WHERE true")}
    END
    """,
    f"""
    CREATE TRIGGER family_changes_insert_periods AFTER INSERT ON family_changes BEGIN
        {_change_counted("NEW", "")}
    END
    """,
    f"""
    CREATE TRIGGER family_changes_delete_periods AFTER DELETE ON family_changes BEGIN
        {_change_counted("OLD", "-")}
    END
    """,
)
# What family_periods holds, counted from the families and their histories.
FAMILY_PERIODS_RECOUNT = f"""
    WITH opened AS (SELECT opened_on AS day FROM families),
    changes AS (
        SELECT valid_from AS day, NOT active AS closed,
            active AND coalesce(NOT lag(active) OVER (PARTITION BY family_id
                                                       ORDER BY valid_from), 0) AS reopened
        FROM family_changes)
    SELECT period, sum(opened) AS opened, sum(closed) AS closed, sum(reopened) AS reopened
    FROM ({
    " UNION ALL ".join(
        [
            f"SELECT {period} AS period, 1 AS opened, 0 AS closed, 0 AS reopened FROM opened"
            for period in _periods("day")
        ]
        + [f"SELECT {period}, 0, closed, reopened FROM changes" for period in _periods("day")]
    )
})
    GROUP BY period
"""

# The caseloads added up: how many case managers have active families, how many families
# and of those fled from Ukraine (one row; /caseload's totals without reading every case
# manager). Kept by triggers on caseloads.
CASELOAD_TOTALS = """
    CREATE TABLE caseload_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        case_managers INTEGER NOT NULL,
        families INTEGER NOT NULL,
        fled INTEGER NOT NULL
    )
"""
CASELOAD_TOTALS_RECOUNT = """
    SELECT 1 AS id, count(*) AS case_managers, coalesce(sum(families), 0) AS families,
        coalesce(sum(fled), 0) AS fled
    FROM caseloads
"""
CASELOAD_TOTALS_TRIGGERS = tuple(
    f"""
    CREATE TRIGGER caseloads_{event.lower()}_totals AFTER {event} ON caseloads BEGIN
        UPDATE caseload_totals SET case_managers = case_managers + {people},
            families = families + {families}, fled = fled + {fled} WHERE id = 1;
    END
    """
    for event, people, families, fled in (
        ("INSERT", "1", "NEW.families", "NEW.fled"),
        ("UPDATE", "0", "NEW.families - OLD.families", "NEW.fled - OLD.fled"),
        ("DELETE", "-1", "-OLD.families", "-OLD.fled"),
    )
)

REBUILD_PERIOD_COUNTS = (
    "DELETE FROM team_periods",
    f"INSERT INTO team_periods (period, team, people, contacts, minutes) {TEAM_PERIODS_RECOUNT}",
    "DELETE FROM family_periods",
    f"INSERT INTO family_periods (period, opened, closed, reopened) {FAMILY_PERIODS_RECOUNT}",
    "DELETE FROM caseload_totals",
    f"INSERT INTO caseload_totals (id, case_managers, families, fled) {CASELOAD_TOTALS_RECOUNT}",
)

# The running totals' tables as the migrations leave them.
TABLES = (
    FIRST_TABLES[1],
    FIRST_TABLES[2],
    FIRST_TABLES[3],
    CONTACT_DAYS,
    CASELOAD_DAYS,
    CONTACT_MONTHS,
    CASELOAD_MONTHS,
    CONTACT_PERIODS,
    CASELOADS,
    TEAM_PERIODS,
    FAMILY_PERIODS,
    CASELOAD_TOTALS,
)
