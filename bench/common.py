"""What the benchmarks share: the cached demo databases, the environment, SQLite hop counting."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

import bot
from bot.core.config import Settings

BENCH = Path(__file__).resolve().parent
CACHE = BENCH / ".cache"
BOT_PACKAGE = Path(bot.__file__).resolve().parent
KIM_BOT = Path(sys.executable).with_name("kim-bot")
SEED = 42

# The files whose change makes a cached demo database stale: the generator, the loader and
# the schema (a new migration may add an index that ANALYZE must see).
_DEMO_SOURCES = (
    "demo/data.py",
    "demo/cli.py",
    "storage/demo.py",
    "storage/migrations.py",
    "storage/rollups.py",
)


@dataclass(frozen=True)
class Size:
    name: str
    label: str
    families: int
    weeks: int


SIZES = (
    Size("county-year", "county year", 400, 52),
    Size("county-decade", "county decade", 400, 520),
    Size("state", "state", 50_000, 52),
)
# Ten times the state (about 20 million contacts): only with `make bench GROWTH=1`
# (`python -m bench.run --growth`), since building it takes minutes.
STATE_10X = Size("state-10x", "10 × state", 500_000, 52)
SIZE = {size.name: size for size in (*SIZES, STATE_10X)}


@dataclass(frozen=True)
class DemoDatabase:
    size: Size
    path: Path
    built_at: datetime
    contacts: int
    build_seconds: float
    summary: str


def forget_bot_environment() -> None:
    """Benchmarks never see the developer's bot settings (the tests do the same)."""
    settings = {name.upper() for name in Settings.model_fields}
    for key in [key for key in os.environ if key.upper() in settings]:
        del os.environ[key]


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without any bot setting, plus `extra`."""
    settings = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key.upper() not in settings}
    env.update(extra)
    return env


def _sources_digest(size: Size) -> str:
    digest = hashlib.sha256(f"{size.families}/{size.weeks}/{SEED}".encode())
    for name in _DEMO_SOURCES:
        digest.update((BOT_PACKAGE / name).read_bytes())
    return digest.hexdigest()[:16]


def demo_database(
    size: Size, rebuild: bool = False, log: Callable[[str], None] = print
) -> DemoDatabase:
    """The cached demo database of `size`, built with `kim-bot demo-data` when missing or stale."""
    # Private like the bot's own data folder: the bot refuses a database others can read.
    CACHE.mkdir(mode=0o700, exist_ok=True)
    CACHE.chmod(0o700)
    path = CACHE / f"{size.name}.sqlite3"
    meta_path = CACHE / f"{size.name}.json"
    digest = _sources_digest(size)
    if not rebuild and path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("digest") == digest:
            return _described(size, path, meta)
        log(f"{path.name}: demo generator or schema changed since it was built, rebuilding")
    for stale in CACHE.glob(f"{size.name}.*"):
        stale.unlink()
    building = CACHE / f"{size.name}.building.sqlite3"
    log(f"building {path.name}: kim-bot demo-data --families {size.families} --weeks {size.weeks}")
    built_at = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    finished = subprocess.run(
        [str(KIM_BOT), "demo-data", "--families", str(size.families), "--weeks",
         str(size.weeks), "--seed", str(SEED)],
        env=clean_environment(DATABASE_PATH=str(building)),
        cwd=CACHE,
        capture_output=True,
        text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if finished.returncode != 0:
        raise RuntimeError(f"kim-bot demo-data failed:\n{finished.stdout}{finished.stderr}")
    summary = finished.stdout.strip().splitlines()[-1]
    log(f"  {summary} [{seconds:.0f} s in all]")
    with sqlite3.connect(building) as connection:
        # Fold the write-ahead log into the file, so that the file alone is the database.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        contacts = connection.execute("SELECT count(*) FROM contacts").fetchone()[0]
    connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    building.rename(path)
    meta = {
        "digest": digest,
        "families": size.families,
        "weeks": size.weeks,
        "seed": SEED,
        "built_at": built_at.isoformat(),
        "contacts": contacts,
        "build_seconds": round(seconds, 1),
        "summary": summary.replace(str(building), path.name),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    return _described(size, path, meta)


def _described(size: Size, path: Path, meta: dict[str, Any]) -> DemoDatabase:
    return DemoDatabase(
        size=size,
        path=path,
        built_at=datetime.fromisoformat(meta["built_at"]),
        contacts=meta["contacts"],
        build_seconds=meta["build_seconds"],
        summary=meta["summary"],
    )


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy (through SQLite's backup), for a run that writes to it."""
    target.touch(mode=0o600)  # the bot opens only a database no one else can read
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True) as origin,
        sqlite3.connect(target) as copy,
    ):
        origin.backup(copy)
    origin.close()
    copy.close()
    return target


def machine() -> str:
    import telegram

    return (
        f"{os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, python-telegram-bot {telegram.__version__}, "
        f"aiosqlite {aiosqlite.__version__}"
    )


def aiosqlite_connection(holder: object) -> aiosqlite.Connection:
    """The aiosqlite connection a Database (or anything) holds as one of its attributes."""
    for value in vars(holder).values():
        if isinstance(value, aiosqlite.Connection):
            return value
    raise LookupError(f"no aiosqlite connection in {type(holder).__name__}")


@dataclass
class Statement:
    sql: str
    params: Any


class HopCounter:
    """Counts the trips to aiosqlite's SQLite thread, and records the SQL they carried.

    Every aiosqlite call (execute, fetchone, cursor close, commit, …) is one job put on the
    connection's queue and one future awaited from the worker thread: Connection._execute.
    """

    _SQL_FUNCTIONS = frozenset({"execute", "executemany", "_execute_fetchall", "_execute_insert"})

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        self.hops: Counter[str] = Counter()
        self.statements: list[Statement] = []
        self._original = connection._execute
        self.recording = False
        self.wait_seconds = 0.0

    def __enter__(self) -> HopCounter:
        original = self._original

        async def counted(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            if not self.recording:
                return await original(fn, *args, **kwargs)
            name = getattr(fn, "__name__", repr(fn))
            self.hops[name] += 1
            if name in self._SQL_FUNCTIONS and args and isinstance(args[0], str):
                self.statements.append(Statement(args[0], args[1] if len(args) > 1 else ()))
            started = time.perf_counter()
            try:
                return await original(fn, *args, **kwargs)
            finally:
                self.wait_seconds += time.perf_counter() - started

        self.connection._execute = counted
        return self

    def __exit__(self, *exc_info: object) -> None:
        del self.connection._execute

    def reset(self) -> None:
        self.hops.clear()
        self.statements.clear()
        self.wait_seconds = 0.0

    @property
    def total(self) -> int:
        return sum(self.hops.values())


def target_line(name: str, figure: str, target: str, met: bool | None) -> str:
    """One target's line, the same in every benchmark: `bench.run` collects them into the
    summary (`None`: not measured, e.g. a command not registered yet)."""
    verdict = "skipped" if met is None else "met" if met else "missed"
    line = f"TARGET {name}: {figure}; target {target}: {verdict}"
    print(line, flush=True)
    return line


def one_line(sql: str, width: int = 110) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= width else text[: width - 1] + "…"
