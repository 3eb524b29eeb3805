"""The real bot process against a Telegram that floods, fails, stalls and drops connections.

The bot waits for Telegram TELEGRAM_TIMEOUT=1 second here; the fake Bot API holds a stalled
call longer than that and then drops it, unanswered and not made.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.core.offline import FaultKind, Person
from tests.e2e.conftest import (
    ADMIN,
    BotProcess,
    TelegramUser,
    eventually,
    messages_to,
    query,
)
from tests.e2e.fake_bot_api import FakeBotApi
from tests.helpers.texts import contact_saved, de

pytestmark = pytest.mark.e2e

COORDINATOR = Person(5005, "Konrad", "konrad_koord", "de")
BLOCKING_COORDINATOR = Person(5006, "Berta", "berta_koord", "de")
CASE_MANAGER = Person(4004, "Anna", "anna_kim", "de")
OTHER_CASE_MANAGER = Person(4005, "Olga", "olga_kim", "de")
SAVED = contact_saved()
ALREADY_SAVED = de("This contact was already saved:")
APOLOGIES = (
    de(
        "Sorry, something went wrong on our side; nothing was saved. Please try again; "
        "if it keeps happening, tell the KIM coordination."
    ),
    de(
        "Sorry, something went wrong on our side after your entry was saved. Please "
        "check it (e.g. with /family or /requests) before sending it again; if this keeps "
        "happening, tell the KIM coordination."
    ),
)
# The outbox case reports a structural gap too: its notice must not wait for the reply.
OUTBOX_NOTE = "Kein Kitaplatz #struktur"


def flag_notice(reporter: Person) -> str:
    return de("New structural gap reported by {name}:", name=f"@{reporter.username}")


# In-process: the first attempt and NETWORK_RETRIES more (bot/delivery/outbox.py).
ATTEMPTS_BEFORE_THE_OUTBOX = 4


@pytest.fixture
def impatient_bot(kim_bot: BotProcess, fake_api: FakeBotApi) -> BotProcess:
    """The bot gives Telegram a second to answer; a stall lasts longer than that."""
    kim_bot.env["TELEGRAM_TIMEOUT"] = "1"
    fake_api.stall_seconds = 1.5
    return kim_bot


async def register_family(telegram: TelegramUser, case_manager: Person) -> str:
    await telegram.send(case_manager, "/newfamily Ahlen UA 4 uk,ru einwilligung")
    registered = (await telegram.wait_for("sendMessage", case_manager.id))["text"]
    return registered.split("F-", 1)[1][:4]


def log(code: str, note: str) -> str:
    return f"/log F-{code} 45m hausbesuch aufenthalt,arbeit: {note}"


def confirmation_of(note: str) -> Any:
    return lambda params: params["text"].startswith(SAVED) and note in params["text"]


def replies_to(fake_api: FakeBotApi, chat_id: int, note: str) -> list[str]:
    """The bot's confirmations of the contact with `note` (saved or already saved)."""
    return [
        text
        for text in messages_to(fake_api, chat_id)
        if text.startswith((SAVED, ALREADY_SAVED)) and note in text
    ]


def apologies(fake_api: FakeBotApi) -> list[str]:
    return [text for text in messages_to(fake_api) if text in APOLOGIES]


def contacts(bot: BotProcess) -> list[tuple[int, str]]:
    return query(bot.database, "SELECT source_chat_id, note FROM contacts ORDER BY id")


def pending(bot: BotProcess, table: str) -> int:
    where = " WHERE handled_at IS NULL" if table == "inbox" else ""
    return query(bot.database, f"SELECT count(*) FROM {table}{where}")[0][0]


