"""The 10 × state database (about 20 million contacts), built in minutes from the state one.

`kim-bot demo-data --families 500000` would take the better part of an hour (one Python
generator, one transaction through the write-ahead log). This loader copies the cached
state database and repeats its staff, families and contacts nine more times in SQL, each
copy with its own ids (families + k × 50,000; staff − k × 10,000, the demo's ids being
negative), with the journal off. Interpreter requests, invoices, flags and funds stay as
they are. The roll-ups are then recounted by the real code (`rollups.rebuild_statements()`,
the demo loader's way) and the triggers put back as the schema had them.

Verified with the real code: a fresh database made by the real migrations receives every
contact of two sample days, three sample families and two sample staff members through its
triggers, one by one, and its contact_days, reach and staff_periods rows for exactly those
days, families and staff must equal the loaded ones; every family goes through the triggers,
so its caseloads must equal the loaded ones whole.

    python -m bench.growth [--rebuild]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bench.common import (
    BENCH,
    CACHE,
    SIZE,
    STATE_10X,
    DemoDatabase,
    _described,
    copy_database,
    demo_database,
    forget_bot_environment,
)
from bot.storage import Storage, rollups

COPIES = 10
STAFF_STEP = 10_000
BUILD_TARGET_SECONDS = 600


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def _copy_statement(
    connection: sqlite3.Connection, table: str, shifted: dict[str, str], skip: tuple[str, ...] = ()
) -> str:
    """INSERT … SELECT of `table` onto itself, with some columns shifted (`{k}`: the copy)."""
    columns = [name for name in _columns(connection, table) if name not in skip]
    values = [shifted.get(name, name) for name in columns]
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {table} WHERE {{where}}"
    )


def _digest(state: DemoDatabase) -> str:
    """Stale when the state database was built again, or this loader or the roll-ups changed
    (not when a benchmark registered its coordinator in the state database)."""
    state_meta = json.loads((CACHE / f"{state.size.name}.json").read_text())
    digest = hashlib.sha256(state_meta["digest"].encode())
    digest.update(state_meta["built_at"].encode())
    digest.update((BENCH / "growth.py").read_bytes())
    digest.update(Path(rollups.__file__).read_bytes())
    return digest.hexdigest()[:16]


def build(state: DemoDatabase, target: Path, log: Callable[[str], None] = print) -> None:
    copy_database(state.path, target)
    connection = sqlite3.connect(target, isolation_level=None)
    try:
        for pragma in (
            "journal_mode = DELETE",
            "journal_mode = OFF",
            "synchronous = OFF",
            "cache_size = -1000000",
            "temp_store = MEMORY",
        ):
            connection.execute(f"PRAGMA {pragma}")
        families = connection.execute("SELECT max(id) FROM families").fetchone()[0]
        staff_copy = _copy_statement(
            connection,
            "staff",
            {
                "telegram_id": f"telegram_id - {{k}} * {STAFF_STEP}",
                "invited_by": f"invited_by - {{k}} * {STAFF_STEP}",
                "revoked_by": f"revoked_by - {{k}} * {STAFF_STEP}",
            },
        )
        family_copy = _copy_statement(
            connection,
            "families",
            {
                "id": f"id + {{k}} * {families}",
                "case_manager_id": f"case_manager_id - {{k}} * {STAFF_STEP}",
            },
        )
        history_copy = _copy_statement(
            connection,
            "family_changes",
            {"family_id": f"family_id + {{k}} * {families}"},
        )
        contact_copy = _copy_statement(
            connection,
            "contacts",
            {
                "family_id": f"family_id + {{k}} * {families}",
                "staff_id": f"staff_id - {{k}} * {STAFF_STEP}",
            },
            skip=("id",),
        )
        connection.execute("BEGIN")
        # Every trigger, as the demo loader does: the families' histories are copied as
        # they are, the roll-ups counted once at the end; then they come back as they were.
        triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall()
        for name, _sql in triggers:
            connection.execute(f"DROP TRIGGER {name}")
        originals = f"telegram_id > -{STAFF_STEP}"
        for k in range(1, COPIES):
            connection.execute(staff_copy.format(k=k, where=originals))
            connection.execute(family_copy.format(k=k, where=f"id <= {families}"))
            connection.execute(history_copy.format(k=k, where=f"family_id <= {families}"))
            connection.execute(contact_copy.format(k=k, where=f"family_id <= {families}"))
            log(f"  copy {k + 1} of {COPIES}")
        for statement in rollups.rebuild_statements():
            connection.execute(statement)
        for _name, sql in triggers:
            connection.execute(sql)
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()


async def verify(path: Path, samples: int = 2, seed: int = 1) -> str:
    """Recount samples through the real migrations' triggers; raises if they differ."""
    big = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        chooser = random.Random(seed)
        days = [row[0] for row in big.execute("SELECT DISTINCT day FROM contact_days")]
        last_family = big.execute("SELECT max(id) FROM families").fetchone()[0]
        staff = [row[0] for row in big.execute("SELECT DISTINCT staff_id FROM staff_periods")]
        sample_days = chooser.sample(days, samples)
        sample_families = [chooser.randint(1, last_family) for _ in range(samples + 1)]
        sample_staff = chooser.sample(staff, samples)
    finally:
        big.close()
    with tempfile.TemporaryDirectory(prefix="verify-", dir=CACHE) as folder:
        fresh = Path(folder) / "fresh.sqlite3"
        storage = await Storage.open(fresh)  # the real migrations, triggers and all
        await storage.close()
        connection = sqlite3.connect(fresh, isolation_level=None)
        try:
            connection.execute("ATTACH ? AS big", (f"file:{path}?mode=ro",))
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN")
            connection.execute("DELETE FROM main.staff")
            connection.execute("INSERT INTO main.staff SELECT * FROM big.staff")
            connection.execute("INSERT INTO main.families SELECT * FROM big.families")
            # The histories as loaded (the families' trigger began them from today's rows).
            connection.execute("DELETE FROM main.family_changes")
            connection.execute("INSERT INTO main.family_changes SELECT * FROM big.family_changes")

            def marks(values: list[object]) -> str:
                return ", ".join("?" for _ in values)

            where = (
                f"contact_on IN ({marks(sample_days)}) OR family_id IN "
                f"({marks(sample_families)}) OR staff_id IN ({marks(sample_staff)})"
            )
            params = (*sample_days, *sample_families, *sample_staff)
            contacts = connection.execute(
                f"INSERT INTO main.contacts SELECT * FROM big.contacts WHERE {where} ORDER BY id",
                params,
            ).rowcount
            connection.execute("COMMIT")
            checks = (
                ("contact_days", "day", sample_days),
                ("reach", "family_id", sample_families),
                ("staff_periods", "staff_id", sample_staff),
            )
            for table, column, values in checks:
                query = f"SELECT * FROM {{db}}.{table} WHERE {column} IN ({marks(values)})"
                loaded = sorted(connection.execute(query.format(db="big"), values).fetchall())
                counted = sorted(connection.execute(query.format(db="main"), values).fetchall())
                if loaded != counted or not loaded:
                    raise AssertionError(
                        f"{table} for {column} in {values}: the bulk loader's {len(loaded)} rows "
                        f"differ from the triggers' {len(counted)}"
                    )
            # Every family went through the triggers: each case manager's active families.
            query = "SELECT * FROM {db}.caseloads"
            loaded = sorted(connection.execute(query.format(db="big")).fetchall())
            counted = sorted(connection.execute(query.format(db="main")).fetchall())
            if loaded != counted or not loaded:
                raise AssertionError(
                    f"caseloads: the bulk loader's {len(loaded)} rows differ from the "
                    f"triggers' {len(counted)}"
                )
        finally:
            connection.close()
    return (
        f"verified: {contacts:,} contacts of days {', '.join(sample_days)}, families "
        f"{', '.join(map(str, sample_families))} and staff {', '.join(map(str, sample_staff))} "
        "counted by the real triggers give the same contact_days, reach and staff_periods rows, "
        "and all families the same caseloads"
    )


