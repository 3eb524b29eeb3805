"""The fake Bot API server itself, driven by a real python-telegram-bot `Bot` over HTTP.

If the fake answered differently from Telegram, the end-to-end tests would test the fake;
here PTB's own HTTP client (HTTPXRequest) talks to it as it would to api.telegram.org.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.core.offline import BotCall, FaultKind, Person, Upload
from tests.e2e.conftest import TOKEN
from tests.e2e.fake_bot_api import SECRET_HEADER, FakeBotApi, person_json
from tests.helpers.servers import serve_on_loopback

pytestmark = pytest.mark.e2e

PERSON = Person(2002, "Oksana", "oksana_cm", "uk")
# Generous guards against a hanging server, never waited out by a passing test.
GUARD = 10


def png_pixel() -> bytes:
    """A valid 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
async def bot(fake_api: FakeBotApi) -> AsyncIterator[Bot]:
    """A real PTB Bot with its default HTTPXRequest, pointed at the fake server."""
    bot = Bot(TOKEN, base_url=f"{fake_api.url}/bot")
    async with bot:
        yield bot


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def calls_after_get_me(fake_api: FakeBotApi) -> list[BotCall]:
    """The recorded calls, without the getMe of `async with bot`."""
    assert fake_api.telegram.calls[0].method == "getMe"
    return fake_api.telegram.calls[1:]


async def post_test_route(
    http: aiohttp.ClientSession, fake_api: FakeBotApi, route: str, body: dict[str, Any]
) -> dict[str, Any]:
    async with http.post(f"{fake_api.url}/_test/{route}", json=body) as response:
        response.raise_for_status()
        return await response.json()


async def send_as(
    http: aiohttp.ClientSession, fake_api: FakeBotApi, person: Person, text: str
) -> dict[str, Any]:
    """`person` writes `text` to the bot; returns the update the server queued."""
    return await post_test_route(
        http, fake_api, "message", {"person": person_json(person), "text": text}
    )


# The Bot API ----------------------------------------------------------------------------


async def test_get_me_returns_the_bot_user(bot: Bot) -> None:
    me = await bot.get_me()

    assert me.is_bot is True
    assert me.id == 424242
    assert me.username == "kim_warendorf_bot"
    assert me.first_name == "KIM-Bot"
    assert bot.username == "kim_warendorf_bot"


async def test_a_wrong_token_is_rejected_with_401_as_invalid_token(fake_api: FakeBotApi) -> None:
    stranger = Bot("424242:a-token-the-server-does-not-know", base_url=f"{fake_api.url}/bot")

    with pytest.raises(InvalidToken, match="was rejected by the server"):
        async with stranger:
            pass

    assert fake_api.telegram.calls == []


async def test_an_inline_keyboard_survives_send_edit_text_and_edit_markup(
    bot: Bot, fake_api: FakeBotApi
) -> None:
    question = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Ja", callback_data="answer:yes"),
                InlineKeyboardButton("Nein", callback_data="answer:no"),
            ]
        ]
    )
    undo = InlineKeyboardMarkup([[InlineKeyboardButton("Rückgängig", callback_data="undo")]])

    sent = await bot.send_message(PERSON.id, "Termin bestätigen?", reply_markup=question)
    edited = await bot.edit_message_text(
        "Termin bestätigt.", chat_id=PERSON.id, message_id=sent.message_id
    )
    marked = await bot.edit_message_reply_markup(
        chat_id=PERSON.id, message_id=sent.message_id, reply_markup=undo
    )

    assert sent.chat.id == PERSON.id
    assert sent.from_user.id == 424242
    assert sent.text == "Termin bestätigen?"
    assert sent.reply_markup == question
    assert edited.message_id == sent.message_id
    assert edited.text == "Termin bestätigt."
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # editing the text without markup drops the keyboard
    assert marked.message_id == sent.message_id
    assert marked.text == "Termin bestätigt."
    assert marked.reply_markup == undo

    send, edit_text, edit_markup = calls_after_get_me(fake_api)
    assert send.method == "sendMessage"
    assert send.params == {
        "chat_id": PERSON.id,
        "text": "Termin bestätigen?",
        "reply_markup": {
            "inline_keyboard": [
                [
                    {"text": "Ja", "callback_data": "answer:yes"},
                    {"text": "Nein", "callback_data": "answer:no"},
                ]
            ]
        },
    }
    assert [button["text"] for button in send.buttons] == ["Ja", "Nein"]
    assert edit_text.method == "editMessageText"
    assert edit_text.params == {
        "chat_id": PERSON.id,
        "message_id": sent.message_id,
        "text": "Termin bestätigt.",
    }
    assert edit_markup.method == "editMessageReplyMarkup"
    assert edit_markup.params == {
        "chat_id": PERSON.id,
        "message_id": sent.message_id,
        "reply_markup": {"inline_keyboard": [[{"text": "Rückgängig", "callback_data": "undo"}]]},
    }