async def test_flood_limits_server_errors_stalls_and_resets_lose_and_repeat_nothing(
    impatient_bot: BotProcess, fake_api: FakeBotApi, telegram: TelegramUser
) -> None:
    """Each confirmation runs into one fault and is delivered by a retry; one case manager's
    confirmation fails four times, goes to the outbox and arrives about two seconds later;
    a coordinator who blocked the bot does not keep the others from a flag notice."""
    await impatient_bot.start()
    for coordinator in (COORDINATOR, BLOCKING_COORDINATOR):
        await telegram.join(ADMIN, "coordinator", coordinator)
    for case_manager in (CASE_MANAGER, OTHER_CASE_MANAGER):
        await telegram.join(COORDINATOR, "case_manager", case_manager)
    code = await register_family(telegram, CASE_MANAGER)
    other_code = await register_family(telegram, OTHER_CASE_MANAGER)
    await telegram.fail(FaultKind.BLOCKED, "sendMessage", BLOCKING_COORDINATOR.id, times=None)

    # Meanwhile in another chat: more failures in a row than the bot retries at once.
    await telegram.fail(
        FaultKind.SERVER_ERROR, "sendMessage", OTHER_CASE_MANAGER.id, ATTEMPTS_BEFORE_THE_OUTBOX
    )
    queued_at = time.perf_counter()
    await telegram.send(OTHER_CASE_MANAGER, log(other_code, OUTBOX_NOTE))
    notes = {
        FaultKind.FLOOD: ("Termin nach 429", 1),
        FaultKind.SERVER_ERROR: ("Termin nach 500", 2),
        FaultKind.STALL: ("Termin nach Stau", 1),
        FaultKind.RESET: ("Termin nach Abbruch", 1),
    }
    for kind, (note, times) in notes.items():
        await telegram.fail(kind, "sendMessage", CASE_MANAGER.id, times)
        await telegram.send(CASE_MANAGER, log(code, note))
        await telegram.wait_for("sendMessage", CASE_MANAGER.id, confirmation_of(note))
    await telegram.send(CASE_MANAGER, log(code, "Keine Wohnung in Sicht #struktur"))
    flagged = await telegram.wait_for("sendMessage", CASE_MANAGER.id, confirmation_of("#struktur"))
    notice = await telegram.wait_for(
        "sendMessage",
        COORDINATOR.id,
        lambda params: params["text"].startswith(flag_notice(CASE_MANAGER)),
    )
    await telegram.wait_for("sendMessage", OTHER_CASE_MANAGER.id, confirmation_of(OUTBOX_NOTE))
    delivered_after = time.perf_counter() - queued_at
    notices = messages_to(fake_api, COORDINATOR.id)

    exit_code = await impatient_bot.stop()
    print(f"the confirmation from the outbox arrived {delivered_after:.1f} s after the /log")
    all_notes = [note for note, _times in notes.values()]
    for note in [*all_notes, "#struktur"]:
        assert len(replies_to(fake_api, CASE_MANAGER.id, note)) == 1, note
    assert len(replies_to(fake_api, OTHER_CASE_MANAGER.id, OUTBOX_NOTE)) == 1
    # The outbox case's gap is #1: it was stored first.
    assert flagged["text"].splitlines()[-1] == de(
        "Structural gap #{id} recorded; the coordination has been told.", id=2
    )
    assert "Keine Wohnung in Sicht #struktur" in notice["text"]
    assert [text for text in notices if text.startswith(flag_notice(OTHER_CASE_MANAGER))]
    assert apologies(fake_api) == []
    failed = [kind for _method, kind in fake_api.telegram.failed]
    # One per flag notice: Forbidden is neither retried nor kept in the outbox.
    assert failed.count(FaultKind.BLOCKED) == 2
    assert failed.count(FaultKind.SERVER_ERROR) == ATTEMPTS_BEFORE_THE_OUTBOX + 2
    assert "sendMessage to 4005 kept in the outbox" in impatient_bot.log()
    # The in-process retries wait 0.5 + 1 + 2 s, the outbox 2 s more (its due times are
    # stored to the second: 1 to 2 s).
    assert delivered_after >= 4.4
    assert exit_code == 0
    assert sorted(contacts(impatient_bot)) == sorted(
        [(CASE_MANAGER.id, note) for note in all_notes]
        + [(CASE_MANAGER.id, "Keine Wohnung in Sicht #struktur")]
        + [(OTHER_CASE_MANAGER.id, OUTBOX_NOTE)]
    )
    assert (pending(impatient_bot, "inbox"), pending(impatient_bot, "outbox")) == (0, 0)


@pytest.mark.parametrize("stop", ["SIGKILL", "SIGTERM"])
async def test_a_reply_waiting_in_the_outbox_is_delivered_after_a_restart(
    impatient_bot: BotProcess, fake_api: FakeBotApi, telegram: TelegramUser, stop: str
) -> None:
    await impatient_bot.start()
    await telegram.join(ADMIN, "coordinator", COORDINATOR)
    await telegram.join(COORDINATOR, "case_manager", CASE_MANAGER)
    code = await register_family(telegram, CASE_MANAGER)
    await telegram.fail(
        FaultKind.SERVER_ERROR, "sendMessage", CASE_MANAGER.id, ATTEMPTS_BEFORE_THE_OUTBOX
    )

    await telegram.send(CASE_MANAGER, log(code, "Termin vor dem Neustart"))
    await eventually(
        lambda: pending(impatient_bot, "outbox") == 1 and pending(impatient_bot, "inbox") == 0
    )
    if stop == "SIGKILL":
        await impatient_bot.kill()
    else:
        assert await impatient_bot.stop() == 0
    assert replies_to(fake_api, CASE_MANAGER.id, "Termin vor dem Neustart") == []
    await impatient_bot.start()
    await telegram.wait_for(
        "sendMessage", CASE_MANAGER.id, confirmation_of("Termin vor dem Neustart")
    )

    assert await impatient_bot.stop() == 0
    assert len(replies_to(fake_api, CASE_MANAGER.id, "Termin vor dem Neustart")) == 1
    assert apologies(fake_api) == []
    assert contacts(impatient_bot) == [(CASE_MANAGER.id, "Termin vor dem Neustart")]
    assert pending(impatient_bot, "outbox") == 0
