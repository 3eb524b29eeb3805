"""/flag, /flags and /closeflag: cases that show where structures must improve."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import Field
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.casework.families import Family
from bot.casework.flags import FLAG_EXAMPLE, flag_line, parse_flag
from bot.casework.vocabulary import FlagCategory
from bot.context import BotContext
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, lazy_gettext
from bot.core.parsing import ParseError, check_note
from bot.handlers.common import (
    audit_kept,
    command,
    edit_text,
    held_button_expired,
    hold_back,
    load_family,
    page_of,
    page_row,
    remove_buttons,
    reply,
    show_page,
    take_held,
)
from bot.handlers.notices import notify_flag
from bot.privacy.personal_data import HeldText, find_personal_data
from bot.staff.roles import CASEWORK_ROLES, Role

_FLAG_NUMBER = re.compile(r"^#?([0-9]{1,9})$")

CLOSE_FLAG_EXAMPLE = "/closeflag 3 Termin-Kontingent mit der ABH vereinbart"
# A flag line is at most about 270 characters: ten stay well within a message.
PAGE_SIZE = 10


class FlagsPage(CallbackData, prefix="flags"):
    page: int = Field(ge=0, le=9999)


# Save anyway and Edit under a flag text held back for its personal data.
class KeepFlagText(CallbackData, prefix="flag:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditFlagText(CallbackData, prefix="flag:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


class KeepOutcome(CallbackData, prefix="closeflag:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditOutcome(CallbackData, prefix="closeflag:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


@dataclass(frozen=True)
class ClosedFlag:
    """A /closeflag held back for its outcome, until Save anyway or Edit."""

    flag_id: int
    outcome: str


@dataclass(frozen=True)
class RaisedFlag:
    """A /flag held back for its text, until Save anyway or Edit."""

    family_id: int
    category: FlagCategory
    description: str


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
    # A family code in the text is the bot's own pseudonym, not a detail to warn about.
    found = find_personal_data(description, context.clock.today(), allow_family_codes=True)
    if found:
        token = update.message.message_id
        held = HeldText(token, tuple(found), RaisedFlag(family.id, category, description))
        await hold_back(update, context, held, KeepFlagText(token=token), EditFlagText(token=token))
        return
    await _store_flag(update, context, family, category, description)


async def keep_flag_text(update: Update, context: BotContext) -> None:
    """Save anyway under a held flag text: the flag is raised as typed."""
    query = update.callback_query
    held = take_held(context, KeepFlagText.read(query.data).token, RaisedFlag)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    await remove_buttons(query)
    raised = held.record
    family = await load_family(update, context, raised.family_id, active=True)
    if family is not None:
        await audit_kept(context, "flag.personal_data_kept", held, family.code)
        await _store_flag(update, context, family, raised.category, raised.description)


async def edit_flag_text(update: Update, context: BotContext) -> None:
    """Edit under a held flag text: it is forgotten; the person sends it again."""
    query = update.callback_query
    if take_held(context, EditFlagText.read(query.data).token, RaisedFlag) is None:
        await held_button_expired(update)
        return
    await query.answer()
    await edit_text(
        query,
        _(
            "Nothing was saved. Please send /flag again with a text without personal data, "
            "e.g. {example}"
        ).format(example=FLAG_EXAMPLE),
    )


async def _store_flag(
    update: Update,
    context: BotContext,
    family: Family,
    category: FlagCategory,
    description: str,
) -> None:
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
    example = CLOSE_FLAG_EXAMPLE
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
    found = find_personal_data(outcome, context.clock.today(), allow_family_codes=True)
    if found:
        token = update.message.message_id
        held = HeldText(token, tuple(found), ClosedFlag(flag.id, outcome))
        await hold_back(update, context, held, KeepOutcome(token=token), EditOutcome(token=token))
        return
    await _close_flag(update, context, flag.id, outcome)


async def keep_outcome(update: Update, context: BotContext) -> None:
    """Save anyway under a held outcome: the flag is closed with it as typed."""
    query = update.callback_query
    held = take_held(context, KeepOutcome.read(query.data).token, ClosedFlag)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    await remove_buttons(query)
    flag = await context.storage.flags.get(held.record.flag_id)
    if flag is None or not flag.open:
        await reply(update, _("Flag #{id} is closed already.").format(id=held.record.flag_id))
        return
    await audit_kept(context, "flag.personal_data_kept", held, flag.family_code)
    await _close_flag(update, context, flag.id, held.record.outcome)


async def edit_outcome(update: Update, context: BotContext) -> None:
    """Edit under a held outcome: it is forgotten; the person sends it again."""
    query = update.callback_query
    if take_held(context, EditOutcome.read(query.data).token, ClosedFlag) is None:
        await held_button_expired(update)
        return
    await query.answer()
    await edit_text(
        query,
        _(
            "Nothing was saved. Please send /closeflag again with an outcome without personal "
            "data, e.g. {example}"
        ).format(example=CLOSE_FLAG_EXAMPLE),
    )


async def _close_flag(update: Update, context: BotContext, flag_id: int, outcome: str) -> None:
    await context.storage.flags.close(
        flag_id, outcome, context.member.telegram_id, context.clock.now()
    )
    await reply(update, _("Flag #{id} closed.").format(id=flag_id))


def handlers() -> list[BaseHandler]:
    return [
        command("flag", raise_flag),
        command("flags", list_flags),
        CallbackQueryHandler(turn_page, pattern=FlagsPage.matches),
        CallbackQueryHandler(keep_flag_text, pattern=KeepFlagText.matches),
        CallbackQueryHandler(edit_flag_text, pattern=EditFlagText.matches),
        command("closeflag", close_flag),
        CallbackQueryHandler(keep_outcome, pattern=KeepOutcome.matches),
        CallbackQueryHandler(edit_outcome, pattern=EditOutcome.matches),
    ]
