"""Invoices through the bot: a request's invoice as a line, corrections as further lines,
cancellation invoices, implausible amounts confirmed explicitly, and what the fund shows.

Every amount is worked out by hand in the comment beside it. The translation fund has
30.000,00 € unless a test lowers it; PHONE is one pool hour (30,00 €) on Thursday
3 December at 10:00, PHONE_2H two (60,00 €).
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.offline import BotCall, Person
from bot.demo.data import AGENCY, POOL, generate
from bot.funds.funds import Fund, FundPurpose, NewFund
from bot.interpreting.invoices import CorrectionDraft, InvoiceDraft, InvoiceRefused
from bot.interpreting.requests import Mode, Purpose, RequestDraft, TransitionRefused
from bot.staff.roles import Role
from bot.storage import Storage
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR, START
from tests.helpers.dates import BERLIN, berlin
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.invariants import database_problems
from tests.helpers.texts import de, in_locale, money

SECOND_COORDINATOR = Person(1005, "Leyla", "leyla_koord", "uk")
PHONE = "/interpreter uk 03.12. 10:00 60m telefon abh"
PHONE_2H = "/interpreter uk 03.12. 10:00 120m telefon abh"
WRITTEN = "/interpreter uk 10.12. 3seiten schriftlich abh"
AFTER = berlin(2026, 12, 3, 12)  # two hours after the appointments
ANOTHER_INVOICE = (
    "Request #{id} already has an invoice ({amount}); a second one is not recorded. To "
    "correct it, give the correct total and a reason: /invoice {id} fix 230,00 travel time "
    "billed twice. /invoice {id} shows its lines."
)
WARNING = "⚠ Nothing is recorded yet: please check the invoice of {amount} for request #{id}."
CORRECTION_WARNING = (
    "⚠ Nothing is recorded yet: please check the correction of request #{id} to {amount}."
)
ABOVE_ESTIMATE = "{amount} is more than 50 % above the estimate of {estimate}."
ABOVE_FEE = (
    "{amount} is more than the cancellation fee of {fee} estimated when the request was cancelled."
)
OVERRUN = "The fund has {available} available for this request: it would be overrun by {overrun}."
FLAGGED = (
    "⚠ {name} confirmed an invoice for request #{id} despite a warning; it now spends {amount}:"
)
CONFIRMED = "Recorded as confirmed despite the warning; the coordinators are told."
INVOICED = "Request #{id} invoiced at {amount} (estimated {estimate})."
CORRECTED = (
    "The invoice of request #{id} is corrected to {amount} ({difference}); the invoice as "
    "received and every correction stay in its lines: /invoice {id}"
)
CANCELLATION_INVOICE = (
    "Cancellation invoice of {amount} recorded for request #{id}; the request stays cancelled."
)
LEFT = "The fund has {available} available."
OVERRUN_LEFT = "⚠ The fund is overrun by {overrun}."


@pytest.fixture
async def staff(bot: BotHarness) -> BotHarness:
    """Anna (case manager) and two coordinators, one reading Ukrainian."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(SECOND_COORDINATOR, Role.COORDINATOR, locale="uk")
    return bot


async def approved(bot: BotHarness, form: str = PHONE) -> int:
    """Anna's request, confirmed and approved; its id."""
    await bot.send(CASE_MANAGER, form)
    await bot.press(CASE_MANAGER, de("Confirm"))
    request_id = await bot.storage.db.fetch_value("SELECT max(id) FROM interpreter_requests")
    await bot.send(COORDINATOR, f"/approve {request_id}")
    return request_id


async def money_state(bot: BotHarness) -> tuple[int, int, int]:
    """Spent, committed and available cents of the translation fund."""
    fund = await bot.storage.funds.translation_fund()
    figures = await bot.storage.funds.figures(fund, bot.time().date())
    return figures.spent_cents, figures.committed_cents, figures.available_cents


