"""A fuzzer: thousands of random updates of every kind through the real bot, on a fixed seed.

It plays a cast of staff in every role, revoked staff and strangers, who send commands with
random and with realistic arguments, answer dialogs, press the buttons the bot sent them
(the current ones, stale ones and forged ones), edit their messages, send documents, photos,
stickers and locations, write in groups, and cause every other kind of update Telegram
delivers. Time moves on as people type, sometimes by hours and days, and the bot's
scheduled jobs run in between. Now and then someone sends a burst, for the flood limit.

`Fuzzer.run` reports every handler failure (with the update that caused it), every call
Telegram would have refused, and every error logged; `tests/helpers/invariants.py` then
checks the database. The same fuzzer runs in CI (tests/test_fuzz.py) and, longer, in
`python -m bench.fuzz`.
"""

from __future__ import annotations

import logging
import random
import re
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update

from bot.app import CAPABILITIES, OFFLINE_TOKEN
from bot.core.offline import BotCall, Person
from bot.handlers.audit import AuditWorkbook
from bot.handlers.figures import ChartWeek
from bot.staff.roles import Role
from tests.helpers.dates import BERLIN
from tests.helpers.harness import BotHarness
from tests.helpers.people import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR, STRANGER
from tests.helpers.texts import INVITATION_LINK

COORDINATOR_EN = Person(1005, "Jane", "jane_coord", "en")
REVOKED = Person(1006, "Rolf", "rolf_weg", "de")
STRANGERS = (
    STRANGER,
    Person(667, "Niemand", None, None),
    Person(668, "غريب", "ghareeb", "ar"),
    Person(669, "Newcomer", "newcomer", "pt-br"),
)
# Who sends how much: mostly case managers and coordinators, as in real use.
CAST = (
    (CASE_MANAGER, 25),
    (COLLEAGUE, 20),
    (COORDINATOR, 15),
    (COORDINATOR_EN, 8),
    (ADMIN, 12),
    (REVOKED, 3),
    *((stranger, 4) for stranger in STRANGERS),
)
SPECS = tuple(spec for capability in CAPABILITIES for spec in capability.COMMANDS)
COMMANDS = tuple(spec.name for spec in SPECS)
ROLES = {
    ADMIN: Role.ADMIN,
    COORDINATOR: Role.COORDINATOR,
    COORDINATOR_EN: Role.COORDINATOR,
    CASE_MANAGER: Role.CASE_MANAGER,
    COLLEAGUE: Role.CASE_MANAGER,
    REVOKED: Role.CASE_MANAGER,
}
OUTSIDERS = (REVOKED, *STRANGERS)
# How much more often than others staff send the everyday commands.
EVERYDAY = {"log": 8, "newfamily": 3, "interpreter": 4, "approve": 3, "family": 2, "undo": 2,
            "flag": 2, "requests": 2, "invoice": 2, "invite": 2}  # fmt: skip
FAMILY_CODE = re.compile(r"F-\d{4}")
REQUEST_NUMBER = re.compile(r"#(\d{1,4})\b")

# The words the parsers look for, and what breaks them (tests/test_robustness.py uses them).
WORDS = (
    "F-0001", "F-1", "F-0002", "F-0003", "F-9999", "45m", "1:30", "1,5h", "13h", "12:00", "08:00",
    "heute", "gestern", "24.11.", "31.02.", "hausbesuch", "telefon", "aufenthalt,arbeit", "ref",
    "jobcenter", "next", "morgen", ":", "#struktur", "Ahlen", "UA", "Syrien", "4", "uk,ru",
    "asylblg", "einwilligung", "@anna_kim", "@oksana_cm", "1003", "-1", "wartezeit:", "<b>", "&",
    "\uffff", "٤٥", "²", "9" * 30, "0001-01-01", "9999-12-31", "12.9999", "KW53", "2026-W47",
    "1", "2", "3", "overrun", "xlsx", "all", "urgent", "uk", "ar", "admin", "coordinator",
    "case_manager", "0", "240,50", "-5", "1e9", "NaN", "∞", "\u200b", "🙂", "ß", "\n",
)  # fmt: skip
# Words for each part of a form: (right ones, wrong ones). Forms are mostly right, so that
# families, contacts and requests pile up and every later step has something to act on.
TOWNS = (("Ahlen", "Beckum", "Telgte", "Warendorf", "Oelde", "ahlen"), ("Berlin", "Ahl"))
CONTACT_TYPES = (("hausbesuch", "beratung", "telefon", "video", "begleitung", "fallkonferenz",
                  "mail", "hb", "tel"), ("besuchen",))  # fmt: skip
