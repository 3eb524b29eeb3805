"""/families, /family, /newfamily, /consent, /closefamily and /transfer: the caseload, and a
family's record from start to end."""

from __future__ import annotations

import html

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.casework.contacts import contact_line
from bot.casework.families import (
    FREQUENT_LANGUAGES,
    FREQUENT_ORIGINS,
    FamilyDraft,
    NewFamilyDialog,
    draft_summary,
    family_card,
    family_line,
    parse_country,
    parse_household_size,
    parse_languages,
    parse_new_family,
    parse_town,
)
from bot.casework.vocabulary import BenefitSystem
from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, country_name, format_date, language_name, lazy_gettext, ngettext
from bot.core.names import find_country, find_language
from bot.core.parsing import ParseError
from bot.handlers.common import (
    button,
    cancel_row,
    command,
    dialog,
    end_dialog,
    find_family,
    pressed_elsewhere,
    reply,
    rows,
    show,
    use_buttons,
)
from bot.handlers.notices import notify
from bot.staff.roles import ALL_ROLES, CASEWORK_ROLES, Role, sees_all_families
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
    CommandSpec(
        "newfamily",
        lazy_gettext("Register a family (code is assigned): /newfamily Ahlen UA 4 uk,ru"),
        CASEWORK_ROLES,
    ),
    CommandSpec("consent", lazy_gettext("Record written consent: /consent F-0042"), CASEWORK_ROLES),
    CommandSpec(
        "closefamily",
        lazy_gettext("Close a family: /closefamily F-0042 [reason]"),
        CASEWORK_ROLES,
    ),
    CommandSpec(
        "transfer",
        lazy_gettext("Move a family to another case manager: /transfer F-0042 @name"),
        frozenset({Role.COORDINATOR}),
    ),
)

PAGE_SIZE = 10
PAGE = "families:"
TOWN, ORIGIN, LANGUAGES, HOUSEHOLD, UKRAINE, BENEFITS, CONSENT, CONFIRM = range(8)
PREFIX = "nf:"


async def _forged(update: Update, state: int) -> int:
    """A button value no keyboard of ours offered: refuse it, stay at the step."""
    await update.callback_query.answer(_("This button is no longer active."), show_alert=True)
    return state


async def new_family(update: Update, context: BotContext) -> int:
    """Register a family: from the one-line form, or step by step with buttons."""
    if context.args:
        try:
            draft = parse_new_family(" ".join(context.args), context.services.settings.towns)
        except ParseError as error:
            await reply(update, error.message)
            return ConversationHandler.END
        await _create(update, context, draft)
        return ConversationHandler.END
    context.user_data.new_family = NewFamilyDialog()
    return await _ask_town(update, context)


async def _ask_town(update: Update, context: BotContext) -> int:
    towns = context.services.settings.towns
    keyboard = rows([button(town, f"{PREFIX}town:{town}") for town in towns], 3)
    await show(
        update,
        _("New family (1/7): in which town does the family live?"),
        [*keyboard, cancel_row(PREFIX)],
    )
    return TOWN


async def choose_town(update: Update, context: BotContext) -> int:
    """A town button, or a typed town name."""
    dialog = context.user_data.new_family
    if update.callback_query:
        town = update.callback_query.data.removeprefix(f"{PREFIX}town:")
        if town not in context.services.settings.towns:
            return await _forged(update, TOWN)
        dialog.town = town
    else:
        try:
            dialog.town = parse_town(update.message.text, context.services.settings.towns)
        except ParseError as error:
            await reply(update, error.message)
            return TOWN
    keyboard = rows(
        [button(country_name(code), f"{PREFIX}origin:{code}") for code in FREQUENT_ORIGINS], 4
    )
    await show(
        update,
        _(
            "New family (2/7): country of origin? Choose, or type a name or code "
            "(e.g. Eritrea or ER)."
        ),
        [*keyboard, cancel_row(PREFIX)],
    )
    return ORIGIN


async def choose_origin(update: Update, context: BotContext) -> int:
    """An origin button, or a typed country."""
    dialog = context.user_data.new_family
    if update.callback_query:
        origin = update.callback_query.data.removeprefix(f"{PREFIX}origin:")
        if find_country(origin) != origin:
            return await _forged(update, ORIGIN)
        dialog.origin = origin
    else:
        try:
            dialog.origin = parse_country(update.message.text)
        except ParseError as error:
            await reply(update, error.message)
            return ORIGIN
    if dialog.origin == "UA" and not dialog.languages:
        dialog.languages = ["uk"]
    return await _ask_languages(update, context)


