"""The weekly report: last week's figures every Monday at 08:00, /subscribe, /unsubscribe."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseHandler

from bot.context import BotContext, Services
from bot.core.commands import CommandSpec
from bot.core.i18n import _, lazy_gettext, use_locale
from bot.handlers.common import command, period_report, reply
from bot.reporting.reports import REPORT_TIME, due_report_week
from bot.staff.roles import MANAGING_ROLES

log = logging.getLogger(__name__)

COMMANDS = (
    CommandSpec(
        "subscribe", lazy_gettext("Get last week's figures every Monday at 08:00"), MANAGING_ROLES
    ),
    CommandSpec("unsubscribe", lazy_gettext("Stop the weekly report"), MANAGING_ROLES),
)

JOB_NAME = "weekly report"


async def subscribe(update: Update, context: BotContext) -> None:
    """Receive the weekly report."""
    await context.storage.staff.set_weekly_report(context.member.telegram_id, True)
    await reply(update, _("You will get last week's figures every Monday at 08:00."))


async def unsubscribe(update: Update, context: BotContext) -> None:
    """Stop the weekly report."""
    await context.storage.staff.set_weekly_report(context.member.telegram_id, False)
    await reply(update, _("The weekly report is off. /subscribe turns it on again."))


async def send_weekly_report(context: BotContext) -> None:
    """Last week's figures to everyone who gets them, once each, from Monday 08:00 on.

    The sent log makes it safe to run at start-up too: a bot that was down on Monday
    morning sends the report when it comes back, and never twice.
    """
    services: Services = context.bot_data
    storage, clock = services.storage, services.clock
    now = clock.now()
    local_now = clock.local(now)
    period = due_report_week(local_now)
    for member in await storage.staff.active_members():
        if not member.receives_weekly_report or member.role not in MANAGING_ROLES:
            continue
        if await storage.reports.sent(period.key, member.telegram_id):
            continue
        with use_locale(member.locale):
            text = await period_report(storage, clock.tz, period, None)
        try:
            await context.bot.send_message(member.telegram_id, text)
        except TelegramError as exc:
            log.warning("could not send the weekly report to %s: %s", member.telegram_id, exc)
            continue
        await storage.reports.mark_sent(period.key, member.telegram_id, now)


def schedule_weekly_report(application: Application) -> None:
    """Mondays at 08:00 local time, and once now to catch up after a restart."""
    tz = application.bot_data.clock.tz
    # python-telegram-bot counts days from Sunday (0): Monday is 1.
    application.job_queue.run_daily(
        send_weekly_report, REPORT_TIME.replace(tzinfo=tz), days=(1,), name=JOB_NAME
    )
    application.job_queue.run_once(send_weekly_report, timedelta(0), name=f"{JOB_NAME} (catch-up)")


def handlers() -> list[BaseHandler]:
    return [command("subscribe", subscribe), command("unsubscribe", unsubscribe)]