async def request_row(bot: BotHarness, request_id: int) -> tuple:
    found = await bot.storage.db.fetch_one(
        """
        SELECT status, committed_cents, spent_cents, cancellation_fee_cents
        FROM interpreter_requests WHERE id = ?
        """,
        (request_id,),
    )
    return tuple(found)


async def lines(bot: BotHarness) -> list[tuple]:
    rows = await bot.storage.db.fetch_all(
        """
        SELECT request_id, payee, number, invoiced_on, amount_cents, corrects_id, reason,
            confirmed, recorded_by
        FROM invoices ORDER BY id
        """
    )
    return [tuple(row) for row in rows]


async def handle(bot: BotHarness, person: Person) -> str:
    """How notices name `person`."""
    return (await bot.storage.staff.get(person.id)).handle


def to(person: Person, calls: list[BotCall]) -> list[str]:
    return [
        call.text
        for call in calls
        if call.method == "sendMessage" and int(call.params["chat_id"]) == person.id
    ]


def warning(request_id: int, amount: str, *doubts: str) -> str:
    return "\n".join(
        [de(WARNING, id=request_id, amount=amount), *(f"• {d}" for d in doubts),
         de("Record it anyway?")]
    )  # fmt: skip


# A cancelled request's invoice ------------------------------------------------------------


async def cancelled_late(bot: BotHarness) -> int:
    """PHONE_2H approved, cancelled by Anna on Wednesday 2 December at 12:00: the day
    before, 22 hours ahead, so late by the calendar rule and by the hours alike. The fee:
    the booked 2 hours, the cap, at the pool's 30,00 € = 60,00 €."""
    request_id = await approved(bot, PHONE_2H)
    bot.time.now = berlin(2026, 12, 2, 12)
    await bot.send(CASE_MANAGER, f"/cancelrequest {request_id}")
    assert await request_row(bot, request_id) == ("cancelled", 0, 6000, None)
    return request_id


