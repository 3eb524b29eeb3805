"""Fund alerts are returned by the store methods that change a fund, once per threshold.

Storage only, no Telegram: every way money is committed, spent or the amount lowered
returns the thresholds (50, 75, 90, 100 %) it reached for the first time, or None.
"""

from __future__ import annotations

import itertools
from datetime import date, time

import pytest

from bot.funds.funds import Fund, FundAlert
from bot.funds.money import MICRO_CENTS_PER_CENT
from bot.interpreting.invoices import DoubtKind, InvoiceDraft
from bot.interpreting.requests import Mode, Purpose, RequestDraft, Status
from bot.staff.roles import Role
from bot.storage.requests import Submission
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.dates import BERLIN, berlin
from tests.helpers.harness import BotHarness

AMOUNT = 10_000  # 100,00 €: each euro is one percent
DRAFT = RequestDraft("uk", Mode.PHONE, date(2026, 12, 3), time(10, 0), Purpose.JOBCENTER, 60)


class Fund100:
    """The translation fund lowered to 100 €, and requests submitted to it at storage level."""

    def __init__(self, bot: BotHarness, fund: Fund) -> None:
        self.bot = bot
        self.storage = bot.storage
        self.fund = fund
        self._sources = itertools.count(1)

    async def submit(self, cents: int) -> Submission:
        return await self.storage.requests.submit(
            DRAFT, DRAFT.starts_at(BERLIN), CASE_MANAGER.id, self.fund, cents, False, False,
            self.bot.time(), (CASE_MANAGER.id, next(self._sources)),
        )  # fmt: skip

    async def thresholds_recorded(self) -> list[int]:
        rows = await self.storage.db.fetch_all(
            "SELECT threshold FROM fund_alerts WHERE fund_id = ? ORDER BY threshold",
            (self.fund.id,),
        )
        return [row["threshold"] for row in rows]


@pytest.fixture
async def fund(bot: BotHarness) -> Fund100:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    translation = await bot.storage.funds.translation_fund()
    lowered = await bot.storage.funds.change(
        translation.id, ADMIN.id, bot.time(), amount_cents=AMOUNT
    )
    assert lowered is None  # nothing used yet: no threshold reached
    return Fund100(bot, await bot.storage.funds.get(translation.id))


def assert_alert(alert: FundAlert | None, fund: Fund100, thresholds: tuple[int, ...]) -> None:
    assert alert is not None
    assert alert.thresholds == thresholds
    assert alert.threshold == max(thresholds)
    assert alert.fund.id == fund.fund.id
    assert alert.figures.amount_cents == alert.fund.amount_cents


# submit ------------------------------------------------------------------------------------


async def test_committing_half_the_fund_returns_the_50_percent_alert(fund: Fund100) -> None:
    submission = await fund.submit(5_000)

    assert submission.request.status is Status.REQUESTED
    assert_alert(submission.alert, fund, (50,))
    assert submission.alert.figures.committed_cents == 5_000
    assert await fund.thresholds_recorded() == [50]


async def test_just_under_half_returns_no_alert(fund: Fund100) -> None:
    submission = await fund.submit(4_999)

    assert submission.alert is None
    assert await fund.thresholds_recorded() == []


async def test_crossing_50_and_75_at_once_returns_both_and_tells_75(fund: Fund100) -> None:
    submission = await fund.submit(8_000)

    assert_alert(submission.alert, fund, (50, 75))
    assert submission.alert.threshold == 75


async def test_a_second_change_that_crosses_nothing_returns_none(fund: Fund100) -> None:
    first = await fund.submit(5_000)

    second = await fund.submit(1_000)

    assert_alert(first.alert, fund, (50,))
    assert second.alert is None
    assert await fund.thresholds_recorded() == [50]


async def test_a_threshold_is_alerted_once_even_after_use_falls_below_it(fund: Fund100) -> None:
    first = await fund.submit(5_000)
    cancelled = await fund.storage.requests.cancel(
        first.request.id, 0, CASE_MANAGER.id, fund.bot.time()
    )

    again = await fund.submit(6_000)

    assert cancelled.alert is None
    assert again.alert is None
    assert await fund.thresholds_recorded() == [50]


async def test_a_request_the_fund_cannot_cover_commits_nothing_and_alerts_nothing(
    fund: Fund100,
) -> None:
    await fund.submit(4_000)

    refused = await fund.submit(7_000)

    assert refused.request.status is Status.OVER_BUDGET
    assert refused.alert is None


