"""/spend: expenses booked against any fund and corrected by lines of their own; never
beyond what a fund has available without an explicit, flagged overrun."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.core.i18n import use_locale
from bot.core.offline import BotCall, Person
from bot.funds.expenses import CORRECT_EXAMPLE, SPEND_EXAMPLE, NewExpense
from bot.funds.funds import FundPurpose, NewFund
from bot.interpreting.invoices import CorrectionDraft, InvoiceDraft, InvoiceRefused
from bot.interpreting.requests import Mode, Purpose, RequestDraft, TransitionRefused
from bot.privacy.personal_data import PersonalData, held_back_warning
from bot.staff.roles import Role, Team
from bot.storage import Storage
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.dates import BERLIN
from tests.helpers.harness import BotHarness, only_text, texts
from tests.helpers.texts import de, money

SECOND_COORDINATOR = Person(1005, "Leyla", "leyla_koord", "de")
RAUM = '/spend maßnahmen 1.200 "Stadthalle Ahlen" RE-2026-117 Raummiete Sommerfest #raum'
BOOKED = (
    "Expense #{id} booked against {fund} on {day}: {amount} to {payee} ({voucher}), {category}."
)
STANDING = "{fund}: {available} of {amount} available."
ASK_OVERRUN = (
    "⚠ {fund} has {available} available; this needs {amount}, {beyond} more. Book it anyway "
    "as an overrun? It is flagged, and the coordination is told."
)
EXPIRED = "This button is no longer active."


@pytest.fixture
async def staff(bot: BotHarness) -> BotHarness:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(SECOND_COORDINATOR, Role.COORDINATOR)
    return bot


async def expenses(bot: BotHarness) -> list[dict]:
    rows = await bot.storage.db.fetch_all("SELECT * FROM expenses ORDER BY id")
    return [dict(row) for row in rows]


async def spent_and_available(bot: BotHarness, fund_id: int) -> tuple[int, int]:
    fund = await bot.storage.funds.get(fund_id)
    figures = await bot.storage.funds.figures(fund, bot.time().date())
    return figures.spent_cents, figures.available_cents


def to(person: Person, calls: list[BotCall]) -> list[str]:
    return [
        call.text
        for call in calls
        if call.method == "sendMessage" and int(call.params["chat_id"]) == person.id
    ]


# Booking --------------------------------------------------------------------------------------


async def test_spend_books_an_expense_that_counts_as_spent(staff: BotHarness) -> None:
    bot = staff

    reply = only_text(await bot.send(COORDINATOR, RAUM))

    assert reply.splitlines() == [
        de(BOOKED, id=1, fund="Maßnahmen", day="24.11.2026", amount=money(120_000),
           payee="Stadthalle Ahlen", voucher="RE-2026-117", category="#raum"),
        # 30.000,00 € − 1.200,00 € = 28.800,00 €.
        de(STANDING, fund="Maßnahmen", available=money(2_880_000), amount=money(3_000_000)),
    ]  # fmt: skip
    [row] = await expenses(bot)
    assert {key: row[key] for key in ("fund_id", "amount_cents", "payee", "voucher", "purpose",
                                      "category", "booked_on", "corrects_id", "overrun",
                                      "booked_by")} == {
        "fund_id": 2, "amount_cents": 120_000, "payee": "Stadthalle Ahlen",
        "voucher": "RE-2026-117", "purpose": "Raummiete Sommerfest #raum", "category": "raum",
        "booked_on": "2026-11-24", "corrects_id": None, "overrun": 0,
        "booked_by": COORDINATOR.id,
    }  # fmt: skip
    assert await spent_and_available(bot, 2) == (120_000, 2_880_000)
    assert (await bot.storage.audit.actions(COORDINATOR.id))[-1] == "expense.book"


async def test_an_admin_may_spend_and_name_the_day_of_payment(staff: BotHarness) -> None:
    bot = staff

    reply = only_text(
        await bot.send(ADMIN, "/spend 3 450,50 „Catering Kaya“ RE-2 15.11.2026 Sommerfest Essen")
    )

    assert reply.splitlines()[0] == de(
        BOOKED, id=1, fund="Veranstaltungen", day="15.11.2026", amount=money(45_050),
        payee="Catering Kaya", voucher="RE-2", category=de("without category"),
    )  # fmt: skip
    [row] = await expenses(bot)
    assert (row["booked_on"], row["purpose"], row["category"]) == (
        "2026-11-15", "Sommerfest Essen", "other",
    )  # fmt: skip


async def test_a_purposes_word_names_the_fund_of_the_day_of_payment(staff: BotHarness) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund next 2")  # Maßnahmen 2027, #5
    bot.time.advance(days=42)  # 5 January 2027

    await bot.send(COORDINATOR, "/spend maßnahmen 100 Firma R-1 15.12.2026 Nachzahlung")
    await bot.send(COORDINATOR, "/spend maßnahmen 200 Firma R-2 Januar")

    assert [(row["fund_id"], row["booked_on"]) for row in await expenses(bot)] == [
        (2, "2026-12-15"), (5, "2027-01-05"),
    ]  # fmt: skip


async def test_the_purpose_is_sealed_at_rest(sealed_bot: BotHarness) -> None:
    bot = sealed_bot

    await bot.send(COORDINATOR, RAUM)

    [row] = await expenses(bot)
    assert row["purpose"] != "Raummiete Sommerfest #raum"
    assert row["category"] == "raum"
    expense = await bot.storage.expenses.get(1)
    assert expense.purpose == "Raummiete Sommerfest #raum"


async def test_spend_without_arguments_explains_it_and_names_the_funds(staff: BotHarness) -> None:
    lines = only_text(await staff.send(COORDINATOR, "/spend")).splitlines()

    assert lines[0].endswith(SPEND_EXAMPLE)
    assert lines[1] == de(
        "Correct one (the correction is booked as a line of its own): {example}",
        example=CORRECT_EXAMPLE,
    )
    assert lines[2] == de(
        "Funds: {funds}",
        funds="#1 Übersetzung/Dolmetschen, #2 Maßnahmen, #3 Veranstaltungen, #4 Externe Beratung",
    )


def amount_refused(text: str) -> str:
    problem = de("“{text}” is not an amount in euros. Examples: 240, 240,50, 1.234,50", text=text)
    return de("{problem} Example: {example}", problem=problem, example=SPEND_EXAMPLE)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("maßnahmen 1200 Firma RE-1", lambda: de(
            "Please give the fund, the amount, the payee, the voucher number and the purpose. "
            "Example: {example}", example=SPEND_EXAMPLE)),
        ("maßnahmen zwölf Firma RE-1 Zweck", lambda: amount_refused("zwölf")),
        ("maßnahmen 0 Firma RE-1 Zweck", lambda: de(
            "An expense must be more than 0 €. Example: {example}", example=SPEND_EXAMPLE)),
        ("maßnahmen 100 Firma RE-1 01.12.2026 Zweck", lambda: de(
            "{day} lies in the future: book an expense once it is paid. Example: {example}",
            day="01.12.2026", example=SPEND_EXAMPLE)),
        ("1 100 Firma RE-1 30.09.2026 Zweck", lambda: de(
            "{day} is outside the fund's period ({start} – {end}). Give the day of the "
            "payment within it after the voucher number, e.g. {example}", day="30.09.2026",
            start="01.10.2026", end="31.12.2026",
            example='/spend 2 1.200 "Stadthalle Ahlen" RE-117 15.12.2026 Raummiete')),
        ("feste 100 Firma RE-1 Zweck", lambda: de(
            "There is no fund “{text}”. Funds: {funds}", text="feste",
            funds="#1 Übersetzung/Dolmetschen, #2 Maßnahmen, #3 Veranstaltungen, "
            "#4 Externe Beratung")),
        ("maßnahmen 100 " + "F" * 81 + " RE-1 Zweck", lambda: de(
            "{what} “{text}” is longer than {limit} characters.", what=de("The payee"),
            text="F" * 40, limit=80)),
        ('maßnahmen 100 "" RE-1 Zweck', lambda: de(
            "{what} is missing. Example: {example}", what=de("The payee"),
            example=SPEND_EXAMPLE)),
        ("correct x 100", lambda: de(
            "Which expense, and what is its right amount? The reply to /spend names the "
            "expense's number. Example: {example}", example=CORRECT_EXAMPLE)),
        ("correct 7 100", lambda: de(
            "There is no expense #{id}. Example: {example}", id=7, example=CORRECT_EXAMPLE)),
    ],
)  # fmt: skip
async def test_bad_spend_input_says_what_is_wrong_and_books_nothing(
    staff: BotHarness, arguments: str, expected: object
) -> None:
    reply = only_text(await staff.send(COORDINATOR, f"/spend {arguments}"))

    assert reply == expected()
    assert await expenses(staff) == []


async def test_a_case_manager_may_not_spend(staff: BotHarness) -> None:
    reply = only_text(await staff.send(CASE_MANAGER, RAUM))

    assert "/spend" in reply
    assert await expenses(staff) == []


async def test_an_update_delivered_twice_books_once(staff: BotHarness) -> None:
    bot = staff
    update = bot.telegram.message_update(COORDINATOR, RAUM)

    await bot.application.process_update(Update.de_json(update, bot.application.bot))
    await bot.application.process_update(Update.de_json(update, bot.application.bot))

    assert len(await expenses(bot)) == 1
    assert await spent_and_available(bot, 2) == (120_000, 2_880_000)


# Overruns ---------------------------------------------------------------------------------------


async def test_an_expense_beyond_the_fund_is_booked_only_as_a_confirmed_overrun(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(COORDINATOR, "/spend beratung 8.000 Kanzlei-Weber R-1 Gutachten #recht")

    asked = only_text(
        await bot.send(COORDINATOR, "/spend beratung 1.500 Kanzlei-Weber R-2 Gutachten")
    )

    # 9.000,00 € − 8.000,00 € = 1.000,00 € available; 1.500,00 € needs 500,00 € more.
    assert asked == de(
        ASK_OVERRUN, fund="Externe Beratung", available=money(100_000), amount=money(150_000),
        beyond=money(50_000),
    )  # fmt: skip
    assert len(await expenses(bot)) == 1

    calls = await bot.press(COORDINATOR, de("Book as overrun"))

    rows = await expenses(bot)
    assert [(row["amount_cents"], row["overrun"]) for row in rows] == [(800_000, 0), (150_000, 1)]
    assert await spent_and_available(bot, 4) == (950_000, -50_000)
    [reply] = to(COORDINATOR, calls)[:1]
    assert reply.splitlines()[1:] == [
        de("⚠ Booked as an overrun: {beyond} beyond what the fund had available.",
           beyond=money(50_000)),
        de(STANDING, fund="Externe Beratung", available=money(-50_000), amount=money(900_000)),
    ]  # fmt: skip
    # The other coordinator is told of the overrun, and both of the 100 % alert.
    told = to(SECOND_COORDINATOR, calls)
    assert told[0] == de(
        "⚠ {name} booked expense line #{id} against {fund} as an overrun: {beyond} beyond what "
        "was available. /budget {fund_id} shows the fund.",
        name="@konrad_koord", id=2, fund="Externe Beratung", beyond=money(50_000), fund_id=4,
    )  # fmt: skip
    assert "100 %" in told[1] and any("100 %" in text for text in to(COORDINATOR, calls))
    assert (await bot.storage.audit.actions(COORDINATOR.id))[-1] == "expense.book"
    # /budget never shows a bare negative: the overrun says so.
    listed = only_text(await bot.send(COORDINATOR, "/budget"))
    assert de(
        "{spent} spent, {committed} committed: ⚠ {overrun} over the {amount}",
        spent=money(950_000), committed=money(0), overrun=money(50_000), amount=money(900_000),
    ) in listed.splitlines()  # fmt: skip
    details = only_text(await bot.send(COORDINATOR, "/budget 4")).splitlines()
    assert de("⚠ Overrun by {amount}", amount=money(50_000)) in details


async def test_cancel_under_an_overrun_books_nothing_and_the_buttons_expire(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(COORDINATOR, "/spend beratung 9.000,01 Kanzlei-Weber R-1 Gutachten")
    message_id, overrun = bot.telegram.find_button(COORDINATOR.id, de("Book as overrun"))

    cancelled = texts(await bot.press(COORDINATOR, de("Cancel")))
    again = texts(
        await bot.process(
            bot.telegram.callback_update(COORDINATOR, message_id, overrun["callback_data"])
        )
    )

    assert cancelled == [de("Cancelled. Nothing was booked.")]
    assert again == [de(EXPIRED)]
    assert await expenses(bot) == []


async def test_only_the_latest_overrun_question_counts(staff: BotHarness) -> None:
    bot = staff
    await bot.send(COORDINATOR, "/spend beratung 9.500 Kanzlei-Weber R-1 Gutachten")
    older, _button = bot.telegram.find_button(COORDINATOR.id, de("Book as overrun"))
    await bot.send(COORDINATOR, "/spend beratung 9.800 Kanzlei-Weber R-2 Gutachten")

    pressed = await bot.process(
        bot.telegram.callback_update(COORDINATOR, older, _button["callback_data"])
    )
    await bot.press(COORDINATOR, de("Book as overrun"))

    assert texts(pressed) == [de(EXPIRED)]
    assert [(row["voucher"], row["amount_cents"]) for row in await expenses(bot)] == [
        ("R-2", 980_000)
    ]


async def test_reaching_half_a_fund_alerts_the_coordinators(staff: BotHarness) -> None:
    calls = await staff.send(COORDINATOR, "/spend beratung 4.500 Kanzlei-Weber R-1 Gutachten")

    # 4.500,00 € of 9.000,00 €: 50 %, 4.500,00 € left.
    assert de(
        "⚠ {name} has reached {threshold} %: {available} of {amount} are still available. "
        "/budget shows the details.",
        name="Externe Beratung", threshold=50, available=money(450_000), amount=money(900_000),
    ) in to(SECOND_COORDINATOR, calls)  # fmt: skip


# Corrections --------------------------------------------------------------------------------------


async def test_a_correction_is_a_line_of_its_own_holding_the_difference(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(COORDINATOR, RAUM)

    first = only_text(await bot.send(COORDINATOR, "/spend correct 1 1.150 Rechnung gemindert"))
    # A correction line names its expense: correcting #2 corrects #1 again.
    second = only_text(await bot.send(ADMIN, "/spend korrektur #2 1.100"))

    assert first.splitlines()[0] == de(
        "Correction #{line} booked: expense #{id} is now {total} (the line holds {amount}).",
        line=2, id=1, total=money(115_000), amount=money(-5_000),  # 1.150 − 1.200
    )  # fmt: skip
    assert second.splitlines()[0] == de(
        "Correction #{line} booked: expense #{id} is now {total} (the line holds {amount}).",
        line=3, id=1, total=money(110_000), amount=money(-5_000),  # 1.100 − 1.150
    )  # fmt: skip
    rows = await expenses(bot)
    assert [(r["id"], r["amount_cents"], r["corrects_id"], r["purpose"], r["voucher"],
             r["category"]) for r in rows] == [
        (1, 120_000, None, "Raummiete Sommerfest #raum", "RE-2026-117", "raum"),
        (2, -5_000, 1, "Rechnung gemindert", "RE-2026-117", "raum"),
        (3, -5_000, 1, "Raummiete Sommerfest #raum", "RE-2026-117", "raum"),
    ]  # fmt: skip
    # 1.200 − 50 − 50 = 1.100,00 € spent.
    assert await spent_and_available(bot, 2) == (110_000, 2_890_000)
    assert (await bot.storage.audit.actions(ADMIN.id))[-1] == "expense.correct"


async def test_a_correction_to_the_amount_it_has_books_nothing(staff: BotHarness) -> None:
    bot = staff
    await bot.send(COORDINATOR, RAUM)

    reply = only_text(await bot.send(COORDINATOR, "/spend correct 1 1200"))

    assert reply == de(
        "Expense #{id} is {amount} already; nothing was booked.", id=1, amount=money(120_000)
    )
    assert len(await expenses(bot)) == 1


async def test_a_correction_upwards_beyond_the_fund_needs_an_overrun(staff: BotHarness) -> None:
    bot = staff
    await bot.send(COORDINATOR, "/spend beratung 8.000 Kanzlei-Weber R-1 Gutachten")

    asked = only_text(await bot.send(COORDINATOR, "/spend correct 1 9.200,10"))
    await bot.press(COORDINATOR, de("Book as overrun"))

    # The line needs 9.200,10 − 8.000 = 1.200,10 €; 1.000,00 € are available: 200,10 € more.
    assert asked == de(
        ASK_OVERRUN, fund="Externe Beratung", available=money(100_000), amount=money(120_010),
        beyond=money(20_010),
    )  # fmt: skip
    rows = await expenses(bot)
    assert [(r["amount_cents"], r["corrects_id"], r["overrun"]) for r in rows] == [
        (800_000, None, 0), (120_010, 1, 1),
    ]  # fmt: skip
    assert await spent_and_available(bot, 4) == (920_010, -20_010)


async def test_a_correction_down_always_fits_even_an_overrun_fund(staff: BotHarness) -> None:
    bot = staff
    await bot.send(COORDINATOR, "/spend beratung 9.500 Kanzlei-Weber R-1 Gutachten")
    await bot.press(COORDINATOR, de("Book as overrun"))

    await bot.send(COORDINATOR, "/spend correct 1 0 storniert")

    rows = await expenses(bot)
    assert [(r["amount_cents"], r["overrun"]) for r in rows] == [(950_000, 1), (-950_000, 0)]
    assert await spent_and_available(bot, 4) == (0, 900_000)


# Personal data in the purpose --------------------------------------------------------------


async def test_a_purpose_with_personal_data_is_held_back_until_saved_anyway(
    staff: BotHarness,
) -> None:
    bot = staff
    held = only_text(
        await bot.send(
            COORDINATOR, "/spend beratung 300 Kanzlei-Weber R-9 Gutachten geb. 01.02.1980"
        )
    )
    assert await expenses(bot) == []

    await bot.press(COORDINATOR, de("Save anyway"))

    with use_locale("de"):
        assert held == held_back_warning((PersonalData.BIRTH_DATE,))
    assert len(await expenses(bot)) == 1
    assert (await bot.storage.audit.actions(COORDINATOR.id))[-2:] == [
        "expense.personal_data_kept", "expense.book",
    ]  # fmt: skip


async def test_edit_under_a_held_purpose_books_nothing(staff: BotHarness) -> None:
    bot = staff
    await bot.send(COORDINATOR, "/spend beratung 300 Kanzlei-Weber R-9 für Frau Olena Petrenko")

    reply = texts(await bot.press(COORDINATOR, de("Edit")))

    assert reply == [
        de(
            "Nothing was booked. Please send /spend again with a purpose without personal "
            "data, e.g. {example}",
            example=SPEND_EXAMPLE,
        )
    ]
    assert await expenses(bot) == []


# Never beyond the fund -----------------------------------------------------------------------


async def test_twenty_bookings_at_once_never_overspend_the_fund(bot: BotHarness) -> None:
    people = [Person(30_000 + number, f"K{number}", f"koord_{number}") for number in range(20)]
    for person in people:
        await bot.register(person, Role.COORDINATOR)
    updates = [
        Update.de_json(
            bot.telegram.message_update(person, "/spend beratung 1.000 Kanzlei R-1 Gutachten"),
            bot.application.bot,
        )
        for person in people
    ]

    await asyncio.gather(*(bot.application.process_update(update) for update in updates))

    assert bot.errors == []
    # 9.000,00 € hold nine of the 1.000,00 € expenses; the others are asked about an overrun.
    assert Counter(row["overrun"] for row in await expenses(bot)) == Counter({0: 9})
    assert await spent_and_available(bot, 4) == (900_000, 0)


# The property: no sequence of bookings overspends a fund without an explicit overrun -----------

AMOUNT = 10_000
DRAFT = RequestDraft("uk", Mode.PHONE, date(2026, 12, 3), time(10, 0), Purpose.JOBCENTER, 60)
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
# Invoices come after the appointment (03.12.), dated the day they are recorded.
INVOICED = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)

# Amounts around what a 100,00 € fund holds, and some of any size (hypothesis favours small).
cents = st.one_of(
    st.sampled_from([2_500, 4_000, 5_000, 6_000, 9_999, 10_000]), st.integers(1, 12_000)
)
step = st.one_of(
    st.tuples(st.just("submit"), cents),
    # Which request or expense: counted back from the latest one.
    st.tuples(st.just("approve"), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("reject"), st.integers(0, 3)),
    st.tuples(st.just("cancel"), st.integers(0, 3), st.integers(0, 4)),
    st.tuples(st.just("spend"), cents, st.booleans()),
    st.tuples(st.just("correct"), st.integers(0, 3), st.one_of(st.just(0), cents), st.booleans()),
    # An interpreter's invoice, and an invoice corrected to a new total; the flag: an
    # implausible amount explicitly confirmed.
    st.tuples(st.just("invoice"), st.integers(0, 3), cents, st.booleans()),
    st.tuples(st.just("fix"), st.integers(0, 3), st.one_of(st.just(0), cents), st.booleans()),
)


def test_no_sequence_of_bookings_overspends_a_fund_without_an_explicit_overrun(
    tmp_path: Path,
) -> None:
    """Requests submitted, approved (an over-budget one only with the overrun flag), rejected,
    cancelled with a fee up to what they committed, invoiced (also after a cancellation) and
    their invoices corrected, with or without confirming an implausible amount; expenses
    booked and corrected with or without overrun confirmation: committed plus spent stays
    within the fund's amount unless some request, invoice or expense carries the flag of an
    explicit overrun."""
    loop = asyncio.new_event_loop()
    storage = loop.run_until_complete(Storage.open(tmp_path / "kim.sqlite3"))
    loop.run_until_complete(storage.staff.add(ADMIN.id, Role.ADMIN, Team.ADMINISTRATION, "de", NOW))
    numbers = itertools.count(1)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(step, max_size=25))
    # The cases: an invoice beyond the fund, and a correction above it, unconfirmed.
    @example([("submit", 5_000), ("approve", 0, False), ("invoice", 0, 20_000, False)])
    @example([("submit", 5_000), ("approve", 0, False), ("invoice", 0, 5_000, False),
              ("fix", 0, 12_000, False)])  # fmt: skip
    def check(steps: list[tuple]) -> None:
        loop.run_until_complete(_run(storage, next(numbers), steps))

    try:
        check()
    finally:
        loop.run_until_complete(storage.close())
        loop.close()


async def _run(storage: Storage, number: int, steps: list[tuple]) -> None:
    fund = await storage.funds.create(
        NewFund(f"P{number}", FundPurpose.OTHER, AMOUNT, date(2026, 1, 1), date(2026, 12, 31)),
        ADMIN.id,
        NOW,
    )
    requests: list[int] = []
    lines: list[int] = []
    sources = itertools.count(1)
    for kind, *values in steps:
        source = (number, next(sources))
        if kind == "submit":
            submission = await storage.requests.submit(
                DRAFT, DRAFT.starts_at(BERLIN), ADMIN.id, fund, values[0], False, False, NOW,
                source,
            )  # fmt: skip
            requests.append(submission.request.id)
        elif kind == "spend":
            line = NewExpense(fund.id, values[0], "Firma", "R-1", "Zweck", "other", NOW.date())
            booking = await storage.expenses.book(line, ADMIN.id, NOW, source, overrun=values[1])
            if booking.expense is not None:
                lines.append(booking.expense.id)
        elif kind == "correct" and lines:
            await storage.expenses.correct(
                lines[-1 - values[0] % len(lines)], values[1], None, NOW.date(), ADMIN.id, NOW,
                source, overrun=values[2],
            )  # fmt: skip
        elif kind in {"approve", "reject", "cancel"} and requests:
            await _decide(storage, kind, requests[-1 - values[0] % len(requests)], values[1:])
        elif kind in {"invoice", "fix"} and requests:
            await _invoice(storage, kind, requests[-1 - values[0] % len(requests)], *values[1:])
        figures = await storage.funds.figures(await storage.funds.get(fund.id), NOW.date())
        if figures.spent_cents + figures.committed_cents > AMOUNT:
            assert await _overruns(storage, fund.id), (steps, figures)


async def _decide(storage: Storage, kind: str, request_id: int, values: list) -> None:
    try:
        if kind == "approve":
            await storage.requests.approve(request_id, ADMIN.id, NOW, overrun=values[0])
        elif kind == "reject":
            await storage.requests.reject(request_id, "", ADMIN.id, NOW)
        else:
            request = await storage.requests.get(request_id)
            fee = request.committed_cents * values[0] // 4  # up to what it committed
            await storage.requests.cancel(request_id, fee, ADMIN.id, NOW)
    except TransitionRefused:
        pass  # not possible in the request's state: nothing changes


async def _invoice(
    storage: Storage, kind: str, request_id: int, cents: int, confirmed: bool
) -> None:
    try:
        if kind == "invoice":
            line = InvoiceDraft(request_id, cents, "Sprachmittlerpool", "RE-1", INVOICED.date())
            await storage.invoices.record(line, ADMIN.id, INVOICED, BERLIN, confirmed=confirmed)
        else:
            correction = CorrectionDraft(request_id, cents, "Korrektur")
            await storage.invoices.correct(
                correction, ADMIN.id, INVOICED, BERLIN, confirmed=confirmed
            )
    except (TransitionRefused, InvoiceRefused):
        pass  # not in this state, or implausible and not confirmed: nothing is stored


async def _overruns(storage: Storage, fund_id: int) -> int:
    return await storage.db.fetch_value(
        """
        SELECT (SELECT count(*) FROM interpreter_requests WHERE fund_id = :fund AND overrun = 1)
             + (SELECT count(*) FROM expenses WHERE fund_id = :fund AND overrun = 1)
             + (SELECT count(*) FROM invoices JOIN interpreter_requests AS r
                ON r.id = invoices.request_id WHERE r.fund_id = :fund AND invoices.confirmed = 1)
        """,
        {"fund": fund_id},
    )
