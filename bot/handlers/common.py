"""Small pieces every handler module uses."""

from __future__ import annotations

import contextlib
import html
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, BaseHandler, CommandHandler, ConversationHandler, filters
from telegram.warnings import PTBUserWarning

from bot.casework.families import (
    FREQUENT_LANGUAGES,
    Family,
    family_code,
    parse_family_code,
    parse_languages,
    parse_town,
    toggle_language,
)
from bot.context import BotContext
from bot.core.callbacks import CallbackData, LanguageCode
from bot.core.i18n import _, format_date, language_name
from bot.core.parsing import ParseError
from bot.core.telegram_rules import TelegramRefusal, check_text
from bot.delivery.outbox import ReplyQueued, showing_case_details
from bot.interpreting.requests import InterpreterRequest
from bot.privacy.personal_data import HeldText, audit_detail, held_back_warning
from bot.privacy.traces import kept
from bot.reporting.figures import PEOPLE_SHOWN, figures_text
from bot.reporting.periods import Period
from bot.staff.roles import Reach, Role, may_see_family
from bot.storage import Storage

log = logging.getLogger(__name__)

Callback = Callable[[Update, BotContext], Awaitable[Any]]
# A dialog's state: the step it waits in.
State = TypeVar("State")
Item = TypeVar("Item")
Pressed = TypeVar("Pressed", bound=CallbackData)
Answer = TypeVar("Answer")
Record = TypeVar("Record")


def run_each_morning(
    application: Application, callback: Callable[[BotContext], Awaitable[None]], at: time, name: str
) -> None:
    """Run `callback` every day at `at` local time, and once now to catch up after a restart
    (the callback must tell nobody twice)."""
    tz = application.bot_data.clock.tz
    application.job_queue.run_daily(callback, at.replace(tzinfo=tz), name=name)
    application.job_queue.run_once(callback, 0, name=f"{name} (catch-up)")


def command(name: str, callback: Callback) -> CommandHandler:
    """A command handler for new messages only: an edited command must not run twice."""
    return CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE)


async def reply(update: Update, text: str, **kwargs: Any) -> None:
    """Answer in the chat the update came from (message or button press).

    An answer Telegram cannot take now waits in the outbox (ReplyQueued): the handler goes
    on, so that what follows the reply (notices, traces, dialog state) still happens.
    """
    message = update.effective_message
    if message is not None:
        with contextlib.suppress(ReplyQueued):
            await message.reply_text(text, **kwargs)


async def reply_with_case_details(
    update: Update, context: BotContext, text: str, **kwargs: Any
) -> Message | None:
    """Answer with a message that shows case details: it leaves the chat after
    CHAT_RETENTION_HOURS (see `remember_case_message`; a reply from the outbox is
    remembered when it is delivered)."""
    message = update.effective_message
    if message is None:
        return None
    try:
        with showing_case_details():
            sent = await message.reply_text(text, **kwargs)
    except ReplyQueued:
        return None
    await remember_case_message(context, sent)
    return sent


async def remember_case_message(context: BotContext, message: Message | None) -> None:
    """Mark a message of the bot as showing case details (a family card, a note, request
    details, a data export): the deletion job removes it from the chat after
    CHAT_RETENTION_HOURS, so that Telegram does not keep case details for ever."""
    if message is None or kept(context.services.settings.chat_retention_hours):
        return
    # Telegram's 48 hours count from when it sent the message (its date), not from an edit
    # that showed the details later, such as a dialog's Save.
    await context.storage.traces.remember(message.chat_id, message.message_id, message.date)


def dialog(
    entry_points: list[BaseHandler],
    states: dict[object, list[BaseHandler]],
    fallbacks: list[BaseHandler],
    name: str,
) -> ConversationHandler:
    """A guided dialog, one per person (private chats only), restartable with its command."""
    with warnings.catch_warnings():
        # The warning says button presses are tracked per chat, not per message: that is
        # what a one-person dialog in a private chat wants.
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states=states,
            fallbacks=fallbacks,
            name=name,
            allow_reentry=True,
        )


async def end_dialog(update: Update) -> int:
    """Say that the dialog was left and nothing stored; the caller forgets its answers."""
    text = _("Cancelled. Nothing was stored.")
    if update.callback_query:
        await update.callback_query.answer()
        await edit_text(update.callback_query, text)
    else:
        await reply(update, text)
    return ConversationHandler.END


