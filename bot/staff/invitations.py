"""Rules for inviting staff: one-time codes, their validity, and why one is refused."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.staff.roles import Role, Team

INVITATION_VALIDITY = timedelta(days=7)


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


class InvitationRefused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


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
