"""The lifecycle of an interpreter request, step by step, and when a fund covers a cost.

The table below is the lifecycle as the issue describes it, written out by hand: the test
holds `next_status` and `TRANSITIONS` to it, so a change to either shows up here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.funds.funds import FundFigures
from bot.interpreting.requests import (
    OPEN,
    TRANSITIONS,
    InterpreterRequest,
    Mode,
    Purpose,
    Status,
    Step,
    TransitionRefused,
    next_status,
    submitted_status,
)

# Each step: the states it may be taken from, and where it leads.
LIFECYCLE = {
    Step.APPROVE: ({Status.REQUESTED}, Status.APPROVED),
    Step.APPROVE_OVERRUN: ({Status.REQUESTED, Status.OVER_BUDGET}, Status.APPROVED),
    Step.REJECT: ({Status.REQUESTED, Status.OVER_BUDGET}, Status.REJECTED),
    Step.INVOICE: ({Status.APPROVED}, Status.COMPLETED),
    Step.CANCEL: ({Status.REQUESTED, Status.OVER_BUDGET, Status.APPROVED}, Status.CANCELLED),
    # The interpreter's invoice for a cancelled appointment: it stays cancelled.
    Step.INVOICE_CANCELLATION: ({Status.CANCELLED}, Status.CANCELLED),
}
CLOSED = {Status.REJECTED, Status.COMPLETED, Status.CANCELLED}


def request_in(status: Status) -> InterpreterRequest:
    return InterpreterRequest(
        id=7,
        fund_id=1,
        family_id=None,
        requested_by=1003,
        language="uk",
        mode=Mode.PHONE,
        starts_at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
        minutes=60,
        pages=None,
        town=None,
        purpose=Purpose.JOBCENTER,
        professional=False,
        urgent=False,
        status=status,
        estimate_cents=3000,
        committed_cents=3000 if status in {Status.REQUESTED, Status.APPROVED} else 0,
        spent_cents=0,
        overrun=False,
        reason=None,
        created_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("status", list(Status))
def test_each_step_from_each_state_leads_on_or_is_refused(status: Status, step: Step) -> None:
    allowed, following = LIFECYCLE[step]
    request = request_in(status)

    if status in allowed:
        assert next_status(request, step) is following
    else:
        with pytest.raises(TransitionRefused) as refused:
            next_status(request, step)
        assert refused.value.request is request
        assert str(refused.value) == status.value


def test_the_transitions_table_is_the_lifecycle() -> None:
    assert set(TRANSITIONS) == set(Step)
    assert {step: (set(allowed), to) for step, (allowed, to) in TRANSITIONS.items()} == LIFECYCLE


def test_a_closed_request_allows_no_step_but_its_cancellation_invoice() -> None:
    assert set(OPEN) == set(Status) - CLOSED
    for status in Status:
        possible = {step for step, (allowed, _to) in LIFECYCLE.items() if status in allowed}
        if status is Status.CANCELLED:
            assert possible == {Step.INVOICE_CANCELLATION}
        else:
            assert (possible == set()) == (status in CLOSED)


def test_no_step_leads_back_to_an_open_state_but_approval() -> None:
    assert {to for _allowed, to in TRANSITIONS.values()} & set(OPEN) == {Status.APPROVED}


@pytest.mark.parametrize(
    ("covered", "status"), [(True, Status.REQUESTED), (False, Status.OVER_BUDGET)]
)
def test_a_new_request_waits_for_a_decision_or_for_an_overrun(
    covered: bool, status: Status
) -> None:
    assert submitted_status(covered) is status


# FundFigures.covers ------------------------------------------------------------------------


def figures(amount: int, spent: int, committed: int) -> FundFigures:
    return FundFigures(
        amount, spent, committed, date(2026, 1, 1), date(2026, 12, 31), date(2026, 11, 24)
    )


@pytest.mark.parametrize(
    ("cents", "covered"),
    [(0, True), (1, True), (4_999, True), (5_000, True), (5_001, False), (10_000, False)],
)
def test_a_fund_covers_exactly_what_it_has_available(cents: int, covered: bool) -> None:
    fund = figures(10_000, spent=3_000, committed=2_000)
    assert fund.available_cents == 5_000

    assert fund.covers(cents) is covered


def test_a_fund_used_up_to_the_cent_covers_only_nothing() -> None:
    fund = figures(10_000, spent=6_000, committed=4_000)

    assert fund.covers(0)
    assert not fund.covers(1)


def test_an_overdrawn_fund_covers_nothing_at_all() -> None:
    fund = figures(10_000, spent=8_000, committed=2_500)

    assert not fund.covers(0)
    assert not fund.covers(1)


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(0, 10**9),
    spent=st.integers(0, 10**9),
    committed=st.integers(0, 10**9),
    offset=st.integers(-2, 2),
)
def test_covers_is_a_cost_at_most_what_is_available(
    amount: int, spent: int, committed: int, offset: int
) -> None:
    fund = figures(amount, spent, committed)
    cents = max(0, fund.available_cents + offset)

    assert fund.covers(cents) is (cents <= amount - spent - committed)
