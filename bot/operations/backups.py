"""Daily backups into BACKUP_DIR, which of them to keep, and restoring one.

A backup is a copy through SQLite's online backup API (never a file copy of the live
database), named after its local time: `kim-bot-2026-12-01T0230.sqlite3`. After each
backup the rotation keeps 7 daily, 4 weekly (ISO weeks) and 12 monthly backups, and deletes
the rest: a backup holds personal data, also of families erased since (DATA_PROTECTION.md).
Everything here blocks on the disk: the bot calls it in a worker thread.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.core.config import Settings
from bot.storage.backups import (
    DatabaseHealth,
    copy_database,
    erased_families,
    inspect_database,
)
from bot.storage.database import (
    SIDE_FILES,
    create_private_folder,
    refuse_unsafe_backups,
)

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12

_NAME = re.compile(r"kim-bot-(\d{4}-\d{2}-\d{2}T\d{4})\.sqlite3")
_NAME_TIME = "%Y-%m-%dT%H%M"
# Copies in progress: hidden, and never taken for a backup by the rotation.
_PARTIAL_PREFIX = ".kim-bot-"
_PARTIAL_SUFFIX = ".partial"


@dataclass(frozen=True)
class BackupFile:
    # Local time (TIMEZONE) the backup was taken, as its name says.
    taken_at: datetime
    path: Path
    size: int


@dataclass(frozen=True)
class BackupRun:
    written: BackupFile
    # Backups in the folder after the rotation, the new one included.
    kept: int
    deleted: list[Path]


@dataclass(frozen=True)
class RestoreRun:
    health: DatabaseHealth
    # Where the database before the restore now lies; None if there was none.
    set_aside: Path | None
    # Families erased in the database set aside but not in the backup: their personal data
    # are back and must be erased again. None when the old database could not be read.
    erased_since: list[int] | None


class RestoreRefused(Exception):
    """The file is not a KIM-Bot database this code can run on; nothing was changed."""


def backup_name(local_time: datetime) -> str:
    return f"kim-bot-{local_time:{_NAME_TIME}}.sqlite3"


def backup_time(name: str) -> datetime | None:
    """The local time in a backup's name; None for any other file."""
    match = _NAME.fullmatch(name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), _NAME_TIME)
    except ValueError:  # 2026-13-45: looks like ours, is not
        return None


