"""/budget, /fund and /rates: what the funds have, spend, commit and last; adding next
year's funds; the rate card."""

from __future__ import annotations

import html
from datetime import date, timedelta

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_money, language_name, lazy_gettext
from bot.core.parsing import ParseError, looks_like_full_date, parse_full_date
from bot.funds.budget import (
    budget_block,
    budget_details,
    fund_heading,
    in_budget_order,
    spending_lines,
)
from bot.funds.expenses import category_label
from bot.funds.funds import Fund, FundOverlap, FundPurpose, NewFund, find_fund, next_fund
from bot.funds.money import AmountError, parse_amount
from bot.handlers.common import command, reply
from bot.handlers.notices import notify_fund_alert
from bot.interpreting.rates import RATE_WORDS, parse_rate_count, rate_card_text
from bot.interpreting.requests import Mode
from bot.staff.roles import ADMIN_ONLY, MANAGING_ROLES

COMMANDS = (
    CommandSpec(
        "budget",
        lazy_gettext("Every fund: spent, committed, left and how long it lasts; /budget 2 in full"),
        MANAGING_ROLES,
    ),
    CommandSpec("fund", lazy_gettext("Show and adjust funds, add next year's"), ADMIN_ONLY),
    CommandSpec("rates", lazy_gettext("Show and adjust the rate card"), ADMIN_ONLY),
)

# /budget lists the funds that have not ended, and those that ended this long ago at most.
LISTED_AFTER_END = timedelta(days=366)
FUND_EXAMPLES = (
    "/fund 1 amount 32000 · /fund 1 end 31.12.2026 · /fund next 1 · "
    "/fund new events 10000 01.01.2027 31.12.2027 Veranstaltungen 2027"
)


async def show_budget(update: Update, context: BotContext) -> None:
    """/budget: every fund in a short block; /budget 2 (or /budget maßnahmen): one in full."""
    funds = await context.storage.funds.all()
    today = context.clock.today()
    if not context.args:
        # Funds long ended stay out, so that the list fits a message year after year.
        shown = [fund for fund in funds if fund.ends_on >= today - LISTED_AFTER_END]
        lines = [_("<b>Funds</b>")]
        for fund in in_budget_order(shown):
            figures = await context.storage.funds.figures(fund, today)
            lines += ["", *budget_block(fund, figures)]
        lines.append("")
        if len(shown) < len(funds):
            lines.append(
                _("{count} funds ended more than a year ago; /fund lists every fund.").format(
                    count=len(funds) - len(shown)
                )
            )
        lines.append(_("/budget 2 shows fund #2 in full, with its spending by category."))
        await reply(update, "\n".join(lines))
        return
    try:
        fund = find_fund(funds, " ".join(context.args), today)
    except ParseError as error:
        await reply(update, error.message)
        return
    await reply(update, "\n".join(await _fund_in_full(context, fund)))


async def _fund_in_full(context: BotContext, fund: Fund) -> list[str]:
    storage = context.storage
    figures = await storage.funds.figures(fund, context.clock.today())
    lines = budget_details(fund, figures)
    lines += spending_lines(
        _("<b>By category</b>"),
        [(html.escape(category_label(item.key)), item.spent_cents, None)
         for item in await storage.funds.spending_by_category(fund.id)],
    )  # fmt: skip
    lines += spending_lines(
        _("<b>By language</b>"),
        [(language_name(item.key), item.spent_cents, item.committed_cents)
         for item in await storage.funds.spending_by_language(fund.id)],
    )  # fmt: skip
    lines += spending_lines(
        _("<b>By kind</b>"),
        [(_mode_label(item.key), item.spent_cents, item.committed_cents)
         for item in await storage.funds.spending_by_mode(fund.id)],
    )  # fmt: skip
    return lines


def _mode_label(key: str) -> str:
    if key == "machine":
        return _("machine translation (DeepL)")
    return Mode(key).label


async def manage_funds(update: Update, context: BotContext) -> None:
    """List funds, or: /fund <id> amount <EUR> · /fund <id> end <date> · /fund next <id>
    [amount] [end] · /fund new [purpose] <EUR> <start> <end> <name>"""
    args = context.args
    try:
        if not args:
            await _list_funds(update, context)
        elif args[0].lower() in {"new", "neu"} and len(args) >= 5:
            await _new_fund(update, context, args[1:])
        elif args[0].lower() in {"next", "folge"} and 2 <= len(args) <= 4 and _is_id(args[1]):
            await _next_fund(update, context, int(args[1]), args[2:])
        elif len(args) == 3 and _is_id(args[0]) and args[1].lower() in {"amount", "betrag"}:
            await _change_fund(update, context, int(args[0]), amount=parse_amount(args[2]))
        elif len(args) == 3 and _is_id(args[0]) and args[1].lower() in {"end", "ende"}:
            await _change_fund(update, context, int(args[0]), ends_on=parse_full_date(args[2]))
        else:
            await reply(update, _("Examples: {examples}").format(examples=FUND_EXAMPLES))
    except (AmountError, ParseError) as error:
        await reply(update, error.message)
    except FundOverlap as overlap:
        await reply(update, _overlap_text(overlap.fund))


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9


