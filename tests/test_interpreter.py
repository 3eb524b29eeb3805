"""Interpreter requests through the bot: priced, confirmed against the fund, decided,
invoiced or cancelled, reminded; and /budget, /fund and /rates."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest
from telegram import Update

from bot.core.config import Settings
from bot.core.i18n import format_minutes, language_name, use_locale
from bot.core.offline import BotCall, Person
from bot.funds.funds import FundFigures
from bot.handlers.requests import JOB_NAME
from bot.interpreting.requests import INTERPRETER_EXAMPLE, Mode, Purpose
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR, START
from tests.helpers.dates import berlin
from tests.helpers.harness import BotHarness, FakeTime, only_text, texts
from tests.helpers.texts import de, german_label, in_locale, money

SECOND_COORDINATOR = Person(1005, "Leyla", "leyla_koord", "uk")
FUND_NAME = "Übersetzung/Dolmetschen"

# Thursday 3 December, 10:00: seven working days ahead. Pool rate, 3 half hours + travel.
ON_SITE = "/interpreter F-0001 uk 03.12. 10:00 90m vor-ort Ahlen Ausländerbehörde"  # 70,00 €
PHONE = "/interpreter uk 03.12. 10:00 60m telefon abh"  # 30,00 €
DOCTOR = "/interpreter ar 03.12. 10:00 90m telefon arzt"  # professional: 127,50 €

POOL_NOTE = (
    "The county's interpreter pool does not serve doctors, hospitals, psychotherapy or "
    "conversations with legal consequences: a professional interpreter is needed, estimated "
    "at the professional rate."
)
URGENT_NOTE = "⚡ Less than 5 working days' notice: urgent, the coordination must approve it."
CANNOT_COVER = (
    "⚠ The fund cannot cover this. If you confirm, the request is refused for now and the "
    "coordination decides whether to approve it as an overrun."
)
SUBMITTED = (
    "Request #{id} submitted; {estimate} are reserved in the fund ({available} still "
    "available). You will be told when the coordination has decided."
)
REFUSED_FOR_NOW = (
    "Request #{id} is refused for now: the fund has {available} available, the estimate is "
    "{estimate}. The coordination has been asked whether to approve it as an overrun."
)
NEW_REQUEST = "<b>New interpreter request #{id}</b> from {name}"
NOT_FOR_ROLE = "/{command} is not available to your role ({role}). /help lists your commands."
NOT_POSSIBLE = "Request #{id} is {status}; that step is not possible now."
STALE = "This button is no longer active."
ALERT = (
    "⚠ {name} has reached {threshold} %: {available} of {amount} are still available. "
    "/budget shows the details."
)
CANCELLED_BY = "Interpreter request #{id} was cancelled by {name}."
REMINDER = "Reminder: interpreter request #{id} is coming up."
REJECTED = "Your interpreter request #{id} has been rejected: {reason}"


def ninety() -> str:
    """90 minutes as the bot writes a duration in German."""
    with use_locale("de"):
        return format_minutes(90)


def eur(text: str) -> str:
    """Money as the bot writes it in German: "30.000,00 €" with a no-break space."""
    return text.replace(" €", "\u00a0€")


def to(person: Person, calls: list[BotCall]) -> list[BotCall]:
    """The messages the bot sent to `person`."""
    return [
        call
        for call in calls
        if call.method == "sendMessage" and int(call.params["chat_id"]) == person.id
    ]


@pytest.fixture
async def staff(bot: BotHarness) -> BotHarness:
    """Anna (F-0001) and Oksana (Ukrainian), two coordinators (German and Ukrainian)."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(SECOND_COORDINATOR, Role.COORDINATOR, locale="uk")
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    return bot


async def submit(bot: BotHarness, person: Person, text: str) -> tuple[int, list[BotCall]]:
    """`person` sends the quick form and confirms; the new request's id and the calls."""
    await bot.send(person, text)
    member = await bot.storage.staff.get(person.id)
    calls = await bot.press(person, in_locale(member.locale, "Confirm"))
    request_id = await bot.storage.db.fetch_value("SELECT max(id) FROM interpreter_requests")
    return request_id, calls


async def row(bot: BotHarness, request_id: int) -> dict:
    found = await bot.storage.db.fetch_one(
        "SELECT * FROM interpreter_requests WHERE id = ?", (request_id,)
    )
    return dict(found)


async def count_requests(bot: BotHarness) -> int:
    return await bot.storage.db.fetch_value("SELECT count(*) FROM interpreter_requests")


async def figures(bot: BotHarness) -> FundFigures:
    fund = await bot.storage.funds.translation_fund()
    return await bot.storage.funds.figures(fund, bot.time().date())


async def money_state(bot: BotHarness) -> tuple[int, int, int]:
    """Spent, committed and available cents of the translation fund."""
    now = await figures(bot)
    return now.spent_cents, now.committed_cents, now.available_cents


# The quick form and its confirmation -----------------------------------------------------


async def test_the_quick_form_shows_the_estimate_and_the_fund_and_stores_nothing_yet(
    staff: BotHarness,
) -> None:
    bot = staff

    [call] = await bot.send(CASE_MANAGER, ON_SITE)

    lines = call.text.splitlines()
    assert de("Estimated cost: {amount}", amount=eur("70,00 €")) in lines
    # The fund the appointment falls into, with its end.
    assert (
        de(
            "Available in {fund} (until {end}): {amount}",
            fund=FUND_NAME,
            end="31.12.2026",
            amount=eur("30.000,00 €"),
        )
        in lines
    )
    assert de("Family: {code}", code="F-0001") in lines
    assert "03.12.2026, 10:00" in call.text and "Ahlen" in call.text
    # 3 half hours × 15 € = 45 €, + 25 € flat fee.
    assert de("Billed: {time} at {rate} per hour", time=ninety(), rate=eur("30,00 €")) in lines
    assert de("Travel flat fee: {amount}", amount=eur("25,00 €")) in lines
    assert de(POOL_NOTE) not in lines and de(URGENT_NOTE) not in lines
    assert [(b["text"], b["callback_data"]) for b in call.buttons] == [
        (de("Ask for a professional"), "int:pro"),
        (de("Confirm"), "int:confirm"),
        (de("Cancel"), "int:cancel"),
    ]
    assert await count_requests(bot) == 0
    assert await money_state(bot) == (0, 0, 3_000_000)


async def test_confirming_stores_the_request_commits_the_estimate_and_tells_the_coordinators(
    staff: BotHarness,
) -> None:
    bot = staff

    request_id, calls = await submit(bot, CASE_MANAGER, ON_SITE)

    stored = await row(bot, request_id)
    assert {key: stored[key] for key in (
        "family_id", "requested_by", "language", "mode", "starts_at", "minutes", "pages", "town",
        "purpose", "professional", "urgent", "status", "estimate_cents", "committed_cents",
        "spent_cents", "overrun",
    )} == {
        "family_id": 1, "requested_by": CASE_MANAGER.id, "language": "uk", "mode": "on_site",
        "starts_at": "2026-12-03T09:00:00+00:00", "minutes": 90, "pages": None, "town": "Ahlen",
        "purpose": "immigration_office", "professional": 0, "urgent": 0, "status": "requested",
        "estimate_cents": 7000, "committed_cents": 7000, "spent_cents": 0, "overrun": 0,
    }  # fmt: skip
    assert await money_state(bot) == (0, 7000, 2_993_000)
    [answer] = to(CASE_MANAGER, calls)
    assert answer.text == de(
        SUBMITTED, id=request_id, estimate=eur("70,00 €"), available=eur("29.930,00 €")
    )
    # The confirmation's buttons are gone.
    assert "editMessageReplyMarkup" in [call.method for call in calls]
    [german] = to(COORDINATOR, calls)
    [ukrainian] = to(SECOND_COORDINATOR, calls)
    assert german.text.splitlines()[0] == de(NEW_REQUEST, id=request_id, name="@anna_kim")
    assert ukrainian.text.splitlines()[0] == in_locale(
        "uk", NEW_REQUEST, id=request_id, name="@anna_kim"
    )
    assert de("Estimated cost: {amount}", amount=eur("70,00 €")) in german.text.splitlines()
    assert [b["callback_data"] for b in german.buttons] == [
        f"decide:approve:{request_id}",
        f"decide:reject:{request_id}",
    ]
    assert [b["text"] for b in german.buttons] == [de("Approve"), de("Reject")]
    assert {int(call.params["chat_id"]) for call in calls if call.method == "sendMessage"} == {
        CASE_MANAGER.id, COORDINATOR.id, SECOND_COORDINATOR.id,
    }  # fmt: skip


