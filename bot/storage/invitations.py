"""One-time invitation codes and their redemption."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.staff.invitations import (
    FAILED_CODES,
    FAILED_CODES_WINDOW,
    INVITATION_VALIDITY,
    MAX_FAILED_CODES,
    Invitation,
    InvitationRefused,
    Refusal,
    looks_like_code,
    new_invitation_code,
    redemption_refusal,
    tries_blocked_until,
)
from bot.staff.roles import Role, Team
from bot.staff.staff import StaffMember
from bot.storage.audit import AuditLog
from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.staff import StaffStore


def _invitation(row: sqlite3.Row) -> Invitation:
    return Invitation(
        code=row["code"],
        role=Role(row["role"]),
        team=Team(row["team"]),
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),
        expires_at=from_db_time(row["expires_at"]),
        used_by=row["used_by"],
        used_at=from_db_time(row["used_at"]),
    )


class InvitationStore:
    def __init__(self, db: Database, staff: StaffStore, audit: AuditLog) -> None:
        self._db = db
        self._staff = staff
        self._audit = audit

    async def create(self, role: Role, team: Team, created_by: int, now: datetime) -> Invitation:
        invitation = Invitation(
            code=new_invitation_code(),
            role=role,
            team=team,
            created_by=created_by,
            created_at=now,
            expires_at=now + INVITATION_VALIDITY,
        )
        async with self._db.transaction():
            await self._db.execute(
                """
                INSERT INTO invitations (code, role, team, created_by, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                (
                    invitation.code,
                    role.value,
                    team.value,
                    created_by,
                    to_db_time(now),
                    to_db_time(invitation.expires_at),
                ),
            )
            await self._audit.record("invitation.create", now, created_by, detail=role.value)
        return invitation

    async def get(self, code: str) -> Invitation | None:
        row = await self._db.fetch_one("SELECT * FROM invitations WHERE code = ?", (code,))
        return None if row is None else _invitation(row)

    async def redeem(
        self,
        code: str,
        telegram_id: int,
        username: str | None,
        display_name: str,
        locale: str,
        now: datetime,
    ) -> StaffMember:
        """Register the person with the invitation's role, or raise InvitationRefused.

        Check and use happen in one transaction, so a code can never be used twice. After
        MAX_FAILED_CODES codes that did not work within the hour, no code is even looked up.
        """
        blocked_until = None
        async with self._db.transaction():
            blocked_until = tries_blocked_until(await self._failed_at(telegram_id, now), now)
            if blocked_until is not None:
                refusal: Refusal | None = Refusal.TOO_MANY_TRIES
            else:
                invitation = await self.get(code) if looks_like_code(code) else None
                inviter = await self._staff.get(invitation.created_by) if invitation else None
                redeemer = await self._staff.get(telegram_id)
                refusal = redemption_refusal(
                    invitation,
                    inviter_active=inviter is not None and inviter.active,
                    redeemer_active=redeemer is not None and redeemer.active,
                    now=now,
                )
            if refusal is None:
                assert invitation is not None
                member = await self._staff.add(
                    telegram_id,
                    invitation.role,
                    invitation.team,
                    locale,
                    now,
                    invited_by=invitation.created_by,
                    username=username,
                    display_name=display_name,
                )
                await self._db.execute(
                    "UPDATE invitations SET used_by = ?, used_at = ? WHERE code = ?",
                    (telegram_id, to_db_time(now), code),
                )
                await self._audit.record(
                    "invitation.redeem",
                    now,
                    telegram_id,
                    subject=str(invitation.created_by),
                    detail=invitation.role.value,
                )
            else:
                # Committed, not rolled back: refused attempts belong in the audit trail.
                await self._audit.record("invitation.refused", now, telegram_id, detail=refusal)
        if refusal is not None:
            raise InvitationRefused(refusal, blocked_until)
        return member

    async def _failed_at(self, telegram_id: int, now: datetime) -> list[datetime]:
        """When the person's latest codes that did not work were tried, within the window."""
        failed = ", ".join("?" * len(FAILED_CODES))
        rows = await self._db.fetch_all(
            f"""
            SELECT at FROM audit_log
            WHERE actor_id = ? AND at > ? AND action = 'invitation.refused'
                AND detail IN ({failed})
            ORDER BY at DESC LIMIT ?
            """,
            (telegram_id, to_db_time(now - FAILED_CODES_WINDOW), *FAILED_CODES, MAX_FAILED_CODES),
        )
        return [from_db_time(row["at"]) for row in rows]
