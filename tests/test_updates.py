"""Updates of different chats run concurrently; one chat's updates keep their order."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.core.offline import OfflineTelegram, Person
from bot.core.updates import ChatOrderedUpdateProcessor
from tests.conftest import CASE_MANAGER, COLLEAGUE

TELEGRAM = OfflineTelegram("123:offline")


def update_from(person: Person) -> Update:
    return Update.de_json(TELEGRAM.message_update(person, "/help"), None)


async def test_one_chats_updates_run_one_after_another() -> None:
    processor = ChatOrderedUpdateProcessor()
    order: list[str] = []
    first_may_finish = asyncio.Event()

    async def first() -> None:
        order.append("first starts")
        await first_may_finish.wait()
        order.append("first ends")

    async def second() -> None:
        order.append("second starts")

    running = [
        asyncio.ensure_future(processor.process_update(update_from(CASE_MANAGER), first())),
        asyncio.ensure_future(processor.process_update(update_from(CASE_MANAGER), second())),
    ]
    await asyncio.sleep(0)  # let both reach the chat's lock; no timing involved
    first_may_finish.set()
    await asyncio.gather(*running)

    assert order == ["first starts", "first ends", "second starts"]
    assert processor._chat_locks == {}


async def test_other_chats_do_not_wait_for_a_slow_one() -> None:
    processor = ChatOrderedUpdateProcessor()
    slow_may_finish = asyncio.Event()
    finished: list[str] = []

    async def slow() -> None:
        await slow_may_finish.wait()
        finished.append("slow")

    async def quick() -> None:
        finished.append("quick")
        slow_may_finish.set()

    # Were chats served one at a time, the slow one would wait for ever: the timeout fails it.
    await asyncio.wait_for(
        asyncio.gather(
            processor.process_update(update_from(CASE_MANAGER), slow()),
            processor.process_update(update_from(COLLEAGUE), quick()),
        ),
        timeout=10,
    )

    assert finished == ["quick", "slow"]
