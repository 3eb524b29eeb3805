"""Families: /newfamily (quick form and guided dialog), /consent, /closefamily, /transfer,
/families and /family.

Texts of the casework messages are not translated yet and will change: tests assert what
is stored, which calls went to whom, codes, dates and numbers, and compare refusals with
the same msgid through gettext.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from bot.casework.vocabulary import BenefitSystem
from bot.core import i18n
from bot.core.offline import BotCall, Person
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.calls import sent_to
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.texts import de, german_label, in_locale

FAMILY_FIELDS = (
    "town, origin, household_size, languages, fled_ukraine, benefit_system, consent_on, "
    "opened_on, case_manager_id, status"
)
NOT_IN_CASELOAD = (
    "{code} is not in your caseload. If it should be, ask the coordination to transfer it to you."
)
NOT_ALLOWED = "/{command} is not available to your role ({role}). /help lists your commands."
NOT_STAFF = (
    "“{name}” is not an active case manager or coordinator. /users lists staff. "
    "Example: /transfer F-0042 @anna_kim"
)
TRANSFER_NOTICE = "{code} has been transferred to you by {name}. /family {code} shows it."
CANCELLED = "Cancelled. Nothing was stored."
USE_BUTTONS = "Please use the buttons above, or /cancel to stop."
CODE = re.compile(r"F-\d{4}")


def codes(text: str) -> list[str]:
    """The family codes in a text, in order."""
    return CODE.findall(text)


def callbacks(call: BotCall) -> list[str]:
    return [button["callback_data"] for button in call.buttons]


async def family_count(bot: BotHarness) -> int:
    return await bot.storage.db.fetch_value("SELECT count(*) FROM families")


async def family_row(bot: BotHarness, family_id: int) -> tuple:
    row = await bot.storage.db.fetch_one(
        f"SELECT {FAMILY_FIELDS} FROM families WHERE id = ?", (family_id,)
    )
    return tuple(row)


async def new_family(bot: BotHarness, person: Person, text: str = "Ahlen UA 4 uk,ru") -> int:
    """Register a family with the quick form; returns its id."""
    before = await family_count(bot)
    await bot.send(person, f"/newfamily {text}")
    assert await family_count(bot) == before + 1
    return await bot.storage.db.fetch_value("SELECT max(id) FROM families")


async def log_contact(bot: BotHarness, person: Person, arguments: str) -> None:
    before = await bot.storage.db.fetch_value("SELECT count(*) FROM contacts")
    await bot.send(person, f"/log {arguments}")
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM contacts") == before + 1


async def register_staff(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")


# /newfamily: the quick form ------------------------------------------------------------------


async def test_the_quick_form_stores_the_family_and_answers_with_its_code(
    bot: BotHarness,
) -> None:
    await register_staff(bot)

    calls = await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")

    assert sent_to(calls) == [("sendMessage", CASE_MANAGER.id)]
    assert codes(calls[0].text)[0] == "F-0001"
    assert await family_row(bot, 1) == (
        "Ahlen",
        "UA",
        4,
        "uk,ru",
        1,
        None,
        None,
        "2026-11-24",
        CASE_MANAGER.id,
        "active",
    )
    assert await bot.storage.audit.actions(CASE_MANAGER.id) == ["family.create"]


async def test_the_next_family_gets_the_next_code(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)

    reply = only_text(await bot.send(COORDINATOR, "/newfamily Beckum SY 2 ar"))

    assert codes(reply)[0] == "F-0002"
    assert (await family_row(bot, 2))[-2:] == (COORDINATOR.id, "active")


async def test_the_quick_form_understands_names_and_the_optional_words(bot: BotHarness) -> None:
    await register_staff(bot)

    await bot.send(
        CASE_MANAGER, "/newfamily beckum Syrien 5 Arabisch,Kurdisch asylblg einwilligung"
    )
    await bot.send(CASE_MANAGER, "/newfamily Ahlen Ukraine 3 uk keine-flucht sgb2")
    await bot.send(CASE_MANAGER, "/newfamily Telgte Sri Lanka 2 ta geflüchtet")

    assert await family_row(bot, 1) == (
        "Beckum",
        "SY",
        5,
        "ar,kmr",
        0,
        "asylblg",
        "2026-11-24",
        "2026-11-24",
        CASE_MANAGER.id,
        "active",
    )
    assert (await family_row(bot, 2))[:7] == ("Ahlen", "UA", 3, "uk", 0, "sgb2", None)
    assert (await family_row(bot, 3))[:5] == ("Telgte", "LK", 2, "ta", 1)


async def test_the_opening_date_is_the_day_in_berlin(bot: BotHarness) -> None:
    await register_staff(bot)
    bot.time.advance(hours=15, minutes=30)  # 23:30 UTC is 00:30 on 25.11. in Berlin

    reply = only_text(await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru einwilligung"))

    assert (await family_row(bot, 1))[6:8] == ("2026-11-25", "2026-11-25")
    assert "25.11.2026" in reply


@pytest.mark.parametrize(
    ("arguments", "msgid", "values"),
    [
        (
            "Berlin UA 4 uk",
            "“{text}” is not a town of the county. Towns: {towns}",
            {
                "text": "Berlin",
                "towns": "Ahlen, Beckum, Beelen, Drensteinfurt, Ennigerloh, Everswinkel, "
                "Oelde, Ostbevern, Sassenberg, Sendenhorst, Telgte, Wadersloh, Warendorf",
            },
        ),
        (
            "Ahlen Atlantis 4 uk",
            "“{text}” is not a country I know. Give a code or a name, e.g. UA, SY, "
            "Ukraine, Syrien.",
            {"text": "Atlantis"},
        ),
        (
            "Ahlen UA 0 uk",
            "“{text}” is not a household size: give the number of people, 1 to {limit}.",
            {"text": "0", "limit": 30},
        ),
        (
            "Ahlen UA 40 uk",
            "“{text}” is not a household size: give the number of people, 1 to {limit}.",
            {"text": "40", "limit": 30},
        ),
        (
            "Ahlen UA 4 uk,Elbisch",
            "“{text}” is not a language I know. Give codes or names separated by "
            "commas, e.g. uk,ru or Arabisch,Kurdisch.",
            {"text": "Elbisch"},
        ),
        (
            "Ahlen UA 4 uk vielleicht",
            "I did not understand “{token}”. After the languages you may add sgb2, "
            "sgb12, asylblg or keine, einwilligung, and geflüchtet or keine-flucht. "
            "Example: {example} asylblg einwilligung",
            {"token": "vielleicht", "example": "/newfamily Ahlen UA 4 uk,ru"},
        ),
        (
            "Ahlen UA 4",
            "Please give town, country of origin, household size and languages. Example: {example}",
            {"example": "/newfamily Ahlen UA 4 uk,ru"},
        ),
    ],
    ids=["town", "country", "household-0", "household-40", "language", "extra", "too-few"],
)
async def test_a_malformed_quick_form_is_answered_once_and_stores_nothing(
    bot: BotHarness, arguments: str, msgid: str, values: dict[str, Any]
) -> None:
    await register_staff(bot)

    calls = await bot.send(CASE_MANAGER, f"/newfamily {arguments}")

    assert sent_to(calls) == [("sendMessage", CASE_MANAGER.id)]
    assert calls[0].text == de(msgid, **values)
    assert await family_count(bot) == 0
    assert await bot.storage.audit.actions(CASE_MANAGER.id) == []


async def test_admins_may_not_register_families(bot: BotHarness) -> None:
    role = german_label(Role.ADMIN)

    reply = only_text(await bot.send(ADMIN, "/newfamily Ahlen UA 4 uk,ru"))

    assert reply == de(NOT_ALLOWED, command="newfamily", role=role)
    assert await family_count(bot) == 0
    assert await bot.storage.audit.actions(ADMIN.id) == [
        "staff.bootstrap_admin",
        "access.denied_command",
    ]


# /newfamily: the guided dialog ---------------------------------------------------------------


async def test_the_dialog_with_buttons_through_all_seven_steps_stores_one_family(
    bot: BotHarness,
) -> None:
    await register_staff(bot)

    start = await bot.send(CASE_MANAGER, "/newfamily")
    assert sent_to(start) == [("sendMessage", CASE_MANAGER.id)]
    assert callbacks(start[0])[:2] == ["nf:town:Ahlen", "nf:town:Beckum"]
    assert callbacks(start[0])[-1] == "nf:cancel"

    origin = await bot.press(CASE_MANAGER, "Beckum")
    assert [call.method for call in origin] == ["answerCallbackQuery", "editMessageText"]
    assert "nf:origin:SY" in callbacks(origin[1])

    await bot.press(CASE_MANAGER, "Syrien")
    await bot.press(CASE_MANAGER, "Arabisch")
    languages = await bot.press(CASE_MANAGER, "Kurdisch")
    labels = [button["text"] for button in languages[1].buttons]
    assert {"✓ Arabisch", "✓ Kurdisch", "Ukrainisch"} <= set(labels)
    assert "nf:lang:done" in callbacks(languages[1])

    household = await bot.press(CASE_MANAGER, de("Done"))
    assert callbacks(household[1])[:8] == [f"nf:size:{size}" for size in range(1, 9)]

    ukraine = await bot.press(CASE_MANAGER, "5")
    assert callbacks(ukraine[1]) == ["nf:ua:1", "nf:ua:0", "nf:cancel"]

    benefits = await bot.press(CASE_MANAGER, de("No"))
    assert callbacks(benefits[1]) == [
        "nf:benefit:sgb2",
        "nf:benefit:sgb12",
        "nf:benefit:asylblg",
        "nf:benefit:none",
        "nf:benefit:unknown",
        "nf:cancel",
    ]

    consent = await bot.press(CASE_MANAGER, german_label(BenefitSystem.SGB_II))
    assert callbacks(consent[1]) == ["nf:consent:1", "nf:consent:0", "nf:cancel"]

    summary = await bot.press(CASE_MANAGER, de("Yes, consent given"))
    assert callbacks(summary[1]) == ["nf:save", "nf:cancel"]
    assert "Beckum" in summary[1].text and "Syrien" in summary[1].text
    assert await family_count(bot) == 0

    saved = await bot.press(CASE_MANAGER, de("Save"))

    assert [call.method for call in saved] == [
        "answerCallbackQuery",
        "editMessageReplyMarkup",
        "sendMessage",
    ]
    assert codes(saved[2].text)[0] == "F-0001"
    assert await family_row(bot, 1) == (
        "Beckum",
        "SY",
        5,
        "ar,kmr",
        0,
        "sgb2",
        "2026-11-24",
        "2026-11-24",
        CASE_MANAGER.id,
        "active",
    )
    assert await family_count(bot) == 1


async def test_ukraine_preselects_ukrainian_and_not_known_yet_stores_no_benefit_system(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily")
    await bot.press(CASE_MANAGER, "Ahlen")

    languages = await bot.press(CASE_MANAGER, "Ukraine")

    assert "✓ Ukrainisch" in [button["text"] for button in languages[1].buttons]
    for label in (de("Done"), "3", de("Yes"), de("Not known yet"), de("Not yet"), de("Save")):
        await bot.press(CASE_MANAGER, label)
    assert await family_row(bot, 1) == (
        "Ahlen",
        "UA",
        3,
        "uk",
        1,
        None,
        None,
        "2026-11-24",
        CASE_MANAGER.id,
        "active",
    )


async def test_town_country_languages_and_household_can_be_typed(bot: BotHarness) -> None:
    await register_staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily")

    origin = await bot.send(CASE_MANAGER, "warendorf")
    assert sent_to(origin) == [("sendMessage", CASE_MANAGER.id)]
    assert "nf:origin:UA" in callbacks(origin[0])

    languages = await bot.send(CASE_MANAGER, "Eritrea")
    assert "nf:lang:done" in callbacks(languages[0])

    typed = await bot.send(CASE_MANAGER, "Tigrinya, ar")
    assert "nf:lang:done" in callbacks(typed[0])
    assert {"✓ Tigrinya", "✓ Arabisch"} <= {button["text"] for button in typed[0].buttons}

    await bot.press(CASE_MANAGER, de("Done"))
    ukraine = await bot.send(CASE_MANAGER, "12")
    assert callbacks(ukraine[0]) == ["nf:ua:1", "nf:ua:0", "nf:cancel"]

    for label in (de("No"), german_label(BenefitSystem.ASYLBLG), de("Not yet"), de("Save")):
        await bot.press(CASE_MANAGER, label)
    assert (await family_row(bot, 1))[:7] == ("Warendorf", "ER", 12, "ti,ar", 0, "asylblg", None)


async def test_a_bad_typed_value_is_asked_again_without_leaving_the_dialog(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily")

    bad_town = await bot.send(CASE_MANAGER, "Berlin")
    await bot.send(CASE_MANAGER, "Ahlen")
    bad_country = await bot.send(CASE_MANAGER, "Atlantis")
    await bot.send(CASE_MANAGER, "SY")
    bad_language = await bot.send(CASE_MANAGER, "Elbisch")
    await bot.send(CASE_MANAGER, "ar")
    await bot.press(CASE_MANAGER, de("Done"))
    bad_size = await bot.send(CASE_MANAGER, "31")
    ukraine = await bot.send(CASE_MANAGER, "2")

    assert [call.method for call in bad_town] == ["sendMessage"]
    assert "Berlin" in bad_town[0].text and bad_town[0].buttons == []
    assert [call.method for call in bad_country] == ["sendMessage"]
    assert "Atlantis" in bad_country[0].text
    # The languages step names the wrong word, then shows its buttons again.
    assert [call.method for call in bad_language] == ["sendMessage", "sendMessage"]
    assert "Elbisch" in bad_language[0].text
    assert "nf:lang:done" in callbacks(bad_language[1])
    assert [call.method for call in bad_size] == ["sendMessage"]
    assert "31" in bad_size[0].text
    assert callbacks(ukraine[0]) == ["nf:ua:1", "nf:ua:0", "nf:cancel"]

    for label in (de("No"), de("Not known yet"), de("Not yet"), de("Save")):
        await bot.press(CASE_MANAGER, label)
    assert (await family_row(bot, 1))[:4] == ("Ahlen", "SY", 2, "ar")


async def test_done_without_a_language_is_refused_with_a_notice(bot: BotHarness) -> None:
    await register_staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily")
    await bot.press(CASE_MANAGER, "Ahlen")
    await bot.press(CASE_MANAGER, "Syrien")

    refused = await bot.press(CASE_MANAGER, de("Done"))

    assert [call.method for call in refused] == ["answerCallbackQuery"]
    assert refused[0].text == de("Please choose at least one language.")
    # Still at the languages step: choosing one and Done moves on.
    await bot.press(CASE_MANAGER, "Arabisch")
    household = await bot.press(CASE_MANAGER, de("Done"))
    assert "nf:size:1" in callbacks(household[1])


async def test_a_language_pressed_twice_is_unselected(bot: BotHarness) -> None:
    await register_staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily")
    await bot.press(CASE_MANAGER, "Ahlen")
    await bot.press(CASE_MANAGER, "Syrien")
    await bot.press(CASE_MANAGER, "Arabisch")
    await bot.press(CASE_MANAGER, "Persisch")
    await bot.press(CASE_MANAGER, "✓ Arabisch")

    for label in (de("Done"), "1", de("No"), de("Not known yet"), de("Not yet"), de("Save")):
        await bot.press(CASE_MANAGER, label)

    assert (await family_row(bot, 1))[3] == "fa"


async def test_cancel_ends_the_dialog_and_stores_nothing(bot: BotHarness) -> None:
    await register_staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily")
    await bot.press(CASE_MANAGER, "Ahlen")
    await bot.press(CASE_MANAGER, "Syrien")

    cancelled = await bot.send(CASE_MANAGER, "/cancel")
    afterwards = await bot.send(CASE_MANAGER, "Arabisch")

    assert cancelled[0].text == de(CANCELLED)
    assert sent_to(cancelled) == [("sendMessage", CASE_MANAGER.id)]
    # The dialog is over: typed text is no longer taken as an answer.
    assert only_text(afterwards) == de(
        "I did not understand that. /help lists the commands you may use."
    )
    assert await family_count(bot) == 0
    assert await bot.storage.audit.actions(CASE_MANAGER.id) == []


async def test_the_cancel_button_ends_the_dialog_at_the_last_step(bot: BotHarness) -> None:
    await register_staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily")
    for label in ("Ahlen", "Ukraine", de("Done"), "4", de("Yes"), de("Not known yet")):
        await bot.press(CASE_MANAGER, label)
    await bot.press(CASE_MANAGER, de("Not yet"))

    cancelled = await bot.press(CASE_MANAGER, de("Cancel"))

    assert [call.method for call in cancelled] == ["answerCallbackQuery", "editMessageText"]
    assert cancelled[1].text == de(CANCELLED)
    assert cancelled[1].buttons == []
    assert await family_count(bot) == 0
    # The Save button is gone with the edited message; an old button is no longer active.
    assert bot.telegram.find_button(CASE_MANAGER.id, de("Save")) is None


async def test_text_at_a_button_only_step_gets_a_hint_and_the_dialog_goes_on(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily")
    for label in ("Ahlen", "Ukraine", de("Done"), "4"):
        await bot.press(CASE_MANAGER, label)

    hint = await bot.send(CASE_MANAGER, "ja")

    assert only_text(hint) == de(USE_BUTTONS)
    for label in (de("Yes"), de("Not known yet"), de("Not yet"), de("Save")):
        await bot.press(CASE_MANAGER, label)
    assert (await family_row(bot, 1))[:5] == ("Ahlen", "UA", 4, "uk", 1)


async def test_newfamily_again_mid_dialog_starts_afresh(bot: BotHarness) -> None:
    await register_staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily")
    for label in ("Beckum", "Syrien", "Arabisch", de("Done")):
        await bot.press(CASE_MANAGER, label)

    restart = await bot.send(CASE_MANAGER, "/newfamily")

    assert sent_to(restart) == [("sendMessage", CASE_MANAGER.id)]
    assert callbacks(restart[0])[0] == "nf:town:Ahlen"
    for label in ("Oelde", "Irak", de("Done")):
        await bot.press(CASE_MANAGER, label)
    # Nothing of the first run is left: no language is preselected.
    assert await family_count(bot) == 0
    await bot.press(CASE_MANAGER, "Kurdisch")
    for label in (de("Done"), "6", de("No"), de("Not known yet"), de("Not yet"), de("Save")):
        await bot.press(CASE_MANAGER, label)
    assert await family_count(bot) == 1
    assert (await family_row(bot, 1))[:4] == ("Oelde", "IQ", 6, "kmr")


async def test_admins_may_not_start_the_dialog(bot: BotHarness) -> None:
    calls = await bot.send(ADMIN, "/newfamily")

    assert [call.method for call in calls] == ["sendMessage"]
    assert calls[0].buttons == []
    assert await bot.storage.audit.actions(ADMIN.id) == [
        "staff.bootstrap_admin",
        "access.denied_command",
    ]


async def press_data(bot: BotHarness, person: Person, near: str, data: str) -> list[BotCall]:
    """Send a button press with made-up `data` on the message that has the button `near`."""
    message_id, _button = bot.telegram.find_button(person.id, near)
    return await bot.process(bot.telegram.callback_update(person, message_id, data))


@pytest.mark.parametrize(
    ("step", "near", "data"),
    [(0, "Ahlen", "nf:town:Berlin"), (1, "Syrien", "nf:origin:XX")],
    ids=["town", "origin"],
)
async def test_a_forged_dialog_button_stores_no_unknown_town_or_country(
    bot: BotHarness, step: int, near: str, data: str
) -> None:
    await register_staff(bot)
    await bot.send(CASE_MANAGER, "/newfamily")
    answers = ["Ahlen", "Syrien", "Arabisch", de("Done"), "2", de("No")]
    answers += [de("Not known yet"), de("Not yet"), de("Save")]
    for label in answers[:step]:
        await bot.press(CASE_MANAGER, label)

    await press_data(bot, CASE_MANAGER, near, data)
    for label in answers[step + 1 :]:
        if bot.telegram.find_button(CASE_MANAGER.id, label) is not None:
            await bot.press(CASE_MANAGER, label)

    rows = await bot.storage.db.fetch_all("SELECT town, origin FROM families")
    assert [tuple(row) for row in rows] in ([], [("Ahlen", "SY")])


# /consent and /closefamily ------------------------------------------------------------------


async def test_consent_is_recorded_and_the_warning_disappears_from_the_caseload(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)
    before = only_text(await bot.send(CASE_MANAGER, "/families"))
    bot.time.advance(days=2)

    reply = only_text(await bot.send(CASE_MANAGER, "/consent F-0001"))
    after = only_text(await bot.send(CASE_MANAGER, "/families"))

    assert "F-0001" in reply
    assert (await family_row(bot, 1))[6] == "2026-11-26"
    assert "⚠" in before
    assert "F-0001" in after and "⚠" not in after
    assert "family.consent" in await bot.storage.audit.actions(CASE_MANAGER.id)


async def test_consent_recorded_once_keeps_its_original_date(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/consent F-0001")
    bot.time.advance(days=3)

    reply = only_text(await bot.send(CASE_MANAGER, "/consent F-0001"))

    assert reply == de(
        "Written consent of {code} was already recorded on {date}.",
        code="F-0001",
        date="24.11.2026",
    )
    family = await bot.storage.families.get(1)
    assert str(family.consent_on) == "2026-11-24"


async def test_consent_for_another_case_managers_family_is_refused(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, COLLEAGUE)

    reply = only_text(await bot.send(CASE_MANAGER, "/consent F-0001"))

    assert reply == de(NOT_IN_CASELOAD, code="F-0001")
    assert (await family_row(bot, 1))[6] is None


async def test_closefamily_closes_with_reason_and_the_family_leaves_the_caseload(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)
    await new_family(bot, CASE_MANAGER, "Beckum SY 3 ar")
    bot.time.advance(days=1)

    reply = only_text(await bot.send(CASE_MANAGER, "/closefamily F-0001 nach Berlin verzogen"))
    caseload = only_text(await bot.send(CASE_MANAGER, "/families"))

    assert "F-0001" in reply
    row = await bot.storage.db.fetch_one(
        "SELECT status, closed_on, close_reason FROM families WHERE id = 1"
    )
    assert tuple(row) == ("closed", "2026-11-25", "nach Berlin verzogen")
    assert codes(caseload) == ["F-0002"]
    assert "family.close" in await bot.storage.audit.actions(CASE_MANAGER.id)


async def test_closefamily_without_reason_stores_no_reason(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)

    await bot.send(CASE_MANAGER, "/closefamily F-0001")

    row = await bot.storage.db.fetch_one("SELECT status, close_reason FROM families WHERE id = 1")
    assert tuple(row) == ("closed", None)


async def test_nothing_can_be_logged_for_a_closed_family(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/closefamily F-0001 Ziel erreicht")

    logged = only_text(await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch arbeit"))
    consent = only_text(await bot.send(CASE_MANAGER, "/consent F-0001"))
    closed_again = only_text(await bot.send(CASE_MANAGER, "/closefamily F-0001"))

    expected = de(
        "{code} was closed on {date}. Nothing can be recorded for a closed family.",
        code="F-0001",
        date="24.11.2026",
    )
    assert logged == consent == closed_again == expected
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM contacts") == 0
    assert (await family_row(bot, 1))[6] is None


@pytest.mark.parametrize(
    ("text", "msgid"),
    [
        ("/consent", "Which family? Example: /consent F-0042"),
        ("/consent F-0001 F-0002", "Which family? Example: /consent F-0042"),
        ("/closefamily", "Which family? Example: /closefamily F-0042 moved away"),
        (
            "/transfer F-0001",
            "Which family, and to whom? Example: /transfer F-0042 @anna_kim",
        ),
    ],
)
async def test_a_family_command_without_its_arguments_shows_an_example(
    bot: BotHarness, text: str, msgid: str
) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)
    person = COORDINATOR if text.startswith("/transfer") else CASE_MANAGER

    reply = only_text(await bot.send(person, text))

    assert reply == de(msgid)
    assert await family_row(bot, 1) == (
        "Ahlen",
        "UA",
        4,
        "uk,ru",
        1,
        None,
        None,
        "2026-11-24",
        CASE_MANAGER.id,
        "active",
    )


# /transfer ----------------------------------------------------------------------------------


async def test_transfer_moves_the_family_and_tells_the_new_case_manager_in_their_language(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Until the catalogs have it, a stand-in Ukrainian text tells the languages apart.
    monkeypatch.setitem(i18n._catalog("uk")._catalog, TRANSFER_NOTICE, "UK: " + TRANSFER_NOTICE)
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)

    calls = await bot.send(COORDINATOR, "/transfer F-0001 @oksana_cm")

    assert sent_to(calls) == [("sendMessage", COORDINATOR.id), ("sendMessage", COLLEAGUE.id)]
    assert "F-0001" in calls[0].text and "@oksana_cm" in calls[0].text
    assert calls[1].text == in_locale("uk", TRANSFER_NOTICE, code="F-0001", name="@konrad_koord")
    assert calls[1].text != de(TRANSFER_NOTICE, code="F-0001", name="@konrad_koord")
    assert (await family_row(bot, 1))[8] == COLLEAGUE.id
    rows = await bot.storage.db.fetch_all(
        "SELECT action, subject, detail FROM audit_log WHERE action = 'family.transfer'"
    )
    assert [tuple(row) for row in rows] == [("family.transfer", "F-0001", str(COLLEAGUE.id))]


async def test_after_a_transfer_the_old_case_manager_is_refused_the_family(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)
    await bot.send(COORDINATOR, "/transfer F-0001 @oksana_cm")

    refused = only_text(await bot.send(CASE_MANAGER, "/family F-0001"))
    new_owner = only_text(await bot.send(COLLEAGUE, "/family F-0001"))
    caseload = only_text(await bot.send(CASE_MANAGER, "/families"))

    assert refused == de(NOT_IN_CASELOAD, code="F-0001")
    assert "Ahlen" in new_owner
    assert codes(caseload) == []
    assert await bot.storage.audit.actions(CASE_MANAGER.id) == ["family.create", "family.denied"]


@pytest.mark.parametrize("target", ["@niemand", str(ADMIN.id), "@oksana_cm"])
async def test_transfer_to_an_unknown_admin_or_revoked_person_is_refused(
    bot: BotHarness, target: str
) -> None:
    await register_staff(bot)
    await bot.storage.staff.revoke(COLLEAGUE.id, ADMIN.id, bot.time())
    await new_family(bot, CASE_MANAGER)

    calls = await bot.send(COORDINATOR, f"/transfer F-0001 {target}")

    assert sent_to(calls) == [("sendMessage", COORDINATOR.id)]
    assert calls[0].text == de(NOT_STAFF, name=target)
    assert (await family_row(bot, 1))[8] == CASE_MANAGER.id
    assert "family.transfer" not in await bot.storage.audit.actions(COORDINATOR.id)


async def test_transfer_to_the_current_case_manager_changes_nothing(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)

    calls = await bot.send(COORDINATOR, "/transfer F-0001 @anna_kim")

    assert sent_to(calls) == [("sendMessage", COORDINATOR.id)]
    assert calls[0].text == de("{code} is already with {name}.", code="F-0001", name="@anna_kim")
    assert "family.transfer" not in await bot.storage.audit.actions(COORDINATOR.id)


async def test_case_managers_may_not_transfer(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)
    role = german_label(Role.CASE_MANAGER)

    reply = only_text(await bot.send(CASE_MANAGER, "/transfer F-0001 @oksana_cm"))

    assert reply == de(NOT_ALLOWED, command="transfer", role=role)
    assert (await family_row(bot, 1))[8] == CASE_MANAGER.id
    assert (await bot.storage.audit.actions(CASE_MANAGER.id))[-1] == "access.denied_command"


# /families ----------------------------------------------------------------------------------


async def test_a_case_manager_sees_only_their_own_active_families(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)  # F-0001
    await new_family(bot, COLLEAGUE)  # F-0002
    await new_family(bot, CASE_MANAGER, "Beckum SY 3 ar")  # F-0003
    await new_family(bot, CASE_MANAGER, "Oelde IQ 2 ar")  # F-0004
    await bot.send(CASE_MANAGER, "/closefamily F-0004")

    calls = await bot.send(CASE_MANAGER, "/families")

    assert sent_to(calls) == [("sendMessage", CASE_MANAGER.id)]
    assert codes(calls[0].text) == ["F-0003", "F-0001"]
    assert calls[0].buttons == []


async def test_the_caseload_is_ordered_by_the_newest_contact_or_else_the_opening(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    for _family in range(3):  # F-0001 to F-0003 opened on 24.11.
        await new_family(bot, CASE_MANAGER)
    bot.time.advance(days=2)
    await new_family(bot, CASE_MANAGER)  # F-0004 opened on 26.11.
    bot.time.advance(days=1)
    await log_contact(bot, CASE_MANAGER, "F-0001 25.11. 45m telefon arbeit")
    await log_contact(bot, CASE_MANAGER, "F-0002 heute 30m telefon arbeit")

    reply = only_text(await bot.send(CASE_MANAGER, "/families"))

    # 27.11. (contact), 26.11. (opened), 25.11. (contact), 24.11. (opened).
    assert codes(reply) == ["F-0002", "F-0004", "F-0001", "F-0003"]
    lines = {codes(line)[0]: line for line in reply.splitlines() if codes(line)}
    assert "27.11.2026" in lines["F-0002"]
    assert "25.11.2026" in lines["F-0001"]


async def test_more_than_ten_families_are_paged_and_the_arrow_edits_the_message(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    for _family in range(12):
        await new_family(bot, CASE_MANAGER)

    first = await bot.send(CASE_MANAGER, "/families")

    assert codes(first[0].text) == [f"F-{n:04d}" for n in range(12, 2, -1)]
    assert callbacks(first[0]) == [f"families:1:cm{CASE_MANAGER.id}"]
    message_id, _button = bot.telegram.find_button(CASE_MANAGER.id, "▶")

    second = await bot.press(CASE_MANAGER, "▶")

    assert [call.method for call in second] == ["answerCallbackQuery", "editMessageText"]
    assert second[1].params["message_id"] == message_id
    assert codes(second[1].text) == ["F-0002", "F-0001"]
    assert callbacks(second[1]) == [f"families:0:cm{CASE_MANAGER.id}"]

    back = await bot.press(CASE_MANAGER, "◀")
    assert codes(back[1].text) == codes(first[0].text)


async def test_ten_families_fit_on_one_page(bot: BotHarness) -> None:
    await register_staff(bot)
    for _family in range(10):
        await new_family(bot, CASE_MANAGER)

    calls = await bot.send(CASE_MANAGER, "/families")

    assert len(codes(calls[0].text)) == 10
    assert calls[0].buttons == []


async def test_coordinators_see_all_families_and_can_filter_by_person_or_town(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)  # F-0001 Ahlen
    await new_family(bot, COLLEAGUE, "Beckum SY 3 ar")  # F-0002
    await new_family(bot, COLLEAGUE, "Ahlen UA 2 uk")  # F-0003
    await new_family(bot, CASE_MANAGER, "Telgte AF 5 fa")  # F-0004

    everything = only_text(await bot.send(COORDINATOR, "/families"))
    by_person = only_text(await bot.send(COORDINATOR, "/families @anna_kim"))
    by_id = only_text(await bot.send(COORDINATOR, f"/families {COLLEAGUE.id}"))
    by_town = only_text(await bot.send(COORDINATOR, "/families ahlen"))
    unknown = only_text(await bot.send(COORDINATOR, "/families Atlantis"))

    assert codes(everything) == ["F-0004", "F-0003", "F-0002", "F-0001"]
    assert codes(by_person) == ["F-0004", "F-0001"]
    assert "@anna_kim" in by_person
    assert codes(by_id) == ["F-0003", "F-0002"]
    assert codes(by_town) == ["F-0003", "F-0001"]
    assert unknown == de(
        "“{text}” is neither a staff member nor a town. Examples: /families @anna_kim, "
        "/families Ahlen",
        text="Atlantis",
    )


async def test_a_coordinators_filtered_pages_keep_the_filter(bot: BotHarness) -> None:
    await register_staff(bot)
    for _family in range(11):
        await new_family(bot, CASE_MANAGER, "Beckum SY 3 ar")
    await new_family(bot, CASE_MANAGER)  # F-0012 in Ahlen
    for _family in range(2):
        await new_family(bot, COLLEAGUE, "Beckum SY 3 ar")  # F-0013, F-0014

    first = await bot.send(COORDINATOR, "/families Beckum")
    assert callbacks(first[0]) == ["families:1:tBeckum"]
    second = await bot.press(COORDINATOR, "▶")

    assert len(codes(first[0].text)) == 10
    assert "F-0012" not in codes(first[0].text) + codes(second[1].text)
    assert codes(second[1].text) == ["F-0003", "F-0002", "F-0001"]


async def test_a_case_manager_may_not_filter_the_caseload(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, COLLEAGUE)

    reply = only_text(await bot.send(CASE_MANAGER, "/families @oksana_cm"))

    assert reply == de("You see your own caseload: /families without anything after it.")


@pytest.mark.parametrize("selection", ["", f"cm{COLLEAGUE.id}", "tAhlen"])
async def test_a_forged_page_button_shows_a_case_manager_only_their_own_families(
    bot: BotHarness, selection: str
) -> None:
    await register_staff(bot)
    for _family in range(11):
        await new_family(bot, CASE_MANAGER, "Beckum SY 3 ar")  # F-0001 to F-0011
    for _family in range(3):
        await new_family(bot, COLLEAGUE)  # F-0012 to F-0014 in Ahlen
    await bot.send(CASE_MANAGER, "/families")
    # On page 2, so that showing page 1 changes the message (Telegram refuses an edit that
    # changes nothing).
    await bot.press(CASE_MANAGER, "▶")
    message_id, _button = bot.telegram.find_button(CASE_MANAGER.id, "◀")

    calls = await bot.process(
        bot.telegram.callback_update(CASE_MANAGER, message_id, f"families:0:{selection}")
    )

    assert [call.method for call in calls] == ["answerCallbackQuery", "editMessageText"]
    shown = codes(calls[1].text)
    assert shown == [f"F-{n:04d}" for n in range(11, 1, -1)]
    assert callbacks(calls[1]) == [f"families:1:cm{CASE_MANAGER.id}"]


async def test_a_forged_page_number_beyond_any_caseload_is_not_a_crash(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    for _family in range(11):
        await new_family(bot, CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/families")

    calls = await press_data(bot, CASE_MANAGER, "▶", "families:99:")

    assert [call.method for call in calls] == ["answerCallbackQuery", "editMessageText"]
    assert codes(calls[1].text) == []
    assert callbacks(calls[1]) == [f"families:98:cm{CASE_MANAGER.id}"]


async def test_a_forged_huge_page_number_is_answered_not_crashed(bot: BotHarness) -> None:
    await register_staff(bot)
    for _family in range(11):
        await new_family(bot, CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/families")

    calls = await press_data(bot, CASE_MANAGER, "▶", "families:99999999999999999999:")

    assert calls[0].method == "answerCallbackQuery"


# /family ------------------------------------------------------------------------------------


async def test_family_shows_the_record_and_its_latest_contacts_and_is_audited(
    bot: BotHarness,
) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER, "Ahlen UA 4 uk")
    await bot.take_in(date(2026, 11, 17))
    for day in range(18, 24):  # 18.11. to 23.11.
        await log_contact(bot, CASE_MANAGER, f"F-0001 {day}.11. 45m hausbesuch arbeit")

    calls = await bot.send(CASE_MANAGER, "/family F-0001")

    assert sent_to(calls) == [("sendMessage", CASE_MANAGER.id)]
    card = calls[0].text
    for fact in ("F-0001", "Ahlen", "Ukraine", "Ukrainisch", "4", "@anna_kim", "17.11.2026"):
        assert fact in card
    # The five newest contacts, newest first, each with its number; the oldest is left out.
    shown = re.findall(r"Nr\. (\d) · (\d\d)\.11\.2026:", card)
    assert shown == [("6", "23"), ("5", "22"), ("4", "21"), ("3", "20"), ("2", "19")]
    assert "18.11.2026" not in card
    rows = await bot.storage.db.fetch_all(
        "SELECT actor_id, subject FROM audit_log WHERE action = 'family.view'"
    )
    assert [tuple(row) for row in rows] == [(CASE_MANAGER.id, "F-0001")]


async def test_family_without_contacts_says_so(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)

    reply = only_text(await bot.send(CASE_MANAGER, "/family f-1"))

    assert reply.endswith(de("No contacts logged yet."))
    assert "F-0001" in reply


async def test_coordinators_see_every_family_and_closed_ones_too(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, CASE_MANAGER)
    bot.time.advance(days=3)
    await bot.send(CASE_MANAGER, "/closefamily F-0001 Umzug")

    reply = only_text(await bot.send(COORDINATOR, "/family F-0001"))

    assert "27.11.2026" in reply and "Umzug" in reply and "@anna_kim" in reply
    assert await bot.storage.audit.actions(COORDINATOR.id) == ["family.view"]


async def test_another_case_managers_family_is_refused_and_audited(bot: BotHarness) -> None:
    await register_staff(bot)
    await new_family(bot, COLLEAGUE)

    reply = only_text(await bot.send(CASE_MANAGER, "/family F-0001"))

    assert reply == de(NOT_IN_CASELOAD, code="F-0001")
    rows = await bot.storage.db.fetch_all(
        "SELECT action, subject FROM audit_log WHERE actor_id = ?", (CASE_MANAGER.id,)
    )
    assert [tuple(row) for row in rows] == [("family.denied", "F-0001")]


async def test_an_unknown_and_a_malformed_code_get_their_own_answers(bot: BotHarness) -> None:
    await register_staff(bot)

    unknown = only_text(await bot.send(CASE_MANAGER, "/family F-0999"))
    malformed = only_text(await bot.send(CASE_MANAGER, "/family X-1"))
    missing = only_text(await bot.send(CASE_MANAGER, "/family"))

    assert unknown == de("There is no family {code}. /families lists your families.", code="F-0999")
    assert malformed == de(
        "“{text}” is not a family code. Family codes look like F-0042.", text="X-1"
    )
    assert missing == de("Which family? Example: /family F-0042")
    assert await bot.storage.audit.actions(CASE_MANAGER.id) == []
