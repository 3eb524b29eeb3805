"""/start and /invite: staff join with a one-time invitation code."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import BotContext
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_datetime, guess_locale, lazy_gettext, use_locale
from bot.handlers.common import button, command, edit_text, reply
from bot.handlers.notices import notify
from bot.menus import publish_member_menu
from bot.staff.invitations import (
    MAX_FAILED_CODES,
    Invitation,
    InvitationRefused,
    Refusal,
    deep_link,
)
from bot.staff.roles import (
    ALL_ROLES,
    MANAGING_ROLES,
    Role,
    invitable_roles,
    may_invite,
    parse_role,
    parse_team,
)
from bot.staff.staff import StaffMember

COMMANDS = (
    CommandSpec(
        "start", lazy_gettext("Start or register with an invitation code"), ALL_ROLES, public=True
    ),
    CommandSpec("invite", lazy_gettext("Invite a colleague: /invite case_manager"), MANAGING_ROLES),
)


class InviteRole(CallbackData, prefix="invite"):
    role: Role


async def start(update: Update, context: BotContext) -> None:
    """Greet a registered person, or register one with an invitation code."""
    user = update.effective_user
    if not context.args:
        member = context.staff
        if member is not None:
            await reply(update, _welcome_back(member))
        elif await context.storage.staff.get(user.id) is not None:
            await reply(
                update,
                _(
                    "Your access to KIM-Bot has been deactivated. Please contact "
                    "the KIM coordination if you have questions."
                ),
            )
        else:
            await reply(
                update,
                _(
                    "Welcome to KIM-Bot. To use it you need an invitation: please "
                    "ask the KIM coordination for an invitation link or code."
                ),
            )
        return

    code = context.args[0]
    locale = guess_locale(user.language_code, context.services.settings.default_locale)
    try:
        member = await context.storage.invitations.redeem(
            code, user.id, user.username, user.first_name, locale, context.clock.now()
        )
    except InvitationRefused as refused:
        await reply(update, _refusal_text(context, refused))
        return

    with use_locale(member.locale):
        await reply(
            update,
            _(
                "Welcome to KIM-Bot, {name}! You are registered (role: {role}, team: {team}).\n\n"
                "Please never type names or other identifying details of families into the bot: "
                "it works with family codes only.\n\n/help lists your commands, /language changes "
                "the language."
            ).format(
                name=html.escape(user.first_name), role=member.role.label, team=member.team.label
            ),
        )
    await publish_member_menu(context.bot, context.services.commands, member)
    await _tell_inviter(context, member)


def _welcome_back(member: StaffMember) -> str:
    return _(
        "Welcome back, {name} (role: {role}, team: {team}). /help lists your commands."
    ).format(name=html.escape(member.display_name), role=member.role.label, team=member.team.label)


def _refusal_text(context: BotContext, refused: InvitationRefused) -> str:
    if refused.reason is Refusal.TOO_MANY_TRIES:
        return _(
            "You have tried {count} invitation codes that did not work within an hour. To "
            "protect the bot against guessing, I check no code until {time}, not even a "
            "correct one. Please send it again then."
        ).format(count=MAX_FAILED_CODES, time=format_datetime(context.clock.local(refused.until)))
    texts = {
        Refusal.UNKNOWN: _(
            "This invitation code is not valid. Please check that you copied it "
            "completely, or ask for a new invitation."
        ),
        Refusal.USED: _(
            "This invitation code has already been used. Each code works only "
            "once: please ask for a new invitation."
        ),
        Refusal.EXPIRED: _(
            "This invitation code has expired (codes are valid for 7 days). "
            "Please ask for a new invitation."
        ),
        Refusal.INVITER_REVOKED: _(
            "This invitation is no longer valid because the person who "
            "created it no longer has access. Please ask for a new "
            "invitation."
        ),
        Refusal.ALREADY_REGISTERED: _(
            "You are already registered, so the code was not used. /help lists your commands."
        ),
    }
    return texts[refused.reason]


async def _tell_inviter(context: BotContext, member: StaffMember) -> None:
    inviter = await context.storage.staff.get(member.invited_by) if member.invited_by else None
    if inviter is None or not inviter.active:
        return
    await notify(
        context,
        [inviter],
        lambda: _("{person} accepted your invitation and is now registered (role: {role}).").format(
            person=html.escape(member.handle), role=member.role.label
        ),
    )


async def invite(update: Update, context: BotContext) -> None:
    """Create a one-time invitation for a role (and team), or offer the roles as buttons."""
    inviter = context.member
    if not context.args:
        buttons = [
            [button(role.label, InviteRole(role=role))] for role in invitable_roles(inviter.role)
        ]
        await reply(
            update, _("Whom would you like to invite?"), reply_markup=InlineKeyboardMarkup(buttons)
        )
        return

    role = parse_role(context.args[0])
    if role is None:
        await reply(
            update,
            _(
                "Unknown role “{word}”. Roles: case_manager, coordinator, admin. "
                "Example: /invite case_manager"
            ).format(word=html.escape(context.args[0])),
        )
        return
    team = role.default_team
    if len(context.args) > 1:
        team = parse_team(" ".join(context.args[1:]))
        if team is None:
            await reply(
                update,
                _(
                    "Unknown team “{word}”. Teams: case_management, coordination, administration, "
                    "immigration_office (Ausländerbehörde), naturalisation_office "
                    "(Einbürgerungsbehörde). Example: /invite case_manager immigration_office"
                ).format(word=html.escape(" ".join(context.args[1:]))),
            )
            return
    if not may_invite(inviter.role, role):
        await reply(
            update,
            _("As {role} you may invite case managers only. Example: /invite case_manager").format(
                role=inviter.role.label
            ),
        )
        return
    invitation = await context.storage.invitations.create(
        role, team, inviter.telegram_id, context.clock.now()
    )
    await reply(update, _invitation_text(context, invitation))


async def invite_button(update: Update, context: BotContext) -> None:
    """The inviter picked a role from the buttons."""
    query = update.callback_query
    role = InviteRole.read(query.data).role
    inviter = context.member
    await query.answer()
    if not may_invite(inviter.role, role):
        await edit_text(
            query, _("As {role} you may invite case managers only.").format(role=inviter.role.label)
        )
        return
    invitation = await context.storage.invitations.create(
        role, role.default_team, inviter.telegram_id, context.clock.now()
    )
    await edit_text(query, _invitation_text(context, invitation))


def _invitation_text(context: BotContext, invitation: Invitation) -> str:
    expires = format_datetime(context.clock.local(invitation.expires_at))
    return _(
        "Invitation (role: {role}, team: {team}), valid once until {expires}.\n\n"
        "Send this link to your colleague:\n{link}\n\n"
        "Or they send this to the bot: <code>/start {code}</code>"
    ).format(
        role=invitation.role.label,
        team=invitation.team.label,
        expires=expires,
        link=deep_link(context.bot.username, invitation.code),
        code=invitation.code,
    )


def handlers() -> list[BaseHandler]:
    return [
        command("start", start),
        command("invite", invite),
        CallbackQueryHandler(invite_button, pattern=InviteRole.matches),
    ]
