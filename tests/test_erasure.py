"""Retention and erasure: personal data go, every reported figure stays the same."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.core.config import ConfigError, Settings, load_settings
from bot.core.i18n import ngettext, use_locale
from bot.demo.data import generate
from bot.handlers.erasure import JOB_NAME
from bot.privacy.erasure import months_before, retention_cutoffs
from bot.reporting.periods import PeriodKind, period_containing
from bot.staff.roles import Role
from bot.storage.database import Database
from bot.storage.migrations import MIGRATIONS
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR, START
from tests.helpers.dates import BERLIN
from tests.helpers.harness import BotHarness, FakeTime, only_text, texts
from tests.helpers.texts import de

NOTE = "Frau K. war beim Arzt wegen Diabetes"


async def _value(bot: BotHarness, sql: str, params: tuple = ()) -> object:
    return await bot.storage.db.fetch_value(sql, params)


# --- the cut-offs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 24), 24, date(2024, 11, 24)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 3, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
    ],
)
def test_months_before_keeps_the_day_or_takes_the_months_last(
    day: date, months: int, expected: date
) -> None:
    assert months_before(day, months) == expected


def test_zero_months_switches_a_retention_off() -> None:
    now = datetime(2026, 11, 24, 3, 0, tzinfo=BERLIN)
    cutoffs = retention_cutoffs(now, 0, 0)
    assert (cutoffs.families_closed_before, cutoffs.staff_revoked_before) == (None, None)
    assert cutoffs.audit_before is None
    cutoffs = retention_cutoffs(now, 24, 36)
    assert cutoffs.families_closed_before == date(2024, 11, 24)
    assert cutoffs.audit_before == datetime(2023, 11, 24, 3, 0, tzinfo=BERLIN)


@pytest.mark.parametrize("name", ["RETENTION_MONTHS", "AUDIT_RETENTION_MONTHS"])
def test_retention_months_must_not_be_negative(name: str) -> None:
    with pytest.raises(ConfigError, match=f"^{name}: must be a number of months"):
        load_settings(_env_file=None, **{name.lower(): -1})
    assert getattr(load_settings(_env_file=None), name.lower()) in (24, 36)


# --- /forget ------------------------------------------------------------------------------


@pytest.fixture
async def casework(bot: BotHarness) -> BotHarness:
    """F-0001 closed with a note, referral, follow-up, flag and rejected request; F-0002 open."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru sgb2 einwilligung")
    await bot.send(CASE_MANAGER, "/newfamily Beckum SY 5 ar")
    await bot.send(
        CASE_MANAGER, f"/log F-0001 45m hausbesuch gesundheit ref jobcenter next 02.12.: {NOTE}"
    )
    await bot.send(CASE_MANAGER, "/log F-0002 30m telefon arbeit: Bewerbung besprochen")
    await bot.send(CASE_MANAGER, "/flag F-0001 wartezeit: Frau K. wartet seit Monaten")
    flag_id = await _value(bot, "SELECT id FROM flags WHERE family_id = 1")
    await bot.send(COORDINATOR, f"/closeflag {flag_id} mit dem Jobcenter geklärt")
    await bot.storage.db.execute(
        """
        INSERT INTO interpreter_requests (fund_id, family_id, requested_by, language, mode,
            starts_at, purpose, professional, urgent, status, estimate_cents, reason,
            professional_reason, created_at)
        VALUES (1, 1, ?, 'uk', 'phone', '2026-12-01T09:00:00+00:00', 'doctor', 1, 0,
            'rejected', 8500, 'Termin bei Dr. Schulz wegen Diabetes',
            'Frau K. versteht nur Dialekt', '2026-11-24T08:00:00+00:00')
        """,
        (CASE_MANAGER.id,),
    )
    await bot.send(CASE_MANAGER, "/closefamily F-0001 Umzug zu Familie Haddad nach Köln")
    return bot


