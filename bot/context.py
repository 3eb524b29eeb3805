"""The typed callback context and the long-lived services it gives handlers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from telegram.ext import Application, CallbackContext, ExtBot

from bot.operations.status import QueueLengths

if TYPE_CHECKING:
    from datetime import datetime

    from bot.casework.conferences import ConferenceDraft
    from bot.casework.contacts import ContactDraft
    from bot.casework.families import FamilyDraft
    from bot.casework.familychanges import FamilyEdit
    from bot.core.clock import Clock
    from bot.core.commands import CommandRegistry
    from bot.core.config import Settings
    from bot.core.flood import FloodLimit
    from bot.delivery.inbox import Inbox
    from bot.delivery.outbox import Outbox
    from bot.funds.expenses import Spend
    from bot.interpreting.invoices import HeldInvoice
    from bot.interpreting.rates import Rates
    from bot.interpreting.requests import RequestDraft
    from bot.privacy.personal_data import HeldText
    from bot.staff.staff import StaffMember
    from bot.storage import Storage
    from bot.translation.client import MachineTranslator
    from bot.translation.translations import PendingTranslation

Draft = TypeVar("Draft")


class Services:
    """Long-lived objects: set when the application is built, storage opened in post_init."""

    settings: Settings
    clock: Clock
    commands: CommandRegistry
    base_rates: Rates
    flood: FloodLimit
    storage: Storage | None = None
    translator: MachineTranslator | None = None
    # Replies Telegram could not take yet (start_services); the inbox only while the bot
    # serves Telegram (bot/delivery/runner.py), not in the shell or the tests.
    outbox: Outbox | None = None
    inbox: Inbox | None = None

    # When start_services ran, for the uptime /status shows.
    started_at: datetime | None = None
    # The command menus being published in the background since start_services.
    menus: asyncio.Task[None] | None = None

    async def queue_lengths(self, asking: int | None = None) -> QueueLengths:
        """Updates stored and not yet handled (but `asking`, the update that asks), replies
        waiting for Telegram: for /status."""
        if self.storage is None:
            return QueueLengths(inbox=0, outbox=0)
        return QueueLengths(
            inbox=await self.storage.inbox.pending_count(but=asking),
            outbox=await self.storage.outbox.pending_count(),
        )


@dataclass
class Dialog(Generic[Draft]):
    """A guided dialog in progress: the draft its steps fill, and the message whose Save or
    Confirm button counts (the buttons of an older confirmation must not save twice)."""

    draft: Draft
    confirm_message_id: int | None = None


class Session:
    """One person's unfinished dialogs, kept between their messages (typed user_data)."""

    def __init__(self) -> None:
        self.new_family: Dialog[FamilyDraft] | None = None
        self.family_edit: Dialog[FamilyEdit] | None = None
        self.new_contact: Dialog[ContactDraft] | None = None
        self.new_conference: Dialog[ConferenceDraft] | None = None
        # A text held back for its personal data, until Send anyway or Cancel: memory only.
        self.pending_translation: PendingTranslation | None = None
        # A note, flag text or reason held back for its personal data, until Save anyway or
        # Edit: memory only, the text is never stored before its author confirms.
        self.held_text: HeldText[object] | None = None
        self.new_request: Dialog[RequestDraft] | None = None
        # The request a coordinator pressed Reject for, until the reason is typed.
        self.rejecting: int | None = None
        # An implausible invoice, until Confirm or Cancel: memory only, nothing stored before.
        self.held_invoice: HeldInvoice | None = None
        # A /spend beyond what its fund has, until Book as overrun or Cancel: memory only.
        self.pending_expense: Spend | None = None


class BotContext(CallbackContext[ExtBot[None], Session, dict, Services]):
    """What every handler receives; `staff` is set by the access gate for each update."""

    def __init__(
        self,
        application: Application,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.staff: StaffMember | None = None

    @property
    def services(self) -> Services:
        return self.bot_data

    @property
    def storage(self) -> Storage:
        storage = self.bot_data.storage
        if storage is None:
            raise RuntimeError("storage is opened in post_init; the application is not started")
        return storage

    @property
    def clock(self) -> Clock:
        return self.bot_data.clock

    @property
    def member(self) -> StaffMember:
        """The registered sender; handlers behind the access gate may rely on it."""
        if self.staff is None:
            raise RuntimeError("no registered sender: this handler must run behind the gate")
        return self.staff
