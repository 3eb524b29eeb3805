"""/staffing: funded, filled and vacant positions and money per building block on a date."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, format_money, lazy_gettext
from bot.core.parsing import ParseError, parse_full_date, quoted
from bot.funds.money import AmountError, parse_amount
from bot.handlers.common import command, reply
from bot.reporting.staffing import (
    Block,
    parse_block,
    parse_positions,
    positions,
    staffing_table,
    staffing_text,
)
from bot.staff.roles import MANAGING_ROLES

COMMANDS = (
    CommandSpec(
        "staffing",
        lazy_gettext("Funded, filled and vacant positions and money per building block"),
        MANAGING_ROLES,
    ),
)

EXAMPLES = (
    "/staffing 21.11.2022 · "
    "/staffing set case_management funded 14,0 money 980.000 from 01.01.2026 · "
    "/staffing vacant case_management 2,88"
)
# The words of `/staffing set`, in the languages staff type, and the value each one sets.
_KEYWORDS = {
    "funded": "funded_permille",
    "gefördert": "funded_permille",
    "vacant": "vacant_permille",
    "offen": "vacant_permille",
    "money": "money_cents",
    "geld": "money_cents",
    "from": "valid_from",
    "ab": "valid_from",
}


async def staffing(update: Update, context: BotContext) -> None:
    args = context.args
    try:
        if args and args[0].casefold() in ("set", "vacant", "offen"):
            await _change(update, context, args)
        elif len(args) <= 1:
            on = parse_full_date(args[0]) if args else context.clock.today()
            await _show(update, context, on)
        else:
            raise ParseError(_("Examples: {examples}").format(examples=EXAMPLES))
    except (ParseError, AmountError) as error:
        await reply(update, error.message)


async def _show(update: Update, context: BotContext, on: date) -> None:
    store = context.storage.staffing
    table = staffing_table(await store.entered(on), await store.filled(on))
    families = await store.case_management_families(on)
    await reply(update, staffing_text(on, table, families))


def _block(word: str) -> Block:
    block = parse_block(word)
    if block is None:
        raise ParseError(
            _("“{text}” is not a building block. Blocks: {blocks}").format(
                text=quoted(word, 40), blocks=", ".join(block.value for block in Block)
            )
        )
    return block


def _positions(word: str) -> int:
    value = parse_positions(word)
    if value is None:
        raise ParseError(
            _("“{text}” is not a number of positions. Examples: 14,0 · 2,88").format(
                text=quoted(word, 20)
            )
        )
    return value


def _changes(args: list[str], today: date) -> tuple[Block, date, dict[str, int]]:
    """`set <block> funded 14,0 money 980.000 vacant 2,88 from 01.01.2026` or
    `vacant <block> 2,88 [from 01.01.2026]`."""
    if len(args) < 3:
        raise ParseError(_("Examples: {examples}").format(examples=EXAMPLES))
    block = _block(args[1])
    pairs = args[2:]
    if args[0].casefold() != "set":
        pairs = ["vacant", *pairs]
    if len(pairs) % 2:
        raise ParseError(_("Examples: {examples}").format(examples=EXAMPLES))
    valid_from, changes = today, {}
    for keyword, value in zip(pairs[::2], pairs[1::2], strict=True):
        key = _KEYWORDS.get(keyword.casefold())
        if key is None:
            message = _("“{text}” is not one of funded, vacant, money, from. Examples: {examples}")
            raise ParseError(message.format(text=quoted(keyword, 20), examples=EXAMPLES))
        if key == "valid_from":
            valid_from = parse_full_date(value)
        elif key == "money_cents":
            changes[key] = parse_amount(value)
        else:
            changes[key] = _positions(value)
    if not changes:
        raise ParseError(_("Examples: {examples}").format(examples=EXAMPLES))
    return block, valid_from, changes


async def _change(update: Update, context: BotContext, args: list[str]) -> None:
    block, valid_from, changes = _changes(args, context.clock.today())
    entered = await context.storage.staffing.change(
        block, valid_from, changes, context.member.telegram_id, context.clock.now()
    )
    await reply(
        update,
        _(
            "{block} from {date}: {funded} funded, {vacant} vacant, {money}. "
            "/staffing shows the table."
        ).format(
            block=block.label,
            date=format_date(valid_from),
            funded=positions(entered.funded),
            vacant=positions(entered.vacant),
            money=format_money(entered.money_cents),
        ),
    )


def handlers() -> list[BaseHandler]:
    return [command("staffing", staffing)]
