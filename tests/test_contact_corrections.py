"""/log korrektur: a logged contact corrected after the undo window by its author or the
coordination, audited with old and new values, its figures moved exactly; the /log dialog's
date step; no contact dated before the family's intake."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.casework.vocabulary import ContactType, Topic, topics_to_bits
from bot.core.config import Settings
from bot.core.i18n import format_date, use_locale
from bot.demo.data import generate
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.harness import BotHarness, only_text, texts
from tests.helpers.texts import de, in_locale

INTAKE = date(2026, 11, 2)  # Monday of ISO week 45
CORRECTED = "✏️ Contact no. {id} corrected:"
CHANGED = "Changed: {changes}"
NO_SUCH = (
    "You have no contact no. {id} to correct. /family shows a family's recent contacts with "
    "their numbers; a contact is corrected by the person who logged it or by the coordination."
)
BEFORE_INTAKE = (
    "{code} was taken in on {intake}: a contact cannot be dated before the intake. "
    "Example: {example}"
)
HELD = (
    "Nothing was saved yet: the text seems to contain {kinds}. KIM-Bot works with family "
    "codes, never names or other identifying details. Tap Edit to send it again without "
    "them, or Save anyway if this is not personal data."
)


@pytest.fixture
async def casework(bot: BotHarness) -> BotHarness:
    """Anna with F-0001 (Ahlen, Ukraine) and F-0002 (Beckum, Syria), taken in on 02.11.;
    Oksana (Ukrainian) with F-0003 (Telgte), taken in today; a coordinator; an admin.
    Contact no. 1 is Anna's home visit today, logged 31 minutes ago (past the undo window)."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(ADMIN, Role.ADMIN)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru einwilligung")
    await bot.send(CASE_MANAGER, "/newfamily Beckum SY 5 ar einwilligung")
    await bot.take_in(INTAKE)
    await bot.send(COLLEAGUE, "/newfamily Telgte UA 3 uk згода")
    await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch aufenthalt: Termin vorbereitet")
    bot.time.advance(minutes=31)
    return bot


async def contact_row(bot: BotHarness, contact_id: int = 1) -> dict:
    row = await bot.storage.db.fetch_one("SELECT * FROM contacts WHERE id = ?", (contact_id,))
    return dict(row) if row else {}


async def audit(bot: BotHarness, action: str) -> list[tuple]:
    rows = await bot.storage.db.fetch_all(
        "SELECT actor_id, subject, detail FROM audit_log WHERE action = ? ORDER BY id", (action,)
    )
    return [tuple(row) for row in rows]


# Correcting ---------------------------------------------------------------------------------


async def test_the_author_corrects_every_field_and_the_row_keeps_its_id_and_origin(
    casework: BotHarness,
) -> None:
    bot = casework
    before = await contact_row(bot)

    reply = only_text(
        await bot.send(
            CASE_MANAGER,
            "/log korrektur 1 datum 20.11. dauer 1,5h art beratung themen wohnen,arbeit "
            "notiz Wohnungsangebot besprochen",
        )
    )

    assert reply.splitlines() == [
        de(CORRECTED, id=1),
        "F-0001 · 20.11.2026 · Beratung im Büro · 1 Std., 30 Min.",
        "Themen: Arbeit/Jobsuche und Wohnen",
        "Notiz: Wohnungsangebot besprochen",
        de(CHANGED, changes="Datum 24.11.2026 → 20.11.2026; Dauer 45 Min. → 1 Std., 30 Min.; "
           "Art Hausbesuch → Beratung im Büro; Themen Aufenthalt/Asyl → Arbeit/Jobsuche "
           "und Wohnen; Notiz"),
    ]  # fmt: skip
    after = await contact_row(bot)
    assert (after["contact_on"], after["minutes"], after["contact_type"]) == (
        "2026-11-20",
        90,
        "office",
    )
    assert after["topics"] == topics_to_bits([Topic.WORK, Topic.HOUSING])
    assert after["note"] == "Wohnungsangebot besprochen"
    # The same contact: its id, author, time of logging and source stay.
    unchanged = ("id", "family_id", "staff_id", "created_at", "source_chat_id",
                 "source_message_id", "referral", "follow_up_on", "reminded_at")  # fmt: skip
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    # One line for the correction with old and new values, never the note; no second
    # "contact.create" for the row stored again.
    assert await audit(bot, "contact.correct") == [
        (
            CASE_MANAGER.id,
            "F-0001",
            "1 date 2026-11-24→2026-11-20; minutes 45→90; type home_visit→office; "
            "topics residence→work,housing; note changed",
        )
    ]
    assert await audit(bot, "contact.create") == [(CASE_MANAGER.id, "F-0001", "1")]


