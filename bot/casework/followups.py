"""Follow-up dates of contacts and when they are reminded."""

from __future__ import annotations

from dataclasses import dataclass

from bot.casework.contacts import Contact


@dataclass(frozen=True)
class FollowUp:
    """A follow-up date of a contact, for the family's current case manager."""

    contact: Contact
    case_manager_id: int
    locale: str
