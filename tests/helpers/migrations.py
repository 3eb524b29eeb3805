"""A database as an older bot left it, to test what a migration does to its rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.storage.migrations import MIGRATIONS


@contextmanager
def database_before(path: Path, marker: str) -> Iterator[sqlite3.Connection]:
    """The database at `path` as it was before the first migration with a statement that
    contains `marker`: the with block fills it; afterwards it carries that version and is
    private, so that opening it runs the migration."""
    before = next(
        number
        for number, migration in enumerate(MIGRATIONS)
        if any(marker in statement for statement in migration.statements)
    )
    connection = sqlite3.connect(path)
    try:
        with connection:
            for migration in MIGRATIONS[:before]:
                for statement in migration.statements:
                    connection.execute(statement)
            yield connection
            connection.execute(f"PRAGMA user_version = {before}")
    finally:
        connection.close()
    path.chmod(0o600)
