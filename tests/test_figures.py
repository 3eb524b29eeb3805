"""Figures of weeks, months and years, checked against counts done by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.casework.contacts import ContactDraft
from bot.casework.families import FamilyDraft
from bot.casework.vocabulary import ContactType, FlagCategory, Topic
from bot.core.config import Settings
from bot.core.i18n import use_locale
from bot.core.offline import Person
from bot.core.parsing import ParseError
from bot.reporting.figures import PEOPLE_SHOWN, Count, PeriodFigures, figures_text, hours
from bot.reporting.periods import (
    TOTALLED,
    PeriodKind,
    parse_month,
    parse_week,
    parse_year,
    period_containing,
)
from bot.staff.roles import Role, Team
from bot.storage.figures import in_days_and_months
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.dates import berlin_midnight
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.invariants import database_problems, row_counts
from tests.helpers.texts import de, in_locale

NOW = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)


async def family(bot: BotHarness, town: str, fled: bool, opened: date, person=CASE_MANAGER) -> int:
    draft = FamilyDraft(town, "UA" if fled else "SY", 3, ("uk",) if fled else ("ar",), fled)
    created = await bot.storage.families.create(draft, person.id, opened, berlin_midnight(opened))
    return created.id


async def contact(
    bot: BotHarness,
    family_id: int,
    day: date,
    minutes: int,
    kind: ContactType,
    topics: tuple[Topic, ...],
    person=CASE_MANAGER,
) -> int:
    draft = ContactDraft(family_id, day, minutes, kind, topics)
    stored, _ = await bot.storage.contacts.add(draft, person.id, berlin_midnight(day))
    return stored.id


async def figures_of(bot: BotHarness, kind: PeriodKind, day: date, staff_id: int | None = None):
    period = period_containing(kind, day)
    return await bot.storage.figures.period(
        period,
        berlin_midnight(period.start),
        berlin_midnight(period.end),
        staff_id,
        people=PEOPLE_SHOWN,
    )


@pytest.fixture
async def county(bot: BotHarness) -> BotHarness:
    """A fixed data set around the new year 2026/27 and the end of summer time 2026.

    2026-12-31 (Thursday) and 2027-01-01 (Friday) belong to ISO week 2026-W53, which runs
    from Monday 28 December to Sunday 3 January. Summer time ended on Sunday 25 October
    2026: ISO week 2026-W43 began at 00:00 CEST (22:00 UTC the day before) and W44 at
    00:00 CET (23:00 UTC).
    """
    bot.time.now = NOW
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.register(COORDINATOR, Role.COORDINATOR)
    ahlen = await family(bot, "Ahlen", True, date(2026, 10, 1))  # F-0001, Ukraine
    beckum = await family(bot, "Beckum", False, date(2026, 12, 29))  # F-0002, new in W53
    telgte = await family(bot, "Telgte", True, date(2026, 10, 20), COLLEAGUE)  # F-0003
    await contact(bot, ahlen, date(2026, 12, 31), 45, ContactType.HOME_VISIT,
                  (Topic.RESIDENCE, Topic.WORK))  # fmt: skip
    await contact(bot, ahlen, date(2027, 1, 1), 30, ContactType.PHONE, (Topic.WORK,))
    await contact(bot, beckum, date(2027, 1, 1), 90, ContactType.ACCOMPANIMENT,
                  (Topic.HEALTH,))  # fmt: skip
    await contact(bot, telgte, date(2026, 12, 28), 60, ContactType.OFFICE, (Topic.HOUSING,),
                  COLLEAGUE)  # fmt: skip
    await contact(bot, ahlen, date(2027, 1, 4), 20, ContactType.PHONE, (Topic.BENEFITS,))
    await contact(bot, ahlen, date(2026, 12, 21), 15, ContactType.MESSAGE, (Topic.OTHER,))
    await contact(bot, telgte, date(2026, 10, 25), 50, ContactType.HOME_VISIT,
                  (Topic.SCHOOL,), COLLEAGUE)  # fmt: skip
    await contact(bot, telgte, date(2026, 10, 26), 40, ContactType.HOME_VISIT,
                  (Topic.SCHOOL,), COLLEAGUE)  # fmt: skip
    await bot.storage.families.close(beckum, "verzogen", CASE_MANAGER.id, date(2027, 1, 2),
                                     berlin_midnight(date(2027, 1, 2)))  # fmt: skip
    # Flags raised around the end of summer time, as instants.
    for moment in ("2026-10-18T21:30:00+00:00", "2026-10-18T22:30:00+00:00",
                   "2026-10-25T22:30:00+00:00", "2026-10-25T23:30:00+00:00"):  # fmt: skip
        await bot.storage.flags.add(telgte, FlagCategory.WAITING_TIME, "Wartezeit",
                                    COLLEAGUE.id, datetime.fromisoformat(moment))  # fmt: skip
    return bot


async def test_a_week_across_new_year(county: BotHarness) -> None:
    week = await figures_of(county, PeriodKind.WEEK, date(2027, 1, 1))

    assert (week.contacts, week.minutes) == (4, 45 + 30 + 90 + 60)
    assert (week.families_reached, week.families_reached_ukraine) == (3, 2)
    assert week.by_type == {
        ContactType.HOME_VISIT: Count(1, 45),
        ContactType.PHONE: Count(1, 30),
        ContactType.ACCOMPANIMENT: Count(1, 90),
        ContactType.OFFICE: Count(1, 60),
    }
    assert week.by_topic == {Topic.RESIDENCE: 1, Topic.WORK: 2, Topic.HEALTH: 1, Topic.HOUSING: 1}
    assert week.by_town == {"Ahlen": Count(2, 75), "Beckum": Count(1, 90), "Telgte": Count(1, 60)}
    assert (week.new_families, week.closed_families) == (1, 1)
    # At the end of the week (Sunday 3 January) Beckum was closed.
    assert (week.active_at_end, week.active_ukraine_at_end) == (2, 2)
    assert [(p.staff_id, p.contacts, p.minutes, p.families) for p in week.by_staff] == [
        (CASE_MANAGER.id, 3, 165, 2),
        (COLLEAGUE.id, 1, 60, 1),
    ]


async def test_the_week_before_and_after_new_year(county: BotHarness) -> None:
    before = await figures_of(county, PeriodKind.WEEK, date(2026, 12, 21))
    after = await figures_of(county, PeriodKind.WEEK, date(2027, 1, 4))

    assert (before.contacts, before.minutes, before.families_reached) == (1, 15, 1)
    assert (after.contacts, after.minutes, after.families_reached) == (1, 20, 1)
    assert period_containing(PeriodKind.WEEK, date(2027, 1, 1)).key == "W2026-53"
    assert period_containing(PeriodKind.WEEK, date(2027, 1, 4)).key == "W2027-01"


async def test_months_and_years_split_the_new_year_week(county: BotHarness) -> None:
    december = await figures_of(county, PeriodKind.MONTH, date(2026, 12, 1))
    january = await figures_of(county, PeriodKind.MONTH, date(2027, 1, 1))
    year_2026 = await figures_of(county, PeriodKind.YEAR, date(2026, 6, 1))

    assert (december.contacts, december.minutes, december.families_reached) == (3, 120, 2)
    assert (january.contacts, january.minutes, january.families_reached) == (3, 140, 2)
    assert (year_2026.contacts, year_2026.families_reached, year_2026.new_families) == (5, 2, 3)


async def test_instants_follow_berlin_time_across_the_end_of_summer_time(
    county: BotHarness,
) -> None:
    w42 = await figures_of(county, PeriodKind.WEEK, date(2026, 10, 12))
    w43 = await figures_of(county, PeriodKind.WEEK, date(2026, 10, 19))
    w44 = await figures_of(county, PeriodKind.WEEK, date(2026, 10, 26))

    # 21:30 UTC on 18.10. is 23:30 CEST, still W42; 22:30 UTC is 00:30 CEST on 19.10.
    # 22:30 UTC on 25.10. is 23:30 CET, still W43; 23:30 UTC is 00:30 CET on 26.10.
    assert (w42.flags_raised, w43.flags_raised, w44.flags_raised) == (1, 2, 1)
    assert (w43.contacts, w44.contacts) == (1, 1)


async def test_a_case_manager_sees_only_their_own_figures(county: BotHarness) -> None:
    mine = await figures_of(county, PeriodKind.WEEK, date(2027, 1, 1), COLLEAGUE.id)

    assert (mine.contacts, mine.minutes, mine.families_reached, mine.families_reached_ukraine) == (
        1,
        60,
        1,
        1,
    )
    assert (mine.active_at_end, mine.new_families, mine.by_staff) == (1, 0, [])
    assert mine.by_town == {"Telgte": Count(1, 60)}


async def test_undoing_a_contact_takes_it_out_of_the_figures(county: BotHarness) -> None:
    bot = county
    extra = await contact(bot, 2, date(2027, 1, 2), 25, ContactType.VIDEO, (Topic.OTHER,))
    with_extra = await figures_of(bot, PeriodKind.WEEK, date(2027, 1, 1))
    await bot.storage.contacts.delete(extra, CASE_MANAGER.id, NOW)
    without = await figures_of(bot, PeriodKind.WEEK, date(2027, 1, 1))

    assert (with_extra.contacts, with_extra.families_reached) == (5, 3)
    assert (without.contacts, without.minutes, without.families_reached) == (4, 225, 3)
    assert ContactType.VIDEO not in without.by_type or without.by_type[ContactType.VIDEO] == Count()


async def test_week_command_shows_the_figures_with_the_change(county: BotHarness) -> None:
    bot = county

    calls = await bot.send(COORDINATOR, "/week 2026-W53")

    text = calls[0].text
    assert text.startswith("<b>" + de("KIM figures, whole county") + "</b>")
    assert (
        de(
            "Families reached: {count} ({change}), of those fled from Ukraine: {ukraine} "
            "({ukraine_change})",
            count=3,
            change="+2",
            ukraine=2,
            ukraine_change="+1",
        )
        in text
    )
    assert de("Contacts: {count} ({change}) · hours: {hours} ({hours_change})", count=4,
              change="+3", hours="3,8", hours_change="+3,5") in text  # fmt: skip
    assert [b["callback_data"] for b in calls[0].buttons] == ["chart:2026-12-28"]
    assert de("{name}: {contacts} · {hours} h · {families}", name="@anna_kim", contacts=3,
              hours="2,8", families=2) in text  # fmt: skip


async def test_the_county_figures_list_the_most_active_people_and_count_the_rest(
    bot: BotHarness,
) -> None:
    """30 case managers: the k-th logs k contacts of 10 minutes in week 53 (and one more in
    week 52, which must not count). The 25 most active are listed, most contacts first; the
    other 5 (1 to 5 contacts) are counted."""
    bot.time.now = NOW
    await bot.register(COORDINATOR, Role.COORDINATOR)
    for k in range(1, 31):
        person = Person(5000 + k, f"Person {k}", f"person_{k}", "de")
        await bot.register(person, Role.CASE_MANAGER)
        family_id = await family(bot, "Ahlen", False, date(2026, 10, 1), person)
        for _ in range(k):
            await contact(bot, family_id, date(2026, 12, 29), 10, ContactType.PHONE,
                          (Topic.WORK,), person)  # fmt: skip
        await contact(bot, family_id, date(2026, 12, 22), 10, ContactType.PHONE,
                      (Topic.WORK,), person)  # fmt: skip

    text = only_text(await bot.send(COORDINATOR, "/week 2026-W53"))

    people = text[text.index(de("<b>By person</b> (contacts, hours, families reached)")) :]
    lines = people.splitlines()[1:]
    # Person 30 first (30 contacts, 300 min = 5,0 h, 1 family) down to person 6.
    assert lines[:-1] == [
        de("{name}: {contacts} · {hours} h · {families}", name=f"@person_{k}", contacts=k,
           hours=hours(10 * k), families=1)
        for k in range(30, 5, -1)
    ]  # fmt: skip
    assert lines[-1] == de("… and {count} more: /export has everyone.", count=5)
    # 30 × 10 min = 5 h; 6 × 10 min = 1 h.
    assert (lines[0], lines[-2]) == ("@person_30: 30 · 5 Std. · 1", "@person_6: 6 · 1 Std. · 1")


async def test_a_person_who_changes_team_takes_their_figures_along(
    county: BotHarness, settings: Settings
) -> None:
    """The teams count by the team each person is in now: re-invited into another team,
    Oksana's contacts of every period move with her, and she is still one person."""
    bot = county
    week = await figures_of(bot, PeriodKind.WEEK, date(2026, 12, 28))
    october = await figures_of(bot, PeriodKind.MONTH, date(2026, 10, 1))
    # W53: Anna 3 contacts (45 + 30 + 90 min), Oksana 1 (60 min); October: Oksana's two
    # home visits on 25 and 26 October (50 + 40 min).
    assert week.by_team == {Team.CASE_MANAGEMENT: Count(4, 225)}
    assert (week.people, october.by_team) == (2, {Team.CASE_MANAGEMENT: Count(2, 90)})

    await bot.storage.staff.add(COLLEAGUE.id, Role.CASE_MANAGER, Team.COORDINATION, "uk", NOW)

    week = await figures_of(bot, PeriodKind.WEEK, date(2026, 12, 28))
    october = await figures_of(bot, PeriodKind.MONTH, date(2026, 10, 1))
    assert week.by_team == {Team.CASE_MANAGEMENT: Count(3, 165), Team.COORDINATION: Count(1, 60)}
    assert (week.people, october.by_team) == (2, {Team.COORDINATION: Count(2, 90)})
    assert database_problems(settings.database_path) == []


