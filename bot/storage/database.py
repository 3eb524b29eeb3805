"""The one SQLite connection of the bot, its transactions and its migrations."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.migrations import MIGRATIONS

Params = Sequence[Any] | dict[str, Any]


def to_db_time(moment: datetime) -> str:
    """UTC, to the second, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Database:
    """Owns the aiosqlite connection.

    aiosqlite runs every statement on one thread, but statements from different asyncio tasks
    still interleave. A lock that the owning task may re-enter keeps each transaction whole and
    keeps other tasks' statements out of it.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._in_transaction = False

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating the folder and file if needed) and migrate the database."""
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, never the sqlite3 module.
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = sqlite3.Row
        database = cls(connection)
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA foreign_keys = ON")
            await connection.execute("PRAGMA synchronous = NORMAL")
            await connection.execute("PRAGMA busy_timeout = 5000")
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
            try:
                yield True
            finally:
                self._owner = None

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
