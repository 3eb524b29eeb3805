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
"""

from __future__ import annotations

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


TABLES = (
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


def _on_insert() -> str:
    return f"""
    CREATE TRIGGER contacts_rollup_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO contact_days (day, contact_type, town, fled, contacts, minutes,
            {_TOPIC_COLUMNS})
        SELECT NEW.contact_on, NEW.contact_type, town, fled_ukraine, 1, NEW.minutes,
            {_TOPIC_VALUES}
        FROM families WHERE id = NEW.family_id
        ON CONFLICT DO UPDATE SET contacts = contacts + 1,
            minutes = minutes + excluded.minutes, {_TOPIC_ADD};
        {"".join(_count_insert(period) for period in _periods("NEW.contact_on"))}
    END
    """


def _on_delete() -> str:
    return f"""
    CREATE TRIGGER contacts_rollup_delete AFTER DELETE ON contacts BEGIN
        UPDATE contact_days SET contacts = contacts - 1, minutes = minutes - OLD.minutes,
            {_TOPIC_TAKE}
        WHERE day = OLD.contact_on AND contact_type = OLD.contact_type
          AND (town, fled) = (SELECT town, fled_ukraine FROM families WHERE id = OLD.family_id);
        {"".join(_count_delete(period) for period in _periods("OLD.contact_on"))}
    END
    """


# Each contact's audit line, written in the statement that stores it. Migration 14 replaces
# it with one that stays silent for a corrected contact stored again (ContactStore.correct).
AUDIT_TRIGGER = """
    CREATE TRIGGER contacts_audit AFTER INSERT ON contacts BEGIN
        INSERT INTO audit_log (at, actor_id, action, subject, detail)
        VALUES (NEW.created_at, NEW.staff_id, 'contact.create',
                printf('F-%04d', NEW.family_id), NEW.id);
    END
"""

# As shipped in the migration that brought the totals; never change it (its checksum).
TRIGGERS = (_on_insert(), _on_delete(), AUDIT_TRIGGER)

# Since the covers: the audit line also says in cover for whom a contact was logged.
COVER_AUDIT_TRIGGER = """
    CREATE TRIGGER contacts_audit AFTER INSERT ON contacts BEGIN
        INSERT INTO audit_log (at, actor_id, action, subject, detail, cover_for)
        VALUES (NEW.created_at, NEW.staff_id, 'contact.create',
                printf('F-%04d', NEW.family_id), NEW.id, NEW.cover_for);
    END
"""


def rebuild_statements() -> tuple[str, ...]:
    """Recount all totals from the contacts (after a migration or a bulk load)."""
    topic_sums = ", ".join(f"sum((c.topics >> {bit}) & 1)" for bit in range(TOPICS))
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
    return (
        "DELETE FROM contact_days",
        "DELETE FROM reach",
        "DELETE FROM staff_periods",
        "DELETE FROM period_totals",
        f"""
        INSERT INTO contact_days (day, contact_type, town, fled, contacts, minutes,
            {_TOPIC_COLUMNS})
        SELECT c.contact_on, c.contact_type, f.town, f.fled_ukraine, count(*), sum(c.minutes),
            {topic_sums}
        FROM contacts AS c JOIN families AS f ON f.id = c.family_id
        GROUP BY 1, 2, 3, 4
        """,
        *by_period,
        """
        INSERT INTO period_totals (period, families, families_ukraine)
        SELECT r.period, count(DISTINCT r.family_id),
               count(DISTINCT CASE WHEN f.fled_ukraine THEN r.family_id END)
        FROM reach AS r JOIN families AS f ON f.id = r.family_id
        GROUP BY r.period
        """,
    )