def test_large_counts_are_written_as_the_locale_writes_them() -> None:
    """A state's year: 11,565 contacts against none the year before, 1,204 families."""
    year = period_containing(PeriodKind.YEAR, date(2026, 5, 1))
    empty = PeriodFigures(0, 0, 0, 0, {}, {}, {}, 0, 0, 0, 0, 0, 0, 0, 0)
    busy = replace(empty, contacts=11565, minutes=600, families_reached=1204,
                   by_type={ContactType.PHONE: Count(11565, 600)})  # fmt: skip

    with use_locale("de"):
        text = figures_text(year, busy, empty, "KIM")
    with use_locale("uk"):
        ukrainian = figures_text(year, busy, empty, "KIM")

    assert de("Contacts: {count} ({change}) · hours: {hours} ({hours_change})",
              count="11.565", change="+11.565", hours="10", hours_change="+10") in text  # fmt: skip
    assert "1.204 (+1.204)" in text
    assert "11\u00a0565 (+11\u00a0565)" in ukrainian


async def test_week_command_for_a_case_manager_shows_their_own(county: BotHarness) -> None:
    calls = await county.send(COLLEAGUE, "/week 2026-W53")

    text = only_text(calls)
    assert text.startswith("<b>" + in_locale("uk", "Your figures") + "</b>")
    assert "@anna_kim" not in text
    assert calls[0].buttons == []


