"""/caseload and /fte: active families per case manager and per full-time position."""

from __future__ import annotations

import html
from decimal import Decimal

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_count, format_date, format_number, lazy_gettext
from bot.core.parsing import ParseError
from bot.handlers.common import command, reply
from bot.reporting.caseload import (
    FTE_EXAMPLE,
    caseload_line,
    fte_history_text,
    fte_set_text,
    parse_fte,
)
from bot.staff.roles import MANAGING_ROLES

COMMANDS = (
    CommandSpec(
        "caseload",
        lazy_gettext("Active families per case manager, and how many fled from Ukraine"),
        MANAGING_ROLES,
    ),
    CommandSpec(
        "fte",
        lazy_gettext(
            "Set a share of a full-time position from a day on: /fte @anna_kim 0,8 from 01.01.2026"
        ),
        MANAGING_ROLES,
    ),
)

CASELOAD_SHOWN = 40


async def show_caseload(update: Update, context: BotContext) -> None:
    """Active families per case manager (and per full-time position where configured)."""
    caseload = await context.storage.caseload.active_families(CASELOAD_SHOWN)
    names = await context.storage.staff.names([person for person, _, _ in caseload.largest])
    positions = await context.storage.staff.full_time_equivalents(context.clock.today())
    lines = [
        _("<b>Active caseload</b> on {date}").format(date=format_date(context.clock.today())),
        _("<b>{families} families, of those {ukraine} fled from Ukraine</b>").format(
            families=format_count(caseload.families), ukraine=format_count(caseload.fled)
        ),
        "",
    ]
    lines += [
        caseload_line(names.get(person, str(person)), positions.get(person), families, fled)
        for person, families, fled in caseload.largest
    ]
    if caseload.not_shown:
        lines.append(
            _("… and {count} more: /export has everyone.").format(
                count=format_count(caseload.not_shown)
            )
        )
    staffed = await context.storage.caseload.families_of(positions)
    with_positions = [(families, positions[person]) for person, families in staffed.items()]
    if with_positions:
        total = Decimal(sum(fte for _, fte in with_positions)) / 1000
        families = sum(families for families, _ in with_positions)
        lines += [
            "",
            _("{positions} configured full-time positions: {per} families per position").format(
                positions=format_number(total),
                per=format_number((families / total).quantize(Decimal("0.1"))),
            ),
        ]
    await reply(update, "\n".join(lines))


async def set_fte(update: Update, context: BotContext) -> None:
    """/fte @anna_kim 0,8 [from 01.01.2026]: a share of a full-time position from a day on
    (0 ends it); /fte @anna_kim shows the person's shares over time."""
    try:
        order = parse_fte(context.args, context.clock.today())
    except ParseError as error:
        await reply(update, error.message)
        return
    person = await context.storage.staff.find(order.person)
    if person is None:
        await reply(
            update,
            _(
                "There is no staff member “{name}”. /users lists everyone. Example: {example}"
            ).format(name=html.escape(order.person[:40]), example=FTE_EXAMPLE),
        )
        return
    if order.share is None:
        history = await context.storage.staff.fte_history(person.telegram_id)
        await reply(update, fte_history_text(person.handle, history))
        return
    await context.storage.staff.set_fte(
        person.telegram_id,
        int(order.share * 1000),
        order.valid_from,
        context.member.telegram_id,
        context.clock.now(),
    )
    await reply(update, fte_set_text(person.handle, order.share, order.valid_from))


def handlers() -> list[BaseHandler]:
    return [command("caseload", show_caseload), command("fte", set_fte)]
