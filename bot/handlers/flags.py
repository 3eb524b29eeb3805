"""/flag, /flags and /closeflag: cases that show where structures must improve."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pydantic import Field
from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.casework.families import Family
from bot.casework.flags import (
    CLOSE_FLAG_EXAMPLE,
    DISCUSS_EXAMPLE,
    FLAG_EXAMPLE,
    FLAG_NUMBER,
    FLAG_TRANSITIONS,
    PROGRESS_EXAMPLE,
    FlagMove,
    FlagState,
    FlagStep,
    FlagTransitionRefused,
    flag_line,
    flag_progress_line,
    is_flag_move,
    parse_flag,
    parse_flag_move,
    parse_flags_request,
)
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
from bot.reporting.flags import flags_workbook
from bot.staff.roles import CASEWORK_ROLES, Role

# A flag is at most about 270 characters, and its progress line about 220 more: seven stay
# well within a message.
PAGE_SIZE = 7


class FlagsPage(CallbackData, prefix="flags"):
    """◀ / ▶ under the open flags."""

    page: int = Field(ge=0, le=9999)


class FlagsStatePage(CallbackData, prefix="flags:state"):
    """◀ / ▶ under the flags of one state."""

    page: int = Field(ge=0, le=9999)
    state: FlagState


# Save anyway and Edit under a flag text held back for its personal data.
class KeepFlagText(CallbackData, prefix="flag:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditFlagText(CallbackData, prefix="flag:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


# Save anyway and Edit under a note, partners/actions or outcome held back for its
# personal data (the record is the FlagMove).
class KeepOutcome(CallbackData, prefix="closeflag:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditOutcome(CallbackData, prefix="closeflag:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


_STEP_EXAMPLES = {
    FlagStep.DISCUSS: DISCUSS_EXAMPLE,
    FlagStep.PROGRESS: PROGRESS_EXAMPLE,
    FlagStep.CLOSE: CLOSE_FLAG_EXAMPLE,
}


@dataclass(frozen=True)
class RaisedFlag:
    """A /flag held back for its text, until Save anyway or Edit."""

    family_id: int
    category: FlagCategory
    description: str


COMMANDS = (
    CommandSpec(
        "flag",
        lazy_gettext(
            "Report a structural gap: /flag F-0042 wartezeit: text; coordinators move one: "
            "/flag 3 discussed [note], /flag 3 progress partners/actions"
        ),
        CASEWORK_ROLES,
    ),
    CommandSpec(
        "flags",
        lazy_gettext(
            "Structural gaps by state: /flags [open|reported|discussed|progress|closed] [xlsx]"
        ),
        frozenset({Role.COORDINATOR}),
    ),
    CommandSpec(
        "closeflag",
        lazy_gettext("Close a structural gap with its outcome: /closeflag 3 outcome"),
        frozenset({Role.COORDINATOR}),
    ),
)


async def raise_flag(update: Update, context: BotContext) -> None:
    """Mark a case as showing a structural gap; coordinators are told at once. A coordinator
    moves a flag with `/flag 3 discussed [note]` or `/flag 3 progress <partners/actions>`."""
    text = update.message.text.split(maxsplit=1)
    arguments = text[1] if len(text) > 1 else ""
    if is_flag_move(arguments):
        await _move_command(update, context, arguments)
        return
    try:
        family_id, category, description = parse_flag(arguments)
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
    """/flags [state] [xlsx]: the open structural gaps (or those of one state), oldest first,
    to discuss, take forward and close; or all of them as a workbook."""
    try:
        request = parse_flags_request(context.args or [])
    except ParseError as error:
        await reply(update, error.message)
        return
    if request.export:
        await _send_workbook(update, context, request.states)
        return
    state = next(iter(request.states)) if len(request.states) == 1 else None
    await _show_flags(update, context, 0, state)


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ / ▶ under the open flags."""
    await _show_flags(update, context, FlagsPage.read(update.callback_query.data).page, None)


async def turn_state_page(update: Update, context: BotContext) -> None:
    """◀ / ▶ under the flags of one state."""
    data = FlagsStatePage.read(update.callback_query.data)
    await _show_flags(update, context, data.page, data.state)


async def _show_flags(
    update: Update, context: BotContext, page: int, state: FlagState | None
) -> None:
    if state is None:
        flags = await context.storage.flags.open_flags()
        heading = _("<b>Open structural gaps ({count})</b>").format(count=len(flags))
        empty = _("No open structural gaps.")
    else:
        flags = await context.storage.flags.in_states(frozenset({state}))
        heading = _("<b>Structural gaps, {state} ({count})</b>").format(
            state=state.label, count=len(flags)
        )
        empty = _("No structural gaps are {state}.").format(state=state.label)
    if not flags:
        await show_page(update, empty, [])
        return
    shown, page, pages = page_of(flags, page, PAGE_SIZE)
    # The flags' texts are case details of several families: each page shown is a read.
    await context.storage.audit.record(
        "flags.view",
        context.clock.now(),
        context.member.telegram_id,
        detail=",".join(flag.family_code for flag in shown),
    )
    lines = [heading]
    for flag in shown:
        lines.append(flag_line(flag, context.clock.local(flag.raised_at).date()))
        progress = flag_progress_line(flag)
        if progress:
            lines.append(progress)
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    lines += [
        "",
        _("Move one on: /flag 3 discussed, /flag 3 progress partners/actions, "
          "/closeflag 3 outcome. As a workbook: /flags xlsx"),
    ]  # fmt: skip
    navigation = page_row(
        page,
        pages,
        lambda to: FlagsPage(page=to) if state is None else FlagsStatePage(page=to, state=state),
    )
    await show_page(update, "\n".join(lines), navigation)


