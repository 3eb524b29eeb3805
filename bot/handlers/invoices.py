"""/invoice: the invoiced cost of a request replaces what was committed for it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_money, lazy_gettext
from bot.funds.money import AmountError, parse_amount
from bot.handlers.common import command, find_request, reply
from bot.handlers.notices import notify_fund_alert, notify_requester
from bot.interpreting.requests import TransitionRefused, refusal_text
from bot.staff.roles import MANAGING_ROLES

COMMANDS = (
    CommandSpec(
        "invoice", lazy_gettext("Record the invoiced cost: /invoice 12 240,50"), MANAGING_ROLES
    ),
)


async def invoice(update: Update, context: BotContext) -> None:
    """/invoice 12 240,50: the invoiced cost replaces the commitment."""
    if len(context.args) != 2:
        await reply(update, _("Which request, and how much? Example: /invoice 12 240,50"))
        return
    request = await find_request(update, context, context.args[0])
    if request is None:
        return
    try:
        amount = parse_amount(context.args[1])
        change = await context.storage.requests.invoice(
            request.id, amount, context.member.telegram_id, context.clock.now()
        )
    except AmountError as error:
        await reply(update, error.message)
        return
    except TransitionRefused as refused:
        await reply(update, refusal_text(refused.request))
        return
    completed = change.request
    fund = await context.storage.funds.get(completed.fund_id)
    figures = await context.storage.funds.figures(fund, context.clock.today())
    await reply(
        update,
        _(
            "Request #{id} invoiced at {amount} (estimated {estimate}). The fund has {available} "
            "available."
        ).format(
            id=completed.id,
            amount=format_money(completed.spent_cents),
            estimate=format_money(completed.estimate_cents),
            available=format_money(figures.available_cents),
        ),
    )
    await notify_requester(
        context,
        completed,
        lazy_gettext("Interpreter request #{id} has been invoiced at {amount}."),
        amount=format_money(completed.spent_cents),
    )
    await notify_fund_alert(context, change.alert)


def handlers() -> list[BaseHandler]:
    return [command("invoice", invoice)]