@pytest.mark.parametrize(
    ("command", "kind", "day"),
    [("/week KW53", PeriodKind.WEEK, date(2026, 12, 28)),
     ("/week 31.12.2026", PeriodKind.WEEK, date(2026, 12, 28)),
     ("/week 2027-W01", PeriodKind.WEEK, date(2027, 1, 4)),
     ("/month 12.2026", PeriodKind.MONTH, date(2026, 12, 1)),
     ("/month Dezember 2026", PeriodKind.MONTH, date(2026, 12, 1)),
     ("/year 2026", PeriodKind.YEAR, date(2026, 1, 1))],
)  # fmt: skip
async def test_periods_can_be_named_in_several_ways(
    county: BotHarness, command: str, kind: PeriodKind, day: date
) -> None:
    calls = await county.send(COORDINATOR, command)

    with use_locale("de"):
        label = period_containing(kind, day).label()
    assert calls[0].text.splitlines()[1] == label


def test_period_parsing() -> None:
    today = date(2027, 1, 20)
    assert parse_week("", today).key == "W2027-03"
    assert parse_week("KW53", today).key == "W2026-53"
    assert parse_week("kw 2", today).key == "W2027-02"
    assert parse_week("2026-W47", today).key == "W2026-47"
    assert parse_week("24.11.2026", today).key == "W2026-48"
    assert parse_week("2026-11-24", today).key == "W2026-48"
    assert parse_month("", today).key == "M2027-01"
    assert parse_month("11.2026", today).key == "M2026-11"
    assert parse_month("2026-11", today).key == "M2026-11"
    assert parse_month("November", today).key == "M2026-11"
    assert parse_month("Februar", today).key == "M2026-02"
    assert parse_month("März 2027", today).key == "M2027-03"
    assert parse_year("", today).key == "Y2027"
    assert parse_year("2026", today).key == "Y2026"


