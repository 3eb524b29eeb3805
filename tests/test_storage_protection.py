"""Storage protection: a private database file, free texts encrypted at rest, key rotation."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.__main__ import main
from bot.core.config import ConfigError, Settings, load_settings
from bot.staff.roles import Role
from bot.storage import Storage
from bot.storage.database import Database, UnsafeFileError
from bot.storage.encryption import SEALED_COLUMNS, SEALED_PREFIX, DataKeyError, TextCipher
from tests.conftest import CASE_MANAGER, COORDINATOR, KEY_A, START
from tests.helpers.dates import berlin
from tests.helpers.harness import BotHarness, FakeTime

KEY_B = Fernet.generate_key().decode()
KEY_C = Fernet.generate_key().decode()

NOTE = "Termin beim Jobcenter verpasst, neuer Termin folgt"
GAP_NOTE = "#struktur Kinderarzt in Ahlen nimmt niemanden auf"
OUTCOME = "Kinderarzt-Kontingent mit dem Gesundheitsamt vereinbart"
REJECTION = "Dolmetscherin aus dem Bekanntenkreis hilft"
CLOSE_REASON = "nach Hamm verzogen, Akte übergeben"
PROFESSIONAL_REASON = "nur Sorani, der Pool hat niemanden"
CORRECTION = "Wartezeit doppelt abgerechnet"
DISCUSSION = "Thema der Steuerungsrunde im Dezember"
ACTIONS = "Gesundheitsamt und Kinderarztpraxen: Quotenmodell"
AGREEMENTS = "Fiktionsbescheinigung wird bis zur Verlängerung ausgestellt"
TEXTS = (
    NOTE, GAP_NOTE, OUTCOME, REJECTION, CLOSE_REASON, PROFESSIONAL_REASON, CORRECTION,
    DISCUSSION, ACTIONS, AGREEMENTS,
)  # fmt: skip
# One word of each that nothing else in the database holds.
MARKERS = (
    "Beispiel",
    "Kinderarzt",
    "Gesundheitsamt",
    "Bekanntenkreis",
    "Hamm",
    "Sorani",
    "doppelt",
    "Steuerungsrunde",
    "Quotenmodell",
)


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


def raw_values(path: Path) -> dict[str, list[str]]:
    """Every stored value of the sealed columns, read past the bot with sqlite3."""
    connection = sqlite3.connect(path)
    try:
        return {
            f"{table}.{column}": [
                value
                for (value,) in connection.execute(f"SELECT {column} FROM {table} ORDER BY rowid")
                if value
            ]
            for table, column in SEALED_COLUMNS
        }
    finally:
        connection.close()


def file_bytes(path: Path) -> bytes:
    """The database and its write-ahead log, as a thief with a copy would read them."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


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


# The key ----------------------------------------------------------------------------------


def test_data_key_takes_one_key_or_a_comma_separated_list() -> None:
    assert load_settings(_env_file=None).data_key == ()
    assert load_settings(_env_file=None, data_key=f" {KEY_B} , {KEY_A} ").data_key == (
        KEY_B,
        KEY_A,
    )
    # Never shown where settings are printed or logged.
    assert KEY_A not in repr(load_settings(_env_file=None, data_key=KEY_A))