async def test_values_without_field_words_read_as_in_log(casework: BotHarness) -> None:
    bot = casework

    reply = only_text(await bot.send(CASE_MANAGER, "/log fix 1 gestern 30m telefon"))

    assert reply.splitlines()[-1] == de(
        CHANGED, changes="Datum 24.11.2026 → 23.11.2026; Dauer 45 Min. → 30 Min.; "
        "Art Hausbesuch → Telefonat"
    )  # fmt: skip
    row = await contact_row(bot)
    assert (row["contact_on"], row["minutes"], row["contact_type"], row["note"]) == (
        "2026-11-23",
        30,
        "phone",
        "Termin vorbereitet",
    )


async def test_a_correction_moves_the_figures_to_the_previous_week(
    casework: BotHarness,
) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, "/log F-0002 gestern 30m telefon arbeit")  # no. 2, W48
    await bot.send(CASE_MANAGER, "/log F-0001 17.11. 60m beratung arbeit")  # no. 3, W47
    week_48 = only_text(await bot.send(COORDINATOR, "/week 2026-W48"))
    week_47 = only_text(await bot.send(COORDINATOR, "/week 2026-W47"))
    # W48 (23.–29.11.): no. 1 (45 min, F-0001, Ukraine) and no. 2 (30 min, F-0002):
    # 2 contacts, 75 min = 1.25 h → 1,3; 2 families, 1 of them from Ukraine.
    # W47 (16.–22.11.): no. 3 (60 min, F-0001): 1 contact, 1 h, 1 family from Ukraine.
    assert "Kontakte: 2 (+1) · Stunden: 1,3 (+0,3)" in week_48
    assert "Erreichte Familien: 2 (+1), davon aus der Ukraine geflüchtet: 1 (±0)" in week_48
    assert "Kontakte: 1 (+1) · Stunden: 1 (+1)" in week_47

    await bot.send(CASE_MANAGER, "/log korrektur 1 19.11. 90m")
    week_48 = only_text(await bot.send(COORDINATOR, "/week 2026-W48"))
    week_47 = only_text(await bot.send(COORDINATOR, "/week 2026-W47"))

    # No. 1 moves to Thursday 19.11. (W47) with 90 min. W48: only no. 2: 1 contact, 30 min =
    # 0,5 h, 1 family (F-0002), none from Ukraine; against W47 now: 1 − 2 = −1 contact,
    # 0.5 − 2.5 = −2 h. W47: no. 3 and no. 1: 2 contacts, 60 + 90 = 150 min = 2,5 h, still
    # 1 family (F-0001, twice), from Ukraine; against W46 (nothing): +2, +2,5.
    assert "Kontakte: 1 (−1) · Stunden: 0,5 (−2)" in week_48
    assert "Erreichte Familien: 1 (±0), davon aus der Ukraine geflüchtet: 0 (−1)" in week_48
    assert "Kontakte: 2 (+2) · Stunden: 2,5 (+2,5)" in week_47
    assert "Erreichte Familien: 1 (+1), davon aus der Ukraine geflüchtet: 1 (+1)" in week_47
    # The daily totals moved with it: 24.11. has nothing left, 19.11. has the 90 minutes.
    days = await bot.storage.db.fetch_all(
        "SELECT day, contact_type, contacts, minutes FROM contact_days WHERE contacts > 0 "
        "ORDER BY day"
    )
    assert [tuple(row) for row in days] == [
        ("2026-11-17", "office", 1, 60),
        ("2026-11-19", "home_visit", 1, 90),
        ("2026-11-23", "phone", 1, 30),
    ]


async def test_the_coordination_corrects_any_contact_and_others_learn_nothing(
    casework: BotHarness,
) -> None:
    bot = casework

    colleague = only_text(await bot.send(COLLEAGUE, "/log korrektur 1 dauer 60m"))
    unknown = only_text(await bot.send(CASE_MANAGER, "/log korrektur 99 dauer 60m"))
    coordinator = only_text(await bot.send(COORDINATOR, "/log korrektur 1 dauer 60m"))

    # Another case manager's answer is the one for a number that does not exist.
    assert colleague == in_locale("uk", NO_SUCH, id=1)
    assert unknown == de(NO_SUCH, id=99)
    assert coordinator.splitlines()[-1] == de(CHANGED, changes="Dauer 45 Min. → 1 Std.")
    assert (await contact_row(bot))["minutes"] == 60
    assert await audit(bot, "contact.correct") == [(COORDINATOR.id, "F-0001", "1 minutes 45→60")]


