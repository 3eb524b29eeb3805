"""/log and /undo: record a contact with a family in seconds, take it back if wrong, and
correct it later (/log korrektur 12 …).

A note that seems to contain personal data is held back, in memory only, until its author
taps Save anyway or Edit.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import timedelta

from pydantic import Field
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.casework.contacts import (
    CORRECT_EXAMPLE,
    DURATION_CHOICES,
    LOG_EXAMPLE,
    Contact,
    ContactCorrection,
    ContactDraft,
    Saved,
    audit_detail,
    changes_line,
    check_after_intake,
    contact_changes,
    contact_summary,
    intake_example,
    is_correction,
    may_correct,
    may_undo,
    parse_correction,
    parse_log,
    typed_date,
)
from bot.casework.families import Family, consent_line, family_code
from bot.casework.vocabulary import ContactType, Topic
from bot.context import BotContext, Dialog
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, format_minutes, lazy_gettext
from bot.core.parsing import (
    MAX_MINUTES,
    ParseError,
    check_note,
    parse_contact_date,
    parse_duration,
)
from bot.handlers.common import (
    answered,
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
    load_family,
    not_understood,
    pressed_elsewhere,
    reach_of,
    remember_case_message,
    remove_buttons,
    reply,
    reply_with_case_details,
    rows,
    show,
    take_held,
    use_buttons,
)
from bot.handlers.notices import notify_flag
from bot.privacy.personal_data import HeldText, PersonalData, find_personal_data
from bot.staff.roles import CASEWORK_ROLES, sees_all_families

COMMANDS = (
    CommandSpec(
        "log",
        lazy_gettext(
            "Log a contact: /log F-0042 45m hausbesuch aufenthalt,arbeit: note; correct one: "
            "/log korrektur 12 dauer 60m"
        ),
        CASEWORK_ROLES,
    ),
    CommandSpec("undo", lazy_gettext("Take back your last contact (30 minutes)"), CASEWORK_ROLES),
)

RECENT_FAMILIES = 6


class UndoContact(CallbackData, prefix="undo"):
    contact_id: int = Field(ge=1, le=999_999_999_999)


# The buttons of /log, one kind per step.
class FamilyChosen(CallbackData, prefix="log:family"):
    family_id: int = Field(ge=1, le=999_999_999)


class DateChosen(CallbackData, prefix="log:date"):
    days_back: int = Field(ge=0, le=1)


class TypeChosen(CallbackData, prefix="log:type"):
    contact_type: ContactType


class DurationChosen(CallbackData, prefix="log:minutes"):
    minutes: int = Field(ge=1, le=MAX_MINUTES)


class TopicsDone(CallbackData, prefix="log:topic:done"):
    pass


class TopicToggled(CallbackData, prefix="log:topic"):
    topic: Topic


class NoteSkipped(CallbackData, prefix="log:note:skip"):
    pass


class SaveContact(CallbackData, prefix="log:save"):
    pass


class CancelLog(CallbackData, prefix="log:cancel"):
    pass


# Save anyway and Edit under a note held back for its personal data: in the dialog's note
# step, and under the one-line form; `token` names the warning they belong to.
class KeepDialogNote(CallbackData, prefix="log:note:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditDialogNote(CallbackData, prefix="log:note:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


class KeepLoggedNote(CallbackData, prefix="log:held:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditLoggedNote(CallbackData, prefix="log:held:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


class KeepCorrectedNote(CallbackData, prefix="log:fix:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditCorrectedNote(CallbackData, prefix="log:fix:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


@dataclass(frozen=True)
class LoggedContact:
    """A one-line /log held back for its note: what `_store` needs once it is confirmed."""

    draft: ContactDraft
    source: tuple[int, int]


FAMILY, DATE, TYPE, DURATION, TOPICS, NOTE, CONFIRM = range(7)
CANCEL = cancel_row(CancelLog())


async def log_contact(update: Update, context: BotContext) -> int:
    """Log a contact from the one-line form, correct one, or start the guided dialog."""
    text = update.message.text.split(maxsplit=1)
    if len(text) == 2 and is_correction(text[1]):
        await correct_contact(update, context, text[1])
        return ConversationHandler.END
    if len(text) == 2:
        try:
            draft = parse_log(text[1], context.clock.today())
        except ParseError as error:
            await reply(update, error.message)
            return ConversationHandler.END
        family = await load_family(update, context, draft.family_id, active=True)
        if family is None:
            return ConversationHandler.END
        try:
            check_after_intake(
                draft.contact_on,
                family.code,
                family.opened_on,
                intake_example(family.code, family.opened_on),
            )
        except ParseError as error:
            await reply(update, error.message)
            return ConversationHandler.END
        source = (update.effective_chat.id, update.message.message_id)
        found = _personal_data(context, draft.note)
        if found:
            token = update.message.message_id
            held = HeldText(token, found, LoggedContact(draft, source))
            await hold_back(
                update, context, held, KeepLoggedNote(token=token), EditLoggedNote(token=token)
            )
            return ConversationHandler.END
        await _store(update, context, draft, family, source)
        return ConversationHandler.END
    context.user_data.new_contact = Dialog(ContactDraft(contact_on=context.clock.today()))
    return await ask_family(update, context)


def _draft(context: BotContext) -> ContactDraft:
    return context.user_data.new_contact.draft


async def ask_family(update: Update, context: BotContext) -> int:
    reach = await reach_of(context)
    if reach.case_managers is None:
        families = await context.storage.families.recently_logged_by(
            reach.staff_id, RECENT_FAMILIES
        )
    else:
        families, _total = await context.storage.families.caseload(
            reach.case_managers, limit=RECENT_FAMILIES
        )
    keyboard = rows(
        [
            button(f"{family.code} · {family.town}", FamilyChosen(family_id=family.id))
            for family in families
        ],
        2,
    )
    await show(
        update,
        _("Log a contact (1/6): which family? Tap one or type its code (e.g. F-0042)."),
        [*keyboard, CANCEL],
    )
    return FAMILY


async def on_family(update: Update, context: BotContext) -> int:
    """A family button, or a typed family code."""
    if update.callback_query:
        family_id = FamilyChosen.read(update.callback_query.data).family_id
        family = await load_family(update, context, family_id, active=True)
        if family is None:
            await update.callback_query.answer()
            return FAMILY
    else:
        family = await find_family(update, context, update.message.text.strip(), active=True)
        if family is None:
            return FAMILY
    _draft(context).family_id = family.id
    return await ask_date(update, context)


async def ask_date(update: Update, context: BotContext) -> int:
    """Today, yesterday (if the family was taken in by then), or a typed date."""
    family = await context.storage.families.get(_draft(context).family_id)
    today = context.clock.today()
    choices = [button(_("Today"), DateChosen(days_back=0))]
    if family is not None and family.opened_on < today:
        choices.append(button(_("Yesterday"), DateChosen(days_back=1)))
    await show(
        update,
        _(
            "{code} (2/6): when was the contact? Tap or type a date (e.g. {example} or yesterday)."
        ).format(
            code=family_code(_draft(context).family_id),
            example=typed_date(today - timedelta(days=3)),
        ),
        [choices, CANCEL],
    )
    return DATE


async def on_date(update: Update, context: BotContext) -> int:
    """A date button, or a typed date: today or earlier, and not before the intake."""
    today = context.clock.today()
    draft = _draft(context)
    family = await context.storage.families.get(draft.family_id)
    assert family is not None
    try:
        day = answered(
            update,
            DateChosen,
            lambda pressed: today - timedelta(days=pressed.days_back),
            lambda typed: parse_contact_date(typed, today),
        )
        check_after_intake(day, family.code, family.opened_on, typed_date(family.opened_on))
    except ParseError as error:
        return await not_understood(update, DATE, error.message)
    draft.contact_on = day
    return await ask_type(update, context)


async def ask_type(update: Update, context: BotContext) -> int:
    keyboard = rows([button(kind.label, TypeChosen(contact_type=kind)) for kind in ContactType], 2)
    await show(
        update,
        _("{code} (3/6): what kind of contact?").format(
            code=family_code(_draft(context).family_id)
        ),
        [*keyboard, CANCEL],
    )
    return TYPE


async def on_type(update: Update, context: BotContext) -> int:
    _draft(context).contact_type = TypeChosen.read(update.callback_query.data).contact_type
    return await ask_duration(update, context)


async def ask_duration(update: Update, context: BotContext) -> int:
    keyboard = rows(
        [
            button(format_minutes(minutes), DurationChosen(minutes=minutes))
            for minutes in DURATION_CHOICES
        ],
        3,
    )
    await show(
        update,
        _("{code} (4/6): how long? Tap or type a duration (e.g. 45m, 1,5h).").format(
            code=family_code(_draft(context).family_id)
        ),
        [*keyboard, CANCEL],
    )
    return DURATION


async def on_duration(update: Update, context: BotContext) -> int:
    """A duration button, or a typed duration."""
    try:
        minutes = answered(update, DurationChosen, lambda pressed: pressed.minutes, parse_duration)
    except ParseError as error:
        return await not_understood(update, DURATION, error.message)
    _draft(context).minutes = minutes
    return await ask_topics(update, context)


async def ask_topics(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    keyboard = rows(
        [
            button(("✓ " if topic in draft.topics else "") + topic.label, TopicToggled(topic=topic))
            for topic in Topic
        ],
        2,
    )
    keyboard.append([button(_("Done"), TopicsDone()), *CANCEL])
    await show(
        update,
        _("{code} (5/6): which topics? Tap all that apply, then Done.").format(
            code=family_code(draft.family_id)
        ),
        keyboard,
    )
    return TOPICS


async def on_topic(update: Update, context: BotContext) -> int:
    """Toggle a topic; the step is asked again."""
    _draft(context).toggle_topic(TopicToggled.read(update.callback_query.data).topic)
    return await ask_topics(update, context)


async def on_topics_done(update: Update, context: BotContext) -> int:
    if not _draft(context).topics:
        return await not_understood(update, TOPICS, _("Please choose at least one topic."))
    return await ask_note(update, context)


async def ask_note(update: Update, context: BotContext) -> int:
    await show(
        update,
        _(
            "{code} (6/6): add a short note, or tap Skip. No names or other identifying "
            "details, please. #struktur in the note reports a structural gap."
        ).format(code=family_code(_draft(context).family_id)),
        [[button(_("Skip"), NoteSkipped()), *CANCEL]],
    )
    return NOTE


async def on_note(update: Update, context: BotContext) -> int:
    """A typed note, or Skip; then show everything for confirmation. A note that seems to
    contain personal data waits for Save anyway or Edit, and the dialog stays here."""
    if update.callback_query is None:
        try:
            note = check_note(update.message.text)
        except ParseError as error:
            return await not_understood(update, NOTE, error.message)
        found = _personal_data(context, note)
        if found:
            token = update.message.message_id
            held = HeldText(token, found, note)
            await hold_back(
                update, context, held, KeepDialogNote(token=token), EditDialogNote(token=token)
            )
            return NOTE
        _draft(context).note = note
    return await ask_confirmation(update, context)


async def keep_dialog_note(update: Update, context: BotContext) -> int:
    """Save anyway under a held note in the dialog: the note goes into the draft."""
    held = take_held(context, KeepDialogNote.read(update.callback_query.data).token, str)
    if held is None:
        await held_button_expired(update)
        return NOTE
    _draft(context).note = held.record
    await audit_kept(
        context, "contact.personal_data_kept", held, family_code(_draft(context).family_id)
    )
    return await ask_confirmation(update, context)


async def edit_dialog_note(update: Update, context: BotContext) -> int:
    """Edit under a held note in the dialog: the note is forgotten and asked for again."""
    if take_held(context, EditDialogNote.read(update.callback_query.data).token, str) is None:
        await held_button_expired(update)
        return NOTE
    return await ask_note(update, context)


async def keep_logged_note(update: Update, context: BotContext) -> None:
    """Save anyway under a held one-line /log: the contact is stored as typed."""
    query = update.callback_query
    held = take_held(context, KeepLoggedNote.read(query.data).token, LoggedContact)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    await remove_buttons(query)
    contact = held.record
    await audit_kept(
        context, "contact.personal_data_kept", held, family_code(contact.draft.family_id)
    )
    family = await load_family(update, context, contact.draft.family_id, active=True)
    if family is not None:
        await _store(update, context, contact.draft, family, contact.source)


async def edit_logged_note(update: Update, context: BotContext) -> None:
    """Edit under a held one-line /log: it is forgotten; the person sends it again."""
    query = update.callback_query
    if take_held(context, EditLoggedNote.read(query.data).token, LoggedContact) is None:
        await held_button_expired(update)
        return
    await query.answer()
    await edit_text(
        query,
        _(
            "Nothing was saved. Please send /log again with a note without personal data, "
            "e.g. {example}"
        ).format(example=html.escape(LOG_EXAMPLE)),
    )


def _personal_data(context: BotContext, note: str) -> tuple[PersonalData, ...]:
    # A family code in a note is the bot's own pseudonym, not a detail to warn about.
    return tuple(find_personal_data(note, context.clock.today(), allow_family_codes=True))


async def ask_confirmation(update: Update, context: BotContext) -> int:
    new_contact = context.user_data.new_contact
    new_contact.confirm_message_id = await show(
        update,
        _("Please check and save:") + "\n\n" + contact_summary(new_contact.draft),
        [[button(_("Save"), SaveContact()), *CANCEL]],
    )
    return CONFIRM


async def save_contact(update: Update, context: BotContext) -> int:
    """Store the contact the dialog describes; a second tap on Save stores nothing more."""
    query = update.callback_query
    new_contact = context.user_data.new_contact
    if await pressed_elsewhere(update, new_contact.confirm_message_id):
        return CONFIRM
    await query.answer()
    family = await load_family(update, context, new_contact.draft.family_id, active=True)
    if family is not None:
        source = (query.message.chat.id, query.message.message_id)
        await _store(update, context, new_contact.draft, family, source)
        await remove_buttons(query)
        # The confirmation shows the note, as the reply below it does.
        await remember_case_message(context, query.message)
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
    contact, saved = await context.storage.contacts.add(
        draft, member.telegram_id, context.clock.now(), source
    )
    if saved is Saved.AGAIN:
        await reply_with_case_details(
            update,
            context,
            _("This contact was already saved:") + "\n" + contact_summary(draft),
        )
        return
    if saved is Saved.UNDONE:
        await reply_with_case_details(
            update,
            context,
            "\n".join(
                [
                    _("This contact was undone, so it is not saved again:"),
                    contact_summary(draft),
                    _("To log it after all, please send /log again."),
                ]
            ),
        )
        return
    lines = [_("✅ Contact no. {id} saved:").format(id=contact.id), contact_summary(draft)]
    flag = await context.storage.flags.for_contact(contact.id) if draft.structural_gap else None
    if flag is not None:
        lines.append(
            _("Structural gap #{id} recorded; the coordination has been told.").format(id=flag.id)
        )
    if not family.consent_on:
        lines.append(consent_line(family))
    undo = InlineKeyboardMarkup([[button(_("Undo (30 min)"), UndoContact(contact_id=contact.id))]])
    await reply_with_case_details(update, context, "\n".join(lines), reply_markup=undo)
    if flag is not None:
        await notify_flag(context, flag)


async def undo_button(update: Update, context: BotContext) -> None:
    """The Undo button under a saved contact."""
    query = update.callback_query
    contact = await context.storage.contacts.get(UndoContact.read(query.data).contact_id)
    if contact is None:
        await query.answer(_("This contact has already been removed."), show_alert=True)
        await remove_buttons(query)
        return
    if not may_undo(
        contact.staff_id, contact.created_at, context.member.telegram_id, context.clock.now()
    ):
        # An alert holds at most 200 characters.
        await query.answer(
            _(
                "The 30 minutes for undo have passed. Correct the contact instead, e.g. {example}"
            ).format(example=CORRECT_EXAMPLE.format(id=contact.id))
            if contact.staff_id == context.member.telegram_id
            else _(
                "A contact can be undone within 30 minutes of saving, by the person who saved it."
            ),
            show_alert=True,
        )
        await remove_buttons(query)
        return
    await _remove(context, contact)
    await query.answer()
    await edit_text(query, _removed_text(contact))


async def undo_last(update: Update, context: BotContext) -> None:
    """Take back the sender's last contact, within 30 minutes of saving it."""
    member = context.member
    contact = await context.storage.contacts.last_created_by(member.telegram_id)
    if contact is None or not may_undo(
        contact.staff_id, contact.created_at, member.telegram_id, context.clock.now()
    ):
        lines = [
            _(
                "There is nothing to undo: only a contact you saved in the last 30 minutes "
                "can be undone."
            )
        ]
        if contact is not None:
            lines.append(html.escape(_correct_hint(contact.id)))
        await reply(update, "\n".join(lines))
        return
    await _remove(context, contact)
    await reply(update, _removed_text(contact))


