"""/conference and /conferences: case conferences and cross-case meetings, in one line or
with buttons, and the latest ones.

Staff of the immigration and naturalisation offices record their part too. They have no
caseload: they may link any active family by the code a case manager gave them, and the
bot tells them nothing about that family beyond the code they typed.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import timedelta

from pydantic import Field
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.casework.conferences import (
    CONFERENCE_EXAMPLE,
    DURATION_CHOICES,
    ConferenceDraft,
    ConferenceKind,
    Participant,
    check_partner_name,
    conference_line,
    conference_summary,
    parse_conference,
    parse_family_codes,
    participant_of,
)
from bot.casework.families import Family, family_code
from bot.casework.vocabulary import Topic
from bot.context import BotContext, Dialog
from bot.core.callbacks import CallbackData, Day
from bot.core.commands import CommandSpec
from bot.core.i18n import _, format_date, format_items, format_minutes, lazy_gettext
from bot.core.parsing import (
    ParseError,
    check_note,
    parse_contact_date,
    parse_duration,
    parse_follow_up_date,
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
    held_button_expired,
    hold_back,
    load_family,
    not_understood,
    page_count,
    page_row,
    pressed_elsewhere,
    remember_case_message,
    remove_buttons,
    reply,
    reply_with_case_details,
    rows,
    show,
    show_page,
    take_held,
    use_buttons,
)
from bot.privacy.personal_data import HeldText, PersonalData, find_personal_data
from bot.staff.roles import CASEWORK_ROLES, is_office_staff, sees_all_families

COMMANDS = (
    CommandSpec(
        "conference",
        lazy_gettext(
            "Record a case conference or cross-case meeting: /conference 24.11. ABH,CM F-0042 "
            "aufenthalt 60: agreements"
        ),
        CASEWORK_ROLES,
    ),
    CommandSpec(
        "conferences",
        lazy_gettext("Latest case conferences and meetings (coordination: everyone's)"),
        CASEWORK_ROLES,
    ),
)

# A conference line is at most about 420 characters: eight stay well within a message.
PAGE_SIZE = 8


class ConferencesPage(CallbackData, prefix="conferences"):
    """◀ / ▶ under the latest conferences."""

    page: int = Field(ge=0, le=9999)


# The buttons of /conference, one kind per step.
class DayChosen(CallbackData, prefix="conf:day"):
    day: Day


class KindChosen(CallbackData, prefix="conf:kind"):
    kind: ConferenceKind


class TeamsDone(CallbackData, prefix="conf:team:done"):
    pass


class TeamToggled(CallbackData, prefix="conf:team"):
    participant: Participant


class PartnerSkipped(CallbackData, prefix="conf:partner:skip"):
    pass


class NoFamily(CallbackData, prefix="conf:family:none"):
    pass


class TopicsDone(CallbackData, prefix="conf:topic:done"):
    pass


class TopicToggled(CallbackData, prefix="conf:topic"):
    topic: Topic


class DurationChosen(CallbackData, prefix="conf:minutes"):
    minutes: int = Field(ge=1, le=480)


class AgreementsSkipped(CallbackData, prefix="conf:agreed:skip"):
    pass


class FollowUpChosen(CallbackData, prefix="conf:next"):
    day: Day


class NoFollowUp(CallbackData, prefix="conf:next:none"):
    pass


class SaveConference(CallbackData, prefix="conf:save"):
    pass


class CancelConference(CallbackData, prefix="conf:cancel"):
    pass


# Save anyway and Edit under a text held back for its personal data: the partner's name and
# the agreements in the dialog, and the one-line form; `token` names the warning.
class KeepPartnerName(CallbackData, prefix="conf:partner:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditPartnerName(CallbackData, prefix="conf:partner:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


class KeepAgreements(CallbackData, prefix="conf:agreed:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditAgreements(CallbackData, prefix="conf:agreed:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


class KeepRecorded(CallbackData, prefix="conf:held:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditRecorded(CallbackData, prefix="conf:held:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


@dataclass(frozen=True)
class RecordedConference:
    """A one-line /conference held back for its agreements, until Save anyway or Edit."""

    draft: ConferenceDraft
    source: tuple[int, int]


@dataclass(frozen=True)
class PartnerName:
    """A partner's name held back in the dialog (a str is an agreements text)."""

    name: str


