"""/approve and /reject, and the Approve and Reject buttons under a new request."""

from __future__ import annotations

import html
from dataclasses import dataclass

from pydantic import Field
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_money, lazy_gettext
from bot.core.parsing import ParseError, check_note
from bot.handlers.common import (
    audit_kept,
    command,
    dialog,
    edit_text,
    end_dialog,
    find_request,
    held_button_expired,
    hold_back,
    remove_buttons,
    reply,
    take_held,
)
from bot.handlers.notices import Decision, DecisionAction, notify_fund_alert, notify_requester
from bot.interpreting.requests import InterpreterRequest, TransitionRefused, refusal_text
from bot.privacy.personal_data import HeldText, find_personal_data
from bot.staff.roles import Role

COORDINATION = frozenset({Role.COORDINATOR})
COMMANDS = (
    CommandSpec("approve", lazy_gettext("Approve a request: /approve 12 [overrun]"), COORDINATION),
    CommandSpec("reject", lazy_gettext("Reject a request: /reject 12 reason"), COORDINATION),
)

REASON = 0


# Save anyway and Edit under a rejection reason held back for its personal data.
class KeepReason(CallbackData, prefix="reject:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditReason(CallbackData, prefix="reject:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


@dataclass(frozen=True)
class Rejection:
    """A rejection held back for its reason; `typed` when the reason was asked for after
    the Reject button (Edit then asks again), not given with /reject."""

    request_id: int
    reason: str
    typed: bool


async def approve_command(update: Update, context: BotContext) -> None:
    """/approve 12, or /approve 12 overrun for a request the fund cannot cover."""
    request = await find_request(update, context, context.args[0] if context.args else None)
    if request is not None:
        overrun = any(arg.lower() in {"overrun", "überziehung"} for arg in context.args[1:])
        await _approve(update, context, request, overrun)


async def decide_button(update: Update, context: BotContext) -> int:
    """Approve (as overrun) directly; Reject asks for the reason first."""
    query = update.callback_query
    if context.member.role is not Role.COORDINATOR:
        await query.answer(_("Only coordinators decide on requests."), show_alert=True)
        return ConversationHandler.END
    decision = Decision.read(query.data)
    request = await context.storage.requests.get(decision.request_id)
    await query.answer()
    if request is None:
        return ConversationHandler.END
    if decision.action is DecisionAction.REJECT:
        context.user_data.rejecting = request.id
        await reply(
            update,
            _("Why is request #{id} rejected? Please type the reason (or /cancel).").format(
                id=request.id
            ),
        )
        return REASON
    await remove_buttons(query)
    await _approve(update, context, request, overrun=decision.action is DecisionAction.OVERRUN)
    return ConversationHandler.END


async def _approve(
    update: Update, context: BotContext, request: InterpreterRequest, overrun: bool
) -> None:
    try:
        change = await context.storage.requests.approve(
            request.id, context.member.telegram_id, context.clock.now(), overrun
        )
    except TransitionRefused as refused:
        await reply(update, refusal_text(refused.request, overrun_needed=True))
        return
    approved = change.request
    text = (
        _("Request #{id} approved as an overrun; {amount} are committed beyond the fund.")
        if approved.overrun
        else _("Request #{id} approved.")
    )
    await reply(update, text.format(id=approved.id, amount=format_money(approved.committed_cents)))
    await notify_requester(
        context, approved, lazy_gettext("Your interpreter request #{id} has been approved.")
    )
    await notify_fund_alert(context, change.alert)


async def reject_command(update: Update, context: BotContext) -> None:
    """/reject 12 reason."""
    parts = update.message.text.split(maxsplit=2)
    request = await find_request(update, context, parts[1] if len(parts) > 1 else None)
    if request is None:
        return
    if len(parts) < 3 or not parts[2].strip():
        await reply(update, _("Please give a reason. Example: /reject 12 no budget for events"))
        return
    await _reject(update, context, request, parts[2], typed=False)


async def reject_reason(update: Update, context: BotContext) -> int:
    """The reason typed after pressing Reject; one held back for its personal data waits for
    Save anyway or Edit in this step."""
    request = await context.storage.requests.get(context.user_data.rejecting)
    context.user_data.rejecting = None
    if request is not None and await _reject(update, context, request, update.message.text):
        return REASON
    return ConversationHandler.END


async def keep_reason(update: Update, context: BotContext) -> int:
    """Save anyway under a held rejection reason: the request is rejected with it."""
    query = update.callback_query
    held = take_held(context, KeepReason.read(query.data).token, Rejection)
    if held is None:
        await held_button_expired(update)
        return ConversationHandler.END
    await query.answer()
    await remove_buttons(query)
    request = await context.storage.requests.get(held.record.request_id)
    if request is not None:
        await audit_kept(context, "request.personal_data_kept", held, f"#{request.id}")
        await _reject(update, context, request, held.record.reason, checked=True)
    return ConversationHandler.END


async def edit_reason(update: Update, context: BotContext) -> int:
    """Edit under a held rejection reason: it is forgotten and asked for again."""
    query = update.callback_query
    held = take_held(context, EditReason.read(query.data).token, Rejection)
    if held is None:
        await held_button_expired(update)
        return ConversationHandler.END
    await query.answer()
    request_id = held.record.request_id
    if held.record.typed:
        context.user_data.rejecting = request_id
        text = _(
            "Nothing was saved. Please type the reason for rejecting request #{id} again, "
            "without personal data (or /cancel)."
        )
        await edit_text(query, text.format(id=request_id))
        return REASON
    text = _(
        "Nothing was saved. Please send /reject {id} again with a reason without personal data."
    )
    await edit_text(query, text.format(id=request_id))
    return ConversationHandler.END


async def _reject(
    update: Update,
    context: BotContext,
    request: InterpreterRequest,
    reason: str,
    typed: bool = True,
    checked: bool = False,
) -> bool:
    """Reject with `reason`; True when the reason is held back for its personal data
    instead (`checked`: its author already chose Save anyway)."""
    try:
        reason = check_note(reason)
        if not checked:
            found = find_personal_data(reason, context.clock.today(), allow_family_codes=True)
            if found:
                token = update.effective_message.message_id
                held = HeldText(token, tuple(found), Rejection(request.id, reason, typed))
                await hold_back(
                    update, context, held, KeepReason(token=token), EditReason(token=token)
                )
                return True
        change = await context.storage.requests.reject(
            request.id, reason, context.member.telegram_id, context.clock.now()
        )
    except ParseError as error:
        await reply(update, error.message)
        return False
    except TransitionRefused as refused:
        await reply(update, refusal_text(refused.request))
        return False
    rejected = change.request
    await reply(update, _("Request #{id} rejected.").format(id=rejected.id))
    await notify_fund_alert(context, change.alert)
    await notify_requester(
        context,
        rejected,
        lazy_gettext("Your interpreter request #{id} has been rejected: {reason}"),
        case_details=True,
        reason=html.escape(reason),
    )
    return False


async def stop_rejecting(update: Update, context: BotContext) -> int:
    context.user_data.rejecting = None
    return await end_dialog(update)


def handlers() -> list[BaseHandler]:
    typed = filters.TEXT & ~filters.COMMAND
    return [
        dialog(
            entry_points=[CallbackQueryHandler(decide_button, pattern=Decision.matches)],
            states={
                REASON: [
                    MessageHandler(typed, reject_reason),
                    CallbackQueryHandler(keep_reason, pattern=KeepReason.matches),
                    CallbackQueryHandler(edit_reason, pattern=EditReason.matches),
                ]
            },
            fallbacks=[command("cancel", stop_rejecting)],
            name="reject",
        ),
        command("approve", approve_command),
        command("reject", reject_command),
        # Under a reason given with /reject, outside the dialog.
        CallbackQueryHandler(keep_reason, pattern=KeepReason.matches),
        CallbackQueryHandler(edit_reason, pattern=EditReason.matches),
    ]
