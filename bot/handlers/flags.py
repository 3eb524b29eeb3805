"""/flag, /flags and /closeflag: cases that show where structures must improve."""

from __future__ import annotations

import re

from pydantic import Field
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.casework.flags import flag_line, parse_flag
from bot.context import BotContext
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, lazy_gettext
from bot.core.parsing import ParseError, check_note
from bot.handlers.common import command, load_family, page_of, page_row, reply, show_page
from bot.handlers.notices import notify_flag
from bot.staff.roles import CASEWORK_ROLES, Role

_FLAG_NUMBER = re.compile(r"^#?([0-9]{1,9})$")

# A flag line is at most about 270 characters: ten stay well within a message.
PAGE_SIZE = 10


class FlagsPage(CallbackData, prefix="flags"):
    page: int = Field(ge=0, le=9999)


COMMANDS = (
    CommandSpec(
        "flag",
        lazy_gettext("Report a structural gap: /flag F-0042 wartezeit: text"),
        CASEWORK_ROLES,
    ),
    CommandSpec(
        "flags", lazy_gettext("Open structural gaps to discuss"), frozenset({Role.COORDINATOR})
    ),
    CommandSpec(
        "closeflag",
        lazy_gettext("Close a structural gap with its outcome: /closeflag 3 outcome"),
        frozenset({Role.COORDINATOR}),
    ),
)


async def raise_flag(update: Update, context: BotContext) -> None:
    """Mark a case as showing a structural gap; coordinators are told at once."""
    text = update.message.text.split(maxsplit=1)
    try:
        family_id, category, description = parse_flag(text[1] if len(text) > 1 else "")
    except ParseError as error:
        await reply(update, error.message)
        return
    family = await load_family(update, context, family_id, active=True)
    if family is None:
        return
    flag = await context.storage.flags.add(
        family.id, category, description, context.member.telegram_id, context.clock.now()
    )
    await reply(
        update,
        _("Structural gap #{id} for {code} recorded; the coordination has been told.").format(
            id=flag.id, code=family.code
        ),
    )
    await notify_flag(context, flag)


async def list_flags(update: Update, context: BotContext) -> None:
    """Open structural gaps, oldest first, to discuss and close."""
    await _show_flags(update, context, 0)


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ / ▶ under the open flags."""
    await _show_flags(update, context, FlagsPage.read(update.callback_query.data).page)


async def _show_flags(update: Update, context: BotContext, page: int) -> None:
    flags = await context.storage.flags.open_flags()
    if not flags:
        await show_page(update, _("No open structural gaps."), [])
        return
    shown, page, pages = page_of(flags, page, PAGE_SIZE)
    # The flags' texts are case details of several families: each page shown is a read.
    await context.storage.audit.record(
        "flags.view",
        context.clock.now(),
        context.member.telegram_id,
        detail=",".join(flag.family_code for flag in shown),
    )
    lines = [_("<b>Open structural gaps ({count})</b>").format(count=len(flags))]
    lines += [flag_line(flag, context.clock.local(flag.raised_at).date()) for flag in shown]
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    lines += [
        "",
        _("Close one with its outcome: /closeflag 3 Termin-Kontingent mit der ABH vereinbart"),
    ]
    navigation = page_row(page, pages, lambda to: FlagsPage(page=to))
    await show_page(update, "\n".join(lines), navigation)


async def close_flag(update: Update, context: BotContext) -> None:
    """Close a flag with what came of it."""
    parts = update.message.text.split(maxsplit=2)
    example = "/closeflag 3 Termin-Kontingent mit der ABH vereinbart"
    number = _FLAG_NUMBER.match(parts[1]) if len(parts) > 1 else None
    if len(parts) < 3 or number is None:
        await reply(
            update,
            _("Which flag, and what was the outcome? Example: {example}").format(example=example),
        )
        return
    flag = await context.storage.flags.get(int(number.group(1)))
    if flag is None or not flag.open:
        await reply(
            update,
            _("There is no open flag #{id}. /flags lists the open ones.").format(
                id=number.group(1)
            ),
        )
        return
    try:
        outcome = check_note(parts[2])
    except ParseError as error:
        await reply(update, error.message)
        return
    await context.storage.flags.close(
        flag.id, outcome, context.member.telegram_id, context.clock.now()
    )
    await reply(update, _("Flag #{id} closed.").format(id=flag.id))


def handlers() -> list[BaseHandler]:
    return [
        command("flag", raise_flag),
        command("flags", list_flags),
        CallbackQueryHandler(turn_page, pattern=FlagsPage.matches),
        command("closeflag", close_flag),
    ]
