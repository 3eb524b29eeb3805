"""The caseload: active families per case manager and per full-time position."""

from __future__ import annotations

import html
from decimal import Decimal

from bot.core.i18n import _, format_number, ngettext


def caseload_line(name: str, fte_permille: int | None, families: int, fled: int) -> str:
    """One person's active families, and per full-time position where configured."""
    line = ngettext(
        "{name}: {count} family ({ukraine} from Ukraine)",
        "{name}: {count} families ({ukraine} from Ukraine)",
        families,
    ).format(name=html.escape(name), count=families, ukraine=fled)
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