TOPICS = (("aufenthalt", "arbeit", "sprache", "schule", "kita", "gesundheit", "wohnen",
           "leistungen", "familie", "einbuergerung", "sonstiges", "aufenthalt,arbeit"),
          ("xyz", ",,"))  # fmt: skip
DURATIONS = (("45m", "30", "1h", "1,5h", "1:30", "2std", "8h", "90 min"),
             ("12:00", "09:30", "9h", "0m", "481"))  # fmt: skip
CONTACT_DAYS = (("", "", "heute", "gestern", "vorgestern"),
                ("01.01.2020", "31.12.2099", "29.02.", "morgen"))  # fmt: skip
INVOICE_AMOUNTS = (("240,50", "85", "30", "9.999.999,99"), ("0", "-1", "x"))
FOLLOW_UPS = (("morgen", "übermorgen", "freitag", "montag"), ("gestern", "01.01.2030", "32.13."))
LANGUAGES = (("uk", "ru", "ar", "fa", "prs", "tr", "Ukrainisch"), ("ti", "so", "xx"))
ORIGINS = (("UA", "SY", "AF", "Syrien", "Ukraine", "IQ", "ER"), ("XX", "Atlantis"))
HOUSEHOLDS = (("1", "2", "4", "7"), ("0", "31", "-1"))
STARTS = (("10:00", "14:30", "8.15"), ("25:00", "10:61"))
MODES_AND_LENGTHS = (("vor-ort 90m", "telefon 1:30", "video 2h", "schriftlich 3seiten"),
                     ("vor-ort 9h", "telefon 12:00", "schriftlich", "video 999seiten"))  # fmt: skip
PURPOSES = (("abh", "ebh", "jobcenter", "arzt", "schule", "polizei", "gericht"), ("kino",))
FLAG_CATEGORIES = (("wartezeit", "fehlendesangebot", "schnittstelle", "sonstiges"), ("quatsch",))
NOTES = (("Termin vorbereitet", "#struktur 4 Monate Wartezeit", "Unterlagen besprochen",
          "Ок, все добре", "<i>kursiv</i> & mehr"),
         ("Frau Müller, geb. 01.02.1980", "Tel. 0171 1234567", "x" * 2100))  # fmt: skip
