"""What Telegram refuses: its HTML, its length limits, its callback data.

The offline Telegram refuses exactly what these functions refuse, with Telegram's own
descriptions, so that a test fails where production would. The bot's code can use the same
limits, for example to page a list before it grows past one message.

The HTML rules follow the Bot API server (TDLib's `parse_html` and `fix_formatted_text`),
not the HTML standard: only Telegram's tags, every tag closed in order, no bare `<`.

One rule is stricter than that server: a bare `&` (or one that starts no entity Telegram
knows, such as `&nbsp;`) is refused. The server keeps it as literal text, but the Bot API
documentation requires every `&` outside an entity to be written `&amp;`, and a bare `&` in
a reply is nearly always typed input that was not escaped: the next character could as
well be a `<`. Refusing it lets a test catch the missing escape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

_HTML_MODE = "html"

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
# Synonymous tags make the same entity, so `<b>` and `<strong>` are the same content.
_ENTITY_KINDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "tg-emoji": "custom_emoji",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\n\r\v\f"
_HEX_DIGITS = "0123456789abcdefABCDEF"
_NAME_TOKEN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_LONGEST_NUMERIC_REFERENCE = 9  # as long as "&#1114111"; Telegram leaves a longer one as text
_MARKUP = re.compile("[&<]")


class TelegramRefusal(Exception):
    """Telegram answers HTTP 400 with this description (e.g. "Bad Request: message is too long")."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class Entity:
    """One formatting entity, positioned in UTF-16 code units as Telegram positions it."""

    kind: str
    offset: int
    length: int
    argument: str = ""


@dataclass(frozen=True)
class FormattedText:
    """What a message shows: the visible text and its entities."""

    text: str
    entities: tuple[Entity, ...] = ()


def visible_length(text: str) -> int:
    """The length Telegram's limits count: UTF-16 code units of the visible text."""
    return len(text.encode("utf-16-le")) // 2


def check_html(html: str) -> str:
    """The visible text of Telegram HTML; raises TelegramRefusal where Telegram would."""
    return parse_html(html).text


def parse_html(html: str) -> FormattedText:
    """Telegram HTML as visible text and entities; raises TelegramRefusal where Telegram would."""
    return _HtmlParser(html).parse()


def check_text(text: str, parse_mode: str | None) -> FormattedText:
    """The message a sendMessage or editMessageText `text` becomes, or TelegramRefusal."""
    if not text:
        raise TelegramRefusal("Bad Request: message text is empty")
    shown = _as_stored(_formatted(text, parse_mode))
    if not shown.text:
        raise TelegramRefusal("Bad Request: message must be non-empty")
    if visible_length(shown.text) > MAX_MESSAGE_LENGTH:
        raise TelegramRefusal("Bad Request: message is too long")
    return shown


def check_caption(caption: str | None, parse_mode: str | None) -> FormattedText:
    """The caption a sendDocument or sendPhoto `caption` becomes, or TelegramRefusal."""
    shown = _as_stored(_formatted(caption or "", parse_mode))
    if visible_length(shown.text) > MAX_CAPTION_LENGTH:
        raise TelegramRefusal("Bad Request: message caption is too long")
    return shown


def check_reply_markup(markup: Mapping[str, Any] | None) -> None:
    """Refuse an inline keyboard Telegram refuses: callback data over 64 bytes."""
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                raise TelegramRefusal("Bad Request: BUTTON_DATA_INVALID")


def _formatted(text: str, parse_mode: str | None) -> FormattedText:
    # The Bot API compares the mode case-insensitively; only HTML is parsed here, because it is
    # the only mode the bot uses. Without a mode the text is shown as it is.
    if parse_mode is not None and parse_mode.lower() == _HTML_MODE:
        return parse_html(text)
    return FormattedText(text)


def _as_stored(formatted: FormattedText) -> FormattedText:
    """The text as Telegram keeps it (TDLib's fix_formatted_text), which its limits count.

    Carriage returns are dropped, other control characters become spaces, trailing spaces
    and newlines are cut, and leading ones up to the first entity.
    """
    kept: list[str] = []
    new_offsets = {0: 0}  # old UTF-16 offset -> offset after dropping carriage returns
    old = new = 0
    for char in formatted.text:
        units = 2 if ord(char) > 0xFFFF else 1
        old += units
        if char != "\r":
            kept.append(" " if ord(char) < 32 and char != "\n" else char)
            new += units
        new_offsets[old] = new
    text = "".join(kept)
    entities = [
        Entity(
            entity.kind,
            new_offsets[entity.offset],
            new_offsets[entity.offset + entity.length] - new_offsets[entity.offset],
            entity.argument,
        )
        for entity in formatted.entities
    ]

    text = text.rstrip(" \n")
    end = visible_length(text)
    first_entity = min((entity.offset for entity in entities), default=end)
    # Spaces and newlines are one UTF-16 unit each, so their count is also their offset.
    leading = min(len(text) - len(text.lstrip(" \n")), first_entity)
    text = text[leading:]
    stored = []
    for entity in entities:
        entity_end = min(entity.offset + entity.length, end) - leading
        offset = entity.offset - leading
        if entity_end > offset:
            stored.append(Entity(entity.kind, offset, entity_end - offset, entity.argument))
    return FormattedText(text, tuple(stored))


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset of the tag's content in the visible text
    text_index: int  # index of the tag's content in the visible text's pieces


