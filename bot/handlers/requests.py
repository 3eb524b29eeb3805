"""/interpreter, /requests and /cancelrequest: request an interpreter or a written
translation, priced and confirmed; see and cancel one's requests; reminders the day before."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta
from functools import partial
from typing import Annotated

from pydantic import AfterValidator, Field
from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.casework.families import FREQUENT_LANGUAGES, family_code
from bot.casework.followups import REMINDER_TIME
from bot.context import BotContext, Dialog, Services
from bot.core.callbacks import CallbackData
from bot.core.commands import CommandSpec
from bot.core.i18n import (
    _,
    current_locale,
    format_date,
    format_datetime,
    format_minutes,
    format_money,
    language_name,
    lazy_gettext,
)
from bot.core.names import find_language, search_languages
from bot.core.parsing import MAX_MINUTES, ParseError, parse_appointment_date, parse_duration
from bot.funds.funds import Fund, FundPurpose, later_funds, no_fund_text
from bot.handlers.common import (
    TownButton,
    act_in_cover,
    answered_town,
    audit_kept,
    button,
    cancel_row,
    command,
    dialog,
    end_dialog,
    find_family,
    find_request,
    held_button_expired,
    hold_back,
    load_family,
    not_understood,
    page_count,
    page_row,
    pressed_elsewhere,
    reach_of,
    remember_case_message,
    remove_buttons,
    reply,
    rows,
    run_each_morning,
    show,
    show_page,
    take_held,
    town_keyboard,
    use_buttons,
)
from bot.handlers.notices import (
    coordinators,
    notify,
    notify_fund_alert,
    notify_new_request,
    notify_requester,
)
from bot.interpreting.rates import (
    Rates,
    estimate,
    estimate_lines,
    request_cancellation_fee_cents,
)
from bot.interpreting.requests import (
    INTERPRETING_CHOICES,
    MAX_PAGES,
    OPEN,
    PAGE_CHOICES,
    InterpreterRequest,
    Mode,
    Purpose,
    RequestDraft,
    Status,
    TransitionRefused,
    join_clock_times,
    parse_interpreter,
    parse_pages,
    parse_professional_reason,
    parse_request_language,
    parse_start_time,
    parse_travel,
    refusal_text,
    request_details,
    request_line,
)
from bot.privacy.personal_data import HeldText, find_personal_data
from bot.staff.cover import cover_mark
from bot.staff.roles import CASEWORK_ROLES, MANAGING_ROLES, Reach

COMMANDS = (
    CommandSpec(
        "interpreter",
        lazy_gettext(
            "Request an interpreter or a translation: "
            "/interpreter F-0042 uk 03.12. 10:00 90m vor-ort Ahlen abh"
        ),
        CASEWORK_ROLES,
    ),
    CommandSpec(
        "requests",
        lazy_gettext("Interpreter requests: /requests [all | urgent | language]"),
        CASEWORK_ROLES | MANAGING_ROLES,
    ),
    CommandSpec(
        "cancelrequest",
        lazy_gettext("Cancel a request (coordinators and admins: any): /cancelrequest 12"),
        CASEWORK_ROLES | MANAGING_ROLES,
    ),
)


def _language_code(code: str) -> str:
    return parse_request_language(code)


# A request line is at most about 150 characters: twenty stay well within a message.
PAGE_SIZE = 20


class RequestsPage(CallbackData, prefix="requests"):
    """◀ / ▶ under /requests, with the filters it was asked with."""

    page: int = Field(ge=0, le=9999)
    closed_too: bool = False
    urgent: bool = False
    mine: bool = False
    language: Annotated[str, AfterValidator(_language_code)] | None = None


# The buttons of /interpreter, one kind per step.
class NoFamily(CallbackData, prefix="int:family:none"):
    pass


class FamilyChosen(CallbackData, prefix="int:family"):
    family_id: int = Field(ge=1, le=999_999_999)


class LanguageChosen(CallbackData, prefix="int:lang"):
    code: Annotated[str, AfterValidator(_language_code)]


class ModeChosen(CallbackData, prefix="int:mode"):
    mode: Mode


class MinutesChosen(CallbackData, prefix="int:minutes"):
    minutes: int = Field(ge=1, le=MAX_MINUTES)


class PagesChosen(CallbackData, prefix="int:pages"):
    pages: int = Field(ge=1, le=MAX_PAGES)


class TownChosen(TownButton, prefix="int:town"):
    pass


class PurposeChosen(CallbackData, prefix="int:purpose"):
    purpose: Purpose


class ConfirmRequest(CallbackData, prefix="int:confirm"):
    pass


class ChargeToFund(CallbackData, prefix="int:fund"):
    """A coordinator charges a request outside every fund's period to this later fund."""

    fund_id: int = Field(ge=1, le=999_999_999)