async def _ask_languages(update: Update, context: BotContext) -> int:
    dialog = context.user_data.new_family
    choices = list(dict.fromkeys([*FREQUENT_LANGUAGES, *dialog.languages]))
    keyboard = rows(
        [
            button(
                ("✓ " if code in dialog.languages else "") + language_name(code),
                f"{PREFIX}lang:{code}",
            )
            for code in choices
        ],
        3,
    )
    keyboard.append([button(_("Done"), f"{PREFIX}lang:done"), *cancel_row(PREFIX)])
    await show(
        update,
        _(
            "New family (3/7): which languages does the family speak? Tap all that apply, or "
            "type names or codes separated by commas. Then tap Done."
        ),
        keyboard,
    )
    return LANGUAGES


async def choose_language(update: Update, context: BotContext) -> int:
    """Toggle a language button, type languages, or finish the step with Done."""
    dialog = context.user_data.new_family
    if update.callback_query is None:
        try:
            for code in parse_languages(update.message.text):
                if code not in dialog.languages:
                    dialog.languages.append(code)
        except ParseError as error:
            await reply(update, error.message)
        return await _ask_languages(update, context)
    choice = update.callback_query.data.removeprefix(f"{PREFIX}lang:")
    if choice != "done":
        if find_language(choice) != choice:
            return await _forged(update, LANGUAGES)
        dialog.toggle_language(choice)
        return await _ask_languages(update, context)
    if not dialog.languages:
        await update.callback_query.answer(
            _("Please choose at least one language."), show_alert=True
        )
        return LANGUAGES
    keyboard = rows([button(str(size), f"{PREFIX}size:{size}") for size in range(1, 9)], 4)
    await show(
        update,
        _("New family (4/7): how many people live in the household? Choose or type a number."),
        [*keyboard, cancel_row(PREFIX)],
    )
    return HOUSEHOLD


async def choose_household(update: Update, context: BotContext) -> int:
    """A household size button, or a typed number."""
    dialog = context.user_data.new_family
    text = (
        update.callback_query.data.removeprefix(f"{PREFIX}size:")
        if update.callback_query
        else update.message.text
    )
    try:
        dialog.household_size = parse_household_size(text)
    except ParseError as error:
        await reply(update, error.message)
        return HOUSEHOLD
    await show(
        update,
        _("New family (5/7): did the family flee the war in Ukraine?"),
        [[button(_("Yes"), f"{PREFIX}ua:1"), button(_("No"), f"{PREFIX}ua:0")], cancel_row(PREFIX)],
    )
    return UKRAINE


async def choose_ukraine(update: Update, context: BotContext) -> int:
    """Fled the war in Ukraine: yes or no."""
    context.user_data.new_family.fled_ukraine = update.callback_query.data.endswith(":1")
    systems = [button(system.label, f"{PREFIX}benefit:{system.value}") for system in BenefitSystem]
    keyboard = [
        *rows(systems, 2),
        [button(_("Not known yet"), f"{PREFIX}benefit:unknown")],
        cancel_row(PREFIX),
    ]
    await show(update, _("New family (6/7): which benefit system (Rechtskreis)?"), keyboard)
    return BENEFITS


async def choose_benefits(update: Update, context: BotContext) -> int:
    """The benefit system, or "not known yet"."""
    choice = update.callback_query.data.removeprefix(f"{PREFIX}benefit:")
    context.user_data.new_family.benefit_system = (
        None if choice == "unknown" else BenefitSystem(choice)
    )
    await show(
        update,
        _("New family (7/7): has the family given written consent to case management?"),
        [
            [
                button(_("Yes, consent given"), f"{PREFIX}consent:1"),
                button(_("Not yet"), f"{PREFIX}consent:0"),
            ],
            cancel_row(PREFIX),
        ],
    )
    return CONSENT


async def choose_consent(update: Update, context: BotContext) -> int:
    """Consent given or not; then show everything for confirmation."""
    dialog = context.user_data.new_family
    dialog.consent = update.callback_query.data.endswith(":1")
    dialog.message_id = await show(
        update,
        _("Please check and save:") + "\n\n" + draft_summary(dialog.draft()),
        [[button(_("Save"), f"{PREFIX}save"), *cancel_row(PREFIX)]],
    )
    return CONFIRM


async def save_family(update: Update, context: BotContext) -> int:
    """Store the family the dialog describes."""
    dialog = context.user_data.new_family
    if await pressed_elsewhere(update, dialog.message_id):
        return CONFIRM
    context.user_data.new_family = None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    await _create(update, context, dialog.draft())
    return ConversationHandler.END


async def _create(update: Update, context: BotContext, draft: FamilyDraft) -> None:
    member = context.member
    family = await context.storage.families.create(
        draft, member.telegram_id, context.clock.today(), context.clock.now()
    )
    await reply(
        update,
        _("Family {code} registered. Use this code from now on.").format(code=family.code)
        + "\n\n"
        + family_card(family, member),
    )