async def correct_contact(update: Update, context: BotContext, arguments: str) -> None:
    """/log korrektur 12 datum 20.11. dauer 45m …: correct a contact after the undo window.
    A new note that seems to contain personal data waits for Save anyway or Edit."""
    try:
        correction = parse_correction(arguments, context.clock.today())
    except ParseError as error:
        await reply(update, error.message)
        return
    contact = await _correctable(update, context, correction.contact_id)
    if contact is None:
        return
    if correction.note is not None and correction.note != contact.note:
        found = _personal_data(context, correction.note)
        if found:
            token = update.message.message_id
            await hold_back(
                update,
                context,
                HeldText(token, found, correction),
                KeepCorrectedNote(token=token),
                EditCorrectedNote(token=token),
            )
            return
    await _correct(update, context, correction)


async def _correctable(update: Update, context: BotContext, contact_id: int) -> Contact | None:
    """The contact if the sender may correct it; an unknown one and another person's read
    alike, so that the answer does not tell that it exists."""
    member = context.member
    contact = await context.storage.contacts.get(contact_id)
    if contact is None or not may_correct(
        contact.staff_id, member.telegram_id, sees_all_families(member.role)
    ):
        await reply(
            update,
            _(
                "You have no contact no. {id} to correct. /family shows a family's recent "
                "contacts with their numbers; a contact is corrected by the person who logged "
                "it or by the coordination."
            ).format(id=contact_id),
        )
        return None
    return contact


