"""Every notice the bot sends on its own: to coordinators, requesters and colleagues.

A notice is written in each recipient's language. Somebody who cannot be reached (blocked
the bot, never opened a chat with it) is logged, not an error: what the notice is about has
already happened.
"""

from __future__ import annotations

import contextlib
import html
import logging
from collections.abc import Callable, Iterable
from enum import StrEnum

from babel.support import LazyProxy
from pydantic import Field
from telegram import InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.casework.flags import Flag, flag_line
from bot.context import BotContext
from bot.core.callbacks import CallbackData
from bot.core.i18n import _, format_money, use_locale
from bot.delivery.outbox import ReplyQueued, showing_case_details
from bot.funds.funds import FundAlert
from bot.handlers.common import button, remember_case_message
from bot.interpreting.invoices import Doubt
from bot.interpreting.requests import InterpreterRequest, Status, request_details
from bot.staff.roles import Role
from bot.staff.staff import StaffMember

log = logging.getLogger(__name__)

# A notice: its text, or its text and buttons.
Notice = str | tuple[str, InlineKeyboardMarkup]


class DecisionAction(StrEnum):
    APPROVE = "approve"
    # Approve a request the fund cannot cover: committed beyond the fund.
    OVERRUN = "overrun"
    REJECT = "reject"


class Decision(CallbackData, prefix="decide"):
    """Approve or Reject under a new request; approvals.py handles the presses."""

    action: DecisionAction
    request_id: int = Field(ge=1, le=999_999_999)


async def notify(
    context: BotContext,
    people: Iterable[StaffMember],
    compose: Callable[[], Notice],
    *,
    case_details: bool = False,
) -> None:
    """Send each person a notice that `compose` writes in that person's language.

    A notice with `case_details` (a flag's text, a request's details, a reason) leaves the
    chat after CHAT_RETENTION_HOURS.
    """
    for person in people:
        with use_locale(person.locale):
            notice = compose()
        text, markup = notice if isinstance(notice, tuple) else (notice, None)
        try:
            with showing_case_details() if case_details else contextlib.nullcontext():
                sent = await context.bot.send_message(person.telegram_id, text, reply_markup=markup)
        except ReplyQueued:
            continue  # delivered from the outbox (and remembered there if need be)
        except TelegramError as exc:
            log.warning("could not notify %s: %s", person.telegram_id, exc)
            continue
        if case_details:
            await remember_case_message(context, sent)


async def coordinators(context: BotContext, but_the_sender: bool = True) -> list[StaffMember]:
    """The active coordinators, usually without the person whose action is reported."""
    sender = context.staff.telegram_id if context.staff and but_the_sender else None
    return [
        member
        for member in await context.storage.staff.active_members()
        if member.role is Role.COORDINATOR and member.telegram_id != sender
    ]


async def notify_fund_alert(context: BotContext, alert: FundAlert | None) -> None:
    """Tell every coordinator, once per threshold, that a fund reached 50, 75, 90 or 100 %.

    Store methods that change a fund return the alert they set off; every caller passes it
    here, so a new way of spending cannot forget the alerts.
    """
    if alert is None:
        return
    await notify(
        context,
        await coordinators(context, but_the_sender=False),
        lambda: _(
            "⚠ {name} has reached {threshold} %: {available} of {amount} are still "
            "available. /budget shows the details."
        ).format(
            name=html.escape(alert.fund.name),
            threshold=alert.threshold,
            available=format_money(alert.figures.available_cents),
            amount=format_money(alert.figures.amount_cents),
        ),
    )


async def notify_flag(context: BotContext, flag: Flag) -> None:
    """Tell every active coordinator about a new structural-gap flag."""
    reporter = context.member
    raised_on = context.clock.local(flag.raised_at).date()
    await notify(
        context,
        await coordinators(context),
        lambda: "\n".join(
            [
                _("New structural gap reported by {name}:").format(
                    name=html.escape(reporter.handle)
                ),
                flag_line(flag, raised_on),
                _("/flags lists all open ones."),
            ]
        ),
        case_details=True,
    )


async def notify_new_request(context: BotContext, request: InterpreterRequest) -> None:
    """Every coordinator gets the new request with Approve and Reject buttons."""
    requester = context.member
    local_start = context.clock.local(request.starts_at)

    def compose() -> tuple[str, InlineKeyboardMarkup]:
        lines = [
            _("<b>New interpreter request #{id}</b> from {name}").format(
                id=request.id, name=html.escape(requester.handle)
            ),
            *request_details(request, local_start),
            _("Estimated cost: {amount}").format(amount=format_money(request.estimate_cents)),
        ]
        if request.professional and not request.professional_reason:
            lines.append(_("Needs a professional interpreter."))
        if request.urgent:
            lines.append(_("⚡ Urgent: less than 5 working days' notice."))
        if request.status is Status.OVER_BUDGET:
            lines.append(_("⚠ The fund cannot cover it: approve only as an overrun."))
            approve = button(
                _("Approve as overrun"),
                Decision(action=DecisionAction.OVERRUN, request_id=request.id),
            )
        else:
            approve = button(
                _("Approve"), Decision(action=DecisionAction.APPROVE, request_id=request.id)
            )
        reject = button(_("Reject"), Decision(action=DecisionAction.REJECT, request_id=request.id))
        return "\n".join(lines), InlineKeyboardMarkup([[approve, reject]])

    await notify(context, await coordinators(context), compose, case_details=True)


async def notify_requester(
    context: BotContext,
    request: InterpreterRequest,
    message: LazyProxy,
    *,
    case_details: bool = False,
    **values: str | Callable[[], str],
) -> None:
    """`message` in the requester's language; placeholders: id and `values`, a value that
    depends on the language (an amount: `lambda: format_money(cents)`) as a function.

    Nobody is told what they did themselves.
    """
    requester = await context.storage.staff.get(request.requested_by)
    if (
        requester is None
        or not requester.active
        or requester.telegram_id == context.member.telegram_id
    ):
        return
    await notify(
        context,
        [requester],
        lambda: str(message).format(
            id=request.id, **{key: v() if callable(v) else v for key, v in values.items()}
        ),
        case_details=case_details,
    )


async def notify_confirmed_invoice(
    context: BotContext, request: InterpreterRequest, doubts: tuple[Doubt, ...]
) -> None:
    """Flag to the other coordinators an invoice or correction recorded despite a warning
    (more than the estimate allows, or beyond the fund), after its author confirmed it."""
    if not doubts:
        return
    author = context.member
    await notify(
        context,
        await coordinators(context),
        lambda: "\n".join(
            [
                _(
                    "⚠ {name} confirmed an invoice for request #{id} despite a warning; it now "
                    "spends {amount}:"
                ).format(
                    name=html.escape(author.handle),
                    id=request.id,
                    amount=format_money(request.spent_cents),
                ),
                *(f"• {doubt.text}" for doubt in doubts),
                _("/invoice {id} shows its lines.").format(id=request.id),
            ]
        ),
    )
