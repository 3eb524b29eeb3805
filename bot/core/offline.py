"""An offline Telegram: answers the bot's Bot API calls and builds the updates people send.

The terminal shell and the tests run the real Application against it; the end-to-end fake
Bot API server in the tests serves it over HTTP. It records every call the bot makes, and
refuses what real Telegram refuses (bot/core/telegram_rules.py) with the same HTTP 400, so a
test fails where production would.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.core.telegram_rules import (
    FormattedText,
    TelegramRefusal,
    check_caption,
    check_reply_markup,
    check_text,
)


class FaultKind(StrEnum):
    """What a bad network or an unwell Telegram does to a call."""

    FLOOD = "flood"  # 429 Too Many Requests, retry after a second
    SERVER_ERROR = "server_error"  # 500
    STALL = "stall"  # no answer before the bot's timeout
    RESET = "reset"  # the connection is dropped
    BLOCKED = "blocked"  # 403: the person blocked the bot


# The answer Telegram gives for each fault that has one: (HTTP status, body).
FAULT_ANSWERS: dict[FaultKind, tuple[int, dict[str, Any]]] = {
    FaultKind.FLOOD: (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    ),
    FaultKind.SERVER_ERROR: (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    ),
    FaultKind.BLOCKED: (
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    ),
}


@dataclass
class Fault:
    """The next `times` calls of `method` (any, if None) to `chat_id` (any, if None) fail;
    `times=None` fails them for good. A failed call changes nothing and is not recorded."""

    kind: FaultKind
    method: str | None = None
    chat_id: int | None = None
    times: int | None = 1

    def hits(self, method: str, params: dict[str, Any]) -> bool:
        if self.method is not None and method != self.method:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


@dataclass(frozen=True)
class Person:
    """Somebody who writes to the bot."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "de"

    def to_dict(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    mimetype: str


@dataclass(frozen=True)
class BotCall:
    """One Bot API call made by the bot."""

    method: str
    params: dict[str, Any]
    uploads: dict[str, Upload] = field(default_factory=dict)

    @property
    def text(self) -> str | None:
        return self.params.get("text")

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        """The reply markup, decoded where it came JSON-encoded."""
        markup = self.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        return markup or None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard buttons, row after row."""
        markup = self.reply_markup or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    @property
    def parse_mode(self) -> str | None:
        return self.params.get("parse_mode")


# Telegram lets a bot delete its own message for 48 hours after sending it.
DELETION_WINDOW_SECONDS = 48 * 3600


class UnsupportedMethod(Exception):
    """The bot called a Bot API method the offline Telegram does not know."""


class OfflineTelegram:
    """Just enough of Telegram for the bot: one bot, private and group chats, messages."""

    def __init__(
        self,
        token: str,
        bot_username: str = "kim_warendorf_bot",
        *,
        checks: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # The benchmarks turn Telegram's checks of HTML, lengths and buttons off: that is
        # work Telegram's servers do, not the bot. An edit that changes nothing is refused
        # either way.
        self.checks = checks
        # Unix time of Telegram's servers: message dates, and the 48 hours in which a bot
        # may delete its message. Tests pass the bot's clock, so both move together.
        self._clock = clock
        self.bot_user = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "KIM-Bot",
            "username": bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[BotCall] = []
        self.listeners: list[Callable[[BotCall, Any], None]] = []
        # Calls Telegram would refuse, with its description; they are not in `calls`.
        self.refused: list[tuple[BotCall, str]] = []
        self.refusal_listeners: list[Callable[[BotCall, str], None]] = []
        # Faults still to come (`fail`), and the calls they hit, in order.
        self.faults: list[Fault] = []
        self.failed: list[tuple[str, FaultKind]] = []
        # The webhook set with setWebhook ("" for none) and its secret token.
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        # What each bot text message shows, to tell an edit that changes nothing.
        self._shown: dict[tuple[int, int], object] = {}

    # What people do ---------------------------------------------------------------------

    def message_update(
        self,
        person: Person,
        text: str | None,
        chat: dict[str, Any] | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """The update Telegram delivers when `person` sends `text` (commands marked up), or
        a message without text with other `content` (a document, a photo, a location …)."""
        chat = chat or self.private_chat(person)
        self._chats[chat["id"]] = chat
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(self._clock()),
            "chat": chat,
            "from": person.to_dict(),
            **content,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split(maxsplit=1)[0]) if text.strip() else 1
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        self._messages[(chat["id"], message["message_id"])] = message
        return self.update(message=message)

    def update(self, **kind: Any) -> dict[str, Any]:
        """An update of any kind (`poll=…`, `inline_query=…`) with the next update id."""
        return {"update_id": next(self._update_ids), **kind}

    def edit_update(
        self, person: Person, message_id: int, text: str, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The update Telegram delivers when `person` edits their message to read `text`."""
        message = self._messages[(person.id if chat_id is None else chat_id, message_id)]
        message.update(text=text, edit_date=int(self._clock()))
        return self.update(edited_message=dict(message))

    def callback_update(
        self, person: Person, message_id: int, data: str, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The update Telegram delivers when `person` presses a button of a bot message."""
        chat_id = person.id if chat_id is None else chat_id
        message = self._messages[(chat_id, message_id)]
        return self.update(
            callback_query={
                "id": str(next(self._callback_ids)),
                "from": person.to_dict(),
                "chat_instance": str(chat_id),
                "message": message,
                "data": data,
            }
        )

    def has_message(self, chat_id: int, message_id: int) -> bool:
        """Whether the message is still in the chat (not deleted)."""
        return (chat_id, message_id) in self._messages

    def find_button(self, chat_id: int, text: str) -> tuple[int, dict[str, Any]] | None:
        """The latest bot message in the chat with a button labelled `text`, and that button."""
        for (message_chat, message_id), message in reversed(self._messages.items()):
            if message_chat != chat_id or message["from"]["id"] != self.bot_user["id"]:
                continue
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == text:
                        return message_id, button
        return None

    @staticmethod
    def private_chat(person: Person) -> dict[str, Any]:
        chat = {"id": person.id, "type": "private", "first_name": person.first_name}
        if person.username:
            chat["username"] = person.username
        return chat

    @staticmethod
    def group_chat(chat_id: int, title: str = "KIM Team", kind: str = "group") -> dict[str, Any]:
        return {"id": chat_id, "type": kind, "title": title}

    # What the bot does ------------------------------------------------------------------

    def fail(self, fault: Fault) -> None:
        """Let calls fail as `fault` says (see Fault); faults are used up in order."""
        self.faults.append(fault)

    def fault_for(self, method: str, params: dict[str, Any]) -> FaultKind | None:
        """The fault this call runs into, if any; the transport acts it out."""
        for fault in self.faults:
            if fault.hits(method, params):
                if fault.times is not None:
                    fault.times -= 1
                    if not fault.times:
                        self.faults.remove(fault)
                self.failed.append((method, fault.kind))
                return fault.kind
        return None

    def call(
        self, method: str, params: dict[str, Any], uploads: dict[str, Upload] | None = None
    ) -> Any:
        """Answer one Bot API call as Telegram would, and record it.

        Raises TelegramRefusal, and records the call in `refused`, where Telegram would
        answer HTTP 400; a refused call changes nothing.
        """
        record = BotCall(method, params, uploads or {})
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            raise UnsupportedMethod(method)
        try:
            if self.checks:
                check_reply_markup(record.reply_markup)
            result = handler(record)
        except TelegramRefusal as refusal:
            self.refused.append((record, refusal.description))
            for refusal_listener in self.refusal_listeners:
                refusal_listener(record, refusal.description)
            raise
        self.calls.append(record)
        for listener in self.listeners:
            listener(record, result)
        return result

    def _getMe(self, call: BotCall) -> dict[str, Any]:
        return self.bot_user

    def _shown_text(self, call: BotCall) -> object:
        """What the text shows, as Telegram parses it (with checks) or as sent (without)."""
        text = call.params.get("text", "")
        return check_text(text, call.parse_mode) if self.checks else text

    def _check_caption(self, call: BotCall) -> None:
        if self.checks:
            check_caption(call.params.get("caption"), call.parse_mode)

    def _sendMessage(self, call: BotCall) -> dict[str, Any]:
        shown = self._shown_text(call)
        message = self._new_bot_message(call, **_as_message_text(shown))
        self._shown[(int(call.params["chat_id"]), message["message_id"])] = shown
        return message

    def _sendDocument(self, call: BotCall) -> dict[str, Any]:
        self._check_caption(call)
        upload = call.uploads.get("document")
        document = {
            "file_id": f"document-{len(self.calls)}",
            "file_unique_id": f"document-{len(self.calls)}",
            "file_name": upload.filename if upload else "document",
            "file_size": len(upload.content) if upload else 0,
        }
        return self._new_bot_message(call, document=document, caption=call.params.get("caption"))

    def _sendPhoto(self, call: BotCall) -> dict[str, Any]:
        self._check_caption(call)
        upload = call.uploads.get("photo")
        photo = [
            {
                "file_id": f"photo-{len(self.calls)}",
                "file_unique_id": f"photo-{len(self.calls)}",
                "width": 1280,
                "height": 720,
                "file_size": len(upload.content) if upload else 0,
            }
        ]
        return self._new_bot_message(call, photo=photo, caption=call.params.get("caption"))

    def _editMessageText(self, call: BotCall) -> dict[str, Any]:
        key = self._bot_message_key(call)
        message = self._messages[key]
        shown = self._shown_text(call)
        if shown == self._shown.get(key):
            self._refuse_unless_markup_changes(message, call)
        message.pop("entities", None)
        message.update(_as_message_text(shown))
        message["edit_date"] = int(self._clock())
        self._set_markup(message, call)
        self._shown[key] = shown
        return message

    def _editMessageReplyMarkup(self, call: BotCall) -> dict[str, Any]:
        message = self._messages[self._bot_message_key(call)]
        self._refuse_unless_markup_changes(message, call)
        self._set_markup(message, call)
        return message

    def _deleteMessage(self, call: BotCall) -> bool:
        """Like Telegram for a bot: its own message, sent less than 48 hours ago."""
        key = self._bot_message_key(call)
        message = self._messages.get(key)
        if message is None or message["from"]["id"] != self.bot_user["id"]:
            raise TelegramRefusal("Bad Request: message to delete not found")
        if self._clock() - message["date"] >= DELETION_WINDOW_SECONDS:
            raise TelegramRefusal("Bad Request: message can't be deleted")
        del self._messages[key]
        self._shown.pop(key, None)
        return True

    def _answerCallbackQuery(self, call: BotCall) -> bool:
        return True

    def _setMyCommands(self, call: BotCall) -> bool:
        return True

    def _deleteMyCommands(self, call: BotCall) -> bool:
        return True

    def _setWebhook(self, call: BotCall) -> bool:
        # An empty url removes the webhook, as deleteWebhook does.
        self.webhook_url = str(call.params.get("url", ""))
        self.webhook_secret = call.params.get("secret_token") if self.webhook_url else None
        return True

    def _deleteWebhook(self, call: BotCall) -> bool:
        self.webhook_url, self.webhook_secret = "", None
        return True

    def _getWebhookInfo(self, call: BotCall) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}

    def _leaveChat(self, call: BotCall) -> bool:
        return True

    def _sendChatAction(self, call: BotCall) -> bool:
        return True

    def _getUpdates(self, call: BotCall) -> list[Any]:
        return []

    def _new_bot_message(self, call: BotCall, **content: Any) -> dict[str, Any]:
        chat_id = int(call.params["chat_id"])
        chat = self._chats.get(chat_id) or {"id": chat_id, "type": "private", "first_name": "?"}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(self._clock()),
            "chat": chat,
            "from": self.bot_user,
        }
        message.update({key: value for key, value in content.items() if value is not None})
        self._set_markup(message, call)
        self._messages[(chat_id, message["message_id"])] = message
        return message

    @staticmethod
    def _bot_message_key(call: BotCall) -> tuple[int, int]:
        if "chat_id" not in call.params:
            # An inline message (inline_message_id): the bot never sends one.
            raise TelegramRefusal("Bad Request: MESSAGE_ID_INVALID")
        return int(call.params["chat_id"]), int(call.params["message_id"])

    @staticmethod
    def _refuse_unless_markup_changes(message: dict[str, Any], call: BotCall) -> None:
        if _inline_keyboard(message.get("reply_markup")) == _inline_keyboard(call.reply_markup):
            raise TelegramRefusal(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )

    @staticmethod
    def _set_markup(message: dict[str, Any], call: BotCall) -> None:
        markup = call.reply_markup
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)


def _as_message_text(shown: object) -> dict[str, Any]:
    """A text as Telegram shows it in a message: the visible text and its entities (with
    checks), or the text as sent (without)."""
    if not isinstance(shown, FormattedText):
        return {"text": shown}
    content: dict[str, Any] = {"text": shown.text}
    entities = []
    for entity in shown.entities:
        described = {"type": entity.kind, "offset": entity.offset, "length": entity.length}
        if entity.argument:
            described[_ENTITY_ARGUMENTS.get(entity.kind, "language")] = entity.argument
        entities.append(described)
    if entities:
        content["entities"] = entities
    return content


_ENTITY_ARGUMENTS = {"text_link": "url", "custom_emoji": "custom_emoji_id"}


def _inline_keyboard(markup: dict[str, Any] | None) -> list[list[dict[str, Any]]]:
    """The keyboard's rows; no markup and an empty keyboard are the same: no buttons."""
    return (markup or {}).get("inline_keyboard") or []


def refusal_body(description: str) -> dict[str, Any]:
    """Telegram's answer to a call it refuses, sent with HTTP status 400."""
    return {"ok": False, "error_code": 400, "description": description}


class OfflineRequest(BaseRequest):
    """A python-telegram-bot transport that talks to an OfflineTelegram instead of the network."""

    def __init__(self, telegram: OfflineTelegram) -> None:
        self.telegram = telegram

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        fault = self.telegram.fault_for(endpoint, params)
        if fault is FaultKind.STALL:
            raise TimedOut
        if fault is FaultKind.RESET:
            raise NetworkError("httpx.RemoteProtocolError: Server disconnected")
        if fault is not None:
            status, body = FAULT_ANSWERS[fault]
            return status, json.dumps(body).encode()
        uploads = {}
        if request_data is not None and request_data.contains_files:
            for name, (filename, content, mimetype) in request_data.multipart_data.items():
                data = content if isinstance(content, bytes) else content.read()
                uploads[name] = Upload(filename, data, mimetype)
        try:
            result = self.telegram.call(endpoint, params, uploads)
        except UnsupportedMethod:
            body = refusal_body(f"Bad Request: {endpoint} is not supported offline")
            return 400, json.dumps(body).encode()
        except TelegramRefusal as refusal:
            return 400, json.dumps(refusal_body(refusal.description)).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()
