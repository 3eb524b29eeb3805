"""/committee: the figure part of the committee's status report as a Word file."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, lazy_gettext
from bot.core.parsing import ParseError
from bot.funds.budget import in_budget_order
from bot.handlers.common import bounds, command, reply
from bot.reporting.periods import days_period
from bot.reporting.staffing import staffing_table
from bot.staff.roles import MANAGING_ROLES
from bot.storage import Storage

if TYPE_CHECKING:
    from bot.reporting.committee import BudgetLine, Snapshot, Span

# The report's code (bot.reporting.committee, the DOCX writer) is imported when a report is
# asked for: a few a year, and the running bot does not hold it in between.

COMMANDS = (
    CommandSpec(
        "committee",
        lazy_gettext(
            "Figures of the status report to the committee as Word (German): "
            "/committee [date | 2026 | Q4 2026 | from-to]"
        ),
        MANAGING_ROLES,
    ),
)


async def send_committee(update: Update, context: BotContext) -> None:
    """/committee [date or period]: the report as DOCX, compared with the previous one."""
    from bot.core.document import docx_bytes
    from bot.reporting.committee import Committee, committee_report, parse_committee, span_of

    storage, clock = context.storage, context.clock
    today = clock.today()
    try:
        asked = parse_committee(" ".join(context.args), today)
    except ParseError as error:
        await reply(update, error.message)
        return
    span = span_of(asked, await storage.committee.previous(asked.as_of))
    now = clock.now()
    content = Committee(
        span=span,
        current=await _snapshot(storage, clock.tz, span.first, span.as_of),
        previous=await _snapshot(storage, clock.tz, span.previous.first, span.previous.as_of),
        budgets=await _budgets(storage, clock.tz, span, today),
        towns=context.services.settings.towns,
        made_at=clock.local(now),
    )
    await update.effective_chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    document = await asyncio.to_thread(docx_bytes, committee_report(content))
    # Remembered once written: the next report compares with this one's date.
    await storage.committee.record(span.as_of, span.first, context.member.telegram_id, now)
    await update.effective_message.reply_document(
        document,
        filename=f"KIM-Sachstandsbericht-{span.as_of.isoformat()}.docx",
        caption=_caption(span),
    )


def _caption(span: Span) -> str:
    values = {
        "date": format_date(span.as_of),
        "first": format_date(span.first),
        "previous": format_date(span.previous.as_of),
    }
    if span.after_report:
        compared = _("compared with the report of {previous}").format(**values)
    else:
        compared = _("compared with the same days a year before (no earlier report)").format(
            **values
        )
    return _(
        "Status report to the committee, figures as of {date} (period {first} – {date}), "
        "{compared}. In German, as the committee reads it."
    ).format(**values, compared=compared)


async def _snapshot(storage: Storage, tz: ZoneInfo, first: date, as_of: date) -> Snapshot:
    """A report's figures, from the queries /week, /staffing and /flags use."""
    from bot.reporting.committee import Snapshot

    period, start_at, end_at = bounds(days_period(first, as_of), tz)
    figures = await storage.figures.period(period, start_at, end_at)
    return Snapshot(
        as_of=as_of,
        first=first,
        staffing=staffing_table(
            await storage.staffing.entered(as_of), await storage.staffing.filled(as_of)
        ),
        period=figures,
        towns=await storage.committee.families_by_town(as_of),
        flags=await storage.flags.counts(start_at, end_at),
        open_flags=await storage.flags.open_at(end_at),
        closed_flags=await storage.flags.closed_between(start_at, end_at),
        interpreting_minutes=await storage.committee.interpreting_minutes(start_at, end_at),
        conferences=figures.conferences,
    )


async def _budgets(storage: Storage, tz: ZoneInfo, span: Span, today: date) -> list[BudgetLine]:
    """Every fund running in the period or today, as /budget shows it today, with what it
    had spent by the previous report's date."""
    from bot.reporting.committee import BudgetLine

    funds = [
        fund
        for fund in await storage.funds.all()
        if fund.overlaps(span.first, max(span.as_of, today))
    ]
    lines = []
    for fund in in_budget_order(funds):
        timeline = await storage.funds.timeline(fund, tz)
        spent_before = [cents for day, cents in timeline.spent if day <= span.previous.as_of]
        lines.append(
            BudgetLine(
                fund,
                await storage.funds.figures(fund, today),
                spent_before[-1] if spent_before else 0,
            )
        )
    return lines


def handlers() -> list[BaseHandler]:
    return [command("committee", send_committee)]