async def test_send_document_uploads_the_exact_bytes_and_filename_as_multipart(
    bot: Bot, fake_api: FakeBotApi
) -> None:
    content = b"Familiencode;Termin\nWAF-0042;01.12.2026\n\x00\xff"

    message = await bot.send_document(
        PERSON.id, document=content, filename="termine.csv", caption="Termine der Woche"
    )

    (call,) = calls_after_get_me(fake_api)
    assert call.method == "sendDocument"
    assert call.params == {"chat_id": PERSON.id, "caption": "Termine der Woche"}
    assert call.uploads == {"document": Upload("termine.csv", content, "text/csv")}
    assert message.document is not None
    assert message.document.file_name == "termine.csv"
    assert message.document.file_size == len(content)
    assert message.caption == "Termine der Woche"


async def test_send_photo_uploads_the_png_bytes_as_multipart(
    bot: Bot, fake_api: FakeBotApi
) -> None:
    image = png_pixel()

    message = await bot.send_photo(PERSON.id, photo=image, filename="auslastung.png")

    (call,) = calls_after_get_me(fake_api)
    assert call.method == "sendPhoto"
    assert call.params == {"chat_id": PERSON.id}
    assert call.uploads == {"photo": Upload("auslastung.png", image, "image/png")}
    assert len(message.photo) == 1
    assert message.photo[0].file_size == len(image)
    assert message.caption is None


async def test_command_menus_are_set_and_deleted_for_one_chat(
    bot: Bot, fake_api: FakeBotApi
) -> None:
    scope = BotCommandScopeChat(PERSON.id)

    assert (
        await bot.set_my_commands(
            [BotCommand("help", "Befehle anzeigen"), BotCommand("language", "Sprache wechseln")],
            scope=scope,
            language_code="de",
        )
        is True
    )
    assert await bot.delete_my_commands(scope=scope) is True

    set_call, delete_call = calls_after_get_me(fake_api)
    assert set_call.method == "setMyCommands"
    assert set_call.params == {
        "commands": [
            {"command": "help", "description": "Befehle anzeigen"},
            {"command": "language", "description": "Sprache wechseln"},
        ],
        "scope": {"type": "chat", "chat_id": PERSON.id},
        "language_code": "de",
    }
    assert delete_call.method == "deleteMyCommands"
    assert delete_call.params == {"scope": {"type": "chat", "chat_id": PERSON.id}}


async def test_delete_webhook_succeeds_and_records_drop_pending_updates_as_a_boolean(
    bot: Bot, fake_api: FakeBotApi
) -> None:
    assert await bot.delete_webhook(drop_pending_updates=True) is True

    (call,) = calls_after_get_me(fake_api)
    assert call.method == "deleteWebhook"
    assert call.params == {"drop_pending_updates": True}


async def test_answer_callback_query_records_show_alert_as_boolean_true(
    bot: Bot, fake_api: FakeBotApi
) -> None:
    assert await bot.answer_callback_query("17", text="Nicht mehr aktiv.", show_alert=True) is True

    (call,) = calls_after_get_me(fake_api)
    assert call.method == "answerCallbackQuery"
    assert call.params == {
        "callback_query_id": "17",
        "text": "Nicht mehr aktiv.",
        "show_alert": True,
    }


# Refusals -------------------------------------------------------------------------------


async def test_a_call_telegram_refuses_is_answered_400_with_its_json_and_not_recorded(
    fake_api: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    # Form-encoded, as python-telegram-bot sends it.
    form = {"chat_id": str(PERSON.id), "text": "Hallo <foo>", "parse_mode": "HTML"}

    async with http.post(f"{fake_api.url}/bot{TOKEN}/sendMessage", data=form) as response:
        status, body = response.status, await response.json()

    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": (
            'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 6'
        ),
    }
    assert fake_api.telegram.calls == []
    ((call, description),) = fake_api.telegram.refused
    assert (call.method, call.params["text"]) == ("sendMessage", "Hallo <foo>")
    assert description == body["description"]