async def test_admins_are_refused_by_the_gate(casework: BotHarness) -> None:
    reply = only_text(await casework.send(ADMIN, "/log korrektur 1 dauer 60m"))

    assert reply.startswith("/log ist für Ihre Rolle (Administrator*in) nicht freigegeben.")
    assert (await contact_row(casework))["minutes"] == 45


async def test_the_same_correction_again_changes_nothing(casework: BotHarness) -> None:
    """A correction's update delivered twice is applied once."""
    bot = casework
    update = bot.telegram.message_update(CASE_MANAGER, "/log korrektur 1 dauer 60m")

    await bot.process(update)
    again = only_text(await bot.process(update))

    assert again.splitlines()[0] == de(
        "Contact no. {id} reads so already; nothing was changed:", id=1
    )
    assert len(await audit(bot, "contact.correct")) == 1


async def test_the_logging_update_delivered_again_after_a_correction_stores_nothing(
    bot: BotHarness,
) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk einwilligung")
    logging = bot.telegram.message_update(CASE_MANAGER, "/log F-0001 45m hausbesuch arbeit")
    await bot.process(logging)
    await bot.send(CASE_MANAGER, "/log korrektur 1 dauer 60m")

    again = only_text(await bot.process(logging))

    assert again.startswith(de("This contact was already saved:"))
    rows = await bot.storage.db.fetch_all("SELECT id, minutes FROM contacts")
    assert [tuple(row) for row in rows] == [(1, 60)]


async def test_a_flag_raised_from_the_contact_stays_with_it(casework: BotHarness) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, "/log F-0002 30m telefon arbeit: Wartezeit #struktur")
    [flag_before] = await bot.storage.db.fetch_all("SELECT id, contact_id FROM flags")

    await bot.send(CASE_MANAGER, "/log korrektur 2 dauer 20m")

    [flag_after] = await bot.storage.db.fetch_all("SELECT id, contact_id FROM flags")
    assert tuple(flag_after) == tuple(flag_before) == (1, 2)


async def test_a_note_corrected_to_mark_a_structural_gap_raises_the_flag(
    casework: BotHarness,
) -> None:
    bot = casework

    calls = await bot.send(CASE_MANAGER, "/log korrektur 1 notiz Wartezeit ABH #struktur")

    assert texts(calls)[0].splitlines()[-1] == de(
        "Structural gap #{id} recorded; the coordination has been told.", id=1
    )
    assert [call.params["chat_id"] for call in calls[1:]] == [COORDINATOR.id]
    rows = await bot.storage.db.fetch_all("SELECT contact_id, raised_by FROM flags")
    assert [tuple(row) for row in rows] == [(1, CASE_MANAGER.id)]


async def test_a_note_with_personal_data_is_held_until_save_anyway(casework: BotHarness) -> None:
    bot = casework
    note = "Frau Kovalenko hat Diabetes"

    held = only_text(await bot.send(CASE_MANAGER, f"/log korrektur 1: {note}"))
    assert held.startswith(de(HELD).split("{kinds}")[0])
    assert (await contact_row(bot))["note"] == "Termin vorbereitet"

    await bot.press(CASE_MANAGER, de("Save anyway"))

    assert (await contact_row(bot))["note"] == note
    assert await audit(bot, "contact.correct") == [(CASE_MANAGER.id, "F-0001", "1 note changed")]
    [(actor, subject, kinds)] = await audit(bot, "contact.personal_data_kept")
    assert (actor, subject) == (CASE_MANAGER.id, "F-0001") and "Kovalenko" not in kinds


async def test_edit_under_a_held_note_changes_nothing(casework: BotHarness) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, "/log korrektur 1 notiz Frau Kovalenko hat Diabetes")

    calls = await bot.press(CASE_MANAGER, de("Edit"))

    assert calls[-1].text == de(
        "Nothing was changed. Please send the correction again with a note without personal "
        "data, e.g. {example}",
        example="/log korrektur 1 datum 20.11. dauer 45m notiz Termin verschoben",
    )
    assert (await contact_row(bot))["note"] == "Termin vorbereitet"
    assert await audit(bot, "contact.correct") == []


async def test_a_note_is_taken_away_with_a_dash(casework: BotHarness) -> None:
    await casework.send(CASE_MANAGER, "/log korrektur 1 notiz -")

    assert (await contact_row(casework))["note"] == ""


