"""`kim-bot check`, `kim-bot backup` and `kim-bot restore FILE`: print what was found or
done, return the exit code."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import TextIO

from telegram import Bot, User
from telegram.request import HTTPXRequest

from bot.casework.families import family_code
from bot.core.clock import Clock
from bot.core.config import ConfigError, Settings, load_settings
from bot.core.i18n import use_locale
from bot.operations.backups import RestoreRefused, make_backup, restore_backup
from bot.operations.checks import Check, run_checks, settings_failed
from bot.operations.lock import run_lock
from bot.translation.client import open_translator

# The command line speaks English, as its other messages do; /status speaks the reader's.
CLI_LOCALE = "en"
# An operator waits for the answer: a Bot API that does not answer in seconds fails.
TELEGRAM_TIMEOUT_SECONDS = 10


async def check(output: TextIO | None = None) -> int:
    """One line per check; exit code 0 only if every check is ok."""
    output = output or sys.stdout
    with use_locale(CLI_LOCALE):
        try:
            settings = load_settings()
        except ConfigError as exc:
            checks = [settings_failed(exc)]
        else:
            checks = await _checks(settings)
    for found in checks:
        print(found.line(), file=output, flush=True)
    return 0 if all(found.ok for found in checks) else 1


async def _checks(settings: Settings) -> list[Check]:
    translator = open_translator(settings)
    get_me = None if settings.telegram_bot_token is None else lambda: _telegram_me(settings)
    try:
        return await run_checks(settings, get_me, translator)
    finally:
        if translator is not None:
            translator.close()


async def _telegram_me(settings: Settings) -> User:
    """getMe with the configured token, at TELEGRAM_API_URL."""
    request = HTTPXRequest(
        connect_timeout=TELEGRAM_TIMEOUT_SECONDS, read_timeout=TELEGRAM_TIMEOUT_SECONDS
    )
    # Not Bot.initialize(): its error message quotes the token.
    token = settings.telegram_bot_token or ""
    bot = Bot(token, base_url=f"{settings.telegram_api_url}/bot", request=request)
    await request.initialize()
    try:
        return await bot.get_me()
    finally:
        await request.shutdown()


def backup(settings: Settings) -> int:
    """Write a backup now (the bot may be running) and print its path."""
    try:
        run = make_backup(settings, Clock(settings.tz).now())
    except (FileNotFoundError, sqlite3.Error, OSError) as exc:
        print(f"kim-bot: the backup failed: {exc}", file=sys.stderr)
        return 1
    print(run.written.path)
    return 0


def restore(settings: Settings, file: Path) -> int:
    """Replace the database by the backup `file`; refused while the bot runs.

    Raises BotIsRunning when a bot holds the database's lock.
    """
    with run_lock(settings.database_path):
        try:
            run = restore_backup(settings, file, Clock(settings.tz).now())
        except RestoreRefused as exc:
            print(f"kim-bot: nothing restored: {exc}", file=sys.stderr)
            return 1
    database = settings.database_path
    print(f"restored {file} into {database} (schema {run.health.schema_version})")
    if run.set_aside is not None:
        print(
            f"the database before is kept as {run.set_aside}: it holds personal data, "
            "delete it once the bot runs well on the restored one"
        )
    if run.erased_since is None:
        print(
            "the database before could not be read: check /audit for families erased "
            "after the backup was taken, and erase them again with /forget"
        )
    elif run.erased_since:
        codes = ", ".join(family_code(family_id) for family_id in run.erased_since)
        print(f"erased after the backup was taken, erase again with /forget: {codes}")
    return 0
