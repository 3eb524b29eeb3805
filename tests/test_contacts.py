"""/log and /undo: contacts logged in one line or step by step, stored once, undoable."""

from __future__ import annotations

from datetime import date

import pytest

from bot.casework.contacts import LOG_EXAMPLE, parse_log
from bot.casework.vocabulary import ContactType, Topic, topics_to_bits
from bot.core.i18n import use_locale
from bot.core.offline import Person
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.harness import BotHarness, only_text, texts
from tests.helpers.texts import de

TODAY = date(2026, 11, 24)


TOO_LONG = (
    "“{text}” is more than {hours} hours: a contact or an appointment lasts at most {hours} "
    "hours. Example: 1:30"
)
TIME_OF_DAY = (
    "“{text}” looks like a time of day, not a duration. Please give the duration instead, e.g. "
    "45m or 1:30."
)
CORRECT_HINT = "A contact that is wrong can be corrected, e.g. {example}"
NOT_UNDERSTOOD = "I did not understand “{token}”. Example: {example}"
NOT_A_CODE = "“{text}” is not a family code. Family codes look like F-0042."
TOPICS_MISSING = (
    "Which topics? Add them separated by commas, e.g. aufenthalt,arbeit. Example: {example}"
)


@pytest.fixture
async def caseload(bot: BotHarness) -> BotHarness:
    """Anna (case manager) with F-0001 and F-0002; Oksana with F-0003; a coordinator."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru einwilligung")
    await bot.send(CASE_MANAGER, "/newfamily Beckum Syrien 5 Arabisch")
    await bot.send(COLLEAGUE, "/newfamily Telgte AF 3 prs")
    return bot


async def contact_rows(bot: BotHarness) -> list[dict]:
    rows = await bot.storage.db.fetch_all("SELECT * FROM contacts ORDER BY id")
    return [dict(row) for row in rows]


async def test_the_quick_form_stores_the_contact_and_offers_undo(caseload: BotHarness) -> None:
    bot = caseload

    calls = await bot.send(
        CASE_MANAGER,
        "/log F-0001 45m hausbesuch aufenthalt,arbeit: Termin bei der Ausländerbehörde vorbereitet",
    )

    [row] = await contact_rows(bot)
    assert {key: row[key] for key in ("family_id", "staff_id", "contact_on", "minutes")} == {
        "family_id": 1, "staff_id": CASE_MANAGER.id, "contact_on": "2026-11-24", "minutes": 45,
    }  # fmt: skip
    assert row["contact_type"] == "home_visit"
    assert row["topics"] == topics_to_bits([Topic.RESIDENCE, Topic.WORK])
    assert row["note"] == "Termin bei der Ausländerbehörde vorbereitet"
    assert (row["referral"], row["follow_up_on"]) == (None, None)
    assert row["source_chat_id"] == CASE_MANAGER.id and row["source_message_id"] > 0
    [reply] = calls
    assert reply.method == "sendMessage"
    assert "F-0001 · 24.11.2026" in reply.text
    assert "Termin bei der Ausländerbehörde vorbereitet" in reply.text
    assert [b["callback_data"] for b in reply.buttons] == [f"undo:{row['id']}"]
    assert await bot.storage.audit.actions(CASE_MANAGER.id) == [
        "family.create",
        "family.create",
        "contact.create",
    ]


async def test_date_referral_and_follow_up_are_stored(caseload: BotHarness) -> None:
    await caseload.take_in(date(2026, 11, 2))
    await caseload.send(
        CASE_MANAGER, "/log F-0002 gestern 1:30 begleitung gesundheit ref abh next 02.12."
    )

    [row] = await contact_rows(caseload)
    assert (row["contact_on"], row["minutes"], row["contact_type"]) == (
        "2026-11-23",
        90,
        "accompaniment",
    )
    assert (row["referral"], row["follow_up_on"]) == ("immigration_office", "2026-12-02")


async def test_the_same_update_delivered_twice_stores_one_contact(caseload: BotHarness) -> None:
    bot = caseload
    update = bot.telegram.message_update(CASE_MANAGER, "/log F-0001 30m telefon arbeit")

    await bot.process(update)
    again = await bot.process(update)

    assert len(await contact_rows(bot)) == 1
    assert only_text(again).startswith(de("This contact was already saved:"))


@pytest.mark.parametrize("undo", ["/undo", "button"])
async def test_an_undone_contact_stays_undone_when_its_update_comes_again(
    caseload: BotHarness, undo: str
) -> None:
    bot = caseload
    update = await log_and_undo(bot, by_button=undo == "button")

    again = await bot.process(update)

    assert await contact_rows(bot) == []
    lines = only_text(again).splitlines()
    assert lines[0] == de("This contact was undone, so it is not saved again:")
    assert lines[1].startswith("F-0001 · 24.11.2026")
    assert lines[-1] == de("To log it after all, please send /log again.")
    assert await bot.storage.audit.actions(CASE_MANAGER.id) == [
        "family.create",
        "family.create",
        "contact.create",
        "contact.undo",
    ]


async def test_the_source_of_an_undone_contact_is_forgotten_after_a_week(
    caseload: BotHarness,
) -> None:
    bot = caseload
    await log_and_undo(bot, by_button=False)
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM undone_contacts") == 1

    bot.time.advance(days=7, minutes=1)
    await bot.run_job("retention")

    assert await bot.storage.db.fetch_value("SELECT count(*) FROM undone_contacts") == 0


async def log_and_undo(bot: BotHarness, by_button: bool) -> dict:
    """Log a contact from one message and undo it; the message's update, to deliver again."""
    update = bot.telegram.message_update(CASE_MANAGER, "/log F-0001 30m telefon arbeit")
    await bot.process(update)
    if by_button:
        await bot.press(CASE_MANAGER, de("Undo (30 min)"))
    else:
        await bot.send(CASE_MANAGER, "/undo")
    return update


