"""/due and the morning reminders of follow-up dates."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseHandler

from bot.casework.followups import REMINDER_TIME, reminders_due_until
from bot.context import BotContext, Services
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, lazy_gettext, use_locale
from bot.handlers.common import command, reach_of, reply, run_each_morning
from bot.staff.cover import cover_mark
from bot.staff.roles import CASEWORK_ROLES

log = logging.getLogger(__name__)

COMMANDS = (
    CommandSpec("due", lazy_gettext("Your follow-ups for the coming days"), CASEWORK_ROLES),
)

DUE_DAYS = 7
JOB_NAME = "follow-up reminders"


async def list_due(update: Update, context: BotContext) -> None:
    """Open follow-ups of the sender's families: overdue, today and the next seven days."""
    today = context.clock.today()
    reach = await reach_of(context)
    # A coordinator's own families; a case manager's and, under a cover, the colleague's.
    whose = reach.case_managers or (reach.staff_id,)
    follow_ups = await context.storage.followups.open_follow_ups(
        whose, today + timedelta(days=DUE_DAYS)
    )
    if not follow_ups:
        await reply(update, _("No follow-ups in the next 7 days."))
        return
    names = await context.storage.staff.names(sorted(reach.covering))
    lines = [_("<b>Your follow-ups</b>")]
    for follow_up in follow_ups:
        if follow_up.due_on < today:
            when = _("overdue since {date}").format(date=format_date(follow_up.due_on))
        elif follow_up.due_on == today:
            when = _("today")
        else:
            when = format_date(follow_up.due_on)
        text = (
            _("{when}: {code} (case conference of {date})")
            if follow_up.at_conference
            else _("{when}: {code} (contact of {date})")
        )
        line = text.format(
            when=when, code=follow_up.family_code, date=format_date(follow_up.set_on)
        )
        if follow_up.case_manager_id in reach.covering:
            line += " · " + cover_mark(names, follow_up.case_manager_id)
        lines.append(line)
    await reply(update, "\n".join(lines))


async def send_reminders(context: BotContext) -> None:
    """Remind each case manager of their follow-ups due today (and missed ones), once."""
    services: Services = context.bot_data
    storage = services.storage
    now = services.clock.now()
    for follow_up in await storage.followups.follow_ups_to_remind(
        reminders_due_until(services.clock.local(now))
    ):
        with use_locale(follow_up.locale):
            text = (
                _(
                    "Follow-up due: {code}, planned for {due} at the case conference of "
                    "{date}. /family {code} shows the record."
                )
                if follow_up.at_conference
                else _(
                    "Follow-up due: {code}, planned for {due} at the contact of {date}. "
                    "/family {code} shows the record."
                )
            ).format(
                code=follow_up.family_code,
                due=format_date(follow_up.due_on),
                date=format_date(follow_up.set_on),
            )
        try:
            await context.bot.send_message(follow_up.case_manager_id, text)
        except TelegramError as exc:
            log.warning("could not remind %s: %s", follow_up.case_manager_id, exc)
            continue
        await storage.followups.mark_reminded(follow_up, now)


def schedule_reminders(application: Application) -> None:
    run_each_morning(application, send_reminders, REMINDER_TIME, JOB_NAME)


def handlers() -> list[BaseHandler]:
    return [command("due", list_due)]