STICKER = {"file_id": "s", "file_unique_id": "s", "width": 512, "height": 512,
           "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
BOT_USER = {"id": int(OFFLINE_TOKEN.split(":")[0]), "is_bot": True, "first_name": "KIM-Bot"}
# Buttons that draw charts or write a workbook take a tenth of a second or more: pressed
# now and then, not as often as the rest.
HEAVY = (ChartWeek, AuditWorkbook)


@dataclass(frozen=True)
class Failure:
    """A handler that raised: which update, and what."""

    kind: str
    update: dict[str, Any]
    error: str


@dataclass
class FuzzReport:
    updates: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    # Calls Telegram would have refused: method, Telegram's description, and the update.
    refused: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    # Lines logged at ERROR or above (the error handler logs every failure there too).
    logged_errors: list[str] = field(default_factory=list)
    jobs_run: int = 0
    replies: int = 0

    @property
    def broken(self) -> bool:
        return bool(self.failures or self.refused or self.logged_errors)


class _ErrorLog(logging.Handler):
    def __init__(self, report: FuzzReport) -> None:
        super().__init__(logging.ERROR)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        self.report.logged_errors.append(f"{record.name}: {record.getMessage()}")


class Fuzzer:
    """Plays random people against `bot` (a BotHarness, started), reproducibly by `seed`."""

    def __init__(self, bot: BotHarness, seed: int) -> None:
        self.bot = bot
        self.telegram = bot.telegram
        self.random = random.Random(seed)
        self.report = FuzzReport()
        # Every callback data the bot ever sent, where: for stale and forged presses.
        self.sent_buttons: list[tuple[int, int, str]] = []
        # The buttons each bot message shows now, per chat.
        self.shown: dict[int, dict[int, list[str]]] = {}
        # Messages people sent in private chats (who, chat, message id): for edits.
        self.sent_messages: list[tuple[Person, int, int]] = []
        self.invitation_codes: list[str] = []
        # Family codes the bot has shown each person, and the highest request number seen.
        self.family_codes: dict[int, set[str]] = {}
        self.requests = 0
        self._current: dict[str, Any] = {}
        self.groups = (
            self.telegram.group_chat(-4001, "KIM Team"),
            self.telegram.group_chat(-1004002, "KIM Kreis", kind="supergroup"),
        )
        self.channel = {"id": -1004003, "type": "channel", "title": "KIM News"}
        self.telegram.listeners.append(self._remember)
        self.telegram.refusal_listeners.append(self._refused)
        people, weights = zip(*CAST, strict=True)
        self._people: tuple[Person, ...] = people
        self._weights: tuple[int, ...] = weights
        self._kinds: tuple[tuple[Callable[[Person], dict[str, Any] | None], int], ...] = (
            (self._command, 40),
            (self._typed, 16),
            (self._press, 22),
            (self._forged_press, 4),
            (self._edit, 3),
            (self._media, 4),
            (self._in_group, 3),
            (self._other_update, 8),
        )

    async def prepare(self) -> None:
        """The cast: staff in every role, a revoked colleague, a few families."""
        bot = self.bot
        for person, role in (
            (COORDINATOR, Role.COORDINATOR),
            (CASE_MANAGER, Role.CASE_MANAGER),
            (COLLEAGUE, Role.CASE_MANAGER),
            (COORDINATOR_EN, Role.COORDINATOR),
            (REVOKED, Role.CASE_MANAGER),
        ):
            await bot.register(person, role, locale=person.language_code or "de")
        await bot.storage.staff.revoke(REVOKED.id, ADMIN.id, bot.time())
        for person, text in (
            (CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru einwilligung"),
            (CASE_MANAGER, "/newfamily Beckum Syrien 5 ar"),
            (COLLEAGUE, "/newfamily Telgte AF 3 prs"),
            (COORDINATOR, "/newfamily Warendorf IQ 2 ar asylblg"),
        ):
            await self._deliver("setup", self.telegram.message_update(person, text))

    async def run(self, updates: int) -> FuzzReport:
        """Send `updates` random updates; the report says what went wrong."""
        error_log = _ErrorLog(self.report)
        logging.getLogger().addHandler(error_log)
        try:
            burst: tuple[Person, int] | None = None
            while self.report.updates < updates:
                if burst is not None:
                    person, left = burst
                    burst = (person, left - 1) if left > 1 else None
                    self.bot.time.advance(seconds=0.05)
                    await self._deliver("burst", self.telegram.message_update(person, "/due"))
                    continue
                self._let_time_pass()
                if self.random.random() < 0.015:
                    await self._run_a_job()
                person = self.random.choices(self._people, self._weights)[0]
                if self.random.random() < 0.004:
                    burst = (person, self.random.randint(15, 30))
                    continue
                make, _weight = self.random.choices(
                    self._kinds, [weight for _make, weight in self._kinds]
                )[0]
                update = make(person)
                if update is not None:
                    await self._deliver(make.__name__.strip("_"), update)
        finally:
            logging.getLogger().removeHandler(error_log)
        return self.report

    # Delivering ---------------------------------------------------------------------------

    async def _deliver(self, kind: str, data: dict[str, Any]) -> None:
        bot = self.bot
        self._current = data
        before = len(bot.errors)
        await bot.application.process_update(Update.de_json(data, bot.application.bot))
        if kind != "setup":
            self.report.updates += 1
            self.report.kinds[kind] += 1
        for error in bot.errors[before:]:
            self.report.failures.append(Failure(kind, data, repr(error)))
        del bot.errors[before:]
        message = data.get("message") or data.get("edited_message")
        if message and message.get("from") and message["chat"]["id"] > 0:
            person = next((p for p in self._people if p.id == message["from"]["id"]), None)
            if person is not None:
                self.sent_messages.append((person, message["chat"]["id"], message["message_id"]))

    def _remember(self, call: BotCall, result: Any) -> None:
        self.report.replies += call.method in {"sendMessage", "sendDocument", "sendPhoto"}
        if call.method == "deleteMessage":
            self.shown.get(int(call.params["chat_id"]), {}).pop(int(call.params["message_id"]), 0)
        if isinstance(result, dict) and "message_id" in result:
            chat_id = int(call.params["chat_id"])
            datas = [
                button["callback_data"] for button in call.buttons if "callback_data" in button
            ]
            self.shown.setdefault(chat_id, {})[result["message_id"]] = datas
            self.sent_buttons += [(chat_id, result["message_id"], data) for data in datas]
        if call.text:
            self.invitation_codes += INVITATION_LINK.findall(call.text)
            chat_id = int(call.params.get("chat_id", 0))
            self.family_codes.setdefault(chat_id, set()).update(FAMILY_CODE.findall(call.text))
            self.requests = max([self.requests, *map(int, REQUEST_NUMBER.findall(call.text))])

    def _refused(self, call: BotCall, description: str) -> None:
        self.report.refused.append((call.method, description, self._current))

    def _let_time_pass(self) -> None:
        roll = self.random.random()
        if roll < 0.75:
            self.bot.time.advance(seconds=self.random.uniform(0.3, 4))
        elif roll < 0.95:
            self.bot.time.advance(seconds=self.random.uniform(5, 120))
        elif roll < 0.99:
            self.bot.time.advance(minutes=self.random.uniform(10, 120))
        else:
            self.bot.time.advance(hours=self.random.uniform(1, 30))

    async def _run_a_job(self) -> None:
        # The harness never starts the JobQueue: every job waits to be run by hand.
        jobs = list(self.bot.application.job_queue.jobs())
        if not jobs:
            return
        job = self.random.choice(jobs)
        before = len(self.bot.errors)
        await job.run(self.bot.application)
        self.report.jobs_run += 1
        for error in self.bot.errors[before:]:
            self.report.failures.append(Failure(f"job {job.name}", {}, repr(error)))
        del self.bot.errors[before:]

    # What people send ---------------------------------------------------------------------

    def _command(self, person: Person) -> dict[str, Any]:
        if person in OUTSIDERS and self.invitation_codes and self.random.random() < 0.3:
            # Someone outside tries the latest invitation (a revoked colleague may, too).
            name, arguments = "start", self.random.choice(self.invitation_codes[-3:])
        else:
            name = self._command_name(person)
            realistic = self.random.random() < 0.75
            arguments = self._realistic(name, person) if realistic else self._words()
        suffix = self.random.choice(["", "", "", "", "", "@kim_warendorf_bot", "@other_bot"])
        text = f"/{name}{suffix} {arguments}".rstrip()
        return self.telegram.message_update(person, text)

    def _command_name(self, person: Person) -> str:
        """Mostly a command of the person's role, the everyday ones most often."""
        roll = self.random.random()
        if roll < 0.03:
            return self._word().lstrip("/") or "x"
        role = ROLES.get(person)
        names = [spec.name for spec in SPECS if role in spec.roles] if roll < 0.8 else []
        names = names or list(COMMANDS)
        weights = [EVERYDAY.get(name, 1) for name in names]
        return self.random.choices(names, weights)[0]

    def _typed(self, person: Person) -> dict[str, Any]:
        """An answer to a dialog's question, or something else typed."""
        one = self._one
        choices = (
            lambda: self._family_code(person), lambda: one(DURATIONS), lambda: one(TOWNS),
            lambda: one(ORIGINS), lambda: one(LANGUAGES), lambda: one(HOUSEHOLDS),
            lambda: one(NOTES), self._words, lambda: f"{one(FOLLOW_UPS)} {one(STARTS)}",
            self._random_text,
        )  # fmt: skip
        text = self.random.choice(choices)() or "?"
        return self.telegram.message_update(person, text)

    def _press(self, person: Person) -> dict[str, Any] | None:
        """A button the bot shows the person now, or (less often) one it showed before."""
        shown = [
            (message_id, data)
            for message_id, datas in self.shown.get(person.id, {}).items()
            for data in datas
        ]
        if shown and self.random.random() < 0.8:
            message_id, data = self.random.choice(shown)
        else:
            mine = [entry for entry in self.sent_buttons if entry[0] == person.id]
            if not mine:
                return None
            chat_id, message_id, data = self.random.choice(mine)
            if not self.telegram.has_message(chat_id, message_id):
                return None
        if self._too_heavy(data):
            return None
        return self.telegram.callback_update(person, message_id, data)

    def _too_heavy(self, data: str) -> bool:
        return any(heavy.matches(data) for heavy in HEAVY) and self.random.random() > 0.01

    def _forged_press(self, person: Person) -> dict[str, Any] | None:
        """Callback data nobody sent: changed, cut, or made up; on a message of the bot."""
        mine = [
            entry
            for entry in self.sent_buttons
            if entry[0] == person.id and self.telegram.has_message(entry[0], entry[1])
        ]
        if not mine:
            return None
        _chat_id, message_id, data = self.random.choice(mine)
        other = self.random.choice(self.sent_buttons)[2]
        forged = self.random.choice(
            [
                data[: self.random.randint(0, len(data))],
                data + self.random.choice([":1", "0", ":-1", ":999999999999", "x"]),
                data.rsplit(":", 1)[0] + ":" + self._word().replace(":", ""),
                "".join(self.random.choice(string.printable) for _ in range(20)),
                other,
                "chart:0001-01-01",
                "chart:9999-12-31",
                "undo:0",
                "",
            ]
        )
        if self._too_heavy(forged):
            return None
        return self.telegram.callback_update(person, message_id, forged[:64] or "x")

    def _edit(self, person: Person) -> dict[str, Any] | None:
        mine = [
            (chat_id, message_id)
            for sender, chat_id, message_id in self.sent_messages[-200:]
            if sender == person and self.telegram.has_message(chat_id, message_id)
        ]
        if not mine:
            return None
        chat_id, message_id = self.random.choice(mine)
        text = self.random.choice(
            [self._words(), "45m", "F-0001", f"/log {self._realistic('log', person)}"]
        )
        return self.telegram.edit_update(person, message_id, text or "x", chat_id)

    def _media(self, person: Person) -> dict[str, Any]:
        """A message without text: a document, a photo, a sticker, a location …"""
        unique = str(self.random.randint(1, 10**9))
        content = self.random.choice(
            [
                {"document": {"file_id": unique, "file_unique_id": unique, "file_name": "a.pdf"}},
                {
                    "photo": [
                        {"file_id": unique, "file_unique_id": unique, "width": 9, "height": 9}
                    ],
                    "caption": self.random.choice(["", "/log F-0001 45m hb arbeit", "F-0001"]),
                },
                {"sticker": STICKER},
                {"location": {"latitude": 51.76, "longitude": 7.89}},
                {"contact": {"phone_number": "+49 171 1234567", "first_name": "Frau X"}},
                {"voice": {"file_id": unique, "file_unique_id": unique, "duration": 3}},
                {"dice": {"emoji": "🎲", "value": 4}},
                {"new_chat_members": [BOT_USER]},
            ]
        )
        content = {key: value for key, value in content.items() if value != ""}
        return self.telegram.message_update(person, None, **content)

    def _in_group(self, person: Person) -> dict[str, Any]:
        group = self.random.choice(self.groups)
        text = self.random.choice(["/help", "/log F-0001 45m hb arbeit", "Hallo", "/start"])
        return self.telegram.message_update(person, text, group)

    def _other_update(self, person: Person) -> dict[str, Any]:
        """Every other kind of update Telegram delivers."""
        user = person.to_dict()
        chat = self.random.choice([self.telegram.private_chat(person), *self.groups])
        telegram = self.telegram
        some_id = str(self.random.randint(1, 10**6))
        member = self.random.choice(
            [
                {"user": BOT_USER, "status": "member"},
                {"user": BOT_USER, "status": "left"},
                {"user": BOT_USER, "status": "kicked", "until_date": 0},
                {"user": user, "status": "member"},
            ]
        )
        kinds = {
            "channel_post": lambda: {
                "message_id": self.random.randint(1, 10**6), "date": 0, "chat": self.channel,
                "sender_chat": self.channel, "text": self.random.choice(["/help", "Neuigkeit"]),
            },
            "edited_channel_post": lambda: {
                "message_id": 1, "date": 0, "edit_date": 1, "chat": self.channel, "text": "x",
            },
            "inline_query": lambda: {"id": some_id, "from": user, "query": "F-0001", "offset": ""},
            "chosen_inline_result": lambda: {"result_id": some_id, "from": user, "query": "x"},
            "callback_query": lambda: {
                "id": some_id, "from": user, "chat_instance": "1",
                "inline_message_id": some_id,
                "data": self.random.choice([*(entry[2] for entry in self.sent_buttons[-20:]),
                                            "undo:1"]),
            },
            "shipping_query": lambda: {
                "id": some_id, "from": user, "invoice_payload": "x",
                "shipping_address": {"country_code": "DE", "state": "NRW", "city": "Ahlen",
                                     "street_line1": "A", "street_line2": "", "post_code": "1"},
            },
            "pre_checkout_query": lambda: {
                "id": some_id, "from": user, "currency": "EUR", "total_amount": 100,
                "invoice_payload": "x",
            },
            "poll": lambda: {
                "id": some_id, "question": "?", "options": [{"text": "a", "voter_count": 1,
                                                         "persistent_id": "a"}],
                "total_voter_count": 1, "is_closed": False, "is_anonymous": True,
                "type": "regular", "allows_multiple_answers": False, "allows_revoting": False,
                "members_only": False,
            },
            "poll_answer": lambda: {"poll_id": some_id, "user": user, "option_ids": [0],
                                    "option_persistent_ids": ["a"]},
            "my_chat_member": lambda: {
                "chat": chat, "from": user, "date": 0,
                "old_chat_member": {"user": BOT_USER, "status": "left"},
                "new_chat_member": member if member["user"] is BOT_USER else {
                    "user": BOT_USER, "status": "member"},
            },
            "chat_member": lambda: {
                "chat": chat, "from": user, "date": 0,
                "old_chat_member": {"user": user, "status": "left"},
                "new_chat_member": {"user": user, "status": "member"},
            },
            "chat_join_request": lambda: {
                "chat": self.random.choice(self.groups), "from": user, "user_chat_id": person.id,
                "date": 0,
            },
            "message_reaction": lambda: {
                "chat": chat, "message_id": self.random.randint(1, 50), "user": user, "date": 0,
                "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            },
            "message_reaction_count": lambda: {
                "chat": chat, "message_id": 1, "date": 0,
                "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 2}],
            },
            "callback_query_without_data": lambda: {
                "id": some_id, "from": user, "chat_instance": "1", "game_short_name": "x",
            },
        }  # fmt: skip
        kind = self.random.choice(list(kinds))
        body = kinds[kind]()
        if kind == "callback_query_without_data":
            kind = "callback_query"
        return telegram.update(**{kind: body})

    # Arguments ----------------------------------------------------------------------------

    def _today(self) -> str:
        """Today in Berlin as staff type a date: what an invoice is dated."""
        return self.bot.time().astimezone(BERLIN).strftime("%d.%m.%Y")

    def _realistic(self, name: str, person: Person) -> str:
        """Arguments as staff type them for `name`: mostly right, sometimes a little wrong."""
        one, pick = self._one, self.random.choice
        family = self._family_code(person)
        request = str(self.random.randint(0, self.requests + 1))
        note = f": {one(NOTES)}" if self.random.random() < 0.4 else ""
        forms: dict[str, Callable[[], str]] = {
            "log": lambda: " ".join(
                [family, one(CONTACT_DAYS), one(DURATIONS), one(CONTACT_TYPES), one(TOPICS),
                 pick(["", "", "", "ref jobcenter", "-> abh", "ref"]),
                 pick(["", "", "", f"next {one(FOLLOW_UPS)}", "wv"])]
            ) + note if self.random.random() < 0.8 else self._correction(),
            "newfamily": lambda: f"{one(TOWNS)} {one(ORIGINS)} {one(HOUSEHOLDS)} "
            f"{one(LANGUAGES)},{one(LANGUAGES)} {pick(['', 'asylblg', 'sgb2', 'einwilligung'])}",
            "family": lambda: family,
            "families": lambda: pick(["", "", "@anna_kim", "Ahlen", "@nobody", "Berlin"]),
            "consent": lambda: family,
            "closefamily": lambda: f"{family} {pick(['', 'Umzug', one(NOTES)])}",
            "transfer": lambda: f"{family} {pick(['@anna_kim', '@oksana_cm', '@amira_admin'])}",
            "editfamily": lambda: f"{family} "
            + pick(
                [
                    "",
                    "town Beckum",
                    "Ort Telgte",
                    "size 5",
                    "Größe 12",
                    "languages uk,ru",
                    "Sprachen Arabisch",
                    "benefit SGB II",
                    "rechtskreis asylblg from 20.11.2026",
                    "benefit sgb12 from 01.01.2020",
                    "consent yes",
                    "Einwilligung nein",
                    "reopen",
                    "town",
                ]
            ),
            "flag": lambda: f"{family} {one(FLAG_CATEGORIES)}: {one(NOTES)}",
            "closeflag": lambda: f"{self.random.randint(0, 8)} {one(NOTES)}",
            "conference": lambda: " ".join(
                [pick(["", "", one(CONTACT_DAYS)]), pick(["", "", "übergreifend", "fallbezogen"]),
                 pick(["ABH,CM", "EBH", "abh,koordination,jobcenter", "partner", "", "xyz"]),
                 pick(["", family, f"{family} F-0002", "F-9999"]), one(TOPICS),
                 pick([one(DURATIONS), "60", ""]),
                 pick(["", "", f"next {one(FOLLOW_UPS)}"])]
            ) + note,
            "conferences": lambda: "",
            "interpreter": lambda: " ".join(
                [pick(["", family]), one(LANGUAGES), one(FOLLOW_UPS), one(STARTS),
                 one(MODES_AND_LENGTHS), one(TOWNS), one(PURPOSES),
                 pick(["", "", "", "anfahrt 45m", "travel 2h", "anfahrt"]),
                 pick(["", "", "", "profi: Dialekt", "profi: Frau Kovalenko", "profi:"])]
            ),
            "requests": lambda: pick(["", "all", "urgent", "uk", "ar", "xx"]),
            "cancelrequest": lambda: request,
            "approve": lambda: f"{request} {pick(['', '', 'overrun'])}",
            "reject": lambda: f"{request} {pick(['', 'kein Budget', 'Termin entfällt'])}",
            "invoice": lambda: f"{request} " + pick([
                f"{one(INVOICE_AMOUNTS)} {pick(['Pool', 'Dolmetschbüro Ahlen', 'F-0001'])} "
                f"{pick(['RE-2026-117', '17', 'x'])} {pick([self._today(), '01.12.2026', 'x'])}",
                f"fix {one(INVOICE_AMOUNTS)} {one(NOTES)}", "", "240,50"]),
            "fund": lambda: pick(["", "1 amount 32000", "1 end 31.12.2027", "1 end 9999-12-31",
                                  "new 1000 01.01.2027 31.12.2027 Feste", "1 amount -5",
                                  "next 1", "next 2 5000 31.03.2027",
                                  "new events 100 01.06.2026 30.06.2026 Sommer"]),
            "rates": lambda: pick(["", "professional 90", "pool 0", "surcharge 1001", "x 1",
                                   "days 3", "notice 24"]),
            "budget": lambda: pick(["", "", "1", "maßnahmen", "events", "#4", "feste", "99"]),
            "spend": lambda: self._spend(one(NOTES)),
            "proof": lambda: pick(["1", "maßnahmen", "", "2 01.01.2026 31.12.2026",
                                   "2 31.12.2026 01.01.2026", "x", "1 01.12.2026"]),
            "translate": lambda: f"{one(LANGUAGES)} {one(NOTES)}",
            "week": lambda: pick(["", "KW47", "47", "2026-W47", "24.11.2026", "0001-01-01",
                                  "9999-12-31", "2026-W54", "kw 0"]),
            "month": lambda: pick(["", "11.2026", "2026-11", "November", "März 2027", "12.9999",
                                   "13.2026", "Mai 99999"]),
            "year": lambda: pick(["", "2026", "1999", "9999", "0"]),
            "fte": lambda: " ".join(
                [pick(["@anna_kim", "@oksana_cm", "x"]), pick(["", "0,5", "1", "0", "1,5"]),
                 pick(["", "", "from 01.01.2026", "ab 01.07.2027", "from 31.02.2026", "x"])]
            ),
            "cover": lambda: pick([
                "", "end 1", "end 99", "ende x",
                f"{pick(['@oksana_cm', '@anna_kim', '@konrad_koord'])} "
                f"{pick(['for', 'für', 'за', ''])} {pick(['@anna_kim', '@oksana_cm', '@x'])} "
                f"{pick(['', 'from morgen', 'ab 01.12.'])} "
                f"{pick(['until 18.12.', 'bis freitag', 'до 02.12.', '', 'until 01.01.2000'])}"]),
            "export": lambda: pick(["", "01.11.2026 30.11.2026", "01.01.0001", "x"]),
            "committee": lambda: pick(["", "", "30.11.2026", "2026", "Q4 2026", "q1 2027",
                                       "01.10.2026-30.11.2026", "31.02.2026", "9999", "x",
                                       "30.11.2026 - 01.10.2026", "2025-Q3"]),
            "start": lambda: pick([*self.invitation_codes[-3:], "AAAAAAAAAAAAAAAA", "", "x"]),
            "invite": lambda: pick(["", "case_manager", "case_manager", "coordinator", "admin",
                                    "x", "case_manager immigration_office"]),
            # Revoking a colleague who works is rare; the bot's own cast stays mostly intact.
            "revoke": lambda: pick(["@rolf_weg", "666", "@fremd", "@newcomer", "@amira_admin",
                                    "", "@oksana_cm" if self.random.random() < 0.2 else "x"]),
            "audit": lambda: pick(["", "@anna_kim", family, "01.11.2026 30.11.2026 xlsx"]),
            "dataexport": lambda: family,
            "forget": lambda: family,
            "language": lambda: pick(["", "en", "uk", "de", "fr"]),
        }  # fmt: skip
        form = forms.get(name)
        return " ".join(form().split()) if form else self._words()

    def _spend(self, note: str) -> str:
        """A /spend as coordinators type it, or a correction, or nothing."""
        pick = self.random.choice
        if self.random.random() < 0.2:
            return f"correct {self.random.randint(0, 6)} {pick(['0', '100', '20.000', 'x'])}"
        return " ".join(
            [pick(["maßnahmen", "events", "4", "1", "x"]),
             pick(["120", "1.200,50", "0", "-5", "9.999,99", "x"]),
             pick(["Firma", "„Stadthalle Ahlen“", '""']), f"RE-{self.random.randint(1, 99)}",
             pick(["", "", "15.11.2026", "01.01.2030"]), pick(["Miete #raum", note])]
        )  # fmt: skip

    def _correction(self) -> str:
        """/log korrektur of a contact that exists mostly, with one to three fields."""
        one, pick = self._one, self.random.choice
        fields = [
            f"{pick(['datum ', ''])}{one(CONTACT_DAYS) or 'gestern'}",
            f"{pick(['dauer ', ''])}{one(DURATIONS)}",
            f"{pick(['art ', ''])}{one(CONTACT_TYPES)}",
            f"themen {one(TOPICS)}",
            f"notiz {one(NOTES)}",
        ]
        chosen = self.random.sample(fields, self.random.randint(1, 3))
        number = self.random.randint(1, 40) if self.random.random() < 0.9 else "x"
        return " ".join([pick(["korrektur", "fix", "korrigieren"]), str(number), *chosen])

    def _one(self, words: tuple[tuple[str, ...], tuple[str, ...]]) -> str:
        """A right word mostly, a wrong one now and then."""
        right, wrong = words
        return self.random.choice(wrong if self.random.random() < 0.12 else right)

    def _family_code(self, person: Person) -> str:
        """Mostly a family the bot has shown the person, as they would type it."""
        known = sorted(self.family_codes.get(person.id, ()))
        if known and self.random.random() < 0.8:
            number = int(self.random.choice(known).removeprefix("F-"))
        else:
            number = self.random.choice([1, 2, 3, 4, 0, 9999, self.random.randint(1, 40)])
        return self.random.choice([f"F-{number:04d}", f"F-{number:04d}", f"f{number}"])

    def _word(self) -> str:
        return self.random.choice(WORDS)

    def _words(self) -> str:
        return " ".join(self._word() for _ in range(self.random.randint(0, 6)))

    def _random_text(self) -> str:
        alphabet = string.printable + "äöüß„“«»ёїєґ٤٥😀\u200b\u202e"
        return "".join(self.random.choice(alphabet) for _ in range(self.random.randint(1, 80)))


def summary(report: FuzzReport, seconds: float) -> str:
    """What the run did and found, for people."""
    lines = [
        f"{report.updates} updates in {seconds:.1f} s ({report.updates / seconds:.0f}/s), "
        f"{report.replies} replies, {report.jobs_run} jobs run",
        "kinds: " + ", ".join(f"{kind} {count}" for kind, count in report.kinds.most_common()),
        f"handler failures: {len(report.failures)}, refused by Telegram: {len(report.refused)}, "
        f"errors logged: {len(report.logged_errors)}",
    ]
    seen: set[str] = set()
    for failure in report.failures:
        if failure.error not in seen:
            seen.add(failure.error)
            lines.append(f"  {failure.kind}: {failure.error}\n    update: {failure.update}")
    seen = set()
    for method, description, update in report.refused:
        if (method, description) not in seen:
            seen.add((method, description))
            lines.append(f"  refused {method}: {description}\n    update: {update}")
    lines += [f"  logged: {line}" for line in sorted(set(report.logged_errors))]
    return "\n".join(lines)