async def _personal_data(bot: BotHarness, family_id: int) -> tuple:
    row = await bot.storage.db.fetch_one(
        """
        SELECT f.household_size, f.languages, f.benefit_system, f.consent_on, f.close_reason,
            (SELECT group_concat(note) FROM contacts WHERE family_id = f.id AND note != ''),
            (SELECT count(*) FROM contacts WHERE family_id = f.id
             AND (referral IS NOT NULL OR follow_up_on IS NOT NULL)),
            (SELECT group_concat(description || coalesce(outcome, '')) FROM flags
             WHERE family_id = f.id AND (description != '' OR outcome IS NOT NULL)),
            (SELECT group_concat(reason) FROM interpreter_requests WHERE family_id = f.id),
            (SELECT group_concat(professional_reason) FROM interpreter_requests
             WHERE family_id = f.id)
        FROM families AS f WHERE f.id = ?
        """,
        (family_id,),
    )
    return tuple(row)


ERASED = (None, "", None, None, None, None, 0, None, None, None)


async def test_forget_names_what_goes_and_erases_it_after_confirmation(
    casework: BotHarness,
) -> None:
    bot = casework
    figures_before = only_text(await bot.send(ADMIN, "/week"))

    question = only_text(await bot.send(ADMIN, "/forget F-0001"))

    assert de("<b>Erase the personal data of {code}?</b>", code="F-0001") in question
    assert "• " + de("{count} contact note", count=1) in question.replace(
        "1 Kontaktnotiz", "1 Kontaktnotiz"
    )
    assert await _personal_data(bot, 1) != ERASED

    reply = only_text(await bot.press(ADMIN, de("Erase now")))

    assert reply == de(
        "The personal data of {code} have been erased. Its figures stay as reported; "
        "the audit log records that you erased them, not what was erased.",
        code="F-0001",
    )
    assert await _personal_data(bot, 1) == ERASED
    assert await _personal_data(bot, 2) != ERASED
    # What the figures count stays: the family, its contact, the flag and the request.
    assert await _value(bot, "SELECT count(*) FROM contacts WHERE family_id = 1") == 1
    assert await _value(bot, "SELECT purpose FROM interpreter_requests") == "doctor"
    assert only_text(await bot.send(ADMIN, "/week")) == figures_before
    # Who and when, never what.
    audit = await bot.storage.db.fetch_one(
        "SELECT actor_id, subject, detail, at FROM audit_log WHERE action = 'family.erase'"
    )
    assert tuple(audit) == (ADMIN.id, "F-0001", "request", "2026-11-24T08:00:00+00:00")
    card = only_text(await bot.send(ADMIN, "/family F-0001"))
    assert NOTE not in card and "Haddad" not in card
    assert de("Personal data erased on {date}.", date="24.11.2026") in card


def reasons_in_german(count: int) -> str:
    """The plural line of /forget for the reasons on a family's interpreter requests."""
    with use_locale("de"):
        return ngettext(
            "{count} reason given on an interpreter request (a rejection or why a professional)",
            "{count} reasons given on interpreter requests (rejections or why a professional)",
            count,
        ).format(count=count)


async def test_forget_lists_every_kind_of_data_that_goes(casework: BotHarness) -> None:
    question = only_text(await casework.send(ADMIN, "/forget F-0001"))

    for line in [
        de("{count} contact note", count=1),
        de("{count} referral", count=1),
        de("{count} follow-up date", count=1),
        de("{count} structural-gap flag text (description and outcome)", count=1),
        reasons_in_german(2),
    ]:
        assert f"• {line}" in question
    assert NOTE not in question


async def test_cancel_erases_nothing(casework: BotHarness) -> None:
    bot = casework
    await bot.send(ADMIN, "/forget F-0001")
    before = await _personal_data(bot, 1)

    reply = only_text(await bot.press(ADMIN, de("Cancel")))

    assert reply == de("Nothing was erased; {code} stays as it is.", code="F-0001")
    assert await _personal_data(bot, 1) == before
    assert "family.erase" not in await bot.storage.audit.actions()