async def cancel(update: Update, context: BotContext) -> int:
    """Leave the dialog; nothing is stored."""
    context.user_data.new_family = None
    return await end_dialog(update)


async def record_consent(update: Update, context: BotContext) -> None:
    """Record that the family gave written consent today."""
    if len(context.args) != 1:
        await reply(update, _("Which family? Example: /consent F-0042"))
        return
    family = await find_family(update, context, context.args[0], active=True)
    if family is None:
        return
    if family.consent_on is not None:
        await reply(
            update,
            _("Written consent of {code} was already recorded on {date}.").format(
                code=family.code, date=format_date(family.consent_on)
            ),
        )
        return
    await context.storage.families.record_consent(
        family.id, context.clock.today(), context.member.telegram_id, context.clock.now()
    )
    await reply(update, _("Written consent of {code} recorded.").format(code=family.code))


async def close_family(update: Update, context: BotContext) -> None:
    """Close a family's case management, with an optional reason."""
    if not context.args:
        await reply(
            update,
            _("Which family? Example: /closefamily F-0042 moved away"),
        )
        return
    family = await find_family(update, context, context.args[0], active=True)
    if family is None:
        return
    reason = " ".join(context.args[1:]).strip() or None
    await context.storage.families.close(
        family.id, reason, context.member.telegram_id, context.clock.today(), context.clock.now()
    )
    await reply(update, _("{code} is closed. Its records are kept.").format(code=family.code))


async def transfer_family(update: Update, context: BotContext) -> None:
    """Move a family to another case manager and tell them."""
    if len(context.args) != 2:
        await reply(update, _("Which family, and to whom? Example: /transfer F-0042 @anna_kim"))
        return
    family = await find_family(update, context, context.args[0], active=True)
    if family is None:
        return
    target = await context.storage.staff.find(context.args[1])
    if target is None or not target.active or target.role is Role.ADMIN:
        await reply(
            update,
            _(
                "“{name}” is not an active case manager or coordinator. /users lists staff. "
                "Example: /transfer F-0042 @anna_kim"
            ).format(name=html.escape(context.args[1])),
        )
        return
    if target.telegram_id == family.case_manager_id:
        await reply(
            update,
            _("{code} is already with {name}.").format(
                code=family.code, name=html.escape(target.handle)
            ),
        )
        return
    await context.storage.families.transfer(
        family.id, target.telegram_id, context.member.telegram_id, context.clock.now()
    )
    await reply(
        update,
        _("{code} now belongs to the caseload of {name}, who has been notified.").format(
            code=family.code, name=html.escape(target.handle)
        ),
    )
    await notify(
        context,
        [target],
        lambda: _("{code} has been transferred to you by {name}. /family {code} shows it.").format(
            code=family.code, name=html.escape(context.member.handle)
        ),
    )


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
    typed = filters.TEXT & ~filters.COMMAND
    new_family_dialog = dialog(
        entry_points=[command("newfamily", new_family)],
        states={
            TOWN: [
                CallbackQueryHandler(choose_town, pattern=rf"^{PREFIX}town:"),
                MessageHandler(typed, choose_town),
            ],
            ORIGIN: [
                CallbackQueryHandler(choose_origin, pattern=rf"^{PREFIX}origin:"),
                MessageHandler(typed, choose_origin),
            ],
            LANGUAGES: [
                CallbackQueryHandler(choose_language, pattern=rf"^{PREFIX}lang:"),
                MessageHandler(typed, choose_language),
            ],
            HOUSEHOLD: [
                CallbackQueryHandler(choose_household, pattern=rf"^{PREFIX}size:[0-9]{{1,2}}$"),
                MessageHandler(typed, choose_household),
            ],
            UKRAINE: [CallbackQueryHandler(choose_ukraine, pattern=rf"^{PREFIX}ua:[01]$")],
            BENEFITS: [
                CallbackQueryHandler(
                    choose_benefits,
                    pattern=rf"^{PREFIX}benefit:({'|'.join(BenefitSystem)}|unknown)$",
                )
            ],
            CONSENT: [CallbackQueryHandler(choose_consent, pattern=rf"^{PREFIX}consent:[01]$")],
            CONFIRM: [CallbackQueryHandler(save_family, pattern=rf"^{PREFIX}save$")],
        },
        fallbacks=[
            command("cancel", cancel),
            CallbackQueryHandler(cancel, pattern=rf"^{PREFIX}cancel$"),
            MessageHandler(typed, use_buttons),
        ],
        name="newfamily",
    )
    return [
        command("families", list_families),
        command("family", show_family),
        CallbackQueryHandler(turn_page, pattern=rf"^{PAGE}[0-9]{{1,4}}:(cm-?[0-9]{{1,15}}|t.+)?$"),
        new_family_dialog,
        command("consent", record_consent),
        command("closefamily", close_family),
        command("transfer", transfer_family),
    ]