async def test_contacts_of_an_erased_family_are_no_longer_corrected(
    casework: BotHarness,
) -> None:
    bot = casework
    await bot.send(CASE_MANAGER, "/closefamily F-0001 verzogen")
    await bot.send(ADMIN, "/forget F-0001")
    await bot.press(ADMIN, de("Erase now"))

    reply = only_text(await bot.send(COORDINATOR, "/log korrektur 1 dauer 60m"))

    assert reply == de(
        "The data of {code} have been erased: its contacts can no longer be corrected.",
        code="F-0001",
    )
    assert (await contact_row(bot))["minutes"] == 45


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/log korrektur", de("Which contact? Give its number, as /log's confirmation and "
                              "/family show it. Example: {example}",
                              example="/log korrektur 12 datum 20.11. dauer 45m")),
        ("/log korrektur 1", de("What should change? Give the new date, duration, kind, "
                                "topics or note. Example: {example}",
                                example="/log korrektur 1 datum 20.11. dauer 45m")),
        ("/log korrektur 1 datum", de("“{word}” needs a value after it. Example: {example}",
                                      word="datum",
                                      example="/log korrektur 1 datum 20.11. dauer 45m")),
        ("/log korrektur 1 datum 45m", de(
            "“{value}” does not fit after “{word}”. Example: {example}", value="45m",
            word="datum", example="/log korrektur 1 datum 20.11. dauer 45m")),
        ("/log korrektur 1 art wohnen", de(
            "“{value}” does not fit after “{word}”. Example: {example}", value="wohnen",
            word="art", example="/log korrektur 1 datum 20.11. dauer 45m")),
        ("/log korrektur 1 ref jobcenter", de(
            "A correction changes date, duration, kind, topics and note. Referral and "
            "follow-up stay as logged. Example: {example}",
            example="/log korrektur 1 datum 20.11. dauer 45m")),
        ("/log korrektur 1 datum 25.11.", de(
            "{date} is in the future: contacts are logged for today or earlier.",
            date="25.11.2026")),
        ("/log korrektur 1 datum 01.11.", de(
            BEFORE_INTAKE, code="F-0001", intake="02.11.2026",
            example="/log korrektur 1 datum 02.11.")),
    ],
)  # fmt: skip
async def test_a_bad_correction_says_what_is_wrong_and_changes_nothing(
    casework: BotHarness, text: str, expected: str
) -> None:
    before = await contact_row(casework)

    reply = only_text(await casework.send(CASE_MANAGER, text))

    assert reply == expected
    assert await contact_row(casework) == before
    assert await audit(casework, "contact.correct") == []


async def test_a_correction_in_ukrainian(casework: BotHarness) -> None:
    bot = casework
    await bot.send(COLLEAGUE, "/log F-0003 30m телефон житло")  # no. 2

    reply = only_text(await bot.send(COLLEAGUE, "/log виправити 2 тривалість 1:00"))

    assert reply.splitlines()[0] == "✏️ Контакт № 2 виправлено:"
    assert reply.splitlines()[-1] == "Змінено: тривалість 30 хв → 1 год"


# The numbers are shown ----------------------------------------------------------------------


async def test_the_confirmation_and_the_family_card_show_the_number(
    casework: BotHarness,
) -> None:
    bot = casework

    saved = only_text(await bot.send(CASE_MANAGER, "/log F-0002 30m telefon arbeit"))
    card = only_text(await bot.send(CASE_MANAGER, "/family F-0001"))

    assert saved.splitlines()[0] == "✅ Kontakt Nr. 2 gespeichert:"
    assert "Nr. 1 · 24.11.2026: Hausbesuch, 45 Min. – Aufenthalt/Asyl" in card


async def test_undo_after_the_window_points_to_the_correction(casework: BotHarness) -> None:
    bot = casework

    pressed = await bot.press(CASE_MANAGER, de("Undo (30 min)"))
    reply = only_text(await bot.send(CASE_MANAGER, "/undo"))

    alert = pressed[0].params["text"]
    assert alert == de(
        "The 30 minutes for undo have passed. Correct the contact instead, e.g. {example}",
        example="/log korrektur 1 datum 20.11. dauer 45m",
    )
    assert len(alert) <= 200  # what Telegram shows in an alert
    assert reply.splitlines()[-1] == de(
        "A contact that is wrong can be corrected, e.g. {example}",
        example="/log korrektur 1 datum 20.11. dauer 45m",
    )
    assert (await contact_row(bot))["minutes"] == 45


# Never before the intake --------------------------------------------------------------------


