"""A request's life after it is submitted: decided, invoiced or cancelled, and reminded."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta
from functools import partial

from babel.support import LazyProxy
from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext, Services
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_money, lazy_gettext
from bot.core.parsing import ParseError, check_note
from bot.funds.money import AmountError, parse_amount
from bot.handlers.budget import check_fund_alerts
from bot.handlers.common import command, coordinators, dialog, end_dialog, notify, reply
from bot.handlers.followups import REMINDER_TIME
from bot.interpreting.rates import cancellation_fee_cents
from bot.interpreting.requests import (
    OPEN,
    InterpreterRequest,
    Status,
    TransitionRefused,
    parse_request_language,
    request_details,
    request_line,
    status_label,
)
from bot.staff.roles import CASEWORK_ROLES, MANAGING_ROLES, Role, sees_all_families

COORDINATION = frozenset({Role.COORDINATOR})
COMMANDS = (
    CommandSpec(
        "requests",
        lazy_gettext("Interpreter requests: /requests [all | urgent | language]"),
        CASEWORK_ROLES | MANAGING_ROLES,
    ),
    CommandSpec(
        "cancelrequest", lazy_gettext("Cancel your request: /cancelrequest 12"), CASEWORK_ROLES
    ),
    CommandSpec("approve", lazy_gettext("Approve a request: /approve 12 [overrun]"), COORDINATION),
    CommandSpec("reject", lazy_gettext("Reject a request: /reject 12 reason"), COORDINATION),
    CommandSpec(
        "invoice", lazy_gettext("Record the invoiced cost: /invoice 12 240,50"), MANAGING_ROLES
    ),
)

DECIDE = "decide:"
REASON = 0
JOB_NAME = "interpreter reminders"


async def list_requests(update: Update, context: BotContext) -> None:
    """One's own requests; coordinators and admins all open ones; filters narrow it."""
    member = context.member
    mine = None if sees_all_families(member.role) else member.telegram_id
    statuses: tuple[Status, ...] = OPEN
    language = None
    urgent_only = False
    for word in (arg.lower() for arg in context.args):
        if word in {"all", "alle"}:
            statuses = tuple(Status)
        elif word in {"urgent", "dringend"}:
            urgent_only = True
        elif word in {"mine", "meine"}:
            mine = member.telegram_id
        else:
            try:
                language = parse_request_language(word)
            except ParseError as error:
                await reply(update, error.message)
                return
    requests = await context.storage.requests.listed(mine, statuses, language, limit=50)
    if urgent_only:
        requests = [request for request in requests if request.urgent]
    if not requests:
        await reply(update, _("No interpreter requests match."))
        return
    lines = [_("<b>Interpreter requests</b>")]
    lines += [request_line(r, context.clock.local(r.starts_at)) for r in requests]
    await reply(update, "\n".join(lines))


async def _find(update: Update, context: BotContext, text: str | None) -> InterpreterRequest | None:
    request = None
    if text is not None and text.lstrip("#").isascii() and text.lstrip("#").isdigit():
        number = text.lstrip("#")
        request = await context.storage.requests.get(int(number)) if len(number) <= 9 else None
    if request is None:
        await reply(
            update,
            _("There is no request “{text}”. /requests lists them.").format(
                text=html.escape((text or "")[:20])
            ),
        )
    return request


async def approve_command(update: Update, context: BotContext) -> None:
    """/approve 12, or /approve 12 overrun for a request the fund cannot cover."""
    request = await _find(update, context, context.args[0] if context.args else None)
    if request is not None:
        overrun = any(arg.lower() in {"overrun", "überziehung"} for arg in context.args[1:])
        await _approve(update, context, request, overrun)


async def decide_button(update: Update, context: BotContext) -> int:
    """Approve (as overrun) directly; Reject asks for the reason first."""
    query = update.callback_query
    if context.member.role is not Role.COORDINATOR:
        await query.answer(_("Only coordinators decide on requests."), show_alert=True)
        return ConversationHandler.END
    action, number = query.data.removeprefix(DECIDE).split(":")
    request = await context.storage.requests.get(int(number))
    await query.answer()
    if request is None:
        return ConversationHandler.END
    if action == "reject":
        context.user_data.rejecting = request.id
        await reply(
            update,
            _("Why is request #{id} rejected? Please type the reason (or /cancel).").format(
                id=request.id
            ),
        )
        return REASON
    await query.edit_message_reply_markup(None)
    await _approve(update, context, request, overrun=action == "overrun")
    return ConversationHandler.END