def _overlap_text(fund: Fund) -> str:
    return _(
        "Fund #{id} {name} ({period}) has the same purpose and covers part of that period. "
        "Funds of one purpose follow each other, so that each day's bookings go to one fund; "
        "next year's fund: /fund next {id}"
    ).format(id=fund.id, name=html.escape(fund.name), period=fund.period)


async def _list_funds(update: Update, context: BotContext) -> None:
    lines = [_("<b>Funds</b>")]
    for fund in await context.storage.funds.all():
        figures = await context.storage.funds.figures(fund, context.clock.today())
        lines.append(
            _("{heading}, {purpose}: {amount}, available {available}").format(
                heading=fund_heading(fund),
                purpose=fund.purpose.label,
                amount=format_money(fund.amount_cents),
                available=format_money(figures.available_cents),
            )
        )
    lines += ["", _("Examples: {examples}").format(examples=FUND_EXAMPLES)]
    await reply(update, "\n".join(lines))


async def _new_fund(update: Update, context: BotContext, args: list[str]) -> None:
    """/fund new [purpose] <EUR> <start> <end> <name>; without a purpose word, "other"."""
    purpose = FundPurpose.parse(args[0])
    if purpose is not None:
        args = args[1:]
    if len(args) < 4:
        await reply(update, _("Examples: {examples}").format(examples=FUND_EXAMPLES))
        return
    amount, start, end, name = args[0], args[1], args[2], " ".join(args[3:])
    new = NewFund(
        name, purpose or FundPurpose.OTHER, parse_amount(amount), parse_full_date(start),
        parse_full_date(end),
    )  # fmt: skip
    await _create_fund(update, context, new)


async def _next_fund(update: Update, context: BotContext, fund_id: int, args: list[str]) -> None:
    """/fund next 1 [amount] [end]: the fund that follows #1, from the day after its end."""
    fund = await context.storage.funds.get(fund_id)
    if fund is None:
        await reply(update, _("There is no fund #{id}. /fund lists them.").format(id=fund_id))
        return
    amount = ends_on = None
    for arg in args:
        if looks_like_full_date(arg):
            ends_on = parse_full_date(arg)
        else:
            amount = parse_amount(arg)
    await _create_fund(update, context, next_fund(fund, amount, ends_on))


async def _create_fund(update: Update, context: BotContext, new: NewFund) -> None:
    if new.ends_on < new.starts_on:
        await reply(update, _("The end must not be before the start."))
        return
    if any(
        fund.name.casefold() == new.name.casefold() for fund in await context.storage.funds.all()
    ):
        await reply(
            update, _("A fund named “{name}” exists already.").format(name=html.escape(new.name))
        )
        return
    fund = await context.storage.funds.create(new, context.member.telegram_id, context.clock.now())
    await reply(
        update,
        _("Fund #{id} created: {heading}, {purpose}, {amount}.").format(
            id=fund.id,
            heading=fund_heading(fund),
            purpose=fund.purpose.label,
            amount=format_money(fund.amount_cents),
        ),
    )


async def _change_fund(
    update: Update,
    context: BotContext,
    fund_id: int,
    *,
    amount: int | None = None,
    ends_on: date | None = None,
) -> None:
    fund = await context.storage.funds.get(fund_id)
    if fund is None:
        await reply(update, _("There is no fund #{id}. /fund lists them.").format(id=fund_id))
        return
    if ends_on is not None and ends_on < fund.starts_on:
        await reply(update, _("The end must not be before the start."))
        return
    alert = await context.storage.funds.change(
        fund.id, context.member.telegram_id, context.clock.now(), amount_cents=amount,
        ends_on=ends_on,
    )  # fmt: skip
    changed = await context.storage.funds.get(fund.id)
    text = _("Fund #{id} changed: {heading}, {amount}.").format(
        id=fund.id, heading=fund_heading(changed), amount=format_money(changed.amount_cents)
    )
    await reply(update, text)
    await notify_fund_alert(context, alert)


async def manage_rates(update: Update, context: BotContext) -> None:
    """Show the rate card, or change one rate: /rates professional 90."""
    rates = await context.storage.funds.rates(context.services.base_rates)
    if not context.args:
        await reply(update, rate_card_text(rates))
        return
    word = context.args[0].lower()
    if word not in RATE_WORDS or len(context.args) != 2:
        await reply(
            update,
            _("Which rate? {names}. Example: /rates professional 90").format(
                names=", ".join(RATE_WORDS)
            ),
        )
        return
    name, is_money = RATE_WORDS[word]
    try:
        value = parse_amount(context.args[1]) if is_money else parse_rate_count(context.args[1])
    except AmountError as error:
        await reply(update, error.message)
        return
    await context.storage.funds.set_rate(
        name, value, context.member.telegram_id, context.clock.now()
    )
    await reply(
        update, rate_card_text(await context.storage.funds.rates(context.services.base_rates))
    )


def handlers() -> list[BaseHandler]:
    return [
        command("budget", show_budget),
        command("fund", manage_funds),
        command("rates", manage_rates),
    ]