DAY, KIND, TEAMS, PARTNER, FAMILIES, TOPICS, DURATION, AGREEMENTS, FOLLOW_UP, CONFIRM = range(10)
CANCEL = cancel_row(CancelConference())
FOLLOW_UP_WEEKS = (1, 2, 4)


async def record_conference(update: Update, context: BotContext) -> int:
    """Record a conference from the one-line form, or start the guided dialog."""
    text = update.message.text.split(maxsplit=1)
    member = context.member
    if len(text) == 2:
        try:
            draft = parse_conference(text[1], context.clock.today(), member.team)
        except ParseError as error:
            await reply(update, error.message)
            return ConversationHandler.END
        if await _linkable_families(update, context, draft.family_ids) is None:
            return ConversationHandler.END
        source = (update.effective_chat.id, update.message.message_id)
        found = _personal_data(context, draft.agreements)
        if found:
            token = update.message.message_id
            held = HeldText(token, found, RecordedConference(draft, source))
            await hold_back(
                update, context, held, KeepRecorded(token=token), EditRecorded(token=token)
            )
            return ConversationHandler.END
        await _store(update, context, draft, source)
        return ConversationHandler.END
    own = participant_of(member.team)
    draft = ConferenceDraft(participants=(own,) if own else ())
    context.user_data.new_conference = Dialog(draft)
    return await ask_day(update, context)


def _draft(context: BotContext) -> ConferenceDraft:
    return context.user_data.new_conference.draft


async def _linkable_families(
    update: Update, context: BotContext, family_ids: tuple[int, ...]
) -> list[Family] | None:
    """The families if the sender may link each of them; otherwise say why not, once.

    Case managers link their own families, coordinators any, as everywhere (load_family).
    Office staff have no caseload and link any active family by the code a case manager
    gave them. They are told nothing more: an unknown code, a closed family and an erased
    one get the same answer, since "closed on 03.11." or "not yours" would tell them about
    a family they do not work with; and no town or case manager is ever shown to them.
    "No active family" is all they learn, and they learn it for a code they were given.
    """
    member = context.member
    families = []
    for family_id in family_ids:
        if is_office_staff(member.role, member.team):
            family = await context.storage.families.get(family_id)
            if family is None or not family.active:
                # Audited like a refused /family: /audit shows anyone trying code after code.
                await context.storage.audit.record(
                    "conference.link_refused",
                    context.clock.now(),
                    member.telegram_id,
                    family_code(family_id),
                )
                await reply(
                    update,
                    _(
                        "{code} cannot be linked: there is no active family with this code. "
                        "Please check the code with the case manager who gave it to you."
                    ).format(code=family_code(family_id)),
                )
                return None
        else:
            family = await load_family(update, context, family_id, active=True)
            if family is None:
                return None
        families.append(family)
    return families


def _personal_data(context: BotContext, text: str) -> tuple[PersonalData, ...]:
    # A family code in the text is the bot's own pseudonym, not a detail to warn about.
    return tuple(find_personal_data(text, context.clock.today(), allow_family_codes=True))


# The dialog ---------------------------------------------------------------------------------


async def ask_day(update: Update, context: BotContext) -> int:
    today = context.clock.today()
    keyboard = [
        [
            button(_("Today"), DayChosen(day=today)),
            button(_("Yesterday"), DayChosen(day=today - timedelta(days=1))),
        ],
        CANCEL,
    ]
    await show(
        update,
        _("Record a conference (1/8): when was it? Tap or type a date (e.g. 24.11.)."),
        keyboard,
    )
    return DAY


async def on_day(update: Update, context: BotContext) -> int:
    """A day button, or a typed date."""
    today = context.clock.today()
    try:
        held_on = answered(
            update,
            DayChosen,
            lambda pressed: pressed.day,
            lambda text: parse_contact_date(text, today),
        )
        if held_on > today or held_on < today - timedelta(days=366):
            raise ParseError(_("Please choose today or an earlier day of the last year."))
    except ParseError as error:
        return await not_understood(update, DAY, error.message)
    _draft(context).held_on = held_on
    return await ask_kind(update, context)


