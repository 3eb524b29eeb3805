"""The charts under /week: contacts per week by type and the translation fund, as PNGs."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.casework.vocabulary import ContactType
from bot.core.i18n import use_locale
from bot.core.offline import BotCall, Person
from bot.handlers import figures as figures_handlers
from bot.reporting.charts import (
    FundTimeline,
    WeekByType,
    contacts_chart,
    contacts_figure,
    fund_chart,
    fund_figure,
)
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.dates import german_date
from tests.helpers.harness import BotHarness
from tests.helpers.texts import de, money

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MONDAY = date(2026, 11, 23)  # of ISO week 48, the week of the tests' today
FUND_NAME = "Übersetzung/Dolmetschen"


@pytest.fixture
async def staff(bot: BotHarness) -> BotHarness:
    """Anna with F-0001 and two contacts this week, one a week earlier; a coordinator."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    await bot.take_in(date(2026, 11, 2))
    await bot.send(CASE_MANAGER, "/log F-0001 45m hausbesuch aufenthalt")
    await bot.send(CASE_MANAGER, "/log F-0001 gestern 10m telefon arbeit")
    await bot.send(CASE_MANAGER, "/log F-0001 17.11.2026 10m telefon arbeit")
    return bot


async def bot_message(bot: BotHarness, person: Person) -> int:
    """The id of a bot message in the person's chat, whose button the person may press."""
    sent: list[int] = []

    def remember(call: BotCall, result: Any) -> None:
        if call.method == "sendMessage":
            sent.append(result["message_id"])

    bot.telegram.listeners.append(remember)
    try:
        await bot.send(person, "/help")
    finally:
        bot.telegram.listeners.remove(remember)
    return sent[-1]


async def press_chart(bot: BotHarness, person: Person, data: str) -> list[BotCall]:
    message_id = await bot_message(bot, person)
    return await bot.process(bot.telegram.callback_update(person, message_id, data))


def photos(calls: list[BotCall]) -> list[BotCall]:
    return [call for call in calls if call.method == "sendPhoto"]


def image_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        return image.size


# The button --------------------------------------------------------------------------------


async def test_the_charts_button_under_week_sends_two_phone_sized_pngs(staff: BotHarness) -> None:
    await staff.send(COORDINATOR, "/week")

    calls = await staff.press(COORDINATOR, de("Charts"))

    sent = photos(calls)
    assert [int(call.params["chat_id"]) for call in sent] == [COORDINATOR.id] * 2
    for call in sent:
        upload = call.uploads["photo"]
        assert upload.filename.endswith(".png")
        width, height = image_size(upload.content)
        assert width >= 1000 and height >= 600
    assert [call.params["caption"] for call in sent] == [
        de(
            "Contacts per week by type, {first} – {last}",
            first=german_date(date(2026, 9, 7)),
            last=german_date(date(2026, 11, 29)),
        ),
        de(
            "{fund} on {date}: {spent} spent and {committed} committed of {amount}.",
            fund=FUND_NAME,
            date=german_date(date(2026, 11, 24)),
            spent=money(0),
            committed=money(0),
            amount=money(3_000_000),
        ),
    ]


async def test_the_fund_caption_tells_what_is_spent_and_committed(staff: BotHarness) -> None:
    bot = staff
    await spend_and_commit(bot)

    calls = await press_chart(bot, COORDINATOR, figures_handlers.ChartWeek(monday=MONDAY).pack())

    assert photos(calls)[1].params["caption"] == de(
        "{fund} on {date}: {spent} spent and {committed} committed of {amount}.",
        fund=FUND_NAME, date=german_date(date(2026, 11, 26)), spent=money(4218),
        committed=money(3000), amount=money(3_000_000),
    )  # fmt: skip


async def test_admins_get_the_charts_for_any_week(staff: BotHarness) -> None:
    calls = await press_chart(staff, ADMIN, "chart:2026-10-07")

    sent = photos(calls)
    assert len(sent) == 2
    # A Wednesday stands for its week: twelve weeks up to week 41.
    assert sent[0].params["caption"] == de(
        "Contacts per week by type, {first} – {last}",
        first=german_date(date(2026, 7, 20)),
        last=german_date(date(2026, 10, 11)),
    )


