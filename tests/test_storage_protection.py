"""Storage protection: a private database file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.storage.database import Database, UnsafeFileError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most servers run with, which would make new files 0644 and folders 0755."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


# File modes -----------------------------------------------------------------------------------


async def test_a_new_database_its_folder_and_side_files_are_private(
    tmp_path: Path, usual_umask: None
) -> None:
    path = tmp_path / "data" / "kim.sqlite3"

    database = await Database.open(path)
    try:
        await database.execute("INSERT INTO audit_log (at, action) VALUES ('x', 'y')")
        side_files = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
        assert all(side.exists() for side in side_files)
        assert mode(path.parent) == 0o700
        assert mode(path) == 0o600
        assert [mode(side) for side in side_files] == [0o600, 0o600]
        assert await database.fetch_value("PRAGMA secure_delete") == 1
    finally:
        await database.close()


async def test_a_database_file_others_can_read_is_refused_naming_the_fix(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "kim.sqlite3"
    await (await Database.open(path)).close()
    path.chmod(0o644)

    with pytest.raises(UnsafeFileError) as refused:
        await Database.open(path)

    assert str(refused.value) == (
        f"the database file {path} is open to other users (mode 644): run chmod 600 {path}*"
    )


async def test_a_database_folder_others_can_read_is_refused_naming_the_fix(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "kim.sqlite3"
    await (await Database.open(path)).close()
    path.parent.chmod(0o755)

    with pytest.raises(UnsafeFileError, match=r"\(mode 755\): run chmod 700 .*data$"):
        await Database.open(path)


async def test_a_readable_write_ahead_log_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "data" / "kim.sqlite3"
    await (await Database.open(path)).close()
    wal = path.with_name(path.name + "-wal")
    wal.touch(mode=0o644)
    wal.chmod(0o644)

    with pytest.raises(UnsafeFileError, match=f"file {wal} .*chmod 600 {path}\\*"):
        await Database.open(path)


async def test_an_in_memory_database_needs_no_file(tmp_path: Path) -> None:
    database = await Database.open(Path(":memory:"))
    try:
        assert await database.schema_version() > 0
    finally:
        await database.close()
    assert list(tmp_path.iterdir()) == []


def test_start_up_refuses_a_readable_database_with_one_line_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data" / "kim.sqlite3"
    path.parent.mkdir(mode=0o700)
    path.touch(mode=0o644)
    path.chmod(0o644)
    monkeypatch.setenv("DATABASE_PATH", str(path))

    assert main(["shell"]) == 2

    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith(f"kim-bot: the database file {path} is open to other users")
    assert f"chmod 600 {path}*" in error
