"""Backups: which files the rotation keeps, the nightly job, /backup, `kim-bot backup`, and
`kim-bot restore` bringing back the same figures after the database was damaged."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from contextlib import closing
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.core.config import ConfigError, Settings, load_settings
from bot.demo.data import generate
from bot.handlers.backups import JOB_NAME
from bot.operations.backups import (
    backup_name,
    backup_time,
    backups_to_keep,
    list_backups,
    make_backup,
)
from bot.operations.lock import lock_path, run_lock
from bot.staff.roles import Role
from bot.storage.migrations import MIGRATIONS
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR, START
from tests.helpers.dates import BERLIN
from tests.helpers.harness import BotHarness, FakeTime, only_text

NIGHTLY = time(2, 30)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def nightly(day: date) -> datetime:
    return datetime.combine(day, NIGHTLY)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- the rotation, a pure rule on dates ---------------------------------------------------


def test_names_carry_the_local_time_and_only_our_names_count() -> None:
    taken = datetime(2026, 12, 1, 2, 30, tzinfo=BERLIN)

    assert backup_name(taken) == "kim-bot-2026-12-01T0230.sqlite3"
    assert backup_time("kim-bot-2026-12-01T0230.sqlite3") == datetime(2026, 12, 1, 2, 30)
    for other in (
        "kim-bot-2026-13-01T0230.sqlite3",
        "kim-bot-2026-12-01T0230.sqlite3.partial",
        ".kim-bot-abc.partial",
        "kim-bot.sqlite3",
        "notes.txt",
    ):
        assert backup_time(other) is None, other


def test_a_year_of_nightly_backups_keeps_7_daily_4_weekly_12_monthly() -> None:
    today = date(2026, 12, 1)  # a Tuesday in ISO week 49
    taken = [nightly(day) for day in days(date(2025, 10, 1), today)]

    kept = backups_to_keep(taken, today)

    assert sorted(moment.date() for moment in kept) == [
        # Monthly: the newest of each of the 12 months up to this one.
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
        date(2026, 5, 31), date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31),
        date(2026, 9, 30), date(2026, 10, 31),
        # Weekly: the newest of ISO weeks 46 and 47 (48 and 49 end among the daily ones).
        date(2026, 11, 15), date(2026, 11, 22),
        # Daily: the last 7 days; 30 November is also November's newest.
        *days(date(2026, 11, 25), today),
    ]  # fmt: skip


def test_rotating_every_night_keeps_what_one_rotation_at_the_end_keeps() -> None:
    """The newest backup of a period stays the newest once the period is over, so a
    nightly rotation never deletes what a later rule would keep."""
    first, last = date(2025, 10, 1), date(2026, 12, 1)
    kept: set[datetime] = set()
    for day in days(first, last):
        kept = backups_to_keep(kept | {nightly(day)}, day)
        assert len(kept) <= 7 + 4 + 12

    assert kept == backups_to_keep([nightly(day) for day in days(first, last)], last)


def test_weeks_are_iso_weeks_across_the_turn_of_the_year() -> None:
    # 28 December 2026 and 2 January 2027 are both in ISO week 53 of 2026.
    taken = [nightly(date(2026, 12, day)) for day in (28, 30)]
    taken += [nightly(date(2027, 1, 2)), nightly(date(2027, 1, 12))]

    kept = backups_to_keep(taken, date(2027, 1, 12))

    assert sorted(moment.date() for moment in kept) == [
        date(2026, 12, 30),  # December's newest
        date(2027, 1, 2),  # week 53's newest
        date(2027, 1, 12),
    ]


def test_the_newest_and_any_backup_from_the_future_are_always_kept() -> None:
    old = [nightly(date(2024, 5, 1)), nightly(date(2024, 6, 1))]
    future = nightly(date(2027, 1, 1))

    assert backups_to_keep(old, date(2026, 12, 1)) == {old[1]}
    assert future in backups_to_keep([*old, future], date(2026, 12, 1))
    assert backups_to_keep([], date(2026, 12, 1)) == set()


# --- settings -----------------------------------------------------------------------------


def test_backups_go_next_to_the_database_by_default_at_half_past_two(tmp_path: Path) -> None:
    settings = load_settings(_env_file=None, database_path=tmp_path / "db" / "kim.sqlite3")
    assert settings.backup_dir == tmp_path / "db" / "backups"
    assert settings.backup_time == NIGHTLY

    configured = load_settings(
        _env_file=None, database_path=tmp_path / "kim.sqlite3", backup_dir="", backup_time="4:05"
    )
    assert configured.backup_dir == tmp_path / "backups"
    assert configured.backup_time == time(4, 5)
    with pytest.raises(ConfigError, match=r"^BACKUP_TIME: must be a time of day as HH:MM"):
        load_settings(_env_file=None, backup_time="24:00")


# --- the nightly job and /backup ----------------------------------------------------------


async def test_the_job_runs_nightly_at_backup_time(bot: BotHarness, settings: Settings) -> None:
    assert bot.next_run(JOB_NAME, START) == datetime(2026, 11, 25, 2, 30, tzinfo=BERLIN)

    later = settings.model_copy(update={"backup_time": time(4, 15)})
    async with BotHarness(later, bot.time) as other:
        assert other.next_run(JOB_NAME, START) == datetime(2026, 11, 25, 4, 15, tzinfo=BERLIN)


async def test_the_job_writes_a_private_copy_named_after_the_local_time(
    bot: BotHarness, settings: Settings
) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)

    calls = await bot.run_job(JOB_NAME)

    assert calls == []  # nothing goes over Telegram
    [backup] = list_backups(settings.backup_dir)
    assert backup.path == settings.backup_dir / "kim-bot-2026-11-24T0900.sqlite3"
    assert mode(settings.backup_dir) == 0o700 and mode(backup.path) == 0o600
    # One file, no -wal or -shm beside it, and it holds what the database holds.
    assert sorted(path.name for path in settings.backup_dir.iterdir()) == [backup.path.name]
    with closing(sqlite3.connect(backup.path)) as copy:
        assert copy.execute("SELECT count(*) FROM staff").fetchone() == (2,)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert copy.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)


async def test_ten_nights_of_the_job_keep_seven_and_leave_other_files_alone(
    bot: BotHarness, settings: Settings
) -> None:
    settings.backup_dir.mkdir(mode=0o700)
    notes = settings.backup_dir / "notes.txt"
    notes.touch(mode=0o600)
    for night in range(10):  # 25 November to 4 December
        bot.time.now = datetime.combine(date(2026, 11, 25) + timedelta(days=night), NIGHTLY, BERLIN)
        await bot.run_job(JOB_NAME)

    kept = [backup.taken_at.date() for backup in list_backups(settings.backup_dir)]
    assert kept == days(date(2026, 11, 28), date(2026, 12, 4))
    assert notes.exists()


async def test_backup_replies_with_name_size_and_count_and_sends_no_file(
    bot: BotHarness, settings: Settings
) -> None:
    calls = await bot.send(ADMIN, "/backup")

    [backup] = list_backups(settings.backup_dir)
    assert [call.method for call in calls] == ["sendMessage"]
    # One decimal, a trailing ",0" left out (299 kB, 299,4 kB).
    size = f"{backup.size / 1000:.1f}".replace(".", ",").removesuffix(",0")
    assert only_text(calls) == (
        f"Sicherung geschrieben: kim-bot-2026-11-24T0900.sqlite3 ({size} kB). "
        "1 Sicherung wird aufbewahrt."
    )
    assert (await bot.storage.audit.actions(ADMIN.id))[-1] == "backup.create"

    bot.time.advance(days=1)
    assert only_text(await bot.send(ADMIN, "/backup")).endswith("2 Sicherungen werden aufbewahrt.")


async def test_only_admins_may_back_up(bot: BotHarness, settings: Settings) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)

    reply = only_text(await bot.send(COORDINATOR, "/backup"))

    assert reply.startswith("/backup ist für Ihre Rolle (Koordinator*in) nicht freigegeben.")
    assert not settings.backup_dir.exists()


async def test_a_backup_folder_open_to_others_is_refused(
    bot: BotHarness, settings: Settings
) -> None:
    settings.backup_dir.mkdir()
    settings.backup_dir.chmod(0o755)

    reply = only_text(await bot.send(ADMIN, "/backup"))

    assert reply == (
        f"Die Sicherung ist fehlgeschlagen: the backup folder {settings.backup_dir} is open "
        f"to other users (mode 755): run chmod 700 {settings.backup_dir}"
    )
    assert list(settings.backup_dir.iterdir()) == []


def test_start_up_refuses_a_backup_folder_open_to_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o700)
    (folder / "kim-bot-2026-11-24T0900.sqlite3").touch(mode=0o644)
    (folder / "kim-bot-2026-11-24T0900.sqlite3").chmod(0o644)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "kim.sqlite3"))

    assert main(["shell"]) == 2

    assert capsys.readouterr().err == (
        f"kim-bot: the backup file {folder}/kim-bot-2026-11-24T0900.sqlite3 is open to other "
        f"users (mode 644): run chmod 600 {folder}/*\n"
    )


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
async def database(settings: Settings, time: FakeTime, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with the configured admin, and the environment pointing at it."""
    async with BotHarness(settings, time):
        pass
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))
    return settings.database_path


