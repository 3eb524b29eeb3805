"""The typed callback-data codec: what a button carries, packed and read back.

Prefixes are registered for the whole process, so the kinds here all start with `test:`
and none is used by the bot.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import Field

from bot.core.callbacks import MAX_CALLBACK_BYTES, CallbackData


class Colour(StrEnum):
    RED = "red"
    DARK_BLUE = "dark_blue"


class Plain(CallbackData, prefix="test:plain"):
    """A button without values, like ConfirmRequest."""


class Saved(CallbackData, prefix="test:log:save"):
    """A prefix with colons and no values, like `log:save`."""


class Everything(CallbackData, prefix="test:every:kind"):
    """One field of every kind the codec supports."""

    number: int
    text: str
    flag: bool
    day: date
    colour: Colour
    maybe_number: int | None = None
    maybe_text: str | None = None


class Page(CallbackData, prefix="test:page"):
    page: int = Field(ge=0, le=99)


class Town(CallbackData, prefix="test:town"):
    town: str


class Topic(CallbackData, prefix="test:topic"):
    """Like `log:topic` with its enum …"""

    colour: Colour


class TopicsDone(CallbackData, prefix="test:topic:done"):
    """… and `log:topic:done`, whose prefix begins with the other one's."""


class Word(CallbackData, prefix="test:word"):
    """A free-text value next to a longer prefix: `test:word:done` is not a word."""

    word: str


class WordsDone(CallbackData, prefix="test:word:done"):
    pass


EVERYTHING = Everything(
    number=-42,
    text="Ahlen",
    flag=True,
    day=date(2026, 11, 24),
    colour=Colour.DARK_BLUE,
    maybe_number=7,
    maybe_text="Beckum",
)


# Round trips ---------------------------------------------------------------------------------


def test_every_kind_of_field_is_packed_in_order_and_read_back() -> None:
    data = EVERYTHING.pack()

    assert data == "test:every:kind:-42:Ahlen:1:2026-11-24:dark_blue:7:Beckum"
    assert Everything.unpack(data) == EVERYTHING
    assert Everything.matches(data)
    assert Everything.read(data) == EVERYTHING


def test_false_and_missing_optional_values_are_read_back() -> None:
    sent = Everything(number=0, text="x", flag=False, day=date(1, 1, 1), colour=Colour.RED)

    data = sent.pack()

    assert data == "test:every:kind:0:x:0:0001-01-01:red::"
    assert Everything.unpack(data) == sent
    assert Everything.unpack(data).maybe_number is None
    assert Everything.unpack(data).maybe_text is None


@pytest.mark.parametrize(("kind", "data"), [(Plain, "test:plain"), (Saved, "test:log:save")])
def test_a_button_without_values_is_just_its_prefix(kind: type[CallbackData], data: str) -> None:
    assert kind().pack() == data
    assert kind.unpack(data) == kind()
    assert kind.matches(data)


def test_a_prefix_with_colons_and_values_is_read_back() -> None:
    assert Topic(colour=Colour.RED).pack() == "test:topic:red"
    assert Topic.unpack("test:topic:red") == Topic(colour=Colour.RED)
    assert TopicsDone.unpack("test:topic:done") == TopicsDone()


# What pack() refuses -------------------------------------------------------------------------


def test_a_town_of_exactly_64_bytes_fits() -> None:
    town = "Ü" * 27  # "test:town:" is 10 bytes, each Ü two

    data = Town(town=town).pack()

    assert len(data.encode()) == MAX_CALLBACK_BYTES
    assert Town.unpack(data) == Town(town=town)


def test_over_64_utf8_bytes_is_refused_although_under_64_characters() -> None:
    town = "Ü" * 28
    assert len(f"test:town:{town}") < MAX_CALLBACK_BYTES

    with pytest.raises(ValueError, match="64 bytes"):
        Town(town=town).pack()


def test_a_long_town_with_umlauts_is_refused() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        Town(town="Großgemeinde Sassenberg-Füchtorf-Müssingen-Überwasser").pack()


@pytest.mark.parametrize("town", ["Ahlen:Nord", ":", "Beckum:"])
def test_a_value_containing_the_separator_is_refused(town: str) -> None:
    with pytest.raises(ValueError, match="separator"):
        Town(town=town).pack()


def test_an_empty_text_is_refused_because_it_would_read_back_as_missing() -> None:
    with pytest.raises(ValueError):
        Town(town="").pack()
    with pytest.raises(ValueError):
        Everything(
            number=1, text="x", flag=True, day=date(2026, 1, 1), colour=Colour.RED, maybe_text=""
        ).pack()