class CancelRequestDialog(CallbackData, prefix="int:cancel"):
    pass


# Under the estimate: ask for a professional where the pool would do; add travel time.
class AskProfessional(CallbackData, prefix="int:pro"):
    pass


class AddTravel(CallbackData, prefix="int:travel"):
    pass


# Save anyway and Edit under a reason for a professional held back for its personal data.
class KeepProfessionalReason(CallbackData, prefix="int:pro:keep"):
    token: int = Field(ge=0, le=999_999_999_999)


class EditProfessionalReason(CallbackData, prefix="int:pro:edit"):
    token: int = Field(ge=0, le=999_999_999_999)


FAMILY, LANGUAGE, MODE, WHEN, AMOUNT, PLACE, PURPOSE, CONFIRM, REASON, TRAVEL = range(10)
CANCEL = cancel_row(CancelRequestDialog())
RECENT_FAMILIES = 6
JOB_NAME = "interpreter reminders"


async def request_interpreter(update: Update, context: BotContext) -> int:
    """From the one-line form straight to the estimate, or step by step with buttons."""
    text = update.message.text.split(maxsplit=1)
    if len(text) == 2:
        try:
            draft = parse_interpreter(
                text[1], context.clock.today(), context.services.settings.towns
            )
            if draft.start is not None:
                _check_future(context, draft.starts_at(context.clock.tz))
        except ParseError as error:
            await reply(update, error.message)
            return ConversationHandler.END
        if draft.family_id and await load_family(update, context, draft.family_id) is None:
            return ConversationHandler.END
        context.user_data.new_request = Dialog(draft)
        reason, draft.professional_reason = draft.professional_reason, None
        if reason is not None:
            return await _take_professional_reason(update, context, reason)
        return await ask_confirmation(update, context)
    context.user_data.new_request = Dialog(RequestDraft())
    return await ask_family(update, context)


def _draft(context: BotContext) -> RequestDraft:
    return context.user_data.new_request.draft


async def ask_family(update: Update, context: BotContext) -> int:
    reach = await reach_of(context)
    families, _total = await context.storage.families.caseload(
        reach.case_managers, limit=RECENT_FAMILIES
    )
    keyboard = rows(
        [button(f"{f.code} · {f.town}", FamilyChosen(family_id=f.id)) for f in families], 2
    )
    keyboard.append([button(_("No family"), NoFamily()), *CANCEL])
    await show(
        update,
        _("Interpreter (1/7): for which family? Tap one, type its code, or tap No family."),
        keyboard,
    )
    return FAMILY


async def on_family(update: Update, context: BotContext) -> int:
    """A family button, No family, or a typed family code."""
    if update.callback_query:
        chosen = FamilyChosen.unpack(update.callback_query.data)
        family = None if chosen is None else await load_family(update, context, chosen.family_id)
        if chosen is not None and family is None:
            await update.callback_query.answer()
            return FAMILY
    else:
        family = await find_family(update, context, update.message.text.strip())
        if family is None:
            return FAMILY
    _draft(context).family_id = family.id if family else None
    return await ask_language(update, context, FREQUENT_LANGUAGES)


async def ask_language(update: Update, context: BotContext, choices: tuple[str, ...]) -> int:
    keyboard = rows([button(language_name(code), LanguageChosen(code=code)) for code in choices], 3)
    await show(
        update,
        _("Interpreter (2/7): which language? Tap one, or type a few letters of its name."),
        [*keyboard, CANCEL],
    )
    return LANGUAGE


