"""Every KIM budget: the four funds of the settings, /budget for all or one, next year's fund
with /fund next, and which fund a request or a DeepL translation is charged to by its day."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.core.config import ConfigError, Settings, load_settings
from bot.funds.funds import FundPurpose
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.fake_deepl import FakeDeepL
from tests.helpers.harness import BotHarness, FakeTime, only_text, texts
from tests.helpers.texts import de, money
from tests.test_translate import with_deepl

TRANSLATION = "Übersetzung/Dolmetschen"
# A phone appointment with the Jobcenter: 2 half hours of the pool, 2 × 15,00 € = 30,00 €.
PHONE_IN_JANUARY = "/interpreter uk 12.01.2027 10:00 60m telefon abh"
NO_FUND = "No {purpose} fund covers {day}. The funds run: {periods}."


@pytest.fixture
async def staff(bot: BotHarness) -> BotHarness:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    return bot


def translation_label() -> str:
    return de("translation and interpreting")


# The four budgets from the settings ------------------------------------------------------


async def test_the_four_kim_budgets_of_the_seed_are_created_on_first_start(
    bot: BotHarness,
) -> None:
    funds = await bot.storage.funds.all()

    assert [
        (f.id, f.name, f.purpose, f.amount_cents, f.starts_on, f.ends_on) for f in funds
    ] == [
        (1, TRANSLATION, FundPurpose.TRANSLATION, 3_000_000, date(2026, 10, 1),
         date(2026, 12, 31)),
        (2, "Maßnahmen", FundPurpose.MEASURES, 3_000_000, date(2026, 1, 1), date(2026, 12, 31)),
        (3, "Veranstaltungen", FundPurpose.EVENTS, 1_000_000, date(2026, 1, 1),
         date(2026, 12, 31)),
        (4, "Externe Beratung", FundPurpose.ADVICE, 900_000, date(2026, 1, 1),
         date(2026, 12, 31)),
    ]  # fmt: skip
    assert (await bot.storage.audit.actions(None))[-4:] == ["fund.create"] * 4


async def test_a_restart_keeps_the_funds_even_with_other_settings(
    settings: Settings, time: FakeTime
) -> None:
    async with BotHarness(settings, time) as first:
        await first.send(ADMIN, "/fund 2 amount 32000")
    changed = settings.model_copy(update={"measures_fund_eur": Decimal("1")})

    async with BotHarness(changed, time) as again:
        funds = await again.storage.funds.all()

    assert len(funds) == 4
    assert funds[1].amount_cents == 3_200_000


async def test_an_empty_amount_leaves_a_budget_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVICE_FUND_EUR", "")
    monkeypatch.setenv("EVENTS_FUND_NAME", "Feste und Feiern")
    monkeypatch.setenv("EVENTS_FUND_EUR", "12500,5".replace(",", "."))

    settings = load_settings()

    assert [(fund.purpose, fund.name, fund.euros) for fund in settings.configured_funds] == [
        ("translation", TRANSLATION, Decimal("30000")),
        ("measures", "Maßnahmen", Decimal("30000")),
        ("events", "Feste und Feiern", Decimal("12500.5")),
    ]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"MEASURES_FUND_START": "2027-01-01"}, "MEASURES_FUND_END: must not be before"),
        ({"EVENTS_FUND_NAME": "maßnahmen"}, "*_FUND_NAME: each fund needs a name of its own"),
        ({"ADVICE_FUND_EUR": "9000.001"}, "ADVICE_FUND_EUR: must be an amount in euros"),
        ({"ADVICE_FUND_NAME": " "}, "ADVICE_FUND_NAME: must be a name of 1 to 60 characters"),
    ],
)
def test_bad_fund_settings_are_named(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigError) as raised:
        load_settings()

    assert str(raised.value).startswith(message)


async def test_a_fund_made_by_hand_with_a_configured_name_is_kept_and_logged(
    settings: Settings, time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    # Before there were settings for it, an admin made "Veranstaltungen" by hand.
    only_translation = settings.model_copy(
        update={"measures_fund_eur": None, "events_fund_eur": None, "advice_fund_eur": None}
    )
    async with BotHarness(only_translation, time) as before:
        await before.send(ADMIN, "/fund new 8000 01.01.2026 31.12.2026 Veranstaltungen")

    with caplog.at_level(logging.WARNING, logger="bot.app"):
        async with BotHarness(settings, time) as after:
            funds = await after.storage.funds.all()

    assert [(fund.name, fund.purpose, fund.amount_cents) for fund in funds] == [
        (TRANSLATION, FundPurpose.TRANSLATION, 3_000_000),
        ("Veranstaltungen", FundPurpose.OTHER, 800_000),
        ("Maßnahmen", FundPurpose.MEASURES, 3_000_000),
        ("Externe Beratung", FundPurpose.ADVICE, 900_000),
    ]
    assert "events fund not created from the settings" in caplog.text


def test_the_example_settings_name_the_four_budgets() -> None:
    example = Path(__file__).parent.parent / ".env.example"

    lines = set(example.read_text(encoding="utf-8").splitlines())

    assert {
        "MEASURES_FUND_EUR=30000", "EVENTS_FUND_EUR=10000", "ADVICE_FUND_EUR=9000",
        "ADVICE_FUND_NAME=Externe Beratung", "TRANSLATION_FUND_END=2026-12-31",
    } <= lines  # fmt: skip


# /budget -----------------------------------------------------------------------------------


async def test_budget_lists_every_fund_in_a_short_block(staff: BotHarness) -> None:
    bot = staff
    await bot.send(CASE_MANAGER, "/interpreter uk 03.12. 10:00 60m telefon abh")
    await bot.press(CASE_MANAGER, de("Confirm"))  # 30,00 € committed in fund 1
    await bot.send(COORDINATOR, '/spend maßnahmen 1.200 "Stadthalle Ahlen" RE-117 Miete #raum')

    lines = only_text(await bot.send(COORDINATOR, "/budget")).splitlines()

    block = "{spent} spent, {committed} committed: {available} of {amount} available"
    assert lines == [
        de("<b>Funds</b>"),
        "",
        f"<b>#1 {TRANSLATION}</b> (01.10.2026 – 31.12.2026)",
        de(block, spent=money(0), committed=money(3000), available=money(2_997_000),
           amount=money(3_000_000)),
        # 30,00 € used over the 55 days since 1 October: 30 × 7 / 55 = 3,818… → 3,82 € a
        # week; 29.970,00 € × 7 / 3,82 € lasts far beyond 31 December.
        de("Forecast: at {weekly} a week, the {available} available last beyond the end on "
           "{end}.", weekly=money(382), available=money(2_997_000), end="31.12.2026"),
        "",
        "<b>#2 Maßnahmen</b> (01.01.2026 – 31.12.2026)",
        de(block, spent=money(120_000), committed=money(0), available=money(2_880_000),
           amount=money(3_000_000)),
        # 1.200,00 € over the 328 days since 1 January: 1.200 × 7 / 328 = 25,609… → 25,61 €.
        de("Forecast: at {weekly} a week, the {available} available last beyond the end on "
           "{end}.", weekly=money(2561), available=money(2_880_000), end="31.12.2026"),
        "",
        "<b>#3 Veranstaltungen</b> (01.01.2026 – 31.12.2026)",
        de(block, spent=money(0), committed=money(0), available=money(1_000_000),
           amount=money(1_000_000)),
        de("Forecast: nothing used yet."),
        "",
        "<b>#4 Externe Beratung</b> (01.01.2026 – 31.12.2026)",
        de(block, spent=money(0), committed=money(0), available=money(900_000),
           amount=money(900_000)),
        de("Forecast: nothing used yet."),
        "",
        de("/budget 2 shows fund #2 in full, with its spending by category."),
    ]  # fmt: skip


async def test_budget_leaves_out_funds_ended_more_than_a_year_ago(staff: BotHarness) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund new 100 01.01.2024 31.12.2024 Alt")  # ended 23 months ago
    await bot.send(ADMIN, "/fund new 100 01.01.2025 30.11.2025 Vorjahr")  # within the year

    lines = only_text(await bot.send(COORDINATOR, "/budget")).splitlines()

    assert "<b>#6 Vorjahr</b> (01.01.2025 – 30.11.2025)" in lines
    assert not any("Alt" in line for line in lines)
    assert lines[-2] == de(
        "{count} funds ended more than a year ago; /fund lists every fund.", count=1
    )
    assert only_text(await bot.send(COORDINATOR, "/budget 5")).startswith("<b>#5 Alt</b>")


@pytest.mark.parametrize("name", ["2", "#2", "maßnahmen", "Massnahmen", "measures"])
async def test_budget_names_a_fund_by_number_purpose_or_name(staff: BotHarness, name: str) -> None:
    lines = only_text(await staff.send(COORDINATOR, f"/budget {name}")).splitlines()

    assert lines[0] == "<b>#2 Maßnahmen</b> (01.01.2026 – 31.12.2026)"
    assert lines[1] == de("Purpose: {purpose}", purpose=de("measures"))


async def test_budget_of_one_fund_shows_its_spending_by_category(staff: BotHarness) -> None:
    bot = staff
    for spend in ('/spend events 800 "Stadthalle Ahlen" RE-1 Sommerfest Miete #raum',
                  "/spend events 450,50 Catering-Kaya RE-2 Sommerfest Essen #verpflegung",
                  "/spend events 200 Druckerei RE-3 Plakate #raum",
                  "/spend events 99,99 Bastelladen B-7 Material"):  # fmt: skip
        await bot.send(COORDINATOR, spend)

    lines = only_text(await bot.send(COORDINATOR, "/budget veranstaltungen")).splitlines()

    # 800 + 450,50 + 200 + 99,99 = 1.550,49 € spent.
    assert de("Spent: {amount}", amount=money(155_049)) in lines
    assert de("Available: {amount}", amount=money(1_000_000 - 155_049)) in lines
    assert lines[lines.index(de("<b>By category</b>")) :] == [
        de("<b>By category</b>"),
        de("{name}: {spent} spent", name="#raum", spent=money(100_000)),  # 800 + 200
        de("{name}: {spent} spent", name="#verpflegung", spent=money(45_050)),
        de("{name}: {spent} spent", name=de("without category"), spent=money(9_999)),
    ]
    assert de("<b>By language</b>") not in lines


async def test_budget_of_an_unknown_fund_names_the_funds(staff: BotHarness) -> None:
    reply = only_text(await staff.send(COORDINATOR, "/budget feste"))

    assert reply == de(
        "There is no fund “{text}”. Funds: {funds}",
        text="feste",
        funds=f"#1 {TRANSLATION}, #2 Maßnahmen, #3 Veranstaltungen, #4 Externe Beratung",
    )


async def test_budget_of_an_ended_and_a_future_fund(staff: BotHarness) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund new 5000 01.01.2026 31.10.2026 Frühjahr")
    await bot.send(ADMIN, "/fund next 1")

    ended = only_text(await bot.send(COORDINATOR, "/budget 5")).splitlines()
    future = only_text(await bot.send(COORDINATOR, "/budget 6")).splitlines()

    assert ended[-1] == de("The fund ended on {end}.", end="31.10.2026")
    # 1 January to 31 October: 304 days count, whenever one looks.
    assert (
        de(
            "Used per week (spent and committed, averaged over {days} days): {amount}",
            days=304,
            amount=money(0),
        )
        in ended
    )
    assert future[-1] == de("Forecast: the fund starts on {start}.", start="01.01.2027")


# /fund next and overlapping periods -------------------------------------------------------


async def test_fund_next_creates_next_years_fund_of_the_same_purpose(staff: BotHarness) -> None:
    bot = staff

    reply = only_text(await bot.send(ADMIN, "/fund next 1"))
    again = only_text(await bot.send(ADMIN, "/fund next 2 32.000,50 31.03.2027"))

    assert reply == de(
        "Fund #{id} created: {heading}, {purpose}, {amount}.",
        id=5,
        heading=f"<b>#5 {TRANSLATION} 2027</b> (01.01.2027 – 31.12.2027)",
        purpose=translation_label(),
        amount=money(3_000_000),
    )
    assert "#6 Maßnahmen 2027" in again
    fund = await bot.storage.funds.get(6)
    assert (fund.purpose, fund.amount_cents, fund.starts_on, fund.ends_on) == (
        FundPurpose.MEASURES, 3_200_050, date(2027, 1, 1), date(2027, 3, 31),
    )  # fmt: skip
    assert (await bot.storage.audit.actions(ADMIN.id))[-2:] == ["fund.create", "fund.create"]


async def test_the_fund_after_next_years_takes_the_year_in_its_name(staff: BotHarness) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund next 1")

    reply = only_text(await bot.send(ADMIN, "/fund next 5"))

    assert f"#6 {TRANSLATION} 2028</b> (01.01.2028 – 31.12.2028)" in reply


OVERLAP = (
    "Fund #{id} {name} ({period}) has the same purpose and covers part of that period. Funds "
    "of one purpose follow each other, so that each day's bookings go to one fund; next "
    "year's fund: /fund next {id}"
)


@pytest.mark.parametrize(
    ("command", "fund_id", "name", "period"),
    [
        ("/fund new translation 10000 01.12.2026 30.06.2027 Winter", 1, TRANSLATION,
         "01.10.2026 – 31.12.2026"),
        ("/fund new maßnahmen 10000 01.06.2026 31.12.2026 Sommer", 2, "Maßnahmen",
         "01.01.2026 – 31.12.2026"),
    ],
)  # fmt: skip
async def test_a_fund_overlapping_one_of_its_purpose_is_refused(
    staff: BotHarness, command: str, fund_id: int, name: str, period: str
) -> None:
    reply = only_text(await staff.send(ADMIN, command))

    assert reply == de(OVERLAP, id=fund_id, name=name, period=period)
    assert len(await staff.storage.funds.all()) == 4


async def test_a_funds_end_may_not_reach_into_the_next_fund(staff: BotHarness) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund next 1")

    reply = only_text(await bot.send(ADMIN, "/fund 1 end 31.01.2027"))

    assert reply == de(OVERLAP, id=5, name=f"{TRANSLATION} 2027", period="01.01.2027 – 31.12.2027")
    assert (await bot.storage.funds.get(1)).ends_on == date(2026, 12, 31)


async def test_funds_of_the_purpose_other_may_overlap(staff: BotHarness) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund new 100 01.01.2026 31.12.2026 Feste")

    await bot.send(ADMIN, "/fund new 200 01.06.2026 31.12.2026 Feiern")

    assert [fund.name for fund in await bot.storage.funds.all()][4:] == ["Feste", "Feiern"]


# Which fund a request is charged to -------------------------------------------------------


async def test_a_request_outside_every_funds_period_is_refused_naming_the_periods(
    staff: BotHarness,
) -> None:
    bot = staff

    lines = only_text(await bot.send(CASE_MANAGER, PHONE_IN_JANUARY)).splitlines()

    assert lines == [
        de(NO_FUND, purpose=translation_label(), day="12.01.2027",
           periods=f"{TRANSLATION} (01.10.2026 – 31.12.2026)"),
        de("Nothing was stored. Please ask the coordination: they can book it against a "
           "later fund."),
    ]  # fmt: skip
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM interpreter_requests") == 0
    # The dialog has ended: no Confirm button to press.
    assert bot.telegram.find_button(CASE_MANAGER.id, de("Confirm")) is None


async def test_a_coordinator_without_a_later_fund_is_told_to_have_one_created(
    staff: BotHarness,
) -> None:
    lines = only_text(await staff.send(COORDINATOR, PHONE_IN_JANUARY)).splitlines()

    assert lines[1] == de(
        "An admin creates the next fund with /fund next; the request is then charged to it."
    )


async def test_a_request_is_charged_to_next_years_fund_once_it_exists(staff: BotHarness) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund next 1")

    [shown] = texts(await bot.send(CASE_MANAGER, PHONE_IN_JANUARY))
    await bot.press(CASE_MANAGER, de("Confirm"))

    assert (
        de(
            "Available in {fund} (until {end}): {amount}",
            fund=f"{TRANSLATION} 2027",
            end="31.12.2027",
            amount=money(3_000_000),
        )
        in shown.splitlines()
    )
    row = await bot.storage.db.fetch_one(
        "SELECT fund_id, committed_cents FROM interpreter_requests"
    )
    assert (row["fund_id"], row["committed_cents"]) == (5, 3000)
    # And one in December still to this year's fund.
    await bot.send(CASE_MANAGER, "/interpreter uk 03.12. 10:00 60m telefon abh")
    await bot.press(CASE_MANAGER, de("Confirm"))
    assert (
        await bot.storage.db.fetch_value("SELECT fund_id FROM interpreter_requests WHERE id = 2")
        == 1
    )


async def test_a_coordinator_may_charge_a_request_to_a_later_fund(staff: BotHarness) -> None:
    bot = staff
    # Next year's fund is granted from February only: 12 January falls between the two.
    await bot.send(ADMIN, "/fund new translation 20000 01.02.2027 31.12.2027 Dolmetschen 2027")

    refusal = only_text(await bot.send(COORDINATOR, PHONE_IN_JANUARY))
    shown = only_text(await bot.press(COORDINATOR, de("Charge to {fund}", fund="Dolmetschen 2027")))
    await bot.press(COORDINATOR, de("Confirm"))

    assert refusal.splitlines()[1] == de("You may charge it to a later fund anyway:")
    assert (
        de(
            "⚠ {day} is outside the period of {fund}; it is charged to it as you chose.",
            day="12.01.2027",
            fund="Dolmetschen 2027",
        )
        in shown.splitlines()
    )
    assert de(
        "Available in {fund} (until {end}): {amount}",
        fund="Dolmetschen 2027", end="31.12.2027", amount=money(2_000_000),
    ) in shown.splitlines()  # fmt: skip
    row = await bot.storage.db.fetch_one(
        "SELECT fund_id, committed_cents FROM interpreter_requests"
    )
    assert (row["fund_id"], row["committed_cents"]) == (5, 3000)
    assert (await bot.storage.audit.actions(COORDINATOR.id))[-2:] == [
        "request.submit", "request.outside_period",
    ]  # fmt: skip


async def test_a_case_manager_cannot_choose_the_fund_with_a_forged_button(
    staff: BotHarness,
) -> None:
    bot = staff
    await bot.send(ADMIN, "/fund new translation 20000 01.02.2027 31.12.2027 Dolmetschen 2027")
    await bot.send(CASE_MANAGER, "/interpreter uk 03.12. 10:00 60m telefon abh")
    message_id, _button = bot.telegram.find_button(CASE_MANAGER.id, de("Confirm"))

    calls = await bot.process(bot.telegram.callback_update(CASE_MANAGER, message_id, "int:fund:5"))
    await bot.press(CASE_MANAGER, de("Confirm"))

    assert [call.method for call in calls] == ["answerCallbackQuery"]
    assert await bot.storage.db.fetch_value("SELECT fund_id FROM interpreter_requests") == 1


# Which fund DeepL is charged to -----------------------------------------------------------


async def test_deepl_is_charged_to_the_fund_running_today(
    settings: Settings, time: FakeTime, fake_deepl: FakeDeepL
) -> None:
    # Next year's fund from 1 January; today is 24 November 2026.
    async with BotHarness(with_deepl(settings, fake_deepl), time) as bot:
        await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
        await bot.send(ADMIN, "/fund next 1")
        await bot.send(CASE_MANAGER, "/translate uk Der Termin ist morgen.")
        time.advance(days=38)  # 1 January 2027
        await bot.send(CASE_MANAGER, "/translate uk Der Termin ist morgen.")

        rows = await bot.storage.db.fetch_all("SELECT fund_id FROM machine_translations")

    assert [row["fund_id"] for row in rows] == [1, 5]


async def test_no_translation_without_a_fund_running_today(
    settings: Settings, time: FakeTime, fake_deepl: FakeDeepL
) -> None:
    # The translation fund ended yesterday.
    ended = with_deepl(
        settings,
        fake_deepl,
        translation_fund_start=date(2026, 1, 1),
        translation_fund_end=date(2026, 11, 23),
    )
    async with BotHarness(ended, time) as bot:
        await bot.register(CASE_MANAGER, Role.CASE_MANAGER)

        reply = only_text(await bot.send(CASE_MANAGER, "/translate uk Der Termin ist morgen."))
        stored = await bot.storage.db.fetch_value("SELECT count(*) FROM machine_translations")

    assert reply == de(
        NO_FUND,
        purpose=translation_label(),
        day="24.11.2026",
        periods=f"{TRANSLATION} (01.01.2026 – 23.11.2026)",
    )
    assert stored == 0
    assert fake_deepl.translated_texts == []
