"""The queries behind the figures; fast at state size thanks to the running totals."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.casework.conferences import ConferenceCounts
from bot.casework.vocabulary import BenefitSystem, ContactType, Topic
from bot.funds.money import micro_to_cents
from bot.reporting.charts import WeekByType
from bot.reporting.figures import Count, PeriodFigures, StaffFigures
from bot.reporting.periods import TOTALLED, Period, PeriodKind, period_containing
from bot.staff.roles import Team
from bot.staff.staff import handle
from bot.storage.conferences import CONFERENCE_COUNTS
from bot.storage.database import Database, to_db_time
from bot.storage.funds import SPENDING_MOMENTS
from bot.storage.rollups import MONDAY_OF_DAY, TOPICS, valid_from

# A person's families, each with its history row valid at the end of a period (:end).
_MINE_AT_END = """
    families AS f JOIN family_changes AS h ON h.family_id = f.id
        AND h.valid_from = (SELECT max(valid_from) FROM family_changes
                            WHERE family_id = f.id AND valid_from < :end)
    WHERE f.case_manager_id = :staff"""
# The contacts' totals of a period: a week's or a year's rows of contact_periods, a month's
# of contact_months, and for any other span of days the month totals of the whole months in
# it and the daily totals of the days before and after those (in_days_and_months).
_COLUMNS = "contact_type, town, benefit, contacts, minutes, " + ", ".join(
    f"topic_{bit}" for bit in range(TOPICS)
)
_OF_PERIOD = f"SELECT {_COLUMNS} FROM contact_periods WHERE period = :key"
_OF_MONTH = f"SELECT {_COLUMNS} FROM contact_months WHERE month = :month_key"
_CONTACTS_IN_RANGE = f"""
    SELECT {_COLUMNS} FROM contact_days WHERE day >= :head_start AND day < :head_end
    UNION ALL SELECT {_COLUMNS} FROM contact_months WHERE month >= :first AND month < :last
    UNION ALL SELECT {_COLUMNS} FROM contact_days WHERE day >= :tail_start AND day < :tail_end"""
# A person's contacts of [start, end), each with the town and benefit system of its day.
_MY_CONTACTS = f"""
    SELECT c.contact_type, h.town, h.benefit, 1 AS contacts, c.minutes,
        {", ".join(f"(c.topics >> {bit}) & 1 AS topic_{bit}" for bit in range(TOPICS))}
    FROM contacts AS c JOIN family_changes AS h ON h.family_id = c.family_id
        AND h.valid_from = {valid_from("c.family_id", "c.contact_on")}
    WHERE c.staff_id = :staff AND c.contact_on >= :start AND c.contact_on < :end"""
_TOPIC_SUMS = ", ".join(f"sum(topic_{bit})" for bit in range(TOPICS))


def _margins(rows: str, materialized: bool) -> str:
    """The contacts and minutes of `rows` by contact type (0), town (1) and benefit system
    (2), and their topics (3: the sums of topic_0 … topic_12 as a JSON array), as one JSON
    array of [dimension, value, contacts, minutes]: SQLite adds up the few hundred rows of
    the totals, and the figures read two dozen. The rows of one table are best read where
    they are, by its primary key; a union of several, or a person's contacts, once into a
    temporary table (`materialized`)."""
    return f"""
    (WITH r AS {"" if materialized else "NOT "}MATERIALIZED ({rows})
     SELECT json_group_array(json_array(dimension, value, contacts, minutes)) FROM (
        SELECT 0 AS dimension, contact_type AS value, sum(contacts) AS contacts,
            sum(minutes) AS minutes FROM r GROUP BY contact_type HAVING sum(contacts) > 0
        UNION ALL SELECT 1, town, sum(contacts), sum(minutes) FROM r
            GROUP BY town HAVING sum(contacts) > 0
        UNION ALL SELECT 2, benefit, sum(contacts), sum(minutes) FROM r
            GROUP BY benefit HAVING sum(contacts) > 0
        UNION ALL SELECT 3, json_array({_TOPIC_SUMS}), 0, 0 FROM r))"""


# Active families at the start of :end: the changes of the months before its month and of
# its month's days before it (:month_start, :month), by benefit system and Ukraine flag.
ACTIVE_BY = """
    SELECT {keys}, sum(families) AS families FROM (
        SELECT {keys}, families FROM caseload_months WHERE month < :month
        UNION ALL SELECT {keys}, families FROM caseload_days
        WHERE day >= :month_start AND day < :end)
    GROUP BY {keys}"""
_ACTIVE_AT_END = ACTIVE_BY.format(keys="benefit, fled")
_MINE_ACTIVE_AT_END = f"""
    SELECT h.benefit, h.fled, count(*) AS families FROM {_MINE_AT_END} AND h.active
    GROUP BY h.benefit, h.fled"""
# The :people most active people of the period :key (staff_periods_ranked reads them in
# order).
_MOST_ACTIVE = """
    SELECT p.staff_id, p.contacts, p.minutes, p.families, s.username,
        coalesce(s.display_name, '') AS display_name
    FROM staff_periods AS p LEFT JOIN staff AS s ON s.telegram_id = p.staff_id
    WHERE p.period = :key AND p.contacts > 0
    ORDER BY p.contacts DESC, p.staff_id LIMIT :people"""


# Longer periods than this look for reopened families among those closed before.
LONG_PERIOD_DAYS = 62


def in_days_and_months(start: date, end: date) -> dict[str, str]:
    """The parameters of _CONTACTS_IN_RANGE for the days [start, end): the whole months
    [first, last) and the days before (head) and after (tail) them."""
    first = start if start.day == 1 else period_containing(PeriodKind.MONTH, start).end
    last = end.replace(day=1)
    if first >= last:
        # No whole month: all days, and an empty range of months.
        first = last = head_end = tail_start = end
    else:
        head_end, tail_start = first, last
    return {
        "head_start": start.isoformat(),
        "head_end": head_end.isoformat(),
        "first": first.isoformat()[:7],
        "last": last.isoformat()[:7],
        "tail_start": tail_start.isoformat(),
        "tail_end": end.isoformat(),
    }


def _family_counts(period: Period, staff_id: int | None) -> str:
    """SQL for [opened, closed, reopened] families of a period as a JSON array (NULL for a
    week, month or year nothing happened in): the county's weeks, months and years from
    family_periods, any other span of the county's from the whole months in it there and
    the days before and after them (in_days_and_months) counted; one person's from their
    families and their histories."""
    if staff_id is None and period.kind in TOTALLED:
        return (
            "(SELECT json_array(opened, closed, reopened) FROM family_periods WHERE period = :key)"
        )
    if staff_id is not None:
        long = (period.end - period.start).days > LONG_PERIOD_DAYS
        return f"json_array({', '.join(_counted(':start', ':end', staff_id, long))})"
    months = [
        f"""(SELECT coalesce(sum({column}), 0) FROM family_periods
             WHERE period >= 'M' || :first AND period < 'M' || :last)"""
        for column in ("opened", "closed", "reopened")
    ]
    head = _counted(":head_start", ":head_end", None, long=False)
    tail = _counted(":tail_start", ":tail_end", None, long=False)
    summed = (" + ".join(parts) for parts in zip(months, head, tail, strict=True))
    return f"json_array({', '.join(summed)})"


def _counted(start: str, end: str, staff_id: int | None, long: bool) -> tuple[str, str, str]:
    """SQL for the families opened, closed and reopened on the days [start, end) (all, or
    one person's), counted from the families and their histories: a reopening is an active
    row after an inactive one."""
    mine = "" if staff_id is None else "AND case_manager_id = :staff"
    changes = f"family_changes AS h WHERE h.valid_from >= {start} AND h.valid_from < {end}"
    if staff_id is not None:
        changes += " AND h.family_id IN (SELECT id FROM families WHERE case_manager_id = :staff)"
    # A long span has tens of thousands of changes at state size: only the families closed
    # before can reopen (the partial index family_changes_closed), a few thousand.
    closed_before = (
        f"""AND h.family_id IN (SELECT family_id FROM family_changes
            INDEXED BY family_changes_closed WHERE NOT active AND valid_from < {end})"""
        if long
        else ""
    )
    return (
        f"(SELECT count(*) FROM families WHERE opened_on >= {start} AND opened_on < {end} {mine})",
        f"(SELECT count(*) FROM {changes} AND NOT h.active)",
        f"""(SELECT count(*) FROM {changes} AND h.active {closed_before}
             AND NOT (SELECT p.active FROM family_changes AS p
                      WHERE p.family_id = h.family_id AND p.valid_from < h.valid_from
                      ORDER BY p.valid_from DESC LIMIT 1))""",
    )


def _contacts_by(period: Period, staff_id: int | None) -> tuple[str, dict[str, str]]:
    """The SQL of a period's contacts by type, town, benefit system and topic (the county's,
    or one person's: _margins), and its parameters besides those of the period."""
    if staff_id is not None:
        return _margins(_MY_CONTACTS, materialized=True), {}
    if period.kind in (PeriodKind.WEEK, PeriodKind.YEAR):
        return _margins(_OF_PERIOD, materialized=False), {}
    if period.kind is PeriodKind.MONTH:
        return _margins(_OF_MONTH, materialized=False), {"month_key": period.key[1:]}
    return (
        _margins(_CONTACTS_IN_RANGE, materialized=True),
        in_days_and_months(period.start, period.end),
    )


def active_parameters(end: date) -> dict[str, str]:
    """The parameters of ACTIVE_BY for the start of `end`."""
    return {"end": end.isoformat(), "month": end.isoformat()[:7],
            "month_start": end.replace(day=1).isoformat()}  # fmt: skip


class FigureStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def period(
        self,
        period: Period,
        start_at: datetime,
        end_at: datetime,
        staff_id: int | None = None,
        people: int = 0,
    ) -> PeriodFigures:
        """Figures of the whole county (with `people`, also the shares of that many of its
        most active people), or of one person's work and caseload.

        `start_at` and `end_at` are the period's bounds as instants (local midnight), for
        what is stored with a timestamp rather than a day.
        """
        [figures] = await self.periods([(period, start_at, end_at)], staff_id, people)
        return figures

    async def periods(
        self,
        spans: Sequence[tuple[Period, datetime, datetime]],
        staff_id: int | None = None,
        people: int = 0,
    ) -> list[PeriodFigures]:
        """The figures of several periods (each with its bounds as instants), in one
        statement: one trip to SQLite. `people` applies to the first.

        The county's contacts and families opened, closed and reopened come from the
        running totals (for a span other than a week, month or year: those of its whole
        months and of the days around them), families reached, teams and people from those
        of its week, month or year (none are kept for other spans), the active families at
        the end from caseload_days; a person's from their contacts, families and histories.
        Requests, spending and flags are counted over the period's instants.
        """
        queries = [
            _query(period, start_at, end_at, staff_id, people if number == 0 else 0, number)
            for number, (period, start_at, end_at) in enumerate(spans)
        ]
        rows = await self._db.fetch_all(
            " UNION ALL ".join(sql for sql, _params in queries),
            {name: value for _sql, params in queries for name, value in params.items()},
        )
        return [_figures(row) for row in sorted(rows, key=lambda row: row["number"])]

    async def contacts_so_far(
        self, starts: tuple[date, date], days: int, staff_id: int | None
    ) -> tuple[Count, Count]:
        """Contacts and minutes on the first `days` days from each of two days (a running week
        and the one before): the county's, or one person's; in one trip."""
        ranges = {
            "first_start": starts[0].isoformat(),
            "first_end": (starts[0] + timedelta(days=days)).isoformat(),
            "second_start": starts[1].isoformat(),
            "second_end": (starts[1] + timedelta(days=days)).isoformat(),
            "staff": staff_id,
        }
        if staff_id is None:
            counted = """
                SELECT json_array(coalesce(sum(contacts), 0), coalesce(sum(minutes), 0))
                FROM contact_days WHERE day >= :{span}_start AND day < :{span}_end"""
        else:
            counted = """
                SELECT json_array(count(*), coalesce(sum(minutes), 0)) FROM contacts
                WHERE staff_id = :staff AND contact_on >= :{span}_start
                    AND contact_on < :{span}_end"""
        row = await self._db.fetch_one(
            f"SELECT ({counted.format(span='first')}), ({counted.format(span='second')})", ranges
        )
        return Count(*json.loads(row[0])), Count(*json.loads(row[1]))

    async def active_by_benefit(self, end: date) -> dict[BenefitSystem | None, int]:
        """Families active at the start of `end` by the benefit system they had then."""
        rows = await self._db.fetch_all(_ACTIVE_AT_END, active_parameters(end))
        return _by_benefit({(_benefit(row[0]), bool(row[1])): row[2] for row in rows})

    async def contacts_by_type(self, last_monday: date, weeks: int) -> list[WeekByType]:
        """Contacts per contact type in each of the `weeks` weeks up to `last_monday`'s."""
        last_monday = period_containing(PeriodKind.WEEK, last_monday).start
        first_monday = last_monday - timedelta(weeks=weeks - 1)
        rows = await self._db.fetch_all(
            f"""
            SELECT {MONDAY_OF_DAY} AS monday, contact_type, sum(contacts) FROM contact_days
            WHERE day >= ? AND day < ? GROUP BY monday, contact_type
            """,
            (first_monday.isoformat(), (last_monday + timedelta(days=7)).isoformat()),
        )
        result = [WeekByType(first_monday + timedelta(weeks=index)) for index in range(weeks)]
        by_monday = {week.monday: week for week in result}
        for row in rows:
            if row[2]:
                by_monday[date.fromisoformat(row[0])].contacts[ContactType(row[1])] = row[2]
        return result


def _by_benefit(
    active: dict[tuple[BenefitSystem | None, bool], int],
) -> dict[BenefitSystem | None, int]:
    by_benefit: dict[BenefitSystem | None, int] = {}
    for (system, _fled), count in active.items():
        by_benefit[system] = by_benefit.get(system, 0) + count
    return {system: count for system, count in by_benefit.items() if count}


def _benefit(stored: str) -> BenefitSystem | None:
    return BenefitSystem(stored) if stored else None


def _query(
    period: Period,
    start_at: datetime,
    end_at: datetime,
    staff_id: int | None,
    people: int,
    number: int,
) -> tuple[str, dict[str, object]]:
    """One row of FigureStore.periods: the SELECT of a period's figures, its parameters named
    after its `number` (:p0_key, :p1_key …) so that several periods share a statement."""
    if staff_id is None:
        requester = raiser = translator = recorder = ""
        reached = """
            coalesce((SELECT families FROM period_totals WHERE period = :key), 0)
                AS reached,
            coalesce((SELECT families_ukraine FROM period_totals WHERE period = :key), 0)
                AS reached_ukraine"""
        active = f"""
            (SELECT json_group_array(json_array(benefit, fled, families))
             FROM ({_ACTIVE_AT_END})) AS active_counts,
            (SELECT json_group_array(json_array(team, contacts, minutes))
             FROM team_periods WHERE period = :key) AS by_team,
            (SELECT json_group_array(
                json_array(staff_id, contacts, minutes, families, username, display_name))
             FROM ({_MOST_ACTIVE})) AS most_active,
            (SELECT coalesce(sum(people), 0) FROM team_periods WHERE period = :key)
                AS people"""
    else:
        requester = "AND requested_by = :staff"
        raiser = "AND raised_by = :staff"
        translator = "AND staff_id = :staff"
        recorder = "AND recorded_by = :staff"
        reached = """
            (SELECT count(*) FROM reach WHERE period = :key AND staff_id = :staff)
                AS reached,
            (SELECT count(*) FROM reach AS r JOIN families AS f ON f.id = r.family_id
             WHERE r.period = :key AND r.staff_id = :staff AND f.fled_ukraine)
                AS reached_ukraine"""
        active = f"""
            (SELECT json_group_array(json_array(benefit, fled, families))
             FROM ({_MINE_ACTIVE_AT_END})) AS active_counts,
            '[]' AS by_team, '[]' AS most_active, 0 AS people"""
    contacts, ranges = _contacts_by(period, staff_id)
    sql = f"""
            SELECT {number} AS number, {contacts} AS margins, {reached}, {active},
                {_family_counts(period, staff_id)} AS family_counts,
                (SELECT count(*) FROM interpreter_requests
                 WHERE created_at >= :start_at AND created_at < :end_at {requester}) AS requests,
                (SELECT coalesce(sum(cents), 0) FROM ({SPENDING_MOMENTS})
                 WHERE at >= :start_at AND at < :end_at {requester}) AS spent,
                (SELECT coalesce(sum(cost_micro_cents), 0) FROM machine_translations
                 WHERE at >= :start_at AND at < :end_at {translator}) AS machine,
                (SELECT count(*) FROM flags
                 WHERE raised_at >= :start_at AND raised_at < :end_at {raiser}) AS raised,
                (SELECT count(*) FROM flags
                 WHERE closed_at >= :start_at AND closed_at < :end_at {raiser}) AS flags_closed,
                (SELECT json_array({CONFERENCE_COUNTS}) FROM conferences
                 WHERE held_on >= :start AND held_on < :end {recorder}) AS conferences
            """
    params = {
        "key": period.key,
        "staff": staff_id,
        "people": people,
        "start": period.start.isoformat(),
        **ranges,
        **active_parameters(period.end),
        "start_at": to_db_time(start_at),
        "end_at": to_db_time(end_at),
    }
    prefix = f"p{number}_"
    return re.sub(r":(\w+)", rf":{prefix}\1", sql), {
        prefix + name: value for name, value in params.items()
    }


def _figures(single: sqlite3.Row) -> PeriodFigures:
    """A period's figures from its row of FigureStore.periods."""
    by_type: dict[ContactType, Count] = {}
    by_town: dict[str, Count] = {}
    by_benefit: dict[BenefitSystem | None, Count] = {}
    by_topic: dict[Topic, int] = {}
    for dimension, value, contacts, minutes in json.loads(single["margins"]):
        if dimension == 0:
            by_type[ContactType(value)] = Count(contacts, minutes)
        elif dimension == 1:
            by_town[value] = Count(contacts, minutes)
        elif dimension == 2:
            by_benefit[_benefit(value)] = Count(contacts, minutes)
        else:
            topics = json.loads(value)
            by_topic = {topic: topics[bit] for bit, topic in enumerate(Topic) if topics[bit]}
    opened, closed, reopened = json.loads(single["family_counts"] or "[0, 0, 0]")
    active = {
        (_benefit(benefit), bool(fled)): count
        for benefit, fled, count in json.loads(single["active_counts"])
    }
    return PeriodFigures(
        contacts=sum(count.contacts for count in by_type.values()),
        minutes=sum(count.minutes for count in by_type.values()),
        families_reached=single["reached"],
        families_reached_ukraine=single["reached_ukraine"],
        by_type=by_type,
        by_topic=by_topic,
        by_town=by_town,
        new_families=opened,
        closed_families=closed,
        active_at_end=sum(active.values()),
        active_ukraine_at_end=sum(count for (_system, fled), count in active.items() if fled),
        requests=single["requests"],
        interpreting_spent_cents=single["spent"] + micro_to_cents(single["machine"]),
        flags_raised=single["raised"],
        flags_closed=single["flags_closed"],
        by_staff=sorted(
            (
                StaffFigures(staff_id, contacts, minutes, families, handle(staff_id, *name))
                for staff_id, contacts, minutes, families, *name in json.loads(
                    single["most_active"]
                )
            ),
            key=lambda person: (-person.contacts, person.staff_id),
        ),
        people=single["people"],
        reopened_families=reopened,
        conferences=ConferenceCounts(*json.loads(single["conferences"])),
        by_benefit=by_benefit,
        active_by_benefit=_by_benefit(active),
        by_team={
            Team(team): Count(contacts, minutes)
            for team, contacts, minutes in json.loads(single["by_team"])
            if contacts
        },
    )