class _HtmlParser:
    """One pass over Telegram HTML, as the Bot API server reads it."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.position = 0
        self.pieces: list[str] = []
        self.offset = 0
        self.open_tags: list[_OpenTag] = []
        self.entities: list[Entity] = []

    def parse(self) -> FormattedText:
        html = self.html
        while self.position < len(html):
            markup = _MARKUP.search(html, self.position)
            text_end = markup.start() if markup else len(html)
            if text_end > self.position:
                self._append(html[self.position : text_end])
                self.position = text_end
            elif html[self.position] == "&":
                if not self._reference():
                    self._refuse(
                        f'Unescaped "&" at byte offset {self._byte_offset(self.position)}: '
                        "write &amp;"
                    )
            elif html.startswith("</", self.position):
                self._end_tag()
            else:
                self._start_tag()
        if self.open_tags:
            unclosed = self.open_tags[-1].name
            self._refuse(f'Can\'t find end tag corresponding to start tag "{unclosed}"')
        # Telegram keeps a language only on code inside pre.
        entities = [
            Entity(entity.kind, entity.offset, entity.length) if entity.kind == "code" else entity
            for entity in self.entities
        ]
        entities.sort(key=lambda entity: (entity.offset, -entity.length, entity.kind))
        return FormattedText("".join(self.pieces), tuple(entities))

    def _append(self, text: str) -> None:
        self.pieces.append(text)
        self.offset += visible_length(text)

    def _reference(self) -> bool:
        """Decode the character reference at the position; False leaves `&` as literal text."""
        decoded, end = _decode_reference(self.html, self.position)
        if decoded is None:
            return False
        if 0xD800 <= ord(decoded) <= 0xDFFF:
            self._refuse(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        self._append(decoded)
        self.position = end
        return True

    def _start_tag(self) -> None:
        html = self.html
        begin = self.position
        at = begin + 1
        while at < len(html) and html[at] not in _SPACES and html[at] != ">":
            at += 1
        if at == len(html):
            self._refuse(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        name = html[begin + 1 : at].lower()
        where = f"at byte offset {self._byte_offset(begin)}"
        if name not in _SUPPORTED_TAGS:
            self._refuse(f'Unsupported start tag "{name}" {where}')

        argument = ""
        while html[at] != ">":
            at = self._skip_spaces(at)
            if at < len(html) and html[at] == ">":
                break
            attribute_begin = at
            while at < len(html) and html[at] not in _SPACES and html[at] not in "=>":
                at += 1
            attribute = html[attribute_begin:at]
            if not attribute:
                self._refuse(f'Empty attribute name in the tag "{name}" {where}')
            at = self._skip_spaces(at)
            if at == len(html):
                self._refuse(f'Unclosed start tag "{name}" {where}')
            if html[at] != "=":
                # A bare attribute: only blockquote's `expandable` means anything.
                if (name, attribute) == ("blockquote", "expandable"):
                    argument = "expandable"
                continue
            at = self._skip_spaces(at + 1)
            if at == len(html):
                self._refuse(f'Unclosed start tag "{name}" {where}')
            value, at = self._attribute_value(at)
            if at == len(html):
                self._refuse(f"Unclosed start tag {where}")
            argument = _tag_argument(name, attribute, value, argument)

        if name == "span" and argument != "spoiler":
            self._refuse(f'Tag "span" must have class "tg-spoiler" {where}')
        self.open_tags.append(_OpenTag(name, argument, self.offset, len(self.pieces)))
        self.position = at + 1

    def _attribute_value(self, at: int) -> tuple[str, int]:
        """An unquoted name token (lowercased) or a quoted string with references decoded."""
        html = self.html
        if html[at] not in "\"'":
            token_begin = at
            while at < len(html) and html[at] in _NAME_TOKEN:
                at += 1
            if at < len(html) and html[at] not in _SPACES and html[at] != ">":
                self._refuse(
                    f"Unexpected end of name token at byte offset {self._byte_offset(token_begin)}"
                )
            return html[token_begin:at].lower(), at
        quote = html[at]
        at += 1
        value: list[str] = []
        while at < len(html) and html[at] != quote:
            decoded, end = _decode_reference(html, at) if html[at] == "&" else (None, at)
            if decoded is None:
                value.append(html[at])
                at += 1
            else:
                value.append(decoded)
                at = end
        if at < len(html):
            at += 1  # the closing quote
        return "".join(value), at

    def _end_tag(self) -> None:
        html = self.html
        begin = self.position
        if not self.open_tags:
            self._refuse(f"Unexpected end tag at byte offset {self._byte_offset(begin)}")
        at = begin + 2
        while at < len(html) and html[at] not in _SPACES and html[at] != ">":
            at += 1
        name = html[begin + 2 : at]
        at = self._skip_spaces(at)
        if at == len(html) or html[at] != ">":
            self._refuse(f"Unclosed end tag at byte offset {self._byte_offset(begin)}")
        tag = self.open_tags.pop()
        # `</>` closes whatever is open.
        if name and name.lower() != tag.name:
            self._refuse(
                f"Unmatched end tag at byte offset {self._byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{name}>"'
            )
        if self.offset > tag.offset:
            self._add_entity(tag)
        self.position = at + 1

    def _add_entity(self, tag: _OpenTag) -> None:
        length = self.offset - tag.offset
        kind, argument = _ENTITY_KINDS[tag.name], tag.argument
        if tag.name == "tg-emoji" and not _is_custom_emoji_id(argument):
            self._refuse("Invalid custom emoji identifier specified")
        if tag.name == "a" and not argument:
            argument = "".join(self.pieces[tag.text_index :])  # the text is the link
        if tag.name == "blockquote" and argument:
            kind, argument = "expandable_blockquote", ""
        if tag.name == "span":
            argument = ""  # <span class="tg-spoiler"> is the same spoiler as <tg-spoiler>
        last = self.entities[-1] if self.entities else None
        if (
            tag.name == "pre"
            and last is not None
            and (last.kind, last.offset, last.length) == ("code", tag.offset, length)
            and last.argument
        ):
            # <pre><code class="language-x">…</code></pre> is one pre block in language x.
            self.entities[-1] = Entity("pre", tag.offset, length, last.argument)
            return
        self.entities.append(Entity(kind, tag.offset, length, argument))

    def _skip_spaces(self, at: int) -> int:
        while at < len(self.html) and self.html[at] in _SPACES:
            at += 1
        return at

    def _byte_offset(self, index: int) -> int:
        return len(self.html[:index].encode("utf-8", "surrogatepass"))

    @staticmethod
    def _refuse(reason: str) -> NoReturn:
        raise TelegramRefusal(f"Bad Request: can't parse entities: {reason}")


def _decode_reference(html: str, at: int) -> tuple[str | None, int]:
    """The character of the reference `&…` at `at` and the index after it, or (None, at).

    Telegram knows four named references and numeric ones; the `;` is optional. Anything
    else is not a reference, and its `&` stays literal text.
    """
    end = at + 1
    if html.startswith("&#", at):
        end += 1
        hexadecimal = html.startswith("x", end)
        digits = _HEX_DIGITS if hexadecimal else "0123456789"
        end += hexadecimal
        digits_begin = end
        while end < len(html) and html[end] in digits:
            end += 1
        if end == digits_begin or end - at > _LONGEST_NUMERIC_REFERENCE:
            return None, at
        code = int(html[digits_begin:end], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF:
            return None, at
        decoded = chr(code)
    else:
        while end < len(html) and html[end].isascii() and html[end].isalpha():
            end += 1
        named = _NAMED_REFERENCES.get(html[at + 1 : end])
        if named is None:
            return None, at
        decoded = named
    if html.startswith(";", end):
        end += 1
    return decoded, end


def _tag_argument(tag: str, attribute: str, value: str, argument: str) -> str:
    """What an attribute means for the entity; attributes Telegram ignores keep `argument`."""
    if (tag, attribute) in {("a", "href"), ("tg-emoji", "emoji-id")}:
        return value
    if (tag, attribute) == ("code", "class") and value.startswith("language-"):
        return value.removeprefix("language-")
    if (tag, attribute) == ("span", "class") and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if (tag, attribute) == ("blockquote", "expandable"):
        return "expandable"
    return argument


def _is_custom_emoji_id(argument: str) -> bool:
    return argument.isascii() and argument.isdigit() and 0 < int(argument) < 2**63
