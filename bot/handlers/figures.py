"""/week, /month and /year: the figures coordinators report; the charts under a week."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from datetime import date, timedelta

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import BotContext
from bot.core.callbacks import CallbackData, Day
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, format_money, lazy_gettext
from bot.core.parsing import ParseError
from bot.funds.funds import FundPurpose
from bot.handlers.common import button, command, period_report, reply
from bot.reporting.charts import FundTimeline, WeekByType, contacts_chart, fund_chart
from bot.reporting.figures import running_week_text
from bot.reporting.periods import Period, PeriodKind, parse_month, parse_week, parse_year
from bot.staff.roles import ALL_ROLES, MANAGING_ROLES, sees_all_families

COMMANDS = (
    CommandSpec(
        "week",
        lazy_gettext("Figures of a week: /week, /week last, /week KW47, /week 24.11.2026"),
        ALL_ROLES,
    ),
    CommandSpec(
        "month", lazy_gettext("Figures of a month: /month, /month last, /month 11.2026"), ALL_ROLES
    ),
    CommandSpec("year", lazy_gettext("Figures of a year: /year, /year 2026"), ALL_ROLES),
)

CHART_WEEKS = 12


class ChartWeek(CallbackData, prefix="chart"):
    """The Charts button under a county's /week report: the week's Monday."""

    monday: Day


async def show_week(update: Update, context: BotContext) -> None:
    """This ISO week's figures, or those of the week asked for."""
    await _show(update, context, parse_week)


async def show_month(update: Update, context: BotContext) -> None:
    await _show(update, context, parse_month)


async def show_year(update: Update, context: BotContext) -> None:
    await _show(update, context, parse_year)


async def _show(update: Update, context: BotContext, parse: Callable[[str, date], Period]) -> None:
    today = context.clock.today()
    try:
        period = parse(" ".join(context.args), today)
    except ParseError as error:
        await reply(update, error.message)
        return
    if period.start > today:
        await reply(update, _("{period} has not begun yet.").format(period=period.label()))
        return
    member = context.member
    county = sees_all_families(member.role)
    staff_id = None if county else member.telegram_id
    text = await period_report(context.storage, context.clock.tz, period, staff_id)
    if period.kind is PeriodKind.WEEK and today < period.end:
        text += "\n\n" + await _so_far(context, period, today, staff_id)
    markup = None
    if county and period.kind is PeriodKind.WEEK:
        markup = InlineKeyboardMarkup([[button(_("Charts"), ChartWeek(monday=period.start))]])
    await reply(update, text, reply_markup=markup)


async def _so_far(context: BotContext, week: Period, today: date, staff_id: int | None) -> str:
    """A running week against the same weekdays of the week before."""
    days = (today - week.start).days + 1
    so_far, before = await context.storage.figures.contacts_so_far(
        (week.start, week.previous().start), days, staff_id
    )
    return running_week_text(week, days, so_far, before)


async def send_charts(update: Update, context: BotContext) -> None:
    """The Charts button: contacts per week by type, and the translation fund."""
    query = update.callback_query
    if context.member.role not in MANAGING_ROLES:
        await query.answer(
            _("The charts are for coordinators and administrators."), show_alert=True
        )
        return
    monday = ChartWeek.read(query.data).monday
    await query.answer()
    storage = context.storage
    weeks = await storage.figures.contacts_by_type(monday, CHART_WEEKS)
    today = context.clock.today()
    # The translation fund running today; between two funds, the first one.
    fund = (
        await storage.funds.covering(FundPurpose.TRANSLATION, today)
        or await storage.funds.translation_fund()
    )
    timeline = None if fund is None else await storage.funds.timeline(fund, context.clock.tz)
    await update.effective_chat.send_action(ChatAction.UPLOAD_PHOTO)
    weeks_png, fund_png = await asyncio.to_thread(_charts, weeks, timeline, today)
    last_sunday = weeks[-1].monday + timedelta(days=6)
    await _send_photo(
        update,
        context,
        weeks_png,
        f"kim-contacts_{weeks[-1].monday.isoformat()}.png",
        _("Contacts per week by type, {first} – {last}").format(
            first=format_date(weeks[0].monday), last=format_date(last_sunday)
        ),
    )
    if timeline is not None and fund_png is not None:
        await _send_photo(
            update,
            context,
            fund_png,
            f"kim-fund_{today.isoformat()}.png",
            _("{fund} on {date}: {spent} spent and {committed} committed of {amount}.").format(
                fund=html.escape(timeline.name),
                date=format_date(today),
                spent=format_money(timeline.spent_cents),
                committed=format_money(timeline.committed_cents),
                amount=format_money(timeline.amount_cents),
            ),
        )


def _charts(
    weeks: list[WeekByType], timeline: FundTimeline | None, today: date
) -> tuple[bytes, bytes | None]:
    return contacts_chart(weeks), None if timeline is None else fund_chart(timeline, today)


async def _send_photo(
    update: Update, context: BotContext, photo: bytes, filename: str, caption: str
) -> None:
    message = update.callback_query.message
    if isinstance(message, Message):
        await message.reply_photo(photo, caption=caption, filename=filename)
    else:
        # A message older than 48 hours is no longer shown to the bot: write to the person.
        await context.bot.send_photo(
            update.callback_query.from_user.id, photo, caption=caption, filename=filename
        )


def handlers() -> list[BaseHandler]:
    return [
        command("week", show_week),
        command("month", show_month),
        command("year", show_year),
        CallbackQueryHandler(send_charts, pattern=ChartWeek.matches),
    ]