async def on_language(update: Update, context: BotContext) -> int:
    """A language button, or typed letters that are searched in the user's language."""
    draft = _draft(context)
    if update.callback_query:
        draft.language = LanguageChosen.read(update.callback_query.data).code
    else:
        found = _search_languages(update.message.text)
        if not found:
            return await not_understood(
                update,
                LANGUAGE,
                _("No language matches “{text}”. Try the name in German or English.").format(
                    text=html.escape(update.message.text[:40])
                ),
            )
        if len(found) > 1:
            return await ask_language(update, context, tuple(found))
        draft.language = found[0]
    return await ask_mode(update, context)


async def ask_mode(update: Update, context: BotContext) -> int:
    keyboard = rows([button(mode.label, ModeChosen(mode=mode)) for mode in Mode], 2)
    await show(
        update,
        _("Interpreter (3/7): {language} – on site, by phone, by video, or written?").format(
            language=language_name(_draft(context).language)
        ),
        [*keyboard, CANCEL],
    )
    return MODE


async def on_mode(update: Update, context: BotContext) -> int:
    _draft(context).mode = ModeChosen.read(update.callback_query.data).mode
    return await ask_when(update, context)


async def ask_when(update: Update, context: BotContext) -> int:
    if _draft(context).mode is Mode.WRITTEN:
        text = _("Interpreter (4/7): by when is the translation needed? Example: 10.12.")
    else:
        text = _("Interpreter (4/7): date and start time? Example: 03.12. 10:00")
    await show(update, text, [CANCEL])
    return WHEN


async def on_when(update: Update, context: BotContext) -> int:
    """Typed date (and start time, for interpreting)."""
    draft = _draft(context)
    parts = join_clock_times(update.message.text).split()
    try:
        if not parts:
            raise ParseError(_("Please type a date. Example: 03.12. 10:00"))
        draft.day = parse_appointment_date(parts[0], context.clock.today())
        if draft.mode is not Mode.WRITTEN:
            if len(parts) < 2:
                raise ParseError(_("Please add the start time. Example: 03.12. 10:00"))
            draft.start = parse_start_time(parts[1])
            _check_future(context, datetime.combine(draft.day, draft.start, context.clock.tz))
    except ParseError as error:
        return await not_understood(update, WHEN, error.message)
    return await ask_amount(update, context)


async def ask_amount(update: Update, context: BotContext) -> int:
    if _draft(context).mode is Mode.WRITTEN:
        choices = [button(str(pages), PagesChosen(pages=pages)) for pages in PAGE_CHOICES]
        text = _("Interpreter (5/7): how many pages (about 30 lines each)? Tap or type a number.")
    else:
        choices = [
            button(format_minutes(minutes), MinutesChosen(minutes=minutes))
            for minutes in INTERPRETING_CHOICES
        ]
        text = _("Interpreter (5/7): how long will it take? Tap or type, e.g. 90m or 1,5h.")
    await show(update, text, [*rows(choices, 5), CANCEL])
    return AMOUNT


async def on_amount(update: Update, context: BotContext) -> int:
    """Duration (interpreting) or pages (written), tapped or typed."""
    draft = _draft(context)
    written = draft.mode is Mode.WRITTEN
    if update.callback_query:
        data = update.callback_query.data
        pressed = PagesChosen.unpack(data) if written else MinutesChosen.unpack(data)
        if pressed is None:
            return await not_understood(update, AMOUNT)
        if isinstance(pressed, PagesChosen):
            draft.pages = pressed.pages
        else:
            draft.minutes = pressed.minutes
    else:
        try:
            if written:
                draft.pages = parse_pages(update.message.text)
            else:
                draft.minutes = parse_duration(update.message.text)
        except ParseError as error:
            return await not_understood(update, AMOUNT, error.message)
    if draft.mode is Mode.ON_SITE:
        return await ask_town(update, context)
    return await ask_purpose(update, context)


async def ask_town(update: Update, context: BotContext) -> int:
    keyboard = town_keyboard(context, TownChosen)
    await show(update, _("Interpreter (6/7): in which town?"), [*keyboard, CANCEL])
    return PLACE