async def test_the_same_text_sent_twice_is_two_contacts(caseload: BotHarness) -> None:
    """Two real messages are two visits, even with the same words."""
    await caseload.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit")
    await caseload.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit")

    assert len(await contact_rows(caseload)) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/log F-0001 25.11. 45m hausbesuch arbeit", "25.11.2026"),
        ("/log F-0001 13h hausbesuch arbeit", de(TOO_LONG, text="13h", hours=8)),
        ("/log F-0001 45m hausbesuch", de(TOPICS_MISSING, example=LOG_EXAMPLE)),
        ("/log F-0001 45m arbeit", "hausbesuch, beratung"),
        ("/log F-0001 45m hb x", de(NOT_UNDERSTOOD, token="x", example=LOG_EXAMPLE)),
        ("/log 45m hausbesuch arbeit", de(NOT_A_CODE, text="45m")),
        # A time of day is no duration (it stored 720 minutes), nor is a working day and more.
        ("/log F-0001 12:00 hausbesuch arbeit", de(TIME_OF_DAY, text="12:00")),
        ("/log F-0001 08:00 hausbesuch arbeit", de(TIME_OF_DAY, text="08:00")),
        ("/log F-0001 8:30 hausbesuch arbeit", de(TOO_LONG, text="8:30", hours=8)),
        ("/log F-0001 600m hausbesuch arbeit", de(TOO_LONG, text="600m", hours=8)),
    ],
)  # fmt: skip
async def test_each_bad_quick_form_names_its_problem_and_stores_nothing(
    caseload: BotHarness, text: str, expected: str
) -> None:
    reply = only_text(await caseload.send(CASE_MANAGER, text))

    assert expected in reply
    assert await contact_rows(caseload) == []


async def test_errors_are_the_parsers_own_messages(caseload: BotHarness) -> None:
    """The reply is exactly what the parser says, so every parser message reaches the user."""
    text = "F-0001 25.11. 45m hausbesuch arbeit"
    with use_locale("de"), pytest.raises(ValueError) as raised:
        parse_log(text, TODAY)

    assert only_text(await caseload.send(CASE_MANAGER, f"/log {text}")) == raised.value.message


