"""Interpreter requests through the bot, beyond the basics (tests/test_interpreter.py): the
surcharge only on the half hours at night, a professional asked for with a reason (checked
for personal data, sealed, shown to the coordinators) and a professional's travel time, in
the one-line form and by the buttons under the estimate; the late-cancellation window set
with /rates days."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.i18n import format_minutes, use_locale
from bot.core.offline import BotCall, Person
from bot.privacy.personal_data import PersonalData
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.dates import berlin
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.texts import de, money

ASK_PROFESSIONAL = "Ask for a professional"
TRAVEL = "Travel time"
REASON_QUESTION = (
    "Why a professional interpreter rather than the county's pool? Please type the reason, "
    "without names or other personal data. Example: Dialekt, der Pool hat niemanden"
)
TRAVEL_QUESTION = (
    "How long does the interpreter travel, there and back? It is billed with the appointment "
    "instead of the travel flat fee. Type it, e.g. 45m or 1,5h."
)
ASKED_NOTE = (
    "A professional interpreter is asked for: estimated at the professional rate; the "
    "coordination sees the reason."
)
HELD = (
    "Nothing was saved yet: the text seems to contain {kinds}. KIM-Bot works with family "
    "codes, never names or other identifying details. Tap Edit to send it again without "
    "them, or Save anyway if this is not personal data."
)
# Thursday 3 December, on site in Ahlen at the Jobcenter: the pool would serve it.
JOBCENTER = "/interpreter F-0001 uk 03.12. 10:00 90m vor-ort Ahlen jobcenter"
REASON = "Dialekt aus Transkarpatien, der Pool hat niemanden"


def minutes(count: int) -> str:
    with use_locale("de"):
        return format_minutes(count)


def lines_of(calls: list[BotCall], person: Person) -> list[str]:
    [call] = [c for c in calls if c.method in {"sendMessage", "editMessageText"}
              and int(c.params["chat_id"]) == person.id]  # fmt: skip
    return call.text.splitlines()


def button_texts(calls: list[BotCall]) -> list[str]:
    [call] = [c for c in calls if c.method in {"sendMessage", "editMessageText"}]
    return [button["text"] for button in call.buttons]


def estimated(cents: int) -> str:
    return de("Estimated cost: {amount}", amount=money(cents))


async def stored(bot: BotHarness) -> dict[str, Any]:
    row = await bot.storage.db.fetch_one("SELECT * FROM interpreter_requests")
    return dict(row)


@pytest.fixture
async def staff(bot: BotHarness) -> BotHarness:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    return bot


# The surcharge on the half hours at night ---------------------------------------------------


async def test_only_the_half_hour_after_23_oclock_is_surcharged(staff: BotHarness) -> None:
    calls = await staff.send(CASE_MANAGER, "/interpreter ar 03.12. 22:00 90m telefon arzt")

    lines = lines_of(calls, CASE_MANAGER)
    # 3 half hours × 42,50 € = 127,50 €, +20 % on the one from 23:00: 8,50 €.
    assert estimated(13600) in lines
    assert de("Billed: {time} at {rate} per hour", time=minutes(90), rate=money(8500)) in lines
    assert de(
        "+{percent} % night, Sunday or holiday surcharge on {time}: {amount}",
        percent=20, time=minutes(30), amount=money(850),
    ) in lines  # fmt: skip


# A professional asked for with a reason ------------------------------------------------------


async def test_profi_in_the_one_line_form_prices_a_professional_and_tells_the_coordination(
    staff: BotHarness,
) -> None:
    bot = staff

    confirmation = lines_of(await bot.send(CASE_MANAGER, f"{JOBCENTER} profi: {REASON}"),
                            CASE_MANAGER)  # fmt: skip
    calls = await bot.press(CASE_MANAGER, de("Confirm"))

    # 3 half hours × 42,50 € = 127,50 € + 25 € flat fee = 152,50 € (the pool: 70 €).
    assert estimated(15250) in confirmation
    assert de(ASKED_NOTE) in confirmation
    assert de("Professional interpreter asked for: {reason}", reason=REASON) in confirmation
    row = await stored(bot)
    assert (row["professional"], row["estimate_cents"], row["professional_reason"]) == (
        1, 15250, REASON,
    )  # fmt: skip
    notice = lines_of(calls, COORDINATOR)
    assert de("Professional interpreter asked for: {reason}", reason=REASON) in notice
    assert de("Needs a professional interpreter.") not in notice


async def test_the_button_under_the_estimate_asks_the_reason_and_prices_again(
    staff: BotHarness,
) -> None:
    bot = staff
    first = await bot.send(CASE_MANAGER, JOBCENTER)

    question = await bot.press(CASE_MANAGER, de(ASK_PROFESSIONAL))
    answer = await bot.send(CASE_MANAGER, REASON)
    await bot.press(CASE_MANAGER, de("Confirm"))

    assert estimated(7000) in lines_of(first, CASE_MANAGER)
    assert button_texts(first) == [de(ASK_PROFESSIONAL), de("Confirm"), de("Cancel")]
    assert lines_of(question, CASE_MANAGER) == de(REASON_QUESTION).splitlines()
    assert estimated(15250) in lines_of(answer, CASE_MANAGER)
    # Now a professional on site: travel time may be added, a professional not asked again.
    assert button_texts(answer) == [de(TRAVEL), de("Confirm"), de("Cancel")]
    row = await stored(bot)
    assert (row["professional"], row["estimate_cents"], row["professional_reason"]) == (
        1, 15250, REASON,
    )  # fmt: skip


async def test_a_reason_with_personal_data_is_held_back_until_save_anyway(
    staff: BotHarness,
) -> None:
    bot = staff
    reason = "Frau Kovalenko versteht nur Dialekt"

    [warning] = await bot.send(CASE_MANAGER, f"{JOBCENTER} profi: {reason}")
    saved = await bot.press(CASE_MANAGER, de("Save anyway"))
    await bot.press(CASE_MANAGER, de("Confirm"))

    with use_locale("de"):
        kinds = PersonalData.NAME.label
    assert warning.text == de(HELD, kinds=kinds)
    assert estimated(15250) in lines_of(saved, CASE_MANAGER)
    assert (await stored(bot))["professional_reason"] == reason
    audit = await bot.storage.db.fetch_all(
        "SELECT subject, detail FROM audit_log WHERE action = 'request.professional_reason_kept'"
    )
    assert [tuple(row) for row in audit] == [("F-0001", "name")]


async def test_edit_forgets_a_held_reason_and_asks_for_it_again(staff: BotHarness) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, f"{JOBCENTER} profi: Frau Kovalenko versteht nur Dialekt")

    question = await bot.press(CASE_MANAGER, de("Edit"))
    answer = await bot.send(CASE_MANAGER, REASON)
    await bot.press(CASE_MANAGER, de("Confirm"))

    assert lines_of(question, CASE_MANAGER) == de(REASON_QUESTION).splitlines()
    assert estimated(15250) in lines_of(answer, CASE_MANAGER)
    assert (await stored(bot))["professional_reason"] == REASON
    found = await bot.storage.db.fetch_value(
        "SELECT count(*) FROM audit_log WHERE action = 'request.professional_reason_kept'"
    )
    assert found == 0


async def test_no_button_for_a_professional_where_one_is_needed_anyway_or_written(
    staff: BotHarness,
) -> None:
    bot = staff

    doctor = await bot.send(CASE_MANAGER, "/interpreter uk 03.12. 10:00 90m telefon arzt")
    written = await bot.send(CASE_MANAGER, "/interpreter uk 10.12. 3seiten schriftlich abh")

    assert button_texts(doctor) == [de("Confirm"), de("Cancel")]
    assert button_texts(written) == [de("Confirm"), de("Cancel")]


# A professional's travel time -----------------------------------------------------------------


async def test_travel_time_in_the_one_line_form_replaces_the_flat_fee(staff: BotHarness) -> None:
    bot = staff

    confirmation = lines_of(
        await bot.send(CASE_MANAGER, "/interpreter uk 03.12. 10:00 90m vor-ort Ahlen arzt "
                                     "anfahrt 45m"), CASE_MANAGER,
    )  # fmt: skip
    calls = await bot.press(CASE_MANAGER, de("Confirm"))

    # 90 + 45 = 135 min: 5 half hours × 42,50 € = 212,50 €, no flat fee.
    assert estimated(21250) in confirmation
    assert de("Billed: {time} including travel time, at {rate} per hour",
              time=minutes(150), rate=money(8500)) in confirmation  # fmt: skip
    assert not any(line.startswith(de("Travel flat fee: {amount}", amount="")) for line in
                   confirmation)  # fmt: skip
    travel_line = de("Travel time (there and back): {duration}", duration=minutes(45))
    assert travel_line in confirmation
    assert travel_line in lines_of(calls, COORDINATOR)
    row = await stored(bot)
    assert (row["travel_minutes"], row["estimate_cents"]) == (45, 21250)


async def test_the_travel_button_asks_the_time_and_prices_again(staff: BotHarness) -> None:
    bot = staff
    first = await bot.send(CASE_MANAGER, "/interpreter uk 03.12. 10:00 90m vor-ort Ahlen arzt")

    question = await bot.press(CASE_MANAGER, de(TRAVEL))
    wrong = await bot.send(CASE_MANAGER, "weit")
    answer = await bot.send(CASE_MANAGER, "1,5h")
    await bot.press(CASE_MANAGER, de("Confirm"))

    # 127,50 € + 25 € flat fee; then 90 + 90 = 180 min: 6 × 42,50 € = 255 €.
    assert estimated(15250) in lines_of(first, CASE_MANAGER)
    assert button_texts(first) == [de(TRAVEL), de("Confirm"), de("Cancel")]
    assert lines_of(question, CASE_MANAGER) == de(TRAVEL_QUESTION).splitlines()
    assert only_text(wrong) == de(
        "“{text}” is not a duration. Examples: 45m, 1,5h, 1:30", text="weit"
    )
    assert estimated(25500) in lines_of(answer, CASE_MANAGER)
    row = await stored(bot)
    assert (row["travel_minutes"], row["estimate_cents"]) == (90, 25500)


async def test_travel_time_for_the_pool_is_refused_with_an_example(staff: BotHarness) -> None:
    reply = only_text(await staff.send(CASE_MANAGER, f"{JOBCENTER} anfahrt 45m"))

    assert reply.startswith(de("Travel time is billed only by professional interpreters; the "
                               "pool's travel is covered by the flat fee. Leave it out, or "
                               "ask for a professional with a reason. Example: {example}",
                               example=""))  # fmt: skip
    assert await staff.storage.db.fetch_value("SELECT count(*) FROM interpreter_requests") == 0


# The late-cancellation window on the rate card ----------------------------------------------


async def test_rates_days_widens_the_late_cancellation_window(staff: BotHarness) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, "/interpreter uk 03.12. 10:00 60m telefon abh")
    await bot.press(CASE_MANAGER, de("Confirm"))
    await bot.send(COORDINATOR, "/approve 1")

    card = only_text(await bot.send(ADMIN, "/rates days 3"))
    bot.time.now = berlin(2026, 11, 30, 9)  # Monday: three days before Thursday
    await bot.send(CASE_MANAGER, "/cancelrequest 1")

    assert de("days: late is on the day of the appointment or in the {count} calendar days "
              "before", count=3) in card.splitlines()  # fmt: skip
    # Pool, 1 hour: 2 × 15 € = 30 €.
    assert (await stored(bot))["spent_cents"] == 3000


async def test_an_old_notice_hours_adjustment_is_ignored(staff: BotHarness) -> None:
    bot = staff
    await bot.storage.db.execute(
        "INSERT INTO rate_overrides (name, value, changed_by, changed_at) "
        "VALUES ('late_cancel_notice_hours', '48', ?, '2026-11-01T08:00:00+00:00')",
        (ADMIN.id,),
    )

    lines = only_text(await bot.send(ADMIN, "/rates")).splitlines()
    refused = only_text(await bot.send(ADMIN, "/rates notice 24"))

    assert de("days: late is on the day of the appointment or in the {count} calendar days "
              "before", count=2) in lines  # fmt: skip
    assert refused == de(
        "Which rate? {names}. Example: /rates professional 90",
        names="professional, pool, travel, surcharge, line, page, cancel, days, deepl",
    )