async def on_town(update: Update, context: BotContext) -> int:
    """A town button, or a typed town name."""
    try:
        town = answered_town(update, context, TownChosen)
    except ParseError as error:
        return await not_understood(update, PLACE, error.message)
    if town is None:
        return await not_understood(update, PLACE)
    _draft(context).town = town
    return await ask_purpose(update, context)


async def ask_purpose(update: Update, context: BotContext) -> int:
    keyboard = rows([button(p.label, PurposeChosen(purpose=p)) for p in Purpose], 3)
    await show(update, _("Interpreter (7/7): what is it for?"), [*keyboard, CANCEL])
    return PURPOSE


async def on_purpose(update: Update, context: BotContext) -> int:
    _draft(context).purpose = PurposeChosen.read(update.callback_query.data).purpose
    return await ask_confirmation(update, context)


def _search_languages(text: str) -> list[str]:
    """An exact code or name ("uk", "Dari"), else names starting with or containing the
    letters in the user's language, else in German or English."""
    code = find_language(text)
    if code is not None:
        return [code]
    for locale in dict.fromkeys([current_locale(), "de", "en"]):
        found = search_languages(text, locale)[:9]
        if found:
            return found
    return []


def _check_future(context: BotContext, starts_at: datetime) -> None:
    """Interpreting cannot be booked for a time that has passed."""
    if starts_at <= context.clock.now():
        raise ParseError(
            _("{when} has passed. Please give a time in the future.").format(
                when=format_datetime(starts_at)
            )
        )


async def ask_confirmation(update: Update, context: BotContext) -> int:
    """Show the request with its estimate and what the fund has left; ask to confirm."""
    new_request = context.user_data.new_request
    draft = new_request.draft
    rates = await _rates(context)
    cost = estimate(draft, rates)
    fund = await _charged_fund(context, draft)
    if fund is None:
        return await _refuse_without_fund(update, context)
    figures = await context.storage.funds.figures(fund, context.clock.today())
    lines = [
        _("<b>Please confirm this request</b>"),
        *request_details(draft, draft.starts_at(context.clock.tz)),
        "",
    ]
    if draft.purpose.needs_professional:
        lines.append(
            _(
                "The county's interpreter pool does not serve doctors, hospitals, "
                "psychotherapy or conversations with legal consequences: a professional "
                "interpreter is needed, estimated at the professional rate."
            )
        )
    elif cost.professional:
        lines.append(
            _(
                "A professional interpreter is asked for: estimated at the professional rate; "
                "the coordination sees the reason."
            )
        )
    lines.append(_("Estimated cost: {amount}").format(amount=format_money(cost.cents)))
    lines += estimate_lines(cost, rates.surcharge_percent)
    lines.append(
        _("Available in {fund} (until {end}): {amount}").format(
            fund=html.escape(fund.name),
            end=format_date(fund.ends_on),
            amount=format_money(figures.available_cents),
        )
    )
    if not fund.covers_day(draft.day):
        lines.append(
            _("⚠ {day} is outside the period of {fund}; it is charged to it as you chose.").format(
                day=format_date(draft.day), fund=html.escape(fund.name)
            )
        )
    if not figures.covers(cost.cents):
        lines.append(
            _(
                "⚠ The fund cannot cover this. If you confirm, the request is refused for now and "
                "the coordination decides whether to approve it as an overrun."
            )
        )
    if draft.urgent(context.clock.today()):
        lines.append(
            _("⚡ Less than 5 working days' notice: urgent, the coordination must approve it.")
        )
    extras = []
    if draft.mode is not Mode.WRITTEN and not draft.professional:
        extras.append(button(_("Ask for a professional"), AskProfessional()))
    if draft.mode is Mode.ON_SITE and draft.professional:
        extras.append(button(_("Travel time"), AddTravel()))
    keyboard = [extras] if extras else []
    keyboard.append([button(_("Confirm"), ConfirmRequest()), *CANCEL])
    new_request.confirm_message_id = await show(update, "\n".join(lines), keyboard)
    return CONFIRM


