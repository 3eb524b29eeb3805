"""Everything the bot stores, reached through one `Storage` object."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.storage.audit import AuditLog
from bot.storage.caseload import CaseloadStore
from bot.storage.conferences import ConferenceStore
from bot.storage.contacts import ContactStore
from bot.storage.cover import CoverStore
from bot.storage.database import Database
from bot.storage.demo import DemoStore
from bot.storage.encryption import EncryptionStore, TextCipher
from bot.storage.erasure import ErasureStore
from bot.storage.expenses import ExpenseStore
from bot.storage.families import FamilyStore
from bot.storage.familychanges import FamilyChangeStore
from bot.storage.figures import FigureStore
from bot.storage.flags import FlagStore
from bot.storage.followups import FollowUpStore
from bot.storage.funds import FundStore
from bot.storage.inbox import InboxStore
from bot.storage.invitations import InvitationStore
from bot.storage.invoices import InvoiceStore
from bot.storage.outbox import OutboxStore
from bot.storage.reports import ReportStore
from bot.storage.requests import RequestStore
from bot.storage.staff import StaffStore
from bot.storage.staffing import StaffingStore
from bot.storage.traces import TraceStore
from bot.storage.translations import TranslationStore

if TYPE_CHECKING:
    from bot.storage.committee import CommitteeStore
    from bot.storage.dataexport import DataExportStore
    from bot.storage.exports import ExportStore
    from bot.storage.proof import ProofStore


class Storage:
    """The database and one store per aggregate, sharing its connection."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.audit = AuditLog(db)
        self.staff = StaffStore(db, self.audit)
        self.invitations = InvitationStore(db, self.staff, self.audit)
        self.families = FamilyStore(db, self.audit)
        self.familychanges = FamilyChangeStore(db, self.audit, self.families)
        self.flags = FlagStore(db, self.audit)
        self.contacts = ContactStore(db, self.audit, self.flags)
        self.conferences = ConferenceStore(db, self.audit)
        self.followups = FollowUpStore(db)
        self.funds = FundStore(db, self.audit)
        self.translations = TranslationStore(db, self.funds)
        self.expenses = ExpenseStore(db, self.audit, self.funds)
        self.requests = RequestStore(db, self.audit, self.funds)
        self.invoices = InvoiceStore(db, self.audit, self.funds)
        self.demo = DemoStore(db)
        self.figures = FigureStore(db)
        self.caseload = CaseloadStore(db)
        self.staffing = StaffingStore(db, self.audit)
        self.cover = CoverStore(db, self.audit)
        self.reports = ReportStore(db)
        self.traces = TraceStore(db)
        self.inbox = InboxStore(db)
        self.outbox = OutboxStore(db)
        self.encryption = EncryptionStore(db, self.audit)
        self.erasure = ErasureStore(db, self.audit, self.families, self.staff)

    # The stores of the reports and exports, and the domain code of their records, are
    # loaded when first used: a bot that makes none of them that day does not hold them.

    @cached_property
    def proof(self) -> ProofStore:
        from bot.storage.proof import ProofStore

        return ProofStore(self.db, self.funds, self.expenses)

    @cached_property
    def committee(self) -> CommitteeStore:
        from bot.storage.committee import CommitteeStore

        return CommitteeStore(self.db, self.audit)

    @cached_property
    def exports(self) -> ExportStore:
        from bot.storage.exports import ExportStore

        return ExportStore(self.db)

    @cached_property
    def dataexport(self) -> DataExportStore:
        from bot.storage.dataexport import DataExportStore

        return DataExportStore(self.db, self.families, self.conferences, self.audit)

    @classmethod
    async def open(cls, path: Path, data_keys: Sequence[str] = ()) -> Storage:
        """Open the database; `data_keys` (DATA_KEY) seal and open the free texts.

        Raises UnsafeFileError for a database others can read, DataKeyError for keys that
        cannot open what is stored.
        """
        storage = cls(await Database.open(path, TextCipher(data_keys)))
        try:
            await storage.encryption.check_key()
        except BaseException:
            await storage.close()
            raise
        return storage

    async def close(self) -> None:
        await self.db.close()
