"""/export: a period's casework as an Excel workbook and a CSV."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, lazy_gettext
from bot.core.parsing import ParseError
from bot.handlers.common import command, reply
from bot.staff.roles import MANAGING_ROLES

if TYPE_CHECKING:
    from bot.reporting.exports import Export

# The export's code (bot.reporting.exports) is imported when an export is asked for: the
# running bot does not hold it in between.

COMMANDS = (
    CommandSpec(
        "export",
        lazy_gettext(
            "Contacts, families, interpreter requests and weekly totals as Excel and CSV: "
            "/export 01.11.2026 30.11.2026"
        ),
        MANAGING_ROLES,
    ),
)

# More contacts than a county logs in years: a state-wide year would not fit a chat.
MAX_CONTACTS = 200_000


async def export(update: Update, context: BotContext) -> None:
    """/export [from] [to]: the current month until today unless a period is given."""
    from bot.reporting.exports import Export, parse_period, period_bounds

    try:
        first, last = parse_period(context.args, context.clock.today())
    except ParseError as error:
        await reply(update, error.message)
        return
    storage = context.storage
    period = {"first": format_date(first), "last": format_date(last)}
    if await storage.exports.count_contacts(first, last) > MAX_CONTACTS:
        await reply(
            update,
            _(
                "From {first} to {last} there are more than {count} contacts, too many for one "
                "file. Please choose a shorter period."
            ).format(**period, count=MAX_CONTACTS),
        )
        return
    tz = context.clock.tz
    start_at, end_at = period_bounds(first, last, tz)
    data = Export(
        first=first,
        last=last,
        contacts=await storage.exports.contacts(first, last),
        families=await storage.exports.families(first, last),
        requests=await storage.exports.requests(start_at, end_at),
        weeks=await storage.exports.weekly_totals(first, last),
        tz=tz,
        active_by_benefit=await storage.figures.active_by_benefit(last + timedelta(days=1)),
    )
    if data.empty:
        await reply(
            update,
            _(
                "Nothing to export from {first} to {last}: no contacts, families or "
                "interpreter requests in this period."
            ).format(**period),
        )
        return
    await storage.audit.record(
        "export",
        context.clock.now(),
        context.member.telegram_id,
        detail=f"{first.isoformat()}..{last.isoformat()} contacts={len(data.contacts)} "
        f"families={len(data.families)} requests={len(data.requests)}",
    )
    await update.effective_chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    workbook, contacts_csv = await asyncio.to_thread(_files, data)
    name = f"kim-export_{first.isoformat()}_{last.isoformat()}"
    message = update.effective_message
    await message.reply_document(
        workbook,
        filename=f"{name}.xlsx",
        caption="\n".join(
            [
                _("KIM export {first} – {last}").format(**period),
                _(
                    "Contacts: {contacts} · Families: {families} · Interpreter requests: {requests}"
                ).format(
                    contacts=len(data.contacts),
                    families=len(data.families),
                    requests=len(data.requests),
                ),
                _(
                    "Families appear only by their code, notes not at all. Keep the file on "
                    "the county's systems only."
                ),
            ]
        ),
    )
    await message.reply_document(
        contacts_csv,
        filename=f"{name}_contacts.csv",
        caption=_("The contacts as CSV (semicolon-separated, for Excel)."),
    )


def _files(data: Export) -> tuple[bytes, bytes]:
    from bot.reporting.exports import contacts_csv_bytes, workbook_bytes

    return workbook_bytes(data), contacts_csv_bytes(data.contacts)


def handlers() -> list[BaseHandler]:
    return [
        command("export", export),
    ]
