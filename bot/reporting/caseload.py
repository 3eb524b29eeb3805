"""The caseload: active families per case manager and per full-time position."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.core.i18n import _, format_count, format_date, format_number, ngettext
from bot.core.parsing import ParseError, parse_full_date, quoted
from bot.staff.staff import FteShare

FTE_EXAMPLE = "/fte @anna_kim 0,8 from 01.01.2026"
# "from" in the languages staff type, before the first day of a share.
_FROM_WORDS = frozenset({"from", "ab", "von", "vom", "від", "з"})


@dataclass(frozen=True)
class Caseload:
    """Active families now: the largest caseloads as (case manager, active families, of those
    fled from Ukraine), most families first, and the totals over every case manager."""

    largest: list[tuple[int, int, int]]
    case_managers: int
    families: int
    fled: int

    @property
    def not_shown(self) -> int:
        """Case managers with active families beyond the largest."""
        return self.case_managers - len(self.largest)


def caseload_line(name: str, fte_permille: int | None, families: int, fled: int) -> str:
    """One person's active families, and per full-time position where configured."""
    line = ngettext(
        "{name}: {count} family ({ukraine} from Ukraine)",
        "{name}: {count} families ({ukraine} from Ukraine)",
        families,
    ).format(name=html.escape(name), count=format_count(families), ukraine=format_count(fled))
    if fte_permille:
        fte = Decimal(fte_permille) / 1000
        line += " · " + _("{fte} FTE: {per} per full-time position").format(
            fte=format_number(fte), per=format_number((families / fte).quantize(Decimal("0.1")))
        )
    return line


def parse_full_time_share(text: str) -> Decimal | None:
    """0,8 or 0.75: a share of a full-time position, to a thousandth."""
    try:
        share = Decimal(text.replace(",", "."))
    except ArithmeticError:
        return None
    if not share.is_finite() or not 0 <= share <= 1 or share != share.quantize(Decimal("0.001")):
        return None
    return share


@dataclass(frozen=True)
class FteOrder:
    """/fte as typed: whose share (as typed), the share (None: show the history), from when."""

    person: str
    share: Decimal | None
    valid_from: date


def parse_fte(args: Sequence[str], today: date) -> FteOrder:
    """`@person` (the history), `@person 0,8` (from today) or `@person 0,8 from 01.01.2026`."""
    if not args or len(args) > 4 or len(args) == 3:
        raise ParseError(
            _("Whose full-time equivalent? Example: {example}").format(example=FTE_EXAMPLE)
        )
    if len(args) == 1:
        return FteOrder(args[0], None, today)
    share = parse_full_time_share(args[1])
    if share is None:
        raise ParseError(
            _(
                "“{text}” is not a share of a full-time position from 0 to 1. Example: {example}"
            ).format(text=quoted(args[1], 20), example=FTE_EXAMPLE)
        )
    if len(args) == 2:
        return FteOrder(args[0], share, today)
    if args[2].casefold() not in _FROM_WORDS:
        raise ParseError(
            _("“{text}” is not understood here. Example: {example}").format(
                text=quoted(args[2], 20), example=FTE_EXAMPLE
            )
        )
    return FteOrder(args[0], share, parse_full_date(args[3], FTE_EXAMPLE))


def fte_set_text(name: str, share: Decimal, valid_from: date) -> str:
    return _("{name}: {fte} of a full-time position from {date}.").format(
        name=html.escape(name), fte=format_number(share), date=format_date(valid_from)
    )


def fte_history_text(name: str, history: Sequence[FteShare]) -> str:
    """A person's shares of a full-time position over time, as /fte @person shows them."""
    if not history:
        return _("{name} has no share of a full-time position yet. Example: {example}").format(
            name=html.escape(name), example=FTE_EXAMPLE
        )
    lines = [_("<b>Shares of a full-time position: {name}</b>").format(name=html.escape(name))]
    lines += [
        "• "
        + _("from {date}: {fte}").format(
            date=format_date(share.valid_from), fte=format_number(Decimal(share.permille) / 1000)
        )
        for share in history
    ]
    lines += ["", _("To change it from a day on: {example}").format(example=FTE_EXAMPLE)]
    return "\n".join(lines)
