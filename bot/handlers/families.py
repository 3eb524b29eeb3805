"""/families, /family, /newfamily, /consent, /closefamily and /transfer: the caseload, and a
family's record from start to end."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, Field
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.casework.conferences import conference_line
from bot.casework.contacts import contact_line
from bot.casework.families import (
    FREQUENT_ORIGINS,
    MAX_HOUSEHOLD,
    Family,
    FamilyDraft,
    consent_already_recorded,
    draft_summary,
    family_card,
    family_line,
    parse_country,
    parse_household_size,
    parse_new_family,
    parse_town,
)
from bot.casework.vocabulary import BenefitSystem
from bot.context import BotContext, Dialog
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, country_name, lazy_gettext, ngettext
from bot.core.names import find_country
from bot.core.parsing import ParseError
from bot.handlers.common import (
    LanguageButton,
    TownButton,
    answered,
    answered_town,
    audit_kept,
    button,
    cancel_row,
    command,
    dialog,
    edit_text,
    end_dialog,
    find_family,
    held_button_expired,
    hold_back,
    language_keyboard,
    load_family,
    not_understood,
    page_count,
    page_row,
    pressed_elsewhere,
    reach_of,
    remember_case_message,
    remove_buttons,
    reply,
    reply_with_case_details,
    rows,
    show,
    show_page,
    take_held,
    toggled_languages,
    town_keyboard,
    use_buttons,
)
from bot.handlers.notices import notify
from bot.privacy.personal_data import HeldText, find_personal_data
from bot.staff.cover import cover_mark
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


def _country_code(code: str) -> str:
    if find_country(code) != code:
        raise ValueError("not a country code")
    return code


class FamiliesPage(CallbackData, prefix="families"):
    """◀ / ▶ under /families: `cm<id>` is a person's caseload, `t<town>` a town's."""

    page: int = Field(ge=0, le=9999)
    selection: Annotated[str, Field(pattern=r"^(cm-?[0-9]{1,15}|t.+)$")] | None = None

    @property
    def case_manager_id(self) -> int | None:
        return int(self.selection[2:]) if self.selection and self.selection[:2] == "cm" else None

    @property
    def town(self) -> str | None:
        return self.selection[1:] if self.selection and self.selection[0] == "t" else None

    @classmethod
    def of(cls, page: int, case_manager_id: int | None, town: str | None) -> FamiliesPage:
        if case_manager_id is not None:
            return cls(page=page, selection=f"cm{case_manager_id}")
        return cls(page=page, selection=f"t{town}" if town else None)


# The buttons of /newfamily, one kind per step.
class TownChosen(TownButton, prefix="nf:town"):
    pass


class OriginChosen(CallbackData, prefix="nf:origin"):
    country: Annotated[str, AfterValidator(_country_code)]


class LanguagesDone(CallbackData, prefix="nf:lang:done"):
    pass


class LanguageToggled(LanguageButton, prefix="nf:lang"):
    pass


class SizeChosen(CallbackData, prefix="nf:size"):
    people: int = Field(ge=1, le=MAX_HOUSEHOLD)


class FledChosen(CallbackData, prefix="nf:ua"):
    fled: bool


class BenefitsUnknown(CallbackData, prefix="nf:benefit:unknown"):
    pass


class BenefitsChosen(CallbackData, prefix="nf:benefit"):
    system: BenefitSystem


class ConsentChosen(CallbackData, prefix="nf:consent"):
    given: bool


class SaveFamily(CallbackData, prefix="nf:save"):
    pass


class CancelNewFamily(CallbackData, prefix="nf:cancel"):
    pass


# Save anyway and Edit under a close reason held back for its personal data.
class KeepCloseReason(CallbackData, prefix="closefamily:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditCloseReason(CallbackData, prefix="closefamily:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


@dataclass(frozen=True)
class ClosedFamily:
    """A /closefamily held back for its reason, until Save anyway or Edit."""

    family_id: int
    reason: str


TOWN, ORIGIN, LANGUAGES, HOUSEHOLD, UKRAINE, BENEFITS, CONSENT, CONFIRM = range(8)
CANCEL = cancel_row(CancelNewFamily())


# /families --------------------------------------------------------------------------------


async def list_families(update: Update, context: BotContext) -> None:
    """The sender's caseload; coordinators and admins may filter by person or town."""
    member = context.member
    if not context.args:
        own = None if sees_all_families(member.role) else member.telegram_id
        await _show_page(update, context, FamiliesPage.of(0, own, None))
    elif not sees_all_families(member.role):
        await reply(
            update,
            _("You see your own caseload: /families without anything after it."),
        )
    else:
        selected = await _selection(update, context, " ".join(context.args))
        if selected is not None:
            await _show_page(update, context, selected)


