"""The offline Telegram refuses what real Telegram refuses, and the bot sees it as Telegram's 400.

Each rule is checked both ways: what Telegram accepts passes, what it refuses is refused
with Telegram's description, recorded in `refused` and not in `calls`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.app import OFFLINE_TOKEN
from bot.core.offline import BotCall, OfflineRequest, OfflineTelegram, Upload
from bot.core.telegram_rules import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    Entity,
    TelegramRefusal,
    check_html,
    parse_html,
    visible_length,
)
from tests.conftest import CASE_MANAGER
from tests.helpers.harness import BotHarness

CHAT = CASE_MANAGER.id
CANT_PARSE = "Bad Request: can't parse entities: "
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


@pytest.fixture
def telegram() -> OfflineTelegram:
    return OfflineTelegram(OFFLINE_TOKEN)


@pytest.fixture
async def ptb_bot(telegram: OfflineTelegram) -> AsyncIterator[Bot]:
    """A plain python-telegram-bot Bot whose requests go to the offline Telegram."""
    bot = Bot(
        OFFLINE_TOKEN,
        request=OfflineRequest(telegram),
        get_updates_request=OfflineRequest(telegram),
    )
    async with bot:
        yield bot


def keyboard(*callback_data: str) -> dict[str, Any]:
    """One row of buttons, labelled with their callback data."""
    return {"inline_keyboard": [[{"text": data, "callback_data": data} for data in callback_data]]}


def send(
    telegram: OfflineTelegram, text: str, parse_mode: str | None = "HTML", **params: Any
) -> dict[str, Any]:
    if parse_mode is not None:
        params["parse_mode"] = parse_mode
    return telegram.call("sendMessage", {"chat_id": CHAT, "text": text, **params})


def edit_text(
    telegram: OfflineTelegram, message_id: int, text: str, **params: Any
) -> dict[str, Any]:
    return telegram.call(
        "editMessageText",
        {"chat_id": CHAT, "message_id": message_id, "text": text, "parse_mode": "HTML", **params},
    )


def edit_markup(
    telegram: OfflineTelegram, message_id: int, markup: dict[str, Any] | None
) -> dict[str, Any]:
    params: dict[str, Any] = {"chat_id": CHAT, "message_id": message_id}
    if markup is not None:
        params["reply_markup"] = markup
    return telegram.call("editMessageReplyMarkup", params)


def refusal(call: Any, *args: Any, **kwargs: Any) -> str:
    """Telegram's description of why it refuses `call(*args, **kwargs)`."""
    with pytest.raises(TelegramRefusal) as refused:
        call(*args, **kwargs)
    return refused.value.description


