"""The operator's commands next to the real bot process: `kim-bot backup` copies the live
database, `kim-bot restore` refuses while the bot runs, `kim-bot check` asks the fake Bot
API with the bot's own settings."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.storage.migrations import MIGRATIONS
from tests.e2e.conftest import ADMIN, STARTUP_TIMEOUT, TOKEN, TelegramUser
from tests.e2e.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.e2e


async def kim_bot(fake_api: FakeBotApi, tmp_path: Path, *arguments: str) -> tuple[int, str, str]:
    """Run `kim-bot ARGUMENTS` with the settings of the running bot process."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "NO_PROXY": "127.0.0.1",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake_api.url,
        "DATABASE_PATH": str(tmp_path / "e2e.sqlite3"),
        "ADMIN_TELEGRAM_IDS": str(ADMIN.id),
    }
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("kim-bot")),
        *arguments,
        env=env,
        cwd=tmp_path,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=STARTUP_TIMEOUT)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_backup_while_running_and_restore_only_once_stopped(
    bot_process: asyncio.subprocess.Process,
    telegram: TelegramUser,
    fake_api: FakeBotApi,
    tmp_path: Path,
) -> None:
    await telegram.send(ADMIN, "/invite coordinator")
    await telegram.wait_for("sendMessage", ADMIN.id)

    code, out, _ = await kim_bot(fake_api, tmp_path, "backup")
    assert code == 0
    backup = Path(out.strip())
    assert backup.parent == tmp_path / "backups" and backup.is_file()

    code, out, err = await kim_bot(fake_api, tmp_path, "restore", str(backup))
    database = tmp_path / "e2e.sqlite3"
    assert (code, out) == (2, "")
    assert err == (
        f"kim-bot: kim-bot is running on {database} (it holds {database}.lock): stop it "
        "first, e.g. with systemctl stop kim-bot\n"
    )

    bot_process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(bot_process.wait(), timeout=STARTUP_TIMEOUT) == 0
    code, out, err = await kim_bot(fake_api, tmp_path, "restore", str(backup))
    assert (code, err) == (0, "")
    assert out.startswith(f"restored {backup} into {database} (schema {len(MIGRATIONS)})\n")


async def test_check_asks_the_bot_api_the_bot_uses(
    bot_process: asyncio.subprocess.Process, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    code, out, _ = await kim_bot(fake_api, tmp_path, "check")

    assert out.splitlines()[3] == f"ok    telegram  @kim_warendorf_bot at {fake_api.url}"
    assert code == 0, out
