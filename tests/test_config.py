"""Settings come from the environment and `.env`; a bad value stops start-up clearly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.core.config import ConfigError, load_settings

VALID_TOKEN = "123456789:AAEabcdefghijklmnopqrstuvwxyz12345"


def test_defaults_need_no_configuration() -> None:
    settings = load_settings()

    assert settings.telegram_bot_token is None
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.database_path == Path("data/kim-bot.sqlite3")
    assert settings.admin_telegram_ids == ()
    assert settings.timezone == "Europe/Berlin"
    assert settings.default_locale == "de"
    assert settings.deepl_auth_key is None


def test_values_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", VALID_TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", " 12345, 67890 ")
    monkeypatch.setenv("DEFAULT_LOCALE", "uk")

    settings = load_settings()

    assert settings.telegram_bot_token == VALID_TOKEN
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.admin_telegram_ids == (12345, 67890)
    assert settings.default_locale == "uk"


def test_values_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    # The autouse fixture runs every test in tmp_path, where the bot looks for `.env`.
    (tmp_path / ".env").write_text("DATABASE_PATH=/srv/kim/kim.sqlite3\nTELEGRAM_BOT_TOKEN=\n")

    settings = load_settings()

    assert settings.database_path == Path("/srv/kim/kim.sqlite3")
    assert settings.telegram_bot_token is None


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ADMIN_TELEGRAM_IDS", "12345,anna", "ADMIN_TELEGRAM_IDS: must be comma-separated numeric"),
        ("TIMEZONE", "Europe/Warendorf", "TIMEZONE: is not an IANA time zone name"),
        ("DEFAULT_LOCALE", "fr", "DEFAULT_LOCALE: must be one of de, en, uk"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN: does not look like a token"),
        ("TELEGRAM_API_URL", "api.telegram.org", "TELEGRAM_API_URL: must start with http://"),
        ("DEEPL_SERVER_URL", "localhost:3000", "DEEPL_SERVER_URL: must start with http://"),
        ("TELEGRAM_WEBHOOK_URL", "kim.example.de/tg", "TELEGRAM_WEBHOOK_URL: must start with"),
        ("TELEGRAM_WEBHOOK_SECRET", "short", "TELEGRAM_WEBHOOK_SECRET: must be 16 to 256"),
        ("TELEGRAM_WEBHOOK_SECRET", "x" * 20 + "!", "TELEGRAM_WEBHOOK_SECRET: must be 16 to 256"),
        ("TELEGRAM_TIMEOUT", "0", "TELEGRAM_TIMEOUT: Input should be greater than 0"),
        ("WEBHOOK_PORT", "70000", "WEBHOOK_PORT: Input should be less than or equal to 65535"),
    ],
)
def test_a_malformed_value_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_webhook_needs_its_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://kim.example.de/telegram")

    with pytest.raises(ConfigError, match=r"^TELEGRAM_WEBHOOK_SECRET: must be set with"):
        load_settings()
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "Abc_-123" * 4)
    settings = load_settings()

    assert settings.telegram_webhook_url == "https://kim.example.de/telegram"
    assert "Abc_-123" not in repr(settings)


def test_the_command_exits_with_code_2_and_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")

    assert main([]) == 2

    error = capsys.readouterr().err
    assert error.splitlines() == [
        "kim-bot: TIMEZONE: is not an IANA time zone name such as Europe/Berlin"
    ]


def test_the_installed_command_shows_no_traceback(tmp_path: Path) -> None:
    kim_bot = Path(sys.executable).with_name("kim-bot")

    result = subprocess.run(
        [str(kim_bot)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "", "ADMIN_TELEGRAM_IDS": "anna"},
    )

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "kim-bot: ADMIN_TELEGRAM_IDS: must be comma-separated numeric Telegram ids, "
        "e.g. 12345,67890"
    ]
    assert "Traceback" not in result.stderr
