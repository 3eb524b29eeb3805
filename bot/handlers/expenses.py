"""/spend: book an expense against any fund, or correct one with a correction line; beyond
what the fund has available only when an overrun is confirmed, and then flagged."""

from __future__ import annotations

import html

from pydantic import Field
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import BotContext
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, format_money, lazy_gettext
from bot.core.parsing import ParseError
from bot.funds.expenses import (
    CORRECT_EXAMPLE,
    SPEND_EXAMPLE,
    CorrectionForm,
    NewExpense,
    Spend,
    SpendForm,
    category_label,
    check_booking_day,
    parse_spend,
)
from bot.funds.funds import find_fund, funds_named
from bot.handlers.common import (
    audit_kept,
    button,
    command,
    edit_text,
    held_button_expired,
    hold_back,
    remove_buttons,
    reply,
    take_held,
)
from bot.handlers.notices import coordinators, notify, notify_fund_alert
from bot.privacy.personal_data import HeldText, find_personal_data
from bot.staff.roles import MANAGING_ROLES
from bot.storage.expenses import Booking, Outcome

COMMANDS = (
    CommandSpec(
        "spend",
        lazy_gettext(
            "Book an expense against a fund: /spend maßnahmen 1.200 Firma RE-117 Zweck #kategorie"
        ),
        MANAGING_ROLES,
    ),
)

TOKEN = Field(ge=0, le=999_999_999_999)


# Save anyway and Edit under a purpose or reason held back for its personal data.
class KeepExpenseText(CallbackData, prefix="spend:keep"):
    token: int = TOKEN


class EditExpenseText(CallbackData, prefix="spend:edit"):
    token: int = TOKEN


# Book as overrun and Cancel under an expense the fund cannot cover.
class BookOverrun(CallbackData, prefix="spend:overrun"):
    token: int = TOKEN


class DropOverrun(CallbackData, prefix="spend:drop"):
    token: int = TOKEN


async def spend(update: Update, context: BotContext) -> None:
    """/spend <fund> <amount> <payee> <voucher> [day] <purpose> · /spend correct 12 1.150"""
    text = update.message.text.split(maxsplit=1)
    if len(text) < 2:
        await reply(update, await _usage(context))
        return
    source = (update.message.chat_id, update.message.message_id)
    try:
        form = parse_spend(text[1])
        if isinstance(form, CorrectionForm):
            pending = await _correction(context, form, source)
        else:
            pending = await _expense(context, form, source)
    except ParseError as error:
        await reply(update, error.message)
        return
    free_text = pending.expense.purpose if pending.expense else pending.correction.reason
    # A family code is the bot's own pseudonym; a proof of spending may show it.
    found = find_personal_data(free_text or "", context.clock.today(), allow_family_codes=True)
    if found:
        token = pending.token
        held = HeldText(token, tuple(found), pending)
        await hold_back(
            update, context, held, KeepExpenseText(token=token), EditExpenseText(token=token)
        )
        return
    await _book(update, context, pending, overrun=False)


async def _usage(context: BotContext) -> str:
    funds = await context.storage.funds.all()
    return "\n".join(
        [
            _(
                "Book an expense: /spend fund amount payee voucher-number [day of payment] "
                "purpose. A payee with spaces goes in quotes; a #word in the purpose is its "
                "category. Example: {example}"
            ).format(example=html.escape(SPEND_EXAMPLE, quote=False)),
            _("Correct one (the correction is booked as a line of its own): {example}").format(
                example=CORRECT_EXAMPLE
            ),
            _("Funds: {funds}").format(funds=html.escape(funds_named(funds))),
        ]
    )


async def _expense(context: BotContext, form: SpendForm, source: tuple[int, int]) -> Spend:
    today = context.clock.today()
    booked_on = form.booked_on or today
    # A purpose's word names the fund running on the day of payment.
    fund = find_fund(await context.storage.funds.all(), form.fund, booked_on)
    check_booking_day(booked_on, today, fund.starts_on, fund.ends_on)
    expense = NewExpense(
        fund.id, form.amount_cents, form.payee, form.voucher, form.purpose, form.category,
        booked_on,
    )  # fmt: skip
    return Spend(source, expense=expense)


async def _correction(context: BotContext, form: CorrectionForm, source: tuple[int, int]) -> Spend:
    """The correction of the expense named, or of the expense a named correction line
    corrects."""
    expense = await context.storage.expenses.get(form.expense_id)
    if expense is None:
        raise ParseError(
            _("There is no expense #{id}. Example: {example}").format(
                id=form.expense_id, example=CORRECT_EXAMPLE
            )
        )
    original_id = expense.corrects_id or expense.id
    correction = CorrectionForm(original_id, form.amount_cents, form.reason)
    return Spend(source, correction=correction)


async def keep_expense_text(update: Update, context: BotContext) -> None:
    """Save anyway under a held purpose or reason: the /spend goes on as typed."""
    query = update.callback_query
    held = take_held(context, KeepExpenseText.read(query.data).token, Spend)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    await remove_buttons(query)
    await audit_kept(context, "expense.personal_data_kept", held)
    await _book(update, context, held.record, overrun=False)


async def edit_expense_text(update: Update, context: BotContext) -> None:
    """Edit under a held purpose or reason: it is forgotten; the person sends it again."""
    query = update.callback_query
    if take_held(context, EditExpenseText.read(query.data).token, Spend) is None:
        await held_button_expired(update)
        return
    await query.answer()
    await edit_text(
        query,
        _(
            "Nothing was booked. Please send /spend again with a purpose without personal "
            "data, e.g. {example}"
        ).format(example=html.escape(SPEND_EXAMPLE, quote=False)),
    )


