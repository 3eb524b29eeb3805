"""The one SQLite connection of the bot, its transactions and its migrations."""

from __future__ import annotations

import asyncio
import os
import shlex
import sqlite3
import stat
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.encryption import TextCipher
from bot.storage.migrations import MIGRATIONS

Params = Sequence[Any] | dict[str, Any]

# Readable by the bot's user only: the file holds special-category data (GDPR Art. 9).
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
# Besides the database, SQLite keeps the write-ahead log and its index next to it.
SIDE_FILES = ("-wal", "-shm")


# Whether the current task (in the bot: the update being handled) has written anything. The
# error handler reads it: a person is told to try again only if nothing was stored.
_wrote: ContextVar[bool] = ContextVar("wrote", default=False)


class UnsafeFileError(Exception):
    """The database or its folder is open to other users of the machine."""


def _in_memory(path: Path) -> bool:
    return str(path) == ":memory:"


def create_private(path: Path) -> None:
    """Create the database's folder (0700) and an empty file (0600), if they do not exist.

    SQLite gives the -wal and -shm files the mode of the database file, so creating the
    file ourselves, before SQLite does, keeps those private too.
    """
    if _in_memory(path):
        return
    create_private_folder(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    try:
        os.fchmod(descriptor, PRIVATE_FILE)
    finally:
        os.close(descriptor)


def create_private_folder(folder: Path) -> None:
    """Create `folder` (0700) with its parents, if it does not exist."""
    if not folder.exists():
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        os.chmod(folder, PRIVATE_FOLDER)  # whatever the umask left of the mode


def refuse_unsafe_files(path: Path) -> None:
    """Raise UnsafeFileError, naming the path and the fix, if others may touch the data."""
    if _in_memory(path) or os.name != "posix":
        return
    folder = path.parent
    if folder.exists() and open_to_others(folder):
        raise UnsafeFileError(
            f"the database folder {folder} is open to other users "
            f"(mode {file_mode(folder)}): run chmod 700 {shlex.quote(str(folder))}"
        )
    for file in (path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)):
        if file.exists() and open_to_others(file):
            raise UnsafeFileError(
                f"the database file {file} is open to other users "
                f"(mode {file_mode(file)}): run chmod 600 {shlex.quote(str(path))}*"
            )


def refuse_unsafe_backups(folder: Path) -> None:
    """Raise UnsafeFileError if the backup folder, or a file in it, is open to other users:
    every backup holds what the database holds."""
    if os.name != "posix" or not folder.is_dir():
        return
    if open_to_others(folder):
        raise UnsafeFileError(
            f"the backup folder {folder} is open to other users "
            f"(mode {file_mode(folder)}): run chmod 700 {shlex.quote(str(folder))}"
        )
    for file in sorted(folder.iterdir()):
        if file.is_file() and open_to_others(file):
            raise UnsafeFileError(
                f"the backup file {file} is open to other users "
                f"(mode {file_mode(file)}): run chmod 600 {shlex.quote(str(folder))}/*"
            )


