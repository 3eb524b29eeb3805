"""A stream of /log messages while the real bot process is killed again and again.

Shared by the crash test (tests/e2e/test_crash.py, 20 kills) and the longer run in
bench/crash.py. Everything random comes from one seeded `random.Random`: what is sent, how
many messages go out while the bot is down and while it runs, and when it is killed. What
the bot has done meanwhile still depends on the machine's speed, so two runs with one seed
kill at the same delays, not necessarily at the same lines of code.
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from bot.core.offline import Person
from tests.e2e.bot_process import BotProcess
from tests.e2e.conftest import ADMIN, TelegramUser, messages_to
from tests.e2e.fake_bot_api import FakeBotApi
from tests.helpers.texts import contact_saved, de

CASE_MANAGER = Person(4004, "Anna", "anna_kim", "de")
TYPES = ("hausbesuch", "beratung", "telefon", "video", "begleitung", "mail")
TOPICS = ("aufenthalt", "arbeit", "sprache", "schule", "wohnung", "gesundheit", "familie")
DURATIONS = ("15m", "20m", "30m", "45m", "60m", "90m", "1,5h", "2h")
# Each note names its message: the confirmation shows it, the contact row stores it.
NOTE = "Termin m{number} vorbereitet"
NUMBER = re.compile(r"\bm(\d+)\b")
SETTLE_TIMEOUT = 60
# A kill during start-up: this share of the rounds, up to this many seconds after the start.
STARTUP_KILLS = 0.2
STARTUP_KILL_WITHIN = 1.5
# Otherwise: after the bot receives, up to this many seconds after the round's messages.
KILL_WITHIN = (0.01, 0.3)


@dataclass
class CrashReport:
    seed: int
    kills: int
    kills_in_startup: int = 0
    sent: dict[int, int] = field(default_factory=dict)  # note number → message id
    stored: Counter[int] = field(default_factory=Counter)  # message id → contact rows
    saved_replies: Counter[int] = field(default_factory=Counter)  # number → "✅ saved"
    already_replies: Counter[int] = field(default_factory=Counter)  # number → "already saved"
    integrity: str = ""
    inbox_pending: int = -1
    outbox_pending: int = -1
    exit_code: int | None = None
    startup_seconds: list[float] = field(default_factory=list)
    # Lines of the bot's log that report an error (an ERROR line or a traceback).
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def lost(self) -> list[int]:
        return sorted(n for n, message_id in self.sent.items() if not self.stored[message_id])

    @property
    def stored_twice(self) -> list[int]:
        return sorted(n for n, message_id in self.sent.items() if self.stored[message_id] > 1)

    @property
    def unexpected_rows(self) -> int:
        return sum(self.stored.values()) - sum(self.stored[m] for m in self.sent.values())

    @property
    def unconfirmed(self) -> list[int]:
        return sorted(n for n in self.sent if not self.saved_replies[n] + self.already_replies[n])

    @property
    def confirmed_twice(self) -> list[int]:
        """Contacts confirmed more than once: the bot was killed after Telegram took the
        reply and before the update was marked handled, so it handled it again."""
        return sorted(n for n in self.sent if self.saved_replies[n] + self.already_replies[n] > 1)

    @property
    def saved_twice(self) -> list[int]:
        """Contacts the bot said it saved ("✅") more than once: it would have stored them
        twice. A second confirmation must be the "already saved" of a repeated handling."""
        return sorted(n for n in self.sent if self.saved_replies[n] > 1)

    def lines(self) -> list[str]:
        startups = self.startup_seconds or [0.0]
        return [
            f"seed {self.seed}: {self.kills} SIGKILLs ({self.kills_in_startup} during start-up), "
            f"{len(self.sent)} /log messages, {self.seconds:.1f} s",
            f"stored: {sum(self.stored.values())} rows; lost {len(self.lost)}, stored twice "
            f"{len(self.stored_twice)}, rows of no message {self.unexpected_rows}",
            f"confirmed: {sum(1 for n in self.sent if n not in self.unconfirmed)} of "
            f"{len(self.sent)}; by 'already saved' only "
            f"{sum(1 for n in self.sent if self.already_replies[n] and not self.saved_replies[n])}"
            f", twice {len(self.confirmed_twice)} {self.confirmed_twice}",
            f"integrity_check {self.integrity}; inbox pending {self.inbox_pending}, outbox "
            f"{self.outbox_pending}; exit code after SIGTERM {self.exit_code}",
            f"start-up to receiving: median {statistics.median(startups):.2f} s, max "
            f"{max(startups):.2f} s over {len(self.startup_seconds)} starts",
            f"errors logged by the bot: {len(self.errors)}"
            + (f", the first: {self.errors[0]}" if self.errors else ""),
        ]


def log_message(rng: random.Random, number: int) -> str:
    topics = ",".join(rng.sample(TOPICS, rng.randint(1, 3)))
    note = NOTE.format(number=number)
    return f"/log F-0001 {rng.choice(DURATIONS)} {rng.choice(TYPES)} {topics}: {note}"


async def register(bot: BotProcess, telegram: TelegramUser) -> None:
    """Start the bot on a new database; the case manager joins and registers F-0001."""
    await bot.start()
    await telegram.join(ADMIN, "case_manager", CASE_MANAGER)
    await telegram.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru einwilligung")
    registered = await telegram.wait_for("sendMessage", CASE_MANAGER.id)
    assert "F-0001" in registered["text"], registered["text"]


async def crash_run(
    bot: BotProcess, fake_api: FakeBotApi, telegram: TelegramUser, kills: int, seed: int
) -> CrashReport:
    """Register, then `kills` rounds of: messages, SIGKILL after a random delay, messages
    while the bot is down, start again; then let it settle, SIGTERM, and read the database.
    The report says what was stored and confirmed how often."""
    rng = random.Random(seed)
    report = CrashReport(seed, kills)
    started = time.perf_counter()
    await register(bot, telegram)
    starts_before = len(bot.startup_seconds)

    async def send(count: int) -> None:
        for _ in range(count):
            number = len(report.sent) + 1
            update = await telegram.send(CASE_MANAGER, log_message(rng, number))
            report.sent[number] = update["message"]["message_id"]

    in_startup = False
    for round_ in range(kills):
        if in_startup:
            # Killed while starting (opening the database, publishing menus, resuming the
            # inbox), or just after, whatever the delay hits.
            await asyncio.sleep(rng.uniform(0.0, STARTUP_KILL_WITHIN))
        else:
            await send(rng.randint(1, 4))
            await asyncio.sleep(rng.uniform(*KILL_WITHIN))
        if not fake_api.polling.is_set():
            report.kills_in_startup += 1
        await bot.kill()
        await send(rng.randint(0, 2))
        in_startup = round_ < kills - 1 and rng.random() < STARTUP_KILLS
        await bot.start(wait=not in_startup)
    await send(2)
    await settle(fake_api, report)
    report.exit_code = await bot.stop()
    report.startup_seconds = bot.startup_seconds[starts_before:]
    read_replies(fake_api, report)
    read_database(bot, report)
    report.errors = [
        line for line in bot.log().splitlines() if " ERROR " in line or "Traceback" in line
    ]
    report.seconds = time.perf_counter() - started
    return report


def _confirmation_kinds() -> tuple[str, str]:
    return contact_saved(), de("This contact was already saved:")


async def settle(fake_api: FakeBotApi, report: CrashReport) -> None:
    """Wait until Telegram has nothing left for the bot and every message is confirmed."""

    def settled() -> bool:
        read_replies(fake_api, report)
        return fake_api.pending == 0 and not report.unconfirmed

    if not await fake_api.wait_until(settled, SETTLE_TIMEOUT):
        raise AssertionError(
            f"not settled after {SETTLE_TIMEOUT} s: {fake_api.pending} updates unconfirmed, "
            f"no reply to {report.unconfirmed}"
        )


def read_replies(fake_api: FakeBotApi, report: CrashReport) -> None:
    saved, already = _confirmation_kinds()
    report.saved_replies.clear()
    report.already_replies.clear()
    for text in messages_to(fake_api, CASE_MANAGER.id):
        found = NUMBER.search(text)
        if found is None:
            continue
        if text.startswith(saved):
            report.saved_replies[int(found.group(1))] += 1
        elif text.startswith(already):
            report.already_replies[int(found.group(1))] += 1


def read_database(bot: BotProcess, report: CrashReport) -> None:
    with sqlite3.connect(bot.database) as database:
        report.integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
        report.stored = Counter(
            message_id
            for (message_id,) in database.execute(
                "SELECT source_message_id FROM contacts WHERE source_chat_id = ?",
                (CASE_MANAGER.id,),
            )
        )
        report.inbox_pending = database.execute(
            "SELECT count(*) FROM inbox WHERE handled_at IS NULL"
        ).fetchone()[0]
        report.outbox_pending = database.execute("SELECT count(*) FROM outbox").fetchone()[0]
