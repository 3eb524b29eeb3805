"""Free texts sealed at rest with Fernet under DATA_KEY, and their re-encryption.

Notes, flag texts, close and rejection reasons may name people, illnesses or addresses
whatever the bot asks for. With a key, the stores seal them on write and open them on read,
so domains and handlers never see ciphertext and a copy of the database file alone (a
backup, a stolen disk) does not reveal them.

Only these columns are sealed, because nothing in SQL compares, sorts, groups or searches
them: figures count rows, minutes and topic bits; a structural gap is found on the draft
before it is stored. Empty strings and NULL stay as they are, so "no note" costs nothing.

A sealed value is `fernet:` and the token. A value without the prefix is plain text
written before a key was set: it is read as it is until `kim-bot rotate-key` seals it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, overload

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

if TYPE_CHECKING:
    from bot.storage.audit import AuditLog
    from bot.storage.database import Database

SEALED_PREFIX = "fernet:"

# Every free-text column that may hold personal data. Not here: codes and choices from a
# fixed list (languages, origin, town, contacts.referral, interpreter_requests.purpose),
# staff names (looked up by username, and replaced by a pseudonym on erasure), and
# audit_log.detail (ids, roles, counts; never message texts).
SEALED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("contacts", "note"),
    ("flags", "description"),
    ("flags", "outcome"),
    ("flags", "discussion"),
    ("flags", "actions"),
    ("families", "close_reason"),
    ("interpreter_requests", "reason"),
    ("interpreter_requests", "professional_reason"),
    ("invoices", "reason"),
    ("expenses", "purpose"),
    ("conferences", "partner_name"),
    ("conferences", "agreements"),
    # Updates and replies in transit: message texts of every kind, for seconds as a rule.
    ("inbox", "payload"),
    ("outbox", "params"),
)

GENERATE_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)

# Rows re-encrypted per statement batch: a county's database fits in memory, a benchmark's
# two million contacts need not.
_BATCH = 2000


class DataKeyError(Exception):
    """DATA_KEY cannot open what is stored; the message says which key is missing."""


class TextCipher:
    """Seals and opens free texts; without keys it stores plain text and opens none."""

    def __init__(self, keys: Sequence[str] = ()) -> None:
        self._keys = tuple(Fernet(key) for key in keys)
        # The first key seals; all of them open, so old texts stay readable while rotating.
        self._all = MultiFernet(self._keys) if self._keys else None

    @property
    def enabled(self) -> bool:
        return self._all is not None

    @staticmethod
    def is_sealed(value: str | None) -> bool:
        return bool(value) and value.startswith(SEALED_PREFIX)

    @overload
    def seal(self, text: str) -> str: ...
    @overload
    def seal(self, text: None) -> None: ...
    def seal(self, text: str | None) -> str | None:
        if not text or self._all is None:
            return text
        return SEALED_PREFIX + self._all.encrypt(text.encode()).decode("ascii")

    @overload
    def open(self, value: str) -> str: ...
    @overload
    def open(self, value: None) -> None: ...
    def open(self, value: str | None) -> str | None:
        if not self.is_sealed(value):
            return value
        if self._all is None:
            raise DataKeyError(
                "the database holds encrypted texts but DATA_KEY is not set: "
                "set the key they were encrypted with"
            )
        try:
            return self._all.decrypt(self._token(value)).decode()
        except InvalidToken:
            raise DataKeyError(
                "DATA_KEY cannot decrypt the stored texts: set the key they were encrypted "
                "with (while rotating, list the new key first, then the old one, "
                "separated by a comma)"
            ) from None

    def reseal(self, value: str | None) -> str | None:
        """The value sealed under the first key, or None if it already is (or is empty)."""
        if not value or self._all is None:
            return None
        if not self.is_sealed(value):
            return self.seal(value)
        token = self._token(value)
        try:
            self._keys[0].decrypt(token)
            return None
        except InvalidToken:
            pass
        try:
            return SEALED_PREFIX + self._all.rotate(token).decode("ascii")
        except InvalidToken:
            raise DataKeyError(
                "no key in DATA_KEY decrypts some stored texts: add the key they were "
                "encrypted with after the new one, separated by a comma"
            ) from None

    @staticmethod
    def _token(value: str) -> bytes:
        return value.removeprefix(SEALED_PREFIX).encode("ascii")


@dataclass(frozen=True)
class ColumnRotation:
    """What `rotate-key` did to one column."""

    table: str
    column: str
    sealed: int  # plain text from before a key was set, now encrypted
    resealed: int  # encrypted under an older key, now under the first
    unchanged: int  # already under the first key

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"


class EncryptionStore:
    """Checks that DATA_KEY fits the stored texts, and re-encrypts them under a new key."""

    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit

    async def check_key(self) -> None:
        """Refuse, at start-up, a key that cannot open the newest text of each column.

        Without this, a wrong or missing key would show up as an error in the middle of
        someone's /family, long after start. The newest value is one indexed row to read.
        """
        for table, column in SEALED_COLUMNS:
            value = await self._db.fetch_value(
                f"""
                SELECT {column} FROM {table}
                WHERE {column} IS NOT NULL AND {column} != ''
                ORDER BY rowid DESC LIMIT 1
                """
            )
            self._db.cipher.open(value)

    async def rotate_key(self, now: datetime) -> list[ColumnRotation]:
        """Seal every free text under the first key of DATA_KEY; one transaction per table.

        Running it again changes nothing. A text no key opens stops its table's
        transaction, so that table stays as it was.
        """
        cipher = self._db.cipher
        if not cipher.enabled:
            raise DataKeyError(f"DATA_KEY is not set: generate a key with {GENERATE_KEY}")
        done: list[ColumnRotation] = []
        tables = dict.fromkeys(table for table, _ in SEALED_COLUMNS)
        for table in tables:
            columns = [column for name, column in SEALED_COLUMNS if name == table]
            async with self._db.transaction():
                counts = {column: [0, 0, 0] for column in columns}
                last_id = 0
                while True:
                    rows = await self._db.fetch_all(
                        f"SELECT rowid AS id, {', '.join(columns)} FROM {table} "
                        "WHERE rowid > ? ORDER BY rowid LIMIT ?",
                        (last_id, _BATCH),
                    )
                    if not rows:
                        break
                    last_id = rows[-1]["id"]
                    for column in columns:
                        changes = []
                        for row in rows:
                            value = row[column]
                            if not value:
                                continue
                            new = cipher.reseal(value)
                            kind = 2 if new is None else 1 if cipher.is_sealed(value) else 0
                            counts[column][kind] += 1
                            if new is not None:
                                changes.append((new, row["id"]))
                        if changes:
                            await self._db.execute_many(
                                f"UPDATE {table} SET {column} = ? WHERE rowid = ?", changes
                            )
                rotations = [ColumnRotation(table, column, *counts[column]) for column in columns]
                # That it happened and how much, never what.
                summary = " ".join(
                    f"{rotation.name}={rotation.sealed + rotation.resealed}"
                    for rotation in rotations
                )
                await self._audit.record("data_key.rotate", now, subject=table, detail=summary)
            done.extend(rotations)
        return done
