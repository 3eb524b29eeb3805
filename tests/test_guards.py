"""Guards for what is already stored: shipped migrations stay as they shipped, and the running
totals have a column for every topic a contact can carry."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from bot.casework.vocabulary import Topic
from bot.storage import rollups
from bot.storage.database import Database
from bot.storage.migrations import MIGRATIONS, Migration

# Never edit a shipped migration: databases out there already ran it, and will not run it
# again. Add a new migration that says why. When you ADD a migration, add its checksum here
# (the failing test prints the line to add).
SHIPPED_CHECKSUMS = {
    1: "7d37ad0714229bccfe97218173eae835c2a2995488f07f236097fffee07c373e",
    2: "6c2d15ba7c8077fcdf943fbfcea7f89ae6075dd71121ab1d2119c1cf4e225000",
    3: "f277b2176a45c25f79775180e06800130df7650209c105fc44f5cceb56241129",
    4: "460a4cc49d3eb844da1d54a010ce5cbeb4954ac193d2dd16a86e1ccd689d6d0d",
    5: "3af5052d144712ef851616953d461ef6af3984a94d76bb9bf5d38b871c266175",
    6: "b139eb67c3345bd9544f1f6b24382607f95b933eb2f17f1f3c5e44f3bbb4995a",
    7: "94f47ed1cd73c28a09a114753da9c2f6d867683ca516ac987d38c8d731304f2a",
    8: "469846b1bce75bebdfae9e0df891740195709d16dbd065c114a0fcbb7d1d1334",
    9: "aeb86d78c08172f3cfd74e28d83d9394122748566a4411b81401c935d65f755a",
    10: "a4d1cab53b288b4992a596f1ca91ae03129f5eb3b9fa98f4a2541c87429d6e00",
    11: "dbd042b864e7e1997ec7f16f5119b8270f78749b85417a95e2300f43fed353c3",
    12: "ae4bd53dbbb485e3723a20be74c333443c22acfa0f1579c8d6b81dcd60c176d5",
    13: "acb3ae0bbb581fabc1c887ce299f257cc069c5c454ee3c92d382d3f3b02d8d0f",
    14: "9bd60bd0bda3736d5cc5096ce7d9426d5aec36a801e7fb74a8549f1350e5baf2",
    15: "5f634ab79dae683872403eb89570946bf4652d180ad599e9957e014782100678",
    16: "0ac41a1f026351d6bc17a652f67bf208b90b453e5b6f3ec686d77841862fc0e9",
    17: "ecf91a54266b624a07059071c9f0cda2708272ea79e8ea4a60bea4a575539396",
    18: "9931740a92eda79dd6f835ee1a5618d3f6edac9e5f362d04485c53b828466026",
    19: "836209ccf2246da7152b47bcefa054ecfc5da39708f941bdaf0ca2f6a0137060",
    20: "bc981971f5d62f18a69d26a2d58582a7145f35a189e539b0090b180d51b250cb",
    21: "2bd24a56f77c7189323013a6a727295f29063b387f9481db21848b759a00802d",
    22: "122da50622efdeff05bc753eeb80c366a7e9b8ce7ac10e303001717914f093ed",
    23: "3f73f808e184d053894bc40f4e2f3a9314a556a121853edf20fb8b418f310c19",
}

# The topics in the order of their stored bits, as shipped: new topics go at the end.
SHIPPED_TOPICS = (
    "residence",
    "orientation",
    "work",
    "recognition",
    "language",
    "school",
    "childcare",
    "health",
    "housing",
    "benefits",
    "family",
    "naturalisation",
    "other",
)


def checksum(migration: Migration) -> str:
    """Over the statements as the database runs them, however rollups.py builds them."""
    text = json.dumps([migration.why, *migration.statements], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


# Migrations --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", sorted(SHIPPED_CHECKSUMS))
def test_a_shipped_migration_is_never_edited(version: int) -> None:
    assert version <= len(MIGRATIONS), f"migration {version} has shipped and may not be removed"
    assert checksum(MIGRATIONS[version - 1]) == SHIPPED_CHECKSUMS[version], (
        f"migration {version} has shipped and was edited: restore it and add a new migration"
    )


def test_every_migration_has_its_checksum_pinned() -> None:
    unpinned = {
        version: checksum(migration)
        for version, migration in enumerate(MIGRATIONS, start=1)
        if version not in SHIPPED_CHECKSUMS
    }
    lines = "".join(f'\n    {version}: "{digest}",' for version, digest in unpinned.items())
    assert not unpinned, f"new migrations: add to SHIPPED_CHECKSUMS in tests/test_guards.py:{lines}"


# Topics in the running totals --------------------------------------------------------------


# TOPICS builds migration 4, which has shipped: a new topic needs a new migration that adds its
# column and recreates the roll-up triggers.
NEW_TOPIC = "a new topic needs a migration that adds its roll-up column"


def test_the_running_totals_count_as_many_topics_as_there_are() -> None:
    assert len(Topic) == rollups.TOPICS, (
        f"rollups.TOPICS is {rollups.TOPICS}, Topic has {len(Topic)} members: {NEW_TOPIC}"
    )


def test_stored_topic_bits_are_never_renumbered() -> None:
    in_bit_order = [topic.value for topic in sorted(Topic, key=lambda topic: topic.bit)]

    assert all(topic.bit.bit_count() == 1 for topic in Topic), "each topic is one bit"
    assert in_bit_order[: len(SHIPPED_TOPICS)] == list(SHIPPED_TOPICS), (
        "stored contacts keep their topics' bits: append new topics, never insert or reorder"
    )


async def test_a_migrated_database_has_a_column_for_every_topic_bit(tmp_path: Path) -> None:
    tables = [re.search(r"CREATE TABLE (\w+)", sql).group(1) for sql in rollups.TABLES]
    counting: dict[str, set[str]] = {}
    database = await Database.open(tmp_path / "kim.sqlite3")
    try:
        for table in tables:
            rows = await database.fetch_all(f"PRAGMA table_info({table})")
            if names := {row["name"] for row in rows if row["name"].startswith("topic_")}:
                counting[table] = names
    finally:
        await database.close()
    # A topic's column is the position of its bit: topic_3 counts the contacts with 1 << 3.
    wanted = {f"topic_{topic.bit.bit_length() - 1}" for topic in Topic}
    wrong = [
        f"{table}: missing {sorted(wanted - names)}, for no topic {sorted(names - wanted)}"
        for table, names in counting.items()
        if names != wanted
    ]

    assert counting, f"no roll-up table of {tables} has topic columns"
    assert not wrong, f"{NEW_TOPIC}:\n" + "\n".join(wrong)
