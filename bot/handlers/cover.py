"""/cover: a coordinator lets a case manager act for an absent colleague for a few days."""

from __future__ import annotations

import html
from datetime import time, timedelta
from functools import partial

from telegram import Update
from telegram.ext import Application, BaseHandler

from bot.context import BotContext, Services
from bot.core.commands import CommandSpec
from bot.core.i18n import _, lazy_gettext
from bot.core.parsing import ParseError
from bot.handlers.common import command, reply, run_each_morning
from bot.handlers.notices import notify
from bot.staff.cover import (
    END_WORDS,
    EXAMPLE,
    Cover,
    absent_notice,
    begun_notice_absent,
    begun_notice_covering,
    cover_refusal,
    cover_set_text,
    covering_notice,
    covers_text,
    ended_notice,
    over_notice,
    parse_cover,
    parse_cover_number,
)
from bot.staff.roles import MANAGING_ROLES
from bot.staff.staff import StaffMember
from bot.storage import Storage

COMMANDS = (
    CommandSpec(
        "cover",
        lazy_gettext(
            "Let a case manager act for an absent colleague: "
            "/cover @oksana_cm for @anna_kim until 18.12."
        ),
        MANAGING_ROLES,
    ),
)

# Current and planned covers are few; a line is under 100 characters.
COVERS_SHOWN = 30
JOB_NAME = "cover notices"
NOTICE_TIME = time(8, 0)
# A cover whose end the bot missed for longer (it was not running) is not announced late.
ANNOUNCED_DAYS = 7


async def cover(update: Update, context: BotContext) -> None:
    """/cover lists, /cover @a for @b [from DAY] until DAY sets, /cover end 3 ends early."""
    args = context.args
    try:
        if not args:
            await _list(update, context)
        elif args[0].casefold() in END_WORDS:
            await _end(update, context, parse_cover_number(args))
        else:
            await _set(update, context)
    except ParseError as error:
        await reply(update, error.message)


async def _list(update: Update, context: BotContext) -> None:
    covers = await context.storage.cover.current_and_planned(context.clock.today())
    shown = covers[:COVERS_SHOWN]
    people = {person for c in shown for person in (c.covering_id, c.absent_id)}
    names = await context.storage.staff.names(sorted(people))
    text = covers_text(shown, names, context.clock.today())
    if len(covers) > COVERS_SHOWN:
        text += "\n" + _("… and {count} more.").format(count=len(covers) - COVERS_SHOWN)
    await reply(update, text)


async def _person(update: Update, context: BotContext, reference: str) -> StaffMember | None:
    person = await context.storage.staff.find(reference)
    if person is None:
        await reply(
            update,
            _(
                "There is no staff member “{name}”. /users lists everyone. Example: {example}"
            ).format(name=html.escape(reference[:40]), example=EXAMPLE),
        )
    return person


async def _set(update: Update, context: BotContext) -> None:
    today = context.clock.today()
    order = parse_cover(context.args, today)
    covering = await _person(update, context, order.covering)
    if covering is None:
        return
    absent = await _person(update, context, order.absent)
    if absent is None:
        return
    same_pair = await context.storage.cover.of_pair(covering.telegram_id, absent.telegram_id, today)
    refusal = cover_refusal(covering, absent, order, same_pair)
    if refusal is not None:
        await reply(update, refusal)
        return
    coordinator = context.member
    new = await context.storage.cover.add(
        covering.telegram_id,
        absent.telegram_id,
        order.starts_on,
        order.ends_on,
        coordinator.telegram_id,
        context.clock.now(),
        today,
    )
    await reply(update, cover_set_text(new, covering.handle, absent.handle))
    await notify(
        context, [covering], lambda: covering_notice(new, absent.handle, coordinator.handle)
    )
    await notify(context, [absent], lambda: absent_notice(new, covering.handle, coordinator.handle))


async def _end(update: Update, context: BotContext, cover_id: int) -> None:
    found = await context.storage.cover.get(cover_id)
    today = context.clock.today()
    if found is None or found.ended_at is not None or found.ends_on < today:
        await reply(
            update,
            _("There is no current or planned cover {id}. /cover lists them.").format(id=cover_id),
        )
        return
    await context.storage.cover.end(found.id, context.member.telegram_id, context.clock.now())
    names = await context.storage.staff.names([found.covering_id, found.absent_id])
    covering = names.get(found.covering_id, str(found.covering_id))
    absent = names.get(found.absent_id, str(found.absent_id))
    await reply(
        update,
        _("Cover {id} ended: from now on {covering} no longer sees the families of {absent}.")
        .format(id=found.id, covering=html.escape(covering), absent=html.escape(absent)),
    )  # fmt: skip
    people = [
        person
        for person_id in (found.covering_id, found.absent_id)
        if (person := await context.storage.staff.get(person_id)) is not None and person.active
    ]
    await notify(context, people, lambda: ended_notice(found, covering, absent))


async def announce_covers(context: BotContext) -> None:
    """Each morning: tell both people that a cover set in advance begins today, or that one
    ended yesterday. Access needs no job (the dates are checked at each use); each cover is
    announced once, so a rerun or a catch-up after a restart tells nobody twice."""
    services: Services = context.bot_data
    storage, clock = services.storage, services.clock
    today = clock.today()
    for cover in await storage.cover.beginning(today):
        covering, absent = await _pair(storage, cover)
        if covering is not None and absent is not None:
            if covering.active:
                await notify(
                    context, [covering], partial(begun_notice_covering, cover, absent.handle)
                )
            if absent.active:
                await notify(
                    context, [absent], partial(begun_notice_absent, cover, covering.handle)
                )
        await storage.cover.mark_told(cover.id, beginning=True, now=clock.now())
    for cover in await storage.cover.over(today, since=today - timedelta(days=ANNOUNCED_DAYS)):
        covering, absent = await _pair(storage, cover)
        if covering is not None and absent is not None:
            told = [person for person in (covering, absent) if person.active]
            await notify(context, told, partial(over_notice, cover, covering.handle, absent.handle))
        await storage.cover.mark_told(cover.id, beginning=False, now=clock.now())


async def _pair(storage: Storage, cover: Cover) -> tuple[StaffMember | None, StaffMember | None]:
    return await storage.staff.get(cover.covering_id), await storage.staff.get(cover.absent_id)


def schedule_notices(application: Application) -> None:
    run_each_morning(application, announce_covers, NOTICE_TIME, JOB_NAME)


def handlers() -> list[BaseHandler]:
    return [command("cover", cover)]