async def _selection(update: Update, context: BotContext, text: str) -> FamiliesPage | None:
    """The first page of a person's or a town's caseload; None after a reply."""
    person = await context.storage.staff.find(text)
    if person is not None:
        return FamiliesPage.of(0, person.telegram_id, None)
    try:
        return FamiliesPage.of(0, None, parse_town(text, context.services.settings.towns))
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
    """◀ / ▶ under a caseload list; case managers only ever see their own."""
    pressed = FamiliesPage.read(update.callback_query.data)
    member = context.member
    if not sees_all_families(member.role):
        pressed = FamiliesPage.of(pressed.page, member.telegram_id, None)
    await _show_page(update, context, pressed)


async def _show_page(update: Update, context: BotContext, shown: FamiliesPage) -> None:
    reach = await reach_of(context)
    # Coordinators choose whose caseload; a case manager sees their own and, under a cover,
    # the absent colleague's, whatever a button says.
    chosen = None if shown.case_manager_id is None else (shown.case_manager_id,)
    case_managers = chosen if reach.case_managers is None else reach.case_managers
    families, total = await context.storage.families.caseload(
        case_managers, shown.town, limit=PAGE_SIZE, offset=shown.page * PAGE_SIZE
    )
    heading = await _heading(context, shown.case_manager_id, shown.town, total)
    names = await context.storage.staff.names(sorted(reach.covering))
    lines = [heading]
    for family in families:
        line = family_line(family)
        if family.case_manager_id in reach.covering:
            line += " · " + cover_mark(names, family.case_manager_id)
        lines.append(line)
    if any(not family.consent_on for family in families):
        lines.append(_("⚠ = written consent not recorded yet"))
    pages = page_count(total, PAGE_SIZE)
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=shown.page + 1, pages=pages))
    navigation = page_row(
        shown.page,
        pages,
        lambda page: FamiliesPage.of(page, shown.case_manager_id, shown.town),
    )
    await show_page(update, "\n".join(lines), navigation)


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
    conferences = await context.storage.conferences.for_family(family.id)
    if conferences:
        # Without the other families linked: the reader may not work with them.
        lines += ["", _("<b>Latest case conferences</b>")]
        lines += [conference_line(conference, with_families=False) for conference in conferences]
    await reply_with_case_details(update, context, "\n".join(lines))


# /newfamily -------------------------------------------------------------------------------


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
    context.user_data.new_family = Dialog(FamilyDraft())
    return await ask_town(update, context)


def _draft(context: BotContext) -> FamilyDraft:
    return context.user_data.new_family.draft


async def ask_town(update: Update, context: BotContext) -> int:
    keyboard = town_keyboard(context, TownChosen)
    await show(
        update, _("New family (1/7): in which town does the family live?"), [*keyboard, CANCEL]
    )
    return TOWN


async def on_town(update: Update, context: BotContext) -> int:
    """A town button, or a typed town name."""
    try:
        town = answered_town(update, context, TownChosen)
    except ParseError as error:
        return await not_understood(update, TOWN, error.message)
    if town is None:
        return await not_understood(update, TOWN)
    _draft(context).town = town
    return await ask_origin(update, context)


async def ask_origin(update: Update, context: BotContext) -> int:
    keyboard = rows(
        [button(country_name(code), OriginChosen(country=code)) for code in FREQUENT_ORIGINS], 4
    )
    await show(
        update,
        _(
            "New family (2/7): country of origin? Choose, or type a name or code "
            "(e.g. Eritrea or ER)."
        ),
        [*keyboard, CANCEL],
    )
    return ORIGIN


async def on_origin(update: Update, context: BotContext) -> int:
    """An origin button, or a typed country."""
    draft = _draft(context)
    try:
        draft.origin = answered(
            update, OriginChosen, lambda pressed: pressed.country, parse_country
        )
    except ParseError as error:
        return await not_understood(update, ORIGIN, error.message)
    if draft.origin == "UA" and not draft.languages:
        draft.languages = ("uk",)
    return await ask_languages(update, context)


