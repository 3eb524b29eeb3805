"""/invoice: record a request's invoice, correct it with a line of its own, show its lines."""

from __future__ import annotations

from pydantic import Field
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import BotContext
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_money, lazy_gettext
from bot.core.parsing import ParseError
from bot.handlers.common import (
    audit_kept,
    button,
    command,
    edit_text,
    find_request,
    held_button_expired,
    hold_back,
    remove_buttons,
    reply,
    reply_with_case_details,
    take_held,
)
from bot.handlers.notices import notify_confirmed_invoice, notify_fund_alert, notify_requester
from bot.interpreting.invoices import (
    CorrectionDraft,
    Doubtful,
    HeldInvoice,
    InvoiceDraft,
    InvoiceRefused,
    fund_left_text,
    invoice_lines_text,
    is_correction,
    parse_correction,
    parse_invoice,
    usage_text,
)
from bot.interpreting.requests import InterpreterRequest, Status, TransitionRefused, refusal_text
from bot.privacy.personal_data import HeldText, find_personal_data
from bot.staff.roles import MANAGING_ROLES
from bot.storage.invoices import Invoiced

COMMANDS = (
    CommandSpec(
        "invoice",
        lazy_gettext(
            "Record an invoice: /invoice 12 240,50 payee number date; correct it: /invoice 12 "
            "fix 230,00 reason; show it: /invoice 12"
        ),
        MANAGING_ROLES,
    ),
)


# Confirm and Cancel under an implausible invoice held back.
class ConfirmInvoice(CallbackData, prefix="invoice:ok"):
    token: int = Field(ge=0, le=999_999_999_999)


class DropInvoice(CallbackData, prefix="invoice:drop"):
    token: int = Field(ge=0, le=999_999_999_999)