async def test_a_coordinators_own_request_goes_only_to_the_other_coordinators(
    staff: BotHarness,
) -> None:
    _request_id, calls = await submit(staff, COORDINATOR, PHONE)

    assert len(to(COORDINATOR, calls)) == 1  # the answer, no request to decide
    assert to(COORDINATOR, calls)[0].buttons == []
    assert len(to(SECOND_COORDINATOR, calls)) == 1


async def test_a_purpose_the_pool_does_not_serve_needs_a_professional_at_the_professional_rate(
    staff: BotHarness,
) -> None:
    bot = staff

    confirmation = only_text(await bot.send(CASE_MANAGER, DOCTOR))
    request_id, calls = await submit(bot, CASE_MANAGER, DOCTOR)

    assert de(POOL_NOTE) in confirmation.splitlines()
    assert de("Estimated cost: {amount}", amount=eur("127,50 €")) in confirmation.splitlines()
    stored = await row(bot, request_id)
    assert (stored["professional"], stored["estimate_cents"]) == (1, 12750)
    [notice] = to(COORDINATOR, calls)
    assert de("Needs a professional interpreter.") in notice.text.splitlines()


async def test_a_written_translation_for_a_school_is_not_said_to_need_the_professional_pool_note(
    staff: BotHarness,
) -> None:
    confirmation = only_text(
        await staff.send(CASE_MANAGER, "/interpreter uk 10.12. 3seiten schriftlich schule")
    )

    assert de(POOL_NOTE) not in confirmation.splitlines()


@pytest.mark.parametrize(("day", "urgent"), [("30.11.", True), ("heute", True), ("01.12.", False)])
async def test_less_than_five_working_days_notice_is_marked_urgent(
    staff: BotHarness, day: str, urgent: bool
) -> None:
    bot = staff
    text = f"/interpreter uk {day} 16:00 60m telefon abh"

    confirmation = only_text(await bot.send(CASE_MANAGER, text))
    request_id, calls = await submit(bot, CASE_MANAGER, text)

    assert (de(URGENT_NOTE) in confirmation.splitlines()) is urgent
    assert (await row(bot, request_id))["urgent"] == int(urgent)
    [notice] = to(COORDINATOR, calls)
    assert (de("⚡ Urgent: less than 5 working days' notice.") in notice.text) is urgent


async def test_pressing_confirm_again_stores_nothing_more(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, PHONE)
    source = (await row(bot, request_id))["source_message_id"]

    again = await bot.process(bot.telegram.callback_update(CASE_MANAGER, source, "int:confirm"))

    assert await count_requests(bot) == 1
    assert [call.method for call in again] == ["answerCallbackQuery"]
    assert again[0].params["text"] == de(STALE)
    assert await money_state(bot) == (0, 3000, 2_997_000)


async def test_two_presses_of_one_confirm_at_the_same_time_store_one_request(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, PHONE)
    message_id, _button = bot.telegram.find_button(CASE_MANAGER.id, de("Confirm"))
    presses = [
        Update.de_json(
            bot.telegram.callback_update(CASE_MANAGER, message_id, "int:confirm"),
            bot.application.bot,
        )
        for _ in range(2)
    ]

    await asyncio.gather(*(bot.application.process_update(press) for press in presses))

    assert bot.errors == []
    assert await count_requests(bot) == 1
    assert await money_state(bot) == (0, 3000, 2_997_000)


async def test_confirm_on_an_older_confirmation_stores_what_that_message_showed(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, PHONE)
    older, _button = bot.telegram.find_button(CASE_MANAGER.id, de("Confirm"))
    await bot.send(CASE_MANAGER, DOCTOR)

    await bot.process(bot.telegram.callback_update(CASE_MANAGER, older, "int:confirm"))

    stored = await bot.storage.db.fetch_all(
        "SELECT language, estimate_cents FROM interpreter_requests"
    )
    assert [tuple(found) for found in stored] in ([], [("uk", 3000)])


@pytest.mark.parametrize("how", ["button", "command"])
async def test_cancel_stores_nothing(staff: BotHarness, how: str) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, ON_SITE)
    confirmation, _button = bot.telegram.find_button(CASE_MANAGER.id, de("Confirm"))

    if how == "button":
        calls = await bot.press(CASE_MANAGER, de("Cancel"))
    else:
        calls = await bot.send(CASE_MANAGER, "/cancel")
    late = await bot.process(
        bot.telegram.callback_update(CASE_MANAGER, confirmation, "int:confirm")
    )

    assert de("Cancelled. Nothing was stored.") in texts(calls)
    assert texts(late) == [de(STALE)]
    assert await count_requests(bot) == 0
    assert await money_state(bot) == (0, 0, 3_000_000)
    assert to(COORDINATOR, calls + late) == []


async def test_a_start_time_that_has_passed_is_refused(staff: BotHarness) -> None:
    bot = staff

    reply = only_text(await bot.send(CASE_MANAGER, "/interpreter uk heute 08:30 60m telefon abh"))

    assert reply == de(
        "{when} has passed. Please give a time in the future.", when="24.11.2026, 08:30"
    )
    assert bot.telegram.find_button(CASE_MANAGER.id, de("Confirm")) is None


async def test_a_start_that_passes_before_confirming_is_refused_at_confirmation(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, "/interpreter uk heute 09:30 60m telefon abh")
    bot.time.advance(hours=1)

    calls = await bot.press(CASE_MANAGER, de("Confirm"))

    assert to(CASE_MANAGER, calls)[0].text == de(
        "{when} has passed. Please give a time in the future.", when="24.11.2026, 09:30"
    )
    assert await count_requests(bot) == 0
    assert to(COORDINATOR, calls) == []


async def test_a_bad_quick_form_names_its_problem_and_offers_nothing_to_confirm(
    staff: BotHarness,
) -> None:
    bot = staff

    reply = only_text(await bot.send(CASE_MANAGER, "/interpreter uk 03.12. 10:00 90m vor-ort abh"))

    assert reply == de(
        "Where? Add the town for interpreting on site. Example: {example}",
        example=INTERPRETER_EXAMPLE,
    )
    assert bot.telegram.find_button(CASE_MANAGER.id, de("Confirm")) is None


async def test_a_family_outside_the_own_caseload_is_refused(staff: BotHarness) -> None:
    bot = staff

    reply = only_text(await bot.send(COLLEAGUE, ON_SITE))

    assert "F-0001" in reply
    assert bot.telegram.find_button(COLLEAGUE.id, in_locale("uk", "Confirm")) is None
    assert await count_requests(bot) == 0


async def test_case_managers_cannot_use_the_coordination_commands(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, PHONE)
    role = german_label(Role.CASE_MANAGER)

    replies = {
        command: only_text(await bot.send(CASE_MANAGER, f"/{command} {arguments}".strip()))
        for command, arguments in [
            ("budget", ""), ("fund", "1 amount 1"), ("rates", "professional 1"),
            ("approve", f"{request_id} overrun"), ("reject", f"{request_id} nein"),
            ("invoice", f"{request_id} 10"),
        ]
    }  # fmt: skip

    assert replies == {command: de(NOT_FOR_ROLE, command=command, role=role) for command in replies}
    assert (await row(bot, request_id))["status"] == "requested"
    assert await money_state(bot) == (0, 3000, 2_997_000)
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM rate_overrides") == 0


async def test_a_forged_decide_button_from_a_case_manager_is_refused(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, PHONE)
    source = (await row(bot, request_id))["source_message_id"]

    for action in ("approve", "overrun", "reject"):
        calls = await bot.process(
            bot.telegram.callback_update(CASE_MANAGER, source, f"decide:{action}:{request_id}")
        )
        assert [(call.method, call.params.get("text")) for call in calls] == [
            ("answerCallbackQuery", de("Only coordinators decide on requests."))
        ]

    assert (await row(bot, request_id))["status"] == "requested"
    # Not waiting for a rejection reason either: a message is just a message.
    reply = only_text(await bot.send(CASE_MANAGER, "Begründung"))
    assert reply == de("I did not understand that. /help lists the commands you may use.")


# The guided dialog -----------------------------------------------------------------------