def test_a_value_that_would_read_back_as_another_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        Word(word="done").pack()


# What unpack() and matches() refuse ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        # another kind's prefix, or none at all
        (Page, "test:plain"),
        (Page, "test:pages:1"),
        (Page, "page:1"),
        (Plain, "test:plain2"),
        (Plain, "test:plainly"),
        (Saved, "test:log"),
        (Saved, "log:save"),
        # a prefix that merely begins another kind's
        (Topic, "test:topic:done"),
        (Word, "test:word:done"),
        (Plain, "test:plain:1"),
        (Saved, "test:log:save:1"),
        (TopicsDone, "test:topic:red"),
        (TopicsDone, "test:topic"),
        # the wrong number of values
        (Page, "test:page"),
        (Page, "test:page:1:2"),
        (Topic, "test:topic:red:red"),
        (Everything, "test:every:kind:-42:Ahlen:1:2026-11-24:dark_blue:7"),
        (Everything, "test:every:kind:-42:Ahlen:1:2026-11-24:dark_blue:7:Beckum:x"),
        # values that do not fit their types
        (Page, "test:page:"),
        (Page, "test:page:x"),
        (Page, "test:page:1.5"),
        (Page, "test:page:٣"),
        (Page, "test:page:-1"),
        (Page, "test:page:100"),
        (Topic, "test:topic:green"),
        (Topic, "test:topic:RED"),
        (Topic, "test:topic:"),
        (Everything, "test:every:kind:-42:Ahlen:2:2026-11-24:red::"),
        (Everything, "test:every:kind:-42:Ahlen:1:2026-02-30:red::"),
        (Everything, "test:every:kind:x:Ahlen:1:2026-11-24:red::"),
        (Everything, "test:every:kind:-42::1:2026-11-24:red::"),
        (Everything, "test:every:kind:-42:Ahlen:1:2026-11-24:red:seven:"),
    ],
)
def test_a_payload_this_kind_did_not_build_is_refused(kind: type[CallbackData], data: str) -> None:
    assert kind.unpack(data) is None
    assert not kind.matches(data)
    with pytest.raises(ValueError):
        kind.read(data)


@pytest.mark.parametrize("data", [None, 1, b"test:page:1", ["test:page:1"], {"page": 1}])
def test_data_that_is_not_a_string_is_refused(data: object) -> None:
    assert Page.unpack(data) is None
    assert not Page.matches(data)


def test_data_over_64_bytes_is_refused_even_when_its_values_fit() -> None:
    data = "test:town:" + "Ü" * 28

    assert Town.unpack(data) is None
    assert Town.unpack("test:town:" + "Ü" * 27) is not None


def test_the_edges_of_a_ranged_field_are_read() -> None:
    assert Page.unpack("test:page:0") == Page(page=0)
    assert Page.unpack("test:page:99") == Page(page=99)


# Registration --------------------------------------------------------------------------------


def test_a_prefix_can_be_registered_only_once() -> None:
    with pytest.raises(TypeError, match="test:page"):

        class AnotherPage(CallbackData, prefix="test:page"):
            page: int

    # The first kind still owns it.
    assert Page.unpack("test:page:3") == Page(page=3)


# Any values ----------------------------------------------------------------------------------

everything = st.builds(
    Everything,
    number=st.integers(),
    text=st.text(max_size=12),
    flag=st.booleans(),
    day=st.dates(),
    colour=st.sampled_from(Colour),
    maybe_number=st.none() | st.integers(min_value=-(10**6), max_value=10**6),
    maybe_text=st.none() | st.text(max_size=6),
)


@settings(max_examples=200, deadline=None)
@given(everything)
@example(EVERYTHING)
@example(EVERYTHING.model_copy(update={"text": ""}))
@example(EVERYTHING.model_copy(update={"maybe_text": ""}))
def test_whatever_packs_reads_back_as_itself(sent: Everything) -> None:
    try:
        data = sent.pack()
    except ValueError:
        return
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert Everything.unpack(data) == sent


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=10), st.sampled_from(["done", "done:x", "", "a"])))
def test_whatever_word_packs_reads_back_as_that_word_and_nothing_else(word: str) -> None:
    try:
        data = Word(word=word).pack()
    except ValueError:
        return
    assert Word.unpack(data) == Word(word=word)
    assert WordsDone.unpack(data) is None