@pytest.mark.parametrize("text", ["KW60", "2026-W54", "2027-W53", "32.13.2026", "Brumaire"])
def test_impossible_weeks_are_refused(text: str) -> None:
    with pytest.raises(ParseError):
        parse_week(text, date(2027, 1, 20))


@pytest.mark.parametrize("text", ["13.2026", "Brumaire", "2026-00", "Mai Juni 2026"])
def test_impossible_months_are_refused(text: str) -> None:
    with pytest.raises(ParseError):
        parse_month(text, date(2027, 1, 20))


OUT_OF_RANGE = (
    "“{text}” is out of range: please give a year from {first} to {last}. Example: {example}"
)


@pytest.mark.parametrize(
    ("command", "typed", "example"),
    [
        # These overflowed Python's calendar and failed the handler (issue 10's fuzzing).
        ("/week", "0001-01-01", "/week 24.11.2026"),
        ("/week", "9999-12-31", "/week 24.11.2026"),
        ("/month", "12.9999", "/month 11.2026"),
        ("/week", "9999-W52", "/week 24.11.2026"),
        ("/week", "31.12.1999", "/week 24.11.2026"),
        ("/month", "Mai 99999", "/month 11.2026"),
        ("/month", "0000-01", "/month 11.2026"),
        ("/year", "9999", "/year 2026"),
    ],
)
async def test_a_period_outside_the_years_says_so_with_an_example_and_stores_nothing(
    county: BotHarness, settings: Settings, command: str, typed: str, example: str
) -> None:
    before = row_counts(settings.database_path)

    reply = only_text(await county.send(COORDINATOR, f"{command} {typed}"))

    assert reply == de(OUT_OF_RANGE, text=typed, first=2000, last=2100, example=example)
    assert row_counts(settings.database_path) == before