async def _correct(update: Update, context: BotContext, correction: ContactCorrection) -> None:
    """Store the correction if it changes something and the family's data still exist."""
    contact = await _correctable(update, context, correction.contact_id)
    if contact is None:
        return
    family = await context.storage.families.get(contact.family_id)
    assert family is not None
    if family.erased_at is not None:
        await reply(
            update,
            _(
                "The data of {code} have been erased: its contacts can no longer be corrected."
            ).format(code=family.code),
        )
        return
    corrected = correction.applied_to(contact)
    try:
        check_after_intake(
            corrected.contact_on,
            family.code,
            family.opened_on,
            correction.dated_example(family.opened_on),
        )
    except ParseError as error:
        await reply(update, error.message)
        return
    changes = contact_changes(contact, corrected)
    if not changes:
        await reply_with_case_details(
            update,
            context,
            _("Contact no. {id} reads so already; nothing was changed:").format(id=contact.id)
            + "\n"
            + contact_summary(corrected),
        )
        return
    stored = await context.storage.contacts.correct(
        contact.id, corrected, audit_detail(contact.id, changes), context.member.telegram_id,
        context.clock.now(),
    )  # fmt: skip
    if stored is None:  # undone a moment ago
        await _correctable(update, context, contact.id)
        return
    _contact, flag = stored
    lines = [
        _("✏️ Contact no. {id} corrected:").format(id=contact.id),
        contact_summary(corrected),
        changes_line(changes),
    ]
    if flag is not None:
        lines.append(
            _("Structural gap #{id} recorded; the coordination has been told.").format(id=flag.id)
        )
    await reply_with_case_details(update, context, "\n".join(lines))
    if flag is not None:
        await notify_flag(context, flag)