async def test_unknown_other_peoples_and_closed_families_are_refused(
    caseload: BotHarness,
) -> None:
    bot = caseload
    await bot.send(CASE_MANAGER, "/closefamily F-0002 verzogen")

    unknown = only_text(await bot.send(CASE_MANAGER, "/log F-0099 45m hausbesuch arbeit"))
    foreign = only_text(await bot.send(CASE_MANAGER, "/log F-0003 45m hausbesuch arbeit"))
    closed = only_text(await bot.send(CASE_MANAGER, "/log F-0002 45m hausbesuch arbeit"))

    assert unknown == de("There is no family {code}. /families lists your families.", code="F-0099")
    assert foreign == de(
        "{code} is not in your caseload. If it should be, ask the coordination to "
        "transfer it to you.",
        code="F-0003",
    )
    assert closed == de(
        "{code} was closed on {date}. Nothing can be recorded for a closed family.",
        code="F-0002",
        date="24.11.2026",
    )
    assert await contact_rows(bot) == []
    assert "family.denied" in await bot.storage.audit.actions(CASE_MANAGER.id)


async def test_coordinators_log_for_any_family_and_admins_not_at_all(
    caseload: BotHarness,
) -> None:
    bot = caseload

    await bot.send(COORDINATOR, "/log F-0003 60m fallkonferenz aufenthalt")
    admin_reply = only_text(await bot.send(ADMIN, "/log F-0003 60m fallkonferenz aufenthalt"))

    [row] = await contact_rows(bot)
    assert (row["family_id"], row["staff_id"]) == (3, COORDINATOR.id)
    assert admin_reply.startswith("/log ist für Ihre Rolle (Administrator*in) nicht freigegeben.")


async def test_a_missing_consent_is_reminded_when_logging(caseload: BotHarness) -> None:
    with_consent = only_text(await caseload.send(CASE_MANAGER, "/log F-0001 5m telefon arbeit"))
    without = only_text(await caseload.send(CASE_MANAGER, "/log F-0002 5m telefon arbeit"))

    assert "/consent" not in with_consent
    assert "/consent F-0002" in without


async def test_undo_button_removes_the_contact_within_30_minutes(caseload: BotHarness) -> None:
    bot = caseload
    await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch arbeit")
    bot.time.advance(minutes=29)

    calls = await bot.press(CASE_MANAGER, de("Undo (30 min)"))

    assert await contact_rows(bot) == []
    assert [call.method for call in calls] == ["answerCallbackQuery", "editMessageText"]
    assert "F-0001" in calls[1].text and "24.11.2026" in calls[1].text
    assert await bot.storage.audit.actions(CASE_MANAGER.id) == [
        "family.create",
        "family.create",
        "contact.create",
        "contact.undo",
    ]


async def test_undo_button_is_refused_after_30_minutes(caseload: BotHarness) -> None:
    bot = caseload
    await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch arbeit")
    bot.time.advance(minutes=31)

    calls = await bot.press(CASE_MANAGER, de("Undo (30 min)"))

    assert len(await contact_rows(bot)) == 1
    assert [call.method for call in calls] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert calls[0].params["show_alert"] is True


async def test_undo_command_takes_back_only_ones_own_last_contact(caseload: BotHarness) -> None:
    bot = caseload
    await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch arbeit")
    await bot.send(CASE_MANAGER, "/log F-0002 30m telefon wohnen")
    await bot.send(COORDINATOR, "/log F-0001 15m telefon arbeit")

    await bot.send(CASE_MANAGER, "/undo")

    remaining = [(row["family_id"], row["staff_id"]) for row in await contact_rows(bot)]
    assert remaining == [(1, CASE_MANAGER.id), (1, COORDINATOR.id)]


