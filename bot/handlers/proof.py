"""/proof: the proof of spending (zahlenmäßiger Nachweis) of a fund as an Excel workbook."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import lazy_gettext
from bot.core.parsing import ParseError
from bot.funds.funds import find_fund
from bot.handlers.common import command, reply
from bot.staff.roles import MANAGING_ROLES

COMMANDS = (
    CommandSpec(
        "proof",
        lazy_gettext(
            "Proof of spending of a fund as Excel, every booking: /proof maßnahmen [from] [to]"
        ),
        MANAGING_ROLES,
    ),
)


async def send_proof(update: Update, context: BotContext) -> None:
    """/proof <fund> [from] [to]: every booking, totals, and the fund's figures; audited."""
    # Imported when a proof is asked for: the running bot does not hold its code in between.
    from bot.reporting.proof import parse_proof, proof_caption, proof_lines, proof_workbook

    storage, clock = context.storage, context.clock
    try:
        fund_text, first, last = parse_proof(context.args)
        fund = find_fund(await storage.funds.all(), fund_text, clock.today())
    except ParseError as error:
        await reply(update, error.message)
        return
    data = await storage.proof.data(fund, clock.today(), clock.tz)
    lines = proof_lines(data, first, last)
    now = clock.now()
    await storage.audit.record(
        "proof",
        now,
        context.member.telegram_id,
        str(fund.id),
        f"{first or ''}..{last or ''} lines={len(lines)}",
    )
    await update.effective_chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    as_of = clock.local(now).replace(tzinfo=None)
    workbook = await asyncio.to_thread(proof_workbook, data, lines, first, last, as_of)
    days = f"_{first or 'start'}_{last or clock.today()}" if first or last else ""
    await update.effective_message.reply_document(
        workbook,
        filename=f"kim-proof_fund-{fund.id}{days}.xlsx",
        caption=proof_caption(data, lines),
    )


def handlers() -> list[BaseHandler]:
    return [command("proof", send_proof)]
