"""Art. 15 GDPR: everything stored about one family, as JSON and as a readable workbook.

The records come from the casework and interpreting domains, which come after this package
in the dependency order: they are read here as plain dataclasses, field by field, so that
a field added to a record is exported without anybody remembering to add it here.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.i18n import _, lazy_gettext
from bot.core.text import yes_no
from bot.privacy.audit import AuditLine, action_label, audit_sheet
from bot.privacy.workbook import Sheet, workbook_bytes


@dataclass(frozen=True)
class FollowUpEntry:
    """A follow-up date set at a contact, and when its reminder went out."""

    contact_id: int
    contact_on: date
    follow_up_on: date
    reminded_at: datetime | None


@dataclass(frozen=True)
class FamilyData:
    """Everything stored about one family; the records are the domains' dataclasses."""

    code: str
    family: Any
    contacts: Sequence[Any]
    follow_ups: Sequence[FollowUpEntry]
    requests: Sequence[Any]
    flags: Sequence[Any]
    # Case conferences the family is linked to, each with only this family's code.
    conferences: Sequence[Any]
    audit: Sequence[AuditLine]
    # Town, benefit system and state, each from a day on (/editfamily, closing, reopening).
    changes: Sequence[Any] = ()


def fields_of(record: Any) -> dict[str, Any]:
    """A record's stored fields, in their order."""
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}


def _json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    return value


def _json_record(record: Any) -> dict[str, Any]:
    return {name: _json_value(value) for name, value in fields_of(record).items()}