async def ask_languages(update: Update, context: BotContext) -> int:
    keyboard = language_keyboard(
        _draft(context).languages, LanguageToggled, LanguagesDone(), CANCEL
    )
    await show(
        update,
        _(
            "New family (3/7): which languages does the family speak? Tap all that apply, or "
            "type names or codes separated by commas. Then tap Done."
        ),
        keyboard,
    )
    return LANGUAGES


async def on_language(update: Update, context: BotContext) -> int:
    """Toggle a language button, or type languages (the step is asked again either way)."""
    draft = _draft(context)
    draft.languages = await toggled_languages(update, draft.languages, LanguageToggled)
    return await ask_languages(update, context)


async def on_languages_done(update: Update, context: BotContext) -> int:
    if not _draft(context).languages:
        return await not_understood(update, LANGUAGES, _("Please choose at least one language."))
    return await ask_household(update, context)


async def ask_household(update: Update, context: BotContext) -> int:
    keyboard = rows([button(str(size), SizeChosen(people=size)) for size in range(1, 9)], 4)
    await show(
        update,
        _("New family (4/7): how many people live in the household? Choose or type a number."),
        [*keyboard, CANCEL],
    )
    return HOUSEHOLD


async def on_household(update: Update, context: BotContext) -> int:
    """A household size button, or a typed number."""
    try:
        size = answered(update, SizeChosen, lambda pressed: pressed.people, parse_household_size)
    except ParseError as error:
        return await not_understood(update, HOUSEHOLD, error.message)
    _draft(context).household_size = size
    return await ask_ukraine(update, context)


async def ask_ukraine(update: Update, context: BotContext) -> int:
    await show(
        update,
        _("New family (5/7): did the family flee the war in Ukraine?"),
        [
            [button(_("Yes"), FledChosen(fled=True)), button(_("No"), FledChosen(fled=False))],
            CANCEL,
        ],
    )
    return UKRAINE


async def on_ukraine(update: Update, context: BotContext) -> int:
    """Fled the war in Ukraine: yes or no."""
    _draft(context).fled_ukraine = FledChosen.read(update.callback_query.data).fled
    return await ask_benefits(update, context)


async def ask_benefits(update: Update, context: BotContext) -> int:
    systems = [button(system.label, BenefitsChosen(system=system)) for system in BenefitSystem]
    keyboard = [*rows(systems, 2), [button(_("Not known yet"), BenefitsUnknown())], CANCEL]
    await show(update, _("New family (6/7): which benefit system (Rechtskreis)?"), keyboard)
    return BENEFITS


async def on_benefits(update: Update, context: BotContext) -> int:
    """The benefit system, or "not known yet"."""
    chosen = BenefitsChosen.unpack(update.callback_query.data)
    _draft(context).benefit_system = chosen.system if chosen else None
    return await ask_consent(update, context)


async def ask_consent(update: Update, context: BotContext) -> int:
    await show(
        update,
        _("New family (7/7): has the family given written consent to case management?"),
        [
            [
                button(_("Yes, consent given"), ConsentChosen(given=True)),
                button(_("Not yet"), ConsentChosen(given=False)),
            ],
            CANCEL,
        ],
    )
    return CONSENT


async def on_consent(update: Update, context: BotContext) -> int:
    """Consent given or not; then show everything for confirmation."""
    _draft(context).consent = ConsentChosen.read(update.callback_query.data).given
    return await ask_confirmation(update, context)


async def ask_confirmation(update: Update, context: BotContext) -> int:
    new_family = context.user_data.new_family
    new_family.confirm_message_id = await show(
        update,
        _("Please check and save:") + "\n\n" + draft_summary(new_family.draft),
        [[button(_("Save"), SaveFamily()), *CANCEL]],
    )
    return CONFIRM


async def save_family(update: Update, context: BotContext) -> int:
    """Store the family the dialog describes."""
    new_family = context.user_data.new_family
    if await pressed_elsewhere(update, new_family.confirm_message_id):
        return CONFIRM
    context.user_data.new_family = None
    await update.callback_query.answer()
    await remove_buttons(update.callback_query)
    # The confirmation shows the family's details as well as the card below it.
    await remember_case_message(context, update.callback_query.message)
    await _create(update, context, new_family.draft)
    return ConversationHandler.END