@pytest.mark.parametrize("typed", ["01.01.2000", "2100-12-31", "2000-W01", "12.2100"])
def test_the_first_and_last_years_are_in_range(typed: str) -> None:
    parse = parse_month if "." in typed and typed.count(".") == 1 else parse_week
    period = parse(typed, date(2027, 1, 20))

    assert period.start < period.end


async def test_a_bad_period_is_answered_with_examples(county: BotHarness) -> None:
    reply = only_text(await county.send(COORDINATOR, "/week KW60"))

    assert reply == de(
        "“{text}” is not a week. Examples: /week, /week KW47, /week 2026-W47, /week 24.11.2026",
        text="KW60",
    )


@given(st.text(max_size=30))
def test_any_period_text_parses_or_is_refused(text: str) -> None:
    for parse in (parse_week, parse_month, parse_year):
        try:
            period = parse(text, date(2027, 1, 20))
        except ParseError as error:
            assert error.message
        else:
            assert period.start < period.end


async def test_caseload_counts_active_families_per_case_manager(county: BotHarness) -> None:
    bot = county
    await bot.send(COORDINATOR, "/fte @anna_kim 0,5")

    text = only_text(await bot.send(COORDINATOR, "/caseload"))

    assert de("<b>{families} families, of those {ukraine} fled from Ukraine</b>", families=2,
              ukraine=2) in text  # fmt: skip
    assert "@anna_kim" in text and "@oksana_cm" in text
    assert await bot.storage.staff.full_time_equivalents(
        bot.application.bot_data.clock.today()
    ) == {CASE_MANAGER.id: 500}
    assert "2" in text.split("@anna_kim")[1].splitlines()[0]