async def test_case_managers_get_an_alert_and_no_chart(staff: BotHarness) -> None:
    calls = await press_chart(staff, CASE_MANAGER, "chart:2026-11-23")

    assert [
        (call.method, call.params.get("text"), call.params.get("show_alert")) for call in calls
    ] == [("answerCallbackQuery", de("The charts are for coordinators and administrators."), True)]


@pytest.mark.parametrize("day", ["2026-02-30", "9999-12-31", "0001-01-01"])
async def test_a_button_with_an_impossible_day_is_stale(staff: BotHarness, day: str) -> None:
    calls = await press_chart(staff, COORDINATOR, f"chart:{day}")

    assert [(call.method, call.params.get("text")) for call in calls] == [
        ("answerCallbackQuery", de("This button is no longer active."))
    ]


# What the charts are drawn from ------------------------------------------------------------


async def test_contacts_per_week_are_counted_by_type_with_empty_weeks(staff: BotHarness) -> None:
    weeks = await staff.storage.figures.contacts_by_type(date(2026, 11, 25), 3)

    assert [(week.monday, week.contacts) for week in weeks] == [
        (date(2026, 11, 9), {}),
        (date(2026, 11, 16), {ContactType.PHONE: 1}),
        (date(2026, 11, 23), {ContactType.HOME_VISIT: 1, ContactType.PHONE: 1}),
    ]


async def spend_and_commit(bot: BotHarness) -> None:
    """42,17 € invoiced at 00:30 on 25 November (Berlin) for the evening before, DeepL for
    0.4 cent on 24 and 26 November, 30,00 € committed; it is now 26 November."""
    for _ in range(2):
        await bot.send(CASE_MANAGER, "/interpreter uk 24.11. 20:00 60m telefon abh")
        await bot.press(CASE_MANAGER, de("Confirm"))
    await bot.send(COORDINATOR, "/approve 1")
    fund = await bot.storage.funds.translation_fund()
    await bot.storage.translations.record(
        fund.id, CASE_MANAGER.id, "uk", 200, 400_000, datetime(2026, 11, 24, 10, tzinfo=UTC)
    )
    bot.time.now = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    await bot.send(COORDINATOR, "/invoice 1 42,17 Sprachmittlerpool RE-1 24.11.2026")
    await bot.storage.translations.record(
        fund.id, CASE_MANAGER.id, "uk", 200, 400_000, datetime(2026, 11, 26, 10, tzinfo=UTC)
    )
    bot.time.now = datetime(2026, 11, 26, 11, tzinfo=UTC)


async def test_the_fund_timeline_sums_by_local_day_and_rounds_the_running_sum(
    staff: BotHarness,
) -> None:
    bot = staff
    await spend_and_commit(bot)
    fund = await bot.storage.funds.translation_fund()

    timeline = await bot.storage.funds.timeline(fund, bot.application.bot_data.clock.tz)

    # Two times 0.4 cent of DeepL are 1 cent, not 2: rounded up on the sum, as /budget does.
    assert timeline.spent == [
        (date(2026, 11, 24), 1),
        (date(2026, 11, 25), 4218),
        (date(2026, 11, 26), 4218),
    ]
    figures = await bot.storage.funds.figures(fund, date(2026, 11, 26))
    assert (timeline.spent_cents, timeline.committed_cents) == (
        figures.spent_cents,
        figures.committed_cents,
    )
    assert timeline.committed_cents == 3000
    assert (timeline.amount_cents, timeline.ends_on) == (3_000_000, date(2026, 12, 31))


# The chart functions -----------------------------------------------------------------------


def twelve_weeks(counts: dict[int, dict[ContactType, int]] | None = None) -> list[WeekByType]:
    first = MONDAY - timedelta(weeks=11)
    return [
        WeekByType(first + timedelta(weeks=index), dict((counts or {}).get(index, {})))
        for index in range(12)
    ]


def texts_of(figure) -> list[str]:
    return [text.get_text() for axes in figure.axes for text in axes.texts]


def legend_of(figure) -> list[str]:
    return [text.get_text() for legend in figure.legends for text in legend.get_texts()]


def test_with_no_contacts_yet_the_weeks_chart_says_so() -> None:
    with use_locale("de"):
        figure = contacts_figure(twelve_weeks())
        png = contacts_chart(twelve_weeks())

    assert texts_of(figure) == [de("No contacts in these weeks.")]
    assert legend_of(figure) == []
    assert [label.get_text() for label in figure.axes[0].get_xticklabels()] == [
        de("CW {week}", week=week) for week in range(37, 49)
    ]
    assert image_size(png) == (1280, 720)


