"""Erasure and retention: the SQL behind bot/privacy/erasure.py.

Every statement here is an UPDATE of personal columns (or a DELETE of old audit lines):
no contact, flag, request or conference row is ever deleted, so no roll-up trigger on contacts fires
(they run on INSERT and DELETE only) and every running total stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from bot.casework.families import family_code
from bot.privacy.erasure import BY_RETENTION, ErasurePreview
from bot.storage.audit import AuditLog
from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.families import FamilyStore
from bot.storage.staff import StaffStore

# What goes, table by table (see the module docstring of bot/privacy/erasure.py).
_ERASE_FAMILY = (
    # A conference stays (the figures count it) but loses the family: first its agreements,
    # which may describe the family (and cannot be told apart from what they say about the
    # other families linked), then the link itself and the follow-up set there.
    """
    UPDATE conferences SET agreements = ''
    WHERE id IN (SELECT conference_id FROM conference_families WHERE family_id = :family)
    """,
    """
    UPDATE conference_families SET family_id = NULL, follow_up_on = NULL, reminded_at = NULL
    WHERE family_id = :family
    """,
    """
    UPDATE contacts SET note = '', referral = NULL, follow_up_on = NULL, reminded_at = NULL
    WHERE family_id = :family
    """,
    """
    UPDATE flags SET description = '', outcome = NULL, discussion = NULL, actions = NULL
    WHERE family_id = :family
    """,
    """
    UPDATE interpreter_requests SET reason = NULL, professional_reason = NULL
    WHERE family_id = :family
    """,
    """
    UPDATE families SET household_size = NULL, languages = '',
        benefit_system = NULL, consent_on = NULL, close_reason = NULL, erased_at = :now
    WHERE id = :family
    """,
)


class ErasureStore:
    def __init__(
        self, db: Database, audit: AuditLog, families: FamilyStore, staff: StaffStore
    ) -> None:
        self._db = db
        self._audit = audit
        self._families = families
        self._staff = staff

    async def preview(self, family_id: int) -> ErasurePreview | None:
        """What erasing the family would remove; None if there is no such family."""
        row = await self._db.fetch_one(
            """
            SELECT f.closed_on, f.erased_at,
                (SELECT count(*) FROM contacts WHERE family_id = f.id AND note != '') AS notes,
                (SELECT count(*) FROM contacts WHERE family_id = f.id AND referral IS NOT NULL)
                    AS referrals,
                (SELECT count(*) FROM contacts
                 WHERE family_id = f.id AND follow_up_on IS NOT NULL) AS follow_ups,
                (SELECT count(*) FROM flags
                 WHERE family_id = f.id AND (description != '' OR outcome IS NOT NULL
                    OR discussion IS NOT NULL OR actions IS NOT NULL))
                    AS flag_texts,
                (SELECT coalesce(sum((reason IS NOT NULL) + (professional_reason IS NOT NULL)),
                    0) FROM interpreter_requests WHERE family_id = f.id) AS request_reasons,
                (SELECT count(*) FROM conference_families WHERE family_id = f.id)
                    AS conference_links
            FROM families AS f WHERE f.id = ?
            """,
            (family_id,),
        )
        if row is None:
            return None
        return ErasurePreview(
            family_code=family_code(family_id),
            closed_on=date.fromisoformat(row["closed_on"]) if row["closed_on"] else None,
            erased_at=from_db_time(row["erased_at"]),
            notes=row["notes"],
            referrals=row["referrals"],
            follow_ups=row["follow_ups"],
            flag_texts=row["flag_texts"],
            request_reasons=row["request_reasons"],
            conference_links=row["conference_links"],
        )

    async def erase_family(
        self, family_id: int, now: datetime, actor_id: int | None, reason: str
    ) -> None:
        """Erase the family's personal data; the audit says who and why, never what."""
        async with self._db.transaction():
            await self._erase(family_id, now)
            await self._audit.record(
                "family.erase", now, actor_id, family_code(family_id), detail=reason
            )
        self._families.forget_cached(family_id)

    async def erase_closed_families(self, closed_before: date, now: datetime, reason: str) -> int:
        """Erase every family closed before `closed_before` and not erased yet."""
        async with self._db.transaction():
            rows = await self._db.fetch_all(
                """
                SELECT id FROM families
                WHERE closed_on IS NOT NULL AND closed_on < ? AND erased_at IS NULL
                ORDER BY id
                """,
                (closed_before.isoformat(),),
            )
            ids = [row["id"] for row in rows]
            for family_id in ids:
                await self._erase(family_id, now)
                await self._audit.record(
                    "family.erase", now, None, family_code(family_id), detail=reason
                )
        for family_id in ids:
            self._families.forget_cached(family_id)
        return len(ids)

    async def _erase(self, family_id: int, now: datetime) -> None:
        for statement in _ERASE_FAMILY:
            await self._db.execute(statement, {"family": family_id, "now": to_db_time(now)})

    async def pseudonymise_staff(
        self, revoked_before: datetime, now: datetime, pseudonym: Callable[[int], str]
    ) -> int:
        """Replace username and display name of people deactivated before `revoked_before`
        by `pseudonym(number)`; numbers continue from those given before."""
        async with self._db.transaction():
            rows = await self._db.fetch_all(
                """
                SELECT telegram_id FROM staff
                WHERE status = 'revoked' AND revoked_at < ? AND pseudonymised_at IS NULL
                ORDER BY revoked_at, telegram_id
                """,
                (to_db_time(revoked_before),),
            )
            given = await self._db.fetch_value(
                "SELECT count(*) FROM staff WHERE pseudonymised_at IS NOT NULL"
            )
            for number, row in enumerate(rows, start=given + 1):
                await self._db.execute(
                    """
                    UPDATE staff SET username = NULL, display_name = ?, pseudonymised_at = ?
                    WHERE telegram_id = ?
                    """,
                    (pseudonym(number), to_db_time(now), row["telegram_id"]),
                )
                await self._audit.record(
                    "staff.pseudonymise", now, None, str(row["telegram_id"]), detail=BY_RETENTION
                )
        for row in rows:
            self._staff.forget_cached(row["telegram_id"])
        return len(rows)

    async def delete_audit_before(self, before: datetime) -> int:
        """Delete audit lines written before `before`: the only deletion the audit log's
        triggers allow, and only while this transaction has set the control row."""
        async with self._db.transaction():
            cutoff = to_db_time(before)
            count = await self._db.fetch_value(
                "SELECT count(*) FROM audit_log WHERE at < ?", (cutoff,)
            )
            if count:
                await self._db.execute(
                    "UPDATE audit_retention SET delete_before = ? WHERE id = 1", (cutoff,)
                )
                await self._db.execute("DELETE FROM audit_log WHERE at < ?", (cutoff,))
                await self._db.execute("UPDATE audit_retention SET delete_before = NULL")
        return count
