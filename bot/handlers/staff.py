"""/users and /revoke: who has access, and taking it away at once."""

from __future__ import annotations

import html

from pydantic import Field
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import BotContext
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, language_name, lazy_gettext, ngettext
from bot.handlers.common import command, page_of, page_row, reply, show_page
from bot.handlers.notices import notify
from bot.menus import publish_member_menu
from bot.staff.roles import ADMIN_ONLY, MANAGING_ROLES
from bot.staff.staff import StaffMember

# A staff line is at most about 150 characters: twenty stay well within a message.
PAGE_SIZE = 20


class UsersPage(CallbackData, prefix="users"):
    page: int = Field(ge=0, le=9999)


COMMANDS = (
    CommandSpec(
        "users", lazy_gettext("List staff with role, team, language and status"), MANAGING_ROLES
    ),
    CommandSpec("revoke", lazy_gettext("Deactivate a user at once: /revoke @username"), ADMIN_ONLY),
)


async def list_users(update: Update, context: BotContext) -> None:
    """List every staff member with role, team, language and status."""
    await _show_users(update, context, 0)


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ / ▶ under the staff list."""
    await _show_users(update, context, UsersPage.read(update.callback_query.data).page)


async def _show_users(update: Update, context: BotContext, page: int) -> None:
    members = await context.storage.staff.all()
    active = sum(member.active for member in members)
    shown, page, pages = page_of(members, page, PAGE_SIZE)
    lines = [
        ngettext(
            "<b>{count} active staff member</b>", "<b>{count} active staff members</b>", active
        ).format(count=active)
    ]
    lines += [_staff_line(member) for member in shown]
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    navigation = page_row(page, pages, lambda to: UsersPage(page=to))
    await show_page(update, "\n".join(lines), navigation)


def _staff_line(member: StaffMember) -> str:
    status = _("active") if member.active else _("deactivated")
    return _("• {name} (ID {id}): {role}, {team}, {language}, {status}").format(
        name=html.escape(member.handle),
        id=member.telegram_id,
        role=member.role.label,
        team=member.team.label,
        language=language_name(member.locale),
        status=status,
    )


async def revoke(update: Update, context: BotContext) -> None:
    """Deactivate a staff member, found by Telegram id or @username."""
    admin = context.member
    if len(context.args) != 1:
        await reply(
            update,
            _(
                "Whose access should be deactivated? Give a Telegram id or "
                "@username from /users. Example: /revoke @anna_kim"
            ),
        )
        return
    reference = context.args[0]
    target = await context.storage.staff.find(reference)
    if target is None:
        await reply(
            update,
            _(
                "There is no staff member with the id or username “{reference}”. "
                "/users lists everyone. Example: /revoke @anna_kim"
            ).format(reference=html.escape(reference)),
        )
        return
    if target.telegram_id == admin.telegram_id:
        await reply(update, _("You cannot deactivate your own access. Ask another administrator."))
        return
    if not target.active:
        await reply(
            update, _("{name} is already deactivated.").format(name=html.escape(target.handle))
        )
        return

    await context.storage.staff.revoke(target.telegram_id, admin.telegram_id, context.clock.now())
    revoked = await context.storage.staff.get(target.telegram_id)
    await reply(
        update,
        _(
            "Access of {name} deactivated. From now on the bot refuses every "
            "message from this person."
        ).format(name=html.escape(target.handle)),
    )
    await publish_member_menu(context.bot, context.services.commands, revoked)
    await notify(
        context,
        [target],
        lambda: _(
            "Your access to KIM-Bot has been deactivated. Please contact the KIM "
            "coordination if you have questions."
        ),
    )


def handlers() -> list[BaseHandler]:
    return [
        command("users", list_users),
        CallbackQueryHandler(turn_page, pattern=UsersPage.matches),
        command("revoke", revoke),
    ]
