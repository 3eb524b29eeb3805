"""Requests confirmed at the same instant never together commit more than the fund has."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, time

from telegram import Update

from bot.core.offline import Person
from bot.interpreting.requests import Mode, Purpose, RequestDraft
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.dates import BERLIN
from tests.helpers.harness import BotHarness
from tests.helpers.texts import de

PEOPLE = [Person(20_000 + number, f"CM{number}", f"cm_{number}") for number in range(60)]
PHONE = "/interpreter uk 03.12. 10:00 60m telefon abh"  # 30,00 € each
ESTIMATE = 3000
# Room for three estimates and a bit: the fourth does not fit.
AMOUNT = "100"
AMOUNT_CENTS = 10_000
FITTING = 3


async def statuses(bot: BotHarness) -> Counter:
    rows = await bot.storage.db.fetch_all(
        "SELECT status, committed_cents, estimate_cents FROM interpreter_requests"
    )
    return Counter((row["status"], row["committed_cents"], row["estimate_cents"]) for row in rows)


async def test_sixty_confirmations_at_once_commit_only_what_the_fund_covers(
    bot: BotHarness,
) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)
    for person in PEOPLE:
        await bot.register(person, Role.CASE_MANAGER)
    await bot.send(ADMIN, f"/fund 1 amount {AMOUNT}")
    presses = []
    for person in PEOPLE:
        await bot.send(person, PHONE)
        message_id, button = bot.telegram.find_button(person.id, de("Confirm"))
        presses.append(
            Update.de_json(
                bot.telegram.callback_update(person, message_id, button["callback_data"]),
                bot.application.bot,
            )
        )
    before = len(bot.telegram.calls)

    await asyncio.gather(*(bot.application.process_update(press) for press in presses))

    assert bot.errors == []
    assert await statuses(bot) == Counter(
        {("requested", ESTIMATE, ESTIMATE): FITTING,
         ("over_budget", 0, ESTIMATE): len(PEOPLE) - FITTING}
    )  # fmt: skip
    fund = await bot.storage.funds.translation_fund()
    figures = await bot.storage.funds.figures(fund, bot.time().date())
    assert figures.committed_cents + figures.spent_cents <= AMOUNT_CENTS
    assert (figures.committed_cents, figures.available_cents) == (FITTING * ESTIMATE, 1000)
    calls = bot.telegram.calls[before:]
    # Every requester got one answer, and the coordinator every request to decide.
    answered = Counter(
        int(call.params["chat_id"]) for call in calls if call.method == "sendMessage"
    )
    assert all(answered[person.id] == 1 for person in PEOPLE)
    decisions = Counter(
        call.buttons[0]["callback_data"].split(":")[1]
        for call in calls
        if call.method == "sendMessage"
        and int(call.params["chat_id"]) == COORDINATOR.id
        and call.buttons
    )
    assert decisions == Counter({"approve": FITTING, "overrun": len(PEOPLE) - FITTING})
    # 90 % used: 50, 75 and 90 % are alerted once each, in one to three messages.
    alerts = [
        call
        for call in calls
        if call.method == "sendMessage"
        and int(call.params["chat_id"]) == COORDINATOR.id
        and not call.buttons
    ]
    assert 1 <= len(alerts) <= 3
    thresholds = await bot.storage.db.fetch_all(
        "SELECT threshold FROM fund_alerts ORDER BY threshold"
    )
    assert [row["threshold"] for row in thresholds] == [50, 75, 90]


async def test_sixty_submissions_at_once_in_storage_never_exceed_the_fund(
    bot: BotHarness,
) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    fund = await bot.storage.funds.translation_fund()
    await bot.storage.funds.change(fund.id, ADMIN.id, bot.time(), amount_cents=AMOUNT_CENTS)
    fund = await bot.storage.funds.get(fund.id)
    draft = RequestDraft("uk", Mode.PHONE, date(2026, 12, 3), time(10, 0), Purpose.JOBCENTER, 60)
    starts_at = draft.starts_at(BERLIN)

    results = await asyncio.gather(
        *(
            bot.storage.requests.submit(
                draft,
                starts_at,
                CASE_MANAGER.id,
                fund,
                ESTIMATE,
                False,
                False,
                bot.time(),
                (CASE_MANAGER.id, 1000 + number),
            )
            for number in range(60)
        )
    )

    assert all(submission.created for submission in results)
    assert Counter(submission.request.status.value for submission in results) == Counter(
        {"requested": FITTING, "over_budget": 60 - FITTING}
    )
    assert await statuses(bot) == Counter(
        {("requested", ESTIMATE, ESTIMATE): FITTING,
         ("over_budget", 0, ESTIMATE): 60 - FITTING}
    )  # fmt: skip
    figures = await bot.storage.funds.figures(fund, bot.time().date())
    assert figures.available_cents == AMOUNT_CENTS - FITTING * ESTIMATE >= 0


async def test_the_same_confirmation_submitted_at_once_is_stored_once(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    fund = await bot.storage.funds.translation_fund()
    draft = RequestDraft("uk", Mode.PHONE, date(2026, 12, 3), time(10, 0), Purpose.JOBCENTER, 60)

    results = await asyncio.gather(
        *(
            bot.storage.requests.submit(
                draft,
                draft.starts_at(BERLIN),
                CASE_MANAGER.id,
                fund,
                ESTIMATE,
                False,
                False,
                bot.time(),
                (CASE_MANAGER.id, 77),
            )
            for _ in range(10)
        )
    )

    assert sorted(submission.created for submission in results) == [False] * 9 + [True]
    assert {submission.request.id for submission in results} == {1}
    assert await statuses(bot) == Counter({("requested", ESTIMATE, ESTIMATE): 1})


async def test_a_submission_checks_the_funds_amount_as_it_is_now(bot: BotHarness) -> None:
    """The Fund passed in was read before the transaction; an admin lowered it since."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    read_earlier = await bot.storage.funds.translation_fund()
    await bot.storage.funds.change(read_earlier.id, ADMIN.id, bot.time(), amount_cents=1000)
    draft = RequestDraft("uk", Mode.PHONE, date(2026, 12, 3), time(10, 0), Purpose.JOBCENTER, 60)

    submission = await bot.storage.requests.submit(
        draft, draft.starts_at(BERLIN), CASE_MANAGER.id, read_earlier, ESTIMATE, False, False,
        bot.time(), (CASE_MANAGER.id, 1),
    )  # fmt: skip

    current = await bot.storage.funds.get(read_earlier.id)
    figures = await bot.storage.funds.figures(current, bot.time().date())
    assert (submission.request.status.value, figures.available_cents) == ("over_budget", 1000)
