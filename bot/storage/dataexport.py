"""Art. 15 GDPR: every row stored about one family.

Rows become records through the stores' own row mappers, so whatever they do to a row
(decrypting free texts, say) applies to the export as well.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from bot.casework.families import family_code
from bot.casework.familychanges import FamilyChange
from bot.casework.vocabulary import BenefitSystem
from bot.privacy.dataexport import FamilyData, FollowUpEntry
from bot.storage.audit import AuditLog
from bot.storage.conferences import ConferenceStore
from bot.storage.contacts import contact_from_row
from bot.storage.database import Database, from_db_time
from bot.storage.families import FamilyStore
from bot.storage.flags import flag_from_row
from bot.storage.requests import request_from_row


class DataExportStore:
    def __init__(
        self, db: Database, families: FamilyStore, conferences: ConferenceStore, audit: AuditLog
    ) -> None:
        self._db = db
        self._families = families
        self._conferences = conferences
        self._audit = audit

    async def family_data(self, family_id: int) -> FamilyData | None:
        family = await self._families.get(family_id)
        if family is None:
            return None
        contact_rows = await self._db.fetch_all(
            "SELECT * FROM contacts WHERE family_id = ? ORDER BY contact_on, id", (family_id,)
        )
        contacts = [contact_from_row(row, self._db.cipher) for row in contact_rows]
        follow_ups = [
            FollowUpEntry(
                row["id"],
                date.fromisoformat(row["contact_on"]),
                date.fromisoformat(row["follow_up_on"]),
                from_db_time(row["reminded_at"]),
            )
            for row in contact_rows
            if row["follow_up_on"]
        ]
        requests = [
            request_from_row(row, self._db.cipher)
            for row in await self._db.fetch_all(
                "SELECT * FROM interpreter_requests WHERE family_id = ? ORDER BY created_at, id",
                (family_id,),
            )
        ]
        flags = [
            flag_from_row(row, self._db.cipher)
            for row in await self._db.fetch_all(
                "SELECT * FROM flags WHERE family_id = ? ORDER BY raised_at, id", (family_id,)
            )
        ]
        # Each conference as it concerns this family: the other families linked are other
        # people's data and are left out.
        conferences = [
            dataclasses.replace(conference, family_ids=(family_id,))
            for conference in await self._conferences.of_family(family_id)
        ]
        code = family_code(family_id)
        audit = await self._audit.about_family(
            code, [request.id for request in requests], [flag.id for flag in flags]
        )
        changes = [
            FamilyChange(
                date.fromisoformat(row["valid_from"]),
                row["town"],
                BenefitSystem(row["benefit"]) if row["benefit"] else None,
                bool(row["active"]),
                bool(row["fled"]),
            )
            for row in await self._db.fetch_all(
                "SELECT * FROM family_changes WHERE family_id = ? ORDER BY valid_from",
                (family_id,),
            )
        ]
        return FamilyData(
            code, family, contacts, follow_ups, requests, flags, conferences, audit, changes
        )
