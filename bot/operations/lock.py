"""The lock a running bot holds on its database, so that a restore cannot pull the file
from under it (and a second bot does not start on the same file)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.storage.database import PRIVATE_FILE, create_private_folder


class BotIsRunning(Exception):
    """Another process holds the lock: a bot runs on this database (or a restore does)."""


def lock_path(database_path: Path) -> Path:
    return database_path.with_name(database_path.name + ".lock")


@contextmanager
def run_lock(database_path: Path) -> Iterator[None]:
    """Hold the lock of `database_path` until the block ends; raise BotIsRunning at once if
    another process holds it.

    flock belongs to the open file, not to the process: the kernel drops it when the
    process ends, however it ends (SIGKILL included), so a crash leaves no stale lock.
    """
    if str(database_path) == ":memory:":
        yield
        return
    path = lock_path(database_path)
    create_private_folder(path.parent)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BotIsRunning(
                f"kim-bot is running on {database_path} (it holds {path}): stop it first, "
                "e.g. with systemctl stop kim-bot"
            ) from None
        yield
    finally:
        os.close(descriptor)