async def test_over_http_the_bot_sees_each_refusal_as_bad_request(
    bot: Bot, fake_api: FakeBotApi
) -> None:
    pages = InlineKeyboardMarkup([[InlineKeyboardButton("▶", callback_data="page:2")]])
    sent = await bot.send_message(PERSON.id, "<b>Seite 1</b>", ParseMode.HTML, reply_markup=pages)

    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(PERSON.id, "<b>Seite 2", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(PERSON.id, "x" * 4097)
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(
            PERSON.id,
            "Wählen:",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("x", callback_data="x" * 65)]]
            ),
        )
    # The keyboard travels JSON-encoded in a form field and still compares equal.
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=PERSON.id, message_id=sent.message_id, reply_markup=pages
        )

    assert [call.method for call in calls_after_get_me(fake_api)] == ["sendMessage"]
    assert [call.method for call, _description in fake_api.telegram.refused] == [
        "sendMessage",
        "sendMessage",
        "sendMessage",
        "editMessageReplyMarkup",
    ]


# Long polling ---------------------------------------------------------------------------


async def test_get_updates_without_pending_updates_and_timeout_0_returns_empty_at_once(
    bot: Bot,
) -> None:
    assert await asyncio.wait_for(bot.get_updates(timeout=0), GUARD) == ()


async def test_an_injected_message_is_delivered_until_confirmed_by_the_offset(
    bot: Bot, fake_api: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    queued = await send_as(http, fake_api, PERSON, "/help")

    first = await bot.get_updates(timeout=0)
    again = await bot.get_updates(timeout=0)
    after_confirming = await bot.get_updates(offset=queued["update_id"] + 1, timeout=0)

    assert [update.update_id for update in first] == [queued["update_id"]]
    assert [update.update_id for update in again] == [queued["update_id"]]
    assert after_confirming == ()
    message = first[0].message
    assert message.text == "/help"
    assert message.from_user.id == PERSON.id
    assert message.from_user.username == "oksana_cm"
    assert message.from_user.language_code == "uk"
    assert message.chat.id == PERSON.id
    assert message.chat.type == "private"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/help")


async def test_a_long_poll_returns_as_soon_as_a_message_arrives(
    bot: Bot, fake_api: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    poll = asyncio.ensure_future(bot.get_updates(timeout=60))
    await asyncio.wait_for(fake_api.polling.wait(), GUARD)

    queued = await send_as(http, fake_api, PERSON, "Guten Morgen")

    updates = await asyncio.wait_for(poll, GUARD)
    assert [update.update_id for update in updates] == [queued["update_id"]]
    assert updates[0].message.text == "Guten Morgen"


async def test_pressing_a_button_by_label_delivers_its_callback_query(
    bot: Bot, fake_api: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    languages = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Deutsch", callback_data="language:de"),
                InlineKeyboardButton("English", callback_data="language:en"),
            ]
        ]
    )
    await bot.send_message(PERSON.id, "Erste Nachricht", reply_markup=languages)
    latest = await bot.send_message(PERSON.id, "Sprache wählen:", reply_markup=languages)

    queued = await post_test_route(
        http, fake_api, "press", {"person": person_json(PERSON), "button": "English"}
    )

    (update,) = await bot.get_updates(timeout=0)
    assert update.update_id == queued["update_id"]
    query = update.callback_query
    assert query.data == "language:en"
    assert query.from_user.id == PERSON.id
    assert query.message.message_id == latest.message_id  # the latest message with that button
    assert query.message.text == "Sprache wählen:"