def open_to_others(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def file_mode(path: Path) -> str:
    return f"{stat.S_IMODE(path.stat().st_mode):o}"


def to_db_time(moment: datetime) -> str:
    """UTC, to the second, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# SQLite's page cache of the connection, in KiB (SQLite's default: 2,000). The figures read
# day and month totals, /budget one scan of a fund's requests: at state size they are no
# slower with half the default (bench.latency), and the bot holds a megabyte less.
PAGE_CACHE_KIB = 1024


class Database:
    """Owns the aiosqlite connection.

    aiosqlite runs every statement on one thread, but statements from different asyncio tasks
    still interleave. A lock that the owning task may re-enter keeps each transaction whole and
    keeps other tasks' statements out of it.
    """

    def __init__(self, connection: aiosqlite.Connection, cipher: TextCipher | None = None) -> None:
        self._connection = connection
        # The stores seal and open the free texts of SEALED_COLUMNS with it.
        self.cipher = cipher or TextCipher()
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._in_transaction = False

    @classmethod
    async def open(cls, path: Path, cipher: TextCipher | None = None) -> Database:
        """Open (creating the folder and file if needed, private) and migrate the database.

        Raises UnsafeFileError if the file or its folder is open to other users.
        """
        create_private(path)
        refuse_unsafe_files(path)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, never the sqlite3 module.
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = sqlite3.Row
        database = cls(connection, cipher)
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA foreign_keys = ON")
            await connection.execute("PRAGMA synchronous = NORMAL")
            await connection.execute("PRAGMA busy_timeout = 5000")
            # A write whose triggers may have to be undone alone (a contact and its running
            # totals: about 16 pages) keeps a statement journal. Beyond 64 KiB SQLite moves it
            # into a temporary file, created and deleted in each transaction: about 50 µs of
            # every /log. In memory it costs nothing; the bot's sorts are small (the bulk
            # demo load sorts on disk: DemoStore.load).
            await connection.execute("PRAGMA temp_store = MEMORY")
            # Deleted and overwritten rows are zeroed, not left in free pages: an erased or
            # newly encrypted note must not survive in the file.
            await connection.execute("PRAGMA secure_delete = ON")
            await connection.execute(f"PRAGMA cache_size = {-PAGE_CACHE_KIB:d}")
            await database._migrate()
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        await self._connection.close()

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[bool]:
        """Hold the connection for the current task; yields whether this call took it."""
        task = asyncio.current_task()
        if self._owner is task:
            yield False
            return
        async with self._lock:
            self._owner = task
            changes = self._connection.total_changes
            try:
                yield True
            finally:
                self._owner = None
                if self._connection.total_changes != changes:
                    _wrote.set(True)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """All statements inside commit together or not at all; nested calls join the outer."""
        async with self._exclusive() as outermost:
            if not outermost:
                yield
                return
            # IMMEDIATE takes the write lock now, so a check-then-write inside cannot be
            # overtaken by another process writing to the same file.
            await self._connection.execute("BEGIN IMMEDIATE")
            self._in_transaction = True
            try:
                yield
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            finally:
                self._in_transaction = False
            await self._connection.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        """Whether an explicit transaction is open: what it reads may still be rolled back."""
        return self._in_transaction

    # Each method below is one trip to aiosqlite's thread: a cursor's execute, fetch and
    # close would be three, and every trip costs about as much as a small query.

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; after an INSERT, returns the new row's id."""
        async with self._exclusive():
            row = await self._connection.execute_insert(sql, params)
        return row[0] if row and row[0] else 0

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._exclusive():
            await self._connection.executemany(sql, rows)

    @staticmethod
    def start_unit_of_work() -> None:
        """From here on, the current task has written nothing (see `wrote`)."""
        _wrote.set(False)

    @staticmethod
    def wrote() -> bool:
        """Whether a statement of the current task changed rows since `start_unit_of_work`."""
        return _wrote.get()

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row; the queries that use it return one row at most."""
        async with self._exclusive():
            rows = await self._connection.execute_fetchall(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._exclusive():
            return list(await self._connection.execute_fetchall(sql, params))

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def schema_version(self) -> int:
        return int(await self.fetch_value("PRAGMA user_version"))

    async def _migrate(self) -> None:
        current = await self.schema_version()
        if current > len(MIGRATIONS):
            raise RuntimeError(
                f"database schema version {current} is newer than this bot "
                f"({len(MIGRATIONS)}): update the bot"
            )
        for version, migration in enumerate(MIGRATIONS[current:], start=current + 1):
            async with self.transaction():
                for statement in migration.statements:
                    await self.execute(statement)
                # user_version is stored in the file header, so it commits with the rest.
                await self.execute(f"PRAGMA user_version = {version:d}")
