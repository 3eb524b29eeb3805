"""docs/DATA_PROTECTION.md lists exactly the tables and columns the database has.

A data protection officer signs the document; a column added to the schema without a line
there (or a line left for a column that is gone) fails here, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.storage.database import Database

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "DATA_PROTECTION.md"
# A row of the table in section 2: | `table.column` | …
_LISTED = re.compile(r"^\| `(\w+)\.(\w+)` \|", re.MULTILINE)


async def schema_columns(path: Path) -> set[tuple[str, str]]:
    database = await Database.open(path)
    try:
        tables = await database.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        columns = set()
        for table in tables:
            for column in await database.fetch_all(f"PRAGMA table_info({table['name']})"):
                columns.add((table["name"], column["name"]))
        return columns
    finally:
        await database.close()


def listed_columns() -> list[tuple[str, str]]:
    return _LISTED.findall(DOCUMENT.read_text(encoding="utf-8"))


async def test_every_column_of_the_schema_is_in_the_data_protection_document(
    tmp_path: Path,
) -> None:
    missing = await schema_columns(tmp_path / "kim-bot.sqlite3") - set(listed_columns())

    assert not missing, "add to docs/DATA_PROTECTION.md, section 2: " + ", ".join(
        f"{table}.{column}" for table, column in sorted(missing)
    )


async def test_every_column_the_document_lists_exists(tmp_path: Path) -> None:
    gone = set(listed_columns()) - await schema_columns(tmp_path / "kim-bot.sqlite3")

    assert not gone, "not in the schema (any more): " + ", ".join(
        f"{table}.{column}" for table, column in sorted(gone)
    )


def test_each_column_is_listed_once() -> None:
    listed = listed_columns()

    assert len(listed) == len(set(listed))
