"""Long lists are paged so that every page stays within Telegram's 4,096 characters.

Driven through the bot against the strict offline Telegram: a page it would refuse lands
in `bot.telegram.refused` (and fails the handler). Every list is turned with ◀ / ▶, which
edit the same message, and every item is shown exactly once across the pages.
"""

from __future__ import annotations

import html
import re

from bot.core.i18n import country_name, use_locale
from bot.core.names import country_codes
from bot.core.offline import BotCall, Person
from bot.core.telegram_rules import MAX_MESSAGE_LENGTH, check_text, visible_length
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.harness import BotHarness
from tests.helpers.texts import de

PAGE = "Page {page} of {pages}"
FLAG_NUMBER = re.compile(r"^#(\d+) ", re.MULTILINE)
REQUEST_NUMBER = re.compile(r"^#(\d+) · ", re.MULTILINE)
FAMILY_CODE = re.compile(r"^(F-\d{4}) · ", re.MULTILINE)


def shown(text: str) -> int:
    """How long the message is as Telegram counts it."""
    return visible_length(check_text(text, "HTML").text)


def arrows(call: BotCall) -> list[str]:
    return [button["text"] for button in call.buttons]


async def turn_all_pages(bot: BotHarness, person: Person, command: str) -> list[BotCall]:
    """Send `command`, then press ▶ until the last page; the call showing each page."""
    [first] = await bot.send(person, command)
    pages = [first]
    if "▶" in arrows(first):
        message_id, _button = bot.telegram.find_button(person.id, "▶")
    while "▶" in arrows(pages[-1]):
        calls = await bot.press(person, "▶")
        assert [call.method for call in calls] == ["answerCallbackQuery", "editMessageText"]
        assert calls[1].params["message_id"] == message_id
        pages.append(calls[1])
    return pages


async def press_forged(bot: BotHarness, person: Person, data: str) -> list[BotCall]:
    """A press with `data` on the latest message with a ▶, as a forged or old button."""
    message_id, _button = bot.telegram.find_button(person.id, "▶")
    return await bot.process(bot.telegram.callback_update(person, message_id, data))


def assert_paged(bot: BotHarness, pages: list[BotCall], count: int) -> None:
    """`count` pages, each accepted, numbered, with ◀ / ▶ exactly where there is a page."""
    assert bot.telegram.refused == []
    assert len(pages) == count
    for number, page in enumerate(pages, start=1):
        assert shown(page.text) <= MAX_MESSAGE_LENGTH
        # A list of one page says nothing about pages.
        assert (de(PAGE, page=number, pages=count) in page.text.splitlines()) == (count > 1)
        expected = (["◀"] if number > 1 else []) + (["▶"] if number < count else [])
        assert arrows(page) == expected


def numbers(pattern: re.Pattern[str], pages: list[BotCall]) -> list[str]:
    return [found for page in pages for found in pattern.findall(page.text)]


# /flags ------------------------------------------------------------------------------------


