"""Drive the real Application in-process against the offline Telegram."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.app import OFFLINE_TOKEN, build_application, start_services, stop_services
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.offline import BotCall, OfflineRequest, OfflineTelegram, Person
from bot.delivery.outbox import ReplyQueued
from bot.staff.roles import Role, Team
from bot.storage import Storage
from bot.storage.database import PRIVATE_FILE, create_private_folder

# A database the migrations made once in this test process: each harness starts from a
# copy (a few milliseconds) instead of running every migration again (tens of them). The
# migrations themselves are tested from an empty file in tests/test_storage.py and
# tests/test_guards.py.
_template: list[Path] = []


async def _migrated_template() -> Path:
    if not _template:
        folder = Path(tempfile.mkdtemp(prefix="kim-bot-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "migrated.sqlite3"
        storage = await Storage.open(path)
        await storage.close()  # the last connection folds the write-ahead log into the file
        _template.append(path)
    return _template[0]


async def start_from_migrated_copy(path: Path) -> None:
    """Put a copy of the migrated empty database at `path`, unless a file is there."""
    if str(path) == ":memory:" or path.exists():
        return
    template = await _migrated_template()
    create_private_folder(path.parent)
    shutil.copyfile(template, path)
    path.chmod(PRIVATE_FILE)


class FakeTime:
    """A controllable UTC clock: tests move time forward explicitly."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class BotHarness:
    """Send messages and press buttons as people; read what the bot did and stored."""

    def __init__(self, settings: Settings, time: FakeTime) -> None:
        self.telegram = OfflineTelegram(OFFLINE_TOKEN, clock=lambda: time().timestamp())
        self.time = time
        self.application: Application = build_application(
            settings, request=OfflineRequest(self.telegram), clock=Clock(settings.tz, time)
        )
        self.errors: list[BaseException] = []

        async def remember_error(update: object, context: Any) -> None:
            # A reply kept in the outbox is on its way, not a failure (tests/test_delivery.py).
            if not isinstance(context.error, ReplyQueued):
                self.errors.append(context.error)

        self.application.add_error_handler(remember_error)

    async def __aenter__(self) -> BotHarness:
        await start_from_migrated_copy(self.application.bot_data.settings.database_path)
        await self.application.initialize()
        await start_services(self.application)
        # The menus go out in the background; here they are part of the start.
        await self.application.bot_data.menus
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.application.shutdown()
        await stop_services(self.application)

    @property
    def storage(self) -> Storage:
        return self.application.bot_data.storage

    async def register(
        self, person: Person, role: Role, team: Team | None = None, locale: str = "de"
    ) -> None:
        """Put a person into the staff table directly, as an invitation would."""
        await self.storage.staff.add(
            person.id,
            role,
            team or role.default_team,
            locale,
            self.time(),
            username=person.username,
            display_name=person.first_name,
        )

    async def take_in(self, on: date) -> None:
        """Date the intake of every family registered so far `on`: contacts before today
        can be logged for them (never before their intake)."""
        rows = await self.storage.db.fetch_all(
            "UPDATE families SET opened_on = ? RETURNING id", (on.isoformat(),)
        )
        for row in rows:
            self.storage.families.forget_cached(row["id"])

    async def send(
        self, person: Person, text: str, chat: dict[str, Any] | None = None
    ) -> list[BotCall]:
        """`person` sends `text`; returns the Bot API calls the bot made in response."""
        return await self.process(self.telegram.message_update(person, text, chat))

    async def press(self, person: Person, button_text: str) -> list[BotCall]:
        """`person` presses the button labelled `button_text` on the bot's latest message."""
        found = self.telegram.find_button(person.id, button_text)
        if found is None:
            raise AssertionError(f"no button “{button_text}” in the bot's messages to {person}")
        message_id, button = found
        return await self.process(
            self.telegram.callback_update(person, message_id, button["callback_data"])
        )

    async def run_job(self, name: str) -> list[BotCall]:
        """Run the scheduled job `name` once, as the JobQueue would at the harness's time."""
        [job] = self.application.job_queue.get_jobs_by_name(name)
        before = len(self.telegram.calls)
        await job.run(self.application)
        return self.telegram.calls[before:]

    def next_run(self, name: str, after: datetime) -> datetime:
        """When the JobQueue would next run the job `name`, seen from `after`."""
        [job] = self.application.job_queue.get_jobs_by_name(name)
        return job.job.trigger.get_next_fire_time(None, after)

    async def process(self, update_data: dict[str, Any]) -> list[BotCall]:
        """Deliver a raw update (any kind); returns the Bot API calls it caused."""
        before = len(self.telegram.calls)
        await self.application.process_update(Update.de_json(update_data, self.application.bot))
        if self.errors:
            raise AssertionError(f"a handler failed: {self.errors[0]!r}") from self.errors[0]
        return self.telegram.calls[before:]


def texts(calls: list[BotCall]) -> list[str]:
    """What the bot wrote, in order: sent and edited messages, and pop-up answers."""
    return [call.params["text"] for call in calls if call.params.get("text")]


def only_text(calls: list[BotCall]) -> str:
    written = texts(calls)
    assert len(written) == 1, f"expected exactly one text, got {written}"
    return written[0]
