"""A terminal chat with the bot: the same Application and handlers, no Telegram needed.

Like Hubot's shell adapter: what you type is sent as your message, what the bot sends is
printed. Buttons are numbered; type the number to press one. Documents and photos are saved
to a folder next to the database and their path printed.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
from pathlib import Path
from typing import Any, TextIO

from telegram import Update

from bot.app import OFFLINE_TOKEN, build_application, start_services, stop_services
from bot.core.config import Settings
from bot.core.i18n import _, use_locale
from bot.core.offline import BotCall, OfflineRequest, OfflineTelegram, Person
from bot.staff.roles import Role

# Negative ids: no Telegram user can have one, so shell identities never open a real account.
SHELL_PEOPLE = {
    Role.ADMIN: Person(-1, "Shell-Admin", "shell_admin"),
    Role.COORDINATOR: Person(-2, "Shell-Koordination", "shell_coordinator"),
    Role.CASE_MANAGER: Person(-3, "Shell-Case-Management", "shell_case_manager"),
}

_TAG = re.compile(r"<[^>]+>")


def plain_text(text: str) -> str:
    """Bot HTML as terminal text."""
    return html.unescape(_TAG.sub("", text))


class ShellChat:
    """Prints what the bot sends and turns typed lines into updates."""

    def __init__(
        self, telegram: OfflineTelegram, person: Person, files_dir: Path, output: TextIO
    ) -> None:
        self.telegram = telegram
        self.person = person
        self.files_dir = files_dir
        self.output = output
        # The buttons of the latest message that has any, with that message's id.
        self.buttons: list[dict[str, Any]] = []
        self.buttons_message_id: int | None = None
        telegram.listeners.append(self.show)
        telegram.refusal_listeners.append(self.show_refusal)

    def show(self, call: BotCall, result: Any) -> None:
        """Print one thing the bot did: in this chat, or as a notification to a colleague."""
        chat_id = int(call.params.get("chat_id", self.person.id))
        # A notification to a colleague is shown, so the shell user sees it happen.
        marker = "" if chat_id == self.person.id else f"[→ {chat_id}] "
        if call.method == "sendMessage":
            self.say(f"{marker}{plain_text(call.params['text'])}")
        elif call.method == "editMessageText":
            self.say(f"{marker}✎ {plain_text(call.params['text'])}")
        elif call.method in {"sendDocument", "sendPhoto"}:
            self._save_upload(call)
        elif call.method == "answerCallbackQuery":
            if call.params.get("text"):
                self.say(f"({plain_text(call.params['text'])})")
            return
        elif call.method != "editMessageReplyMarkup":
            return
        if chat_id == self.person.id and isinstance(result, dict) and "message_id" in result:
            self._remember_buttons(result["message_id"], call)

    def show_refusal(self, call: BotCall, description: str) -> None:
        """Print a call Telegram would have refused: in a chat it would simply be missing."""
        # Telegram's description is English wherever the bot runs; the method names the call.
        self.say(f"⚠ {call.method}: {description}")

    def _remember_buttons(self, message_id: int, call: BotCall) -> None:
        """Number the buttons of the latest message that has any; the numbers press them."""
        buttons = call.buttons
        if buttons:
            self.buttons, self.buttons_message_id = buttons, message_id
            for number, button in enumerate(buttons, start=1):
                target = f" → {button['url']}" if "url" in button else ""
                self.say(f"  [{number}] {button['text']}{target}")
        elif message_id == self.buttons_message_id:
            self.buttons, self.buttons_message_id = [], None

    def _save_upload(self, call: BotCall) -> None:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        for upload in call.uploads.values():
            path = self.files_dir / Path(upload.filename).name
            path.write_bytes(upload.content)
            self.say(_("[file saved: {path}]").format(path=path))
        if call.params.get("caption"):
            self.say(plain_text(call.params["caption"]))

    def update_for(self, line: str) -> dict[str, Any] | None:
        """The update for a typed line: a button number presses that button."""
        if line.isdigit() and self.buttons:
            number = int(line)
            if 1 <= number <= len(self.buttons):
                button = self.buttons[number - 1]
                if "callback_data" in button:
                    return self.telegram.callback_update(
                        self.person, self.buttons_message_id, button["callback_data"]
                    )
        return self.telegram.message_update(self.person, line)

    def say(self, text: str) -> None:
        print(text, file=self.output, flush=True)


async def run_shell(
    settings: Settings, role: Role, input_stream: TextIO | None = None, output: TextIO | None = None
) -> int:
    """Chat with the bot in the terminal as a staff member with `role` until EOF or /quit."""
    input_stream = input_stream or sys.stdin
    output = output or sys.stdout
    telegram = OfflineTelegram(OFFLINE_TOKEN)
    # One person at their own terminal, perhaps piping in a script: nobody to hold back.
    settings = settings.model_copy(update={"flood_burst": 0})
    application = build_application(settings, request=OfflineRequest(telegram))
    person = SHELL_PEOPLE[role]
    chat = ShellChat(telegram, person, settings.database_path.parent / "shell-files", output)
    async with application:
        await start_services(application)
        try:
            storage = application.bot_data.storage
            await storage.staff.add(
                person.id,
                role,
                role.default_team,
                settings.default_locale,
                application.bot_data.clock.now(),
                username=person.username,
                display_name=person.first_name,
            )
            await application.start()
            try:
                with use_locale(settings.default_locale):
                    chat.say(
                        _(
                            "KIM-Bot shell: you are {name} ({role}), database {path}. Type "
                            "/help to begin, a number to press a button, /quit to leave."
                        ).format(
                            name=person.first_name, role=role.label, path=settings.database_path
                        )
                    )
                await _chat_loop(application, chat, input_stream)
            finally:
                await application.stop()
        finally:
            await stop_services(application)
    return 0


async def _chat_loop(application: Any, chat: ShellChat, input_stream: TextIO) -> None:
    while True:
        line = await asyncio.to_thread(_read_line, input_stream, chat.output)
        if line is None or line.strip() in {"/quit", "/exit"}:
            return
        if not line.strip():
            continue
        update = Update.de_json(chat.update_for(line.strip()), application.bot)
        await application.process_update(update)


def _read_line(input_stream: TextIO, output: TextIO) -> str | None:
    if input_stream.isatty():
        output.write("> ")
        output.flush()
    line = input_stream.readline()
    return line if line else None