async def _approve(
    update: Update, context: BotContext, request: InterpreterRequest, overrun: bool
) -> None:
    try:
        approved = await context.storage.requests.approve(
            request.id, context.member.telegram_id, context.clock.now(), overrun
        )
    except TransitionRefused as refused:
        await _refuse_transition(update, refused.request, overrun_needed=True)
        return
    text = (
        _("Request #{id} approved as an overrun; {amount} are committed beyond the fund.")
        if approved.overrun
        else _("Request #{id} approved.")
    )
    await reply(update, text.format(id=approved.id, amount=format_money(approved.committed_cents)))
    await _tell_requester(
        context, approved, lazy_gettext("Your interpreter request #{id} has been approved.")
    )
    fund = await context.storage.funds.get(approved.fund_id)
    await check_fund_alerts(context, fund)


async def _refuse_transition(
    update: Update, request: InterpreterRequest, overrun_needed: bool = False
) -> None:
    if overrun_needed and request.status is Status.OVER_BUDGET:
        text = _(
            "Request #{id} exceeds the fund: approve it explicitly as an overrun with "
            "/approve {id} overrun."
        )
    else:
        text = _("Request #{id} is {status}; that step is not possible now.")
    await reply(update, text.format(id=request.id, status=status_label(request.status)))


async def reject_command(update: Update, context: BotContext) -> None:
    """/reject 12 reason."""
    parts = update.message.text.split(maxsplit=2)
    request = await _find(update, context, parts[1] if len(parts) > 1 else None)
    if request is None:
        return
    if len(parts) < 3 or not parts[2].strip():
        await reply(update, _("Please give a reason. Example: /reject 12 no budget for events"))
        return
    await _reject(update, context, request, parts[2])


async def reject_reason(update: Update, context: BotContext) -> int:
    """The reason typed after pressing Reject."""
    request = await context.storage.requests.get(context.user_data.rejecting)
    context.user_data.rejecting = None
    if request is not None:
        await _reject(update, context, request, update.message.text)
    return ConversationHandler.END


async def _reject(
    update: Update, context: BotContext, request: InterpreterRequest, reason: str
) -> None:
    try:
        reason = check_note(reason)
        rejected = await context.storage.requests.reject(
            request.id, reason, context.member.telegram_id, context.clock.now()
        )
    except ParseError as error:
        await reply(update, error.message)
        return
    except TransitionRefused as refused:
        await _refuse_transition(update, refused.request)
        return
    await reply(update, _("Request #{id} rejected.").format(id=rejected.id))
    await _tell_requester(
        context,
        rejected,
        lazy_gettext("Your interpreter request #{id} has been rejected: {reason}"),
        reason=html.escape(reason),
    )


async def stop_rejecting(update: Update, context: BotContext) -> int:
    context.user_data.rejecting = None
    return await end_dialog(update)


async def invoice(update: Update, context: BotContext) -> None:
    """/invoice 12 240,50: the invoiced cost replaces the commitment."""
    if len(context.args) != 2:
        await reply(update, _("Which request, and how much? Example: /invoice 12 240,50"))
        return
    request = await _find(update, context, context.args[0])
    if request is None:
        return
    try:
        amount = parse_amount(context.args[1])
        completed = await context.storage.requests.invoice(
            request.id, amount, context.member.telegram_id, context.clock.now()
        )
    except AmountError as error:
        await reply(update, error.message)
        return
    except TransitionRefused as refused:
        await _refuse_transition(update, refused.request)
        return
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
    await _tell_requester(
        context,
        completed,
        lazy_gettext("Interpreter request #{id} has been invoiced at {amount}."),
        amount=format_money(completed.spent_cents),
    )
    await check_fund_alerts(context, fund)