async def test_forget_refuses_open_unknown_and_erased_families(casework: BotHarness) -> None:
    bot = casework
    assert only_text(await bot.send(ADMIN, "/forget F-0002")) == de(
        "{code} is still open. Close it first (/closefamily {code}), then erase its "
        "personal data with /forget {code}.",
        code="F-0002",
    )
    assert only_text(await bot.send(ADMIN, "/forget F-0099")) == de(
        "There is no family {code}.", code="F-0099"
    )
    await bot.send(ADMIN, "/forget F-0001")
    message_id, erase = bot.telegram.find_button(ADMIN.id, de("Erase now"))
    await bot.press(ADMIN, de("Erase now"))
    assert only_text(await bot.send(ADMIN, "/forget F-0001")) == de(
        "The personal data of {code} were already erased on {date}.",
        code="F-0001",
        date="24.11.2026",
    )
    # A second press of the same button (a double tap) erases nothing twice.
    await bot.process(bot.telegram.callback_update(ADMIN, message_id, erase["callback_data"]))
    assert (await bot.storage.audit.actions()).count("family.erase") == 1


async def test_only_admins_may_forget(casework: BotHarness) -> None:
    bot = casework
    for person in (CASE_MANAGER, COORDINATOR):
        await bot.send(person, "/forget F-0001")
    assert "family.erase" not in await bot.storage.audit.actions()
    assert await _personal_data(bot, 1) != ERASED


async def test_a_typed_code_is_escaped(casework: BotHarness) -> None:
    reply = only_text(await casework.send(ADMIN, "/forget <b>x"))
    assert "&lt;b&gt;x" in reply


# --- the retention job --------------------------------------------------------------------


async def test_the_job_erases_families_closed_longer_than_the_retention(
    casework: BotHarness,
) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, "/closefamily F-0002 erledigt")
    # F-0001 and F-0002 were both closed on 24.11.2026; exactly 24 months later they stay.
    bot.time.now = START + timedelta(days=731)
    await bot.run_job(JOB_NAME)
    assert await _value(bot, "SELECT count(*) FROM families WHERE erased_at IS NOT NULL") == 0

    bot.time.now = START + timedelta(days=732)
    await bot.run_job(JOB_NAME)

    assert await _personal_data(bot, 1) == ERASED
    assert await _personal_data(bot, 2) == ERASED
    rows = await bot.storage.db.fetch_all(
        "SELECT actor_id, subject, detail FROM audit_log WHERE action = 'family.erase'"
    )
    assert [tuple(row) for row in rows] == [
        (None, "F-0001", "retention"),
        (None, "F-0002", "retention"),
    ]


async def test_the_job_runs_nightly_and_once_at_start(bot: BotHarness) -> None:
    jobs = {job.name for job in bot.application.job_queue.jobs()}
    assert {JOB_NAME, f"{JOB_NAME} (catch-up)"} <= jobs
    assert bot.next_run(JOB_NAME, START) == datetime(2026, 11, 25, 3, 0, tzinfo=BERLIN)


async def test_zero_months_keeps_everything(settings: Settings, time: FakeTime) -> None:
    async with BotHarness(
        settings.model_copy(update={"retention_months": 0, "audit_retention_months": 0}), time
    ) as bot:
        await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
        await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
        await bot.send(CASE_MANAGER, f"/log F-0001 45m hausbesuch gesundheit: {NOTE}")
        await bot.send(CASE_MANAGER, "/closefamily F-0001 Umzug")
        bot.time.advance(days=3650)
        await bot.run_job(JOB_NAME)
        assert await _value(bot, "SELECT note FROM contacts") == NOTE
        assert await _value(bot, "SELECT count(*) FROM audit_log") > 0


async def test_staff_who_left_get_a_pseudonym_and_their_contacts_keep_counting(
    casework: BotHarness,
) -> None:
    bot = casework
    await bot.send(ADMIN, f"/revoke @{CASE_MANAGER.username}")
    week = await bot.storage.db.fetch_one(
        "SELECT contacts, minutes, families FROM staff_periods WHERE staff_id = ? "
        "AND period = 'W2026-48'",
        (CASE_MANAGER.id,),
    )
    bot.time.now = START + timedelta(days=700)
    await bot.run_job(JOB_NAME)
    assert (await bot.storage.staff.get(CASE_MANAGER.id)).username == CASE_MANAGER.username

    bot.time.now = START + timedelta(days=732)
    await bot.run_job(JOB_NAME)

    member = await bot.storage.staff.get(CASE_MANAGER.id)
    assert (member.username, member.display_name) == (None, de("Former staff {number}", number=1))
    assert member.handle == "Ehemalig 1"
    assert tuple(
        await bot.storage.db.fetch_one(
            "SELECT contacts, minutes, families FROM staff_periods WHERE staff_id = ? "
            "AND period = 'W2026-48'",
            (CASE_MANAGER.id,),
        )
    ) == tuple(week)
    users = only_text(await bot.send(ADMIN, "/users"))
    assert CASE_MANAGER.username not in users and "Ehemalig 1" in users
    # Active staff keep their names.
    assert (await bot.storage.staff.get(COORDINATOR.id)).username == COORDINATOR.username


