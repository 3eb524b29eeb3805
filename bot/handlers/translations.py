"""/translate: a short text through DeepL, charged to the translation fund.

Case texts go to DeepL only through a Pro key (or where DEEPL_ALLOW_FREE says so), and a
text that seems to contain personal data waits, in memory only, until its author decides.
"""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING

from pydantic import Field
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import BotContext
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_items, format_number, language_name, lazy_gettext
from bot.funds.funds import FundPurpose, no_fund_text
from bot.handlers.common import button, command, edit_text, remove_buttons, reply
from bot.handlers.notices import notify_fund_alert
from bot.interpreting.rates import machine_cost_micro_cents
from bot.privacy.personal_data import find_personal_data
from bot.staff.roles import CASEWORK_ROLES
from bot.translation.client import MachineTranslator, TargetLanguage, base_code
from bot.translation.translations import PendingTranslation, TargetError, resolve_target

log = logging.getLogger(__name__)

COMMANDS = (
    CommandSpec(
        "translate",
        lazy_gettext("Translate a short text with DeepL: /translate uk text"),
        CASEWORK_ROLES,
    ),
)

if TYPE_CHECKING:
    import deepl


class SendAnyway(CallbackData, prefix="translate:send"):
    """Send a held-back text after all; `token` names the warning it belongs to."""

    token: int = Field(ge=0, le=999_999_999_999)


class DropText(CallbackData, prefix="translate:cancel"):
    token: int = Field(ge=0, le=999_999_999_999)


# Longer texts are letters for a professional translation; this also keeps the reply
# within Telegram's 4096 characters.
MAX_CHARACTERS = 2000
EXAMPLE = "/translate uk Bitte bringen Sie zum Termin Ihren Pass mit."


async def translate(update: Update, context: BotContext) -> None:
    """/translate <language> <text>, /translate <language> as a reply, or /translate alone."""
    translator = context.services.translator
    if translator is None:
        await reply(
            update,
            _(
                "Machine translation is not configured (DEEPL_AUTH_KEY is missing). Please "
                "ask the administration, or request an interpreter with /interpreter."
            ),
        )
        return
    parts = update.message.text.split(maxsplit=2)
    if len(parts) == 1:
        await _list_languages(update, translator)
        return
    if translator.is_free and not context.services.settings.deepl_allow_free:
        await reply(
            update,
            _(
                "Nothing was sent: KIM-Bot is configured with a DeepL API Free key, and DeepL "
                "may use texts sent through a Free key to improve its service. Case texts must "
                "not go there. The administration can configure a DeepL API Pro key, whose "
                "texts are deleted after translation."
            ),
        )
        return
    text = parts[2].strip() if len(parts) == 3 else _replied_text(update)
    if not text:
        await reply(
            update,
            _(
                "Which text? Write it after the language, or answer a message with "
                "/translate and the language. Example: {example}"
            ).format(example=html.escape(EXAMPLE)),
        )
        return
    import deepl  # loaded with the translator (bot/translation/client.py)

    try:
        codes = {language.code for language in await translator.target_languages()}
        target = resolve_target(parts[1], codes)
    except deepl.DeepLException as error:
        await _report_failure(update, error)
        return
    except TargetError as error:
        await reply(update, error.message)
        return
    if len(text) > MAX_CHARACTERS:
        await reply(
            update,
            _(
                "This text has {count} characters; /translate takes at most {limit}. Please "
                "split it, or request a written translation with /interpreter."
            ).format(count=format_number(len(text)), limit=format_number(MAX_CHARACTERS)),
        )
        return
    found = find_personal_data(text, context.clock.today())
    if found:
        pending = PendingTranslation(update.message.message_id, text, target, tuple(found))
        await _hold_back(update, context, pending)
        return
    await _send(update, context, translator, text, target)


def _replied_text(update: Update) -> str:
    replied = update.message.reply_to_message
    if replied is None:
        return ""
    return (replied.text or replied.caption or "").strip()


async def _hold_back(update: Update, context: BotContext, pending: PendingTranslation) -> None:
    """Say what personal data the text seems to contain, and keep it until a button says."""
    context.user_data.pending_translation = pending
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(_("Send anyway"), SendAnyway(token=pending.token)),
                button(_("Cancel"), DropText(token=pending.token)),
            ]
        ]
    )
    await reply(
        update,
        _(
            "Nothing was sent yet: the text seems to contain {kinds}. Personal data must not "
            "go to DeepL. Please remove it and send the text again, or send it as it is if "
            "this is not personal data."
        ).format(kinds=format_items([kind.label for kind in pending.found])),
        reply_markup=keyboard,
    )


async def send_anyway(update: Update, context: BotContext) -> None:
    """The author confirms a held-back text: send it to DeepL after all."""
    query = update.callback_query
    pending = context.user_data.pending_translation
    translator = context.services.translator
    if pending is None or translator is None or SendAnyway.read(query.data).token != pending.token:
        await query.answer(_("This button is no longer active."), show_alert=True)
        await remove_buttons(query)
        return
    context.user_data.pending_translation = None
    await query.answer()
    await remove_buttons(query)
    # Who overrode the warning, and for what kind of data; never the text itself.
    await context.storage.audit.record(
        "translation.personal_data_sent",
        context.clock.now(),
        context.member.telegram_id,
        detail=",".join(pending.found),
    )
    await _send(update, context, translator, pending.text, pending.target)


