"""`kim-bot check` against the fake Bot API and the fake DeepL, and /status for admins."""

from __future__ import annotations

import io
import json
import re
import socket
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.core.config import Settings
from bot.core.offline import Fault, FaultKind
from bot.handlers.backups import JOB_NAME
from bot.operations.cli import check
from bot.staff.roles import Role
from bot.storage.migrations import MIGRATIONS
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.e2e.fake_bot_api import FakeBotApi
from tests.fake_deepl import FakeDeepL
from tests.helpers.harness import BotHarness, FakeTime, only_text

TOKEN = "424242:CHECK-test-token-for-the-fake-server"
DEEPL_KEY = "0f4c3a2b-1d2e-4f5a-8b9c-0d1e2f3a4b5c"
SCHEMA = f"schema {len(MIGRATIONS)} of {len(MIGRATIONS)}"


@pytest.fixture
async def fake_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeBotApi]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server = FakeBotApi(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def configured(
    settings: Settings,
    time: FakeTime,
    fake_api: FakeBotApi,
    fake_deepl: FakeDeepL,
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    """A database the bot has run on, and the environment of a bot on the fake servers."""
    async with BotHarness(settings, time):
        pass
    for name, value in {
        "DATABASE_PATH": str(settings.database_path),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake_api.url,
        "DEEPL_AUTH_KEY": DEEPL_KEY,
        "DEEPL_SERVER_URL": fake_deepl.url,
        "DATA_KEY": "q0b1mZ6ITfQ7X4pTnEoBmrQwUSrTc6F4aH2lKpVQYhM=",
    }.items():
        monkeypatch.setenv(name, value)
    return settings


def unused_port() -> int:
    """A port nothing listens on: a connection to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def run_check() -> tuple[int, str]:
    output = io.StringIO()
    code = await check(output)
    return code, output.getvalue()


# --- kim-bot check ------------------------------------------------------------------------


async def test_check_passes_with_one_line_per_check(
    configured: Settings, fake_api: FakeBotApi, fake_deepl: FakeDeepL
) -> None:
    code, output = await run_check()

    folder = configured.database_path.parent
    assert output.splitlines() == [
        "ok    settings  valid",
        f"ok    database  quick_check ok, {SCHEMA}",
        "ok    files     database 600, its folder 700, backups not there yet",
        f"ok    telegram  @kim_warendorf_bot at {fake_api.url}",
        "ok    deepl     0 of 1,000,000 characters used this period",
    ]
    assert code == 0
    assert [call.method for call in fake_api.telegram.calls] == ["getMe"]
    assert [request.auth_key for request in fake_deepl.requests_to("usage")] == [DEEPL_KEY]
    assert folder.exists()


async def test_a_wrong_token_fails_without_showing_the_token(
    configured: Settings, fake_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "999999:WRONG-token-the-server-does-not-know")

    code, output = await run_check()

    assert code == 1
    assert f"FAIL  telegram  {fake_api.url} refused the token: check TELEGRAM_BOT_TOKEN\n" in output
    assert "WRONG" not in output


async def test_an_unreachable_bot_api_and_deepl_fail(
    configured: Settings, fake_deepl: FakeDeepL, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{unused_port()}"
    monkeypatch.setenv("TELEGRAM_API_URL", url)
    fake_deepl.fail_next(403, "usage")

    code, output = await run_check()

    assert code == 1
    lines = output.splitlines()
    assert lines[3].startswith(f"FAIL  telegram  no answer from {url}: ")
    assert TOKEN not in output
    assert lines[4].startswith("FAIL  deepl     no usage from DeepL: ")


async def test_deepl_at_its_limit_fails_and_no_key_is_fine(
    configured: Settings, fake_deepl: FakeDeepL, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_deepl.character_limit = 0

    assert (await run_check())[1].splitlines()[4] == (
        "FAIL  deepl     0 of 0 characters used this period: the limit is reached"
    )

    monkeypatch.delenv("DEEPL_AUTH_KEY")
    code, output = await run_check()
    assert code == 0
    assert output.splitlines()[4] == "ok    deepl     not configured"


async def test_database_and_file_problems_fail(
    configured: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = configured.database_path
    database.chmod(0o644)

    code, output = await run_check()

    assert code == 1
    assert output.splitlines()[2] == (
        f"FAIL  files     {database} is open to other users (mode 644): run chmod 600 {database}"
    )

    missing = database.with_name("missing.sqlite3")
    monkeypatch.setenv("DATABASE_PATH", str(missing))
    assert (await run_check())[1].splitlines()[1] == (
        f"FAIL  database  there is no database at {missing}; the bot creates it when it starts"
    )
    assert not missing.exists()


async def test_an_old_schema_fails_until_the_bot_migrates_it(configured: Settings) -> None:
    with closing(sqlite3.connect(configured.database_path)) as connection:
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")

    code, output = await run_check()

    assert code == 1
    assert output.splitlines()[1] == (
        f"FAIL  database  quick_check ok, schema {len(MIGRATIONS) - 1} of {len(MIGRATIONS)}: "
        "the bot migrates it when it starts"
    )


async def test_bad_settings_are_the_one_failed_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKUP_TIME", "half past two")

    assert await run_check() == (
        1,
        "FAIL  settings  BACKUP_TIME: must be a time of day as HH:MM, e.g. 02:30\n",
    )


def test_check_on_the_command_line_without_a_token_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "none.sqlite3"))

    assert main(["check"]) == 1

    lines = capsys.readouterr().out.splitlines()
    assert [line[:16] for line in lines] == [
        "ok    settings  ",
        "FAIL  database  ",
        "ok    files     ",
        "FAIL  telegram  ",
        "ok    deepl     ",
    ]
    assert lines[3] == "FAIL  telegram  TELEGRAM_BOT_TOKEN is not set"


# --- /status ------------------------------------------------------------------------------


async def test_status_shows_checks_uptime_queues_and_the_last_backup(
    bot: BotHarness, settings: Settings
) -> None:
    bot.time.advance(days=2, hours=3, minutes=4)

    first = only_text(await bot.send(ADMIN, "/status"))

    assert first == (
        "<b>Status</b>, Stand 26.11.2026, 12:04\n"
        "✅ Einstellungen: gültig; DATA_KEY ist nicht gesetzt, Freitexte werden unverschlüsselt "
        "gespeichert\n"
        f"✅ Datenbank: quick_check ok, Schema {len(MIGRATIONS)} von {len(MIGRATIONS)}\n"
        "✅ Dateirechte: Datenbank 700, ihr Ordner 700, Sicherungen noch nicht angelegt\n"
        "✅ Telegram: @kim_warendorf_bot, offline: Terminal-Shell (kein TELEGRAM_BOT_TOKEN)\n"
        "✅ DeepL: nicht eingerichtet\n"
        "\n"
        "Läuft seit 2 Tg., 3 Std. (Start: 24.11.2026, 09:00)\n"
        "Wartend: 0 Updates im Eingang, 0 Antworten im Ausgang\n"
        "Letzte Sicherung: noch keine"
    ).replace("Datenbank 700", "Datenbank 600")

    await bot.run_job(JOB_NAME)
    second = only_text(await bot.send(ADMIN, "/status"))
    assert re.search(
        r"\nLetzte Sicherung: 26\.11\.2026, 12:04, \d+(,\d)? kB \(1 Sicherung aufbewahrt\)$",
        second,
    ), second
    assert "Sicherungen 700" in second


async def test_status_shows_what_waits_in_the_inbox_and_the_outbox(bot: BotHarness) -> None:
    # Three updates stored and not handled (as after a crash), one reply Telegram refused
    # for longer than the retries: it waits in the outbox.
    # (The /status update itself, stored too when the bot serves Telegram, is not counted.)
    pending = [bot.telegram.message_update(CASE_MANAGER, "/help") for _ in range(3)]
    asking = bot.telegram.message_update(ADMIN, "/status")
    await bot.storage.inbox.store(
        [(update["update_id"], json.dumps(update)) for update in [*pending, asking]], bot.time()
    )
    bot.telegram.fail(Fault(FaultKind.SERVER_ERROR, "sendMessage", ADMIN.id, times=4))
    await bot.send(ADMIN, "/help")

    assert "\nWartend: 3 Updates im Eingang, 1 Antwort im Ausgang\n" in only_text(
        await bot.process(asking)
    )


async def test_status_shows_a_failing_check(
    settings: Settings, time: FakeTime, fake_deepl: FakeDeepL
) -> None:
    with_deepl = settings.model_copy(
        update={"deepl_auth_key": DEEPL_KEY, "deepl_server_url": fake_deepl.url}
    )
    async with BotHarness(with_deepl, time) as bot:
        assert "\n✅ DeepL: 0 von 1.000.000 Zeichen in diesem Abrechnungszeitraum verbraucht\n" in (
            only_text(await bot.send(ADMIN, "/status"))
        )
        fake_deepl.fail_next(456, "usage")

        failing = only_text(await bot.send(ADMIN, "/status"))

    assert "\n❌ DeepL: DeepL nennt keinen Verbrauch: " in failing


async def test_status_speaks_the_admins_language(bot: BotHarness) -> None:
    await bot.send(ADMIN, "/language")
    await bot.press(ADMIN, "Українська")

    text = only_text(await bot.send(ADMIN, "/status"))

    assert text.startswith(
        "<b>Стан</b> на 24 лист. 2026\u202fр., 09:00\n✅ Налаштування: коректні;"
    )
    assert "\nОчікують: 0 оновлень у вхідній черзі, 0 відповідей у вихідній черзі\n" in text
    assert text.endswith("\nОстання резервна копія: ще немає")


async def test_only_admins_see_the_status(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)

    reply = only_text(await bot.send(COORDINATOR, "/status"))

    assert reply.startswith("/status ist für Ihre Rolle (Koordinator*in) nicht freigegeben.")
