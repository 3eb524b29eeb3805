"""Families: known only by their code, with the few facts KIM reports on."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from datetime import date, datetime

from bot.casework.families import Family, FamilyDraft, family_code
from bot.casework.vocabulary import BenefitSystem
from bot.storage import rollups
from bot.storage.audit import AuditLog
from bot.storage.cache import RecordCache
from bot.storage.database import Database, from_db_time, to_db_time
from bot.storage.encryption import TextCipher


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _family(row: sqlite3.Row, cipher: TextCipher) -> Family:
    keys = row.keys()
    return Family(
        id=row["id"],
        town=row["town"],
        origin=row["origin"],
        household_size=row["household_size"],
        languages=tuple(code for code in row["languages"].split(",") if code),
        fled_ukraine=bool(row["fled_ukraine"]),
        benefit_system=BenefitSystem(row["benefit_system"]) if row["benefit_system"] else None,
        consent_on=_date(row["consent_on"]),
        opened_on=date.fromisoformat(row["opened_on"]),
        closed_on=_date(row["closed_on"]),
        close_reason=cipher.open(row["close_reason"]),
        erased_at=from_db_time(row["erased_at"]),
        status=row["status"],
        case_manager_id=row["case_manager_id"],
        last_contact_on=_date(row["last_contact_on"]) if "last_contact_on" in keys else None,
    )


_WITH_LAST_CONTACT = """
    SELECT families.*,
           (SELECT max(contact_on) FROM contacts WHERE contacts.family_id = families.id)
               AS last_contact_on
    FROM families
"""


class FamilyStore:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit
        # Every /log reads its family: keep the recently used ones.
        self._cache: RecordCache[int, Family] = RecordCache(2048)

    async def create(
        self, draft: FamilyDraft, case_manager_id: int, today: date, now: datetime
    ) -> Family:
        async with self._db.transaction():
            family_id = await self._db.execute(
                """
                INSERT INTO families (town, origin, household_size, languages, fled_ukraine,
                    benefit_system, consent_on, opened_on, case_manager_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    draft.town,
                    draft.origin,
                    draft.household_size,
                    ",".join(draft.languages),
                    int(draft.fled_ukraine),
                    draft.benefit_system.value if draft.benefit_system else None,
                    today.isoformat() if draft.consent else None,
                    today.isoformat(),
                    case_manager_id,
                    to_db_time(now),
                ),
            )
            await self._audit.record("family.create", now, case_manager_id, family_code(family_id))
        family = await self.get(family_id)
        assert family is not None
        return family

    async def get(self, family_id: int) -> Family | None:
        """The family's record (its last contact date is only in caseload lists)."""
        family = self._cache.get(family_id)
        if family is None:
            row = await self._db.fetch_one("SELECT * FROM families WHERE id = ?", (family_id,))
            if row is None:
                return None
            family = _family(row, self._db.cipher)
            if not self._db.in_transaction:
                self._cache.put(family_id, family)
        return family

    async def caseload(
        self,
        case_managers: Collection[int] | None = None,
        town: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> tuple[list[Family], int]:
        """Active families of these case managers (None: everyone's), newest contact first
        (families without contacts by opening)."""
        where = ["status = 'active'"]
        params: list[object] = []
        if case_managers is not None:
            where.append(f"case_manager_id IN ({', '.join('?' for _ in case_managers) or 'NULL'})")
            params += case_managers
        if town is not None:
            where.append("town = ?")
            params.append(town)
        condition = " AND ".join(where)
        total = await self._db.fetch_value(
            f"SELECT count(*) FROM families WHERE {condition}", params
        )
        rows = await self._db.fetch_all(
            f"""
            {_WITH_LAST_CONTACT} WHERE {condition}
            ORDER BY coalesce(last_contact_on, opened_on) DESC, id DESC
            LIMIT ? OFFSET ?
            """,
            [*params, limit, offset],
        )
        return [_family(row, self._db.cipher) for row in rows], total

    async def recently_logged_by(self, staff_id: int, limit: int) -> list[Family]:
        """Active families this person logged contacts for, most recent first."""
        rows = await self._db.fetch_all(
            f"""
            {_WITH_LAST_CONTACT}
            JOIN (SELECT family_id, max(id) AS latest FROM contacts WHERE staff_id = ?
                  GROUP BY family_id) AS mine ON mine.family_id = families.id
            WHERE status = 'active' ORDER BY mine.latest DESC LIMIT ?
            """,
            (staff_id, limit),
        )
        return [_family(row, self._db.cipher) for row in rows]

    async def close(
        self, family_id: int, reason: str | None, closed_by: int, today: date, now: datetime
    ) -> None:
        async with self._db.transaction():
            await self._db.execute(
                """
                UPDATE families SET status = 'closed', closed_on = ?, close_reason = ?
                WHERE id = ?
                """,
                (today.isoformat(), self._db.cipher.seal(reason), family_id),
            )
            await self.date_values(family_id, today)
            await self._audit.record("family.close", now, closed_by, family_code(family_id))
        self._cache.forget(family_id)

    async def date_values(self, family_id: int, day: date) -> None:
        """The family's town, benefit system and state, as its row has them now, hold from
        `day` on: the figures count it and its contacts from then on with them."""
        for statement in rollups.DATE_VALUES:
            await self._db.execute(statement, {"family": family_id, "day": day.isoformat()})

    def forget_cached(self, family_id: int) -> None:
        """After a change made elsewhere (erasure): read the family from the database again."""
        self._cache.forget(family_id)

    async def transfer(self, family_id: int, to_staff_id: int, by: int, now: datetime) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE families SET case_manager_id = ? WHERE id = ?", (to_staff_id, family_id)
            )
            await self._audit.record(
                "family.transfer", now, by, family_code(family_id), detail=str(to_staff_id)
            )
        self._cache.forget(family_id)

    async def record_consent(self, family_id: int, today: date, by: int, now: datetime) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE families SET consent_on = ? WHERE id = ?", (today.isoformat(), family_id)
            )
            await self._audit.record("family.consent", now, by, family_code(family_id))
        self._cache.forget(family_id)
