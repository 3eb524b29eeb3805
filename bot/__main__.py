"""Command line: `kim-bot` runs the bot (or the shell without a token), `kim-bot shell`,
`kim-bot demo-data`, `kim-bot rotate-key`, `kim-bot check`, `kim-bot backup`,
`kim-bot restore FILE`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.core.config import ConfigError, load_settings
from bot.core.i18n import MissingTranslationsError
from bot.core.logs import configure_logging
from bot.operations.lock import BotIsRunning, run_lock
from bot.staff.roles import Role
from bot.storage.database import UnsafeFileError, refuse_unsafe_backups, refuse_unsafe_files
from bot.storage.encryption import DataKeyError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kim-bot",
        description="Telegram assistant for the KIM case management of the Kreis Warendorf.",
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "run", help="serve Telegram (long polling, or TELEGRAM_WEBHOOK_URL), else the shell"
    )
    demo = commands.add_parser("demo-data", help="fill an empty database with demo data")
    demo.add_argument("--families", type=int, default=380, help="number of families (380)")
    demo.add_argument("--weeks", type=int, default=52, help="weeks of contacts up to today (52)")
    demo.add_argument("--seed", type=int, default=42, help="random seed, for the same data")
    commands.add_parser(
        "rotate-key",
        help="encrypt every free text under the first key of DATA_KEY (old keys after it)",
    )
    shell = commands.add_parser("shell", help="chat with the bot in this terminal")
    shell.add_argument(
        "--as",
        dest="role",
        choices=[role.value for role in Role],
        default=Role.ADMIN.value,
        help="the role you chat as (default: admin)",
    )
    commands.add_parser(
        "check", help="check settings, database, file modes, Telegram and DeepL (exit 0: all ok)"
    )
    commands.add_parser("backup", help="back up the database into BACKUP_DIR now (online)")
    restore = commands.add_parser(
        "restore", help="replace the database by a backup (the bot must be stopped)"
    )
    restore.add_argument("file", type=Path, help="the backup file, e.g. from BACKUP_DIR")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "check":
            # A bad setting is the first failed check there, not a reason to stop.
            from bot.operations.cli import check

            return asyncio.run(check())
        settings = load_settings()
        return _run(arguments, settings)
    except (
        ConfigError,
        MissingTranslationsError,
        UnsafeFileError,
        DataKeyError,
        BotIsRunning,
    ) as exc:
        print(f"kim-bot: {exc}", file=sys.stderr)
        return 2


def _run(arguments: argparse.Namespace, settings) -> int:
    # Imported here so that a configuration error is reported before the heavy imports.
    from bot.app import build_application

    # Before anything else starts (or reaches Telegram): the database must be private.
    refuse_unsafe_files(settings.database_path)
    refuse_unsafe_backups(settings.backup_dir)
    if arguments.command in {"backup", "restore"}:
        from bot.operations import cli

        if arguments.command == "backup":
            return cli.backup(settings)
        return cli.restore(settings, arguments.file)
    if arguments.command == "rotate-key":
        return asyncio.run(rotate_key(settings))
    if arguments.command == "shell":
        return _shell(settings, Role(arguments.role))
    if arguments.command == "demo-data":
        from bot.demo.cli import fill_with_demo_data

        return asyncio.run(
            fill_with_demo_data(settings, arguments.families, arguments.weeks, arguments.seed)
        )
    if settings.telegram_bot_token is None:
        print(
            "kim-bot: no TELEGRAM_BOT_TOKEN set, starting the terminal shell "
            "(see README: Running against Telegram).",
            file=sys.stderr,
        )
        return _shell(settings, Role.ADMIN)

    configure_logging(settings.log_format)
    from bot.delivery.runner import serve

    # Held while the bot runs: `kim-bot restore` refuses to replace the database under it.
    with run_lock(settings.database_path):
        asyncio.run(serve(build_application(settings)))
    return 0


def _shell(settings, role: Role) -> int:
    # Imported here: the shell and its offline Telegram are no part of the running bot (their
    # code would stay in its memory for nothing).
    from bot.shell import run_shell

    with run_lock(settings.database_path):
        return asyncio.run(run_shell(settings, role))


async def rotate_key(settings) -> int:
    """`kim-bot rotate-key`: seal every free text under the first key; print what changed."""
    from bot.core.clock import Clock
    from bot.storage import Storage

    storage = await Storage.open(settings.database_path, settings.data_key)
    try:
        rotations = await storage.encryption.rotate_key(Clock(settings.tz).now())
    finally:
        await storage.close()
    for rotation in rotations:
        print(
            f"{rotation.name}: {rotation.sealed} encrypted, {rotation.resealed} re-encrypted, "
            f"{rotation.unchanged} already under the first key"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
