"""Changes of a family's record (/editfamily): the row, its dated history, the audit line."""

from __future__ import annotations

from datetime import date, datetime

from bot.casework.families import Family
from bot.casework.familychanges import FamilyEdit, FamilyField, audit_detail
from bot.storage.audit import AuditLog
from bot.storage.database import Database
from bot.storage.families import FamilyStore

# The families column each field writes, and what goes in it.
_COLUMNS = {
    FamilyField.TOWN: ("town", lambda edit, today: edit.town),
    FamilyField.HOUSEHOLD: ("household_size", lambda edit, today: edit.household_size),
    FamilyField.LANGUAGES: ("languages", lambda edit, today: ",".join(edit.languages)),
    FamilyField.BENEFIT: (
        "benefit_system",
        lambda edit, today: edit.benefit_system.value if edit.benefit_system else None,
    ),
    FamilyField.CONSENT: (
        "consent_on",
        lambda edit, today: today.isoformat() if edit.consent else None,
    ),
}


class FamilyChangeStore:
    def __init__(self, db: Database, audit: AuditLog, families: FamilyStore) -> None:
        self._db = db
        self._audit = audit
        self._families = families

    async def last_change_on(self, family_id: int) -> date:
        """The day of the family's last dated change (its intake if none followed)."""
        return date.fromisoformat(
            await self._db.fetch_value(
                "SELECT max(valid_from) FROM family_changes WHERE family_id = ?", (family_id,)
            )
        )

    async def change(
        self, family: Family, edit: FamilyEdit, by: int, today: date, now: datetime
    ) -> None:
        """Change one field; a dated one (and reopening) holds from its day in the figures."""
        if edit.field is FamilyField.CONSENT and edit.consent:
            # Consent given: recorded exactly as /consent records it.
            await self._families.record_consent(family.id, today, by, now)
            return
        assert edit.field is not None
        async with self._db.transaction():
            if edit.field is FamilyField.REOPEN:
                await self._db.execute(
                    """
                    UPDATE families SET status = 'active', closed_on = NULL, close_reason = NULL
                    WHERE id = ?
                    """,
                    (family.id,),
                )
                action = "family.reopen"
            else:
                column, value = _COLUMNS[edit.field]
                await self._db.execute(
                    f"UPDATE families SET {column} = ? WHERE id = ?",
                    (value(edit, today), family.id),
                )
                action = (
                    "family.consent_withdrawn"
                    if edit.field is FamilyField.CONSENT
                    else ("family.edit")
                )
            if edit.field.dated or edit.field is FamilyField.REOPEN:
                await self._families.date_values(family.id, edit.valid_from or today)
            await self._audit.record(
                action, now, by, family.code, detail=audit_detail(family, edit, today)
            )
        self._families.forget_cached(family.id)