async def state_10x(rebuild: bool = False, log: Callable[[str], None] = print) -> DemoDatabase:
    """The cached 10 × state database, built (and verified) when missing or stale."""
    state = demo_database(SIZE["state"], log=log)
    path = CACHE / f"{STATE_10X.name}.sqlite3"
    meta_path = CACHE / f"{STATE_10X.name}.json"
    digest = _digest(state)
    if not rebuild and path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("digest") == digest:
            return _described(STATE_10X, path, meta)
    for stale in CACHE.glob(f"{STATE_10X.name}.*"):
        stale.unlink()
    building = CACHE / f"{STATE_10X.name}.building.sqlite3"
    log(f"building {path.name}: the state database × {COPIES} (bench/growth.py)")
    started = time.perf_counter()
    build(state, building, log)
    seconds = time.perf_counter() - started
    verdict = "met" if seconds < BUILD_TARGET_SECONDS else "missed"
    log(
        f"TARGET building the 10 × state database: {seconds:.0f} s; "
        f"target < {BUILD_TARGET_SECONDS} s: {verdict}"
    )
    return await _verified(state, building, seconds, digest, log)


async def _verified(
    state: DemoDatabase,
    building: Path,
    seconds: float,
    digest: str,
    log: Callable[[str], None] = print,
) -> DemoDatabase:
    """Verify the built database, then put it in its place with its description."""
    path = CACHE / f"{STATE_10X.name}.sqlite3"
    meta_path = CACHE / f"{STATE_10X.name}.json"
    log("  " + await verify(building))
    with sqlite3.connect(building) as connection:
        contacts = connection.execute("SELECT count(*) FROM contacts").fetchone()[0]
        staff = connection.execute("SELECT count(*) FROM staff").fetchone()[0]
        families = connection.execute("SELECT count(*) FROM families").fetchone()[0]
    connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    building.rename(path)
    meta = {
        "digest": digest,
        "families": families,
        "weeks": STATE_10X.weeks,
        "built_at": state.built_at.isoformat(),
        "contacts": contacts,
        "build_seconds": round(seconds, 1),
        "summary": (
            f"{path.name}: {staff} staff, {families} families, {contacts} contacts "
            f"(state × {COPIES}, built in {seconds:.0f} s)"
        ),
        "built": datetime.now().isoformat(timespec="seconds"),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    return _described(STATE_10X, path, meta)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="build it again")
    arguments = parser.parse_args(argv)
    forget_bot_environment()
    database = asyncio.run(state_10x(arguments.rebuild))
    print(database.summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