async def test_the_interpreters_cancellation_invoice_replaces_the_estimated_fee(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id = await cancelled_late(bot)

    # Invoiced on the day of the cancellation, before the appointment: that is allowed.
    calls = await bot.send(
        COORDINATOR, f"/invoice {request_id} 45,00 Sprachmittlerpool RE-2026-9 02.12.2026"
    )

    assert to(COORDINATOR, calls) == [
        " ".join(
            [
                de(CANCELLATION_INVOICE, id=request_id, amount=money(4500)),
                # 30.000,00 € − 45,00 € = 29.955,00 €
                de(LEFT, available=money(2_995_500)),
            ]
        )
    ]
    # Still cancelled; 45,00 € spent instead of the 60,00 € estimated, which is kept.
    assert await request_row(bot, request_id) == ("cancelled", 0, 4500, 6000)
    assert await money_state(bot) == (4500, 0, 2_995_500)
    assert await lines(bot) == [
        (request_id, "Sprachmittlerpool", "RE-2026-9", "2026-12-02", 4500, None, None, 0,
         COORDINATOR.id)
    ]  # fmt: skip
    assert to(CASE_MANAGER, calls) == []


async def test_a_cancellation_invoice_is_checked_against_the_estimated_fee(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id = await cancelled_late(bot)

    # 60,01 € is a cent above the fee of 60,00 €, though not 50 % above the estimate.
    reply = only_text(
        await bot.send(ADMIN, f"/invoice {request_id} 60,01 Sprachmittlerpool RE-9 02.12.2026")
    )
    held = await lines(bot)
    calls = await bot.press(ADMIN, de("Confirm"))

    assert reply == warning(
        request_id, money(6001), de(ABOVE_FEE, amount=money(6001), fee=money(6000))
    )
    assert held == []
    assert await request_row(bot, request_id) == ("cancelled", 0, 6001, 6000)
    assert [line[7] for line in await lines(bot)] == [1]
    assert to(COORDINATOR, calls) == [
        "\n".join(
            [
                de(FLAGGED, name=await handle(bot, ADMIN), id=request_id, amount=money(6001)),
                "• " + de(ABOVE_FEE, amount=money(6001), fee=money(6000)),
                de("/invoice {id} shows its lines.", id=request_id),
            ]
        )
    ]


async def test_an_invoice_for_a_cancellation_that_cost_no_fee_needs_a_confirmation(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id = await approved(bot)
    await bot.send(CASE_MANAGER, f"/cancelrequest {request_id}")  # 9 days ahead: no fee

    reply = only_text(
        await bot.send(ADMIN, f"/invoice {request_id} 25 Sprachmittlerpool RE-3 24.11.2026")
    )

    assert reply == warning(
        request_id, money(2500), de(ABOVE_FEE, amount=money(2500), fee=money(0))
    )
    assert await money_state(bot) == (0, 0, 3_000_000)


async def test_a_cancellation_invoice_dated_before_the_cancellation_is_refused(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id = await cancelled_late(bot)

    reply = only_text(
        await bot.send(ADMIN, f"/invoice {request_id} 45 Sprachmittlerpool RE-9 01.12.2026")
    )

    assert reply == de(
        "The invoice is dated {date}, before the request was cancelled on {earliest}. Please "
        "check the date.",
        date="01.12.2026",
        earliest="02.12.2026",
    )
    assert await lines(bot) == []


async def test_a_cancelled_request_has_one_invoice_too(staff: BotHarness) -> None:
    bot = staff
    request_id = await cancelled_late(bot)
    await bot.send(ADMIN, f"/invoice {request_id} 45 Sprachmittlerpool RE-9 02.12.2026")

    reply = only_text(
        await bot.send(ADMIN, f"/invoice {request_id} 45 Sprachmittlerpool RE-9 02.12.2026")
    )

    assert reply == de(ANOTHER_INVOICE, id=request_id, amount=money(4500))
    assert len(await lines(bot)) == 1


async def test_a_written_translation_is_invoiced_from_the_day_it_was_requested(
    staff: BotHarness,
) -> None:
    bot = staff
    # 3 pages × 30 lines × 1,80 € = 162,00 €, due 10 December, requested 24 November.
    request_id = await approved(bot, WRITTEN)

    early = only_text(await bot.send(ADMIN, f"/invoice {request_id} 162 Büro RE-4 23.11.2026"))
    await bot.send(ADMIN, f"/invoice {request_id} 162 Büro RE-4 24.11.2026")

    assert early == de(
        "The invoice is dated {date}, before the translation was requested on {earliest}. "
        "Please check the date.",
        date="23.11.2026",
        earliest="24.11.2026",
    )
    assert await request_row(bot, request_id) == ("completed", 0, 16200, None)


# Corrections -------------------------------------------------------------------------------


async def invoiced(bot: BotHarness) -> int:
    """PHONE approved and invoiced at 30,00 € on 3 December, at noon."""
    request_id = await approved(bot)
    bot.time.now = AFTER
    await bot.send(ADMIN, f"/invoice {request_id} 30 Sprachmittlerpool RE-2026-41 03.12.2026")
    return request_id


async def test_a_correction_is_a_line_of_its_own_and_the_invoice_stays(staff: BotHarness) -> None:
    bot = staff
    request_id = await invoiced(bot)
    bot.time.now = berlin(2026, 12, 5, 9)

    calls = await bot.send(ADMIN, f"/invoice {request_id} fix 27,50 Anfahrt nicht angefallen")
    bot.time.now = berlin(2026, 12, 7, 9)
    await bot.send(ADMIN, f"/invoice {request_id} korrektur 29 Wartezeit nachberechnet")

    assert to(ADMIN, calls) == [
        " ".join(
            [
                # 27,50 € − 30,00 € = −2,50 €
                de(CORRECTED, id=request_id, amount=money(2750), difference=money(-250)),
                # 30.000,00 € − 27,50 € = 29.972,50 €
                de(LEFT, available=money(2_997_250)),
            ]
        )
    ]
    [invoice_id] = [
        line_id
        for (line_id,) in await bot.storage.db.fetch_all(
            "SELECT id FROM invoices WHERE corrects_id IS NULL"
        )
    ]
    assert await lines(bot) == [
        (request_id, "Sprachmittlerpool", "RE-2026-41", "2026-12-03", 3000, None, None, 0,
         ADMIN.id),
        (request_id, "Sprachmittlerpool", "RE-2026-41", "2026-12-05", -250, invoice_id,
         "Anfahrt nicht angefallen", 0, ADMIN.id),
        # 29,00 € − 27,50 € = +1,50 €
        (request_id, "Sprachmittlerpool", "RE-2026-41", "2026-12-07", 150, invoice_id,
         "Wartezeit nachberechnet", 0, ADMIN.id),
    ]  # fmt: skip
    # 3000 − 250 + 150 = 2900 cents: the sum of the lines.
    assert await request_row(bot, request_id) == ("completed", 0, 2900, None)
    # Who approved stays; who invoiced and corrected is on the lines.
    assert (
        await bot.storage.db.fetch_value(
            "SELECT decided_by FROM interpreter_requests WHERE id = ?", (request_id,)
        )
        == COORDINATOR.id
    )
    assert await money_state(bot) == (2900, 0, 2_997_100)
    assert (await bot.storage.audit.actions(ADMIN.id))[-2:] == ["invoice.correct"] * 2


async def test_invoice_with_only_the_request_shows_its_lines(staff: BotHarness) -> None:
    bot = staff
    request_id = await invoiced(bot)
    bot.time.now = berlin(2026, 12, 5, 9)
    await bot.send(ADMIN, f"/invoice {request_id} fix 27,50 Anfahrt <entfiel> & mehr")

    traces = await bot.storage.db.fetch_value("SELECT count(*) FROM chat_traces")

    calls = await bot.send(COORDINATOR, f"/invoice {request_id}")

    assert only_text(calls).splitlines() == [
        de("<b>Invoice of request #{id}</b> ({status}, estimated {estimate})", id=request_id,
           status=de("invoiced"), estimate=money(3000)),
        de("{date} · {payee} · No. {number} · {amount} (recorded {recorded})",
           date="03.12.2026", payee="Sprachmittlerpool", number="RE-2026-41",
           amount=money(3000), recorded="03.12.2026"),
        de("{date} · correction {difference}: {reason}", date="05.12.2026",
           difference="−" + money(250), reason="Anfahrt &lt;entfiel&gt; &amp; mehr"),
        de("Total: {amount}", amount=money(2750)),
    ]  # fmt: skip
    # A reason may tell about the case: the message leaves the chat like case details.
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM chat_traces") == traces + 1


async def test_a_request_without_an_invoice_shows_how_to_record_one(staff: BotHarness) -> None:
    bot = staff
    request_id = await approved(bot)

    reply = only_text(await bot.send(COORDINATOR, f"/invoice {request_id}"))

    assert reply.splitlines()[1] == de(
        "No invoice recorded yet. Example: {example}",
        example=f"/invoice {request_id} 240,50 Dolmetschbüro Ahlen RE-2026-117 28.11.2026",
    )


@pytest.mark.parametrize(
    ("arguments", "msgid", "values"),
    [
        ("fix 30 gleich", "Request #{id} is invoiced at {amount} already: nothing to correct.",
         {"amount": money(3000)}),
        ("fix 27,50", "What is the correct total, and why? Example: {example}. The correction "
         "is kept as a line of its own; the invoice stays as it was received.",
         {"example": "/invoice 12 fix 230,00 Fahrtzeit doppelt berechnet"}),
    ],
)  # fmt: skip
async def test_a_correction_needs_a_new_total_and_a_reason(
    staff: BotHarness, arguments: str, msgid: str, values: dict
) -> None:
    bot = staff
    request_id = await invoiced(bot)

    reply = only_text(await bot.send(ADMIN, f"/invoice {request_id} {arguments}"))

    assert reply == de(msgid, id=request_id, **values)
    assert len(await lines(bot)) == 1


async def test_a_request_without_an_invoice_cannot_be_corrected(staff: BotHarness) -> None:
    bot = staff
    request_id = await approved(bot)

    reply = only_text(await bot.send(ADMIN, f"/invoice {request_id} fix 27,50 zu hoch"))

    assert reply == de(
        "Request #{id} has no invoice to correct. Record it first: /invoice {id} 240,50 "
        "Dolmetschbüro Ahlen RE-2026-117 28.11.2026",
        id=request_id,
    )


async def test_a_correction_up_beyond_the_estimate_needs_a_confirmation(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id = await invoiced(bot)

    # 45,01 € is more than 150 % of the 30,00 € estimate (45,00 €).
    reply = only_text(await bot.send(ADMIN, f"/invoice {request_id} fix 45,01 Verlängerung"))
    await bot.press(ADMIN, de("Confirm"))

    assert reply == "\n".join(
        [
            de(CORRECTION_WARNING, id=request_id, amount=money(4501)),
            "• " + de(ABOVE_ESTIMATE, amount=money(4501), estimate=money(3000)),
            de("Record it anyway?"),
        ]
    )
    # 45,01 € − 30,00 € = +15,01 €, confirmed.
    assert [(line[4], line[7]) for line in await lines(bot)] == [(3000, 0), (1501, 1)]
    assert await money_state(bot) == (4501, 0, 2_995_499)


async def test_a_correction_down_is_never_doubted(staff: BotHarness) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund 1 amount 40")
    request_id = await approved(bot)
    bot.time.now = AFTER
    await bot.send(ADMIN, f"/invoice {request_id} 90 Pool RE-1 03.12.2026")
    await bot.press(ADMIN, de("Confirm"))  # 90,00 €: 3 × the estimate, 50,00 € beyond the fund

    reply = only_text(await bot.send(ADMIN, f"/invoice {request_id} fix 60 Doppelt berechnet"))

    # 40,00 € − 60,00 € leaves the fund 20,00 € overrun: shown as such, not as −20,00 €.
    assert reply == " ".join(
        [
            de(CORRECTED, id=request_id, amount=money(6000), difference=money(-3000)),
            de(OVERRUN_LEFT, overrun=money(2000)),
        ]
    )


async def test_a_correction_reason_with_personal_data_is_held_back(staff: BotHarness) -> None:
    bot = staff
    request_id = await invoiced(bot)

    held = only_text(
        await bot.send(ADMIN, f"/invoice {request_id} fix 27,50 Frau Kowalenko kam nicht")
    )
    stored_while_held = await lines(bot)
    await bot.press(ADMIN, de("Save anyway"))

    assert held == de(
        "Nothing was saved yet: the text seems to contain {kinds}. KIM-Bot works with family "
        "codes, never names or other identifying details. Tap Edit to send it again without "
        "them, or Save anyway if this is not personal data.",
        kinds=de("a name"),
    )
    assert len(stored_while_held) == 1
    assert [line[6] for line in await lines(bot)] == [None, "Frau Kowalenko kam nicht"]
    assert await bot.storage.audit.actions(ADMIN.id) == [
        *(await bot.storage.audit.actions(ADMIN.id))[:-2],
        "invoice.personal_data_kept",
        "invoice.correct",
    ]


async def test_edit_under_a_held_correction_reason_stores_nothing(staff: BotHarness) -> None:
    bot = staff
    request_id = await invoiced(bot)
    await bot.send(ADMIN, f"/invoice {request_id} fix 27,50 Frau Kowalenko kam nicht")

    calls = await bot.press(ADMIN, de("Edit"))

    assert only_text(calls) == de(
        "Nothing was saved. Please send the correction of request #{id} again with a reason "
        "without personal data.",
        id=request_id,
    )
    assert len(await lines(bot)) == 1


# Implausible amounts -----------------------------------------------------------------------


async def test_nine_million_on_a_160_euro_fund_is_never_silently_recorded(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund 1 amount 160")
    request_id = await approved(bot)  # 30,00 € committed: 130,00 € left
    bot.time.now = AFTER
    invoice = f"/invoice {request_id} 9.999.999,99 Dolmetschbüro Ahlen RE-2026-117 03.12.2026"

    reply = only_text(await bot.send(ADMIN, invoice))
    nothing_yet = (await money_state(bot), await lines(bot))
    cancelled = only_text(await bot.press(ADMIN, de("Cancel")))
    after_cancel = (await money_state(bot), await lines(bot))
    await bot.send(ADMIN, invoice)
    calls = await bot.press(ADMIN, de("Confirm"))

    # 9.999.999,99 € − 30,00 € held = 9.999.969,99 € more, 130,00 € available:
    # the fund has 130,00 + 30,00 = 160,00 € for the request, overrun by
    # 9.999.969,99 − 130,00 = 9.999.839,99 €.
    doubts = [
        de(ABOVE_ESTIMATE, amount=money(999_999_999), estimate=money(3000)),
        de(OVERRUN, available=money(16000), overrun=money(999_983_999)),
    ]
    assert reply == warning(request_id, money(999_999_999), *doubts)
    assert nothing_yet == after_cancel == ((0, 3000, 13000), [])
    assert cancelled == de("Cancelled. Nothing was stored.")
    # 160,00 € − 9.999.999,99 € = −9.999.839,99 €: the overrun, explicit.
    assert await money_state(bot) == (999_999_999, 0, -999_983_999)
    assert [(line[4], line[7]) for line in await lines(bot)] == [(999_999_999, 1)]
    assert to(ADMIN, calls) == [
        "\n".join(
            [
                " ".join(
                    [
                        de(INVOICED, id=request_id, amount=money(999_999_999),
                           estimate=money(3000)),
                        de(OVERRUN_LEFT, overrun=money(999_983_999)),
                    ]
                ),
                de(CONFIRMED),
            ]
        )
    ]  # fmt: skip
    flagged = to(SECOND_COORDINATOR, calls)
    assert flagged[0] == "\n".join(
        [
            in_locale("uk", FLAGGED, name=await handle(bot, ADMIN), id=request_id,
                      amount=money(999_999_999, "uk")),
            "• " + in_locale("uk", ABOVE_ESTIMATE, amount=money(999_999_999, "uk"),
                             estimate=money(3000, "uk")),
            "• " + in_locale("uk", OVERRUN, available=money(16000, "uk"),
                             overrun=money(999_983_999, "uk")),
            in_locale("uk", "/invoice {id} shows its lines.", id=request_id),
        ]
    )  # fmt: skip
    # The fund alert for 100 % follows the flag.
    assert "100 %" in flagged[1]
    assert await bot.storage.audit.actions(ADMIN.id) == [
        *(await bot.storage.audit.actions(ADMIN.id))[:-1],
        "request.completed",
    ]
    assert (
        await bot.storage.db.fetch_value(
            "SELECT detail FROM audit_log WHERE action = 'request.completed'"
        )
        == "confirmed"
    )


async def test_an_invoice_beyond_the_fund_but_near_the_estimate_is_doubted_for_the_fund(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund 1 amount 40")
    request_id = await approved(bot)  # 30,00 € committed: 10,00 € left
    bot.time.now = AFTER

    # 44,00 € is within 150 % of 30,00 € (45,00 €), but 14,00 € more than held.
    reply = only_text(await bot.send(ADMIN, f"/invoice {request_id} 44 Pool RE-1 03.12.2026"))

    # 10,00 + 30,00 = 40,00 € for the request; 14,00 − 10,00 = 4,00 € beyond.
    assert reply == warning(
        request_id, money(4400), de(OVERRUN, available=money(4000), overrun=money(400))
    )


async def test_an_invoice_within_the_estimate_and_the_fund_is_recorded_at_once(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund 1 amount 45")
    request_id = await approved(bot)
    bot.time.now = AFTER

    # 45,00 € is exactly 150 % of 30,00 € and exactly what the fund has: plausible.
    calls = await bot.send(ADMIN, f"/invoice {request_id} 45 Pool RE-1 03.12.2026")

    assert to(ADMIN, calls)[0] == " ".join(
        [
            de(INVOICED, id=request_id, amount=money(4500), estimate=money(3000)),
            de(LEFT, available=money(0)),
        ]
    )
    assert [(line[4], line[7]) for line in await lines(bot)] == [(4500, 0)]


async def test_a_confirmation_is_taken_once_and_only_by_its_own_warning(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id = await approved(bot)
    bot.time.now = AFTER
    await bot.send(ADMIN, f"/invoice {request_id} 50 Pool RE-1 03.12.2026")
    first = bot.telegram.find_button(ADMIN.id, de("Confirm"))
    await bot.send(ADMIN, f"/invoice {request_id} 60 Pool RE-2 03.12.2026")
    second = bot.telegram.find_button(ADMIN.id, de("Confirm"))

    presses = [
        await bot.process(bot.telegram.callback_update(ADMIN, message_id, data["callback_data"]))
        for message_id, data in (first, second, second)
    ]

    expired = de("This button is no longer active.")
    answers = [
        [call.params.get("text") for call in calls if call.method == "answerCallbackQuery"]
        for calls in presses
    ]
    assert answers == [[expired], [None], [expired]]
    # Only the newer one, 60,00 €, is recorded, and once.
    assert [(line[2], line[4]) for line in await lines(bot)] == [("RE-2", 6000)]


async def test_a_held_invoice_meets_the_request_as_it_is_when_confirmed(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id = await approved(bot)
    bot.time.now = AFTER
    await bot.send(ADMIN, f"/invoice {request_id} 50 Pool RE-1 03.12.2026")
    await bot.send(COORDINATOR, f"/invoice {request_id} 30 Pool RE-1 03.12.2026")

    reply = [text for text in to(ADMIN, await bot.press(ADMIN, de("Confirm")))]

    assert reply[0] == de(ANOTHER_INVOICE, id=request_id, amount=money(3000))
    assert [line[4] for line in await lines(bot)] == [3000]


# The fund over time, and the demo --------------------------------------------------------


async def test_the_timeline_counts_each_line_on_the_day_it_was_recorded(
    staff: BotHarness,
) -> None:
    bot = staff
    request_id = await invoiced(bot)
    bot.time.now = berlin(2026, 12, 5, 9)
    await bot.send(ADMIN, f"/invoice {request_id} fix 27,50 Anfahrt entfiel")
    fund = await bot.storage.funds.translation_fund()

    timeline = await bot.storage.funds.timeline(fund, BERLIN)

    # 30,00 € on 3 December, 30,00 − 2,50 = 27,50 € from 5 December.
    assert timeline.spent == [(date(2026, 12, 3), 3000), (date(2026, 12, 5), 2750)]


async def test_demo_requests_spend_the_sum_of_their_invoice_lines(staff: BotHarness) -> None:
    bot = staff
    today = START.date()
    fund = await bot.storage.funds.translation_fund()
    data = generate(40, 10, today, bot.application.bot_data.settings.towns, fund.id, fund.starts_on)

    await bot.storage.demo.load(data)

    completed = await bot.storage.db.fetch_value(
        "SELECT count(*) FROM interpreter_requests WHERE status = 'completed'"
    )
    spent = await bot.storage.db.fetch_value(
        "SELECT sum(spent_cents) FROM interpreter_requests WHERE status = 'completed'"
    )
    assert completed > 0 and completed == len(data.invoices)
    assert await bot.storage.db.fetch_value("SELECT sum(amount_cents) FROM invoices") == spent
    assert {payee for (payee,) in await bot.storage.db.fetch_all("SELECT payee FROM invoices")} <= {
        POOL,
        AGENCY,
    }
    assert (await money_state(bot))[0] == spent
    timeline = await bot.storage.funds.timeline(fund, BERLIN)
    assert timeline.spent[-1][1] == spent
    assert database_problems(bot.application.bot_data.settings.database_path) == []


# No sequence spends beyond a fund unconfirmed -----------------------------------------------

DRAFT = RequestDraft("uk", Mode.PHONE, date(2026, 12, 3), time(10, 0), Purpose.JOBCENTER, 60)
# What can happen to a fund's requests; the explicit ones may take it beyond its amount.
EXPLICIT = {"overrun", "confirmed_invoice", "confirmed_correction"}
STEPS = st.sampled_from(
    ["submit", "approve", "approve", "cancel", "invoice", "invoice", "correction", "correction",
     *sorted(EXPLICIT)]
)  # fmt: skip


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amount=st.integers(0, 200),
    steps=st.lists(
        st.tuples(STEPS, st.integers(0, 2), st.integers(0, 200)), min_size=3, max_size=40
    ),
)
async def test_no_sequence_of_invoices_and_corrections_spends_beyond_the_fund_unconfirmed(
    bot: BotHarness, amount: int, steps: list[tuple[str, int, int]]
) -> None:
    """Each step that is not an explicit overrun or confirmation leaves the fund's spent and
    committed within its amount, or, if it was beyond it already, no further beyond; and
    each request with invoice lines has spent their sum."""
    storage, now = bot.storage, berlin(2026, 12, 4, 9)
    if await storage.staff.get(CASE_MANAGER.id) is None:
        await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    fund = await storage.funds.create(
        NewFund(
            f"Fonds {bot.time().timestamp()}",
            FundPurpose.OTHER,
            amount,
            date(2026, 1, 1),
            date(2026, 12, 31),
        ),
        ADMIN.id,
        now,
    )
    bot.time.advance(seconds=1)  # the next example's fund gets a name of its own
    requests: list[int] = []
    for step, pick, cents in steps:
        before = await storage.funds.figures(fund, now.date())
        if not requests:
            step = "submit"
        request_id = requests[pick % len(requests)] if requests else 0
        with contextlib.suppress(TransitionRefused, InvoiceRefused):
            await take(storage, step, fund, request_id, cents, now, requests)
        after = await storage.funds.figures(fund, now.date())
        used_before = before.spent_cents + before.committed_cents
        used_after = after.spent_cents + after.committed_cents
        if step not in EXPLICIT:
            assert used_after <= max(used_before, amount), (step, cents)
    unequal = await storage.db.fetch_all(
        """
        SELECT r.id FROM interpreter_requests AS r JOIN invoices AS i ON i.request_id = r.id
        WHERE r.fund_id = ? GROUP BY r.id HAVING r.spent_cents != sum(i.amount_cents)
        """,
        (fund.id,),
    )
    assert unequal == []


async def take(
    storage: Storage, step: str, fund: Fund, request_id: int, cents: int, now: datetime,
    requests: list[int],
) -> None:  # fmt: skip
    """One step on the fund, for the request `request_id` (but submit)."""
    if step == "submit":
        source = (CASE_MANAGER.id, len(requests) + int(now.timestamp()) + fund.id * 1000)
        submitted = await storage.requests.submit(
            DRAFT, DRAFT.starts_at(BERLIN), CASE_MANAGER.id, fund, cents, False, False, now,
            source,
        )  # fmt: skip
        requests.append(submitted.request.id)
    elif step in {"approve", "overrun"}:
        await storage.requests.approve(request_id, ADMIN.id, now, overrun=step == "overrun")
    elif step == "cancel":
        # A late cancellation's fee is never more than what the request holds.
        request = await storage.requests.get(request_id)
        await storage.requests.cancel(
            request_id, min(cents, request.committed_cents), CASE_MANAGER.id, now
        )
    elif step.endswith("invoice"):
        draft = InvoiceDraft(request_id, max(cents, 1), "Pool", "RE-1", now.date())
        await storage.invoices.record(
            draft, ADMIN.id, now, BERLIN, confirmed=step.startswith("confirmed")
        )
    else:
        correction = CorrectionDraft(request_id, cents, "Korrektur")
        await storage.invoices.correct(
            correction, ADMIN.id, now, BERLIN, confirmed=step.startswith("confirmed")
        )