def list_backups(folder: Path) -> list[BackupFile]:
    """The backups in `folder`, oldest first; other files are none of ours."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        taken_at = backup_time(path.name)
        if taken_at is not None and path.is_file():
            found.append(BackupFile(taken_at, path, path.stat().st_size))
    return sorted(found, key=lambda backup: backup.taken_at)


def _iso_week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def _months_back(day: date, count: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - count
    return index // 12, index % 12 + 1


def backups_to_keep(taken: Iterable[datetime], today: date) -> set[datetime]:
    """Which backups (by the local time each was taken) the rotation keeps on `today`.

    The newest backup of each of the last 7 days (today included), of each of the last 4
    ISO weeks (this one included) and of each of the last 12 calendar months (this one
    included); a backup may count for more than one. The newest backup overall is always
    kept, and so is one dated after today (a clock set back is no reason to delete).
    """
    newest_first = sorted(set(taken), reverse=True)
    keep = {moment for moment in newest_first if moment.date() > today}
    if newest_first:
        keep.add(newest_first[0])
    rules: list[tuple[set[Hashable], Callable[[date], Hashable]]] = [
        ({today - timedelta(days=n) for n in range(KEEP_DAILY)}, lambda day: day),
        ({_iso_week(today - timedelta(weeks=n)) for n in range(KEEP_WEEKLY)}, _iso_week),
        ({_months_back(today, n) for n in range(KEEP_MONTHLY)}, _month),
    ]
    for periods, period_of in rules:
        covered: set[Hashable] = set()
        for moment in newest_first:
            period = period_of(moment.date())
            if period in periods and period not in covered:
                covered.add(period)
                keep.add(moment)
    return keep


def make_backup(settings: Settings, now: datetime) -> BackupRun:
    """Copy the database into BACKUP_DIR (0700, file 0600), then rotate.

    Raises UnsafeFileError for a backup folder others can read, FileNotFoundError when there
    is no database yet, sqlite3.Error or OSError when the copy fails (nothing is left then).
    """
    database = settings.database_path
    folder = settings.backup_dir
    if str(database) == ":memory:" or not database.is_file():
        raise FileNotFoundError(f"there is no database at {database} to back up")
    create_private_folder(folder)
    refuse_unsafe_backups(folder)
    local = now.astimezone(settings.tz)
    target = folder / backup_name(local)
    with _private_temporary(folder) as partial:
        copy_database(database, partial)
        # A second backup in the same minute replaces the first: it is the newer copy.
        os.replace(partial, target)
    _sync_folder(folder)
    deleted = rotate(folder, local.date())
    written = BackupFile(backup_time(target.name) or local, target, target.stat().st_size)
    return BackupRun(written, len(list_backups(folder)), deleted)


def rotate(folder: Path, today: date) -> list[Path]:
    """Delete the backups `backups_to_keep` does not keep; returns what was deleted."""
    backups = list_backups(folder)
    keep = backups_to_keep((backup.taken_at for backup in backups), today)
    deleted = [backup.path for backup in backups if backup.taken_at not in keep]
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


def last_backup(settings: Settings) -> tuple[BackupFile | None, int]:
    """The newest backup and how many there are."""
    backups = list_backups(settings.backup_dir)
    return (backups[-1] if backups else None), len(backups)


def restore_backup(settings: Settings, file: Path, now: datetime) -> RestoreRun:
    """Replace the database by the backup `file`, keeping the current one aside.

    The caller holds the run lock (no bot runs). `file` is copied through the backup API
    into a private file next to the database and checked there (integrity_check, KIM-Bot
    tables, a schema this code knows); only then does the current database (with its -wal
    and -shm) move aside, renamed with the time, and the copy take its place in one
    os.replace. Raises RestoreRefused, leaving everything as it was.
    """
    database = settings.database_path
    if str(database) == ":memory:":
        raise RestoreRefused("DATABASE_PATH is :memory:, there is no file to restore into")
    if not file.is_file():
        raise RestoreRefused(f"{file} is not a file")
    if database.exists() and file.resolve() == database.resolve():
        raise RestoreRefused(f"{file} is the database itself")
    create_private_folder(database.parent)
    with _private_temporary(database.parent) as copy:
        try:
            copy_database(file, copy, source_read_only=True)
            health = inspect_database(copy, thorough=True)
        except sqlite3.Error as exc:
            raise RestoreRefused(f"{file} is damaged or no SQLite database: {exc}") from None
        _refuse_unless_restorable(file, health)
        erased_since = _erased_since(database, copy)
        set_aside = _set_aside(database, now.astimezone(settings.tz))
        os.replace(copy, database)
    _sync_folder(database.parent)
    return RestoreRun(health, set_aside, erased_since)


def _refuse_unless_restorable(file: Path, health: DatabaseHealth) -> None:
    if not health.intact:
        raise RestoreRefused(f"{file} is damaged: integrity_check says {health.check!r}")
    if not health.is_kim_bot:
        raise RestoreRefused(f"{file} is not a KIM-Bot database (its tables are missing)")
    if health.newer_than_code:
        raise RestoreRefused(
            f"{file} has schema version {health.schema_version}, newer than this bot "
            f"({health.latest_version}): update the bot first"
        )


def _erased_since(database: Path, restored: Path) -> list[int] | None:
    if not database.is_file():
        return []
    try:
        erased = erased_families(database)
    except sqlite3.Error:  # the damaged database a restore is for
        return None
    return sorted(erased - erased_families(restored))


def _set_aside(database: Path, local_now: datetime) -> Path | None:
    """Rename the database and its -wal and -shm together, so the renamed set stays one
    consistent database, and no old -wal is left for SQLite to apply to the restored file."""
    if not database.exists():
        return None
    aside = database.with_name(f"{database.name}.before-restore-{local_now:%Y-%m-%dT%H%M%S}")
    for suffix in SIDE_FILES:
        side = database.with_name(database.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    os.replace(database, aside)
    return aside


@contextlib.contextmanager
def _private_temporary(folder: Path) -> Iterator[Path]:
    """An empty 0600 file in `folder` (same file system: os.replace is atomic), removed
    unless the block moved it away."""
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=_PARTIAL_PREFIX, suffix=_PARTIAL_SUFFIX)
    os.close(descriptor)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable: a power cut must not bring the old name back."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