# HTML ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "shown"),
    [
        ("<b>fett</b> <strong>fett</strong> <i>k</i> <em>k</em>", "fett fett k k"),
        ("<u>u</u><ins>u</ins><s>s</s><strike>s</strike><del>s</del>", "uusss"),
        ('<span class="tg-spoiler">geheim</span> <tg-spoiler>geheim</tg-spoiler>', "geheim geheim"),
        ('<a href="https://example.org/?a=1&amp;b=2">Link</a>', "Link"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("<code>x = 1</code>", "x = 1"),
        ('<pre><code class="language-python">print(1)</code></pre>', "print(1)"),
        ("<blockquote>Zitat</blockquote><blockquote expandable>lang</blockquote>", "Zitatlang"),
        ("<b>fett <i>und kursiv</i></b>", "fett und kursiv"),
        ("<B>groß</B>", "groß"),  # tag names are case-insensitive
        ("<b >Leerzeichen</b >", "Leerzeichen"),
        ("&lt;Familie&gt; &amp; &quot;Kinder&quot;", '<Familie> & "Kinder"'),
        ("&#123; &#x1F600;", "{ 😀"),
        ("&amp without semicolon", "& without semicolon"),
        ("5 > 3", "5 > 3"),
        ("<b>zu</>", "zu"),  # `</>` closes the open tag
    ],
)
def test_telegram_html_is_accepted_and_shows_its_visible_text(html: str, shown: str) -> None:
    assert check_html(html) == shown


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("Hallo <foo>Welt</foo>", 'Unsupported start tag "foo" at byte offset 6'),
        ("Zeile<br>Zeile", 'Unsupported start tag "br" at byte offset 5'),
        ("<p>Absatz</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x<5 und y>3", 'Unsupported start tag "5" at byte offset 1'),
        ("am Ende <", "Unclosed start tag at byte offset 8"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<a href="https://example.org"', "Unclosed start tag at byte offset 0"),
        ("<b>fett", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>fett</i>", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>fett</i>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("fett</b>", "Unexpected end tag at byte offset 4"),
        ("<b>fett</b", "Unclosed end tag at byte offset 7"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a ="x">y</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
        ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
        ('<tg-emoji emoji-id="abc">👍</tg-emoji>', "Invalid custom emoji identifier specified"),
        # Stricter than the Bot API server, as its documentation asks: see telegram_rules.
        ("Tom & Jerry", 'Unescaped "&" at byte offset 4: write &amp;'),
        ("&nbsp;", 'Unescaped "&" at byte offset 0: write &amp;'),
        ("&#X41;", 'Unescaped "&" at byte offset 0: write &amp;'),  # only a lowercase x
    ],
)
def test_html_telegram_cannot_parse_is_refused_with_its_reason(html: str, reason: str) -> None:
    assert refusal(check_html, html) == CANT_PARSE + reason


def test_the_byte_offset_of_an_html_error_counts_utf8_bytes() -> None:
    # "Grüße " is 8 bytes in UTF-8: ü and ß take two each.
    assert refusal(check_html, "Grüße <x>") == CANT_PARSE + (
        'Unsupported start tag "x" at byte offset 8'
    )


def test_an_html_entity_for_a_lone_surrogate_is_refused() -> None:
    assert refusal(check_html, "&#xD83D;").startswith(
        CANT_PARSE + "Text contains invalid Unicode characters"
    )


def test_synonymous_tags_make_the_same_entities() -> None:
    assert parse_html("<b>x</b><i>y</i>") == parse_html("<strong>x</strong><em>y</em>")
    assert parse_html("<b>x</b>").entities == (Entity("bold", 0, 1),)
    assert parse_html('<pre><code class="language-python">x</code></pre>').entities == (
        Entity("pre", 0, 1, "python"),
    )


def test_entity_offsets_count_utf16_code_units() -> None:
    assert parse_html("😀<b>x</b>").entities == (Entity("bold", 2, 1),)


@pytest.mark.parametrize("parse_mode", ["HTML", "html", "Html"])
def test_send_message_checks_html_whatever_the_case_of_the_parse_mode(
    telegram: OfflineTelegram, parse_mode: str
) -> None:
    assert refusal(send, telegram, "1 < 2", parse_mode=parse_mode) == CANT_PARSE + (
        'Unsupported start tag "" at byte offset 2'
    )


def test_text_without_a_parse_mode_is_plain_and_may_contain_anything(
    telegram: OfflineTelegram,
) -> None:
    message = send(telegram, "1 < 2 <b> &nbsp;", parse_mode=None)

    assert message["text"] == "1 < 2 <b> &nbsp;"
    assert [call.method for call in telegram.calls] == ["sendMessage"]


def test_edit_message_text_checks_html(telegram: OfflineTelegram) -> None:
    message_id = send(telegram, "Termin?")["message_id"]

    assert refusal(edit_text, telegram, message_id, "<b>Termin bestätigt") == CANT_PARSE + (
        'Can\'t find end tag corresponding to start tag "b"'
    )


@pytest.mark.parametrize("method", ["sendDocument", "sendPhoto"])
def test_a_caption_is_checked_as_html(telegram: OfflineTelegram, method: str) -> None:
    upload = {"document" if method == "sendDocument" else "photo": Upload("a", b"x", "image/png")}
    params = {"chat_id": CHAT, "parse_mode": "HTML"}

    telegram.call(method, {**params, "caption": "<b>Bericht</b> &amp; Anhang"}, upload)
    description = refusal(telegram.call, method, {**params, "caption": "Bericht <KW47>"}, upload)

    assert description == CANT_PARSE + 'Unsupported start tag "kw47" at byte offset 8'
    assert [call.method for call in telegram.calls] == [method]


# Lengths --------------------------------------------------------------------------------


def test_visible_length_counts_utf16_code_units() -> None:
    assert visible_length("abc") == 3
    assert visible_length("äöü") == 3
    assert visible_length("😀") == 2  # outside the Basic Multilingual Plane: a surrogate pair


def test_a_message_of_4096_visible_characters_is_accepted_even_with_longer_html(
    telegram: OfflineTelegram,
) -> None:
    text = "<b>" + "&amp;" * (MAX_MESSAGE_LENGTH - 1) + "</b>x"

    send(telegram, text)

    assert len(text) > MAX_MESSAGE_LENGTH
    assert telegram.refused == []


def test_a_message_over_4096_visible_characters_is_refused(telegram: OfflineTelegram) -> None:
    assert refusal(send, telegram, "x" * (MAX_MESSAGE_LENGTH + 1)) == (
        "Bad Request: message is too long"
    )
    assert refusal(send, telegram, "<i>" + "x" * (MAX_MESSAGE_LENGTH + 1) + "</i>") == (
        "Bad Request: message is too long"
    )


def test_the_message_limit_counts_utf16_code_units(telegram: OfflineTelegram) -> None:
    half = MAX_MESSAGE_LENGTH // 2

    send(telegram, "😀" * half)

    assert refusal(send, telegram, "😀" * half + "x") == "Bad Request: message is too long"


def test_trailing_newlines_do_not_count_because_telegram_trims_them(
    telegram: OfflineTelegram,
) -> None:
    send(telegram, "x" * MAX_MESSAGE_LENGTH + "\n\n  ")

    assert telegram.refused == []


def test_an_edit_over_4096_visible_characters_is_refused(telegram: OfflineTelegram) -> None:
    message_id = send(telegram, "kurz")["message_id"]

    assert refusal(edit_text, telegram, message_id, "x" * (MAX_MESSAGE_LENGTH + 1)) == (
        "Bad Request: message is too long"
    )


def test_a_caption_of_1024_visible_characters_is_accepted_and_1025_refused(
    telegram: OfflineTelegram,
) -> None:
    upload = {"document": Upload("bericht.csv", b"x", "text/csv")}

    def send_document(caption: str) -> Any:
        params = {"chat_id": CHAT, "caption": caption, "parse_mode": "HTML"}
        return telegram.call("sendDocument", params, upload)

    send_document("<b>" + "x" * MAX_CAPTION_LENGTH + "</b>")

    assert refusal(send_document, "x" * (MAX_CAPTION_LENGTH + 1)) == (
        "Bad Request: message caption is too long"
    )


def test_a_document_without_a_caption_is_accepted(telegram: OfflineTelegram) -> None:
    telegram.call("sendDocument", {"chat_id": CHAT}, {"document": Upload("a", b"x", "text/csv")})

    assert [call.method for call in telegram.calls] == ["sendDocument"]


def test_an_empty_text_is_refused(telegram: OfflineTelegram) -> None:
    assert refusal(send, telegram, "") == "Bad Request: message text is empty"


@pytest.mark.parametrize("text", ["<b></b>", " \n ", "<i> </i>\n"])
def test_a_text_with_nothing_visible_after_parsing_is_refused(
    telegram: OfflineTelegram, text: str
) -> None:
    assert refusal(send, telegram, text) == "Bad Request: message must be non-empty"


# Callback data --------------------------------------------------------------------------


def test_callback_data_of_64_bytes_is_accepted(telegram: OfflineTelegram) -> None:
    send(telegram, "Wählen:", reply_markup=keyboard("a" * MAX_CALLBACK_DATA_BYTES, "ü" * 32))

    assert telegram.refused == []


@pytest.mark.parametrize("data", ["a" * (MAX_CALLBACK_DATA_BYTES + 1), "ü" * 33])
def test_callback_data_over_64_utf8_bytes_is_refused(telegram: OfflineTelegram, data: str) -> None:
    assert refusal(send, telegram, "Wählen:", reply_markup=keyboard("ok", data)) == (
        "Bad Request: BUTTON_DATA_INVALID"
    )


def test_callback_data_is_checked_in_every_row_and_in_edits(telegram: OfflineTelegram) -> None:
    too_long = "x" * (MAX_CALLBACK_DATA_BYTES + 1)
    rows = {
        "inline_keyboard": [
            [{"text": "a", "callback_data": "a"}],
            [{"text": "b", "callback_data": too_long}],
        ]
    }
    message_id = send(telegram, "Wählen:", reply_markup=keyboard("a"))["message_id"]

    assert (
        refusal(send, telegram, "Wählen:", reply_markup=rows) == "Bad Request: BUTTON_DATA_INVALID"
    )
    assert refusal(edit_text, telegram, message_id, "Neu:", reply_markup=rows) == (
        "Bad Request: BUTTON_DATA_INVALID"
    )
    assert refusal(edit_markup, telegram, message_id, rows) == "Bad Request: BUTTON_DATA_INVALID"


def test_a_url_button_is_not_limited_to_64_bytes(telegram: OfflineTelegram) -> None:
    url = "https://example.org/" + "x" * 100
    send(telegram, "Link:", reply_markup={"inline_keyboard": [[{"text": "Link", "url": url}]]})

    assert telegram.refused == []


# Message is not modified ----------------------------------------------------------------


def test_editing_to_the_same_text_and_keyboard_is_refused(telegram: OfflineTelegram) -> None:
    message_id = send(telegram, "<b>Seite 1</b>", reply_markup=keyboard("p:2"))["message_id"]

    description = refusal(
        edit_text, telegram, message_id, "<b>Seite 1</b>", reply_markup=keyboard("p:2")
    )

    assert description == NOT_MODIFIED


def test_the_same_text_in_synonymous_tags_is_not_a_modification(
    telegram: OfflineTelegram,
) -> None:
    message_id = send(telegram, "<b>Seite</b> &amp; mehr")["message_id"]

    assert refusal(edit_text, telegram, message_id, "<strong>Seite</strong> &#38; mehr") == (
        NOT_MODIFIED
    )


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("<b>Seite 2</b>", keyboard("p:2")),  # new text
        ("<b>Seite 1</b>", keyboard("p:3")),  # new keyboard
        ("<b>Seite 1</b>", None),  # the keyboard is removed
        ("<i>Seite 1</i>", keyboard("p:2")),  # new formatting of the same text
    ],
)
def test_an_edit_that_changes_text_formatting_or_keyboard_is_accepted(
    telegram: OfflineTelegram, text: str, markup: dict[str, Any] | None
) -> None:
    message_id = send(telegram, "<b>Seite 1</b>", reply_markup=keyboard("p:2"))["message_id"]
    extra = {} if markup is None else {"reply_markup": markup}

    edited = edit_text(telegram, message_id, text, **extra)

    shown = parse_html(text)
    assert edited["text"] == shown.text
    assert edited["entities"] == [
        {"type": entity.kind, "offset": entity.offset, "length": entity.length}
        for entity in shown.entities
    ]
    assert edited.get("reply_markup") == markup


