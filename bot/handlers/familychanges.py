"""/editfamily: change a family's town, household size, languages, benefit system or consent,
or reopen it; by the one-line form or step by step with buttons."""

from __future__ import annotations

from pydantic import Field
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler
from telegram.ext import filters as message_filters

from bot.casework.families import (
    MAX_HOUSEHOLD,
    Family,
    parse_household_size,
)
from bot.casework.familychanges import (
    EDIT_EXAMPLE,
    FamilyEdit,
    FamilyField,
    change_line,
    check_valid_from,
    parse_edit_family,
    refusal,
    unchangeable,
)
from bot.casework.vocabulary import BenefitSystem
from bot.context import BotContext, Dialog
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, lazy_gettext
from bot.core.parsing import ParseError
from bot.handlers.common import (
    LanguageButton,
    TownButton,
    answered,
    answered_town,
    button,
    cancel_row,
    command,
    dialog,
    end_dialog,
    find_family,
    language_keyboard,
    load_family,
    not_understood,
    pressed_elsewhere,
    remember_case_message,
    remove_buttons,
    reply,
    reply_with_case_details,
    rows,
    show,
    toggled_languages,
    town_keyboard,
    use_buttons,
)
from bot.staff.roles import CASEWORK_ROLES

COMMANDS = (
    CommandSpec(
        "editfamily",
        lazy_gettext(
            "Change a family's town, household, languages, benefit system or consent, or "
            "reopen it: /editfamily F-0042"
        ),
        CASEWORK_ROLES,
    ),
)


class FieldChosen(CallbackData, prefix="ef:field"):
    field: FamilyField


class EditTownChosen(TownButton, prefix="ef:town"):
    pass


class EditSizeChosen(CallbackData, prefix="ef:size"):
    people: int = Field(ge=1, le=MAX_HOUSEHOLD)


class EditLanguagesDone(CallbackData, prefix="ef:lang:done"):
    pass


class EditLanguageToggled(LanguageButton, prefix="ef:lang"):
    pass


class EditBenefitChosen(CallbackData, prefix="ef:benefit"):
    system: BenefitSystem


class EditConsentChosen(CallbackData, prefix="ef:consent"):
    given: bool


class SaveEdit(CallbackData, prefix="ef:save"):
    pass


class CancelEdit(CallbackData, prefix="ef:cancel"):
    pass


FIELD, TOWN, HOUSEHOLD, LANGUAGES, BENEFIT, CONSENT, CONFIRM = range(7)
CANCEL = cancel_row(CancelEdit())
_EDITABLE = (
    FamilyField.TOWN,
    FamilyField.HOUSEHOLD,
    FamilyField.LANGUAGES,
    FamilyField.BENEFIT,
    FamilyField.CONSENT,
)


async def edit_family(update: Update, context: BotContext) -> int:
    """Change a family: from the one-line form, or step by step with buttons."""
    if not context.args:
        await reply(
            update,
            _("Which family? Example: /editfamily F-0042, or at once: {example}").format(
                example=EDIT_EXAMPLE
            ),
        )
        return ConversationHandler.END
    if len(context.args) > 1:
        await _edit_at_once(update, context)
        return ConversationHandler.END
    family = await find_family(update, context, context.args[0])
    if family is None:
        return ConversationHandler.END
    if why := unchangeable(family):
        await reply(update, why)
        return ConversationHandler.END
    context.user_data.family_edit = Dialog(FamilyEdit(family_id=family.id))
    return await ask_field(update, context, family)


async def _edit_at_once(update: Update, context: BotContext) -> None:
    try:
        edit = parse_edit_family(" ".join(context.args), context.services.settings.towns)
    except ParseError as error:
        await reply(update, error.message)
        return
    family = await load_family(update, context, edit.family_id)
    if family is None:
        return
    if why := await _why_not(context, family, edit):
        await reply(update, why)
        return
    await _change(update, context, family, edit)


async def _why_not(context: BotContext, family: Family, edit: FamilyEdit) -> str | None:
    """Why this change cannot be saved (as it is, or from its day), or None."""
    if why := refusal(family, edit):
        return why
    if edit.valid_from is not None:
        last = await context.storage.familychanges.last_change_on(family.id)
        try:
            check_valid_from(edit.valid_from, family, last, context.clock.today())
        except ParseError as error:
            return error.message
    return None