async def use_buttons(update: Update, context: BotContext) -> None:
    """Text where a dialog expects a button."""
    await reply(update, _("Please use the buttons above, or /cancel to stop."))


async def not_understood(update: Update, state: State, why: str | None = None) -> State:
    """An answer a dialog step cannot use: say why, and stay in the step.

    A typed answer gets `why` as a reply; a button gets it as a pop-up, and a button that no
    current keyboard offers (`why` None) is told it is no longer active.
    """
    query = update.callback_query
    if query is not None:
        await query.answer(why or _("This button is no longer active."), show_alert=True)
    elif why is not None:
        await reply(update, why)
    return state


def _unchanged(error: BadRequest) -> bool:
    return "not modified" in error.message.lower()


def _shows_already(
    query: CallbackQuery, text: str | None, markup: InlineKeyboardMarkup | None
) -> bool:
    """Whether the pressed message already shows `text` (None: any text) and `markup`, as
    it came with the press: Telegram would refuse the edit as changing nothing."""
    message = query.message
    if not isinstance(message, Message) or _rows(message.reply_markup) != _rows(markup):
        return False
    if text is None:
        return True
    try:
        shown = check_text(text, ParseMode.HTML)
    except TelegramRefusal:
        return False  # Telegram's answer will say what is wrong
    entities = {(entity.type, entity.offset, entity.length) for entity in message.entities}
    return message.text == shown.text and entities == {
        (entity.kind, entity.offset, entity.length) for entity in shown.entities
    }


def _rows(markup: InlineKeyboardMarkup | None) -> list[Any]:
    return (markup.to_dict() if markup else {}).get("inline_keyboard") or []


