"""What /budget says about a fund: a short block in the list of all funds, or the whole
picture of one, with a forecast computed from exactly the figures it shows."""

from __future__ import annotations

import html

from bot.core.i18n import _, format_date, format_money, format_number
from bot.funds.funds import Fund, FundFigures, FundPurpose


def in_budget_order(funds: list[Fund]) -> list[Fund]:
    """The KIM budgets in their order, each purpose's funds by period."""
    order = list(FundPurpose)
    return sorted(funds, key=lambda fund: (order.index(fund.purpose), fund.starts_on, fund.id))


def fund_heading(fund: Fund) -> str:
    return _("<b>#{id} {name}</b> ({period})").format(
        id=fund.id, name=html.escape(fund.name), period=fund.period
    )


def budget_block(fund: Fund, figures: FundFigures) -> list[str]:
    """Three lines for the list of all funds: heading, figures, forecast."""
    return [
        fund_heading(fund),
        _("{spent} spent, {committed} committed: {available} of {amount} available").format(
            spent=format_money(figures.spent_cents),
            committed=format_money(figures.committed_cents),
            available=format_money(figures.available_cents),
            amount=format_money(figures.amount_cents),
        )
        if figures.available_cents >= 0
        else _("{spent} spent, {committed} committed: ⚠ {overrun} over the {amount}").format(
            spent=format_money(figures.spent_cents),
            committed=format_money(figures.committed_cents),
            overrun=format_money(-figures.available_cents),
            amount=format_money(figures.amount_cents),
        ),
        forecast_text(figures),
    ]


def budget_details(fund: Fund, figures: FundFigures) -> list[str]:
    """One fund in full: its figures, the pace of its use and where that pace leads."""
    return [
        fund_heading(fund),
        _("Purpose: {purpose}").format(purpose=fund.purpose.label),
        _("Amount: {amount}").format(amount=format_money(figures.amount_cents)),
        _("Spent: {amount}").format(amount=format_money(figures.spent_cents)),
        _("Committed: {amount}").format(amount=format_money(figures.committed_cents)),
        _("Available: {amount}").format(amount=format_money(figures.available_cents))
        if figures.available_cents >= 0
        # Never a bare negative: an explicit overrun says so.
        else _("⚠ Overrun by {amount}").format(amount=format_money(-figures.available_cents)),
        _("Used (spent and committed): {percent} %").format(
            percent=format_number(figures.used_percent)
        ),
        _("Used per week (spent and committed, averaged over {days} days): {amount}").format(
            days=figures.pace_days, amount=format_money(figures.weekly_use_cents)
        ),
        forecast_text(figures),
    ]


def forecast_text(figures: FundFigures) -> str:
    """Where the weekly use leads: the available amount divided by the weekly use shown,
    in whole days, from today; both numbers are the ones /budget shows."""
    if figures.today > figures.ends_on:
        return _("The fund ended on {end}.").format(end=format_date(figures.ends_on))
    if figures.today < figures.starts_on:
        return _("Forecast: the fund starts on {start}.").format(
            start=format_date(figures.starts_on)
        )
    if figures.used_cents == 0:
        return _("Forecast: nothing used yet.")
    if figures.available_cents <= 0:
        return _("Forecast: nothing is available any more.")
    exhausted_on = figures.exhausted_on
    values = {
        "weekly": format_money(figures.weekly_use_cents),
        "available": format_money(figures.available_cents),
        "end": format_date(figures.ends_on),
    }
    if exhausted_on is None or exhausted_on > figures.ends_on:
        return _(
            "Forecast: at {weekly} a week, the {available} available last beyond the end on {end}."
        ).format(**values)
    return _(
        "Forecast: at {weekly} a week, the {available} available run out on {date}, {days} "
        "days before the end on {end}."
    ).format(**values, date=format_date(exhausted_on), days=(figures.ends_on - exhausted_on).days)


def spending_lines(heading: str, items: list[tuple[str, int, int | None]]) -> list[str]:
    """A breakdown (by language, kind or category): its heading (HTML), then a line per item
    (name as HTML) with what it spent and committed (None: a category of expenses, which
    commit nothing)."""
    if not items:
        return []
    lines = ["", heading]
    for name, spent, committed in items:
        if committed is None:
            line = _("{name}: {spent} spent").format(name=name, spent=format_money(spent))
        else:
            line = _("{name}: {spent} spent, {committed} committed").format(
                name=name, spent=format_money(spent), committed=format_money(committed)
            )
        lines.append(line)
    return lines
