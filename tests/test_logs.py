"""The log: one line per event, text or JSON, and never what a user typed."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from telegram.error import Forbidden

from bot.__main__ import main
from bot.core.config import ConfigError, load_settings
from bot.core.logs import QUIET_LOGGERS, configure_logging, exception_text
from bot.staff.roles import Role
from tests.conftest import CASE_MANAGER
from tests.helpers.harness import BotHarness

NOTE = "Unterlagen für den Wohngeldantrag zusammengestellt"
SEPARATOR = {"json": "\n", "text": "\\n"}
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00")


@contextmanager
def bot_log(log_format: str) -> Iterator[io.StringIO]:
    """The log as `kim-bot run` sets it up, written to a string; the test's set-up after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    quiet = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    stream = io.StringIO()
    configure_logging(log_format, stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, quiet_level in quiet.items():
            logging.getLogger(name).setLevel(quiet_level)
        logging.captureWarnings(False)


def events(output: str, log_format: str) -> list[dict[str, str]]:
    """Each line of the log as its fields; every line must be a whole event."""
    lines = output.splitlines()
    if log_format == "json":
        return [json.loads(line) for line in lines]
    parsed = []
    for line in lines:
        time, level, logger, message = re.fullmatch(r"(\S+) (\S+) (\S+): (.*)", line).groups()
        parsed.append({"time": time, "level": level, "logger": logger, "message": message})
    return parsed


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_a_failing_handler_logs_one_line_without_the_text_typed(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch, log_format: str
) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")

    async def store_that_quotes_the_note(draft, *args, **kwargs):
        # A bug of the kind that puts what was typed into an exception's message.
        try:
            {}[draft.note]
        except KeyError as error:
            raise ValueError(f"cannot store {draft!r}") from error

    monkeypatch.setattr(bot.storage.contacts, "add", store_that_quotes_the_note)

    with bot_log(log_format) as log, pytest.raises(AssertionError, match="a handler failed"):
        await bot.send(CASE_MANAGER, f"/log F-0001 45m hausbesuch wohnen: {NOTE}")

    assert "Wohngeldantrag" not in log.getvalue()
    (failure,) = [
        event
        for event in events(log.getvalue(), log_format)
        if "error while handling an update" in event["message"]
    ]
    assert failure["level"] == "ERROR"
    assert failure["logger"] == "bot.handlers.errors"
    assert ISO_TIME.fullmatch(failure["time"])
    # The traceback is in the same line: where it failed, and why, without the message.
    exception = failure["exception"] if log_format == "json" else failure["message"]
    assert "in store_that_quotes_the_note" in exception
    assert "KeyError: (message withheld" in exception
    assert "ValueError: (message withheld" in exception


def test_telegram_database_and_system_errors_keep_their_message() -> None:
    try:
        raise Forbidden("Forbidden: bot was blocked by the user")
    except Forbidden as error:
        text = exception_text(error)

    assert text.startswith("Traceback (most recent call last):\n")
    assert text.endswith("telegram.error.Forbidden: Forbidden: bot was blocked by the user")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_every_event_is_one_line_and_request_urls_stay_out(log_format: str) -> None:
    with bot_log(log_format) as log:
        logging.getLogger("bot.test").warning("first line\nsecond line")
        logging.getLogger("httpx").info("HTTP Request: POST https://x/bot123:SECRET/getUpdates")

    (event,) = events(log.getvalue(), log_format)
    assert event["level"] == "WARNING"
    # JSON escapes the line break itself; the text line shows it as \n.
    assert event["message"] == "first line\nsecond line".replace("\n", SEPARATOR[log_format])
    assert "SECRET" not in log.getvalue()


def test_kim_bot_run_writes_json_lines_with_log_format_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    async def serve(application: object) -> None:
        logging.getLogger("telegram.ext.Application").info("Application started")

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAE-test-token-for-the-log-test")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "kim-bot.sqlite3"))
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setattr("bot.app.build_application", lambda settings: object())
    monkeypatch.setattr("bot.delivery.runner.serve", serve)

    with bot_log("text"):  # restores the test's logging after `main` set up its own
        assert main(["run"]) == 0

    (line,) = capsys.readouterr().err.splitlines()
    assert json.loads(line) == {
        "time": json.loads(line)["time"],
        "level": "INFO",
        "logger": "telegram.ext.Application",
        "message": "Application started",
    }


def test_an_unknown_log_format_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "xml")

    with pytest.raises(ConfigError, match=r"^LOG_FORMAT: "):
        load_settings()
