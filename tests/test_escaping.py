"""Typed text that a reply shows back is escaped: `<b>` arrives as `&lt;b&gt;`.

The strict offline Telegram refuses a reply with a bare `&` or an unknown tag, and the
harness fails when a handler does; each case also checks that the typed text is shown,
escaped, so that a reply which merely dropped it would fail too.
"""

from __future__ import annotations

import html

import pytest

from bot.core.offline import Person
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.texts import de

PHONE = "/interpreter uk 03.12. 10:00 60m telefon abh"


@pytest.fixture
async def staffed(bot: BotHarness) -> BotHarness:
    """Anna with F-0001 and request #1, a coordinator."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk")
    await bot.send(CASE_MANAGER, PHONE)
    await bot.press(CASE_MANAGER, de("Confirm"))
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM interpreter_requests") == 1
    return bot


def quoted(typed: str) -> str:
    """The typed text as a reply shows it: escaped (the quotes around it are the
    translation's)."""
    return html.escape(typed)


@pytest.mark.parametrize(
    ("person", "command", "typed"),
    [
        (COORDINATOR, "/week {}", "<b>x"),
        (COORDINATOR, "/week {}", "KW<47>"),
        (COORDINATOR, "/month {}", "a&b"),
        (COORDINATOR, "/month {}", "11.2026&"),
        (COORDINATOR, "/year {}", "<i>"),
        (COORDINATOR, "/year {}", "2026&amp"),
        (COORDINATOR, "/requests {}", "<foo>"),
        (CASE_MANAGER, "/requests all {}", "a&b"),
        (ADMIN, "/invoice 1 {} Pool RE-1 03.12.2026", "<b>12"),
        (ADMIN, "/invoice 1 12 Pool {} 03.12.2026", "RE<b>"),
        (ADMIN, "/invoice 1 12 Pool RE-1 {}", "<03.12.2026>"),
        (ADMIN, "/invoice 1 12 {}&F-0001 RE-1 03.12.2026", "<b>"),
        (ADMIN, "/rates professional {}", "<b>"),
        (ADMIN, "/rates page {}", "&lt"),
        (ADMIN, "/fund 1 amount {}", "<x>"),
        (ADMIN, "/fund 1 end {}", "<31.12.2026>"),
        (CASE_MANAGER, "/cancelrequest {}", "<b>"),
        (COORDINATOR, "/approve {}", "&1"),
        (COORDINATOR, "/families {}", "<Ahlen>"),
        (ADMIN, "/revoke {}", "@<b>"),
        (CASE_MANAGER, "/family {}", "F-<1>"),
        (CASE_MANAGER, "/newfamily {} UA 4 uk", "<Ahlen>"),
        (CASE_MANAGER, "/flag F-0001 {}: keine Termine", "<wartezeit>"),
        (CASE_MANAGER, "/interpreter {} 03.12. 10:00 60m telefon abh", "<uk>"),
        (CASE_MANAGER, "/interpreter uk 03.12. 10:00 60m telefon abh {}", "<b>"),
        (CASE_MANAGER, "/interpreter uk 03.12. 10:00 {} telefon abh", "60m<b>"),
        (CASE_MANAGER, "/interpreter uk 03.12. {} 60m telefon abh", "10:<b>"),
        (CASE_MANAGER, "/interpreter uk 10.12. {} schriftlich abh", "3<b>seiten"),
        (CASE_MANAGER, "/interpreter uk {} 10:00 60m telefon abh", "03.<12>."),
    ],
)
async def test_typed_text_is_shown_back_escaped(
    staffed: BotHarness, person: Person, command: str, typed: str
) -> None:
    bot = staffed

    reply = only_text(await bot.send(person, command.format(typed)))

    assert bot.telegram.refused == []
    assert quoted(typed) in reply


# The guided /interpreter dialog shows typed answers back too ------------------------------


async def test_a_language_typed_in_the_dialog_is_shown_back_escaped(staffed: BotHarness) -> None:
    bot = staffed
    await bot.send(CASE_MANAGER, "/interpreter")
    await bot.press(CASE_MANAGER, de("No family"))

    reply = only_text(await bot.send(CASE_MANAGER, "<b>&"))

    assert bot.telegram.refused == []
    assert quoted("<b>&") in reply


async def dialog_until_when(bot: BotHarness, mode: str) -> None:
    """The guided dialog up to the step that asks when: no family, Ukrainian, `mode`."""
    await bot.send(CASE_MANAGER, "/interpreter")
    await bot.press(CASE_MANAGER, de("No family"))
    await bot.send(CASE_MANAGER, "uk")
    await bot.press(CASE_MANAGER, de(mode))


async def test_a_bad_start_time_in_the_dialog_is_shown_back_escaped(staffed: BotHarness) -> None:
    bot = staffed
    await dialog_until_when(bot, "by phone")

    reply = only_text(await bot.send(CASE_MANAGER, "03.12. <b>"))

    assert bot.telegram.refused == []
    assert reply == de(
        "“{text}” is not a time of day. Examples: 10:00, 9.30, 14:15", text="&lt;b&gt;"
    )


async def test_bad_pages_in_the_dialog_are_shown_back_escaped(staffed: BotHarness) -> None:
    bot = staffed
    await dialog_until_when(bot, "written translation")
    await bot.send(CASE_MANAGER, "10.12.")

    reply = only_text(await bot.send(CASE_MANAGER, "<b>&"))

    assert bot.telegram.refused == []
    assert reply == de(
        "“{text}” is not a number of pages (1 to {limit}). Example: 3seiten",
        text="&lt;b&gt;&amp;",
        limit=500,
    )


async def test_a_bad_duration_in_the_dialog_is_shown_back_escaped(staffed: BotHarness) -> None:
    bot = staffed
    await dialog_until_when(bot, "by phone")
    await bot.send(CASE_MANAGER, "03.12. 10:00")

    reply = only_text(await bot.send(CASE_MANAGER, "90<m>"))

    assert bot.telegram.refused == []
    assert quoted("90<m>") in reply


async def test_a_long_typed_text_is_cut_before_it_is_escaped(staffed: BotHarness) -> None:
    """Cutting after escaping could split `&amp;` into a bare `&am`, which Telegram refuses."""
    bot = staffed
    typed = "x" * 38 + "&&&&&&"

    reply = only_text(await bot.send(COORDINATOR, f"/year {typed}"))

    assert bot.telegram.refused == []
    assert quoted("x" * 38 + "&&") in reply
