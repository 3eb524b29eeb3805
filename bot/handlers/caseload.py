"""/families and /family: the caseload, and one family's record with its latest contacts."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.casework.contacts import contact_line
from bot.casework.families import family_card, family_line, parse_town
from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, lazy_gettext, ngettext
from bot.core.parsing import ParseError
from bot.handlers.common import button, command, find_family, reply
from bot.staff.roles import ALL_ROLES, sees_all_families
from bot.staff.staff import StaffMember

COMMANDS = (
    CommandSpec(
        "families",
        lazy_gettext(
            "Active families, newest contact first (coordinators: /families @name or town)"
        ),
        ALL_ROLES,
    ),
    CommandSpec(
        "family", lazy_gettext("Show a family and its latest contacts: /family F-0042"), ALL_ROLES
    ),
)

PAGE_SIZE = 10
PAGE = "families:"


async def list_families(update: Update, context: BotContext) -> None:
    """The sender's caseload; coordinators and admins may filter by person or town."""
    member = context.member
    if not context.args:
        selection = f"cm{member.telegram_id}" if not sees_all_families(member.role) else ""
    elif not sees_all_families(member.role):
        await reply(
            update,
            _("You see your own caseload: /families without anything after it."),
        )
        return
    else:
        selection = await _selection(update, context, " ".join(context.args))
        if selection is None:
            return
    await _show_page(update, context, selection, 0)


async def _selection(update: Update, context: BotContext, text: str) -> str | None:
    """`cm<id>` for a person's caseload, `t<town>` for a town; None after a reply."""
    person = await context.storage.staff.find(text)
    if person is not None:
        return f"cm{person.telegram_id}"
    try:
        return f"t{parse_town(text, context.services.settings.towns)}"
    except ParseError:
        await reply(
            update,
            _(
                "“{text}” is neither a staff member nor a town. Examples: /families @anna_kim, "
                "/families Ahlen"
            ).format(text=html.escape(text)),
        )
        return None


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ / ▶ under a caseload list."""
    _prefix, page, selection = update.callback_query.data.split(":", 2)
    member = context.member
    if not sees_all_families(member.role):
        selection = f"cm{member.telegram_id}"
    await update.callback_query.answer()
    await _show_page(update, context, selection, int(page))


async def _show_page(update: Update, context: BotContext, selection: str, page: int) -> None:
    case_manager_id = int(selection[2:]) if selection.startswith("cm") else None
    town = selection[1:] if selection.startswith("t") else None
    families, total = await context.storage.families.caseload(
        case_manager_id, town, limit=PAGE_SIZE, offset=page * PAGE_SIZE
    )
    heading = await _heading(context, case_manager_id, town, total)
    lines = [heading, *(family_line(family) for family in families)]
    if any(not family.consent_on for family in families):
        lines.append(_("⚠ = written consent not recorded yet"))
    pages = max(1, -(-total // PAGE_SIZE))
    navigation = []
    if page > 0:
        navigation.append(button("◀", f"{PAGE}{page - 1}:{selection}"))
    if page + 1 < pages:
        navigation.append(button("▶", f"{PAGE}{page + 1}:{selection}"))
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    markup = InlineKeyboardMarkup([navigation]) if navigation else None
    if update.callback_query is not None:
        await update.callback_query.edit_message_text("\n".join(lines), reply_markup=markup)
    else:
        await reply(update, "\n".join(lines), reply_markup=markup)


async def _heading(
    context: BotContext, case_manager_id: int | None, town: str | None, total: int
) -> str:
    count = ngettext("{count} active family", "{count} active families", total).format(count=total)
    if case_manager_id == context.member.telegram_id:
        return _("<b>Your caseload: {count}</b>").format(count=count)
    if case_manager_id is not None:
        person: StaffMember | None = await context.storage.staff.get(case_manager_id)
        name = person.handle if person else str(case_manager_id)
        return _("<b>Caseload of {name}: {count}</b>").format(name=html.escape(name), count=count)
    if town is not None:
        return _("<b>{town}: {count}</b>").format(town=town, count=count)
    return _("<b>All case management: {count}</b>").format(count=count)


async def show_family(update: Update, context: BotContext) -> None:
    """One family's record and latest contacts; every look is audited."""
    if len(context.args) != 1:
        await reply(update, _("Which family? Example: /family F-0042"))
        return
    family = await find_family(update, context, context.args[0])
    if family is None:
        return
    member = context.member
    await context.storage.audit.record(
        "family.view", context.clock.now(), member.telegram_id, family.code
    )
    case_manager = await context.storage.staff.get(family.case_manager_id)
    contacts = await context.storage.contacts.recent_for_family(family.id)
    lines = [family_card(family, case_manager), ""]
    if contacts:
        lines.append(_("<b>Latest contacts</b>"))
        lines += [contact_line(contact) for contact in contacts]
    else:
        lines.append(_("No contacts logged yet."))
    await reply(update, "\n".join(lines))


def handlers() -> list[BaseHandler]:
    return [
        command("families", list_families),
        command("family", show_family),
        CallbackQueryHandler(turn_page, pattern=rf"^{PAGE}[0-9]{{1,4}}:(cm-?[0-9]{{1,15}}|t.+)?$"),
    ]