async def _send_workbook(update: Update, context: BotContext, states: frozenset[FlagState]) -> None:
    """The flags of these states as a workbook: codes, dates per state, partners and
    actions, outcomes; no descriptions. Audited with the families it names."""
    clock = context.clock
    flags = await context.storage.flags.in_states(states)
    now = clock.now()
    await context.storage.audit.record(
        "flags.export",
        now,
        context.member.telegram_id,
        # As for a page of /flags: the families it names, so that /audit finds the export.
        detail=",".join(flag.family_code for flag in flags),
    )
    await update.effective_chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    workbook = await asyncio.to_thread(flags_workbook, flags, clock.tz)
    await update.effective_message.reply_document(
        workbook,
        filename=f"kim-structural-gaps_{clock.today()}.xlsx",
        caption=_("{count} structural gaps; descriptions are left out.").format(count=len(flags)),
    )


async def close_flag(update: Update, context: BotContext) -> None:
    """Close a flag with what came of it."""
    parts = update.message.text.split(maxsplit=2)
    number = FLAG_NUMBER.match(parts[1]) if len(parts) > 1 else None
    if len(parts) < 3 or number is None:
        await reply(
            update,
            _("Which flag, and what was the outcome? Example: {example}").format(
                example=CLOSE_FLAG_EXAMPLE
            ),
        )
        return
    try:
        move = FlagMove(int(number.group(1)), FlagStep.CLOSE, check_note(parts[2]))
    except ParseError as error:
        await reply(update, error.message)
        return
    await _check_move(update, context, move)


async def _move_command(update: Update, context: BotContext, arguments: str) -> None:
    """`/flag 3 discussed [note]` or `/flag 3 progress <partners/actions>`: coordinators."""
    if context.member.role is not Role.COORDINATOR:
        await reply(
            update, _("Only the coordination moves a structural gap on; /flag F-0042 raises one.")
        )
        return
    try:
        move = parse_flag_move(arguments)
    except ParseError as error:
        await reply(update, error.message)
        return
    await _check_move(update, context, move)


async def _check_move(update: Update, context: BotContext, move: FlagMove) -> None:
    """Refuse a step the flag's state does not allow; hold back a text with personal data."""
    flag = await context.storage.flags.get(move.flag_id)
    if flag is None or not flag.open:
        await reply(
            update,
            _("There is no open flag #{id}. /flags lists the open ones.").format(id=move.flag_id),
        )
        return
    found = move.text and find_personal_data(
        move.text, context.clock.today(), allow_family_codes=True
    )
    if found:
        token = update.message.message_id
        held = HeldText(token, tuple(found), move)
        await hold_back(update, context, held, KeepOutcome(token=token), EditOutcome(token=token))
        return
    await _move(update, context, move)


async def keep_outcome(update: Update, context: BotContext) -> None:
    """Save anyway under a held text: the flag is moved with it as typed."""
    query = update.callback_query
    held = take_held(context, KeepOutcome.read(query.data).token, FlagMove)
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
    await _move(update, context, held.record)


async def edit_outcome(update: Update, context: BotContext) -> None:
    """Edit under a held text: it is forgotten; the person sends it again."""
    query = update.callback_query
    held = take_held(context, EditOutcome.read(query.data).token, FlagMove)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    await edit_text(
        query,
        _(
            "Nothing was saved. Please send it again with a text without personal data, "
            "e.g. {example}"
        ).format(example=_STEP_EXAMPLES[held.record.step]),
    )


async def _move(update: Update, context: BotContext, move: FlagMove) -> None:
    try:
        flag = await context.storage.flags.move(
            move.flag_id, move.step, move.text, context.member.telegram_id, context.clock.now()
        )
    except FlagTransitionRefused as refused:
        await reply(
            update,
            _("Flag #{id} is {state}; it cannot be {target} now.").format(
                id=move.flag_id,
                state=refused.flag.state.label,
                target=FLAG_TRANSITIONS[move.step][1].label,
            ),
        )
        return
    if move.step is FlagStep.CLOSE:
        await reply(update, _("Flag #{id} closed.").format(id=flag.id))
        return
    await reply(
        update,
        _("Flag #{id} ({code}) is now {state}.").format(
            id=flag.id, code=flag.family_code, state=flag.state.label
        ),
    )


def handlers() -> list[BaseHandler]:
    return [
        command("flag", raise_flag),
        command("flags", list_flags),
        CallbackQueryHandler(turn_page, pattern=FlagsPage.matches),
        CallbackQueryHandler(turn_state_page, pattern=FlagsStatePage.matches),
        CallbackQueryHandler(keep_flag_text, pattern=KeepFlagText.matches),
        CallbackQueryHandler(edit_flag_text, pattern=EditFlagText.matches),
        command("closeflag", close_flag),
        CallbackQueryHandler(keep_outcome, pattern=KeepOutcome.matches),
        CallbackQueryHandler(edit_outcome, pattern=EditOutcome.matches),
    ]
