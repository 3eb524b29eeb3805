"""The bot's log: one line per event, as text or as JSON (`LOG_FORMAT`), never what a user typed.

A log line says what happened and to whom by id; the texts people type (notes, reasons,
names) stay out. Log calls pass ids and counts only; what they cannot control is an
exception's message, which may quote a value from the update (`KeyError: 'the note'`), so an
exception is logged with its type and where it was raised, and its message only when it
comes from Telegram, the database or the operating system.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import traceback
from datetime import UTC, datetime
from typing import TextIO

from telegram.error import TelegramError

# Exceptions whose messages are written by a service or the system, not built from input.
SAFE_MESSAGES: tuple[type[BaseException], ...] = (TelegramError, sqlite3.Error, OSError)
WITHHELD = "(message withheld: it may quote what a user typed)"

# httpx logs every request line at INFO, with the bot token in the URL; the scheduler logs
# two lines for every run of every job.
QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler")


def exception_text(error: BaseException) -> str:
    """A traceback as Python prints it, causes first, with unsafe messages left out."""
    chain = [error]
    while (link := _earlier(chain[-1])) is not None and link not in chain:
        chain.append(link)
    parts = []
    for later, current in zip([None, *chain], chain, strict=False):
        if later is not None:
            parts.append(
                "\nThe above exception was the direct cause of the following exception:\n\n"
                if later.__cause__ is current
                else "\nDuring handling of the above exception, another exception occurred:\n\n"
            )
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        message = str(current) if isinstance(current, SAFE_MESSAGES) else WITHHELD
        parts.append(f"Traceback (most recent call last):\n{frames}{_name(current)}: {message}\n")
    return "".join(reversed(parts)).rstrip("\n")


def _name(error: BaseException) -> str:
    kind = type(error)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def _earlier(error: BaseException) -> BaseException | None:
    """The exception `error` was raised from or while handling, as Python shows it."""
    if error.__cause__ is not None or error.__suppress_context__:
        return error.__cause__
    return error.__context__


def _fields(record: logging.LogRecord) -> dict[str, str]:
    fields = {
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
    }
    if record.exc_info and record.exc_info[1] is not None:
        fields["exception"] = exception_text(record.exc_info[1])
    if record.stack_info:
        fields["stack"] = record.stack_info
    return fields


class TextFormatter(logging.Formatter):
    """`2026-11-24T09:00:00.000+00:00 WARNING bot.handlers.notices: could not notify 42: …`"""

    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        line = f"{fields.pop('time')} {fields.pop('level')} {fields.pop('logger')}: "
        line += " | ".join([fields.pop("message"), *fields.values()])
        # A traceback or a message with line breaks must not become several journal entries.
        return line.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601), level, logger, message[, exception]."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record), ensure_ascii=False)


FORMATTERS: dict[str, type[logging.Formatter]] = {"text": TextFormatter, "json": JsonFormatter}


def configure_logging(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    """Send every log record at INFO and above to `stream` (stderr), one line per event."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(FORMATTERS[log_format]())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # Warnings (a deprecation in a library) become log lines too, not several stderr lines.
    logging.captureWarnings(True)
    return handler
