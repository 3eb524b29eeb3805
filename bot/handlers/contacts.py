"""/log and /undo: record a contact with a family in seconds, and take it back if wrong."""

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

from bot.casework.contacts import (
    DURATION_CHOICES,
    Contact,
    ContactDialog,
    ContactDraft,
    may_undo,
    parse_log,
)
from bot.casework.families import Family, consent_line, family_code
from bot.casework.vocabulary import ContactType, Topic
from bot.context import BotContext
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, format_items, format_minutes, lazy_gettext
from bot.core.parsing import ParseError, check_note, parse_duration
from bot.handlers.common import (
    button,
    cancel_row,
    command,
    dialog,
    end_dialog,
    find_family,
    load_family,
    pressed_elsewhere,
    reply,
    rows,
    show,
    use_buttons,
)
from bot.handlers.notices import notify_flag
from bot.staff.roles import CASEWORK_ROLES, sees_all_families

COMMANDS = (
    CommandSpec(
        "log",
        lazy_gettext("Log a contact: /log F-0042 45m hausbesuch aufenthalt,arbeit: note"),
        CASEWORK_ROLES,
    ),
    CommandSpec("undo", lazy_gettext("Take back your last contact (30 minutes)"), CASEWORK_ROLES),
)

FAMILY, TYPE, DURATION, TOPICS, NOTE, CONFIRM = range(6)
PREFIX = "log:"
UNDO = "undo:"
RECENT_FAMILIES = 6


async def log_contact(update: Update, context: BotContext) -> int:
    """Log a contact from the one-line form, or start the guided dialog."""
    text = update.message.text.split(maxsplit=1)
    if len(text) == 2:
        try:
            draft = parse_log(text[1], context.clock.today())
        except ParseError as error:
            await reply(update, error.message)
            return ConversationHandler.END
        family = await load_family(update, context, draft.family_id, active=True)
        if family is not None:
            source = (update.effective_chat.id, update.message.message_id)
            await _store(update, context, draft, family, source)
        return ConversationHandler.END

    context.user_data.new_contact = ContactDialog(contact_on=context.clock.today())
    member = context.member
    if sees_all_families(member.role):
        families = await context.storage.families.recently_logged_by(
            member.telegram_id, RECENT_FAMILIES
        )
    else:
        families, _total = await context.storage.families.caseload(
            member.telegram_id, limit=RECENT_FAMILIES
        )
    keyboard = rows(
        [
            button(f"{family.code} · {family.town}", f"{PREFIX}family:{family.id}")
            for family in families
        ],
        2,
    )
    await show(
        update,
        _("Log a contact (1/5): which family? Tap one or type its code (e.g. F-0042)."),
        [*keyboard, cancel_row(PREFIX)],
    )
    return FAMILY


async def choose_family(update: Update, context: BotContext) -> int:
    """A family button, or a typed family code."""
    if update.callback_query:
        family_id = int(update.callback_query.data.removeprefix(f"{PREFIX}family:"))
        family = await load_family(update, context, family_id, active=True)
    else:
        family = await find_family(update, context, update.message.text.strip(), active=True)
    if family is None:
        if update.callback_query:
            await update.callback_query.answer()
        return FAMILY
    context.user_data.new_contact.family_id = family.id
    keyboard = rows([button(kind.label, f"{PREFIX}type:{kind.value}") for kind in ContactType], 2)
    await show(
        update,
        _("{code} (2/5): what kind of contact?").format(code=family.code),
        [*keyboard, cancel_row(PREFIX)],
    )
    return TYPE


async def choose_type(update: Update, context: BotContext) -> int:
    """The contact type."""
    draft = context.user_data.new_contact
    draft.contact_type = ContactType(update.callback_query.data.removeprefix(f"{PREFIX}type:"))
    keyboard = rows(
        [
            button(format_minutes(minutes), f"{PREFIX}minutes:{minutes}")
            for minutes in DURATION_CHOICES
        ],
        3,
    )
    await show(
        update,
        _("{code} (3/5): how long? Tap or type a duration (e.g. 45m, 1,5h).").format(
            code=family_code(draft.family_id)
        ),
        [*keyboard, cancel_row(PREFIX)],
    )
    return DURATION


