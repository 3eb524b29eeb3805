"""/dataexport: everything stored about one family, for an access request (Art. 15 GDPR)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, lazy_gettext
from bot.handlers.common import command, find_family, remember_case_message, reply
from bot.staff.roles import ADMIN_ONLY

if TYPE_CHECKING:
    from bot.privacy.dataexport import FamilyData

# The export's code (bot.privacy.dataexport) is imported when an export is asked for: the
# running bot does not hold it in between.

COMMANDS = (
    CommandSpec(
        "dataexport",
        lazy_gettext("Everything stored about a family (Art. 15 GDPR): /dataexport F-0042"),
        ADMIN_ONLY,
    ),
)


async def export_family_data(update: Update, context: BotContext) -> None:
    """/dataexport F-0042: the family's data as JSON and as a workbook; audited."""
    if len(context.args) != 1:
        await reply(update, _("Which family? Example: /dataexport F-0042"))
        return
    family = await find_family(update, context, context.args[0])
    if family is None:
        return
    storage, clock, member = context.storage, context.clock, context.member
    now = clock.now()
    # Recorded first, so that the export lists itself among who read the family.
    await storage.audit.record("dataexport", now, member.telegram_id, family.code)
    data = await storage.dataexport.family_data(family.id)
    await update.effective_chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    json_file, workbook = await asyncio.to_thread(_files, data, context, member.handle)
    name = f"kim-dataexport_{family.code}_{clock.local(now):%Y-%m-%d}"
    message = update.effective_message
    sent = await message.reply_document(
        workbook,
        filename=f"{name}.xlsx",
        caption=_(
            "Everything stored about {code}: record, {contacts} contacts, {requests} interpreter "
            "requests, {flags} structural gaps, and who read or changed it. The file contains "
            "personal data: keep it on the county's systems only."
        ).format(
            code=family.code,
            contacts=len(data.contacts),
            requests=len(data.requests),
            flags=len(data.flags),
        ),
    )
    await remember_case_message(context, sent)
    sent = await message.reply_document(
        json_file,
        filename=f"{name}.json",
        caption=_("The same as JSON, machine-readable (Art. 20 GDPR)."),
    )
    await remember_case_message(context, sent)


def _files(data: FamilyData, context: BotContext, by: str) -> tuple[bytes, bytes]:
    from bot.privacy.dataexport import export_json, export_workbook

    now = context.clock.now()
    return export_json(data, now, by), export_workbook(data, context.clock.tz, now, by)


def handlers() -> list[BaseHandler]:
    return [command("dataexport", export_family_data)]