async def test_pressing_a_button_the_bot_never_sent_is_404(
    bot: Bot, fake_api: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    await bot.send_message(PERSON.id, "Ohne Knöpfe")

    async with http.post(
        f"{fake_api.url}/_test/press", json={"person": person_json(PERSON), "button": "English"}
    ) as response:
        assert response.status == 404
    assert await bot.get_updates(timeout=0) == ()


async def test_test_calls_route_returns_the_calls_from_index_since_on(
    bot: Bot, fake_api: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    await bot.send_message(PERSON.id, "Eins")
    await bot.send_document(PERSON.id, document=b"abc", filename="a.txt")
    await bot.delete_webhook()

    async with http.get(f"{fake_api.url}/_test/calls", params={"since": 2}) as response:
        since_2 = await response.json()
    async with http.get(f"{fake_api.url}/_test/calls") as response:
        everything = await response.json()

    assert since_2 == [
        {
            "method": "sendDocument",
            "params": {"chat_id": PERSON.id},
            "uploads": {"document": {"filename": "a.txt", "size": 3}},
        },
        {"method": "deleteWebhook", "params": {}, "uploads": {}},
    ]
    assert [call["method"] for call in everything] == [
        "getMe",
        "sendMessage",
        "sendDocument",
        "deleteWebhook",
    ]


# Faults ---------------------------------------------------------------------------------


async def test_each_fault_reaches_python_telegram_bot_as_from_telegram_or_the_network(
    fake_api: FakeBotApi, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # RetryAfter.retry_after as a timedelta, without PTB's warning about the int it was.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    fake_api.stall_seconds = 1.0
    impatient = Bot(TOKEN, base_url=f"{fake_api.url}/bot", request=HTTPXRequest(read_timeout=0.3))
    kinds = [FaultKind.FLOOD, FaultKind.SERVER_ERROR, FaultKind.BLOCKED, FaultKind.STALL]
    caught: list[Exception] = []
    async with impatient:
        for kind in [*kinds, FaultKind.RESET]:
            await post_test_route(
                http, fake_api, "fault", {"kind": kind.value, "method": "sendMessage"}
            )
            with pytest.raises(TelegramError) as error:
                await impatient.send_message(PERSON.id, "Hallo")
            caught.append(error.value)
        sent = await impatient.send_message(PERSON.id, "Hallo")

    flood, server_error, blocked, stall, reset = caught
    assert isinstance(flood, RetryAfter) and flood.retry_after == dt.timedelta(seconds=1)
    assert type(server_error) is NetworkError and "Internal Server Error" in str(server_error)
    assert isinstance(blocked, Forbidden) and "bot was blocked by the user" in str(blocked)
    assert isinstance(stall, TimedOut)
    assert type(reset) is NetworkError and "disconnected" in str(reset)
    assert [call.method for call in calls_after_get_me(fake_api)] == ["sendMessage"]
    assert sent.text == "Hallo"
    assert fake_api.telegram.failed == [("sendMessage", kind) for kind in [*kinds, FaultKind.RESET]]


async def test_a_fault_for_one_chat_and_for_good_spares_the_others(
    bot: Bot, fake_api: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    other = Person(2003, "Olga", None, "de")
    await post_test_route(
        http,
        fake_api,
        "fault",
        {"kind": "blocked", "method": "sendMessage", "chat_id": PERSON.id, "times": None},
    )

    for _ in range(3):
        with pytest.raises(Forbidden):
            await bot.send_message(PERSON.id, "Hallo")
    await bot.send_message(other.id, "Hallo")

    assert [call.params["chat_id"] for call in calls_after_get_me(fake_api)] == [other.id]
    assert len(fake_api.telegram.failed) == 3


# Webhook --------------------------------------------------------------------------------


async def test_with_a_webhook_updates_are_posted_in_order_until_answered_200(
    bot: Bot, fake_api: FakeBotApi, http: aiohttp.ClientSession
) -> None:
    posts: list[tuple[int, str | None]] = []

    async def receive(request: web.Request) -> web.Response:
        update = await request.json()
        posts.append((update["update_id"], request.headers.get(SECRET_HEADER)))
        # The first post fails, as a bot that is not yet up would.
        return web.Response(status=500 if len(posts) == 1 else 200)

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner, url = await serve_on_loopback(app)
    try:
        assert await bot.set_webhook(f"{url}/hook", secret_token="s3cret-token_0123") is True
        first = await send_as(http, fake_api, PERSON, "Eins")
        second = await send_as(http, fake_api, PERSON, "Zwei")
        await asyncio.wait_for(fake_api.wait_until(lambda: fake_api.pending == 0, None), GUARD)
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)
        info = await bot.get_webhook_info()
        assert await bot.delete_webhook() is True
        after_deleting = await bot.get_updates(timeout=0)
    finally:
        await runner.cleanup()

    secret = "s3cret-token_0123"
    assert posts == [
        (first["update_id"], secret),
        (first["update_id"], secret),
        (second["update_id"], secret),
    ]
    assert info.url == f"{url}/hook"
    assert info.pending_update_count == 0
    assert after_deleting == ()