async def keep_corrected_note(update: Update, context: BotContext) -> None:
    """Save anyway under a correction held back for its note: it is stored as typed."""
    query = update.callback_query
    held = take_held(context, KeepCorrectedNote.read(query.data).token, ContactCorrection)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    await remove_buttons(query)
    contact = await context.storage.contacts.get(held.record.contact_id)
    code = contact.family_code if contact is not None else None
    await audit_kept(context, "contact.personal_data_kept", held, code)
    await _correct(update, context, held.record)


async def edit_corrected_note(update: Update, context: BotContext) -> None:
    """Edit under a correction held back for its note: it is forgotten."""
    query = update.callback_query
    held = take_held(context, EditCorrectedNote.read(query.data).token, ContactCorrection)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    await edit_text(
        query,
        _(
            "Nothing was changed. Please send the correction again with a note without "
            "personal data, e.g. {example}"
        ).format(example=html.escape(held.record.example() + " notiz Termin verschoben")),
    )


async def _remove(context: BotContext, contact: Contact) -> None:
    await context.storage.contacts.delete(
        contact.id, context.member.telegram_id, context.clock.now()
    )


def _correct_hint(contact_id: int) -> str:
    return _("A contact that is wrong can be corrected, e.g. {example}").format(
        example=CORRECT_EXAMPLE.format(id=contact_id)
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
                CallbackQueryHandler(on_family, pattern=FamilyChosen.matches),
                MessageHandler(typed, on_family),
            ],
            DATE: [
                CallbackQueryHandler(on_date, pattern=DateChosen.matches),
                MessageHandler(typed, on_date),
            ],
            TYPE: [CallbackQueryHandler(on_type, pattern=TypeChosen.matches)],
            DURATION: [
                CallbackQueryHandler(on_duration, pattern=DurationChosen.matches),
                MessageHandler(typed, on_duration),
            ],
            TOPICS: [
                CallbackQueryHandler(on_topics_done, pattern=TopicsDone.matches),
                CallbackQueryHandler(on_topic, pattern=TopicToggled.matches),
            ],
            NOTE: [
                CallbackQueryHandler(on_note, pattern=NoteSkipped.matches),
                CallbackQueryHandler(keep_dialog_note, pattern=KeepDialogNote.matches),
                CallbackQueryHandler(edit_dialog_note, pattern=EditDialogNote.matches),
                MessageHandler(typed, on_note),
            ],
            CONFIRM: [CallbackQueryHandler(save_contact, pattern=SaveContact.matches)],
        },
        fallbacks=[
            command("cancel", cancel),
            CallbackQueryHandler(cancel, pattern=CancelLog.matches),
            MessageHandler(typed, use_buttons),
        ],
        name="log",
    )
    return [
        log_dialog,
        command("undo", undo_last),
        CallbackQueryHandler(undo_button, pattern=UndoContact.matches),
        CallbackQueryHandler(keep_logged_note, pattern=KeepLoggedNote.matches),
        CallbackQueryHandler(edit_logged_note, pattern=EditLoggedNote.matches),
        CallbackQueryHandler(keep_corrected_note, pattern=KeepCorrectedNote.matches),
        CallbackQueryHandler(edit_corrected_note, pattern=EditCorrectedNote.matches),
    ]