async def book_overrun(update: Update, context: BotContext) -> None:
    """Book as overrun: the expense is booked beyond what the fund has, and flagged."""
    pending = await _take_pending(update, context, BookOverrun.read(update.callback_query.data))
    if pending is not None:
        await remove_buttons(update.callback_query)
        await _book(update, context, pending, overrun=True)


async def drop_overrun(update: Update, context: BotContext) -> None:
    """Cancel under an expense the fund cannot cover: nothing is booked."""
    pending = await _take_pending(update, context, DropOverrun.read(update.callback_query.data))
    if pending is not None:
        await edit_text(update.callback_query, _("Cancelled. Nothing was booked."))


async def _take_pending(
    update: Update, context: BotContext, pressed: BookOverrun | DropOverrun
) -> Spend | None:
    """The /spend the overrun question was about, forgotten as it is taken; None (and the
    button expires) for the question of an older /spend or one already answered."""
    pending = context.user_data.pending_expense
    if pending is None or pending.token != pressed.token:
        await held_button_expired(update)
        return None
    context.user_data.pending_expense = None
    await update.callback_query.answer()
    return pending


async def _book(update: Update, context: BotContext, pending: Spend, *, overrun: bool) -> None:
    """Book the line (inside the store's write transaction, against the fund as it is
    now) and say what happened; ask about an overrun if the fund cannot cover it."""
    storage, now, by = context.storage, context.clock.now(), context.member.telegram_id
    if pending.expense is not None:
        booking = await storage.expenses.book(
            pending.expense, by, now, pending.source, overrun=overrun
        )
    else:
        correction = pending.correction
        booking = await storage.expenses.correct(
            correction.expense_id, correction.amount_cents, correction.reason,
            context.clock.today(), by, now, pending.source, overrun=overrun,
        )  # fmt: skip
    if booking.outcome is Outcome.NOT_COVERED:
        context.user_data.pending_expense = pending
        await _ask_overrun(update, booking, pending.token)
        return
    if booking.outcome is Outcome.UNCHANGED:
        await reply(
            update,
            _("Expense #{id} is {amount} already; nothing was booked.").format(
                id=booking.expense.id, amount=format_money(booking.expense.amount_cents)
            ),
        )
        return
    await reply(update, await _booked_text(context, booking))
    if booking.outcome is Outcome.BOOKED and booking.beyond_cents:
        await _notify_overrun(context, booking)
    await notify_fund_alert(context, booking.alert)


async def _ask_overrun(update: Update, booking: Booking, token: int) -> None:
    needs = booking.beyond_cents + max(booking.figures.available_cents, 0)
    text = _(
        "⚠ {fund} has {available} available; this needs {amount}, {beyond} more. Book it "
        "anyway as an overrun? It is flagged, and the coordination is told."
    ).format(
        fund=html.escape(booking.fund.name),
        available=format_money(booking.figures.available_cents),
        amount=format_money(needs),
        beyond=format_money(booking.beyond_cents),
    )
    keyboard = InlineKeyboardMarkup(
        [[button(_("Book as overrun"), BookOverrun(token=token)),
          button(_("Cancel"), DropOverrun(token=token))]]
    )  # fmt: skip
    await reply(update, text, reply_markup=keyboard)


async def _booked_text(context: BotContext, booking: Booking) -> str:
    expense, fund, figures = booking.expense, booking.fund, booking.figures
    if expense.corrects_id is None:
        first = _(
            "Expense #{id} booked against {fund} on {day}: {amount} to {payee} ({voucher}), "
            "{category}."
        ).format(
            id=expense.id,
            fund=html.escape(fund.name),
            day=format_date(expense.booked_on),
            amount=format_money(expense.amount_cents),
            payee=html.escape(expense.payee),
            voucher=html.escape(expense.voucher),
            category=html.escape(category_label(expense.category)),
        )
    else:
        first = _(
            "Correction #{line} booked: expense #{id} is now {total} (the line holds {amount})."
        ).format(
            line=expense.id,
            id=expense.corrects_id,
            total=format_money(await context.storage.expenses.total(expense.corrects_id)),
            amount=format_money(expense.amount_cents),
        )
    lines = [first]
    if booking.beyond_cents:
        lines.append(
            _("⚠ Booked as an overrun: {beyond} beyond what the fund had available.").format(
                beyond=format_money(booking.beyond_cents)
            )
        )
    lines.append(
        _("{fund}: {available} of {amount} available.").format(
            fund=html.escape(fund.name),
            available=format_money(figures.available_cents),
            amount=format_money(figures.amount_cents),
        )
    )
    return "\n".join(lines)


async def _notify_overrun(context: BotContext, booking: Booking) -> None:
    """Every other coordinator learns of an expense booked beyond its fund."""
    booker, fund = context.member, booking.fund
    await notify(
        context,
        await coordinators(context),
        lambda: _(
            "⚠ {name} booked expense line #{id} against {fund} as an overrun: {beyond} beyond "
            "what was available. /budget {fund_id} shows the fund."
        ).format(
            name=html.escape(booker.handle),
            id=booking.expense.id,
            fund=html.escape(fund.name),
            beyond=format_money(booking.beyond_cents),
            fund_id=fund.id,
        ),
    )


def handlers() -> list[BaseHandler]:
    return [
        command("spend", spend),
        CallbackQueryHandler(keep_expense_text, pattern=KeepExpenseText.matches),
        CallbackQueryHandler(edit_expense_text, pattern=EditExpenseText.matches),
        CallbackQueryHandler(book_overrun, pattern=BookOverrun.matches),
        CallbackQueryHandler(drop_overrun, pattern=DropOverrun.matches),
    ]
