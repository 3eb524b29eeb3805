"""Everything the bot stores, reached through one `Storage` object."""

from __future__ import annotations

from pathlib import Path

from bot.storage.audit import AuditLog
from bot.storage.contacts import Contact, ContactStore, FollowUp
from bot.storage.database import Database
from bot.storage.demo import DemoStore
from bot.storage.exports import ExportStore
from bot.storage.families import Family, FamilyStore
from bot.storage.figures import FigureStore
from bot.storage.flags import Flag, FlagStore
from bot.storage.funds import Fund, FundStore
from bot.storage.interpreting import InterpreterRequest, InterpreterRequestStore
from bot.storage.invitations import InvitationStore
from bot.storage.machine_translations import MachineTranslationStore
from bot.storage.reports import ReportStore
from bot.storage.staff import StaffMember, StaffStore

__all__ = [
    "Contact",
    "Family",
    "Flag",
    "FollowUp",
    "Fund",
    "InterpreterRequest",
    "StaffMember",
    "Storage",
]


class Storage:
    """The database and one store per aggregate, sharing its connection."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.audit = AuditLog(db)
        self.staff = StaffStore(db, self.audit)
        self.invitations = InvitationStore(db, self.staff, self.audit)
        self.families = FamilyStore(db, self.audit)
        self.flags = FlagStore(db, self.audit)
        self.contacts = ContactStore(db, self.audit, self.flags)
        self.funds = FundStore(db, self.audit)
        self.machine_translations = MachineTranslationStore(db)
        self.requests = InterpreterRequestStore(db, self.audit, self.funds)
        self.demo = DemoStore(db)
        self.figures = FigureStore(db)
        self.exports = ExportStore(db)
        self.reports = ReportStore(db)

    @classmethod
    async def open(cls, path: Path) -> Storage:
        return cls(await Database.open(path))

    async def close(self) -> None:
        await self.db.close()
