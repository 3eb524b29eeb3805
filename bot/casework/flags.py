"""Structural-gap flags: cases that show where structures must improve."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.casework.families import family_code, parse_family_code
from bot.casework.vocabulary import FlagCategory
from bot.core.i18n import _, format_date, lazy_gettext
from bot.core.parsing import ParseError, check_note, quoted, split_note
from bot.core.terms import Term, define_terms, join_phrases, normalise
from bot.core.text import shorten

FLAG_EXAMPLE = "/flag F-0042 wartezeit: 4 Monate Wartezeit auf Termin bei der ABH"
DISCUSS_EXAMPLE = "/flag 3 discussed Thema für die Steuerungsrunde mit der ABH"
PROGRESS_EXAMPLE = "/flag 3 progress ABH und Jobcenter: gemeinsame Sprechstunde geplant"
CLOSE_FLAG_EXAMPLE = "/closeflag 3 Termin-Kontingent mit der ABH vereinbart"
FLAG_NUMBER = re.compile(r"^#?([0-9]{1,9})$")


class FlagState(Term):
    """The seed's method for a structural gap: reported, discussed with the coordination,
    in progress with partners, closed with an outcome."""

    REPORTED = "reported"
    DISCUSSED = "discussed"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


OPEN_FLAG_STATES = frozenset({FlagState.REPORTED, FlagState.DISCUSSED, FlagState.IN_PROGRESS})


class FlagStep(StrEnum):
    """What a coordinator does with a flag; each step is stored with who and when."""

    DISCUSS = "discuss"
    PROGRESS = "progress"
    CLOSE = "close"


# Step -> (states it may start from, state it leads to). A flag is discussed once; partners
# and actions may be updated while it is in progress (the state keeps the day it began); a
# gap solved at once may be closed from any open state.
FLAG_TRANSITIONS: dict[FlagStep, tuple[frozenset[FlagState], FlagState]] = {
    FlagStep.DISCUSS: (frozenset({FlagState.REPORTED}), FlagState.DISCUSSED),
    FlagStep.PROGRESS: (
        frozenset({FlagState.DISCUSSED, FlagState.IN_PROGRESS}),
        FlagState.IN_PROGRESS,
    ),
    FlagStep.CLOSE: (OPEN_FLAG_STATES, FlagState.CLOSED),
}


class FlagTransitionRefused(Exception):
    def __init__(self, flag: Flag, step: FlagStep) -> None:
        super().__init__(f"flag {flag.id} is {flag.state.value}; cannot {step.value}")
        self.flag = flag
        self.step = step


def next_flag_state(flag: Flag, step: FlagStep) -> FlagState:
    """The state `step` leads the flag to; raises FlagTransitionRefused where it may not."""
    allowed, following = FLAG_TRANSITIONS[step]
    if flag.state not in allowed:
        raise FlagTransitionRefused(flag, step)
    return following


# The words after `/flag 3` that move a flag; the state words name the step leading there.
_STEP_WORDS = {
    FlagStep.DISCUSS: FlagState.DISCUSSED,
    FlagStep.PROGRESS: FlagState.IN_PROGRESS,
}
_OPEN_WORDS = frozenset(normalise(word) for word in ("open", "offen", "відкриті"))
_EXPORT_WORDS = frozenset(normalise(word) for word in ("xlsx", "export", "excel", "експорт"))


@dataclass(frozen=True)
class FlagMove:
    """`/flag 3 discussed [note]`, `/flag 3 progress <partners/actions>` or
    `/closeflag 3 <outcome>`."""

    flag_id: int
    step: FlagStep
    text: str | None


def is_flag_move(arguments: str) -> bool:
    """`/flag 3 discussed …` moves a flag; `/flag F-0042 wartezeit: …` raises one."""
    tokens = arguments.split(maxsplit=2)
    return (
        len(tokens) >= 2
        and FLAG_NUMBER.match(tokens[0]) is not None
        and step_of_word(tokens[1]) is not None
    )


def step_of_word(word: str) -> FlagStep | None:
    state = FlagState.parse(word)
    return next((step for step, named in _STEP_WORDS.items() if named is state), None)


def parse_flag_move(arguments: str) -> FlagMove:
    """The arguments of a move (is_flag_move is true): a note is optional when discussed,
    partners and actions are needed for progress."""
    tokens = arguments.split(maxsplit=2)
    step = step_of_word(tokens[1])
    number = FLAG_NUMBER.match(tokens[0])
    assert step is not None and number is not None
    text = check_note(tokens[2]) if len(tokens) > 2 else None
    if step is FlagStep.PROGRESS and not text:
        raise ParseError(
            _("Which partners, and what actions? Example: {example}").format(
                example=PROGRESS_EXAMPLE
            )
        )
    return FlagMove(int(number.group(1)), step, text)


@dataclass(frozen=True)
class FlagsRequest:
    """`/flags [open|reported|discussed|progress|closed] [xlsx]`: which flags, and whether
    as a workbook."""

    states: frozenset[FlagState]
    export: bool


def parse_flags_request(arguments: list[str]) -> FlagsRequest:
    """The open flags unless a state is named; every flag for an export without one."""
    export = False
    states: frozenset[FlagState] | None = None
    for word in arguments:
        key = normalise(word)
        state = FlagState.parse(word)
        if key in _EXPORT_WORDS:
            export = True
        elif key in _OPEN_WORDS:
            states = OPEN_FLAG_STATES
        elif state is not None:
            states = frozenset({state})
        else:
            raise ParseError(
                _(
                    "“{word}” is neither a state nor xlsx. Examples: /flags discussed, "
                    "/flags closed, /flags xlsx"
                ).format(word=quoted(word))
            )
    if states is None:
        states = frozenset(FlagState) if export else OPEN_FLAG_STATES
    return FlagsRequest(states, export)


def parse_flag(arguments: str) -> tuple[int, FlagCategory, str]:
    """`/flag F-0042 <category>: <text>`."""
    structured, text = split_note(arguments)
    tokens = join_phrases(structured).split()
    example = FLAG_EXAMPLE
    if len(tokens) != 2 or not text:
        raise ParseError(
            _(
                "Please give family code, category and a description after a colon. "
                "Categories: wartezeit, angebot, schnittstelle, sonstiges. Example: {example}"
            ).format(example=example)
        )
    family_id = parse_family_code(tokens[0])
    category = FlagCategory.parse(tokens[1])
    if category is None:
        raise ParseError(
            _(
                "“{word}” is not a category. Categories: wartezeit, angebot, schnittstelle, "
                "sonstiges. Example: {example}"
            ).format(word=quoted(tokens[1]), example=example)
        )
    return family_id, category, text


def flag_line(flag: Flag, raised_on: date) -> str:
    return _("#{id} {code} · {category} · {date}: {text}").format(
        id=flag.id,
        code=flag.family_code,
        category=flag.category.label,
        date=format_date(raised_on),
        text=html.escape(shorten(flag.description, 200)),
    )


def flag_progress_line(flag: Flag) -> str | None:
    """Under a flag in /flags: how far it has come, and with whom; None while reported."""
    text = {
        FlagState.DISCUSSED: flag.discussion,
        FlagState.IN_PROGRESS: flag.actions,
        FlagState.CLOSED: flag.outcome,
    }.get(flag.state)
    if flag.state is FlagState.REPORTED:
        return None
    label = flag.state.label
    return f"   → {label}: {html.escape(shorten(text, 200))}" if text else f"   → {label}"


@dataclass(frozen=True)
class Flag:
    id: int
    family_id: int
    category: FlagCategory
    description: str
    raised_by: int
    raised_at: datetime
    closed_at: datetime | None
    outcome: str | None
    state: FlagState = FlagState.REPORTED
    discussed_at: datetime | None = None
    discussion: str | None = None
    progress_at: datetime | None = None
    actions: str | None = None

    @property
    def family_code(self) -> str:
        return family_code(self.family_id)

    @property
    def open(self) -> bool:
        return self.state is not FlagState.CLOSED


define_terms(
    labels={
        FlagState.REPORTED: lazy_gettext("reported"),
        FlagState.DISCUSSED: lazy_gettext("discussed"),
        FlagState.IN_PROGRESS: lazy_gettext("in progress"),
        FlagState.CLOSED: lazy_gettext("closed"),
    },
    words={
        FlagState.REPORTED: ("reported", "gemeldet", "повідомлено"),
        FlagState.DISCUSSED: ("discussed", "besprochen", "обговорено"),
        FlagState.IN_PROGRESS: (
            "progress", "in progress", "in_progress", "bearbeitung", "in bearbeitung",
            "в роботі", "робота",
        ),
        FlagState.CLOSED: ("closed", "geschlossen", "erledigt", "закрито"),
    },
)  # fmt: skip
