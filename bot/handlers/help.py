"""/help, and the answer to anything the bot does not understand."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, lazy_gettext
from bot.handlers.common import command, reply
from bot.staff.roles import ALL_ROLES

COMMANDS = (
    CommandSpec("help", lazy_gettext("Show the commands you may use"), ALL_ROLES),
    CommandSpec("cancel", lazy_gettext("Stop the current dialog"), ALL_ROLES),
)


async def show_help(update: Update, context: BotContext) -> None:
    """List exactly the commands the sender's role may use."""
    member = context.member
    lines = [_("<b>Your commands</b> ({role})").format(role=member.role.label)]
    lines += [
        f"/{spec.name} – {spec.description}"
        for spec in context.services.commands.allowed(member.role)
    ]
    lines.append("")
    lines.append(
        _(
            "Privacy: families are known to the bot only by their code. Never type names, "
            "addresses or other identifying details into messages or notes."
        )
    )
    await reply(update, "\n".join(lines))


async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """/cancel outside a dialog (inside one, the dialog's own /cancel answers)."""
    await reply(update, _("There is no dialog to cancel."))


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have."""
    await reply(update, _("I do not know this command. /help lists the commands you may use."))


async def unknown_text(update: Update, context: BotContext) -> None:
    """A message outside any dialog."""
    await reply(update, _("I did not understand that. /help lists the commands you may use."))


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message whose dialog is over."""
    await update.callback_query.answer(_("This button is no longer active."), show_alert=True)


def handlers() -> list[BaseHandler]:
    return [command("help", show_help), command("cancel", nothing_to_cancel)]


def fallback_handlers() -> list[BaseHandler]:
    """Registered last, after every capability had its chance."""
    return [
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command),
        MessageHandler(filters.UpdateType.MESSAGE, unknown_text),
        CallbackQueryHandler(stale_button),
    ]
