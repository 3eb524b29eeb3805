"""/export: a period's casework as an Excel workbook and a CSV; and the charts under /week."""

from __future__ import annotations

import asyncio
import html
from datetime import date, timedelta

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, format_money, lazy_gettext
from bot.core.parsing import ParseError
from bot.handlers.common import command, reply
from bot.reporting.charts import FundTimeline, WeekByType, contacts_chart, fund_chart
from bot.reporting.exports import (
    YEARS,
    Export,
    contacts_csv_bytes,
    parse_period,
    period_bounds,
    workbook_bytes,
)
from bot.staff.roles import MANAGING_ROLES

COMMANDS = (
    CommandSpec(
        "export",
        lazy_gettext(
            "Contacts, families, interpreter requests and weekly totals as Excel and CSV: "
            "/export 01.11.2026 30.11.2026"
        ),
        MANAGING_ROLES,
    ),
)

# The button under a county's /week report: chart:<the week's Monday, YYYY-MM-DD>.
CHART = "chart:"
CHART_WEEKS = 12
# More contacts than a county logs in years: a state-wide year would not fit a chat.
MAX_CONTACTS = 200_000


async def export(update: Update, context: BotContext) -> None:
    """/export [from] [to]: the current month until today unless a period is given."""
    try:
        first, last = parse_period(context.args, context.clock.today())
    except ParseError as error:
        await reply(update, error.message)
        return
    storage = context.storage
    period = {"first": format_date(first), "last": format_date(last)}
    if await storage.exports.count_contacts(first, last) > MAX_CONTACTS:
        await reply(
            update,
            _(
                "From {first} to {last} there are more than {count} contacts, too many for one "
                "file. Please choose a shorter period."
            ).format(**period, count=MAX_CONTACTS),
        )
        return
    tz = context.clock.tz
    start_at, end_at = period_bounds(first, last, tz)
    data = Export(
        first=first,
        last=last,
        contacts=await storage.exports.contacts(first, last),
        families=await storage.exports.families(first, last),
        requests=await storage.exports.requests(start_at, end_at),
        weeks=await storage.exports.weekly_totals(first, last),
        tz=tz,
    )
    if data.empty:
        await reply(
            update,
            _(
                "Nothing to export from {first} to {last}: no contacts, families or "
                "interpreter requests in this period."
            ).format(**period),
        )
        return
    await storage.audit.record(
        "export",
        context.clock.now(),
        context.member.telegram_id,
        detail=f"{first.isoformat()}..{last.isoformat()} contacts={len(data.contacts)} "
        f"families={len(data.families)} requests={len(data.requests)}",
    )
    await update.effective_chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    workbook, contacts_csv = await asyncio.to_thread(_files, data)
    name = f"kim-export_{first.isoformat()}_{last.isoformat()}"
    message = update.effective_message
    await message.reply_document(
        workbook,
        filename=f"{name}.xlsx",
        caption="\n".join(
            [
                _("KIM export {first} – {last}").format(**period),
                _(
                    "Contacts: {contacts} · Families: {families} · Interpreter requests: {requests}"
                ).format(
                    contacts=len(data.contacts),
                    families=len(data.families),
                    requests=len(data.requests),
                ),
                _(
                    "Families appear only by their code, notes not at all. Keep the file on "
                    "the county's systems only."
                ),
            ]
        ),
    )
    await message.reply_document(
        contacts_csv,
        filename=f"{name}_contacts.csv",
        caption=_("The contacts as CSV (semicolon-separated, for Excel)."),
    )


def _files(data: Export) -> tuple[bytes, bytes]:
    return workbook_bytes(data), contacts_csv_bytes(data.contacts)


async def send_charts(update: Update, context: BotContext) -> None:
    """The Charts button: contacts per week by type, and the translation fund."""
    query = update.callback_query
    if context.member.role not in MANAGING_ROLES:
        await query.answer(
            _("The charts are for coordinators and administrators."), show_alert=True
        )
        return
    monday = _chart_week(query.data)
    if monday is None:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    storage = context.storage
    weeks = await storage.exports.contacts_by_type(monday, CHART_WEEKS)
    fund = await storage.funds.translation_fund()
    timeline = None if fund is None else await storage.exports.fund_timeline(fund, context.clock.tz)
    today = context.clock.today()
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


def _chart_week(data: str) -> date | None:
    """The day a chart button names, if it is a real day of a plausible year (a forged
    one might reach the ends of the calendar)."""
    try:
        day = date.fromisoformat(data.removeprefix(CHART))
    except ValueError:
        return None
    return day if YEARS[0] <= day.year <= YEARS[1] else None


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
        command("export", export),
        CallbackQueryHandler(send_charts, pattern=rf"^{CHART}\d{{4}}-\d{{2}}-\d{{2}}$"),
    ]