async def many_flags(bot: BotHarness, count: int) -> None:
    """`count` open flags on F-0001, each with a description of 1,900 characters."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    for number in range(1, count + 1):
        description = f"Fall {number}: Wartezeit & <Termin> bei der ABH " * 40
        await bot.send(CASE_MANAGER, f"/flag F-0001 wartezeit: {description[:1900]}")
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM flags") == count
    assert bot.telegram.refused == []


async def test_forty_long_flags_are_paged_and_each_is_shown_once(bot: BotHarness) -> None:
    await many_flags(bot, 40)

    pages = await turn_all_pages(bot, COORDINATOR, "/flags")

    # Seven flags a page: 40 take six.
    assert_paged(bot, pages, 6)
    assert numbers(FLAG_NUMBER, pages) == [str(number) for number in range(1, 41)]
    assert all("&amp; &lt;Termin&gt;" in page.text for page in pages)


async def test_back_shows_the_previous_page_again(bot: BotHarness) -> None:
    await many_flags(bot, 25)
    [first] = await bot.send(COORDINATOR, "/flags")
    await bot.press(COORDINATOR, "▶")

    calls = await bot.press(COORDINATOR, "◀")

    assert calls[1].method == "editMessageText"
    assert calls[1].text == first.text
    assert bot.telegram.refused == []


async def test_a_stale_flags_page_shows_the_last_page_that_is_left(bot: BotHarness) -> None:
    await many_flags(bot, 40)
    await bot.send(COORDINATOR, "/flags")
    await bot.press(COORDINATOR, "▶")
    await bot.press(COORDINATOR, "▶")  # page 3 of 6; its ▶ leads to page 4
    message_id, forward = bot.telegram.find_button(COORDINATOR.id, "▶")
    for number in range(1, 21):
        await bot.send(COORDINATOR, f"/closeflag {number} erledigt")

    calls = await bot.process(
        bot.telegram.callback_update(COORDINATOR, message_id, forward["callback_data"])
    )

    assert [call.method for call in calls] == ["answerCallbackQuery", "editMessageText"]
    assert bot.telegram.refused == []
    last = calls[1]
    # 20 flags left take three pages of seven; the last shows the 15th to 20th (#35–#40).
    assert de(PAGE, page=3, pages=3) in last.text.splitlines()
    assert FLAG_NUMBER.findall(last.text) == [str(number) for number in range(35, 41)]
    assert arrows(last) == ["◀"]


async def test_a_forged_flags_page_far_beyond_the_end_shows_the_last_page(
    bot: BotHarness,
) -> None:
    await many_flags(bot, 12)
    await bot.send(COORDINATOR, "/flags")

    calls = await press_forged(bot, COORDINATOR, "flags:9999")

    assert FLAG_NUMBER.findall(calls[1].text) == ["8", "9", "10", "11", "12"]
    assert de(PAGE, page=2, pages=2) in calls[1].text.splitlines()


# /requests ---------------------------------------------------------------------------------

# Tuesday 24.11.: 30.11. is four working days ahead (urgent), 07.12. nine (not urgent).
URGENT_DAY, LATER_DAY = "30.11.", "07.12."


def start_time(number: int) -> str:
    """A distinct start time for each request of a day: 07:00, 07:15, …"""
    return f"{7 + number // 4:02d}:{number % 4 * 15:02d}"


class Requests:
    """What was requested: ids by language and urgency, and which were cancelled."""

    def __init__(self) -> None:
        self.language: dict[int, str] = {}
        self.urgent: set[int] = set()
        self.cancelled: set[int] = set()

    def ids(
        self, *, language: str | None = None, urgent: bool = False, closed_too: bool = False
    ) -> set[int]:
        return {
            number
            for number, spoken in self.language.items()
            if (language is None or spoken == language)
            and (not urgent or number in self.urgent)
            and (closed_too or number not in self.cancelled)
        }


async def request(bot: BotHarness, language: str, day: str, number: int) -> int:
    """Anna requests phone interpreting with the quick form and confirms; its id."""
    await bot.send(CASE_MANAGER, f"/interpreter {language} {day} {start_time(number)} 60m tel abh")
    await bot.press(CASE_MANAGER, de("Confirm"))
    return await bot.storage.db.fetch_value("SELECT max(id) FROM interpreter_requests")


async def many_requests(bot: BotHarness) -> Requests:
    """45 requests: uk 15 urgent and 10 not, ar 10 urgent and 10 not; five ar cancelled."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    made = Requests()
    for language, urgent, later in (("uk", 15, 10), ("ar", 10, 10)):
        for number in range(urgent + later):
            day = URGENT_DAY if number < urgent else LATER_DAY
            request_id = await request(bot, language, day, number)
            made.language[request_id] = language
            if number < urgent:
                made.urgent.add(request_id)
    for request_id in sorted(made.ids(language="ar") - made.urgent)[:5]:
        await bot.send(CASE_MANAGER, f"/cancelrequest {request_id}")
        made.cancelled.add(request_id)
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM interpreter_requests") == 45
    assert len(made.urgent) == 25 and len(made.cancelled) == 5
    assert bot.telegram.refused == []
    return made


def request_ids(pages: list[BotCall]) -> list[int]:
    return [int(number) for number in numbers(REQUEST_NUMBER, pages)]


async def test_open_requests_are_paged_and_each_is_shown_once(bot: BotHarness) -> None:
    made = await many_requests(bot)

    pages = await turn_all_pages(bot, COORDINATOR, "/requests")

    assert_paged(bot, pages, 2)
    listed = request_ids(pages)
    assert sorted(listed) == sorted(made.ids())
    assert [len(REQUEST_NUMBER.findall(page.text)) for page in pages] == [20, 20]


async def test_all_requests_keep_the_filter_on_every_page(bot: BotHarness) -> None:
    made = await many_requests(bot)

    pages = await turn_all_pages(bot, COORDINATOR, "/requests all")

    assert_paged(bot, pages, 3)
    listed = request_ids(pages)
    assert sorted(listed) == sorted(made.ids(closed_too=True))
    cancelled = de("cancelled")
    assert {
        int(REQUEST_NUMBER.match(line).group(1))
        for page in pages
        for line in page.text.splitlines()
        if REQUEST_NUMBER.match(line) and line.endswith(cancelled)
    } == made.cancelled


async def test_urgent_requests_keep_the_filter_on_every_page(bot: BotHarness) -> None:
    made = await many_requests(bot)

    pages = await turn_all_pages(bot, COORDINATOR, "/requests urgent")

    assert_paged(bot, pages, 2)
    listed = request_ids(pages)
    assert sorted(listed) == sorted(made.ids(urgent=True))
    assert all(
        line.endswith(" ⚡")
        for page in pages
        for line in page.text.splitlines()
        if REQUEST_NUMBER.match(line)
    )


async def test_a_language_filter_is_kept_on_every_page(bot: BotHarness) -> None:
    made = await many_requests(bot)

    pages = await turn_all_pages(bot, COORDINATOR, "/requests uk")

    assert_paged(bot, pages, 2)
    assert sorted(request_ids(pages)) == sorted(made.ids(language="uk"))