async def on_ask_professional(update: Update, context: BotContext) -> int:
    """Ask for a professional interpreter under the estimate: the reason comes next."""
    if await pressed_elsewhere(update, context.user_data.new_request.confirm_message_id):
        return CONFIRM
    return await ask_professional_reason(update, context)


async def ask_professional_reason(update: Update, context: BotContext) -> int:
    await show(
        update,
        _(
            "Why a professional interpreter rather than the county's pool? Please type the "
            "reason, without names or other personal data. Example: Dialekt, der Pool hat "
            "niemanden"
        ),
        [CANCEL],
    )
    return REASON


async def on_professional_reason(update: Update, context: BotContext) -> int:
    """The typed reason; one that seems to contain personal data waits for Save anyway or
    Edit, and the dialog stays here."""
    try:
        reason = parse_professional_reason(update.message.text)
    except ParseError as error:
        return await not_understood(update, REASON, error.message)
    return await _take_professional_reason(update, context, reason)


async def _take_professional_reason(update: Update, context: BotContext, reason: str) -> int:
    found = find_personal_data(reason, context.clock.today(), allow_family_codes=True)
    if found:
        token = update.message.message_id
        held = HeldText(token, tuple(found), reason)
        await hold_back(
            update,
            context,
            held,
            KeepProfessionalReason(token=token),
            EditProfessionalReason(token=token),
        )
        return REASON
    _draft(context).professional_reason = reason
    return await ask_confirmation(update, context)


async def keep_professional_reason(update: Update, context: BotContext) -> int:
    """Save anyway under a held reason: it goes into the draft, and the estimate is shown."""
    token = KeepProfessionalReason.read(update.callback_query.data).token
    held = take_held(context, token, str)
    if held is None:
        await held_button_expired(update)
        return REASON
    draft = _draft(context)
    draft.professional_reason = held.record
    code = family_code(draft.family_id) if draft.family_id else None
    await audit_kept(context, "request.professional_reason_kept", held, code)
    return await ask_confirmation(update, context)


async def edit_professional_reason(update: Update, context: BotContext) -> int:
    """Edit under a held reason: it is forgotten and asked for again."""
    token = EditProfessionalReason.read(update.callback_query.data).token
    if take_held(context, token, str) is None:
        await held_button_expired(update)
        return REASON
    return await ask_professional_reason(update, context)


async def ask_travel(update: Update, context: BotContext) -> int:
    """A professional's travel time, billed with the appointment instead of the flat fee."""
    if await pressed_elsewhere(update, context.user_data.new_request.confirm_message_id):
        return CONFIRM
    await show(
        update,
        _(
            "How long does the interpreter travel, there and back? It is billed with the "
            "appointment instead of the travel flat fee. Type it, e.g. 45m or 1,5h."
        ),
        [CANCEL],
    )
    return TRAVEL


async def on_travel(update: Update, context: BotContext) -> int:
    try:
        _draft(context).travel_minutes = parse_travel(update.message.text.strip())
    except ParseError as error:
        return await not_understood(update, TRAVEL, error.message)
    return await ask_confirmation(update, context)


async def _rates(context: BotContext) -> Rates:
    return await context.storage.funds.rates(context.services.base_rates)


async def _charged_fund(context: BotContext, draft: RequestDraft) -> Fund | None:
    """The translation fund whose period holds the appointment (or the deadline), or the
    one a coordinator chose for it; None: no fund covers that day."""
    if draft.fund_id is not None:
        return await context.storage.funds.get(draft.fund_id)
    return await context.storage.funds.covering(FundPurpose.TRANSLATION, draft.day)


async def _refuse_without_fund(update: Update, context: BotContext) -> int:
    """No translation fund covers the day: say which periods there are. A coordinator may
    charge it to a later fund anyway; anyone else is told to ask the coordination."""
    draft = context.user_data.new_request.draft
    funds = await context.storage.funds.all()
    lines = [no_fund_text(FundPurpose.TRANSLATION, draft.day, funds)]
    later = later_funds(funds, FundPurpose.TRANSLATION, draft.day)
    if context.member.role in MANAGING_ROLES and later:
        lines.append(_("You may charge it to a later fund anyway:"))
        keyboard = [
            [button(_("Charge to {fund}").format(fund=fund.name), ChargeToFund(fund_id=fund.id))]
            for fund in later
        ]
        context.user_data.new_request.confirm_message_id = await show(
            update, "\n".join(lines), [*keyboard, CANCEL]
        )
        return CONFIRM
    if context.member.role in MANAGING_ROLES:
        lines.append(
            _("An admin creates the next fund with /fund next; the request is then charged to it.")
        )
    else:
        lines.append(
            _(
                "Nothing was stored. Please ask the coordination: they can book it against a "
                "later fund."
            )
        )
    context.user_data.new_request = None
    await show(update, "\n".join(lines), [])
    return ConversationHandler.END