def test_a_message_shows_its_visible_text_and_entities_as_telegram_does(
    telegram: OfflineTelegram,
) -> None:
    message = send(telegram, '<b>F-0001</b> &amp; <a href="https://t.me/x">Link</a>')

    assert message["text"] == "F-0001 & Link"
    assert message["entities"] == [
        {"type": "bold", "offset": 0, "length": 6},
        {"type": "text_link", "offset": 9, "length": 4, "url": "https://t.me/x"},
    ]


def test_a_refused_edit_changes_nothing(telegram: OfflineTelegram) -> None:
    message_id = send(telegram, "Seite 1", reply_markup=keyboard("p:2"))["message_id"]

    refusal(edit_text, telegram, message_id, "x" * (MAX_MESSAGE_LENGTH + 1))
    refusal(edit_text, telegram, message_id, "Seite 1", reply_markup=keyboard("p:2"))

    assert edit_text(telegram, message_id, "Seite 2")["text"] == "Seite 2"


def test_setting_the_keyboard_a_message_already_has_is_refused(
    telegram: OfflineTelegram,
) -> None:
    message_id = send(telegram, "Wählen:", reply_markup=keyboard("a", "b"))["message_id"]

    assert refusal(edit_markup, telegram, message_id, keyboard("a", "b")) == NOT_MODIFIED
    assert edit_markup(telegram, message_id, keyboard("a"))["reply_markup"] == keyboard("a")


