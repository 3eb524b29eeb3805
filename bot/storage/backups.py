"""Copies of the database file through SQLite's online backup API, and what a file holds.

Plain `sqlite3` on connections of their own, run in a worker thread by the callers: a copy
reads one consistent snapshot while the bot goes on writing (WAL), and never holds the
bot's connection.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.storage.migrations import MIGRATIONS

# Tables every KIM-Bot database has had since the first migration: a file without them is
# some other program's database.
_KIM_BOT_TABLES = frozenset({"staff", "families", "contacts", "audit_log"})


@dataclass(frozen=True)
class DatabaseHealth:
    """What SQLite says of a database file."""

    # "ok", or SQLite's first complaint (quick_check or integrity_check).
    check: str
    schema_version: int
    # The schema this code migrates to: the number of its migrations.
    latest_version: int
    # Holds KIM-Bot's tables.
    is_kim_bot: bool

    @property
    def intact(self) -> bool:
        return self.check == "ok"

    @property
    def newer_than_code(self) -> bool:
        return self.schema_version > self.latest_version


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    # mode=rw/ro: an existing file only; a typo in a path must not create an empty database.
    # A read-only connection leaves a file that is not ours (the one to restore) unchanged.
    uri = f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rw'}"
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def copy_database(source: Path, target: Path, *, source_read_only: bool = False) -> None:
    """Copy `source` page by page into `target`, an empty file the caller created private.

    The copy is one snapshot of `source`, taken under a read lock: the bot may write
    meanwhile. The copy is left in rollback-journal mode, one file without -wal or -shm.
    Raises sqlite3.Error when `source` cannot be read as a database.
    """
    reader = _connect(source, read_only=source_read_only)
    try:
        writer = sqlite3.connect(target, isolation_level=None)
        try:
            reader.backup(writer)
            writer.execute("PRAGMA journal_mode = DELETE")
        finally:
            writer.close()
    finally:
        reader.close()


def inspect_database(path: Path, *, thorough: bool, read_only: bool = False) -> DatabaseHealth:
    """Check `path`: `PRAGMA integrity_check` when `thorough`, else the faster quick_check.

    Raises sqlite3.Error when the file cannot be opened or read as a database at all.
    """
    connection = _connect(path, read_only=read_only)
    try:
        pragma = "integrity_check" if thorough else "quick_check"
        check = connection.execute(f"PRAGMA {pragma}(1)").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    finally:
        connection.close()
    return DatabaseHealth(
        check=str(check),
        schema_version=int(version),
        latest_version=len(MIGRATIONS),
        is_kim_bot=tables >= _KIM_BOT_TABLES,
    )


def erased_families(path: Path) -> set[int]:
    """The families whose personal data were erased (/forget, retention) in the database at
    `path`; none in a database from before erasure existed.

    Raises sqlite3.Error when the file cannot be read.
    """
    connection = _connect(path, read_only=False)
    try:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(families)")}
        if "erased_at" not in columns:
            return set()
        rows = connection.execute("SELECT id FROM families WHERE erased_at IS NOT NULL")
        return {int(row[0]) for row in rows}
    finally:
        connection.close()