async def cancel(update: Update, context: BotContext) -> None:
    """The author drops a held-back text: it is forgotten, nothing goes to DeepL."""
    query = update.callback_query
    pending = context.user_data.pending_translation
    if pending is not None and DropText.read(query.data).token == pending.token:
        context.user_data.pending_translation = None
    await query.answer()
    await edit_text(query, _("Cancelled. Nothing was sent to DeepL."))


async def _send(
    update: Update,
    context: BotContext,
    translator: MachineTranslator,
    text: str,
    target: str,
) -> None:
    """Translate, charge the characters to the translation fund running today, answer,
    alert if due. Without a fund running today nothing is sent to DeepL."""
    today = context.clock.today()
    fund = await context.storage.funds.covering(FundPurpose.TRANSLATION, today)
    if fund is None:
        funds = await context.storage.funds.all()
        await reply(update, no_fund_text(FundPurpose.TRANSLATION, today, funds))
        return
    import deepl  # loaded with the translator (bot/translation/client.py)

    try:
        result = await translator.translate(text, target)
    except deepl.DeepLException as error:
        await _report_failure(update, error)
        return
    rates = await context.storage.funds.rates(context.services.base_rates)
    characters = result.billed_characters
    alert = await context.storage.translations.record(
        fund.id,
        context.member.telegram_id,
        base_code(target),
        characters,
        machine_cost_micro_cents(characters, rates),
        context.clock.now(),
    )
    source = result.detected_source_language
    lines = [
        _("<b>{target}</b> (DeepL, from {source}):").format(
            target=_target_name(target),
            source=language_name(base_code(source)) if source else "?",
        ),
        "",
        html.escape(result.text),
        "",
        _(
            "<i>Machine translation: please check it before passing it on. {count} "
            "characters were charged to the translation fund.</i>"
        ).format(count=format_number(characters)),
    ]
    await reply(update, "\n".join(lines))
    await notify_fund_alert(context, alert)


async def _report_failure(update: Update, error: deepl.DeepLException) -> None:
    """Tell the person waiting what a DeepL failure means; the details go to the log."""
    # DeepL's messages name the status and DeepL's answer, never the text sent.
    log.warning("DeepL failed: %s: %s", type(error).__name__, error)
    await reply(update, _failure_text(error))


def _failure_text(error: deepl.DeepLException) -> str:
    import deepl  # loaded with the translator (bot/translation/client.py)

    if isinstance(error, deepl.AuthorizationException):
        return _(
            "Nothing was translated: DeepL refused KIM-Bot's access key. Please tell the "
            "administration (DEEPL_AUTH_KEY must be checked)."
        )
    if isinstance(error, deepl.QuotaExceededException):
        return _(
            "Nothing was translated: the DeepL character quota for this billing period is "
            "used up. Please tell the administration, or request an interpreter with "
            "/interpreter."
        )
    if isinstance(error, deepl.TooManyRequestsException):
        return _("Nothing was translated: DeepL is busy right now. Please try again in a minute.")
    if isinstance(error, deepl.ConnectionException):
        return _(
            "Nothing was translated: DeepL cannot be reached at the moment. Please try again later."
        )
    return _("Nothing was translated: DeepL reported an error. Please try again later.")


async def _list_languages(update: Update, translator: MachineTranslator) -> None:
    """The languages DeepL translates into, by their names in the reader's language."""
    import deepl  # loaded with the translator (bot/translation/client.py)

    try:
        targets = await translator.target_languages()
    except deepl.DeepLException as error:
        await _report_failure(update, error)
        return
    named = sorted(targets, key=lambda language: (_target_name(language).casefold(), language.code))
    lines = [_("<b>DeepL translates into</b>")]
    lines += [
        f"{language.code} – {_target_name(language)}{'' if language.supports_formality else ' *'}"
        for language in named
    ]
    lines += [
        "",
        _("* without a choice of formal address: DeepL uses its usual form."),
        _("Example: {example}").format(example=html.escape(EXAMPLE)),
        _("Or answer a message with /translate and the language, e.g. /translate de."),
    ]
    await reply(update, "\n".join(lines))


def _target_name(target: TargetLanguage | str) -> str:
    """The language's name in the reader's language, DeepL's English name if Babel has none."""
    code = target.base_code if isinstance(target, TargetLanguage) else base_code(target)
    name = language_name(code)
    if name == code and isinstance(target, TargetLanguage):
        return html.escape(target.name)
    return name


def handlers() -> list[BaseHandler]:
    return [
        command("translate", translate),
        CallbackQueryHandler(send_anyway, pattern=SendAnyway.matches),
        CallbackQueryHandler(cancel, pattern=DropText.matches),
    ]
