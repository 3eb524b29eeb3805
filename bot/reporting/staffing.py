"""Staffing per building block: funded, filled and vacant positions and the money per block.

Funded positions, vacancies and money are entered by coordinators, each valid from a date;
who fills a position comes from the staff list (each person's share of a full-time position,
/fte). Full-time equivalents are kept in thousandths of a position ("permille").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bot.core.i18n import _, format_date, format_fixed, format_money, lazy_gettext
from bot.staff.roles import Team


class Block(StrEnum):
    """The three funded building blocks of KIM."""

    COORDINATION = "coordination"
    CASE_MANAGEMENT = "case_management"
    OFFICES = "offices"

    @property
    def label(self) -> str:
        return str(_BLOCK_LABELS[self])

    @property
    def teams(self) -> tuple[Team, ...]:
        return _BLOCK_TEAMS[self]


_BLOCK_LABELS = {
    Block.COORDINATION: lazy_gettext("Coordination and administration"),
    Block.CASE_MANAGEMENT: lazy_gettext("Case management"),
    Block.OFFICES: lazy_gettext("Immigration and naturalisation office"),
}

_BLOCK_TEAMS = {
    Block.COORDINATION: (Team.COORDINATION, Team.ADMINISTRATION),
    Block.CASE_MANAGEMENT: (Team.CASE_MANAGEMENT,),
    Block.OFFICES: (Team.IMMIGRATION_OFFICE, Team.NATURALISATION_OFFICE),
}

# What people type for a block, compared after casefolding and dropping "-", "_" and spaces.
_BLOCK_WORDS = {
    Block.COORDINATION: ("coordination", "koordination", "administration", "verwaltung"),
    Block.CASE_MANAGEMENT: ("casemanagement", "cm", "fallmanagement"),
    Block.OFFICES: (
        "offices",
        "office",
        "behörden",
        "ausländerbehörde",
        "einbürgerung",
        "immigrationoffice",
        "naturalisationoffice",
        "abh",
    ),
}


def parse_block(text: str) -> Block | None:
    key = text.casefold().replace("-", "").replace("_", "").replace(" ", "")
    return next((block for block, words in _BLOCK_WORDS.items() if key in words), None)


def parse_positions(text: str) -> int | None:
    """14,0 or 2.88: full-time positions (at most 999, to a thousandth) in thousandths."""
    try:
        value = Decimal(text.replace(",", "."))
    except ArithmeticError:
        return None
    if not value.is_finite() or not 0 <= value < 1000:
        return None
    if value != value.quantize(Decimal("0.001")):
        return None
    return int(value * 1000)


@dataclass(frozen=True)
class Entered:
    """What coordinators entered for a block, valid from `valid_from`."""

    valid_from: date
    funded: int  # thousandths of a position
    vacant: int
    money_cents: int


@dataclass(frozen=True)
class BlockStaffing:
    block: Block
    funded: int
    filled: int
    vacant: int
    money_cents: int

    @property
    def adds_up(self) -> bool:
        return self.filled + self.vacant == self.funded


def staffing_table(
    entered: dict[Block, Entered], filled_by_team: dict[Team, int]
) -> list[BlockStaffing]:
    """Every block on a date; a block nothing was entered for counts as nothing funded."""
    table = []
    for block in Block:
        values = entered.get(block)
        table.append(
            BlockStaffing(
                block,
                funded=values.funded if values else 0,
                filled=sum(filled_by_team.get(team, 0) for team in block.teams),
                vacant=values.vacant if values else 0,
                money_cents=values.money_cents if values else 0,
            )
        )
    return table


def total(table: list[BlockStaffing]) -> BlockStaffing:
    return BlockStaffing(
        Block.CASE_MANAGEMENT,  # unused for the total
        funded=sum(row.funded for row in table),
        filled=sum(row.filled for row in table),
        vacant=sum(row.vacant for row in table),
        money_cents=sum(row.money_cents for row in table),
    )


def positions(permille: int) -> str:
    """Thousandths of a position as a committee report writes them: 7620 → "7,62"."""
    return format_fixed(Decimal(permille) / 1000, 2)


def _row(label: str, row: BlockStaffing) -> str:
    return _("{label}: {funded} funded, {filled} filled, {vacant} vacant, {money}").format(
        label=label,
        funded=positions(row.funded),
        filled=positions(row.filled),
        vacant=positions(row.vacant),
        money=format_money(row.money_cents),
    )


def mismatch_line(row: BlockStaffing) -> str:
    return _("{label}: {filled} filled + {vacant} vacant = {sum}, not {funded} funded").format(
        label=row.block.label,
        filled=positions(row.filled),
        vacant=positions(row.vacant),
        sum=positions(row.filled + row.vacant),
        funded=positions(row.funded),
    )


def caseload_per_position(families: int, filled: int) -> str | None:
    if not filled:
        return None
    per = (Decimal(families) * 1000 / filled).quantize(Decimal("0.1"))
    return _(
        "{families} active families on {positions} filled case management positions: "
        "{per} per position"
    ).format(families=families, positions=positions(filled), per=format_fixed(per, 1))


def staffing_text(on: date, table: list[BlockStaffing], case_management_families: int) -> str:
    """The table as a committee report shows it, with the check that filled + vacant = funded."""
    lines = [_("<b>Positions on {date}</b>").format(date=format_date(on))]
    lines += ["• " + _row(row.block.label, row) for row in table]
    lines.append("<b>" + _row(_("Total"), total(table)) + "</b>")
    lines.append("")
    wrong = [row for row in table if not row.adds_up]
    if wrong:
        lines.append(_("⚠️ Filled + vacant is not what is funded:"))
        lines += ["• " + mismatch_line(row) for row in wrong]
    else:
        lines.append(_("✅ Filled + vacant = funded in every building block."))
    cm_filled = next(row.filled for row in table if row.block is Block.CASE_MANAGEMENT)
    caseload = caseload_per_position(case_management_families, cm_filled)
    if caseload:
        lines += ["", caseload]
    lines += [
        "",
        _("Filled: the shares of a position from /fte valid on that date, of staff active then."),
    ]
    return "\n".join(lines)