# Save anyway and Edit under a correction's reason held back for its personal data.
class KeepReason(CallbackData, prefix="invoice:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditReason(CallbackData, prefix="invoice:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


async def invoice(update: Update, context: BotContext) -> None:
    """/invoice 12 240,50 payee number date; /invoice 12 fix 230,00 reason; /invoice 12."""
    parts = update.message.text.split(maxsplit=2)
    if len(parts) < 2:
        await reply(update, usage_text())
        return
    request = await find_request(update, context, parts[1])
    if request is None:
        return
    if len(parts) < 3:
        await _show(update, context, request)
        return
    word, *rest = parts[2].split(maxsplit=1)
    entry: InvoiceDraft | CorrectionDraft
    try:
        if is_correction(word):
            entry = parse_correction(request.id, rest[0] if rest else "")
        else:
            entry = parse_invoice(request.id, parts[2].split(), context.clock.today())
    except ParseError as error:
        await reply(update, error.message)
        return
    token = update.effective_message.message_id
    if isinstance(entry, CorrectionDraft):
        found = find_personal_data(entry.reason, context.clock.today(), allow_family_codes=True)
        if found:
            held = HeldText(token, tuple(found), entry)
            await hold_back(update, context, held, KeepReason(token=token), EditReason(token=token))
            return
    await _book(update, context, entry, token)


async def _show(update: Update, context: BotContext, request: InterpreterRequest) -> None:
    """A request's invoice and corrections; a correction's reason may tell about the case."""
    lines = await context.storage.invoices.lines(request.id)
    text = invoice_lines_text(request, lines, context.clock.tz)
    if any(line.reason for line in lines):
        await reply_with_case_details(update, context, text)
    else:
        await reply(update, text)


async def _book(
    update: Update,
    context: BotContext,
    entry: InvoiceDraft | CorrectionDraft,
    token: int,
    confirmed: bool = False,
) -> None:
    """Store the invoice or correction, or hold an implausible one back for Confirm."""
    store, clock, by = context.storage.invoices, context.clock, context.member.telegram_id
    try:
        if isinstance(entry, CorrectionDraft):
            invoiced = await store.correct(entry, by, clock.now(), clock.tz, confirmed=confirmed)
        else:
            invoiced = await store.record(entry, by, clock.now(), clock.tz, confirmed=confirmed)
    except Doubtful as doubtful:
        context.user_data.held_invoice = HeldInvoice(token, entry)
        await reply(
            update,
            "\n".join([_held_text(entry), doubtful.message, _("Record it anyway?")]),
            reply_markup=InlineKeyboardMarkup(
                [[button(_("Confirm"), ConfirmInvoice(token=token)),
                  button(_("Cancel"), DropInvoice(token=token))]]
            ),
        )  # fmt: skip
        return
    except InvoiceRefused as refused:
        await reply(update, refused.message)
        return
    except TransitionRefused as refused:
        await reply(update, refusal_text(refused.request))
        return
    await _recorded(update, context, entry, invoiced)


def _held_text(entry: InvoiceDraft | CorrectionDraft) -> str:
    if isinstance(entry, CorrectionDraft):
        text = _("⚠ Nothing is recorded yet: please check the correction of request #{id} to "
                 "{amount}.")  # fmt: skip
        return text.format(id=entry.request_id, amount=format_money(entry.total_cents))
    text = _("⚠ Nothing is recorded yet: please check the invoice of {amount} for request #{id}.")
    return text.format(id=entry.request_id, amount=format_money(entry.amount_cents))


async def _recorded(
    update: Update, context: BotContext, entry: InvoiceDraft | CorrectionDraft, invoiced: Invoiced
) -> None:
    request = invoiced.request
    fund = await context.storage.funds.get(request.fund_id)
    figures = await context.storage.funds.figures(fund, context.clock.today())
    if isinstance(entry, CorrectionDraft):
        text = _(
            "The invoice of request #{id} is corrected to {amount} ({difference}); the invoice "
            "as received and every correction stay in its lines: /invoice {id}"
        )
    elif request.status is Status.CANCELLED:
        text = _(
            "Cancellation invoice of {amount} recorded for request #{id}; the request stays "
            "cancelled."
        )
    else:
        text = _("Request #{id} invoiced at {amount} (estimated {estimate}).")
    lines = [
        text.format(
            id=request.id,
            amount=format_money(request.spent_cents),
            estimate=format_money(request.estimate_cents),
            difference=format_money(invoiced.line.amount_cents),
        ),
        fund_left_text(figures),
    ]
    if invoiced.doubts:
        lines.append(_("Recorded as confirmed despite the warning; the coordinators are told."))
    await reply(update, " ".join(lines[:2]) + "".join(f"\n{line}" for line in lines[2:]))
    if request.status is Status.COMPLETED and not isinstance(entry, CorrectionDraft):
        await notify_requester(
            context,
            request,
            lazy_gettext("Interpreter request #{id} has been invoiced at {amount}."),
            # Formatted in the requester's language, not the sender's.
            amount=lambda: format_money(request.spent_cents),
        )
    await notify_confirmed_invoice(context, request, invoiced.doubts)
    await notify_fund_alert(context, invoiced.alert)


async def confirm_invoice(update: Update, context: BotContext) -> None:
    """Confirm under an implausible invoice: recorded, flagged to the coordinators."""
    held = _take(context, ConfirmInvoice.read(update.callback_query.data).token)
    if held is None:
        await held_button_expired(update)
        return
    await update.callback_query.answer()
    await remove_buttons(update.callback_query)
    await _book(update, context, held.entry, held.token, confirmed=True)


async def drop_invoice(update: Update, context: BotContext) -> None:
    """Cancel under an implausible invoice: it is forgotten."""
    held = _take(context, DropInvoice.read(update.callback_query.data).token)
    if held is None:
        await held_button_expired(update)
        return
    await update.callback_query.answer()
    await edit_text(update.callback_query, _("Cancelled. Nothing was stored."))


def _take(context: BotContext, token: int) -> HeldInvoice | None:
    """The held invoice a button belongs to, forgotten as it is taken; None for the button
    of an older warning (or of one already decided)."""
    held = context.user_data.held_invoice
    if held is None or held.token != token:
        return None
    context.user_data.held_invoice = None
    return held


async def keep_reason(update: Update, context: BotContext) -> None:
    """Save anyway under a correction's reason held back: the correction goes on."""
    query = update.callback_query
    held = take_held(context, KeepReason.read(query.data).token, CorrectionDraft)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    await remove_buttons(query)
    await audit_kept(context, "invoice.personal_data_kept", held, f"#{held.record.request_id}")
    await _book(update, context, held.record, held.token)


async def edit_reason(update: Update, context: BotContext) -> None:
    """Edit under a correction's reason held back: it is forgotten."""
    query = update.callback_query
    held = take_held(context, EditReason.read(query.data).token, CorrectionDraft)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    text = _(
        "Nothing was saved. Please send the correction of request #{id} again with a reason "
        "without personal data."
    )
    await edit_text(query, text.format(id=held.record.request_id))


def handlers() -> list[BaseHandler]:
    return [
        command("invoice", invoice),
        CallbackQueryHandler(confirm_invoice, pattern=ConfirmInvoice.matches),
        CallbackQueryHandler(drop_invoice, pattern=DropInvoice.matches),
        CallbackQueryHandler(keep_reason, pattern=KeepReason.matches),
        CallbackQueryHandler(edit_reason, pattern=EditReason.matches),
    ]
