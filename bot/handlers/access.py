"""The access gate: runs before every other handler and lets only active staff through.

It runs in the first handler group, so that no handler ever sees an update from a
stranger, a revoked person or a group chat, an edited message, or an update beyond the
sender's flood limit, and it sets the reply language for the update.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import BotContext
from bot.core.commands import command_name
from bot.core.flood import Verdict
from bot.core.i18n import _, guess_locale, ngettext, set_locale
from bot.delivery.outbox import answering_update
from bot.staff.staff import StaffMember

log = logging.getLogger(__name__)

GATE_GROUP = -100

_GONE = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}


async def gate(update: Update, context: BotContext) -> None:
    """Admit active staff in private chats; refuse everyone and everything else once."""
    # A new update: nothing is stored for it yet (the error handler asks, see errors.py).
    context.storage.db.start_unit_of_work()
    # …and nobody acts in cover for a colleague yet (common.load_family says when they do).
    context.storage.audit.act_for_oneself()
    # What this update sends goes ahead of what the bot sends on its own.
    answering_update()
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
    # Before anything is read or written for the update: a flood costs nothing but this.
    if user is not None and not await _within_flood_limit(update, context, user.id):
        raise ApplicationHandlerStop
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _refuse_shared_chat(update, context)
        raise ApplicationHandlerStop
    if user is None:
        # Polls, reactions and the like without a person: nothing for us.
        raise ApplicationHandlerStop
    query = update.callback_query
    if query is not None and (query.message is None or query.data is None):
        # A button of an inline message or a game: the bot sends neither, so none of its
        # handlers could answer it.
        raise ApplicationHandlerStop

    member = await context.storage.staff.get(user.id)
    name = command_name(update.message.text if update.message else None)
    if member is not None and member.active:
        set_locale(member.locale)
        context.staff = member
        await _keep_profile_current(context, member, user.username, user.first_name)
        if update.edited_message is not None:
            # An edit is never read: it must not store, answer or step a dialog a second
            # time, and the person must not believe the change was taken.
            await _tell(
                update,
                _(
                    "I do not pick up edited messages: what you sent first counts. Please send "
                    "the change as a new message."
                ),
            )
            raise ApplicationHandlerStop
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


async def _within_flood_limit(update: Update, context: BotContext, user_id: int) -> bool:
    """Whether the person is within the flood limit; told once when they are not."""
    flood = context.services.flood
    # A message counts from when it was sent: what piled up while the bot was down and comes
    # at once after a restart is no flood.
    sent = update.message.date if update.message is not None else context.clock.now()
    verdict = flood.admit(user_id, sent)
    if verdict is Verdict.SLOW_DOWN:
        log.warning("flood limit: updates of %s set aside for %d s", user_id, flood.hold_seconds)
        member = await context.storage.staff.get(user_id)
        if member is not None and member.active:
            set_locale(member.locale)
        await _tell(
            update,
            ngettext(
                "Please slow down: you sent many messages within a few seconds. I have not read "
                "this one, and will not read those of the next {seconds} second; after that, "
                "please send again what is still missing.",
                "Please slow down: you sent many messages within a few seconds. I have not read "
                "this one, and will not read those of the next {seconds} seconds; after that, "
                "please send again what is still missing.",
                flood.hold_seconds,
            ).format(seconds=flood.hold_seconds),
        )
    return verdict is Verdict.ADMIT


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
