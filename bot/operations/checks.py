"""The health checks `kim-bot check` prints and /status shows: settings, database, file
modes, Telegram, DeepL. Each says ok or not, and why, in the current language."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from telegram import User
from telegram.error import InvalidToken, TelegramError

from bot.core.config import ConfigError, Settings
from bot.core.i18n import _, format_number, lazy_gettext
from bot.operations.backups import list_backups
from bot.storage.backups import inspect_database
from bot.storage.database import SIDE_FILES, file_mode, open_to_others
from bot.translation.client import MachineTranslator

# The checks in the order they are shown, with their names in the chat; the command line
# shows the keys.
LABELS = {
    "settings": lazy_gettext("Settings"),
    "database": lazy_gettext("Database"),
    "files": lazy_gettext("File modes"),
    "telegram": lazy_gettext("Telegram"),
    "deepl": lazy_gettext("DeepL"),
}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    @property
    def label(self) -> str:
        return str(LABELS[self.name])

    def line(self) -> str:
        """One line of `kim-bot check`: `ok    database  quick_check ok, schema 6 of 6`."""
        return f"{'ok' if self.ok else 'FAIL':<6}{self.name:<10}{self.detail}"


def settings_check(settings: Settings) -> Check:
    detail = _("valid")
    if not settings.data_key:
        detail = _("valid; DATA_KEY is not set, the free texts are stored unencrypted")
    return Check("settings", True, detail)


def settings_failed(error: ConfigError) -> Check:
    return Check("settings", False, str(error))


async def database_check(database: Path) -> Check:
    """Reachable, `PRAGMA quick_check`, and the schema as new as this code's migrations."""
    if str(database) == ":memory:":
        return Check("database", True, _("in memory, nothing to check"))
    if not database.is_file():
        return Check(
            "database",
            False,
            _("there is no database at {path}; the bot creates it when it starts").format(
                path=database
            ),
        )
    try:
        health = await asyncio.to_thread(inspect_database, database, thorough=False)
    except sqlite3.Error as exc:
        return Check("database", False, _("cannot be read: {error}").format(error=exc))
    schema = _("schema {version} of {latest}").format(
        version=health.schema_version, latest=health.latest_version
    )
    if not health.intact:
        return Check("database", False, f"quick_check: {health.check}")
    if not health.is_kim_bot:
        return Check("database", False, _("not a KIM-Bot database"))
    if health.newer_than_code:
        return Check(
            "database",
            False,
            _("quick_check ok, {schema}: newer than this bot, update it").format(schema=schema),
        )
    if health.schema_version < health.latest_version:
        return Check(
            "database",
            False,
            _("quick_check ok, {schema}: the bot migrates it when it starts").format(schema=schema),
        )
    return Check("database", True, _("quick_check ok, {schema}").format(schema=schema))


def files_check(settings: Settings) -> Check:
    """The database, its -wal and -shm, its folder, the backup folder and the backups are
    the bot's user's alone (0600 files, 0700 folders)."""
    database = settings.database_path
    if str(database) == ":memory:":
        return Check("files", True, _("in memory, no files"))
    backups = settings.backup_dir
    paths = [database.parent, database]
    paths += [database.with_name(database.name + suffix) for suffix in SIDE_FILES]
    paths += [backups, *(backup.path for backup in list_backups(backups))]
    for path in paths:
        if path.exists() and open_to_others(path):
            return Check(
                "files",
                False,
                _("{path} is open to other users (mode {mode}): run chmod {fix} {path}").format(
                    path=path, mode=file_mode(path), fix="700" if path.is_dir() else "600"
                ),
            )
    shown = [
        _("database {mode}").format(mode=_mode_or_missing(database)),
        _("its folder {mode}").format(mode=_mode_or_missing(database.parent)),
        _("backups {mode}").format(mode=_mode_or_missing(backups)),
    ]
    return Check("files", True, ", ".join(shown))


def _mode_or_missing(path: Path) -> str:
    return file_mode(path) if path.exists() else _("not there yet")


# getMe of the Bot API; None when no token is configured.
GetMe = Callable[[], Awaitable[User]] | None


async def telegram_check(get_me: GetMe, settings: Settings) -> Check:
    """Telegram answers getMe for the configured token at TELEGRAM_API_URL."""
    url = settings.telegram_api_url
    if get_me is None:
        # No token, no bot on Telegram: `kim-bot run` would start the terminal shell.
        return Check("telegram", False, _("TELEGRAM_BOT_TOKEN is not set"))
    try:
        me = await get_me()
    except InvalidToken:
        return Check(
            "telegram",
            False,
            _("{url} refused the token: check TELEGRAM_BOT_TOKEN").format(url=url),
        )
    except TelegramError as exc:
        error = _without_secret(str(exc), settings.telegram_bot_token)
        return Check(
            "telegram", False, _("no answer from {url}: {error}").format(url=url, error=error)
        )
    if settings.telegram_bot_token is None:
        return Check(
            "telegram",
            True,
            _("@{name}, offline: the terminal shell (no TELEGRAM_BOT_TOKEN)").format(
                name=me.username
            ),
        )
    return Check("telegram", True, _("@{name} at {url}").format(name=me.username, url=url))


async def deepl_check(translator: MachineTranslator | None, settings: Settings) -> Check:
    """DeepL answers with the account's usage; no key is fine (translation is off)."""
    if translator is None:
        return Check("deepl", True, _("not configured"))
    import deepl  # loaded with the translator (bot/translation/client.py)

    try:
        usage = await translator.usage()
    except deepl.DeepLException as exc:
        error = _without_secret(str(exc), settings.deepl_auth_key)
        return Check("deepl", False, _("no usage from DeepL: {error}").format(error=error))
    if usage.limit is None:
        return Check(
            "deepl",
            True,
            _("{count} characters used this period").format(count=format_number(usage.characters)),
        )
    detail = _("{count} of {limit} characters used this period").format(
        count=format_number(usage.characters), limit=format_number(usage.limit)
    )
    if usage.limit_reached:
        return Check("deepl", False, _("{usage}: the limit is reached").format(usage=detail))
    return Check("deepl", True, detail)


def _without_secret(text: str, secret: str | None) -> str:
    """An error message may quote a URL with the token in it; it must not reach a log."""
    return text.replace(secret, "…") if secret else text


async def run_checks(
    settings: Settings, get_me: GetMe, translator: MachineTranslator | None
) -> list[Check]:
    """Every check, in the order of LABELS, for settings that loaded (settings that do not
    load are one failed check: `settings_failed`)."""
    return [
        settings_check(settings),
        await database_check(settings.database_path),
        files_check(settings),
        await telegram_check(get_me, settings),
        await deepl_check(translator, settings),
    ]