async def test_fte_refusals(county: BotHarness) -> None:
    bot = county
    assert "0,8" in only_text(await bot.send(COORDINATOR, "/fte @anna_kim"))
    assert "1,5" in only_text(await bot.send(COORDINATOR, "/fte @anna_kim 1,5"))
    assert "@nobody" in only_text(await bot.send(COORDINATOR, "/fte @nobody 0,5"))
    assert await bot.storage.staff.fte_history(CASE_MANAGER.id) == []
    refusal = only_text(await bot.send(CASE_MANAGER, "/caseload"))
    assert refusal.startswith("/caseload")


# The running totals can never disagree with the contacts they count -------------------------

DAYS = st.dates(min_value=date(2026, 12, 20), max_value=date(2027, 1, 10))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["add", "add", "add", "delete"]),
            st.integers(1, 3),
            st.sampled_from([CASE_MANAGER, COLLEAGUE]),
            DAYS,
            st.sampled_from(list(ContactType)),
            st.sets(st.sampled_from(list(Topic)), min_size=1, max_size=3),
        ),
        max_size=25,
    )
)
async def test_running_totals_match_a_count_of_the_contacts(bot: BotHarness, steps) -> None:
    if await bot.storage.staff.get(CASE_MANAGER.id) is None:
        await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
        await bot.register(COLLEAGUE, Role.CASE_MANAGER)
        for town, fled in (("Ahlen", True), ("Beckum", False), ("Telgte", True)):
            await family(bot, town, fled, date(2026, 1, 1))
    for action, family_id, person, day, kind, topics in steps:
        if action == "add":
            await contact(bot, family_id, day, 30, kind, tuple(topics), person)
        else:
            victim = await bot.storage.db.fetch_value("SELECT max(id) FROM contacts")
            if victim:
                await bot.storage.contacts.delete(victim, person.id, NOW)

    for kind in TOTALLED:
        for day in (date(2026, 12, 28), date(2027, 1, 1), date(2027, 1, 4)):
            figures = await figures_of(bot, kind, day)
            period = period_containing(kind, day)
            counted = await bot.storage.db.fetch_one(
                """
                SELECT count(*), coalesce(sum(minutes), 0), count(DISTINCT family_id),
                       count(DISTINCT CASE WHEN family_id IN (1, 3) THEN family_id END)
                FROM contacts WHERE contact_on >= ? AND contact_on < ?
                """,
                (period.start.isoformat(), period.end.isoformat()),
            )
            assert (figures.contacts, figures.minutes, figures.families_reached,
                    figures.families_reached_ukraine) == tuple(counted)  # fmt: skip
            per_person = {p.staff_id: (p.contacts, p.families) for p in figures.by_staff}
            rows = await bot.storage.db.fetch_all(
                """
                SELECT staff_id, count(*), count(DISTINCT family_id) FROM contacts
                WHERE contact_on >= ? AND contact_on < ? GROUP BY staff_id
                """,
                (period.start.isoformat(), period.end.isoformat()),
            )
            assert per_person == {row[0]: (row[1], row[2]) for row in rows}