async def _change(update: Update, context: BotContext, family: Family, edit: FamilyEdit) -> None:
    today = context.clock.today()
    line = change_line(family, edit, today)
    await context.storage.familychanges.change(
        family, edit, context.member.telegram_id, today, context.clock.now()
    )
    await reply_with_case_details(
        update,
        context,
        _("{code} changed. /family {code} shows it.").format(code=family.code) + "\n" + line,
    )


# The dialog -------------------------------------------------------------------------------


def _edit(context: BotContext) -> FamilyEdit:
    return context.user_data.family_edit.draft


async def _family(update: Update, context: BotContext) -> Family | None:
    """The family the dialog changes, read again (it may have changed meanwhile)."""
    return await load_family(update, context, _edit(context).family_id)


async def ask_field(update: Update, context: BotContext, family: Family) -> int:
    if family.active:
        choices = [button(field.label, FieldChosen(field=field)) for field in _EDITABLE]
        question = _("Change {code}: what?").format(code=family.code)
    else:
        choices = [button(FamilyField.REOPEN.label, FieldChosen(field=FamilyField.REOPEN))]
        question = _("{code} is closed. Reopen it? It is active again from today.").format(
            code=family.code
        )
    await show(update, question, [*rows(choices, 2), CANCEL])
    return FIELD


async def on_field(update: Update, context: BotContext) -> int:
    """What to change: then its value (reopening needs none)."""
    field = FieldChosen.read(update.callback_query.data).field
    family = await _family(update, context)
    if family is None:
        context.user_data.family_edit = None
        return ConversationHandler.END
    edit = _edit(context)
    edit.field = field
    if field is FamilyField.TOWN:
        return await ask_town(update, context)
    if field is FamilyField.HOUSEHOLD:
        return await ask_household(update, context)
    if field is FamilyField.LANGUAGES:
        edit.languages = family.languages
        return await ask_languages(update, context)
    if field is FamilyField.BENEFIT:
        return await ask_benefit(update, context)
    if field is FamilyField.CONSENT:
        return await ask_consent(update, context)
    return await ask_confirmation(update, context, FIELD)


async def ask_town(update: Update, context: BotContext) -> int:
    keyboard = town_keyboard(context, EditTownChosen)
    await show(update, _("New town? Choose or type it."), [*keyboard, CANCEL])
    return TOWN


async def on_town(update: Update, context: BotContext) -> int:
    """A town button, or a typed town name."""
    try:
        town = answered_town(update, context, EditTownChosen)
    except ParseError as error:
        return await not_understood(update, TOWN, error.message)
    if town is None:
        return await not_understood(update, TOWN)
    _edit(context).town = town
    return await ask_confirmation(update, context, TOWN)


async def ask_household(update: Update, context: BotContext) -> int:
    keyboard = rows([button(str(size), EditSizeChosen(people=size)) for size in range(1, 9)], 4)
    await show(
        update,
        _("How many people live in the household now? Choose or type a number."),
        [*keyboard, CANCEL],
    )
    return HOUSEHOLD


async def on_household(update: Update, context: BotContext) -> int:
    """A household size button, or a typed number."""
    try:
        size = answered(
            update, EditSizeChosen, lambda pressed: pressed.people, parse_household_size
        )
    except ParseError as error:
        return await not_understood(update, HOUSEHOLD, error.message)
    _edit(context).household_size = size
    return await ask_confirmation(update, context, HOUSEHOLD)


async def ask_languages(update: Update, context: BotContext) -> int:
    keyboard = language_keyboard(
        _edit(context).languages, EditLanguageToggled, EditLanguagesDone(), CANCEL
    )
    await show(
        update,
        _(
            "Which languages does the family speak? Tap to add or remove, or type names or "
            "codes separated by commas. Then tap Done."
        ),
        keyboard,
    )
    return LANGUAGES


async def on_language(update: Update, context: BotContext) -> int:
    """Toggle a language button, or type languages (the step is asked again either way)."""
    edit = _edit(context)
    edit.languages = await toggled_languages(update, edit.languages, EditLanguageToggled)
    return await ask_languages(update, context)