def test_removing_the_keyboard_of_a_message_without_one_is_refused(
    telegram: OfflineTelegram,
) -> None:
    message_id = send(telegram, "Wählen:", reply_markup=keyboard("a"))["message_id"]

    removed = edit_markup(telegram, message_id, None)

    assert "reply_markup" not in removed
    assert refusal(edit_markup, telegram, message_id, None) == NOT_MODIFIED
    assert refusal(edit_markup, telegram, message_id, {"inline_keyboard": []}) == NOT_MODIFIED


# Refusals are recorded apart ------------------------------------------------------------


def test_a_refused_call_is_recorded_in_refused_not_in_calls(telegram: OfflineTelegram) -> None:
    accepted: list[BotCall] = []
    refused: list[tuple[BotCall, str]] = []
    telegram.listeners.append(lambda call, result: accepted.append(call))
    telegram.refusal_listeners.append(lambda call, description: refused.append((call, description)))

    send(telegram, "<b>gut</b>")
    refusal(send, telegram, "<b>schlecht")

    assert [call.text for call in telegram.calls] == ["<b>gut</b>"]
    assert [call.text for call in accepted] == ["<b>gut</b>"]
    assert [(call.text, description) for call, description in telegram.refused] == [
        ("<b>schlecht", CANT_PARSE + 'Can\'t find end tag corresponding to start tag "b"')
    ]
    assert refused == telegram.refused