async def choose_duration(update: Update, context: BotContext) -> int:
    """A duration button, or a typed duration."""
    draft = context.user_data.new_contact
    if update.callback_query:
        draft.minutes = int(update.callback_query.data.removeprefix(f"{PREFIX}minutes:"))
    else:
        try:
            draft.minutes = parse_duration(update.message.text)
        except ParseError as error:
            await reply(update, error.message)
            return DURATION
    return await _ask_topics(update, context)


async def _ask_topics(update: Update, context: BotContext) -> int:
    draft = context.user_data.new_contact
    keyboard = rows(
        [
            button(
                ("✓ " if topic in draft.topics else "") + topic.label,
                f"{PREFIX}topic:{topic.value}",
            )
            for topic in Topic
        ],
        2,
    )
    keyboard.append([button(_("Done"), f"{PREFIX}topic:done"), *cancel_row(PREFIX)])
    await show(
        update,
        _("{code} (4/5): which topics? Tap all that apply, then Done.").format(
            code=family_code(draft.family_id)
        ),
        keyboard,
    )
    return TOPICS


async def choose_topic(update: Update, context: BotContext) -> int:
    """Toggle a topic, or finish the step with Done."""
    draft = context.user_data.new_contact
    choice = update.callback_query.data.removeprefix(f"{PREFIX}topic:")
    if choice != "done":
        draft.toggle_topic(Topic(choice))
        return await _ask_topics(update, context)
    if not draft.topics:
        await update.callback_query.answer(_("Please choose at least one topic."), show_alert=True)
        return TOPICS
    await show(
        update,
        _(
            "{code} (5/5): add a short note, or tap Skip. No names or other identifying "
            "details, please. #struktur in the note reports a structural gap."
        ).format(code=family_code(draft.family_id)),
        [[button(_("Skip"), f"{PREFIX}note:skip"), *cancel_row(PREFIX)]],
    )
    return NOTE


async def choose_note(update: Update, context: BotContext) -> int:
    """A typed note, or Skip; then show everything for confirmation."""
    draft = context.user_data.new_contact
    if update.callback_query is None:
        try:
            draft.note = check_note(update.message.text)
        except ParseError as error:
            await reply(update, error.message)
            return NOTE
    draft.message_id = await show(
        update,
        _("Please check and save:") + "\n\n" + _summary(draft.draft()),
        [[button(_("Save"), f"{PREFIX}save"), *cancel_row(PREFIX)]],
    )
    return CONFIRM


async def save_contact(update: Update, context: BotContext) -> int:
    """Store the contact the dialog describes; a second tap on Save stores nothing more."""
    query = update.callback_query
    draft = context.user_data.new_contact
    if await pressed_elsewhere(update, draft.message_id):
        return CONFIRM
    await query.answer()
    family = await load_family(update, context, draft.family_id, active=True)
    if family is not None:
        source = (query.message.chat.id, query.message.message_id)
        await _store(update, context, draft.draft(), family, source)
        await query.edit_message_reply_markup(None)
    # Only now: if storing failed, the dialog is still there to press Save again.
    context.user_data.new_contact = None
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """Leave the dialog; nothing is stored."""
    context.user_data.new_contact = None
    return await end_dialog(update)


async def _store(
    update: Update,
    context: BotContext,
    draft: ContactDraft,
    family: Family,
    source: tuple[int, int],
) -> None:
    member = context.member
    contact, created = await context.storage.contacts.add(
        draft, member.telegram_id, context.clock.now(), source
    )
    if not created:
        await reply(
            update,
            _("This contact was already saved:") + "\n" + _summary(draft),
        )
        return
    lines = [_("✅ Contact saved:"), _summary(draft)]
    flag = await context.storage.flags.for_contact(contact.id) if draft.structural_gap else None
    if flag is not None:
        lines.append(
            _("Structural gap #{id} recorded; the coordination has been told.").format(id=flag.id)
        )
    if not family.consent_on:
        lines.append(consent_line(family))
    undo = InlineKeyboardMarkup([[button(_("Undo (30 min)"), f"{UNDO}{contact.id}")]])
    await reply(update, "\n".join(lines), reply_markup=undo)
    if flag is not None:
        await notify_flag(context, flag)