def test_kim_bot_backup_prints_the_file_it_wrote(
    database: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup"]) == 0

    [backup] = list_backups(settings.backup_dir)
    assert capsys.readouterr().out == f"{backup.path}\n"
    assert mode(backup.path) == 0o600


def test_kim_bot_backup_without_a_database_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "none.sqlite3"))

    assert main(["backup"]) == 1

    assert capsys.readouterr().err == (
        f"kim-bot: the backup failed: there is no database at {tmp_path / 'none.sqlite3'} "
        "to back up\n"
    )


# --- restore ------------------------------------------------------------------------------


def table_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }


def damage(path: Path) -> None:
    """Overwrite pages in the middle with garbage and cut off the end, as a failing disk
    or a careless copy would."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(4096 * 2)
        file.write(b"\xa5" * 4096 * 4)
        file.truncate(size * 2 // 3)


async def fill_with_demo_data(bot: BotHarness, settings: Settings) -> None:
    """30 families and 8 weeks of contacts, requests and flags."""
    today = START.date()
    data = generate(30, 8, today, settings.towns, 1, today - timedelta(weeks=8))
    await bot.storage.demo.load(data)


async def test_restore_after_damage_brings_back_the_same_figures(
    settings: Settings,
    time: FakeTime,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = settings.database_path
    async with BotHarness(settings, time) as bot:
        await fill_with_demo_data(bot, settings)
        figures = [only_text(await bot.send(ADMIN, text)) for text in ("/week", "/month")]
        assert "@demo_cm_1" in figures[0]
        counts = table_counts(database)
        assert counts["contacts"] > 100
        await bot.send(ADMIN, "/backup")  # its audit line comes after the copy
    [backup] = list_backups(settings.backup_dir)
    damage(database)
    with pytest.raises(sqlite3.DatabaseError), closing(sqlite3.connect(database)) as broken:
        assert broken.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        table_counts(database)
    monkeypatch.setenv("DATABASE_PATH", str(database))

    assert main(["restore", str(backup.path)]) == 0

    # Set aside under the time of the restore (the command line's clock is the real one).
    [aside] = [
        path
        for path in database.parent.iterdir()
        if re.fullmatch(r"kim-bot\.sqlite3\.before-restore-\d{4}-\d\d-\d\dT\d{6}", path.name)
    ]
    assert capsys.readouterr().out == (
        f"restored {backup.path} into {database} (schema {len(MIGRATIONS)})\n"
        f"the database before is kept as {aside}: it holds personal data, delete it once the "
        "bot runs well on the restored one\n"
        "the database before could not be read: check /audit for families erased after the "
        "backup was taken, and erase them again with /forget\n"
    )
    assert mode(database) == 0o600 and aside.exists()
    assert table_counts(database) == counts
    async with BotHarness(settings, time) as restored:
        again = [only_text(await restored.send(ADMIN, text)) for text in ("/week", "/month")]
    assert again == figures
    # Nothing of the restore is left lying about: the database, the set-aside copy, the lock.
    assert sorted(path.name for path in database.parent.iterdir() if path.is_file()) == sorted(
        [database.name, aside.name, lock_path(database).name]
    )


async def test_restore_names_the_families_erased_after_the_backup(
    settings: Settings,
    time: FakeTime,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with BotHarness(settings, time) as bot:
        await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
        await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk einwilligung")
        await bot.send(CASE_MANAGER, "/newfamily Beckum SY 2 ar einwilligung")
        await bot.register(COORDINATOR, Role.COORDINATOR)
        await bot.send(COORDINATOR, "/closefamily F-0002 Umzug")
        await bot.send(ADMIN, "/backup")
        await bot.send(ADMIN, "/forget F-0002")
        await bot.press(ADMIN, "Jetzt löschen")
    [backup] = list_backups(settings.backup_dir)
    monkeypatch.setenv("DATABASE_PATH", str(settings.database_path))

    assert main(["restore", str(backup.path)]) == 0

    assert capsys.readouterr().out.endswith(
        "erased after the backup was taken, erase again with /forget: F-0002\n"
    )


def test_restore_is_refused_while_the_bot_holds_the_lock(
    database: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup"]) == 0
    [backup] = list_backups(settings.backup_dir)
    capsys.readouterr()
    before = database.read_bytes()

    with run_lock(database):
        code = main(["restore", str(backup.path)])

    assert code == 2
    assert capsys.readouterr().err == (
        f"kim-bot: kim-bot is running on {database} (it holds {lock_path(database)}): stop "
        "it first, e.g. with systemctl stop kim-bot\n"
    )
    assert database.read_bytes() == before
    # The lock went with its holder: now the restore goes through.
    assert main(["restore", str(backup.path)]) == 0


def test_a_second_bot_is_refused_on_the_same_database(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with run_lock(database):
        assert main(["shell"]) == 2

    assert capsys.readouterr().err.startswith(f"kim-bot: kim-bot is running on {database}")


def sqlite_file(path: Path, *statements: str) -> Path:
    with closing(sqlite3.connect(path)) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: path.with_name("missing.sqlite3"), "is not a file"),
        (
            lambda path: path.write_text("not a database") and path,
            "is damaged or no SQLite database: file is not a database",
        ),
        (
            lambda path: sqlite_file(path, "CREATE TABLE notes (text TEXT)"),
            "is not a KIM-Bot database (its tables are missing)",
        ),
    ],
    ids=["missing", "not sqlite", "other program"],
)
def test_restore_refuses_what_is_not_a_kim_bot_database(
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: object,
    reason: str,
) -> None:
    file = make(tmp_path / "other.sqlite3")  # type: ignore[operator]
    before = database.read_bytes()

    assert main(["restore", str(file)]) == 1

    assert capsys.readouterr().err == f"kim-bot: nothing restored: {file} {reason}\n"
    assert database.read_bytes() == before
    assert not [path for path in database.parent.iterdir() if path.suffix == ".partial"]


def test_restore_refuses_a_damaged_backup_and_a_newer_schema(
    database: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backup"]) == 0
    [backup] = list_backups(settings.backup_dir)
    newer = database.with_name("newer.sqlite3")
    newer.write_bytes(backup.path.read_bytes())
    sqlite_file(newer, f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    damage(backup.path)
    capsys.readouterr()
    before = database.read_bytes()

    assert main(["restore", str(backup.path)]) == 1
    assert main(["restore", str(newer)]) == 1

    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == (
        f"kim-bot: nothing restored: {backup.path} is damaged or no SQLite database: "
        "database disk image is malformed"
    )
    assert errors[1] == (
        f"kim-bot: nothing restored: {newer} has schema version {len(MIGRATIONS) + 1}, newer "
        f"than this bot ({len(MIGRATIONS)}): update the bot first"
    )
    assert database.read_bytes() == before


async def test_restore_onto_a_new_machine_needs_no_database_there(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with BotHarness(settings, FakeTime(START)):
        pass
    run = make_backup(settings, START)
    target = tmp_path / "new" / "data" / "kim-bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(target))

    assert main(["restore", str(run.written.path)]) == 0

    assert table_counts(target) == table_counts(settings.database_path)
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    assert sorted(os.listdir(target.parent)) == sorted([target.name, lock_path(target).name])


async def test_a_failed_nightly_backup_is_logged_and_status_keeps_the_last_good_one(
    bot: BotHarness, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.run_job(JOB_NAME)
    bot.time.advance(days=1)
    settings.backup_dir.chmod(0o755)

    await bot.run_job(JOB_NAME)

    assert [record.getMessage() for record in caplog.records if record.levelname == "ERROR"] == [
        f"nightly backup failed: the backup folder {settings.backup_dir} is open to other "
        f"users (mode 755): run chmod 700 {settings.backup_dir}"
    ]
    assert "\nLetzte Sicherung: 24.11.2026, 09:00, " in only_text(await bot.send(ADMIN, "/status"))
