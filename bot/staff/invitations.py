"""Rules for inviting staff: one-time codes, their validity, and why one is refused."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.staff.roles import Role, Team

INVITATION_VALIDITY = timedelta(days=7)
# Against guessing: after this many codes that did not work within the window, no code is
# checked (not even the right one) until the oldest of them is out of the window.
MAX_FAILED_CODES = 5
FAILED_CODES_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Invitation:
    code: str
    role: Role
    team: Team
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None


class Refusal(StrEnum):
    """Why a code cannot be redeemed; each gets its own message."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    INVITER_REVOKED = "inviter_revoked"
    ALREADY_REGISTERED = "already_registered"
    TOO_MANY_TRIES = "too_many_tries"


# The refusals that count as a try that did not work: a guess, or a code that is no more.
FAILED_CODES = (Refusal.UNKNOWN, Refusal.USED, Refusal.EXPIRED, Refusal.INVITER_REVOKED)


class InvitationRefused(Exception):
    """`until`: for TOO_MANY_TRIES, when codes are checked again."""

    def __init__(self, reason: Refusal, until: datetime | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.until = until


# Letters and digits only (valid in a /start deep link), without look-alikes such as 0/O and
# 1/l/I, for the colleague who types the code instead of opening the link.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
_CODE_LENGTH = 16


def new_invitation_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))


def looks_like_code(text: str) -> bool:
    return 8 <= len(text) <= 64 and all(
        ch.isascii() and (ch.isalnum() or ch in "-_") for ch in text
    )


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def redemption_refusal(
    invitation: Invitation | None,
    inviter_active: bool,
    redeemer_active: bool,
    now: datetime,
) -> Refusal | None:
    """Why `invitation` cannot be redeemed now, or None when it can."""
    if invitation is None:
        return Refusal.UNKNOWN
    if redeemer_active:
        return Refusal.ALREADY_REGISTERED
    if invitation.used_by is not None:
        return Refusal.USED
    if now >= invitation.expires_at:
        return Refusal.EXPIRED
    if not inviter_active:
        # A revoked coordinator's unused codes must not let anyone in.
        return Refusal.INVITER_REVOKED
    return None


def tries_blocked_until(failed_at: list[datetime], now: datetime) -> datetime | None:
    """Until when no code is checked for a person whose codes failed at `failed_at` (the
    newest MAX_FAILED_CODES within the window are enough), or None if codes are checked."""
    recent = sorted(moment for moment in failed_at if now - moment < FAILED_CODES_WINDOW)
    if len(recent) < MAX_FAILED_CODES:
        return None
    return recent[-MAX_FAILED_CODES] + FAILED_CODES_WINDOW