async def _create(update: Update, context: BotContext, draft: FamilyDraft) -> None:
    member = context.member
    family = await context.storage.families.create(
        draft, member.telegram_id, context.clock.today(), context.clock.now()
    )
    await reply_with_case_details(
        update,
        context,
        _("Family {code} registered. Use this code from now on.").format(code=family.code)
        + "\n\n"
        + family_card(family, member),
    )


async def cancel(update: Update, context: BotContext) -> int:
    """Leave the dialog; nothing is stored."""
    context.user_data.new_family = None
    return await end_dialog(update)


# /consent, /closefamily, /transfer --------------------------------------------------------


async def record_consent(update: Update, context: BotContext) -> None:
    """Record that the family gave written consent today."""
    if len(context.args) != 1:
        await reply(update, _("Which family? Example: /consent F-0042"))
        return
    family = await find_family(update, context, context.args[0], active=True)
    if family is None:
        return
    if already := consent_already_recorded(family):
        await reply(update, already)
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
    found = reason and find_personal_data(reason, context.clock.today(), allow_family_codes=True)
    if found:
        token = update.message.message_id
        held = HeldText(token, tuple(found), ClosedFamily(family.id, reason))
        await hold_back(
            update, context, held, KeepCloseReason(token=token), EditCloseReason(token=token)
        )
        return
    await _close(update, context, family, reason)


async def keep_close_reason(update: Update, context: BotContext) -> None:
    """Save anyway under a held close reason: the family is closed with it as typed."""
    query = update.callback_query
    held = take_held(context, KeepCloseReason.read(query.data).token, ClosedFamily)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    await remove_buttons(query)
    family = await load_family(update, context, held.record.family_id, active=True)
    if family is not None:
        await audit_kept(context, "family.personal_data_kept", held, family.code)
        await _close(update, context, family, held.record.reason)


async def edit_close_reason(update: Update, context: BotContext) -> None:
    """Edit under a held close reason: it is forgotten; the person sends it again."""
    query = update.callback_query
    if take_held(context, EditCloseReason.read(query.data).token, ClosedFamily) is None:
        await held_button_expired(update)
        return
    await query.answer()
    await edit_text(
        query,
        _(
            "Nothing was saved. Please send /closefamily again with a reason without personal "
            "data, e.g. /closefamily F-0042 moved away"
        ),
    )


async def _close(update: Update, context: BotContext, family: Family, reason: str | None) -> None:
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


def handlers() -> list[BaseHandler]:
    typed = filters.TEXT & ~filters.COMMAND
    new_family_dialog = dialog(
        entry_points=[command("newfamily", new_family)],
        states={
            TOWN: [
                CallbackQueryHandler(on_town, pattern=TownChosen.matches),
                MessageHandler(typed, on_town),
            ],
            ORIGIN: [
                CallbackQueryHandler(on_origin, pattern=OriginChosen.matches),
                MessageHandler(typed, on_origin),
            ],
            LANGUAGES: [
                CallbackQueryHandler(on_languages_done, pattern=LanguagesDone.matches),
                CallbackQueryHandler(on_language, pattern=LanguageToggled.matches),
                MessageHandler(typed, on_language),
            ],
            HOUSEHOLD: [
                CallbackQueryHandler(on_household, pattern=SizeChosen.matches),
                MessageHandler(typed, on_household),
            ],
            UKRAINE: [CallbackQueryHandler(on_ukraine, pattern=FledChosen.matches)],
            BENEFITS: [
                CallbackQueryHandler(on_benefits, pattern=BenefitsChosen.matches),
                CallbackQueryHandler(on_benefits, pattern=BenefitsUnknown.matches),
            ],
            CONSENT: [CallbackQueryHandler(on_consent, pattern=ConsentChosen.matches)],
            CONFIRM: [CallbackQueryHandler(save_family, pattern=SaveFamily.matches)],
        },
        fallbacks=[
            command("cancel", cancel),
            CallbackQueryHandler(cancel, pattern=CancelNewFamily.matches),
            MessageHandler(typed, use_buttons),
        ],
        name="newfamily",
    )
    return [
        command("families", list_families),
        command("family", show_family),
        CallbackQueryHandler(turn_page, pattern=FamiliesPage.matches),
        new_family_dialog,
        command("consent", record_consent),
        command("closefamily", close_family),
        CallbackQueryHandler(keep_close_reason, pattern=KeepCloseReason.matches),
        CallbackQueryHandler(edit_close_reason, pattern=EditCloseReason.matches),
        command("transfer", transfer_family),
    ]