async def test_admins_see_the_county_figures_too(county: BotHarness) -> None:
    calls = await county.send(ADMIN, "/week 2026-W53")

    assert calls[0].text.startswith("<b>" + de("KIM figures, whole county") + "</b>")


# Every form of a week the bot prints or staff type; last week; weeks still to come ----------


@pytest.mark.parametrize(
    ("typed", "key"),
    [("KW 48/2026", "W2026-48"), ("KW48/2026", "W2026-48"), ("kw 48 / 2026", "W2026-48"),
     ("48/2026", "W2026-48"), ("2026-W48", "W2026-48"), ("2026-w48", "W2026-48"),
     ("KW1 2027", "W2027-01"), ("week 48/2026", "W2026-48"), ("тиждень 48/2026", "W2026-48"),
     ("24.11.2026", "W2026-48"), ("24.11.26", "W2026-48"), ("24.11.", "W2026-48"),
     ("24.11", "W2026-48"), ("2026-11-24", "W2026-48"),
     # Without a year: the latest such day whose week has begun. Today is Wednesday
     # 20 January 2027: Friday 22.01. is in this week, 25.01. last fell on a Sunday in
     # 2026-W04, and 29.02. last came in 2024 (a Thursday of 2024-W09).
     ("22.01.", "W2027-03"), ("25.01.", "W2026-04"), ("29.02.", "W2024-09"),
     ("last", "W2027-02"), ("letzte", "W2027-02"), ("Letzte  Woche", "W2027-02"),
     ("минулий", "W2027-02"), ("-1", "W2027-02"), ("KW53", "W2026-53"),
     # Weeks still to come parse; /week then says they have not begun.
     ("KW 5/2027", "W2027-05"), ("2027-W52", "W2027-52")],
)  # fmt: skip
def test_a_week_can_be_named_in_every_form_the_bot_prints(typed: str, key: str) -> None:
    assert parse_week(typed, date(2027, 1, 20)).key == key


@pytest.mark.parametrize("typed", ["KW 53/2027", "KW 0/2026", "31.02.", "48/26", "letzter"])
def test_weeks_the_calendar_does_not_have_are_refused(typed: str) -> None:
    with pytest.raises(ParseError):
        parse_week(typed, date(2027, 1, 20))


def test_a_week_with_a_year_out_of_range_names_it_with_an_example() -> None:
    with pytest.raises(ParseError) as raised, use_locale("de"):
        parse_week("KW 48/1999", date(2027, 1, 20))
    assert raised.value.message == de(
        OUT_OF_RANGE, text="KW 48/1999", first=2000, last=2100, example="/week 24.11.2026"
    )


@pytest.mark.parametrize("typed", ["letzter", "last", "-1", "минулий", "Letzter Monat"])
def test_last_month(typed: str) -> None:
    assert parse_month(typed, date(2027, 1, 20)).key == "M2026-12"


async def test_a_week_still_to_come_has_not_begun(county: BotHarness, settings: Settings) -> None:
    before = row_counts(settings.database_path)

    week = only_text(await county.send(COORDINATOR, "/week KW 5/2027"))
    month = only_text(await county.send(CASE_MANAGER, "/month März 2027"))

    assert week == "KW 5/2027 (01.02.2027 – 07.02.2027) hat noch nicht begonnen."
    assert month == "März 2027 hat noch nicht begonnen."
    assert row_counts(settings.database_path) == before