# What the bot sees ----------------------------------------------------------------------


async def test_the_bot_sees_a_refusal_as_bad_request(
    ptb_bot: Bot, telegram: OfflineTelegram
) -> None:
    with pytest.raises(BadRequest, match='unsupported start tag "foo" at byte offset 6') as raised:
        await ptb_bot.send_message(CHAT, "Hallo <foo>", parse_mode=ParseMode.HTML)

    assert raised.value.message.startswith("Can't parse entities:")
    assert [call.method for call in telegram.calls] == ["getMe"]
    assert len(telegram.refused) == 1


async def test_the_bot_sees_too_long_and_button_data_refusals_as_bad_request(
    ptb_bot: Bot,
) -> None:
    too_long_data = InlineKeyboardMarkup(
        [[InlineKeyboardButton("OK", callback_data="x" * (MAX_CALLBACK_DATA_BYTES + 1))]]
    )

    with pytest.raises(BadRequest, match="Message is too long"):
        await ptb_bot.send_message(CHAT, "x" * (MAX_MESSAGE_LENGTH + 1))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await ptb_bot.send_message(CHAT, "Wählen:", reply_markup=too_long_data)


async def test_the_bot_sees_message_is_not_modified_as_bad_request(ptb_bot: Bot) -> None:
    pages = InlineKeyboardMarkup([[InlineKeyboardButton("▶", callback_data="page:2")]])
    sent = await ptb_bot.send_message(CHAT, "Seite 1", reply_markup=pages)

    with pytest.raises(BadRequest, match="Message is not modified"):
        await ptb_bot.edit_message_text(
            "Seite 1", chat_id=CHAT, message_id=sent.message_id, reply_markup=pages
        )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await ptb_bot.edit_message_reply_markup(
            chat_id=CHAT, message_id=sent.message_id, reply_markup=pages
        )


async def test_the_applications_html_default_makes_every_text_html(bot: BotHarness) -> None:
    # No parse_mode here: the application's Defaults send parse_mode=HTML with every text.
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.application.bot.send_message(CHAT, "Kosten < 50 €")

    ((call, _description),) = bot.telegram.refused
    assert call.params["parse_mode"] == "HTML"


def test_without_checks_telegram_accepts_any_text_but_not_an_edit_that_changes_nothing() -> None:
    # The benchmarks measure the bot, not the checks Telegram's servers make.
    telegram = OfflineTelegram(OFFLINE_TOKEN, checks=False)
    text, markup = "<b>unclosed & " + "x" * 5000, keyboard("y" * 80)
    message_id = send(telegram, text, reply_markup=markup)["message_id"]

    assert telegram.refused == []
    assert refusal(edit_text, telegram, message_id, text, reply_markup=markup) == NOT_MODIFIED