async def on_languages_done(update: Update, context: BotContext) -> int:
    if not _edit(context).languages:
        return await not_understood(update, LANGUAGES, _("Please choose at least one language."))
    return await ask_confirmation(update, context, LANGUAGES)


async def ask_benefit(update: Update, context: BotContext) -> int:
    systems = [button(system.label, EditBenefitChosen(system=system)) for system in BenefitSystem]
    await show(
        update,
        _("Which benefit system (Rechtskreis) from today on?"),
        [*rows(systems, 2), CANCEL],
    )
    return BENEFIT


async def on_benefit(update: Update, context: BotContext) -> int:
    _edit(context).benefit_system = EditBenefitChosen.read(update.callback_query.data).system
    return await ask_confirmation(update, context, BENEFIT)


async def ask_consent(update: Update, context: BotContext) -> int:
    await show(
        update,
        _("Written consent to case management:"),
        [
            [
                button(_("Consent given today"), EditConsentChosen(given=True)),
                button(_("Consent withdrawn"), EditConsentChosen(given=False)),
            ],
            CANCEL,
        ],
    )
    return CONSENT


async def on_consent(update: Update, context: BotContext) -> int:
    _edit(context).consent = EditConsentChosen.read(update.callback_query.data).given
    return await ask_confirmation(update, context, CONSENT)


async def ask_confirmation(update: Update, context: BotContext, step: int) -> int:
    """Old → new, and Save; a change that cannot be made is refused in its step."""
    family = await _family(update, context)
    if family is None:
        context.user_data.family_edit = None
        return ConversationHandler.END
    edit = _edit(context)
    if why := refusal(family, edit):
        return await not_understood(update, step, why)
    family_edit = context.user_data.family_edit
    family_edit.confirm_message_id = await show(
        update,
        _("Please check and save:")
        + "\n\n"
        + family.code
        + "\n"
        + change_line(family, edit, context.clock.today()),
        [[button(_("Save"), SaveEdit()), *CANCEL]],
    )
    return CONFIRM


async def save_edit(update: Update, context: BotContext) -> int:
    """Store the change the dialog describes."""
    family_edit = context.user_data.family_edit
    if await pressed_elsewhere(update, family_edit.confirm_message_id):
        return CONFIRM
    context.user_data.family_edit = None
    await update.callback_query.answer()
    await remove_buttons(update.callback_query)
    # The confirmation shows the family's details as well as the reply below it.
    await remember_case_message(context, update.callback_query.message)
    family = await load_family(update, context, family_edit.draft.family_id)
    if family is None:
        return ConversationHandler.END
    if why := refusal(family, family_edit.draft):
        await reply(update, why)
        return ConversationHandler.END
    await _change(update, context, family, family_edit.draft)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """Leave the dialog; nothing is stored."""
    context.user_data.family_edit = None
    return await end_dialog(update)


def handlers() -> list[BaseHandler]:
    typed = message_filters.TEXT & ~message_filters.COMMAND
    return [
        dialog(
            entry_points=[command("editfamily", edit_family)],
            states={
                FIELD: [CallbackQueryHandler(on_field, pattern=FieldChosen.matches)],
                TOWN: [
                    CallbackQueryHandler(on_town, pattern=EditTownChosen.matches),
                    MessageHandler(typed, on_town),
                ],
                HOUSEHOLD: [
                    CallbackQueryHandler(on_household, pattern=EditSizeChosen.matches),
                    MessageHandler(typed, on_household),
                ],
                LANGUAGES: [
                    CallbackQueryHandler(on_languages_done, pattern=EditLanguagesDone.matches),
                    CallbackQueryHandler(on_language, pattern=EditLanguageToggled.matches),
                    MessageHandler(typed, on_language),
                ],
                BENEFIT: [CallbackQueryHandler(on_benefit, pattern=EditBenefitChosen.matches)],
                CONSENT: [CallbackQueryHandler(on_consent, pattern=EditConsentChosen.matches)],
                CONFIRM: [CallbackQueryHandler(save_edit, pattern=SaveEdit.matches)],
            },
            fallbacks=[
                command("cancel", cancel),
                CallbackQueryHandler(cancel, pattern=CancelEdit.matches),
                MessageHandler(typed, use_buttons),
            ],
            name="editfamily",
        )
    ]
