"""The database: migrations, pragmas, and transactions that are all or nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.staff.roles import Role
from bot.storage import Storage
from bot.storage.database import Database
from bot.storage.migrations import MIGRATIONS
from tests.conftest import START


async def test_opening_creates_the_folder_and_applies_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "kim.sqlite3"

    database = await Database.open(path)
    try:
        assert path.is_file()
        assert await database.schema_version() == len(MIGRATIONS)
        assert await database.fetch_value("PRAGMA journal_mode") == "wal"
        assert await database.fetch_value("PRAGMA foreign_keys") == 1
    finally:
        await database.close()


async def test_reopening_keeps_data_and_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "kim.sqlite3"
    storage = await Storage.open(path)
    await storage.staff.add(7, Role.COORDINATOR, Role.COORDINATOR.default_team, "de", START)
    await storage.close()

    storage = await Storage.open(path)
    try:
        assert await storage.db.schema_version() == len(MIGRATIONS)
        assert (await storage.staff.get(7)).role is Role.COORDINATOR
    finally:
        await storage.close()


async def test_a_database_from_a_newer_bot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kim.sqlite3"
    database = await Database.open(path)
    await database.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    await database.close()

    with pytest.raises(RuntimeError, match="newer than this bot"):
        await Database.open(path)


async def test_a_failing_transaction_stores_nothing(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "kim.sqlite3")
    try:
        with pytest.raises(RuntimeError, match="half-way"):
            async with storage.db.transaction():
                await storage.audit.record("first", START, 1)
                await storage.audit.record("second", START, 1)
                raise RuntimeError("failure half-way")
        assert await storage.audit.actions() == []
    finally:
        await storage.close()


async def test_transactions_of_concurrent_tasks_do_not_mix(tmp_path: Path) -> None:
    """A task's statements never land inside another task's open transaction."""
    storage = await Storage.open(tmp_path / "kim.sqlite3")
    inside = asyncio.Event()
    release = asyncio.Event()

    async def failing_transaction() -> None:
        with pytest.raises(RuntimeError):
            async with storage.db.transaction():
                await storage.audit.record("rolled back", START, 1)
                inside.set()
                await release.wait()
                raise RuntimeError("abort")

    async def concurrent_write() -> None:
        await inside.wait()
        writing = asyncio.ensure_future(storage.audit.record("kept", START, 2))
        release.set()
        await writing

    try:
        await asyncio.gather(failing_transaction(), concurrent_write())
        assert await storage.audit.actions() == ["kept"]
    finally:
        await storage.close()


async def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "kim.sqlite3")
    try:
        with pytest.raises(Exception, match="FOREIGN KEY"):
            await storage.db.execute(
                "INSERT INTO invitations (code, role, team, created_by, created_at, expires_at) "
                "VALUES ('x', 'admin', 'administration', 999, '', '')"
            )
    finally:
        await storage.close()


def test_every_migration_says_why() -> None:
    assert all(migration.why.strip() for migration in MIGRATIONS)