async def test_undo_command_after_30_minutes_removes_nothing(caseload: BotHarness) -> None:
    bot = caseload
    await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch arbeit")
    bot.time.advance(minutes=31)

    reply = only_text(await bot.send(CASE_MANAGER, "/undo"))

    assert reply.splitlines() == [
        de(
            "There is nothing to undo: only a contact you saved in the last 30 minutes can be "
            "undone."
        ),
        de(CORRECT_HINT, example="/log korrektur 1 datum 20.11. dauer 45m"),
    ]
    assert len(await contact_rows(bot)) == 1


async def press_through_dialog(bot: BotHarness, person: Person) -> list:
    await bot.send(person, "/log")
    await bot.press(person, "F-0001 · Ahlen")
    await bot.press(person, de("Today"))
    await bot.press(person, ContactType.OFFICE.label)
    await bot.press(person, "45 Min.")
    await bot.press(person, Topic.WORK.label)
    await bot.press(person, Topic.LANGUAGE.label)
    await bot.press(person, de("Done"))
    await bot.send(person, "Bewerbung besprochen")
    return await bot.press(person, de("Save"))


async def test_the_dialog_stores_the_contact_once(caseload: BotHarness) -> None:
    bot = caseload
    with use_locale("de"):
        saved = await press_through_dialog(bot, CASE_MANAGER)

    [row] = await contact_rows(bot)
    assert (row["family_id"], row["contact_type"], row["minutes"]) == (1, "office", 45)
    assert row["topics"] == topics_to_bits([Topic.WORK, Topic.LANGUAGE])
    assert row["note"] == "Bewerbung besprochen"
    assert [call.method for call in saved] == [
        "answerCallbackQuery",
        "sendMessage",
        "editMessageReplyMarkup",
    ]


async def test_pressing_save_twice_stores_once(caseload: BotHarness) -> None:
    bot = caseload
    with use_locale("de"):
        await press_through_dialog(bot, CASE_MANAGER)
    [row] = await contact_rows(bot)

    # The confirmation message is the contact's source; its Save button pressed again:
    again = await bot.process(
        bot.telegram.callback_update(CASE_MANAGER, row["source_message_id"], "log:save")
    )

    assert len(await contact_rows(bot)) == 1
    assert [call.method for call in again] == ["answerCallbackQuery"]


async def test_the_dialog_accepts_typed_family_code_and_duration(caseload: BotHarness) -> None:
    bot = caseload
    await bot.send(CASE_MANAGER, "/log")

    refused = only_text(await bot.send(CASE_MANAGER, "F-0003"))
    await bot.send(CASE_MANAGER, "F-0002")
    await bot.press(CASE_MANAGER, de("Today"))
    await bot.press(CASE_MANAGER, ContactType.PHONE.label)
    bad = only_text(await bot.send(CASE_MANAGER, "lang"))
    await bot.send(CASE_MANAGER, "1,5h")
    await bot.press(CASE_MANAGER, Topic.HOUSING.label)
    await bot.press(CASE_MANAGER, de("Done"))
    await bot.press(CASE_MANAGER, de("Skip"))
    await bot.press(CASE_MANAGER, de("Save"))

    assert "F-0003" in refused
    assert bad == de("“{text}” is not a duration. Examples: 45m, 1,5h, 1:30", text="lang")
    [row] = await contact_rows(bot)
    assert (row["family_id"], row["minutes"], row["contact_type"], row["note"]) == (
        2,
        90,
        "phone",
        "",
    )


async def test_the_dialog_refuses_a_time_of_day_as_duration_and_asks_again(
    caseload: BotHarness,
) -> None:
    bot = caseload
    await bot.send(CASE_MANAGER, "/log")
    await bot.send(CASE_MANAGER, "F-0001")
    await bot.press(CASE_MANAGER, de("Today"))
    await bot.press(CASE_MANAGER, ContactType.PHONE.label)

    refused = await bot.send(CASE_MANAGER, "12:00")
    accepted = await bot.send(CASE_MANAGER, "1:30")

    assert texts(refused)[0] == de(TIME_OF_DAY, text="12:00")
    assert texts(accepted)[0].startswith("F-0001 (5/6)")
    assert await contact_rows(bot) == []