async def ask_kind(update: Update, context: BotContext) -> int:
    keyboard = [[button(kind.label, KindChosen(kind=kind))] for kind in ConferenceKind]
    await show(
        update,
        _("{date} (2/8): a case conference about families, or a cross-case meeting?").format(
            date=format_date(_draft(context).held_on)
        ),
        [*keyboard, CANCEL],
    )
    return KIND


async def on_kind(update: Update, context: BotContext) -> int:
    _draft(context).kind = KindChosen.read(update.callback_query.data).kind
    return await ask_teams(update, context)


async def ask_teams(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    keyboard = rows(
        [
            button(
                ("✓ " if participant in draft.participants else "") + participant.label,
                TeamToggled(participant=participant),
            )
            for participant in Participant
        ],
        2,
    )
    keyboard.append([button(_("Done"), TeamsDone()), *CANCEL])
    await show(
        update,
        _("{kind} (3/8): which teams took part? Tap all that apply, then Done.").format(
            kind=draft.kind.label
        ),
        keyboard,
    )
    return TEAMS


async def on_team(update: Update, context: BotContext) -> int:
    """Toggle a team; the step is asked again."""
    _draft(context).toggle_participant(TeamToggled.read(update.callback_query.data).participant)
    return await ask_teams(update, context)


async def on_teams_done(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    if not draft.participants:
        return await not_understood(update, TEAMS, _("Please choose at least one team."))
    if Participant.PARTNERS in draft.participants:
        return await ask_partner(update, context)
    return await ask_families(update, context)


async def ask_partner(update: Update, context: BotContext) -> int:
    await show(
        update,
        _(
            "(3/8) Which partners? Type the organisation (e.g. Jobcenter Ahlen), or tap Skip. "
            "No names of people, please."
        ),
        [[button(_("Skip"), PartnerSkipped()), *CANCEL]],
    )
    return PARTNER


async def on_partner(update: Update, context: BotContext) -> int:
    """A typed partner's name, or Skip. A name that seems to contain personal data waits for
    Save anyway or Edit, and the dialog stays here."""
    if update.callback_query is None:
        try:
            name = check_partner_name(update.message.text)
        except ParseError as error:
            return await not_understood(update, PARTNER, error.message)
        found = _personal_data(context, name)
        if found:
            token = update.message.message_id
            held = HeldText(token, found, PartnerName(name))
            await hold_back(
                update, context, held, KeepPartnerName(token=token), EditPartnerName(token=token)
            )
            return PARTNER
        _draft(context).partner_name = name
    return await ask_families(update, context)


async def keep_partner_name(update: Update, context: BotContext) -> int:
    """Save anyway under a held partner's name: it goes into the draft."""
    held = take_held(context, KeepPartnerName.read(update.callback_query.data).token, PartnerName)
    if held is None:
        await held_button_expired(update)
        return PARTNER
    _draft(context).partner_name = held.record.name
    await audit_kept(context, "conference.personal_data_kept", held)
    return await ask_families(update, context)


async def edit_partner_name(update: Update, context: BotContext) -> int:
    """Edit under a held partner's name: it is forgotten and asked for again."""
    token = EditPartnerName.read(update.callback_query.data).token
    if take_held(context, token, PartnerName) is None:
        await held_button_expired(update)
        return PARTNER
    return await ask_partner(update, context)


async def ask_families(update: Update, context: BotContext) -> int:
    await show(
        update,
        _(
            "(4/8) Which families? Type their codes (e.g. F-0042 F-0107), or tap No family "
            "for a meeting about no particular family."
        ),
        [[button(_("No family"), NoFamily())], CANCEL],
    )
    return FAMILIES


async def on_families(update: Update, context: BotContext) -> int:
    """Typed family codes, or No family."""
    draft = _draft(context)
    if update.callback_query is None:
        try:
            family_ids = parse_family_codes(update.message.text)
        except ParseError as error:
            return await not_understood(update, FAMILIES, error.message)
        if await _linkable_families(update, context, family_ids) is None:
            return FAMILIES
        draft.family_ids = family_ids
    else:
        draft.family_ids = ()
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
    await show(update, _("(5/8) Which topics? Tap all that apply, then Done."), keyboard)
    return TOPICS


async def on_topic(update: Update, context: BotContext) -> int:
    """Toggle a topic; the step is asked again."""
    _draft(context).toggle_topic(TopicToggled.read(update.callback_query.data).topic)
    return await ask_topics(update, context)


async def on_topics_done(update: Update, context: BotContext) -> int:
    if not _draft(context).topics:
        return await not_understood(update, TOPICS, _("Please choose at least one topic."))
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
        _("(6/8) How long was it? Tap or type a duration (e.g. 60, 1,5h)."),
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
    return await ask_agreements(update, context)


async def ask_agreements(update: Update, context: BotContext) -> int:
    await show(
        update,
        _(
            "(7/8) What was agreed? Type the agreements, or tap Skip. No names or other "
            "identifying details, please."
        ),
        [[button(_("Skip"), AgreementsSkipped()), *CANCEL]],
    )
    return AGREEMENTS


async def on_agreements(update: Update, context: BotContext) -> int:
    """Typed agreements, or Skip. A text that seems to contain personal data waits for Save
    anyway or Edit, and the dialog stays here."""
    if update.callback_query is None:
        try:
            agreements = check_note(update.message.text)
        except ParseError as error:
            return await not_understood(update, AGREEMENTS, error.message)
        found = _personal_data(context, agreements)
        if found:
            token = update.message.message_id
            held = HeldText(token, found, agreements)
            await hold_back(
                update, context, held, KeepAgreements(token=token), EditAgreements(token=token)
            )
            return AGREEMENTS
        _draft(context).agreements = agreements
    return await ask_follow_up(update, context)


async def keep_agreements(update: Update, context: BotContext) -> int:
    """Save anyway under held agreements: they go into the draft."""
    held = take_held(context, KeepAgreements.read(update.callback_query.data).token, str)
    if held is None:
        await held_button_expired(update)
        return AGREEMENTS
    _draft(context).agreements = held.record
    await audit_kept(context, "conference.personal_data_kept", held)
    return await ask_follow_up(update, context)


async def edit_agreements(update: Update, context: BotContext) -> int:
    """Edit under held agreements: they are forgotten and asked for again."""
    if take_held(context, EditAgreements.read(update.callback_query.data).token, str) is None:
        await held_button_expired(update)
        return AGREEMENTS
    return await ask_agreements(update, context)


async def ask_follow_up(update: Update, context: BotContext) -> int:
    """A follow-up date, asked only where a linked family is the person's own."""
    if not await _own_families(context, _draft(context).family_ids):
        return await ask_confirmation(update, context)
    today = context.clock.today()
    keyboard = [
        [
            button(
                _("in {count} weeks").format(count=weeks) if weeks > 1 else _("in a week"),
                FollowUpChosen(day=today + timedelta(weeks=weeks)),
            )
            for weeks in FOLLOW_UP_WEEKS
        ],
        [button(_("No follow-up"), NoFollowUp()), *CANCEL],
    ]
    await show(
        update,
        _("(8/8) Follow up with your families? Tap or type a date (e.g. 02.12.)."),
        keyboard,
    )
    return FOLLOW_UP


async def on_follow_up(update: Update, context: BotContext) -> int:
    """A follow-up button, a typed date, or No follow-up."""
    if update.callback_query is not None and NoFollowUp.matches(update.callback_query.data):
        _draft(context).follow_up_on = None
        return await ask_confirmation(update, context)
    today = context.clock.today()
    try:
        follow_up_on = answered(
            update, FollowUpChosen, lambda pressed: pressed.day,
            lambda text: parse_follow_up_date(text, today),
        )  # fmt: skip
    except ParseError as error:
        return await not_understood(update, FOLLOW_UP, error.message)
    _draft(context).follow_up_on = follow_up_on
    return await ask_confirmation(update, context)


async def ask_confirmation(update: Update, context: BotContext) -> int:
    new_conference = context.user_data.new_conference
    new_conference.confirm_message_id = await show(
        update,
        _("Please check and save:") + "\n\n" + conference_summary(new_conference.draft),
        [[button(_("Save"), SaveConference()), *CANCEL]],
    )
    return CONFIRM


async def save_conference(update: Update, context: BotContext) -> int:
    """Store the conference the dialog describes; a second tap on Save stores nothing more."""
    query = update.callback_query
    new_conference = context.user_data.new_conference
    if await pressed_elsewhere(update, new_conference.confirm_message_id):
        return CONFIRM
    await query.answer()
    draft = new_conference.draft
    # A family may have been closed (or given to a colleague) since it was typed.
    if await _linkable_families(update, context, draft.family_ids) is not None:
        await _store(update, context, draft, (query.message.chat.id, query.message.message_id))
        await remove_buttons(query)
        # The confirmation shows the agreements, as the reply below it does.
        await remember_case_message(context, query.message)
    context.user_data.new_conference = None
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """Leave the dialog; nothing is stored."""
    context.user_data.new_conference = None
    return await end_dialog(update)


# The one-line form held back, and storing --------------------------------------------------


async def keep_recorded(update: Update, context: BotContext) -> None:
    """Save anyway under a held one-line /conference: it is stored as typed."""
    query = update.callback_query
    held = take_held(context, KeepRecorded.read(query.data).token, RecordedConference)
    if held is None:
        await held_button_expired(update)
        return
    await query.answer()
    await remove_buttons(query)
    await audit_kept(context, "conference.personal_data_kept", held)
    recorded = held.record
    if await _linkable_families(update, context, recorded.draft.family_ids) is not None:
        await _store(update, context, recorded.draft, recorded.source)


async def edit_recorded(update: Update, context: BotContext) -> None:
    """Edit under a held one-line /conference: it is forgotten; the person sends it again."""
    query = update.callback_query
    if take_held(context, EditRecorded.read(query.data).token, RecordedConference) is None:
        await held_button_expired(update)
        return
    await query.answer()
    await edit_text(
        query,
        _(
            "Nothing was saved. Please send /conference again with agreements without "
            "personal data, e.g. {example}"
        ).format(example=html.escape(CONFERENCE_EXAMPLE)),
    )


async def _own_families(context: BotContext, family_ids: tuple[int, ...]) -> frozenset[int]:
    """The families among these whose case manager the sender is: they get the follow-up."""
    me = context.member.telegram_id
    own = set()
    for family_id in family_ids:
        family = await context.storage.families.get(family_id)
        if family is not None and family.case_manager_id == me:
            own.add(family_id)
    return frozenset(own)


async def _store(
    update: Update, context: BotContext, draft: ConferenceDraft, source: tuple[int, int]
) -> None:
    own = await _own_families(context, draft.family_ids) if draft.follow_up_on else frozenset()
    conference, new = await context.storage.conferences.add(
        draft, context.member.telegram_id, own, context.clock.now(), source
    )
    if not new:
        await reply_with_case_details(
            update,
            context,
            _("This conference was already saved:") + "\n" + conference_summary(draft),
        )
        return
    lines = [
        _("✅ Conference #{id} saved:").format(id=conference.id),
        conference_summary(draft),
    ]
    if draft.follow_up_on and own:
        codes = [family_code(family_id) for family_id in draft.family_ids if family_id in own]
        lines.append(
            _("Follow-up on {date} set for {codes}; /due lists it.").format(
                date=format_date(draft.follow_up_on), codes=format_items(codes)
            )
        )
    elif draft.follow_up_on:
        lines.append(_("No follow-up was set: none of the families linked is in your caseload."))
    await reply_with_case_details(update, context, "\n".join(lines))


# /conferences -----------------------------------------------------------------------------


async def list_conferences(update: Update, context: BotContext) -> None:
    """The latest conferences: the sender's own, or everyone's for coordinators."""
    await _show_conferences(update, context, 0)


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ / ▶ under the list."""
    await _show_conferences(update, context, ConferencesPage.read(update.callback_query.data).page)


async def _show_conferences(update: Update, context: BotContext, page: int) -> None:
    member = context.member
    everyone = sees_all_families(member.role)
    recorded_by = None if everyone else member.telegram_id
    conferences, total = await context.storage.conferences.recent(
        recorded_by, PAGE_SIZE, page * PAGE_SIZE
    )
    pages = page_count(total, PAGE_SIZE)
    if page >= pages and total:
        page = pages - 1
        conferences, total = await context.storage.conferences.recent(
            recorded_by, PAGE_SIZE, page * PAGE_SIZE
        )
    if not conferences:
        await show_page(update, _("No conferences recorded yet. /conference records one."), [])
        return
    heading = (
        _("<b>Latest conferences</b> ({count})")
        if everyone
        else _("<b>Your latest conferences</b> ({count})")
    ).format(count=total)
    if pages > 1:
        heading += " · " + _("page {page} of {pages}").format(page=page + 1, pages=pages)
    lines = [heading, *(conference_line(conference) for conference in conferences)]
    await show_page(
        update, "\n".join(lines), page_row(page, pages, lambda to: ConferencesPage(page=to))
    )


def handlers() -> list[BaseHandler]:
    typed = filters.TEXT & ~filters.COMMAND
    conference_dialog = dialog(
        entry_points=[command("conference", record_conference)],
        states={
            DAY: [
                CallbackQueryHandler(on_day, pattern=DayChosen.matches),
                MessageHandler(typed, on_day),
            ],
            KIND: [CallbackQueryHandler(on_kind, pattern=KindChosen.matches)],
            TEAMS: [
                CallbackQueryHandler(on_teams_done, pattern=TeamsDone.matches),
                CallbackQueryHandler(on_team, pattern=TeamToggled.matches),
            ],
            PARTNER: [
                CallbackQueryHandler(on_partner, pattern=PartnerSkipped.matches),
                CallbackQueryHandler(keep_partner_name, pattern=KeepPartnerName.matches),
                CallbackQueryHandler(edit_partner_name, pattern=EditPartnerName.matches),
                MessageHandler(typed, on_partner),
            ],
            FAMILIES: [
                CallbackQueryHandler(on_families, pattern=NoFamily.matches),
                MessageHandler(typed, on_families),
            ],
            TOPICS: [
                CallbackQueryHandler(on_topics_done, pattern=TopicsDone.matches),
                CallbackQueryHandler(on_topic, pattern=TopicToggled.matches),
            ],
            DURATION: [
                CallbackQueryHandler(on_duration, pattern=DurationChosen.matches),
                MessageHandler(typed, on_duration),
            ],
            AGREEMENTS: [
                CallbackQueryHandler(on_agreements, pattern=AgreementsSkipped.matches),
                CallbackQueryHandler(keep_agreements, pattern=KeepAgreements.matches),
                CallbackQueryHandler(edit_agreements, pattern=EditAgreements.matches),
                MessageHandler(typed, on_agreements),
            ],
            FOLLOW_UP: [
                CallbackQueryHandler(on_follow_up, pattern=FollowUpChosen.matches),
                CallbackQueryHandler(on_follow_up, pattern=NoFollowUp.matches),
                MessageHandler(typed, on_follow_up),
            ],
            CONFIRM: [CallbackQueryHandler(save_conference, pattern=SaveConference.matches)],
        },
        fallbacks=[
            command("cancel", cancel),
            CallbackQueryHandler(cancel, pattern=CancelConference.matches),
            MessageHandler(typed, use_buttons),
        ],
        name="conference",
    )
    return [
        conference_dialog,
        command("conferences", list_conferences),
        CallbackQueryHandler(turn_page, pattern=ConferencesPage.matches),
        CallbackQueryHandler(keep_recorded, pattern=KeepRecorded.matches),
        CallbackQueryHandler(edit_recorded, pattern=EditRecorded.matches),
    ]
