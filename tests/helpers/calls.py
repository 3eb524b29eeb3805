"""What the bot sent, reduced to what a test compares."""

from __future__ import annotations

from bot.core.offline import BotCall


def sent_to(calls: list[BotCall]) -> list[tuple[str, int]]:
    """Each call's method and chat, in order: who got what."""
    return [(call.method, int(call.params["chat_id"])) for call in calls]