async def on_charge_to_fund(update: Update, context: BotContext) -> int:
    """A coordinator charges a request outside every fund's period to a later fund."""
    new_request = context.user_data.new_request
    if await pressed_elsewhere(update, new_request.confirm_message_id):
        return CONFIRM
    chosen = ChargeToFund.read(update.callback_query.data)
    fund = await context.storage.funds.get(chosen.fund_id)
    if (
        context.member.role not in MANAGING_ROLES
        or fund is None
        or fund.purpose is not FundPurpose.TRANSLATION
    ):
        return await not_understood(update, CONFIRM)
    new_request.draft.fund_id = fund.id
    return await ask_confirmation(update, context)


async def confirm(update: Update, context: BotContext) -> int:
    """Store the request and commit its estimate, atomically against the fund."""
    query = update.callback_query
    new_request = context.user_data.new_request
    if await pressed_elsewhere(update, new_request.confirm_message_id):
        return CONFIRM
    draft = new_request.draft
    fund = await _charged_fund(context, draft)
    if fund is None:
        # The fund's period changed since the estimate was shown.
        return await _refuse_without_fund(update, context)
    await query.answer()
    # Access is checked again at Confirm (a cover may have ended since the family was chosen);
    # this also records the request as made in cover where it is.
    if draft.family_id and await load_family(update, context, draft.family_id) is None:
        context.user_data.new_request = None
        return ConversationHandler.END
    now = context.clock.now()
    if draft.start is not None:
        try:
            _check_future(context, draft.starts_at(context.clock.tz))
        except ParseError as error:
            await reply(update, error.message)
            return CONFIRM
    cost = estimate(draft, await _rates(context))
    submission = await context.storage.requests.submit(
        draft,
        draft.starts_at(context.clock.tz),
        context.member.telegram_id,
        fund,
        cost.cents,
        cost.professional,
        draft.urgent(context.clock.today()),
        now,
        (query.message.chat.id, query.message.message_id),
    )
    context.user_data.new_request = None
    await remove_buttons(query)
    # The confirmation shows the request's details: it leaves the chat like them.
    await remember_case_message(context, query.message)
    if not submission.created:
        return ConversationHandler.END
    request = submission.request
    if not fund.covers_day(draft.day):
        await context.storage.audit.record(
            "request.outside_period", now, context.member.telegram_id, str(request.id),
            str(fund.id),
        )  # fmt: skip
    figures = await context.storage.funds.figures(fund, context.clock.today())
    if request.status is Status.OVER_BUDGET:
        await reply(
            update,
            _(
                "Request #{id} is refused for now: the fund has {available} available, the "
                "estimate is {estimate}. The coordination has been asked whether to approve it "
                "as an overrun."
            ).format(
                id=request.id,
                available=format_money(figures.available_cents),
                estimate=format_money(request.estimate_cents),
            ),
        )
    else:
        await reply(
            update,
            _(
                "Request #{id} submitted; {estimate} are reserved in the fund ({available} "
                "still available). You will be told when the coordination has decided."
            ).format(
                id=request.id,
                estimate=format_money(request.estimate_cents),
                available=format_money(figures.available_cents),
            ),
        )
    await notify_new_request(context, request)
    await notify_fund_alert(context, submission.alert)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.new_request = None
    return await end_dialog(update)