async def test_topics_are_required_in_the_dialog(caseload: BotHarness) -> None:
    bot = caseload
    await bot.send(CASE_MANAGER, "/log")
    await bot.press(CASE_MANAGER, "F-0001 · Ahlen")
    await bot.press(CASE_MANAGER, de("Today"))
    await bot.press(CASE_MANAGER, ContactType.PHONE.label)
    await bot.press(CASE_MANAGER, "15 Min.")

    calls = await bot.press(CASE_MANAGER, de("Done"))

    assert [(call.method, call.text) for call in calls] == [
        ("answerCallbackQuery", de("Please choose at least one topic."))
    ]


async def test_cancel_leaves_the_dialog_without_storing(caseload: BotHarness) -> None:
    bot = caseload
    await bot.send(CASE_MANAGER, "/log")
    await bot.press(CASE_MANAGER, "F-0001 · Ahlen")

    by_button = await bot.press(CASE_MANAGER, de("Cancel"))
    await bot.send(CASE_MANAGER, "/log")
    by_command = only_text(await bot.send(CASE_MANAGER, "/cancel"))
    outside = only_text(await bot.send(CASE_MANAGER, "/cancel"))

    assert by_button[-1].text == de("Cancelled. Nothing was stored.")
    assert by_command == de("Cancelled. Nothing was stored.")
    assert outside == de("There is no dialog to cancel.")
    assert await contact_rows(bot) == []


async def test_the_dialog_offers_the_own_families_newest_contact_first(
    caseload: BotHarness,
) -> None:
    bot = caseload
    await bot.send(CASE_MANAGER, "/log F-0002 5m telefon arbeit")

    calls = await bot.send(CASE_MANAGER, "/log")

    assert [b["callback_data"] for b in calls[0].buttons] == [
        "log:family:2",
        "log:family:1",
        "log:cancel",
    ]


async def test_a_forged_family_button_is_checked_like_a_typed_code(caseload: BotHarness) -> None:
    bot = caseload
    calls = await bot.send(CASE_MANAGER, "/log")
    message_id = bot.telegram.find_button(CASE_MANAGER.id, "F-0001 · Ahlen")[0]

    refused = await bot.process(
        bot.telegram.callback_update(CASE_MANAGER, message_id, "log:family:3")
    )

    assert {b["callback_data"] for b in calls[0].buttons} == {
        "log:family:1",
        "log:family:2",
        "log:cancel",
    }
    assert "F-0003" in texts(refused)[-1]
    assert (await bot.storage.audit.actions(CASE_MANAGER.id))[-1] == "family.denied"


async def confirmation_for(bot: BotHarness, family_button: str) -> int:
    """Go through the /log dialog up to Save; returns the id of the message showing Save."""
    await bot.send(CASE_MANAGER, "/log")
    await bot.press(CASE_MANAGER, family_button)
    await bot.press(CASE_MANAGER, de("Today"))
    await bot.press(CASE_MANAGER, ContactType.PHONE.label)
    await bot.press(CASE_MANAGER, "15 Min.")
    await bot.press(CASE_MANAGER, Topic.HOUSING.label)
    await bot.press(CASE_MANAGER, de("Done"))
    calls = await bot.press(CASE_MANAGER, de("Skip"))
    return calls[-1].params["message_id"]


async def test_save_on_an_older_confirmation_stores_nothing(caseload: BotHarness) -> None:
    bot = caseload
    older = await confirmation_for(bot, "F-0002 · Beckum")
    current = await confirmation_for(bot, "F-0001 · Ahlen")  # a new dialog replaces it

    stale = await bot.process(bot.telegram.callback_update(CASE_MANAGER, older, "log:save"))
    await bot.process(bot.telegram.callback_update(CASE_MANAGER, current, "log:save"))

    assert older != current
    assert [(call.method, call.params.get("show_alert")) for call in stale] == [
        ("answerCallbackQuery", True)
    ]
    assert [row["family_id"] for row in await contact_rows(bot)] == [1]