async def test_the_running_week_is_compared_with_the_same_weekdays_before(
    county: BotHarness,
) -> None:
    bot = county  # today is Wednesday 20 January 2027, in 2027-W03 (18–24 January)
    for day, minutes in (
        (date(2027, 1, 18), 30),
        (date(2027, 1, 20), 45),  # this week
        (date(2027, 1, 11), 20),
        (date(2027, 1, 12), 25),  # Mon–Wed before
        (date(2027, 1, 13), 20),
        (date(2027, 1, 14), 60),
        (date(2027, 1, 17), 10),
    ):  # Thu, Sun before
        await contact(bot, 1, day, minutes, ContactType.PHONE, (Topic.WORK,))  # fmt: skip

    text = only_text(await bot.send(COORDINATOR, "/week"))
    last = only_text(await bot.send(COORDINATOR, "/week letzte"))
    # Anna logged all of them: her own running week reads the same, from her contacts.
    mine = only_text(await bot.send(CASE_MANAGER, "/week"))

    # 75 min = 1.25 h → 1,3 (half up); 65 min = 1.083 h → 1,1. The body compares with the
    # whole week before: 5 contacts, 135 min; 75 − 135 = −60 min = −1 h. That week itself:
    # 135 min = 2.25 h → 2,3 (half up), against 1 contact of 20 min on 4 January (+1,9 h).
    assert text.endswith(
        "\n\nKW 3/2027 läuft noch. Kontakte Mo.–Mi. bisher: 2 (1,3 Std.); Mo.–Mi. der "
        "KW 2/2027: 3 (1,1 Std.).\nDie ganze letzte Woche: /week letzte"
    )
    assert "Kontakte: 2 (−3) · Stunden: 1,3 (−1)" in text
    assert mine.endswith(text[text.index("\n\nKW 3/2027 läuft noch") :])
    assert last.splitlines()[1] == "KW 2/2027 (11.01.2027 – 17.01.2027)"
    assert "läuft noch" not in last
    assert "Kontakte: 5 (+4) · Stunden: 2,3 (+1,9)" in last


async def test_on_a_monday_the_running_week_has_one_day(county: BotHarness) -> None:
    county.time.now = datetime(2027, 1, 18, 9, 0, tzinfo=UTC)

    text = only_text(await county.send(CASE_MANAGER, "/week"))

    assert text.endswith(
        "KW 3/2027 läuft noch. Kontakte Mo. bisher: 0 (0 Std.); Mo. der KW 2/2027: 0 (0 Std.)."
        "\nDie ganze letzte Woche: /week letzte"
    )


def test_hours_are_rounded_half_up() -> None:
    with use_locale("de"):
        # 4095 min = 68.25 h; 3 min = 0.05 h; 105 min = 1.75 h; 45 min = 0.75 h.
        assert [hours(4095), hours(3), hours(105), hours(45)] == ["68,3", "0,1", "1,8", "0,8"]


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    length=st.integers(min_value=1, max_value=800),
)
def test_a_period_is_its_whole_months_and_the_days_around_them(start: date, length: int) -> None:
    """The months and days a figure query reads cover every day of [start, end) once."""
    end = start + timedelta(days=length)
    ranges = in_days_and_months(start, end)
    read = []
    for first, last in (
        (ranges["head_start"], ranges["head_end"]),
        (ranges["tail_start"], ranges["tail_end"]),
    ):
        day = date.fromisoformat(first)
        while day < date.fromisoformat(last):
            read.append(day)
            day += timedelta(days=1)
    day = start
    while day < end:
        if ranges["first"] <= day.isoformat()[:7] < ranges["last"]:
            read.append(day)
        day += timedelta(days=1)
    days = [start + timedelta(days=offset) for offset in range(length)]
    assert sorted(read) == days
    # Every month wholly inside the period is read as a month, not as its days.
    whole = {day.isoformat()[:7] for day in days
             if day.day == 1 and period_containing(PeriodKind.MONTH, day).end <= end}  # fmt: skip
    assert all(ranges["first"] <= month < ranges["last"] for month in whole)