async def test_combined_filters_are_kept_on_every_page(bot: BotHarness) -> None:
    made = await many_requests(bot)

    pages = await turn_all_pages(bot, COORDINATOR, "/requests all ar")

    assert_paged(bot, pages, 1)
    assert sorted(request_ids(pages)) == sorted(made.ids(language="ar", closed_too=True))


async def test_a_stale_requests_page_shows_the_last_page_that_is_left(bot: BotHarness) -> None:
    made = await many_requests(bot)
    await bot.send(COORDINATOR, "/requests")  # 40 open: page 1 of 2, its ▶ leads to page 2
    message_id, forward = bot.telegram.find_button(COORDINATOR.id, "▶")
    still_open = sorted(made.ids())
    for request_id in still_open[:21]:
        await bot.send(CASE_MANAGER, f"/cancelrequest {request_id}")

    calls = await bot.process(
        bot.telegram.callback_update(COORDINATOR, message_id, forward["callback_data"])
    )

    assert [call.method for call in calls] == ["answerCallbackQuery", "editMessageText"]
    assert bot.telegram.refused == []
    last = calls[1]
    assert sorted(map(int, REQUEST_NUMBER.findall(last.text))) == still_open[21:]
    assert de(PAGE, page=2, pages=2) not in last.text.splitlines()
    assert arrows(last) == []


async def test_a_forged_requests_page_far_beyond_the_end_shows_the_last_page(
    bot: BotHarness,
) -> None:
    await many_requests(bot)
    await bot.send(COORDINATOR, "/requests all")

    calls = await press_forged(bot, COORDINATOR, "requests:9999:1:0:0:")

    last = calls[1]
    assert de(PAGE, page=3, pages=3) in last.text.splitlines()
    assert len(REQUEST_NUMBER.findall(last.text)) == 5
    assert arrows(last) == ["◀"]


# /users ------------------------------------------------------------------------------------


def long_name(number: int) -> str:
    """A display name as long as Telegram allows (64), with characters HTML must escape."""
    name = f"Dr. <b>Müller</b> & Söhne {number:02d} <Beratung & Begleitung> "
    return (name * 2)[:64]


STAFF = [Person(30_000 + number, long_name(number), None) for number in range(60)]


async def test_sixty_staff_with_long_names_are_paged_and_escaped(bot: BotHarness) -> None:
    for person in STAFF:
        await bot.register(person, Role.CASE_MANAGER)

    pages = await turn_all_pages(bot, ADMIN, "/users")

    assert_paged(bot, pages, 4)  # 60 and the admin, twenty a page
    text = "\n".join(page.text for page in pages)
    for person in STAFF:
        assert text.count(f"{html.escape(person.first_name)} (ID {person.id})") == 1
    assert "<Beratung" not in text and "<b>Müller" not in text
    ids = re.findall(r"\(ID (\d+)\)", text)
    assert sorted(map(int, ids)) == sorted([ADMIN.id, *(person.id for person in STAFF)])


async def test_a_forged_users_page_beyond_the_end_shows_the_last_page(bot: BotHarness) -> None:
    for person in STAFF[:25]:
        await bot.register(person, Role.CASE_MANAGER)
    await bot.send(ADMIN, "/users")

    calls = await press_forged(bot, ADMIN, "users:50")

    assert bot.telegram.refused == []
    assert de(PAGE, page=2, pages=2) in calls[1].text.splitlines()
    assert arrows(calls[1]) == ["◀"]


# /families ---------------------------------------------------------------------------------


def longest_country() -> str:
    """The code of the country whose German name is longest."""
    with use_locale("de"):
        return max(country_codes(), key=lambda code: len(country_name(code)))


async def test_a_page_of_families_with_the_longest_lines_fits(bot: BotHarness) -> None:
    anna = Person(CASE_MANAGER.id, long_name(1), None)
    await bot.register(anna, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    town = max(bot.application.bot_data.settings.towns, key=len)
    for _family in range(11):
        await bot.send(anna, f"/newfamily {town} {longest_country()} 12 uk,ru,ar")
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM families") == 11

    pages = await turn_all_pages(bot, COORDINATOR, f"/families {anna.id}")

    assert_paged(bot, pages, 2)
    assert sorted(numbers(FAMILY_CODE, pages)) == [f"F-{n:04d}" for n in range(1, 12)]
    assert "Dr. &lt;b&gt;Müller&lt;/b&gt; &amp; Söhne" in pages[0].text
    with use_locale("de"):
        assert pages[0].text.count(f"{town} · {country_name(longest_country())} · ") == 10


async def test_a_page_button_for_the_page_shown_sends_no_edit(bot: BotHarness) -> None:
    """Found by the fuzzer: ▶ pressed twice before the first edit arrived (or an old button
    for the page shown) edited the message to what it showed; Telegram refuses that."""
    await many_flags(bot, 40)
    await bot.send(COORDINATOR, "/flags")
    message_id, forward = bot.telegram.find_button(COORDINATOR.id, "▶")
    await bot.press(COORDINATOR, "▶")

    again = await bot.process(
        bot.telegram.callback_update(COORDINATOR, message_id, forward["callback_data"])
    )

    assert [call.method for call in again] == ["answerCallbackQuery"]
    assert bot.telegram.refused == []