async def test_the_guided_dialog_by_buttons_prices_and_stores_an_on_site_request(
    staff: BotHarness,
) -> None:
    bot = staff
    with use_locale("de"):
        ukrainian, ninety = language_name("uk"), format_minutes(90)

    first = only_text(await bot.send(CASE_MANAGER, "/interpreter"))
    await bot.press(CASE_MANAGER, "F-0001 · Ahlen")
    await bot.press(CASE_MANAGER, ukrainian)
    await bot.press(CASE_MANAGER, german_label(Mode.ON_SITE))
    await bot.send(CASE_MANAGER, "03.12. 10:00")
    town_step = await bot.press(CASE_MANAGER, ninety)
    await bot.press(CASE_MANAGER, "Ahlen")
    confirmation = await bot.press(CASE_MANAGER, german_label(Purpose.IMMIGRATION_OFFICE))
    await bot.press(CASE_MANAGER, de("Confirm"))

    assert first == de(
        "Interpreter (1/7): for which family? Tap one, type its code, or tap No family."
    )
    assert texts(town_step)[-1] == de("Interpreter (6/7): in which town?")
    assert de("Estimated cost: {amount}", amount=eur("70,00 €")) in texts(confirmation)[-1]
    stored = await row(bot, 1)
    assert (stored["family_id"], stored["language"], stored["mode"], stored["town"]) == (
        1, "uk", "on_site", "Ahlen",
    )  # fmt: skip
    assert (stored["starts_at"], stored["minutes"], stored["purpose"]) == (
        "2026-12-03T09:00:00+00:00", 90, "immigration_office",
    )  # fmt: skip
    assert (stored["status"], stored["committed_cents"]) == ("requested", 7000)


async def test_typed_letters_find_the_language_by_its_name_in_the_users_language(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, "/interpreter")
    await bot.press(CASE_MANAGER, de("No family"))

    one = only_text(await bot.send(CASE_MANAGER, "ukr"))
    await bot.send(CASE_MANAGER, "/interpreter")
    await bot.press(CASE_MANAGER, de("No family"))
    [several] = await bot.send(CASE_MANAGER, "ara")
    arabic = await bot.press(CASE_MANAGER, "Arabisch")

    assert one.startswith(de("Interpreter (3/7): {language} – on site, by phone, by video, or "
                             "written?", language="Ukrainisch"))  # fmt: skip
    choices = {b["text"]: b["callback_data"] for b in several.buttons}
    assert choices["Arabisch"] == "int:lang:ar" and choices["Aramäisch"] == "int:lang:arc"
    assert len(choices) == 10  # nine languages at most, and Cancel
    assert texts(arabic)[-1] == de(
        "Interpreter (3/7): {language} – on site, by phone, by video, or written?",
        language="Arabisch",
    )


async def test_a_ukrainian_speaker_finds_languages_by_their_ukrainian_names(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(COLLEAGUE, "/interpreter")
    await bot.press(COLLEAGUE, in_locale("uk", "No family"))

    reply = only_text(await bot.send(COLLEAGUE, "укр"))

    assert reply == in_locale(
        "uk",
        "Interpreter (3/7): {language} – on site, by phone, by video, or written?",
        language=language_name("uk", "uk"),
    )


@pytest.mark.parametrize("typed", ["укр", "ukr", "Ukrainisch", "Ukrainian", "uk"])
async def test_a_ukrainian_speaker_finds_a_language_by_any_of_its_names(
    staff: BotHarness, typed: str
) -> None:
    bot = staff
    await bot.send(COLLEAGUE, "/interpreter")
    await bot.press(COLLEAGUE, in_locale("uk", "No family"))

    reply = only_text(await bot.send(COLLEAGUE, typed))

    assert reply == in_locale(
        "uk",
        "Interpreter (3/7): {language} – on site, by phone, by video, or written?",
        language=language_name("uk", "uk"),
    )


async def test_a_language_nobody_knows_is_refused_with_advice(staff: BotHarness) -> None:
    bot = staff
    await bot.send(COLLEAGUE, "/interpreter")
    await bot.press(COLLEAGUE, in_locale("uk", "No family"))

    refusal = only_text(await bot.send(COLLEAGUE, "xqzw"))

    assert refusal == in_locale(
        "uk", "No language matches “{text}”. Try the name in German or English.", text="xqzw"
    )


async def test_a_written_translation_asks_for_pages_instead_of_time_and_no_town(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, "/interpreter")
    await bot.press(CASE_MANAGER, de("No family"))
    await bot.send(CASE_MANAGER, "ukr")

    when = await bot.press(CASE_MANAGER, german_label(Mode.WRITTEN))
    pages = only_text(await bot.send(CASE_MANAGER, "10.12."))
    purpose = await bot.press(CASE_MANAGER, "3")
    confirmation = await bot.press(CASE_MANAGER, german_label(Purpose.SCHOOL))
    await bot.press(CASE_MANAGER, de("Confirm"))

    assert texts(when)[-1] == de(
        "Interpreter (4/7): by when is the translation needed? Example: 10.12."
    )
    assert pages == de(
        "Interpreter (5/7): how many pages (about 30 lines each)? Tap or type a number."
    )
    assert texts(purpose)[-1] == de("Interpreter (7/7): what is it for?")
    assert de("Estimated cost: {amount}", amount=eur("162,00 €")) in texts(confirmation)[-1]
    assert "10.12.2026" in texts(confirmation)[-1]
    stored = await row(bot, 1)
    assert (stored["mode"], stored["pages"], stored["minutes"], stored["town"]) == (
        "written", 3, None, None,
    )  # fmt: skip
    assert (stored["family_id"], stored["committed_cents"]) == (None, 16200)


async def test_the_dialog_refuses_a_missing_or_past_time_and_an_unknown_town(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, "/interpreter")
    await bot.send(CASE_MANAGER, "F-0001")
    await bot.send(CASE_MANAGER, "ukr")
    await bot.press(CASE_MANAGER, german_label(Mode.ON_SITE))

    no_time = only_text(await bot.send(CASE_MANAGER, "03.12."))
    past = only_text(await bot.send(CASE_MANAGER, "heute 08:00"))
    await bot.send(CASE_MANAGER, "03.12. 10:00")
    bad_duration = only_text(await bot.send(CASE_MANAGER, "lang"))
    await bot.send(CASE_MANAGER, "1,5h")
    bad_town = only_text(await bot.send(CASE_MANAGER, "Münster"))
    purpose = only_text(await bot.send(CASE_MANAGER, "beckum"))
    await bot.press(CASE_MANAGER, german_label(Purpose.JOBCENTER))
    await bot.press(CASE_MANAGER, de("Confirm"))

    assert no_time == de("Please add the start time. Example: 03.12. 10:00")
    assert past == de(
        "{when} has passed. Please give a time in the future.", when="24.11.2026, 08:00"
    )
    assert bad_duration == de("“{text}” is not a duration. Examples: 45m, 1,5h, 1:30", text="lang")
    assert "Münster" in bad_town and "Beckum" in bad_town
    assert purpose == de("Interpreter (7/7): what is it for?")
    stored = await row(bot, 1)
    assert (stored["town"], stored["minutes"], stored["family_id"]) == ("Beckum", 90, 1)


async def test_phone_interpreting_skips_the_town(staff: BotHarness) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, "/interpreter")
    await bot.press(CASE_MANAGER, de("No family"))
    await bot.send(CASE_MANAGER, "ukr")
    await bot.press(CASE_MANAGER, german_label(Mode.PHONE))
    await bot.send(CASE_MANAGER, "03.12. 10:00")

    purpose = await bot.press(CASE_MANAGER, format_minutes(60))

    assert texts(purpose)[-1] == de("Interpreter (7/7): what is it for?")


async def test_cancelling_the_dialog_half_way_stores_nothing(staff: BotHarness) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, "/interpreter")
    await bot.press(CASE_MANAGER, de("No family"))
    await bot.send(CASE_MANAGER, "ukr")
    await bot.press(CASE_MANAGER, german_label(Mode.PHONE))

    cancelled = await bot.send(CASE_MANAGER, "/cancel")
    after = only_text(await bot.send(CASE_MANAGER, "03.12. 10:00"))

    assert texts(cancelled) == [de("Cancelled. Nothing was stored.")]
    assert after == de("I did not understand that. /help lists the commands you may use.")
    assert await count_requests(bot) == 0


# Over budget -----------------------------------------------------------------------------


async def over_budget(bot: BotHarness) -> tuple[int, list[BotCall], str]:
    """The fund has 100 € left; a 127,50 € doctor's appointment is confirmed."""
    await bot.send(ADMIN, "/fund 1 amount 100")
    confirmation = only_text(await bot.send(CASE_MANAGER, DOCTOR))
    request_id, calls = await submit(bot, CASE_MANAGER, DOCTOR)
    return request_id, calls, confirmation


