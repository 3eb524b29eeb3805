"""/caseload and /fte: active families per case manager and per full-time position."""

from __future__ import annotations

import html
from decimal import Decimal

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, format_number, lazy_gettext
from bot.handlers.common import command, reply
from bot.reporting.caseload import caseload_line, parse_full_time_share
from bot.staff.roles import MANAGING_ROLES

COMMANDS = (
    CommandSpec(
        "caseload",
        lazy_gettext("Active families per case manager, and how many fled from Ukraine"),
        MANAGING_ROLES,
    ),
    CommandSpec(
        "fte",
        lazy_gettext("Set a case manager's full-time equivalent: /fte @anna_kim 0,8"),
        MANAGING_ROLES,
    ),
)

CASELOAD_SHOWN = 40


async def show_caseload(update: Update, context: BotContext) -> None:
    """Active families per case manager (and per full-time position where configured)."""
    caseload = await context.storage.caseload.active_families()
    shown = caseload[:CASELOAD_SHOWN]
    names = await context.storage.staff.names([person for person, _, _ in shown])
    positions = await context.storage.staff.full_time_equivalents()
    lines = [
        _("<b>Active caseload</b> on {date}").format(date=format_date(context.clock.today())),
        _("<b>{families} families, of those {ukraine} fled from Ukraine</b>").format(
            families=sum(families for _, families, _ in caseload),
            ukraine=sum(fled for _, _, fled in caseload),
        ),
        "",
    ]
    lines += [
        caseload_line(names.get(person, str(person)), positions.get(person), families, fled)
        for person, families, fled in shown
    ]
    if len(caseload) > CASELOAD_SHOWN:
        lines.append(
            _("… and {count} more: /export has everyone.").format(
                count=len(caseload) - CASELOAD_SHOWN
            )
        )
    with_positions = [
        (families, positions[person]) for person, families, _ in caseload if person in positions
    ]
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
    """/fte @anna_kim 0,8: a case manager's share of a full-time position (0 clears it)."""
    example = "/fte @anna_kim 0,8"
    if len(context.args) != 2:
        await reply(
            update,
            _("Whose full-time equivalent? Example: {example}").format(example=example),
        )
        return
    person = await context.storage.staff.find(context.args[0])
    if person is None:
        await reply(
            update,
            _(
                "There is no staff member “{name}”. /users lists everyone. Example: {example}"
            ).format(name=html.escape(context.args[0][:40]), example=example),
        )
        return
    share = parse_full_time_share(context.args[1])
    if share is None:
        await reply(
            update,
            _(
                "“{text}” is not a share of a full-time position from 0 to 1. Example: {example}"
            ).format(text=html.escape(context.args[1][:20]), example=example),
        )
        return
    await context.storage.staff.set_fte(
        person.telegram_id,
        int(share * 1000) or None,
        context.member.telegram_id,
        context.clock.now(),
    )
    await reply(
        update,
        _("{name}: {fte} of a full-time position.").format(
            name=html.escape(person.handle), fte=format_number(share)
        ),
    )


def handlers() -> list[BaseHandler]:
    return [command("caseload", show_caseload), command("fte", set_fte)]