async def test_a_repeated_confirmation_returns_no_alert(fund: Fund100) -> None:
    first = await fund.storage.requests.submit(
        DRAFT, DRAFT.starts_at(BERLIN), CASE_MANAGER.id, fund.fund, 5_000, False, False,
        fund.bot.time(), (CASE_MANAGER.id, 99),
    )  # fmt: skip
    repeated = await fund.storage.requests.submit(
        DRAFT, DRAFT.starts_at(BERLIN), CASE_MANAGER.id, fund.fund, 5_000, False, False,
        fund.bot.time(), (CASE_MANAGER.id, 99),
    )  # fmt: skip

    assert_alert(first.alert, fund, (50,))
    assert (repeated.created, repeated.alert) == (False, None)


# approve, invoice, cancel ------------------------------------------------------------------


async def test_approving_an_overrun_returns_every_threshold_it_crosses(fund: Fund100) -> None:
    await fund.submit(4_000)
    refused = await fund.submit(7_000)

    change = await fund.storage.requests.approve(
        refused.request.id, COORDINATOR.id, fund.bot.time(), overrun=True
    )

    assert change.request.status is Status.APPROVED
    assert_alert(change.alert, fund, (50, 75, 90, 100))
    assert change.alert.figures.available_cents == -1_000


async def test_approving_a_covered_request_commits_nothing_new(fund: Fund100) -> None:
    submitted = await fund.submit(4_000)

    change = await fund.storage.requests.approve(
        submitted.request.id, COORDINATOR.id, fund.bot.time()
    )

    assert change.alert is None


async def test_an_invoice_above_the_estimate_returns_the_alert(fund: Fund100) -> None:
    submitted = await fund.submit(4_000)
    await fund.storage.requests.approve(submitted.request.id, COORDINATOR.id, fund.bot.time())

    fund.bot.time.now = berlin(2026, 12, 3, 12)
    invoice = InvoiceDraft(submitted.request.id, 9_000, "Pool", "RE-1", date(2026, 12, 3))

    # 90,00 € is more than 150 % of 40,00 €: recorded only when confirmed.
    change = await fund.storage.invoices.record(
        invoice, ADMIN.id, fund.bot.time(), BERLIN, confirmed=True
    )

    assert change.request.status is Status.COMPLETED
    assert [doubt.kind for doubt in change.doubts] == [DoubtKind.ABOVE_ESTIMATE]
    assert_alert(change.alert, fund, (50, 75, 90))
    assert change.alert.figures.spent_cents == 9_000


async def test_a_cancellation_fee_never_takes_more_than_the_reservation(fund: Fund100) -> None:
    submitted = await fund.submit(4_000)

    change = await fund.storage.requests.cancel(
        submitted.request.id, 5_000, CASE_MANAGER.id, fund.bot.time()
    )

    # 50 € asked, 40 € reserved: 40 € are spent, the use of the fund stays 40 %.
    assert change.request.status is Status.CANCELLED
    assert change.request.spent_cents == 4_000
    assert change.alert is None


# the fund's amount and machine translation -------------------------------------------------


async def test_lowering_the_amount_returns_the_thresholds_it_reaches(fund: Fund100) -> None:
    await fund.submit(4_000)

    alert = await fund.storage.funds.change(
        fund.fund.id, ADMIN.id, fund.bot.time(), amount_cents=5_000
    )

    assert_alert(alert, fund, (50, 75))
    assert alert.fund.amount_cents == 5_000
    assert alert.figures.available_cents == 1_000


async def test_raising_the_amount_or_the_end_returns_no_alert(fund: Fund100) -> None:
    await fund.submit(4_000)

    raised = await fund.storage.funds.change(
        fund.fund.id, ADMIN.id, fund.bot.time(), amount_cents=20_000
    )
    extended = await fund.storage.funds.change(
        fund.fund.id, ADMIN.id, fund.bot.time(), ends_on=date(2027, 6, 30)
    )

    assert (raised, extended) == (None, None)


async def test_machine_translation_returns_the_alert(fund: Fund100) -> None:
    await fund.submit(4_000)

    alert = await fund.storage.translations.record(
        fund.fund.id, CASE_MANAGER.id, "uk", 1_000, 1_000 * MICRO_CENTS_PER_CENT, fund.bot.time()
    )

    assert_alert(alert, fund, (50,))
    assert alert.figures.spent_cents == 1_000


async def test_crossed_alerts_without_a_change_returns_none(fund: Fund100) -> None:
    await fund.submit(5_000)

    assert await fund.storage.funds.crossed_alerts(fund.fund.id, fund.bot.time()) is None
