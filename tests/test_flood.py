"""The flood limit: a burst gets one slow-down reply and no writes; normal use never trips it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.casework.vocabulary import ContactType, Topic
from bot.core.config import Settings
from bot.core.flood import FloodLimit, Verdict
from bot.core.i18n import ngettext, use_locale
from bot.core.offline import Person
from bot.staff.roles import Role
from tests.conftest import CASE_MANAGER, COLLEAGUE, STRANGER
from tests.helpers.harness import BotHarness, texts
from tests.helpers.texts import contact_saved, de

BURST = 12


def slow_down(locale: str = "de") -> str:
    """The slow-down reply in `locale`, for the shipped limit (6 seconds held)."""
    with use_locale(locale):
        return ngettext(
            "Please slow down: you sent many messages within a few seconds. I have not read this "
            "one, and will not read those of the next {seconds} second; after that, please send "
            "again what is still missing.",
            "Please slow down: you sent many messages within a few seconds. I have not read this "
            "one, and will not read those of the next {seconds} seconds; after that, please send "
            "again what is still missing.",
            6,
        ).format(seconds=6)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The tests' settings with the flood limit as shipped."""
    return settings.model_copy(update={"flood_burst": Settings.model_fields["flood_burst"].default})


@pytest.fixture
async def caseload(bot: BotHarness) -> BotHarness:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru einwilligung")
    bot.time.advance(minutes=1)
    return bot


async def contact_count(bot: BotHarness) -> int:
    return await bot.storage.db.fetch_value("SELECT count(*) FROM contacts")


def test_the_shipped_limit_is_the_one_tested() -> None:
    assert Settings.model_fields["flood_burst"].default == BURST


async def test_a_burst_of_thirty_gets_one_slow_down_reply_and_not_thirty_writes(
    caseload: BotHarness,
) -> None:
    bot = caseload
    replies: list[str] = []
    for _ in range(30):  # ten a second for three seconds
        replies += texts(await bot.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit"))
        bot.time.advance(seconds=0.1)

    slow_downs = [text for text in replies if text == slow_down()]
    assert len(slow_downs) == 1
    stored = await contact_count(bot)
    # The burst, and the token or two that came back meanwhile; each stored contact answered.
    assert BURST <= stored <= BURST + 2
    assert len(replies) == stored + 1


async def test_after_the_pause_the_next_message_is_read_again(caseload: BotHarness) -> None:
    bot = caseload
    for _ in range(BURST + 5):
        await bot.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit")
    assert await contact_count(bot) == BURST

    bot.time.advance(seconds=6)
    calls = await bot.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit")

    assert await contact_count(bot) == BURST + 1
    assert texts(calls)[0].startswith(contact_saved())


async def test_the_slow_down_reply_is_in_the_persons_language(caseload: BotHarness) -> None:
    bot = caseload
    replies = []
    for _ in range(BURST + 1):
        replies += texts(await bot.send(COLLEAGUE, "/help"))

    assert replies[-1] == slow_down("uk")
    assert replies[-1] != slow_down()


async def test_tapping_through_dialogs_two_updates_a_second_never_trips_it(
    caseload: BotHarness,
) -> None:
    bot = caseload

    async def step(calls_of) -> None:
        calls = await calls_of
        assert slow_down() not in texts(calls)
        bot.time.advance(seconds=0.5)

    with use_locale("de"):
        for _ in range(2):  # 20 updates in 10 seconds
            await step(bot.send(CASE_MANAGER, "/log"))
            await step(bot.press(CASE_MANAGER, "F-0001 · Ahlen"))
            await step(bot.press(CASE_MANAGER, de("Today")))
            await step(bot.press(CASE_MANAGER, ContactType.OFFICE.label))
            await step(bot.press(CASE_MANAGER, "45 Min."))
            await step(bot.press(CASE_MANAGER, Topic.WORK.label))
            await step(bot.press(CASE_MANAGER, Topic.LANGUAGE.label))
            await step(bot.press(CASE_MANAGER, de("Done")))
            await step(bot.press(CASE_MANAGER, de("Skip")))
            await step(bot.press(CASE_MANAGER, de("Save")))
            await step(bot.send(CASE_MANAGER, "/due"))

    assert await contact_count(bot) == 2


async def test_messages_sent_while_the_bot_was_down_are_no_flood(caseload: BotHarness) -> None:
    bot = caseload
    backlog = []
    for _ in range(20):  # one a second, while the bot was down
        backlog.append(bot.telegram.message_update(CASE_MANAGER, "/log F-0001 30m telefon arbeit"))
        bot.time.advance(seconds=1)

    replies = []
    for update in backlog:  # all at once after the restart
        replies += texts(await bot.process(update))

    assert slow_down() not in replies
    assert await contact_count(bot) == 20


async def test_one_message_a_second_goes_on_for_ever(caseload: BotHarness) -> None:
    bot = caseload
    for _ in range(120):
        await bot.send(CASE_MANAGER, "/log F-0001 30m telefon arbeit")
        bot.time.advance(seconds=1)

    assert await contact_count(bot) == 120


async def test_a_strangers_flood_writes_no_more_than_the_burst(bot: BotHarness) -> None:
    replies = []
    for _ in range(30):
        replies += texts(await bot.send(STRANGER, "/help"))

    assert len(replies) == BURST + 1
    assert replies[-1] == slow_down()
    assert len(await bot.storage.audit.actions(STRANGER.id)) == BURST


def test_a_bucket_refills_halfway_before_it_lets_the_person_in_again() -> None:
    limit = FloodLimit(burst=4, per_second=1.0)
    start = datetime(2026, 11, 24, tzinfo=UTC)
    person = Person(1, "A").id

    verdicts = [limit.admit(person, start) for _ in range(6)]
    assert verdicts == [Verdict.ADMIT] * 4 + [Verdict.SLOW_DOWN, Verdict.DROP]
    # One token back is not enough while held; two (half the burst) are.
    assert limit.admit(person, start + timedelta(seconds=1)) is Verdict.DROP
    assert limit.admit(person, start + timedelta(seconds=2)) is Verdict.ADMIT
    assert limit.hold_seconds == 2


def test_no_limit_with_a_burst_of_zero() -> None:
    limit = FloodLimit(burst=0)
    now = datetime(2026, 11, 24, tzinfo=UTC)

    assert {limit.admit(1, now) for _ in range(1000)} == {Verdict.ADMIT}
