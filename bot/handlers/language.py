"""/language: each person chooses the language the bot writes in."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import BotContext
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import SUPPORTED_LOCALES, _, autonym, language_name, lazy_gettext, set_locale
from bot.handlers.common import button, command, edit_text, reply
from bot.menus import publish_member_menu
from bot.staff.roles import ALL_ROLES

COMMANDS = (
    CommandSpec(
        "language", lazy_gettext("Change the language: Deutsch, English, Українська"), ALL_ROLES
    ),
)


def _supported(locale: str) -> str:
    if locale not in SUPPORTED_LOCALES:
        raise ValueError("not a language of the bot")
    return locale


class LanguageChosen(CallbackData, prefix="language"):
    locale: Annotated[str, AfterValidator(_supported)]


async def choose_language(update: Update, context: BotContext) -> None:
    """Offer the supported languages as buttons, each named in its own language."""
    buttons = [
        button(autonym(locale), LanguageChosen(locale=locale)) for locale in SUPPORTED_LOCALES
    ]
    await reply(
        update,
        _("Current language: {language}. Choose a language:").format(
            language=language_name(context.member.locale)
        ),
        reply_markup=InlineKeyboardMarkup([buttons]),
    )


async def set_language(update: Update, context: BotContext) -> None:
    """Store the chosen language and answer in it from now on."""
    query = update.callback_query
    locale = LanguageChosen.read(query.data).locale
    member = context.member
    await context.storage.staff.set_locale(member.telegram_id, locale, context.clock.now())
    set_locale(locale)
    await query.answer()
    await edit_text(query, _("Language set to {language}.").format(language=language_name(locale)))
    updated = await context.storage.staff.get(member.telegram_id)
    await publish_member_menu(context.bot, context.services.commands, updated)


def handlers() -> list[BaseHandler]:
    return [
        command("language", choose_language),
        CallbackQueryHandler(set_language, pattern=LanguageChosen.matches),
    ]