# --- the audit log ------------------------------------------------------------------------


async def test_the_audit_log_refuses_updates_and_deletes(bot: BotHarness) -> None:
    assert await _value(bot, "SELECT count(*) FROM audit_log") > 0
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        await bot.storage.db.execute("UPDATE audit_log SET detail = 'changed'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        await bot.storage.db.execute("DELETE FROM audit_log")
    with pytest.raises(sqlite3.IntegrityError, match="one row"):
        await bot.storage.db.execute("DELETE FROM audit_retention")


async def test_the_job_deletes_only_audit_lines_older_than_their_retention(
    bot: BotHarness,
) -> None:
    old = await _value(bot, "SELECT count(*) FROM audit_log")
    bot.time.now = START + timedelta(days=400)
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    newer = await _value(bot, "SELECT count(*) FROM audit_log") - old

    bot.time.now = START + timedelta(days=365 * 3 + 2)
    await bot.run_job(JOB_NAME)

    assert await _value(bot, "SELECT count(*) FROM audit_log") == newer
    assert await _value(bot, "SELECT min(at) FROM audit_log") >= "2027"
    # The window closed again with the job's transaction.
    assert await _value(bot, "SELECT delete_before FROM audit_retention") is None
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        await bot.storage.db.execute("DELETE FROM audit_log")


# --- the figures, across a retention run, on demo data ------------------------------------

WEEKS = 60


async def _figures(bot: BotHarness, first: date, last: date) -> dict[str, object]:
    """Every figure the bot reports for the periods from `first` to `last`."""
    shown: dict[str, object] = {}
    monday = period_containing(PeriodKind.WEEK, first).start
    while monday <= last:
        year, week, _ = monday.isocalendar()
        shown[f"week {monday}"] = texts(await bot.send(ADMIN, f"/week {year}-W{week:02d}"))
        monday += timedelta(days=7)
    month = date(first.year, first.month, 1)
    while month <= last:
        shown[f"month {month}"] = texts(
            await bot.send(ADMIN, f"/month {month.month:02d}.{month.year}")
        )
        month = (month + timedelta(days=32)).replace(day=1)
    for year in range(first.year, last.year + 1):
        shown[f"year {year}"] = texts(await bot.send(ADMIN, f"/year {year}"))
    shown["budget"] = texts(await bot.send(ADMIN, "/budget"))
    shown["caseload"] = texts(await bot.send(ADMIN, "/caseload"))
    # Each person's figures and the exported totals, as numbers.
    staff = [row[0] for row in await bot.storage.db.fetch_all("SELECT telegram_id FROM staff")]
    month = date(first.year, first.month, 1)
    while month <= last:
        period = period_containing(PeriodKind.MONTH, month)
        start_at = datetime.combine(period.start, time(0), BERLIN)
        end_at = datetime.combine(period.end, time(0), BERLIN)
        for staff_id in staff:
            shown[f"{month} {staff_id}"] = await bot.storage.figures.period(
                period, start_at, end_at, staff_id
            )
        month = period.end
    shown["weekly totals"] = await bot.storage.exports.weekly_totals(first, last)
    shown["requests"] = await bot.storage.exports.requests(
        datetime.combine(first, time(0), UTC), datetime.combine(last, time(0), UTC)
    )
    return shown


async def test_no_reported_figure_changes_when_retention_erases(bot: BotHarness) -> None:
    today = START.date()
    first_day = today - timedelta(weeks=WEEKS)
    data = generate(40, WEEKS, today, bot.application.bot_data.settings.towns, 1, first_day)
    # Close half the families early in the period, so that retention has much to erase.
    rng = random.Random(7)
    for index, row in enumerate(data.families):
        opened = date.fromisoformat(row[8])
        closed = max(opened, first_day) + timedelta(days=rng.randrange(30, 200))
        if index % 2 == 0 and row[9] is None and closed < today:
            data.families[index] = (*row[:9], closed.isoformat(), "closed", *row[11:])
    await bot.storage.demo.load(data)
    db = bot.storage.db
    # Free texts the demo leaves empty (updates: no roll-up trigger fires).
    await db.execute("UPDATE contacts SET note = 'Notiz ' || id WHERE id % 2 = 0")
    await db.execute("UPDATE families SET close_reason = 'Umzug' WHERE status = 'closed'")
    await db.execute("UPDATE interpreter_requests SET reason = 'Grund' WHERE id % 3 = 0")
    await db.execute("UPDATE flags SET description = 'Wartezeit'")
    closed = await _value(bot, "SELECT count(*) FROM families WHERE status = 'closed'")
    assert closed >= 10
    # Three years on: every family closed in the period has been closed for over 24 months.
    bot.time.now = START + timedelta(days=3 * 365)
    before = await _figures(bot, first_day, today)

    await bot.run_job(JOB_NAME)

    assert await _value(bot, "SELECT count(*) FROM families WHERE erased_at IS NOT NULL") == closed
    assert (
        await _value(
            bot,
            "SELECT count(*) FROM contacts JOIN families ON families.id = contacts.family_id "
            "WHERE families.status = 'closed' AND (note != '' OR referral IS NOT NULL)",
        )
        == 0
    )
    assert (
        await _value(
            bot,
            "SELECT count(*) FROM contacts JOIN families ON families.id = contacts.family_id "
            "WHERE families.status = 'active' AND note != ''",
        )
        > 0
    )
    after = await _figures(bot, first_day, today)
    assert after.keys() == before.keys()
    assert len(before) > 100
    # Real figures were compared, not replies that something was wrong.
    weeks = [value for key, value in before.items() if key.startswith("week ")]
    assert len(weeks) >= WEEKS and sum("@demo_cm_1" in week[0] for week in weeks) > WEEKS // 2
    for key in before:
        assert after[key] == before[key], key


async def test_migration_keeps_the_household_sizes_of_an_existing_database(
    tmp_path: Path,
) -> None:
    path = tmp_path / "version-4.sqlite3"
    with sqlite3.connect(path) as connection:
        for migration in MIGRATIONS[:4]:
            for statement in migration.statements:
                connection.execute(statement)
        connection.execute(
            "INSERT INTO staff (telegram_id, role, team, locale, created_at) "
            "VALUES (1, 'admin', 'administration', 'de', '2026-01-01T00:00:00+00:00')"
        )
        connection.execute(
            "INSERT INTO families (town, origin, household_size, languages, fled_ukraine, "
            "opened_on, case_manager_id, created_at) "
            "VALUES ('Ahlen', 'UA', 4, 'uk', 1, '2026-01-01', 1, '2026-01-01T00:00:00+00:00')"
        )
        connection.execute("PRAGMA user_version = 4")
    connection.close()
    path.chmod(0o600)  # the bot opens only a database no one else can read

    database = await Database.open(path)
    try:
        row = await database.fetch_one("SELECT household_size, origin, erased_at FROM families")
        assert tuple(row) == (4, "UA", None)
        with pytest.raises(sqlite3.IntegrityError):
            await database.execute("UPDATE families SET household_size = 31")
    finally:
        await database.close()


async def test_an_erased_family_still_exports_and_lists(casework: BotHarness) -> None:
    bot = casework
    await bot.send(ADMIN, "/forget F-0001")
    await bot.press(ADMIN, de("Erase now"))

    calls = await bot.send(COORDINATOR, "/export 01.11.2026 30.11.2026")

    assert any(call.method == "sendDocument" for call in calls)
    assert "F-0001" in only_text(await bot.send(ADMIN, "/family F-0001"))