def export_json(data: FamilyData, exported_at: datetime, exported_by: str) -> bytes:
    """Machine-readable: stored values as stored (times in UTC, codes not labels)."""
    document = {
        "family": data.code,
        "exported_at": exported_at.isoformat(),
        "exported_by": exported_by,
        "record": _json_record(data.family),
        "contacts": [_json_record(contact) for contact in data.contacts],
        "follow_ups": [_json_record(entry) for entry in data.follow_ups],
        "interpreter_requests": [_json_record(request) for request in data.requests],
        "flags": [_json_record(flag) for flag in data.flags],
        "conferences": [_json_record(conference) for conference in data.conferences],
        "changes": [_json_record(change) for change in data.changes],
        "audit": [
            {
                "at": line.at.isoformat(),
                "actor_id": line.actor_id,
                "actor": line.actor,
                "action": line.action,
                "action_label": action_label(line.action),
                "subject": line.subject,
                "detail": line.detail,
                "in_cover_for": line.in_cover_for,
            }
            for line in data.audit
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _cell(value: Any, tz: ZoneInfo, name: str = "") -> Any:
    """What a person reads: labels for codes, local times, yes/no, euros, lists joined."""
    if name.endswith("_cents") and isinstance(value, int):
        return Decimal(value).scaleb(-2)
    if isinstance(value, Enum):
        label = getattr(value, "label", None)
        return str(label) if label is not None else str(value.value)
    if isinstance(value, datetime):
        return value.astimezone(tz).replace(tzinfo=None)
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, tuple | list):
        return ", ".join(str(_cell(item, tz)) for item in value)
    return value


def _records_sheet(title: str, records: Sequence[Any], tz: ZoneInfo, empty: type) -> Sheet:
    names = [field.name for field in dataclasses.fields(empty)]
    widths = [40 if name in _FREE_TEXT else 14 for name in names]
    rows = [
        [_cell(value, tz, name) for name, value in fields_of(record).items()] for record in records
    ]
    return Sheet(title, [field_label(name) for name in names], widths, rows)


# Column headers of the workbook: what each stored field is, in the reader's language.
FIELD_LABELS = {
    "id": lazy_gettext("number"),
    "town": lazy_gettext("town"),
    "origin": lazy_gettext("country of origin"),
    "household_size": lazy_gettext("household size"),
    "languages": lazy_gettext("languages"),
    "fled_ukraine": lazy_gettext("fled from Ukraine"),
    "benefit_system": lazy_gettext("benefit system"),
    "consent_on": lazy_gettext("written consent on"),
    "opened_on": lazy_gettext("opened on"),
    "closed_on": lazy_gettext("closed on"),
    "close_reason": lazy_gettext("reason for closing"),
    "status": lazy_gettext("status"),
    "case_manager_id": lazy_gettext("case manager (Telegram ID)"),
    "last_contact_on": lazy_gettext("last contact on"),
    "erased_at": lazy_gettext("personal data erased at"),
    "family_id": lazy_gettext("family"),
    "staff_id": lazy_gettext("logged by (Telegram ID)"),
    "contact_on": lazy_gettext("contact on"),
    "minutes": lazy_gettext("minutes"),
    "contact_type": lazy_gettext("kind of contact"),
    "topics": lazy_gettext("topics"),
    "note": lazy_gettext("note"),
    "referral": lazy_gettext("referred to"),
    "follow_up_on": lazy_gettext("follow-up on"),
    "created_at": lazy_gettext("recorded at"),
    "contact_id": lazy_gettext("contact"),
    "reminded_at": lazy_gettext("reminded at"),
    "fund_id": lazy_gettext("fund"),
    "requested_by": lazy_gettext("requested by (Telegram ID)"),
    "language": lazy_gettext("language"),
    "mode": lazy_gettext("kind"),
    "starts_at": lazy_gettext("appointment"),
    "pages": lazy_gettext("pages"),
    "purpose": lazy_gettext("purpose"),
    "professional": lazy_gettext("professional interpreter"),
    "urgent": lazy_gettext("urgent"),
    "estimate_cents": lazy_gettext("estimate (€)"),
    "committed_cents": lazy_gettext("committed (€)"),
    "spent_cents": lazy_gettext("spent (€)"),
    "overrun": lazy_gettext("approved as overrun"),
    "reason": lazy_gettext("reason"),
    "travel_minutes": lazy_gettext("travel time (minutes)"),
    "professional_reason": lazy_gettext("why a professional interpreter"),
    "cancelled_by": lazy_gettext("cancelled by (Telegram ID)"),
    "cancelled_at": lazy_gettext("cancelled at"),
    "category": lazy_gettext("category"),
    "description": lazy_gettext("description"),
    "raised_by": lazy_gettext("reported by (Telegram ID)"),
    "raised_at": lazy_gettext("reported at"),
    "closed_at": lazy_gettext("closed at"),
    "outcome": lazy_gettext("outcome"),
    "state": lazy_gettext("state"),
    "discussed_at": lazy_gettext("discussed at"),
    "discussion": lazy_gettext("discussion note"),
    "progress_at": lazy_gettext("in progress since"),
    "actions": lazy_gettext("partners and actions"),
    "held_on": lazy_gettext("held on"),
    "kind": lazy_gettext("kind of meeting"),
    "participants": lazy_gettext("taking part"),
    "partner_name": lazy_gettext("partners"),
    "family_ids": lazy_gettext("families"),
    "agreements": lazy_gettext("agreements"),
    "recorded_by": lazy_gettext("recorded by (Telegram ID)"),
    "recorded_at": lazy_gettext("recorded at"),
    "valid_from": lazy_gettext("valid from"),
    "active": lazy_gettext("active"),
}


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name


# Free-text fields get wide columns.
_FREE_TEXT = {
    "note", "description", "outcome", "reason", "close_reason", "professional_reason",
    "discussion", "actions", "partner_name", "agreements",
}  # fmt: skip


def export_workbook(
    data: FamilyData, tz: ZoneInfo, exported_at: datetime, exported_by: str
) -> bytes:
    """Readable: one sheet per kind of record, labels, local times, the audit last."""
    record = Sheet(
        _("Record"),
        (_("Field"), _("Value")),
        (24, 50),
        [
            (_("Family"), data.code),
            (_("Exported at"), exported_at.astimezone(tz).replace(tzinfo=None)),
            (_("Exported by"), exported_by),
            *(
                (field_label(name), _cell(value, tz, name))
                for name, value in fields_of(data.family).items()
            ),
        ],
    )
    sheets = [record]
    for title, records in (
        (_("Contacts"), data.contacts),
        (_("Follow-ups"), data.follow_ups),
        (_("Interpreter requests"), data.requests),
        (_("Structural gaps"), data.flags),
        (_("Case conferences"), data.conferences),
        (_("Changes"), data.changes),
    ):
        if records:
            sheets.append(_records_sheet(title, records, tz, type(records[0])))
        else:
            sheets.append(Sheet(title, (_("None"),), (20,), []))
    sheets.append(audit_sheet(data.audit, tz, _("Who read or changed it")))
    title = _("Data stored about {code}").format(code=data.code)
    return workbook_bytes(title, sheets)