def test_the_weeks_chart_stacks_the_types_and_totals_each_week() -> None:
    counts = {
        10: {ContactType.PHONE: 2, ContactType.HOME_VISIT: 3},
        11: {ContactType.MESSAGE: 1, ContactType.HOME_VISIT: 4},
    }
    with use_locale("de"):
        figure = contacts_figure(twelve_weeks(counts))
        expected_legend = [
            ContactType.MESSAGE.label, ContactType.PHONE.label, ContactType.HOME_VISIT.label
        ]  # fmt: skip
        png = contacts_chart(twelve_weeks(counts))

    # Stacked bottom-up in the order of the types; the legend reads top-down. Each week
    # with contacts has its total above the bar.
    assert legend_of(figure) == expected_legend
    assert texts_of(figure) == ["5", "5"]
    bars = [(patch.get_x(), patch.get_y(), patch.get_height()) for patch in figure.axes[0].patches]
    assert [(y, height) for x, y, height in bars if height and round(x + 0.35) == 11] == [
        (0, 4), (4, 1)
    ]  # fmt: skip
    assert image_size(png) == (1280, 720)


def timeline(
    spent: list[tuple[date, int]] | None = None, committed: int = 0, name: str = FUND_NAME
) -> FundTimeline:
    return FundTimeline(
        name=name,
        amount_cents=3_000_000,
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 12, 31),
        spent=spent or [],
        committed_cents=committed,
    )


def test_the_fund_chart_shows_spent_committed_amount_and_end() -> None:
    spent = [(date(2026, 10, 5), 12_000), (date(2026, 11, 10), 1_100_000)]
    with use_locale("de"):
        figure = fund_figure(timeline(spent, committed=450_000), date(2026, 11, 24))
        png = fund_chart(timeline(spent, committed=450_000), date(2026, 11, 24))
        euro_label = figure.axes[0].yaxis.get_major_formatter()

        assert euro_label(30_000, 0) == "30.000\xa0€"
    assert legend_of(figure) == [
        de("spent: {amount}", amount=money(1_100_000)),
        de("committed: {amount}", amount=money(450_000)),
        de("amount: {amount}", amount=money(3_000_000)),
        de("end: {date}", date=german_date(date(2026, 12, 31))),
    ]
    assert figure.axes[0].get_title() == de("{fund}: spent and committed", fund=FUND_NAME)
    assert image_size(png) == (1280, 720)


def test_the_euro_axis_follows_the_persons_language() -> None:
    with use_locale("en"):
        figure = fund_figure(timeline(), date(2026, 11, 24))
        assert figure.axes[0].yaxis.get_major_formatter()(30_000, 0) == "€30,000"


def test_a_fund_with_nothing_spent_or_committed_is_drawn_without_a_band() -> None:
    with use_locale("de"):
        figure = fund_figure(timeline(), date(2026, 11, 24))
        png = fund_chart(timeline(), date(2026, 11, 24))

    assert legend_of(figure) == [
        de("spent: {amount}", amount=money(0)),
        de("amount: {amount}", amount=money(3_000_000)),
        de("end: {date}", date=german_date(date(2026, 12, 31))),
    ]
    assert image_size(png) == (1280, 720)


def test_a_fund_name_with_signs_the_font_lacks_draws_without_a_warning() -> None:
    # Warnings are errors in the tests: a missing glyph or a "$" read as maths would fail.
    with use_locale("de"):
        figure = fund_figure(timeline(name="Fonds 🌍 $5"), date(2026, 11, 24))
        png = fund_chart(timeline(name="Fonds 🌍 $5"), date(2026, 11, 24))

    assert figure.axes[0].get_title() == de("{fund}: spent and committed", fund=r"Fonds \$5")
    assert image_size(png) == (1280, 720)


def test_starting_the_bot_does_not_load_matplotlib_or_openpyxl() -> None:
    # In a fresh interpreter: this one has drawn charts already.
    code = (
        "import sys, bot.app, bot.handlers.exports; "
        "print(sorted({'matplotlib', 'openpyxl'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
    )

    assert result.stdout.strip() == "[]"