async def list_requests(update: Update, context: BotContext) -> None:
    """One's own requests; coordinators and admins all open ones; filters narrow it."""
    listing = RequestsPage(page=0)
    for word in (arg.lower() for arg in context.args):
        if word in {"all", "alle"}:
            listing = listing.model_copy(update={"closed_too": True})
        elif word in {"urgent", "dringend"}:
            listing = listing.model_copy(update={"urgent": True})
        elif word in {"mine", "meine"}:
            listing = listing.model_copy(update={"mine": True})
        else:
            try:
                language = parse_request_language(word)
            except ParseError as error:
                await reply(update, error.message)
                return
            listing = listing.model_copy(update={"language": language})
    await _show_requests(update, context, listing)


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ / ▶ under a list of requests."""
    await _show_requests(update, context, RequestsPage.read(update.callback_query.data))


async def _show_requests(update: Update, context: BotContext, listing: RequestsPage) -> None:
    reach = await reach_of(context)
    requests, total = await _listed(context, reach, listing)
    if not total:
        await show_page(update, _("No interpreter requests match."), [])
        return
    pages = page_count(total, PAGE_SIZE)
    if listing.page >= pages:
        # A ▶ from before the list shrank (or a forged one): its last page, not an empty one.
        listing = listing.model_copy(update={"page": pages - 1})
        requests, total = await _listed(context, reach, listing)
        pages = page_count(total, PAGE_SIZE)
    names = await context.storage.staff.names(sorted(reach.covering))
    lines = [_("<b>Interpreter requests</b>")]
    for request in requests:
        line = request_line(request, context.clock.local(request.starts_at))
        if request.requested_by in reach.covering:
            line += " · " + cover_mark(names, request.requested_by)
        lines.append(line)
    if pages > 1:
        lines.append(_("Page {page} of {pages}").format(page=listing.page + 1, pages=pages))
    navigation = page_row(listing.page, pages, lambda to: listing.model_copy(update={"page": to}))
    await show_page(update, "\n".join(lines), navigation)


async def _listed(
    context: BotContext, reach: Reach, listing: RequestsPage
) -> tuple[list[InterpreterRequest], int]:
    """The requests of one page of `listing` and how many match it."""
    # "Mine" for a coordinator; a case manager's, and under a cover also the colleague's.
    requested_by = reach.case_managers
    if listing.mine and requested_by is None:
        requested_by = (reach.staff_id,)
    return await context.storage.requests.listed(
        requested_by,
        tuple(Status) if listing.closed_too else OPEN,
        listing.language,
        limit=PAGE_SIZE,
        offset=listing.page * PAGE_SIZE,
        urgent_only=listing.urgent,
    )


async def cancel_request(update: Update, context: BotContext) -> None:
    """The requester, a coordinator or an admin cancels; late, a booked one costs a fee."""
    request = await find_request(update, context, context.args[0] if context.args else None)
    if request is None:
        return
    member = context.member
    reach = await reach_of(context)
    if not reach.sees(request.requested_by):
        await reply(
            update,
            _(
                "Only the person who made request #{id}, a coordinator or an admin can cancel it."
            ).format(id=request.id),
        )
        return
    act_in_cover(context, reach, request.requested_by)
    now = context.clock.now()
    rates = await _rates(context)
    fee = request_cancellation_fee_cents(request, now, rates, context.clock.tz)
    try:
        change = await context.storage.requests.cancel(request.id, fee, member.telegram_id, now)
    except TransitionRefused as refused:
        await reply(update, refusal_text(refused.request))
        return
    cancelled = change.request
    fee = cancelled.spent_cents
    if fee:
        text = _(
            "Request #{id} cancelled. It was booked and is cancelled on the day of the "
            "appointment or in the {days} days before: a cancellation fee of {fee} (the "
            "booked time, at most {hours} hours) is charged to the fund."
        )
    else:
        text = _("Request #{id} cancelled; its reservation of {amount} is released.")
    await reply(
        update,
        text.format(
            id=cancelled.id,
            days=rates.late_cancel_days,
            fee=format_money(fee),
            hours=rates.late_cancel_hours,
            amount=format_money(request.committed_cents),
        ),
    )
    name = html.escape(member.handle)
    if fee:
        told = lazy_gettext(
            "Your interpreter request #{id} was cancelled by {name}; a cancellation fee of "
            "{fee} is charged to the fund."
        )
    else:
        told = lazy_gettext("Your interpreter request #{id} was cancelled by {name}.")
    await notify_requester(context, cancelled, told, name=name, fee=lambda: format_money(fee))
    await notify(
        context,
        [c for c in await coordinators(context) if c.telegram_id != cancelled.requested_by],
        lambda: _("Interpreter request #{id} was cancelled by {name}.").format(
            id=cancelled.id, name=name
        ),
    )
    await notify_fund_alert(context, change.alert)


async def send_reminders(context: BotContext) -> None:
    """The day before, remind each requester of their approved appointment, once."""
    services: Services = context.bot_data
    storage, clock = services.storage, services.clock
    now = clock.now()
    local_now = clock.local(now)
    # From 08:00 on, tomorrow's appointments; before 08:00 (catching up), today's.
    days_ahead = 2 if local_now.time() >= REMINDER_TIME else 1
    until = datetime.combine(local_now.date() + timedelta(days=days_ahead), time(0), clock.tz)
    for request in await storage.requests.starting_between(now, until):
        requester = await storage.staff.get(request.requested_by)
        if requester is not None and requester.active:
            reminder = partial(_reminder, request, clock.local(request.starts_at))
            await notify(context, [requester], reminder, case_details=True)
        await storage.requests.mark_reminded(request.id, now)


def _reminder(request: InterpreterRequest, local_start: datetime) -> str:
    return "\n".join(
        [
            _("Reminder: interpreter request #{id} is coming up.").format(id=request.id),
            *request_details(request, local_start),
        ]
    )


def schedule_reminders(application: Application) -> None:
    run_each_morning(application, send_reminders, REMINDER_TIME, JOB_NAME)


def handlers() -> list[BaseHandler]:
    typed = filters.TEXT & ~filters.COMMAND
    return [
        dialog(
            entry_points=[command("interpreter", request_interpreter)],
            states={
                FAMILY: [
                    CallbackQueryHandler(on_family, pattern=NoFamily.matches),
                    CallbackQueryHandler(on_family, pattern=FamilyChosen.matches),
                    MessageHandler(typed, on_family),
                ],
                LANGUAGE: [
                    CallbackQueryHandler(on_language, pattern=LanguageChosen.matches),
                    MessageHandler(typed, on_language),
                ],
                MODE: [CallbackQueryHandler(on_mode, pattern=ModeChosen.matches)],
                WHEN: [MessageHandler(typed, on_when)],
                AMOUNT: [
                    CallbackQueryHandler(on_amount, pattern=MinutesChosen.matches),
                    CallbackQueryHandler(on_amount, pattern=PagesChosen.matches),
                    MessageHandler(typed, on_amount),
                ],
                PLACE: [
                    CallbackQueryHandler(on_town, pattern=TownChosen.matches),
                    MessageHandler(typed, on_town),
                ],
                PURPOSE: [CallbackQueryHandler(on_purpose, pattern=PurposeChosen.matches)],
                CONFIRM: [
                    CallbackQueryHandler(confirm, pattern=ConfirmRequest.matches),
                    CallbackQueryHandler(on_ask_professional, pattern=AskProfessional.matches),
                    CallbackQueryHandler(ask_travel, pattern=AddTravel.matches),
                    CallbackQueryHandler(on_charge_to_fund, pattern=ChargeToFund.matches),
                ],
                REASON: [
                    MessageHandler(typed, on_professional_reason),
                    CallbackQueryHandler(
                        keep_professional_reason, pattern=KeepProfessionalReason.matches
                    ),
                    CallbackQueryHandler(
                        edit_professional_reason, pattern=EditProfessionalReason.matches
                    ),
                ],
                TRAVEL: [MessageHandler(typed, on_travel)],
            },
            fallbacks=[
                command("cancel", cancel),
                CallbackQueryHandler(cancel, pattern=CancelRequestDialog.matches),
                MessageHandler(typed, use_buttons),
            ],
            name="interpreter",
        ),
        command("requests", list_requests),
        CallbackQueryHandler(turn_page, pattern=RequestsPage.matches),
        command("cancelrequest", cancel_request),
    ]
