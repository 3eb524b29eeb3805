"""Typed callback data: what a button carries, built and read back in one place.

In the spirit of aiogram's `CallbackData`: each kind of button is a small pydantic model
with a prefix, packed as `prefix:value:value` (a prefix may itself hold colons, as in
`log:save`; values never do). `pack()` builds the payload (and refuses one over Telegram's
64 bytes),
`matches` is the handler's pattern, `unpack()` reads a pressed button back. A payload that
this code did not build (forged, or from a version of the bot with other buttons) does not
match any pattern, so no handler ever parses callback strings by hand or sees a bad value;
the fallback answers "This button is no longer active".
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from bot.core.names import find_language
from bot.core.parsing import YEARS

# Telegram refuses callback_data longer than this (in UTF-8 bytes).
MAX_CALLBACK_BYTES = 64
SEPARATOR = ":"

_prefixes: dict[str, type[CallbackData]] = {}


def _in_years(day: date) -> date:
    # A forged day at the ends of the calendar would reach past them in date arithmetic.
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError("not a year of the bot")
    return day


# A day a button carries: one of the years the bot works with, like every typed date.
Day = Annotated[date, AfterValidator(_in_years)]


def _language_code(code: str) -> str:
    if find_language(code) != code:
        raise ValueError("not a language code")
    return code


# A language a button carries: a code the bot knows.
LanguageCode = Annotated[str, AfterValidator(_language_code)]


class CallbackData(BaseModel):
    """Subclass with `prefix=...` and typed fields (int, str, bool, date, enums, optional)."""

    # defer_build: a kind's validator is built when its first button is built or pressed.
    # Of the hundred kinds, a day touches a few; building them all at import took memory
    # (and start-up time) for buttons nobody pressed.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    prefix: ClassVar[str]

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not prefix:
            return
        if prefix in _prefixes:
            raise TypeError(f"callback prefix {prefix!r} is taken by {_prefixes[prefix]}")
        cls.prefix = prefix
        _prefixes[prefix] = cls

    def pack(self) -> str:
        """The payload for a button; raises ValueError where Telegram would refuse it or
        where it would not read back as this button."""
        parts = [self.prefix]
        for name in type(self).model_fields:
            text = _encode(getattr(self, name))
            if SEPARATOR in text:
                raise ValueError(f"{name}={text!r} contains the separator {SEPARATOR!r}")
            parts.append(text)
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data {data!r} is over {MAX_CALLBACK_BYTES} bytes")
        # An empty text reads back as None, and a value such as "done" can spell another
        # kind's prefix (`log:topic:done`): a payload that would not read back as this
        # button is refused here, not misread when pressed.
        if type(self).unpack(data) != self:
            raise ValueError(f"callback data {data!r} would not read back as {self!r}")
        return data

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """The button's values, or None when `data` is not a payload of this kind."""
        if not isinstance(data, str) or len(data.encode()) > MAX_CALLBACK_BYTES:
            return None
        if _claimed_by_longer_prefix(cls.prefix, data):
            return None
        names = list(cls.model_fields)
        if not names:
            return cls() if data == cls.prefix else None
        if not data.startswith(cls.prefix + SEPARATOR):
            return None
        values = data.removeprefix(cls.prefix + SEPARATOR).split(SEPARATOR)
        if len(values) != len(names):
            return None
        try:
            return cls.model_validate(
                {name: value or None for name, value in zip(names, values, strict=True)}
            )
        except ValidationError:
            return None

    @classmethod
    def matches(cls, data: object) -> bool:
        """The pattern for CallbackQueryHandler: only payloads this class can read back."""
        return cls.unpack(data) is not None

    @classmethod
    def read(cls, data: object) -> Self:
        """The values of a payload that `matches` already accepted."""
        unpacked = cls.unpack(data)
        if unpacked is None:
            raise ValueError(f"{data!r} is not {cls.__name__} callback data")
        return unpacked


def _claimed_by_longer_prefix(prefix: str, data: str) -> bool:
    """Whether `data` is a payload of a kind whose prefix extends `prefix`, as
    `log:topic:done` extends `log:topic`: it is never a value of the shorter kind."""
    return any(
        data == other or data.startswith(other + SEPARATOR) for other in _longer_prefixes(prefix)
    )


def _longer_prefixes(prefix: str) -> tuple[str, ...]:
    """The prefixes that extend `prefix`, worked out again only when a kind was added."""
    known = _longer.get(prefix)
    if known is None or known[0] != len(_prefixes):
        others = tuple(other for other in _prefixes if other.startswith(prefix + SEPARATOR))
        known = _longer[prefix] = (len(_prefixes), others)
    return known[1]


_longer: dict[str, tuple[int, tuple[str, ...]]] = {}


def _encode(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