async def test_a_request_the_fund_cannot_cover_is_refused_with_the_figures_committing_nothing(
    staff: BotHarness,
) -> None:
    bot = staff

    request_id, calls, confirmation = await over_budget(bot)

    assert de(CANNOT_COVER) in confirmation.splitlines()
    stored = await row(bot, request_id)
    assert (stored["status"], stored["committed_cents"], stored["estimate_cents"]) == (
        "over_budget", 0, 12750,
    )  # fmt: skip
    assert await money_state(bot) == (0, 0, 10000)
    [answer] = to(CASE_MANAGER, calls)
    assert answer.text == de(
        REFUSED_FOR_NOW, id=request_id, available=eur("100,00 €"), estimate=eur("127,50 €")
    )
    for coordinator in (COORDINATOR, SECOND_COORDINATOR):
        [notice] = to(coordinator, calls)
        assert [(b["text"], b["callback_data"]) for b in notice.buttons] == [
            (in_locale(coordinator.language_code, "Approve as overrun"),
             f"decide:overrun:{request_id}"),
            (in_locale(coordinator.language_code, "Reject"), f"decide:reject:{request_id}"),
        ]  # fmt: skip
        assert (
            in_locale(
                coordinator.language_code, "⚠ The fund cannot cover it: approve only as an overrun."
            )
            in notice.text.splitlines()
        )