async def test_the_quick_form_refuses_a_day_before_the_intake(casework: BotHarness) -> None:
    bot = casework

    reply = only_text(await bot.send(COLLEAGUE, "/log F-0003 gestern 30m телефон житло"))
    english = in_locale(
        "en", BEFORE_INTAKE, code="F-0003", intake="24.11.2026",
        example="/log F-0003 24.11. 45m hausbesuch aufenthalt",
    )  # fmt: skip

    with use_locale("uk"):
        intake = format_date(date(2026, 11, 24))
    assert reply == in_locale(
        "uk", BEFORE_INTAKE, code="F-0003", intake=intake,
        example="/log F-0003 24.11. 45m hausbesuch aufenthalt",
    )  # fmt: skip
    assert english.startswith("F-0003 was taken in on 24.11.2026: a contact cannot be dated")
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM contacts") == 1


# The dialog's date step ---------------------------------------------------------------------


async def to_date_step(bot: BotHarness, family_button: str = "F-0001 · Ahlen") -> list:
    await bot.send(CASE_MANAGER, "/log")
    return await bot.press(CASE_MANAGER, family_button)


async def finish_dialog(bot: BotHarness) -> None:
    await bot.press(CASE_MANAGER, ContactType.PHONE.label)
    await bot.press(CASE_MANAGER, "15 Min.")
    await bot.press(CASE_MANAGER, Topic.HOUSING.label)
    await bot.press(CASE_MANAGER, de("Done"))
    await bot.press(CASE_MANAGER, de("Skip"))
    await bot.press(CASE_MANAGER, de("Save"))


async def test_the_dialog_asks_the_date_with_today_and_yesterday(casework: BotHarness) -> None:
    bot = casework

    question = (await to_date_step(bot))[-1]
    await bot.press(CASE_MANAGER, de("Yesterday"))
    await finish_dialog(bot)

    assert question.text == de(
        "{code} (2/6): when was the contact? Tap or type a date (e.g. {example} or yesterday).",
        code="F-0001",
        example="21.11.",
    )
    assert [b["text"] for b in question.buttons] == ["Heute", "Gestern", "Abbrechen"]
    row = await contact_row(bot, 2)
    assert (row["family_id"], row["contact_on"], row["minutes"]) == (1, "2026-11-23", 15)


@pytest.mark.parametrize(
    ("typed", "stored"), [("20.11.", "2026-11-20"), ("vorgestern", "2026-11-22"),
                          ("02.11.2026", "2026-11-02")]
)  # fmt: skip
async def test_the_dialog_takes_a_typed_date(casework: BotHarness, typed: str, stored: str) -> None:
    bot = casework
    await to_date_step(bot)

    [next_step] = await bot.send(CASE_MANAGER, typed)
    await finish_dialog(bot)

    assert next_step.text == de("{code} (3/6): what kind of contact?", code="F-0001")
    assert (await contact_row(bot, 2))["contact_on"] == stored


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("25.11.", de("{date} is in the future: contacts are logged for today or earlier.",
                      date="25.11.2026")),
        ("01.11.", de(BEFORE_INTAKE, code="F-0001", intake="02.11.2026", example="02.11.")),
        ("neulich", de("“{text}” is not a date. Examples: heute, gestern, 24.11., 24.11.2026",
                       text="neulich")),
    ],
)  # fmt: skip
async def test_the_dialog_refuses_a_bad_date_and_asks_again(
    casework: BotHarness, typed: str, why: str
) -> None:
    bot = casework
    await to_date_step(bot)

    refused = await bot.send(CASE_MANAGER, typed)
    await bot.press(CASE_MANAGER, de("Today"))
    await finish_dialog(bot)

    assert texts(refused)[0] == why
    assert (await contact_row(bot, 2))["contact_on"] == "2026-11-24"


async def test_yesterday_is_not_offered_for_a_family_taken_in_today(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk einwilligung")

    question = (await to_date_step(bot))[-1]

    assert [b["text"] for b in question.buttons] == ["Heute", "Abbrechen"]


# Demo data ----------------------------------------------------------------------------------


async def test_demo_data_keeps_the_contacts_triggers_as_the_migrations_left_them(
    bot: BotHarness, settings: Settings
) -> None:
    """Loading demo data drops the triggers on contacts and creates them again: as they are
    now, with the audit trigger that stays silent for a corrected contact."""
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'"
    before = [tuple(row) for row in await bot.storage.db.fetch_all(query)]
    today = bot.time().date()

    await bot.storage.demo.load(generate(5, 2, today, settings.towns, 1, today - timedelta(14)))

    assert [tuple(row) for row in await bot.storage.db.fetch_all(query)] == before
    assert any("contact_correction" in sql for _name, sql in before)