@pytest.mark.parametrize(
    ("value", "which"),
    [("not-a-key", "the key"), (f"{KEY_A},{KEY_B[:-4]}", "key 2 of 2")],
)
def test_a_malformed_data_key_is_a_clear_configuration_error(value: str, which: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(_env_file=None, data_key=value)

    message = str(refused.value)
    assert message.startswith(f"DATA_KEY: {which} is not a Fernet key")
    assert "Fernet.generate_key()" in message
    assert KEY_A not in message


def test_the_cipher_round_trips_and_leaves_empty_values_alone() -> None:
    cipher = TextCipher([KEY_A])

    sealed = cipher.seal(NOTE)

    assert sealed.startswith(SEALED_PREFIX)
    assert NOTE not in sealed
    assert cipher.open(sealed) == NOTE
    assert cipher.seal(NOTE) != sealed  # a fresh nonce: equal notes do not look equal
    assert [cipher.seal(""), cipher.seal(None)] == ["", None]
    assert [cipher.open(""), cipher.open(None)] == ["", None]
    # Plain text from before the key was set is read as it is.
    assert cipher.open(NOTE) == NOTE


def test_a_wrong_or_missing_key_is_a_clear_error_not_garbage() -> None:
    sealed = TextCipher([KEY_A]).seal(NOTE)

    with pytest.raises(DataKeyError, match="DATA_KEY cannot decrypt the stored texts"):
        TextCipher([KEY_B]).open(sealed)
    with pytest.raises(DataKeyError, match="DATA_KEY is not set"):
        TextCipher().open(sealed)


# Encryption at rest, through the bot ------------------------------------------------------


async def fill_every_free_text(bot: BotHarness) -> None:
    """A contact note (and a correction of its contact), a #struktur note with its flag,
    discussion, partners and outcome, a rejection reason, a reason for a professional
    interpreter, an invoice's correction reason, a conference's partner and agreements, and a
    close reason, all through the chat."""
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    await bot.send(CASE_MANAGER, f"/conference ABH,Jobcenter F-0001 aufenthalt 60: {AGREEMENTS}")
    await bot.send(CASE_MANAGER, f"/log F-0001 45m hausbesuch arbeit: {NOTE}")
    # A correction stores the contact again: its note is sealed again.
    await bot.send(CASE_MANAGER, "/log korrektur 1 dauer 50m")
    await bot.send(CASE_MANAGER, f"/log F-0001 30m telefon gesundheit: {GAP_NOTE}")
    await bot.send(COORDINATOR, f"/flag 1 discussed {DISCUSSION}")
    await bot.send(COORDINATOR, f"/flag 1 progress {ACTIONS}")
    await bot.send(COORDINATOR, f"/closeflag 1 {OUTCOME}")
    await bot.send(CASE_MANAGER, "/interpreter uk 03.12. 10:00 60m telefon abh")
    await bot.press(CASE_MANAGER, "Bestätigen")
    await bot.send(COORDINATOR, f"/reject 1 {REJECTION}")
    await bot.send(
        CASE_MANAGER, f"/interpreter uk 04.12. 10:00 60m telefon abh profi: {PROFESSIONAL_REASON}"
    )
    await bot.press(CASE_MANAGER, "Bestätigen")
    await bot.send(CASE_MANAGER, "/interpreter uk 03.12. 10:00 60m telefon abh")
    await bot.press(CASE_MANAGER, "Bestätigen")
    await bot.send(COORDINATOR, "/approve 3")
    bot.time.now = berlin(2026, 12, 3, 12)
    await bot.send(COORDINATOR, "/invoice 3 30 Sprachmittlerpool RE-7 03.12.2026")
    await bot.send(COORDINATOR, f"/invoice 3 fix 25 {CORRECTION}")


async def test_with_a_key_the_file_holds_no_free_text_and_the_bot_still_shows_it(
    sealed_bot: BotHarness, sealed_settings: Settings
) -> None:
    bot = sealed_bot
    await fill_every_free_text(bot)

    card = (await bot.send(CASE_MANAGER, "/family F-0001"))[0].text
    await bot.send(CASE_MANAGER, f"/closefamily F-0001 {CLOSE_REASON}")

    assert NOTE in card
    stored = raw_values(sealed_settings.database_path)
    assert {name: len(values) for name, values in stored.items()} == {
        "contacts.note": 2,
        "flags.description": 1,
        "flags.outcome": 1,
        "flags.discussion": 1,
        "flags.actions": 1,
        "families.close_reason": 1,
        "interpreter_requests.reason": 1,
        "interpreter_requests.professional_reason": 1,
        "invoices.reason": 1,
        "expenses.purpose": 0,
        "conferences.partner_name": 1,
        "conferences.agreements": 1,
        # The harness hands updates to the bot directly; tests/test_delivery.py seals these.
        "inbox.payload": 0,
        "outbox.params": 0,
    }
    assert all(value.startswith(SEALED_PREFIX) for values in stored.values() for value in values)
    on_disk = file_bytes(sealed_settings.database_path)
    for text in (*TEXTS, *MARKERS):
        assert text.encode() not in on_disk
    # The stores open what they read: domains and handlers see the texts.
    storage = bot.storage
    assert (await storage.flags.get(1)).description == GAP_NOTE
    assert (await storage.flags.get(1)).outcome == OUTCOME
    assert (await storage.requests.get(1)).reason == REJECTION
    assert (await storage.requests.get(2)).professional_reason == PROFESSIONAL_REASON
    assert (await storage.families.get(1)).close_reason == CLOSE_REASON
    assert [line.reason for line in await storage.invoices.lines(3)] == [None, CORRECTION]
    assert bot.errors == []


async def test_without_a_key_the_bot_warns_once_at_start_up(
    settings: Settings, time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        async with BotHarness(settings, time):
            pass

    warnings = [record.getMessage() for record in caplog.records if "DATA_KEY" in record.message]
    assert warnings == [
        "DATA_KEY is not set: notes, flag texts and reasons are stored unencrypted "
        "(see README: Configuration)"
    ]


async def test_with_a_key_the_bot_does_not_warn(
    sealed_settings: Settings, time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        async with BotHarness(sealed_settings, time):
            pass

    assert not [record for record in caplog.records if "DATA_KEY" in record.getMessage()]


# Opening with the wrong key, and rotation ---------------------------------------------------


async def store_note(path: Path, keys: tuple[str, ...], note: str) -> None:
    storage = await Storage.open(path, keys)
    try:
        if await storage.staff.get(CASE_MANAGER.id) is None:
            await storage.staff.add(
                CASE_MANAGER.id, Role.CASE_MANAGER, Role.CASE_MANAGER.default_team, "de", START
            )
            await storage.db.execute(
                """
                INSERT INTO families (town, origin, household_size, languages, fled_ukraine,
                    opened_on, case_manager_id, created_at)
                VALUES ('Ahlen', 'UA', 2, 'uk', 1, '2026-11-01', ?, ?)
                """,
                (CASE_MANAGER.id, START.isoformat()),
            )
        await storage.db.execute(
            """
            INSERT INTO contacts (family_id, staff_id, contact_on, minutes, contact_type,
                topics, note, created_at)
            VALUES (1, ?, '2026-11-20', 30, 'phone', 1, ?, ?)
            """,
            (CASE_MANAGER.id, storage.db.cipher.seal(note), START.isoformat()),
        )
    finally:
        await storage.close()


async def notes(path: Path, keys: tuple[str, ...]) -> list[str]:
    storage = await Storage.open(path, keys)
    try:
        return [contact.note for contact in await storage.contacts.recent_for_family(1, 10)][::-1]
    finally:
        await storage.close()


async def rotate(path: Path, keys: tuple[str, ...]) -> dict[str, tuple[int, int, int]]:
    storage = await Storage.open(path, keys)
    try:
        rotations = await storage.encryption.rotate_key(START)
    finally:
        await storage.close()
    return {
        r.name: (r.sealed, r.resealed, r.unchanged)
        for r in rotations
        if r.name.startswith("contacts")
    }


async def test_a_database_the_key_cannot_open_is_refused_at_start_up(tmp_path: Path) -> None:
    path = tmp_path / "kim.sqlite3"
    await store_note(path, (KEY_A,), NOTE)

    with pytest.raises(DataKeyError, match="DATA_KEY cannot decrypt"):
        await Storage.open(path, (KEY_B,))
    with pytest.raises(DataKeyError, match="DATA_KEY is not set"):
        await Storage.open(path)


async def test_rotation_moves_every_text_to_the_new_key(tmp_path: Path) -> None:
    path = tmp_path / "kim.sqlite3"
    await store_note(path, (KEY_A,), "erste Notiz")
    await store_note(path, (KEY_A,), "")
    await store_note(path, (KEY_A,), "zweite Notiz")

    counts = await rotate(path, (KEY_B, KEY_A))

    assert counts == {"contacts.note": (0, 2, 0)}
    assert await notes(path, (KEY_B,)) == ["erste Notiz", "", "zweite Notiz"]
    with pytest.raises(DataKeyError):
        await Storage.open(path, (KEY_A,))
    # Again: nothing left to do.
    assert await rotate(path, (KEY_B,)) == {"contacts.note": (0, 0, 2)}


async def test_rotation_encrypts_plain_text_from_before_the_key(tmp_path: Path) -> None:
    path = tmp_path / "kim.sqlite3"
    await store_note(path, (), NOTE)
    # Set the key later: the old plain text is still read as it is.
    await store_note(path, (KEY_A,), "mit Schlüssel")
    assert await notes(path, (KEY_A,)) == [NOTE, "mit Schlüssel"]

    counts = await rotate(path, (KEY_A,))

    assert counts == {"contacts.note": (1, 0, 1)}
    assert all(value.startswith(SEALED_PREFIX) for value in raw_values(path)["contacts.note"])
    assert b"Beispiel" not in file_bytes(path)
    assert await notes(path, (KEY_A,)) == [NOTE, "mit Schlüssel"]


async def test_rotation_without_the_old_key_changes_nothing_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "kim.sqlite3"
    await store_note(path, (KEY_A,), "unter A")
    await store_note(path, (KEY_B, KEY_A), "unter B")  # the newest opens with B alone
    before = raw_values(path)

    with pytest.raises(DataKeyError, match="add the key they were encrypted with"):
        await rotate(path, (KEY_B,))

    assert raw_values(path) == before
    assert await notes(path, (KEY_B, KEY_A)) == ["unter A", "unter B"]


async def test_rotation_is_audited_without_the_texts(tmp_path: Path) -> None:
    path = tmp_path / "kim.sqlite3"
    await store_note(path, (KEY_A,), NOTE)

    await rotate(path, (KEY_B, KEY_A))

    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT subject, detail FROM audit_log WHERE action = 'data_key.rotate' ORDER BY id"
        ).fetchall()
    finally:
        connection.close()
    assert rows[0] == ("contacts", "contacts.note=1")
    assert {subject for subject, _ in rows} == {table for table, _ in SEALED_COLUMNS}


def test_rotate_key_on_the_command_line_prints_the_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    path = tmp_path / "data" / "kim.sqlite3"
    asyncio.run(store_note(path, (KEY_A,), NOTE))
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("DATA_KEY", f"{KEY_B},{KEY_A}")

    assert main(["rotate-key"]) == 0

    output = capsys.readouterr().out
    assert "contacts.note: 0 encrypted, 1 re-encrypted, 0 already under the first key" in output
    assert len(output.splitlines()) == len(SEALED_COLUMNS)

    monkeypatch.setenv("DATA_KEY", KEY_C)
    assert main(["rotate-key"]) == 2
    assert capsys.readouterr().err.startswith("kim-bot: DATA_KEY cannot decrypt the stored texts")