async def test_approving_as_an_overrun_commits_beyond_the_fund(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls, _confirmation = await over_budget(bot)

    calls = await bot.press(COORDINATOR, de("Approve as overrun"))

    stored = await row(bot, request_id)
    assert (stored["status"], stored["overrun"], stored["committed_cents"]) == (
        "approved", 1, 12750,
    )  # fmt: skip
    assert stored["decided_by"] == COORDINATOR.id
    assert await money_state(bot) == (0, 12750, -2750)
    assert to(COORDINATOR, calls)[0].text == de(
        "Request #{id} approved as an overrun; {amount} are committed beyond the fund.",
        id=request_id,
        amount=eur("127,50 €"),
    )
    assert [call.text for call in to(CASE_MANAGER, calls)] == [
        de("Your interpreter request #{id} has been approved.", id=request_id)
    ]


async def test_approving_an_over_budget_request_without_overrun_is_refused(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id, _calls, _confirmation = await over_budget(bot)

    refused = only_text(await bot.send(COORDINATOR, f"/approve {request_id}"))
    unchanged = await row(bot, request_id)
    approved = await bot.send(COORDINATOR, f"/approve {request_id} overrun")

    assert refused == de(
        "Request #{id} exceeds the fund: approve it explicitly as an overrun with "
        "/approve {id} overrun.",
        id=request_id,
    )
    assert (unchanged["status"], unchanged["committed_cents"]) == ("over_budget", 0)
    assert to(COORDINATOR, approved)[0].text == de(
        "Request #{id} approved as an overrun; {amount} are committed beyond the fund.",
        id=request_id,
        amount=eur("127,50 €"),
    )
    assert (await row(bot, request_id))["status"] == "approved"
    assert await money_state(bot) == (0, 12750, -2750)


async def test_cancelling_a_request_the_fund_refused_costs_nothing(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls, _confirmation = await over_budget(bot)
    bot.time.now = berlin(2026, 12, 3, 8)

    await bot.send(CASE_MANAGER, f"/cancelrequest {request_id}")

    assert await money_state(bot) == (0, 0, 10000)


# Decisions -------------------------------------------------------------------------------


async def test_approving_by_button_tells_the_requester(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls = await submit(bot, COLLEAGUE, PHONE)

    calls = await bot.press(COORDINATOR, de("Approve"))

    assert (await row(bot, request_id))["status"] == "approved"
    assert to(COORDINATOR, calls)[0].text == de("Request #{id} approved.", id=request_id)
    assert [call.text for call in to(COLLEAGUE, calls)] == [
        in_locale("uk", "Your interpreter request #{id} has been approved.", id=request_id)
    ]
    assert await money_state(bot) == (0, 3000, 2_997_000)


async def test_a_decided_request_cannot_be_decided_again(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, PHONE)
    await bot.press(COORDINATOR, de("Approve"))

    late = await bot.press(SECOND_COORDINATOR, in_locale("uk", "Approve"))
    reject = only_text(await bot.send(COORDINATOR, f"/reject {request_id} doch nicht"))

    assert to(SECOND_COORDINATOR, late)[0].text == in_locale(
        "uk", NOT_POSSIBLE, id=request_id, status=in_locale("uk", "approved")
    )
    assert reject == de(NOT_POSSIBLE, id=request_id, status=de("approved"))
    assert (await row(bot, request_id))["status"] == "approved"


async def test_reject_by_button_asks_the_reason_stores_it_and_tells_the_requester_in_their_language(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id, _calls = await submit(bot, COLLEAGUE, PHONE)

    question = only_text(await bot.press(COORDINATOR, de("Reject")))
    calls = await bot.send(COORDINATOR, "Kein Budget für <Veranstaltungen>")

    assert question == de(
        "Why is request #{id} rejected? Please type the reason (or /cancel).", id=request_id
    )
    stored = await row(bot, request_id)
    assert (stored["status"], stored["reason"], stored["committed_cents"]) == (
        "rejected", "Kein Budget für <Veranstaltungen>", 0,
    )  # fmt: skip
    assert to(COORDINATOR, calls)[0].text == de("Request #{id} rejected.", id=request_id)
    assert [call.text for call in to(COLLEAGUE, calls)] == [
        in_locale("uk", REJECTED, id=request_id, reason="Kein Budget für &lt;Veranstaltungen&gt;")
    ]
    assert await money_state(bot) == (0, 0, 3_000_000)


async def test_cancel_instead_of_a_reason_rejects_nothing(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, PHONE)
    await bot.press(COORDINATOR, de("Reject"))

    await bot.send(COORDINATOR, "/cancel")
    after = only_text(await bot.send(COORDINATOR, "Kein Budget"))

    assert (await row(bot, request_id))["status"] == "requested"
    assert after == de("I did not understand that. /help lists the commands you may use.")


async def test_reject_command_needs_a_reason(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, PHONE)

    missing = only_text(await bot.send(COORDINATOR, f"/reject {request_id}"))
    unknown = only_text(await bot.send(COORDINATOR, "/reject 99 egal"))
    calls = await bot.send(COORDINATOR, f"/reject {request_id} Termin fällt aus")

    assert missing == de("Please give a reason. Example: /reject 12 no budget for events")
    assert unknown == de("There is no request “{text}”. /requests lists them.", text="99")
    stored = await row(bot, request_id)
    assert (stored["status"], stored["reason"]) == ("rejected", "Termin fällt aus")
    assert [call.text for call in to(CASE_MANAGER, calls)] == [
        de(REJECTED, id=request_id, reason="Termin fällt aus")
    ]


# Invoices and cancellations --------------------------------------------------------------


@pytest.mark.parametrize("invoicer", [ADMIN, COORDINATOR])
async def test_the_invoiced_cost_replaces_the_commitment_to_the_cent(
    staff: BotHarness, invoicer: Person
) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, ON_SITE)
    submitted = await money_state(bot)
    await bot.send(COORDINATOR, f"/approve {request_id}")
    approved = await money_state(bot)
    bot.time.now = berlin(2026, 12, 3, 12)  # after the appointment at 10:00

    calls = await bot.send(
        invoicer, f"/invoice {request_id} 96,50 Dolmetschbüro Ahlen RE-2026-117 03.12.2026"
    )

    assert submitted == approved == (0, 7000, 2_993_000)
    # 30.000,00 € − 96,50 € = 29.903,50 €; 96,50 € is within 150 % of 70,00 € (105,00 €).
    assert await money_state(bot) == (9650, 0, 2_990_350)
    stored = await row(bot, request_id)
    assert (stored["status"], stored["spent_cents"], stored["committed_cents"]) == (
        "completed", 9650, 0,
    )  # fmt: skip
    # Who approved, and when, stays: the invoice line says who recorded it.
    assert (stored["decided_by"], stored["decided_at"]) == (COORDINATOR.id, START.isoformat())
    lines = await bot.storage.db.fetch_all("SELECT * FROM invoices")
    assert [
        (
            line["payee"],
            line["number"],
            line["invoiced_on"],
            line["amount_cents"],
            line["corrects_id"],
            line["confirmed"],
            line["recorded_by"],
        )
        for line in lines
    ] == [("Dolmetschbüro Ahlen", "RE-2026-117", "2026-12-03", 9650, None, 0, invoicer.id)]
    assert to(invoicer, calls)[0].text == " ".join(
        [
            de("Request #{id} invoiced at {amount} (estimated {estimate}).", id=request_id,
               amount=eur("96,50 €"), estimate=eur("70,00 €")),
            de("The fund has {available} available.", available=eur("29.903,50 €")),
        ]
    )  # fmt: skip
    assert [call.text for call in to(CASE_MANAGER, calls)] == [
        de("Interpreter request #{id} has been invoiced at {amount}.", id=request_id,
           amount=eur("96,50 €"))
    ]  # fmt: skip


async def test_a_request_is_invoiced_once_and_then_corrected(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, PHONE)
    invoice = f"/invoice {request_id} {{}} Sprachmittlerpool RE-{{}} 03.12.2026"

    requested = only_text(await bot.send(ADMIN, invoice.format("30", 1)))
    await bot.send(COORDINATOR, f"/approve {request_id}")
    bot.time.now = berlin(2026, 12, 3, 12)
    await bot.send(ADMIN, invoice.format("30", 1))
    twice = only_text(await bot.send(ADMIN, invoice.format("45", 2)))

    assert requested == de(NOT_POSSIBLE, id=request_id, status=de("requested"))
    assert twice == de(
        "Request #{id} already has an invoice ({amount}); a second one is not recorded. To "
        "correct it, give the correct total and a reason: /invoice {id} fix 230,00 travel "
        "time billed twice. /invoice {id} shows its lines.",
        id=request_id,
        amount=eur("30,00 €"),
    )
    assert await money_state(bot) == (3000, 0, 2_997_000)
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM invoices") == 1


USAGE = (
    "Which request, how much, who invoiced it, their invoice number and its date? Example: "
    "{example}\nTo correct it: {correction}\nTo see a request's invoice: /invoice 12"
)
EXAMPLES = {
    "example": "/invoice 12 240,50 Dolmetschbüro Ahlen RE-2026-117 28.11.2026",
    "correction": "/invoice 12 fix 230,00 Fahrtzeit doppelt berechnet",
}
EXAMPLE = {"example": EXAMPLES["example"]}


@pytest.mark.parametrize(
    ("arguments", "msgid", "values"),
    [
        ("", USAGE, EXAMPLES),
        ("1 240,50", USAGE, EXAMPLES),
        ("1 240,50 Pool 03.12.2026", USAGE, EXAMPLES),
        ("1 viel Pool RE-1 03.12.2026", "{problem} The amount comes first. Example: {example}",
         {"problem": de("“{text}” is not an amount in euros. Examples: 240, 240,50, 1.234,50",
                        text="viel"), **EXAMPLE}),
        ("1 0 Pool RE-1 03.12.2026", "An invoice is for more than {zero}. Example: {example}",
         {"zero": eur("0,00 €"), **EXAMPLE}),
        ("1 30 Dolmetschbüro Ahlen 03.12.2026",
         "“{text}” does not look like an invoice number: it comes just before the date and "
         "has digits. Example: {example}", {"text": "Ahlen", **EXAMPLE}),
        ("1 30 Pool RE-1 03.12.", "“{text}” is not the invoice date: it comes last, with its "
         "year. Example: {example}", {"text": "03.12.", **EXAMPLE}),
        ("1 30 F-0001 RE-1 03.12.2026", "The payee is the interpreter or the agency, by name "
         "only; “{text}” seems to contain {kind}. Nothing was saved. Example: {example}",
         {"text": "F-0001", "kind": de("a family code"), **EXAMPLE}),
        ("1 30 Pool RE-1 02.12.2026", "The invoice is dated {date}, before the appointment on "
         "{earliest}: an interpreter invoices after the work. Please check the date.",
         {"date": "02.12.2026", "earliest": "03.12.2026"}),
        ("1 30 Pool RE-1 04.12.2026", "The invoice date {date} is in the future. An invoice "
         "is dated today ({today}) or earlier: please check the date.",
         {"date": "04.12.2026", "today": "03.12.2026"}),
        ("7 240 Pool RE-1 03.12.2026", "There is no request “{text}”. /requests lists them.",
         {"text": "7"}),
    ],
)  # fmt: skip
async def test_a_bad_invoice_is_refused(
    staff: BotHarness, arguments: str, msgid: str, values: dict
) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, PHONE)
    await bot.send(COORDINATOR, f"/approve {request_id}")
    bot.time.now = berlin(2026, 12, 3, 12)

    reply = only_text(await bot.send(ADMIN, f"/invoice {arguments}".strip()))

    assert reply == de(msgid, **values)
    assert (await row(bot, request_id))["status"] == "approved"
    assert await money_state(bot) == (0, 3000, 2_997_000)
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM invoices") == 0


async def test_cancelling_releases_the_commitment_and_tells_the_coordinators(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, ON_SITE)
    await bot.send(COORDINATOR, f"/approve {request_id}")

    calls = await bot.send(CASE_MANAGER, f"/cancelrequest {request_id}")

    assert to(CASE_MANAGER, calls)[0].text == de(
        "Request #{id} cancelled; its reservation of {amount} is released.",
        id=request_id,
        amount=eur("70,00 €"),
    )
    assert to(COORDINATOR, calls)[0].text == de(CANCELLED_BY, id=request_id, name="@anna_kim")
    assert to(SECOND_COORDINATOR, calls)[0].text == in_locale(
        "uk", CANCELLED_BY, id=request_id, name="@anna_kim"
    )
    stored = await row(bot, request_id)
    assert (stored["status"], stored["committed_cents"], stored["spent_cents"]) == (
        "cancelled", 0, 0,
    )  # fmt: skip
    assert await money_state(bot) == (0, 0, 3_000_000)
    again = only_text(await bot.send(CASE_MANAGER, f"/cancelrequest {request_id}"))
    assert again == de(NOT_POSSIBLE, id=request_id, status=de("cancelled"))


LATE = (
    "Request #{id} cancelled. It was booked and is cancelled on the day of the appointment or "
    "in the {days} days before: a cancellation fee of {fee} (the booked time, at most {hours} "
    "hours) is charged to the fund."
)


@pytest.mark.parametrize(
    ("text", "now", "fee"),
    [
        # Tuesday 08:00, two days (50 hours) before Thursday 10:00: pool 90 min, 3 × 15 €.
        (ON_SITE, berlin(2026, 12, 1, 8), 4500),
        # Half an hour before: professional 90 min, 3 × 42,50 € (not 2 hours, 170 €).
        (DOCTOR, berlin(2026, 12, 3, 9, 30), 12750),
        # After the start, a no-show: the same.
        (DOCTOR, berlin(2026, 12, 3, 11), 12750),
        # Monday 23:59, three days before: free.
        (ON_SITE, berlin(2026, 11, 30, 23, 59), 0),
    ],
)
async def test_a_late_cancellation_charges_the_booked_time_to_the_fund(
    staff: BotHarness, text: str, now: datetime, fee: int
) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, text)
    await bot.send(COORDINATOR, f"/approve {request_id}")
    bot.time.now = now

    [reply] = to(CASE_MANAGER, await bot.send(CASE_MANAGER, f"/cancelrequest {request_id}"))

    stored = await row(bot, request_id)
    assert (stored["status"], stored["committed_cents"], stored["spent_cents"]) == (
        "cancelled", 0, fee,
    )  # fmt: skip
    assert await money_state(bot) == (fee, 0, 3_000_000 - fee)
    if fee:
        assert reply.text == de(LATE, id=request_id, days=2, fee=money(fee), hours=2)


async def test_a_written_translation_is_cancelled_without_a_fee(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls = await submit(
        bot, CASE_MANAGER, "/interpreter uk 25.11. 3seiten schriftlich abh"
    )
    await bot.send(COORDINATOR, f"/approve {request_id}")

    await bot.send(CASE_MANAGER, f"/cancelrequest {request_id}")

    assert await money_state(bot) == (0, 0, 3_000_000)


async def test_a_colleague_may_not_cancel_anothers_request(staff: BotHarness) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, PHONE)

    colleague = only_text(await bot.send(COLLEAGUE, f"/cancelrequest {request_id}"))
    unknown = only_text(await bot.send(CASE_MANAGER, "/cancelrequest abc"))

    assert colleague == in_locale(
        "uk",
        "Only the person who made request #{id}, a coordinator or an admin can cancel it.",
        id=request_id,
    )
    assert unknown == de("There is no request “{text}”. /requests lists them.", text="abc")
    assert (await row(bot, request_id))["status"] == "requested"
    assert await money_state(bot) == (0, 3000, 2_997_000)


@pytest.mark.parametrize("canceller", [COORDINATOR, ADMIN])
async def test_a_coordinator_or_admin_cancels_for_an_absent_colleague_audited_and_told(
    staff: BotHarness, canceller: Person
) -> None:
    bot = staff
    request_id, _calls = await submit(bot, COLLEAGUE, DOCTOR)
    await bot.send(SECOND_COORDINATOR, f"/approve {request_id}")
    bot.time.now = berlin(2026, 12, 2, 15)  # the day before
    await bot.send(canceller, "/requests")  # the admin's @username is known from then on

    calls = await bot.send(canceller, f"/cancelrequest {request_id}")

    # 90 min professional: 3 × 42,50 € = 127,50 €.
    stored = await row(bot, request_id)
    assert (stored["status"], stored["spent_cents"], stored["committed_cents"]) == (
        "cancelled", 12750, 0,
    )  # fmt: skip
    # Who approved stays; who cancelled and when are kept beside it.
    assert (stored["decided_by"], stored["cancelled_by"], stored["cancelled_at"]) == (
        SECOND_COORDINATOR.id, canceller.id, "2026-12-02T14:00:00+00:00",
    )  # fmt: skip
    audit = await bot.storage.db.fetch_one(
        "SELECT actor_id, subject, detail FROM audit_log WHERE action = 'request.cancelled'"
    )
    assert tuple(audit) == (canceller.id, str(request_id), "fee_cents=12750")
    assert to(canceller, calls)[0].text == de(
        LATE, id=request_id, days=2, fee=money(12750), hours=2
    )
    name = "@" + canceller.username
    assert [call.text for call in to(COLLEAGUE, calls)] == [
        in_locale(
            "uk",
            "Your interpreter request #{id} was cancelled by {name}; a cancellation fee of "
            "{fee} is charged to the fund.",
            id=request_id, name=name, fee=money(12750, "uk"),
        )
    ]  # fmt: skip
    others = [c for c in (COORDINATOR, SECOND_COORDINATOR) if c != canceller]
    for coordinator in others:
        assert [call.text for call in to(coordinator, calls)] == [
            in_locale(coordinator.language_code, CANCELLED_BY, id=request_id, name=name)
        ]
    assert await money_state(bot) == (12750, 0, 3_000_000 - 12750)


async def test_the_requester_is_told_of_a_free_cancellation_by_someone_else(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id, _calls = await submit(bot, CASE_MANAGER, PHONE)

    calls = await bot.send(COORDINATOR, f"/cancelrequest {request_id}")

    assert to(COORDINATOR, calls)[0].text == de(
        "Request #{id} cancelled; its reservation of {amount} is released.",
        id=request_id,
        amount=eur("30,00 €"),
    )
    assert [call.text for call in to(CASE_MANAGER, calls)] == [
        de("Your interpreter request #{id} was cancelled by {name}.", id=request_id,
           name="@" + COORDINATOR.username)
    ]  # fmt: skip
    stored = await row(bot, request_id)
    assert (stored["decided_by"], stored["cancelled_by"]) == (None, COORDINATOR.id)


# /requests -------------------------------------------------------------------------------


async def several_requests(bot: BotHarness) -> None:
    """#1 Anna uk 03.12. (approved), #2 Anna ar 30.11. urgent, #3 Oksana uk 04.12.,
    #4 Anna uk 07.12. cancelled, #5 Anna uk 08.12. invoiced (it is now 8 December)."""
    await submit(bot, CASE_MANAGER, PHONE)
    await bot.send(COORDINATOR, "/approve 1")
    await submit(bot, CASE_MANAGER, "/interpreter ar 30.11. 10:00 60m telefon jc")
    await submit(bot, COLLEAGUE, "/interpreter uk 04.12. 10:00 60m video schule")
    await submit(bot, CASE_MANAGER, "/interpreter uk 07.12. 10:00 60m telefon abh")
    await bot.send(CASE_MANAGER, "/cancelrequest 4")
    await submit(bot, CASE_MANAGER, "/interpreter uk 08.12. 10:00 60m telefon abh")
    await bot.send(COORDINATOR, "/approve 5")
    bot.time.now = berlin(2026, 12, 8, 12)
    await bot.send(ADMIN, "/invoice 5 33 Sprachmittlerpool RE-5 08.12.2026")


def listed_ids(reply: str) -> list[int]:
    return [int(line.split(" ", 1)[0].lstrip("#")) for line in reply.splitlines()[1:]]


async def test_requests_lists_a_case_managers_own_open_requests_soonest_first(
    staff: BotHarness,
) -> None:
    bot = staff
    await several_requests(bot)

    reply = only_text(await bot.send(CASE_MANAGER, "/requests"))

    assert reply.splitlines()[0] == de("<b>Interpreter requests</b>")
    assert listed_ids(reply) == [2, 1]
    lines = reply.splitlines()
    assert "30.11.2026, 10:00" in lines[1] and lines[1].endswith(" ⚡")
    assert eur("30,00 €") in lines[2] and de("approved") in lines[2]


@pytest.mark.parametrize(
    ("person", "arguments", "ids"),
    [
        (COORDINATOR, "", [2, 1, 3]),
        (ADMIN, "", [2, 1, 3]),
        (COORDINATOR, "all", [2, 1, 3, 4, 5]),
        (CASE_MANAGER, "alle", [2, 1, 4, 5]),
        (COORDINATOR, "urgent", [2]),
        (COORDINATOR, "ar", [2]),
        (COORDINATOR, "Ukrainisch", [1, 3]),
        (COORDINATOR, "mine", []),
        (COORDINATOR, "all uk", [1, 3, 4, 5]),
    ],
)
async def test_requests_filters(
    staff: BotHarness, person: Person, arguments: str, ids: list[int]
) -> None:
    bot = staff
    await several_requests(bot)

    reply = only_text(await bot.send(person, f"/requests {arguments}".strip()))

    if ids:
        assert listed_ids(reply) == ids
    else:
        assert reply == de("No interpreter requests match.")


async def test_an_invoiced_request_is_listed_with_its_invoiced_cost(staff: BotHarness) -> None:
    bot = staff
    await several_requests(bot)

    reply = only_text(await bot.send(COORDINATOR, "/requests all"))

    [invoiced] = [line for line in reply.splitlines() if line.startswith("#5 ")]
    assert eur("33,00 €") in invoiced and de("invoiced") in invoiced
    assert " ⚡" not in invoiced


async def test_an_unknown_requests_filter_is_named(staff: BotHarness) -> None:
    reply = only_text(await staff.send(COORDINATOR, "/requests quatsch"))

    assert reply == de(
        "“{text}” is not a language I know. Examples: uk, ar, Ukrainisch, Dari.", text="quatsch"
    )


# Reminders -------------------------------------------------------------------------------


async def test_the_requester_is_reminded_of_an_approved_request_the_day_before_once(
    staff: BotHarness,
) -> None:
    bot = staff
    await submit(bot, COLLEAGUE, PHONE)  # 03.12., approved below
    await submit(bot, CASE_MANAGER, PHONE)  # 03.12., never approved
    await submit(bot, CASE_MANAGER, "/interpreter uk 04.12. 10:00 60m telefon abh")
    await bot.send(COORDINATOR, "/approve 1")
    await bot.send(COORDINATOR, "/approve 3")

    bot.time.now = berlin(2026, 12, 2, 7, 59)
    too_early = await bot.run_job(JOB_NAME)
    bot.time.now = berlin(2026, 12, 2, 8)
    due = await bot.run_job(JOB_NAME)
    bot.time.now = berlin(2026, 12, 2, 9)
    again = await bot.run_job(JOB_NAME)

    assert too_early == []
    assert [int(call.params["chat_id"]) for call in due] == [COLLEAGUE.id]
    lines = due[0].text.splitlines()
    assert lines[0] == in_locale("uk", REMINDER, id=1)
    assert "10:00" in due[0].text and language_name("uk", "uk") in due[0].text
    assert again == []
    bot.time.now = berlin(2026, 12, 3, 8)
    assert [call.text.splitlines()[0] for call in await bot.run_job(JOB_NAME)] == [
        de(REMINDER, id=3)
    ]


async def test_a_missed_reminder_is_caught_up_after_a_restart(
    staff: BotHarness, settings: Settings, time: FakeTime
) -> None:
    bot = staff
    await submit(bot, CASE_MANAGER, PHONE)
    await bot.send(COORDINATOR, "/approve 1")
    # The bot was down on 2 December; it starts again on 3 December at 07:00.
    time.now = berlin(2026, 12, 3, 7)

    async with BotHarness(settings, time) as restarted:
        sent = await restarted.run_job(f"{JOB_NAME} (catch-up)")
        again = await restarted.run_job(f"{JOB_NAME} (catch-up)")

    assert [int(call.params["chat_id"]) for call in sent] == [CASE_MANAGER.id]
    assert sent[0].text.splitlines()[0] == de(REMINDER, id=1)
    assert again == []


# /budget and alerts ----------------------------------------------------------------------


async def invoiced_today(bot: BotHarness) -> None:
    """Request #1 (on site, 70,00 €) at 10:00 today, 24 November, invoiced at 12:00 at
    240,50 €, confirmed as more than 50 % above its estimate."""
    await submit(bot, CASE_MANAGER, ON_SITE.replace("03.12.", "24.11."))
    await bot.send(COORDINATOR, "/approve 1")
    bot.time.now = berlin(2026, 11, 24, 12)
    await bot.send(ADMIN, "/invoice 1 240,50 Dolmetschbüro Ahlen RE-2026-117 24.11.2026")
    await bot.press(ADMIN, de("Confirm"))


async def test_budget_shows_the_figures_the_pace_and_spending_by_language_and_kind(
    staff: BotHarness,
) -> None:
    bot = staff
    await invoiced_today(bot)
    await submit(bot, CASE_MANAGER, "/interpreter ar 03.12. 14:00 60m telefon arzt")

    lines = only_text(await bot.send(COORDINATOR, "/budget 1")).splitlines()

    assert lines[0] == f"<b>#1 {FUND_NAME}</b> (01.10.2026 – 31.12.2026)"
    assert lines[1:9] == [
        de("Purpose: {purpose}", purpose=de("translation and interpreting")),
        de("Amount: {amount}", amount=eur("30.000,00 €")),
        de("Spent: {amount}", amount=eur("240,50 €")),
        de("Committed: {amount}", amount=eur("85,00 €")),
        de("Available: {amount}", amount=eur("29.674,50 €")),
        de("Used (spent and committed): {percent} %", percent="1,1"),
        # 240,50 € spent and 85,00 € committed over the 55 days since 1 October:
        # 325,50 € × 7 / 55 = 41,427 € → 41,43 € a week.
        de(
            "Used per week (spent and committed, averaged over {days} days): {amount}",
            days=55,
            amount=eur("41,43 €"),
        ),
        # 29.674,50 € × 7 / 41,43 € = 5.013 days: far beyond 31 December.
        de(
            "Forecast: at {weekly} a week, the {available} available last beyond the end on {end}.",
            weekly=eur("41,43 €"),
            available=eur("29.674,50 €"),
            end="31.12.2026",
        ),
    ]
    spending = "{name}: {spent} spent, {committed} committed"
    assert lines[10:13] == [
        de("<b>By language</b>"),
        de(spending, name="Ukrainisch", spent=eur("240,50 €"), committed=eur("0,00 €")),
        de(spending, name="Arabisch", spent=eur("0,00 €"), committed=eur("85,00 €")),
    ]
    assert lines[14:] == [
        de("<b>By kind</b>"),
        de(
            spending,
            name=german_label(Mode.ON_SITE),
            spent=eur("240,50 €"),
            committed=eur("0,00 €"),
        ),
        de(spending, name=german_label(Mode.PHONE), spent=eur("0,00 €"), committed=eur("85,00 €")),
    ]


async def test_budget_forecasts_the_day_the_fund_runs_out(staff: BotHarness) -> None:
    bot = staff
    await invoiced_today(bot)
    await submit(bot, CASE_MANAGER, "/interpreter ar 03.12. 14:00 60m telefon arzt")
    await bot.send(ADMIN, "/fund 1 amount 500")

    lines = only_text(await bot.send(ADMIN, "/budget 1")).splitlines()

    # 325,50 € used in 55 days: 325,50 € × 7 / 55 = 41,43 € a week (as shown); the 174,50 €
    # available last 174,50 € × 7 / 41,43 € = 29,48 → 29 days: 24.11. + 29 = 23.12.2026.
    assert de("Available: {amount}", amount=eur("174,50 €")) in lines
    assert de("Used (spent and committed): {percent} %", percent="65,1") in lines
    assert (
        de(
            "Forecast: at {weekly} a week, the {available} available run out on {date}, {days} "
            "days before the end on {end}.",
            weekly=eur("41,43 €"),
            available=eur("174,50 €"),
            date="23.12.2026",
            days=8,
            end="31.12.2026",
        )
        in lines
    )


async def test_budget_of_an_untouched_fund_has_no_forecast_and_no_breakdown(
    staff: BotHarness,
) -> None:
    lines = only_text(await staff.send(ADMIN, "/budget 1")).splitlines()

    assert lines[2:] == [
        de("Amount: {amount}", amount=eur("30.000,00 €")),
        de("Spent: {amount}", amount=eur("0,00 €")),
        de("Committed: {amount}", amount=eur("0,00 €")),
        de("Available: {amount}", amount=eur("30.000,00 €")),
        de("Used (spent and committed): {percent} %", percent="0"),
        de(
            "Used per week (spent and committed, averaged over {days} days): {amount}",
            days=55,
            amount=eur("0,00 €"),
        ),
        de("Forecast: nothing used yet."),
    ]


def alerts(calls: list[BotCall]) -> list[tuple[int, str]]:
    """The threshold alerts in `calls`: to whom, and the text."""
    prefixes = {in_locale(locale, ALERT)[:2] for locale in ("de", "uk")}
    return [
        (int(call.params["chat_id"]), call.text)
        for call in calls
        if call.method == "sendMessage"
        and call.text[:2] in prefixes
        and "%" in call.text
        and FUND_NAME in call.text
    ]


def alert(person: Person, threshold: int, available: int, amount: int) -> tuple[int, str]:
    locale = person.language_code
    return person.id, in_locale(
        locale,
        ALERT,
        name=FUND_NAME,
        threshold=threshold,
        available=money(available, locale),
        amount=money(amount, locale),
    )


async def test_coordinators_are_alerted_once_at_each_threshold(staff: BotHarness) -> None:
    bot = staff
    await submit(bot, CASE_MANAGER, PHONE)  # 30 € committed
    sent = []

    for amount in ("100", "60", "45", "40", "33,33", "30", "29", "100", "30"):
        sent.append(alerts(await bot.send(ADMIN, f"/fund 1 amount {amount}")))

    assert sent == [
        [],
        [alert(COORDINATOR, 50, 3000, 6000), alert(SECOND_COORDINATOR, 50, 3000, 6000)],
        [],
        [alert(COORDINATOR, 75, 1000, 4000), alert(SECOND_COORDINATOR, 75, 1000, 4000)],
        [alert(COORDINATOR, 90, 333, 3333), alert(SECOND_COORDINATOR, 90, 333, 3333)],
        [alert(COORDINATOR, 100, 0, 3000), alert(SECOND_COORDINATOR, 100, 0, 3000)],
        [],
        [],
        [],
    ]


async def test_an_invoice_above_the_estimate_can_cross_thresholds(staff: BotHarness) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund 1 amount 100")
    await submit(bot, CASE_MANAGER, PHONE)  # 30 %
    await bot.send(COORDINATOR, "/approve 1")
    bot.time.now = berlin(2026, 12, 3, 12)
    await bot.send(ADMIN, "/invoice 1 80 Sprachmittlerpool RE-1 03.12.2026")

    # 80,00 € is more than 150 % of 30,00 € (45,00 €): recorded once confirmed.
    calls = await bot.press(ADMIN, de("Confirm"))

    # Crossing 50 and 75 at once is one alert, naming the higher threshold.
    assert alerts(calls) == [
        alert(COORDINATOR, 75, 2000, 10000),
        alert(SECOND_COORDINATOR, 75, 2000, 10000),
    ]
    assert alerts(await bot.send(ADMIN, "/fund 1 amount 90")) == []
    assert [
        threshold
        for (threshold,) in await bot.storage.db.fetch_all(
            "SELECT threshold FROM fund_alerts ORDER BY threshold"
        )
    ] == [50, 75]


async def test_no_100_percent_alert_while_money_is_still_available(staff: BotHarness) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund 1 amount 100")
    await submit(bot, CASE_MANAGER, PHONE)
    await bot.send(COORDINATOR, "/approve 1")
    bot.time.now = berlin(2026, 12, 3, 12)
    await bot.send(ADMIN, "/invoice 1 80 Sprachmittlerpool RE-1 03.12.2026")
    await bot.press(ADMIN, de("Confirm"))

    calls = await bot.send(ADMIN, "/fund 1 amount 80,01")

    # 99.99 % is past 90 % (alerted now) but not 100 %: 0,01 € is still available.
    assert alerts(calls) and all("100 %" not in text for _, text in alerts(calls))


async def test_confirming_a_request_that_reaches_a_threshold_alerts_the_coordinators(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund 1 amount 60")

    _request_id, calls = await submit(bot, CASE_MANAGER, PHONE)

    assert alerts(calls) == [
        alert(COORDINATOR, 50, 3000, 6000),
        alert(SECOND_COORDINATOR, 50, 3000, 6000),
    ]
    assert alerts(await bot.send(CASE_MANAGER, PHONE)) == []


# /fund -----------------------------------------------------------------------------------


async def test_fund_lists_the_funds_with_what_is_available(staff: BotHarness) -> None:
    bot = staff
    await submit(bot, CASE_MANAGER, ON_SITE)

    lines = only_text(await bot.send(ADMIN, "/fund")).splitlines()

    assert lines[0] == de("<b>Funds</b>")
    assert lines[1] == de(
        "{heading}, {purpose}: {amount}, available {available}",
        heading=f"<b>#1 {FUND_NAME}</b> (01.10.2026 – 31.12.2026)",
        purpose=de("translation and interpreting"),
        amount=eur("30.000,00 €"),
        available=eur("29.930,00 €"),
    )
    # The other KIM budgets of the seed, from the settings.
    assert [line.split("</b>")[0] for line in lines[2:5]] == [
        "<b>#2 Maßnahmen", "<b>#3 Veranstaltungen", "<b>#4 Externe Beratung",
    ]  # fmt: skip


async def test_fund_changes_the_amount_and_the_end(staff: BotHarness) -> None:
    bot = staff

    amount = only_text(await bot.send(ADMIN, "/fund 1 amount 32000"))
    end = only_text(await bot.send(ADMIN, "/fund 1 end 31.01.2027"))

    assert eur("32.000,00 €") in amount
    assert "31.01.2027" in end and eur("32.000,00 €") in end
    fund = await bot.storage.funds.get(1)
    assert (fund.amount_cents, fund.starts_on, fund.ends_on) == (
        3_200_000, date(2026, 10, 1), date(2027, 1, 31),
    )  # fmt: skip
    assert await money_state(bot) == (0, 0, 3_200_000)
    assert (await bot.storage.audit.actions(ADMIN.id))[-2:] == ["fund.amount", "fund.end"]


async def test_fund_new_creates_another_fund_that_requests_do_not_use(staff: BotHarness) -> None:
    bot = staff

    reply = only_text(await bot.send(ADMIN, "/fund new 10000 01.01.2026 31.12.2026 Feste"))
    await submit(bot, CASE_MANAGER, PHONE)

    assert "#5" in reply and "Feste" in reply and "01.01.2026" in reply
    new = await bot.storage.funds.get(5)
    assert (new.name, new.amount_cents, new.starts_on, new.ends_on, new.purpose) == (
        "Feste", 1_000_000, date(2026, 1, 1), date(2026, 12, 31), "other",
    )  # fmt: skip
    assert (await row(bot, 1))["fund_id"] == 1
    listing = only_text(await bot.send(ADMIN, "/fund")).splitlines()
    assert listing[5].startswith("<b>#5 ") and eur("10.000,00 €") in listing[5]


EXAMPLES = {
    "examples": "/fund 1 amount 32000 · /fund 1 end 31.12.2026 · /fund next 1 · "
    "/fund new events 10000 01.01.2027 31.12.2027 Veranstaltungen 2027"
}


@pytest.mark.parametrize(
    ("arguments", "msgid", "values"),
    [
        ("1 amount zehn", "“{text}” is not an amount in euros. Examples: 240, 240,50, 1.234,50",
         {"text": "zehn"}),
        ("1 amount 20.000.000", "{text} is more than 10 million euros.", {"text": "20.000.000"}),
        ("7 amount 100", "There is no fund #{id}. /fund lists them.", {"id": 7}),
        ("1 end 30.09.2026", "The end must not be before the start.", {}),
        ("1 end 31.01.", "“{text}” is not a date with a year. Examples: 31.12.2026, 2026-12-31",
         {"text": "31.01."}),
        ("new 10000 31.12.2026 01.01.2026 Feste", "The end must not be before the start.", {}),
        ("new 10000 01.01.2026 31.12.2026 übersetzung/dolmetschen",
         "A fund named “{name}” exists already.", {"name": "übersetzung/dolmetschen"}),
        ("new 10000 01.01.2026 31.12.2026", "Examples: {examples}", EXAMPLES),
        ("1 budget 100", "Examples: {examples}", EXAMPLES),
        ("1 amount", "Examples: {examples}", EXAMPLES),
        ("x amount 100", "Examples: {examples}", EXAMPLES),
    ],
)  # fmt: skip
async def test_bad_fund_input_is_refused_and_changes_nothing(
    staff: BotHarness, arguments: str, msgid: str, values: dict
) -> None:
    bot = staff

    reply = only_text(await bot.send(ADMIN, f"/fund {arguments}"))

    assert reply == de(msgid, **values)
    funds = await bot.storage.funds.all()
    assert len(funds) == 4
    assert (funds[0].amount_cents, funds[0].ends_on) == (3_000_000, date(2026, 12, 31))


# /rates ----------------------------------------------------------------------------------


async def test_rates_shows_the_rate_card(staff: BotHarness) -> None:
    lines = only_text(await staff.send(ADMIN, "/rates")).splitlines()

    assert de("professional: {amount} per hour (on site, phone, video)",
              amount=eur("85,00 €")) in lines  # fmt: skip
    assert de("pool: {amount} per hour", amount=eur("30,00 €")) in lines
    assert de("travel: {amount} flat for on site, unless a professional's travel time is "
              "billed instead", amount=eur("25,00 €")) in lines  # fmt: skip
    assert de("surcharge: {percent} % more for each billed half hour that starts at night "
              "(23–6), on a Sunday or a public holiday", percent=20) in lines  # fmt: skip
    assert de("line: {amount} per standard line of 55 characters", amount=eur("1,80 €")) in lines
    assert de("page: {count} lines", count=30) in lines
    assert de("cancel: a late cancellation costs the booked time, at most {count} hours, "
              "at the request's hourly rate (no travel fee, no surcharge)",
              count=2) in lines  # fmt: skip
    assert de("days: late is on the day of the appointment or in the {count} calendar days "
              "before", count=2) in lines  # fmt: skip
    assert de("deepl: {amount} per million characters", amount=eur("20,00 €")) in lines


async def test_a_changed_rate_prices_the_next_request(staff: BotHarness) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, "/interpreter ar 03.12. 14:00 60m telefon arzt")

    card = only_text(await bot.send(ADMIN, "/rates professional 90"))
    await bot.send(ADMIN, "/rates page 25")
    # Even a confirmation shown before the change is priced at confirmation.
    await bot.press(CASE_MANAGER, de("Confirm"))
    confirmation = only_text(
        await bot.send(CASE_MANAGER, "/interpreter ar 03.12. 16:00 60m telefon arzt")
    )
    request_id, _calls = await submit(
        bot, CASE_MANAGER, "/interpreter uk 10.12. 2seiten schriftlich abh"
    )

    assert de("professional: {amount} per hour (on site, phone, video)",
              amount=eur("90,00 €")) in card.splitlines()  # fmt: skip
    assert (await row(bot, 1))["estimate_cents"] == 9000
    assert de("Estimated cost: {amount}", amount=eur("90,00 €")) in confirmation.splitlines()
    assert (await row(bot, request_id))["estimate_cents"] == 2 * 25 * 180
    assert (await bot.storage.audit.actions(ADMIN.id))[-2:] == ["rates.change", "rates.change"]


@pytest.mark.parametrize(
    ("arguments", "msgid", "values"),
    [
        ("professional neunzig",
         "“{text}” is not an amount in euros. Examples: 240, 240,50, 1.234,50",
         {"text": "neunzig"}),
        ("surcharge 1001", "“{text}” is not a whole number from 0 to 1000.", {"text": "1001"}),
        ("page 2,5", "“{text}” is not a whole number from 0 to 1000.", {"text": "2,5"}),
        ("tip 5", "Which rate? {names}. Example: /rates professional 90",
         {"names": "professional, pool, travel, surcharge, line, page, cancel, days, deepl"}),
        ("professional", "Which rate? {names}. Example: /rates professional 90",
         {"names": "professional, pool, travel, surcharge, line, page, cancel, days, deepl"}),
    ],
)  # fmt: skip
async def test_bad_rates_input_is_refused_and_changes_nothing(
    staff: BotHarness, arguments: str, msgid: str, values: dict
) -> None:
    bot = staff

    reply = only_text(await bot.send(ADMIN, f"/rates {arguments}"))

    assert reply == de(msgid, **values)
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM rate_overrides") == 0