async def cancel_request(update: Update, context: BotContext) -> None:
    """The requester cancels; a cancellation shortly before the start costs a fee."""
    request = await _find(update, context, context.args[0] if context.args else None)
    if request is None:
        return
    member = context.member
    if request.requested_by != member.telegram_id:
        await reply(update, _("Only the person who made request #{id} can cancel it.").format(
            id=request.id))  # fmt: skip
        return
    now = context.clock.now()
    rates = await context.storage.funds.rates(context.services.base_rates)
    fee = (
        cancellation_fee_cents(request.mode, request.professional, request.starts_at, now, rates)
        if request.status is Status.APPROVED
        else 0
    )
    try:
        cancelled = await context.storage.requests.cancel(request.id, fee, member.telegram_id, now)
    except TransitionRefused as refused:
        await _refuse_transition(update, refused.request)
        return
    if fee:
        text = _(
            "Request #{id} cancelled. Because it starts within {hours} hours, a cancellation "
            "fee of {fee} is charged to the fund."
        ).format(id=cancelled.id, hours=rates.late_cancel_notice_hours, fee=format_money(fee))
    else:
        text = _("Request #{id} cancelled; its reservation of {amount} is released.").format(
            id=cancelled.id, amount=format_money(request.committed_cents)
        )
    await reply(update, text)
    await notify(
        context,
        await coordinators(context),
        lambda: _("Interpreter request #{id} was cancelled by {name}.").format(
            id=cancelled.id, name=html.escape(member.handle)
        ),
    )
    fund = await context.storage.funds.get(cancelled.fund_id)
    await check_fund_alerts(context, fund)


async def _tell_requester(
    context: BotContext, request: InterpreterRequest, message: LazyProxy, **values: str
) -> None:
    """`message` is translated in the requester's language; placeholders: id and `values`."""
    requester = await context.storage.staff.get(request.requested_by)
    if (
        requester is None
        or not requester.active
        or requester.telegram_id == context.member.telegram_id
    ):
        return
    await notify(context, [requester], lambda: str(message).format(id=request.id, **values))


async def send_reminders(context: BotContext) -> None:
    """The day before, remind each requester of their approved appointment, once."""
    services: Services = context.bot_data
    storage, clock = services.storage, services.clock
    now = clock.now()
    local_now = clock.local(now)
    # From 08:00 on, tomorrow's appointments; before 08:00 (catching up), today's.
    days_ahead = 2 if local_now.time() >= REMINDER_TIME else 1
    until = datetime.combine(local_now.date() + timedelta(days=days_ahead), time(0), clock.tz)
    for request in await storage.requests.starting_between(now, until):
        requester = await storage.staff.get(request.requested_by)
        if requester is not None and requester.active:
            reminder = partial(_reminder, request, clock.local(request.starts_at))
            await notify(context, [requester], reminder)
        await storage.requests.mark_reminded(request.id, now)


def _reminder(request: InterpreterRequest, local_start: datetime) -> str:
    return "\n".join(
        [
            _("Reminder: interpreter request #{id} is coming up.").format(id=request.id),
            *request_details(request, local_start),
        ]
    )


def schedule_reminders(application: Application) -> None:
    tz = application.bot_data.clock.tz
    application.job_queue.run_daily(send_reminders, REMINDER_TIME.replace(tzinfo=tz), name=JOB_NAME)
    application.job_queue.run_once(send_reminders, 0, name=f"{JOB_NAME} (catch-up)")


def handlers() -> list[BaseHandler]:
    typed = filters.TEXT & ~filters.COMMAND
    return [
        dialog(
            entry_points=[
                CallbackQueryHandler(
                    decide_button, pattern=rf"^{DECIDE}(approve|overrun|reject):[0-9]{{1,9}}$"
                )
            ],
            states={REASON: [MessageHandler(typed, reject_reason)]},
            fallbacks=[command("cancel", stop_rejecting)],
            name="reject",
        ),
        command("requests", list_requests),
        command("approve", approve_command),
        command("reject", reject_command),
        command("invoice", invoice),
        command("cancelrequest", cancel_request),
    ]