def _summary(draft: ContactDraft) -> str:
    lines = [
        _("{code} · {date} · {type} · {duration}").format(
            code=family_code(draft.family_id),
            date=format_date(draft.contact_on),
            type=draft.contact_type.label,
            duration=format_minutes(draft.minutes),
        ),
        _("Topics: {topics}").format(topics=format_items([topic.label for topic in draft.topics])),
    ]
    if draft.referral:
        lines.append(_("Referred to: {service}").format(service=draft.referral.label))
    if draft.follow_up_on:
        lines.append(_("Follow-up: {date}").format(date=format_date(draft.follow_up_on)))
    if draft.note:
        lines.append(_("Note: {note}").format(note=html.escape(draft.note)))
    return "\n".join(lines)


async def undo_button(update: Update, context: BotContext) -> None:
    """The Undo button under a saved contact."""
    query = update.callback_query
    contact = await context.storage.contacts.get(int(query.data.removeprefix(UNDO)))
    if contact is None:
        await query.answer(_("This contact has already been removed."), show_alert=True)
        await query.edit_message_reply_markup(None)
        return
    if not may_undo(
        contact.staff_id, contact.created_at, context.member.telegram_id, context.clock.now()
    ):
        await query.answer(
            _("A contact can be undone within 30 minutes of saving, by the person who saved it."),
            show_alert=True,
        )
        await query.edit_message_reply_markup(None)
        return
    await _remove(context, contact)
    await query.answer()
    await query.edit_message_text(_removed_text(contact))


async def undo_last(update: Update, context: BotContext) -> None:
    """Take back the sender's last contact, within 30 minutes of saving it."""
    member = context.member
    contact = await context.storage.contacts.last_created_by(member.telegram_id)
    if contact is None or not may_undo(
        contact.staff_id, contact.created_at, member.telegram_id, context.clock.now()
    ):
        await reply(
            update,
            _(
                "There is nothing to undo: only a contact you saved in the last 30 minutes "
                "can be undone."
            ),
        )
        return
    await _remove(context, contact)
    await reply(update, _removed_text(contact))


async def _remove(context: BotContext, contact: Contact) -> None:
    await context.storage.contacts.delete(
        contact.id, context.member.telegram_id, context.clock.now()
    )


def _removed_text(contact: Contact) -> str:
    return _("↩ Contact with {code} of {date} ({type}) removed.").format(
        code=contact.family_code,
        date=format_date(contact.contact_on),
        type=contact.contact_type.label,
    )


def handlers() -> list[BaseHandler]:
    typed = filters.TEXT & ~filters.COMMAND
    log_dialog = dialog(
        entry_points=[command("log", log_contact)],
        states={
            FAMILY: [
                CallbackQueryHandler(choose_family, pattern=rf"^{PREFIX}family:[0-9]{{1,9}}$"),
                MessageHandler(typed, choose_family),
            ],
            TYPE: [
                CallbackQueryHandler(
                    choose_type, pattern=rf"^{PREFIX}type:({'|'.join(ContactType)})$"
                )
            ],
            DURATION: [
                CallbackQueryHandler(choose_duration, pattern=rf"^{PREFIX}minutes:[0-9]{{1,3}}$"),
                MessageHandler(typed, choose_duration),
            ],
            TOPICS: [
                CallbackQueryHandler(
                    choose_topic, pattern=rf"^{PREFIX}topic:({'|'.join(Topic)}|done)$"
                )
            ],
            NOTE: [
                CallbackQueryHandler(choose_note, pattern=rf"^{PREFIX}note:skip$"),
                MessageHandler(typed, choose_note),
            ],
            CONFIRM: [CallbackQueryHandler(save_contact, pattern=rf"^{PREFIX}save$")],
        },
        fallbacks=[
            command("cancel", cancel),
            CallbackQueryHandler(cancel, pattern=rf"^{PREFIX}cancel$"),
            MessageHandler(typed, use_buttons),
        ],
        name="log",
    )
    return [
        log_dialog,
        command("undo", undo_last),
        CallbackQueryHandler(undo_button, pattern=rf"^{UNDO}[0-9]{{1,12}}$"),
    ]
