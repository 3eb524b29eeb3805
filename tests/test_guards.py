"""Guards for what is already stored: shipped migrations stay as they shipped."""

from __future__ import annotations

import hashlib
import json

import pytest

from bot.storage.migrations import MIGRATIONS, Migration

# Never edit a shipped migration: databases out there already ran it, and will not run it
# again. Add a new migration that says why. When you ADD a migration, add its checksum here
# (the failing test prints the line to add).
SHIPPED_CHECKSUMS = {
    1: "7d37ad0714229bccfe97218173eae835c2a2995488f07f236097fffee07c373e",
    2: "6c2d15ba7c8077fcdf943fbfcea7f89ae6075dd71121ab1d2119c1cf4e225000",
    3: "f277b2176a45c25f79775180e06800130df7650209c105fc44f5cceb56241129",
    4: "460a4cc49d3eb844da1d54a010ce5cbeb4954ac193d2dd16a86e1ccd689d6d0d",
}


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
