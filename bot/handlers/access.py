"""The access gate: runs before every other handler and lets only active staff through.

It runs in the first handler group, so that no handler ever sees an update from a
stranger, a revoked person or a group chat, and it sets the reply language for the update.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import BotContext
from bot.core.commands import command_name
from bot.core.i18n import _, guess_locale, set_locale
from bot.staff.staff import StaffMember

log = logging.getLogger(__name__)

GATE_GROUP = -100

_GONE = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}


async def gate(update: Update, context: BotContext) -> None:
    """Admit active staff in private chats; refuse everyone and everything else once."""
    # A new update: nothing is stored for it yet (the error handler asks, see errors.py).
    context.storage.db.start_unit_of_work()
    user = update.effective_user
    chat = update.effective_chat
    set_locale(
        guess_locale(user.language_code if user else None, context.services.settings.default_locale)
    )

    # The bot's own membership changed. Being added to a group is refused below; being
    # blocked, removed or (re)started in a private chat needs no answer.
    membership = update.my_chat_member
    if membership is not None and (
        membership.new_chat_member.status in _GONE or chat.type == ChatType.PRIVATE
    ):
        raise ApplicationHandlerStop
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _refuse_shared_chat(update, context)
        raise ApplicationHandlerStop
    if user is None:
        # Polls, reactions and the like without a person: nothing for us.
        raise ApplicationHandlerStop

    member = await context.storage.staff.get(user.id)
    name = command_name(update.message.text if update.message else None)
    if member is not None and member.active:
        set_locale(member.locale)
        context.staff = member
        await _keep_profile_current(context, member, user.username, user.first_name)
        if name is not None:
            await _check_command_allowed(update, context, member, name)
        return

    # /start lets strangers redeem an invitation (and revoked staff a new one).
    if name == "start":
        return
    if member is None:
        action, text = (
            "access.refused_unknown",
            _(
                "You are not registered with KIM-Bot. Please ask the KIM coordination for an "
                "invitation."
            ),
        )
    else:
        action, text = (
            "access.refused_revoked",
            _(
                "Your access to KIM-Bot has been deactivated. Please contact the KIM coordination "
                "if you have questions."
            ),
        )
    await context.storage.audit.record(action, context.clock.now(), user.id)
    await _tell(update, text)
    raise ApplicationHandlerStop


async def _refuse_shared_chat(update: Update, context: BotContext) -> None:
    """Case data is only ever discussed in private chats: say so once and leave."""
    chat = update.effective_chat
    user = update.effective_user
    await context.storage.audit.record(
        "access.refused_shared_chat",
        context.clock.now(),
        user.id if user else None,
        subject=str(chat.id),
        detail=chat.type,
    )
    try:
        if chat.type != ChatType.CHANNEL:
            await context.bot.send_message(
                chat.id,
                _(
                    "KIM-Bot works in private chats only, because it handles confidential case "
                    "data. I am leaving this chat."
                ),
            )
        await context.bot.leave_chat(chat.id)
    except TelegramError as exc:
        log.warning("could not leave chat %s: %s", chat.id, exc)


async def _keep_profile_current(
    context: BotContext, member: StaffMember, username: str | None, first_name: str
) -> None:
    if (member.username, member.display_name) != (username, first_name):
        await context.storage.staff.update_profile(member.telegram_id, username, first_name)


async def _check_command_allowed(
    update: Update, context: BotContext, member: StaffMember, name: str
) -> None:
    spec = context.services.commands.get(name)
    if spec is None or member.role in spec.roles:
        return
    await context.storage.audit.record(
        "access.denied_command", context.clock.now(), member.telegram_id, detail=name
    )
    await _tell(
        update,
        _("/{command} is not available to your role ({role}). /help lists your commands.").format(
            command=name, role=member.role.label
        ),
    )
    raise ApplicationHandlerStop


async def _tell(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def handlers() -> list[TypeHandler]:
    return [TypeHandler(Update, gate)]