async def edit_text(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Show `text` in the pressed message. An edit that changes nothing (a second press of
    the same button) is not sent: Telegram refuses it, and the message shows it already."""
    if _shows_already(query, text, markup):
        return
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except ReplyQueued:
        pass  # the edit is made from the outbox
    except BadRequest as error:
        # Two quick presses both arrive showing the message before the first edit.
        if not _unchanged(error):
            raise


async def remove_buttons(query: CallbackQuery) -> None:
    """Take the buttons off the pressed message, unless they are gone already."""
    if _shows_already(query, None, None):
        return
    try:
        await query.edit_message_reply_markup(None)
    except ReplyQueued:
        pass  # the edit is made from the outbox
    except BadRequest as error:
        if not _unchanged(error):
            raise


def button(label: str, data: CallbackData) -> InlineKeyboardButton:
    """A button whose payload the typed callback codec builds (and checks: 64 bytes)."""
    return InlineKeyboardButton(label, callback_data=data.pack())


async def hold_back(
    update: Update,
    context: BotContext,
    held: HeldText[object],
    keep: CallbackData,
    edit: CallbackData,
) -> None:
    """Say what personal data a text seems to contain and keep it, in memory only, until
    Save anyway (`keep`) or Edit (`edit`) is pressed; a newer held text replaces it."""
    context.user_data.held_text = held
    keyboard = InlineKeyboardMarkup([[button(_("Save anyway"), keep), button(_("Edit"), edit)]])
    await reply(update, held_back_warning(held.found), reply_markup=keyboard)


def take_held(context: BotContext, token: int, kind: type[Record]) -> HeldText[Record] | None:
    """The held text a Save anyway or Edit button belongs to, forgotten as it is taken; None
    for the button of an older warning (or of one already decided)."""
    held = context.user_data.held_text
    if held is None or held.token != token or not isinstance(held.record, kind):
        return None
    context.user_data.held_text = None
    return held  # type: ignore[return-value]


async def audit_kept(
    context: BotContext, action: str, held: HeldText[object], subject: str | None = None
) -> None:
    """Who saved a text despite the warning, and what kind of data it held; never the text."""
    await context.storage.audit.record(
        action,
        context.clock.now(),
        context.member.telegram_id,
        subject=subject,
        detail=audit_detail(held.found),
    )


async def held_button_expired(update: Update) -> None:
    """A Save anyway or Edit of an older warning: nothing happens, and the buttons go."""
    query = update.callback_query
    await query.answer(_("This button is no longer active."), show_alert=True)
    await remove_buttons(query)


def cancel_row(cancel: CallbackData) -> list[InlineKeyboardButton]:
    """The row with a dialog's Cancel button."""
    return [button(_("Cancel"), cancel)]


def rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


class TownButton(CallbackData):
    """A town of the county as a dialog's button; each dialog subclasses it with a prefix."""

    town: str


class LanguageButton(CallbackData):
    """A language to add or take away in a dialog; each dialog subclasses it with a prefix."""

    code: LanguageCode


def language_keyboard(
    chosen: tuple[str, ...],
    toggled: type[LanguageButton],
    done: CallbackData,
    cancel: list[InlineKeyboardButton],
) -> list[list[InlineKeyboardButton]]:
    """The frequent languages and those chosen (✓), three in a row; then Done and Cancel."""
    choices = list(dict.fromkeys([*FREQUENT_LANGUAGES, *chosen]))
    keyboard = rows(
        [
            button(("✓ " if code in chosen else "") + language_name(code), toggled(code=code))
            for code in choices
        ],
        3,
    )
    keyboard.append([button(_("Done"), done), *cancel])
    return keyboard


async def toggled_languages(
    update: Update, chosen: tuple[str, ...], toggled: type[LanguageButton]
) -> tuple[str, ...]:
    """The languages after a button added or took one away, or typed ones were added (a
    typing mistake is said, and nothing changes)."""
    if update.callback_query:
        return toggle_language(chosen, toggled.read(update.callback_query.data).code)
    try:
        typed = parse_languages(update.message.text)
    except ParseError as error:
        await reply(update, error.message)
        return chosen
    return tuple(dict.fromkeys([*chosen, *typed]))


def town_keyboard(
    context: BotContext, pressed: type[TownButton]
) -> list[list[InlineKeyboardButton]]:
    """The configured towns as buttons, three in a row."""
    towns = context.services.settings.towns
    return rows([button(town, pressed(town=town)) for town in towns], 3)


def answered(
    update: Update,
    pressed: type[Pressed],
    value_of: Callable[[Pressed], Answer],
    parse: Callable[[str], Answer],
) -> Answer:
    """The answer to a dialog step that takes a button or typed text: the value of the
    pressed button, or what `parse` reads from the text (raising ParseError, with an
    example, for text that is no answer)."""
    if update.callback_query is not None:
        return value_of(pressed.read(update.callback_query.data))
    return parse(update.message.text)


def answered_town(update: Update, context: BotContext, pressed: type[TownButton]) -> str | None:
    """The town of a town button or of a typed name; None for a button of no configured town.

    Raises ParseError, with an example, for a typed name that is no town of the county.
    """
    towns = context.services.settings.towns
    town = answered(
        update, pressed, lambda button: button.town, lambda text: parse_town(text, towns)
    )
    return town if town in towns else None


def page_count(total: int, page_size: int) -> int:
    return max(1, -(-total // page_size))


def page_of(items: Sequence[Item], page: int, page_size: int) -> tuple[Sequence[Item], int, int]:
    """The items of one page, that page (the last one if it is beyond), and the page count.

    Lists are paged so that a message stays within Telegram's 4,096 characters.
    """
    pages = page_count(len(items), page_size)
    page = min(page, pages - 1)
    return items[page * page_size : (page + 1) * page_size], page, pages


def page_row(
    page: int, pages: int, to_page: Callable[[int], CallbackData]
) -> list[InlineKeyboardButton]:
    """◀ and ▶ under a long list, each where there is a page to turn to."""
    navigation = []
    if page > 0:
        navigation.append(button("◀", to_page(page - 1)))
    if page + 1 < pages:
        navigation.append(button("▶", to_page(page + 1)))
    return navigation


async def show_page(update: Update, text: str, navigation: list[InlineKeyboardButton]) -> None:
    """A page of a list: a new message for the command, the same message edited on ◀ / ▶."""
    markup = InlineKeyboardMarkup([navigation]) if navigation else None
    query = update.callback_query
    if query is not None:
        await query.answer()
        await edit_text(query, text, markup)
    else:
        await reply(update, text, reply_markup=markup)


async def show(update: Update, text: str, keyboard: list[list[InlineKeyboardButton]]) -> int:
    """Show a dialog step: edit the message whose button was pressed, or answer a message.

    Returns the id of the message that shows the step, so a dialog can tell its current
    buttons from those of an older message.
    """
    markup = InlineKeyboardMarkup(keyboard) if keyboard else None
    query = update.callback_query
    if query is not None:
        await query.answer()
        await edit_text(query, text, markup)
        return query.message.message_id
    message = await update.effective_message.reply_text(text, reply_markup=markup)
    return message.message_id


async def pressed_elsewhere(update: Update, current_message_id: int | None) -> bool:
    """A button of an older dialog message was pressed: say so instead of acting on it."""
    if update.callback_query.message.message_id == current_message_id:
        return False
    await update.callback_query.answer(_("This button is no longer active."), show_alert=True)
    return True


async def find_family(
    update: Update, context: BotContext, code: str, *, active: bool = False
) -> Family | None:
    """The family with this code if the sender may work with it; otherwise say why not."""
    try:
        family_id = parse_family_code(code)
    except ParseError as error:
        await reply(update, error.message)
        return None
    return await load_family(update, context, family_id, active=active)


async def load_family(
    update: Update, context: BotContext, family_id: int, *, active: bool = False
) -> Family | None:
    """The family if the sender may work with it; otherwise say why not and return None.

    With `active`, a closed family is refused too (nothing can be recorded for it).
    """
    family = await context.storage.families.get(family_id)
    member = context.member
    if family is None:
        await reply(
            update,
            _("There is no family {code}. /families lists your families.").format(
                code=family_code(family_id)
            ),
        )
        return None
    if may_see_family(member.role, member.telegram_id, family.case_manager_id):
        # Their own family, or everyone's: no cover to look up (or to audit).
        reach = Reach(member.role, member.telegram_id)
    else:
        reach = await reach_of(context)
    if not reach.sees(family.case_manager_id):
        await context.storage.audit.record(
            "family.denied", context.clock.now(), member.telegram_id, family.code
        )
        await reply(
            update,
            _(
                "{code} is not in your caseload. If it should be, ask the coordination to "
                "transfer it to you."
            ).format(code=family.code),
        )
        return None
    if active and not family.active:
        await reply(
            update,
            _("{code} was closed on {date}. Nothing can be recorded for a closed family.").format(
                code=family.code, date=format_date(family.closed_on)
            ),
        )
        return None
    act_in_cover(context, reach, family.case_manager_id)
    return family


async def reach_of(context: BotContext) -> Reach:
    """Whose families the sender works with today: a case manager's own, and those of the
    colleagues they cover for today (the dates are checked at each use)."""
    member = context.member
    covering: frozenset[int] = frozenset()
    if member.role is Role.CASE_MANAGER:
        covering = await context.storage.cover.covered_by(member.telegram_id, context.clock.today())
    return Reach(member.role, member.telegram_id, covering)


def act_in_cover(context: BotContext, reach: Reach, responsible_id: int) -> None:
    """What the sender does next for this colleague's family or request is audited as done in
    cover for them, if only a cover lets them."""
    absent = reach.in_cover_for(responsible_id)
    if absent is not None:
        context.storage.audit.act_in_cover(reach.staff_id, absent)


async def find_request(
    update: Update, context: BotContext, text: str | None
) -> InterpreterRequest | None:
    """The request a typed number (12 or #12) names; otherwise say there is none."""
    request = None
    if text is not None and text.lstrip("#").isascii() and text.lstrip("#").isdigit():
        number = text.lstrip("#")
        request = await context.storage.requests.get(int(number)) if len(number) <= 9 else None
    if request is None:
        await reply(
            update,
            _("There is no request “{text}”. /requests lists them.").format(
                text=html.escape((text or "")[:20])
            ),
        )
    return request


async def period_report(
    storage: Storage, tz: ZoneInfo, period: Period, staff_id: int | None
) -> str:
    """The report of a period: the county's with each person's share, or one person's."""
    people = PEOPLE_SHOWN if staff_id is None else 0
    current, previous = await storage.figures.periods(
        [bounds(period, tz), bounds(period.previous(), tz)], staff_id, people
    )
    if staff_id is None:
        return figures_text(
            period, current, previous, _("KIM figures, whole county"), per_person=True
        )
    # A person's figures count the conferences they recorded.
    return figures_text(period, current, previous, _("Your figures"))


def bounds(period: Period, tz: ZoneInfo) -> tuple[Period, datetime, datetime]:
    """A period with its bounds as instants: local midnight of its first day and of the day
    after its last."""
    return (
        period,
        datetime.combine(period.start, time(0), tz),
        datetime.combine(period.end, time(0), tz),
    )
