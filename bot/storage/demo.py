"""Bulk loading of demo data (see bot/demo/data.py for what the rows hold)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from bot.storage import rollups
from bot.storage.database import Database

if TYPE_CHECKING:
    # Only `kim-bot demo-data` builds demo data: the generator is no part of the running bot.
    from bot.demo.data import DemoData

CHUNK = 50_000


def _chunks(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        yield chunk


class DemoStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def _sealed_flag(self, row: tuple) -> tuple:
        # Demo contacts have no notes; demo flags have texts, sealed as real ones would be.
        seal = self._db.cipher.seal
        sealed = (2, 7, 11, 14)  # description, outcome, discussion, actions
        return tuple(seal(value) if index in sealed else value for index, value in enumerate(row))

    def _sealed_expense(self, row: tuple) -> tuple:
        return (*row[:4], self._db.cipher.seal(row[4]), *row[5:])

    async def is_empty(self) -> bool:
        return await self._db.fetch_value("SELECT count(*) FROM families") == 0

    async def load(self, data: DemoData) -> int:
        """Insert everything in one transaction; returns the number of contacts."""
        contacts = 0
        # Recounting the totals sorts every contact: on disk, not in memory (Database.open).
        await self._db.execute("PRAGMA temp_store = FILE")
        async with self._db.transaction():
            # Millions of rows: count them once at the end instead of row by row (and the
            # families' histories are loaded as they are). The triggers come back as the
            # schema has them now, whichever migrations replaced them.
            triggers = await self._db.fetch_all(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            )
            for trigger in triggers:
                await self._db.execute(f"DROP TRIGGER {trigger['name']}")
            await self._db.execute_many(
                """
                INSERT OR IGNORE INTO staff (telegram_id, username, display_name, role, team,
                    locale, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                data.staff,
            )
            await self._db.execute_many(
                """
                INSERT OR IGNORE INTO fte_shares (staff_id, valid_from, fte_permille, set_by,
                    set_at)
                VALUES (?, ?, ?, ?, ?)
                """,
                data.fte_shares,
            )
            await self._db.execute_many(
                """
                INSERT INTO covers (covering_id, absent_id, starts_on, ends_on, set_by, set_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                data.covers,
            )
            await self._db.execute_many(
                """
                INSERT OR IGNORE INTO staffing (block, valid_from, funded_permille,
                    vacant_permille, money_cents, set_by, set_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                data.staffing,
            )
            await self._db.execute_many(
                """
                INSERT INTO families (id, town, origin, household_size, languages, fled_ukraine,
                    benefit_system, consent_on, opened_on, closed_on, status, case_manager_id,
                    created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                data.families,
            )
            await self._db.execute_many(
                """
                INSERT INTO family_changes (family_id, valid_from, town, benefit, active, fled)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                data.family_changes,
            )
            for chunk in _chunks(data.contacts):
                await self._db.execute_many(
                    """
                    INSERT INTO contacts (family_id, staff_id, contact_on, minutes, contact_type,
                        topics, note, referral, follow_up_on, created_at, reminded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    chunk,
                )
                contacts += len(chunk)
            # The requests' ids follow the largest so far, in the order they are inserted.
            before = await self._db.fetch_value(
                "SELECT coalesce(max(id), 0) FROM interpreter_requests"
            )
            await self._db.execute_many(
                """
                INSERT INTO interpreter_requests (fund_id, family_id, requested_by, language,
                    mode, starts_at, minutes, pages, town, purpose, professional, urgent, status,
                    estimate_cents, committed_cents, spent_cents, created_at, decided_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                data.requests,
            )
            await self._db.execute_many(
                """
                INSERT INTO invoices (request_id, payee, number, invoiced_on, amount_cents,
                    recorded_by, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [(before + 1 + index, *rest) for index, *rest in data.invoices],
            )
            await self._db.execute_many(
                """
                INSERT INTO flags (family_id, category, description, raised_by, raised_at,
                    closed_by, closed_at, outcome, state, discussed_by, discussed_at, discussion,
                    progress_by, progress_at, actions)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [self._sealed_flag(row) for row in data.flags],
            )
            await self._db.execute_many(
                """
                INSERT INTO expenses (fund_id, amount_cents, payee, voucher, purpose, category,
                    booked_on, booked_by, booked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [self._sealed_expense(row) for row in data.expenses],
            )
            for row in data.conferences:
                conference_id = await self._db.execute(
                    """
                    INSERT INTO conferences (held_on, kind, participants, partner_name, topics,
                        minutes, agreements, recorded_by, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    (*row[:3], self._db.cipher.seal(row[3]), *row[4:6],
                     self._db.cipher.seal(row[6]), *row[7:9]),
                )  # fmt: skip
                await self._db.execute_many(
                    "INSERT INTO conference_families (conference_id, family_id) VALUES (?, ?)",
                    [(conference_id, family_id) for family_id in row[9]],
                )
            for statement in rollups.rebuild_statements():
                await self._db.execute(statement)
            for trigger in triggers:
                await self._db.execute(trigger["sql"])
        await self._db.execute("PRAGMA temp_store = MEMORY")
        await self._db.execute("ANALYZE")
        return contacts
