"""Chat traces: the bot's messages that show case details, and when they leave the chat.

Telegram keeps a chat for ever unless somebody deletes it. The bot deletes its own messages
that show case details after the configured hours; Telegram lets a bot do so for 48 hours
after sending, so what is older cannot be deleted any more and is only dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Telegram: "a message can only be deleted if it was sent less than 48 hours ago".
DELETION_WINDOW = timedelta(hours=48)
# How often the deletion job looks for messages that are due.
CHECK_EVERY = timedelta(minutes=15)


@dataclass(frozen=True)
class ChatTrace:
    """A message of the bot that shows case details."""

    chat_id: int
    message_id: int
    sent_at: datetime


def kept(retention_hours: int) -> bool:
    """0 hours: messages stay in the chat, and none are recorded."""
    return retention_hours == 0


def due_before(now: datetime, retention_hours: int) -> datetime:
    """Messages sent before this moment are due for deletion."""
    return now - timedelta(hours=retention_hours)


def deletable(trace: ChatTrace, now: datetime) -> bool:
    """Whether Telegram still lets the bot delete the message."""
    return now - trace.sent_at < DELETION_WINDOW
