"""Command menus, published with setMyCommands per language and per person."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.core.commands import CommandRegistry
from bot.core.i18n import SUPPORTED_LOCALES, use_locale
from bot.staff.staff import StaffMember

log = logging.getLogger(__name__)


async def publish_default_menus(bot: Bot, registry: CommandRegistry, default_locale: str) -> None:
    """What people who are not registered see: /start, in each language."""
    for locale in SUPPORTED_LOCALES:
        with use_locale(locale):
            await bot.set_my_commands(
                registry.menu(registry.public()),
                scope=BotCommandScopeDefault(),
                language_code=locale,
            )
    with use_locale(default_locale):
        await bot.set_my_commands(registry.menu(registry.public()), scope=BotCommandScopeDefault())


async def publish_member_menu(bot: Bot, registry: CommandRegistry, member: StaffMember) -> None:
    """Exactly the commands of the member's role, in the member's language, in their chat."""
    if member.telegram_id < 0:
        return  # shell and demo identities: no Telegram chat to publish a menu to
    scope = BotCommandScopeChat(member.telegram_id)
    try:
        if member.active:
            with use_locale(member.locale):
                await bot.set_my_commands(registry.menu(registry.allowed(member.role)), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as exc:
        # A person who never opened a chat with the bot has no chat to scope a menu to.
        log.warning("could not publish the command menu for %s: %s", member.telegram_id, exc)
