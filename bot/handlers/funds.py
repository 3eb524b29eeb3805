"""/budget, /fund and /rates: what the funds have, spend, commit and last; the rate card."""

from __future__ import annotations

import html
from datetime import date

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, format_money, format_number, language_name, lazy_gettext
from bot.core.parsing import ParseError, parse_full_date
from bot.funds.funds import Fund
from bot.funds.money import AmountError, parse_amount
from bot.handlers.common import command, reply
from bot.handlers.notices import notify_fund_alert
from bot.interpreting.rates import RATE_WORDS, parse_rate_count, rate_card_text
from bot.interpreting.requests import Mode
from bot.staff.roles import ADMIN_ONLY, MANAGING_ROLES

COMMANDS = (
    CommandSpec(
        "budget",
        lazy_gettext("The translation fund: spent, committed, left, and how long it lasts"),
        MANAGING_ROLES,
    ),
    CommandSpec("fund", lazy_gettext("Show and adjust funds"), ADMIN_ONLY),
    CommandSpec("rates", lazy_gettext("Show and adjust the rate card"), ADMIN_ONLY),
)

FUND_EXAMPLES = (
    "/fund 1 amount 32000 · /fund 1 end 31.12.2026 · "
    "/fund new 10000 01.01.2026 31.12.2026 Veranstaltungen"
)


async def show_budget(update: Update, context: BotContext) -> None:
    """Where the translation fund stands, its forecast, and spending by language and mode."""
    fund = await context.storage.funds.translation_fund()
    figures = await context.storage.funds.figures(fund, context.clock.today())
    lines = [
        _fund_heading(fund),
        _("Amount: {amount}").format(amount=format_money(figures.amount_cents)),
        _("Spent: {amount}").format(amount=format_money(figures.spent_cents)),
        _("Committed: {amount}").format(amount=format_money(figures.committed_cents)),
        _("Available: {amount}").format(amount=format_money(figures.available_cents)),
        _("Used (spent and committed): {percent} %").format(
            percent=format_number(figures.used_percent)
        ),
        _("Average spend per week: {amount}").format(
            amount=format_money(figures.weekly_spend_cents)
        ),
        _forecast(figures.exhausted_on, fund.ends_on),
    ]
    by_language = await context.storage.funds.spending_by_language(fund.id)
    if by_language:
        lines += ["", _("<b>By language</b>")]
        lines += [
            _spending_line(language_name(item.key), item.spent_cents, item.committed_cents)
            for item in by_language
        ]
    by_mode = await context.storage.funds.spending_by_mode(fund.id)
    if by_mode:
        lines += ["", _("<b>By kind</b>")]
        lines += [
            _spending_line(_mode_label(item.key), item.spent_cents, item.committed_cents)
            for item in by_mode
        ]
    await reply(update, "\n".join(lines))


def _fund_heading(fund: Fund) -> str:
    return _("<b>{name}</b> ({start} – {end})").format(
        name=html.escape(fund.name),
        start=format_date(fund.starts_on),
        end=format_date(fund.ends_on),
    )


def _forecast(exhausted_on: date | None, ends_on: date) -> str:
    if exhausted_on is None:
        return _("Forecast: nothing used yet.")
    if exhausted_on > ends_on:
        return _("Forecast: at this pace the fund lasts beyond its end on {end}.").format(
            end=format_date(ends_on)
        )
    return _(
        "Forecast: at this pace the fund runs out on {date}, {days} days before its end on {end}."
    ).format(
        date=format_date(exhausted_on),
        days=(ends_on - exhausted_on).days,
        end=format_date(ends_on),
    )


def _spending_line(name: str, spent_cents: int, committed_cents: int) -> str:
    return _("{name}: {spent} spent, {committed} committed").format(
        name=name, spent=format_money(spent_cents), committed=format_money(committed_cents)
    )


def _mode_label(key: str) -> str:
    if key == "machine":
        return _("machine translation (DeepL)")
    return Mode(key).label


async def manage_funds(update: Update, context: BotContext) -> None:
    """List funds, or: /fund <id> amount <EUR> · /fund <id> end <date> · /fund new …"""
    args = context.args
    try:
        if not args:
            await _list_funds(update, context)
        elif args[0].lower() == "new" and len(args) >= 5:
            await _new_fund(update, context, args[1], args[2], args[3], " ".join(args[4:]))
        elif len(args) == 3 and _is_id(args[0]) and args[1].lower() in {"amount", "betrag"}:
            await _change_fund(update, context, int(args[0]), amount=parse_amount(args[2]))
        elif len(args) == 3 and _is_id(args[0]) and args[1].lower() in {"end", "ende"}:
            await _change_fund(update, context, int(args[0]), ends_on=parse_full_date(args[2]))
        else:
            await reply(update, _("Examples: {examples}").format(examples=FUND_EXAMPLES))
    except (AmountError, ParseError) as error:
        await reply(update, error.message)


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9


async def _list_funds(update: Update, context: BotContext) -> None:
    lines = [_("<b>Funds</b>")]
    for fund in await context.storage.funds.all():
        figures = await context.storage.funds.figures(fund, context.clock.today())
        lines.append(
            _("#{id} {heading}: {amount}, available {available}").format(
                id=fund.id,
                heading=_fund_heading(fund),
                amount=format_money(fund.amount_cents),
                available=format_money(figures.available_cents),
            )
        )
    lines += ["", _("Examples: {examples}").format(examples=FUND_EXAMPLES)]
    await reply(update, "\n".join(lines))


async def _new_fund(
    update: Update, context: BotContext, amount: str, start: str, end: str, name: str
) -> None:
    starts_on, ends_on = parse_full_date(start), parse_full_date(end)
    if ends_on < starts_on:
        await reply(update, _("The end must not be before the start."))
        return
    if any(fund.name.casefold() == name.casefold() for fund in await context.storage.funds.all()):
        await reply(
            update, _("A fund named “{name}” exists already.").format(name=html.escape(name))
        )
        return
    fund = await context.storage.funds.create(
        name, parse_amount(amount), starts_on, ends_on, context.member.telegram_id,
        context.clock.now(),
    )  # fmt: skip
    await reply(
        update, _("Fund #{id} created: {heading}.").format(id=fund.id, heading=_fund_heading(fund))
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
        id=fund.id, heading=_fund_heading(changed), amount=format_money(changed.amount_cents)
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
