"""/week, /month, /year and /caseload: the figures coordinators report, and /fte."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, format_number, lazy_gettext, ngettext
from bot.core.parsing import ParseError
from bot.handlers.common import button, command, reply
from bot.handlers.exports import CHART
from bot.reporting.figures import PEOPLE_SHOWN, PeriodFigures, figures_text
from bot.reporting.periods import Period, PeriodKind, parse_month, parse_week, parse_year
from bot.staff.roles import ALL_ROLES, MANAGING_ROLES, sees_all_families
from bot.storage import Storage

COMMANDS = (
    CommandSpec(
        "week",
        lazy_gettext("Figures of a week: /week, /week KW47, /week 24.11.2026"),
        ALL_ROLES,
    ),
    CommandSpec("month", lazy_gettext("Figures of a month: /month, /month 11.2026"), ALL_ROLES),
    CommandSpec("year", lazy_gettext("Figures of a year: /year, /year 2026"), ALL_ROLES),
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


async def show_week(update: Update, context: BotContext) -> None:
    """This ISO week's figures, or those of the week asked for."""
    await _show(update, context, parse_week)


async def show_month(update: Update, context: BotContext) -> None:
    await _show(update, context, parse_month)


async def show_year(update: Update, context: BotContext) -> None:
    await _show(update, context, parse_year)


async def _show(update: Update, context: BotContext, parse: Callable[[str, date], Period]) -> None:
    try:
        period = parse(" ".join(context.args), context.clock.today())
    except ParseError as error:
        await reply(update, error.message)
        return
    member = context.member
    county = sees_all_families(member.role)
    text = await period_report(
        context.storage, context.clock.tz, period, None if county else member.telegram_id
    )
    markup = None
    if county and period.kind is PeriodKind.WEEK:
        markup = InlineKeyboardMarkup([[button(_("Charts"), f"{CHART}{period.start.isoformat()}")]])
    await reply(update, text, reply_markup=markup)


async def period_report(
    storage: Storage, tz: ZoneInfo, period: Period, staff_id: int | None
) -> str:
    """The report of a period: the county's with each person's share, or one person's."""
    current = await _figures(storage, tz, period, staff_id, per_person=staff_id is None)
    previous = await _figures(storage, tz, period.previous(), staff_id, per_person=False)
    if staff_id is None:
        shown = [person.staff_id for person in current.by_staff[: PEOPLE_SHOWN + 1]]
        names = await storage.staff.names(shown)
        return figures_text(period, current, previous, _("KIM figures, whole county"), names)
    return figures_text(period, current, previous, _("Your figures"))


async def _figures(
    storage: Storage, tz: ZoneInfo, period: Period, staff_id: int | None, per_person: bool
) -> PeriodFigures:
    start_at = datetime.combine(period.start, time(0), tz)
    end_at = datetime.combine(period.end, time(0), tz)
    return await storage.figures.period(period, start_at, end_at, staff_id, per_person)


async def show_caseload(update: Update, context: BotContext) -> None:
    """Active families per case manager (and per full-time position where configured)."""
    caseload = await context.storage.figures.caseload()
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
        _caseload_line(names.get(person, str(person)), positions.get(person), families, fled)
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


def _caseload_line(name: str, fte_permille: int | None, families: int, fled: int) -> str:
    line = ngettext(
        "{name}: {count} family ({ukraine} from Ukraine)",
        "{name}: {count} families ({ukraine} from Ukraine)",
        families,
    ).format(name=html.escape(name), count=families, ukraine=fled)
    if fte_permille:
        fte = Decimal(fte_permille) / 1000
        line += " · " + _("{fte} FTE: {per} per full-time position").format(
            fte=format_number(fte), per=format_number((families / fte).quantize(Decimal("0.1")))
        )
    return line


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
    share = _share(context.args[1])
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


def _share(text: str) -> Decimal | None:
    """0,8 or 0.75: a share of a full-time position, to a thousandth."""
    try:
        share = Decimal(text.replace(",", "."))
    except ArithmeticError:
        return None
    if not share.is_finite() or not 0 <= share <= 1 or share != share.quantize(Decimal("0.001")):
        return None
    return share


def handlers() -> list[BaseHandler]:
    return [
        command("week", show_week),
        command("month", show_month),
        command("year", show_year),
        command("caseload", show_caseload),
        command("fte", set_fte),
    ]
