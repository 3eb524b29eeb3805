"""Structural-gap flags: cases that show where structures must improve."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

from bot.casework.families import family_code, parse_family_code
from bot.casework.vocabulary import FlagCategory
from bot.core.i18n import _, format_date
from bot.core.parsing import ParseError, quoted, split_note
from bot.core.terms import join_phrases
from bot.core.text import shorten

FLAG_EXAMPLE = "/flag F-0042 wartezeit: 4 Monate Wartezeit auf Termin bei der ABH"


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

    @property
    def family_code(self) -> str:
        return family_code(self.family_id)

    @property
    def open(self) -> bool:
        return self.closed_at is None
