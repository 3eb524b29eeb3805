"""Schema migrations: append-only, numbered by position, tracked in PRAGMA user_version.

Never edit a migration that has shipped; add a new one that says why.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    why: str
    statements: tuple[str, ...]


ROLES = "('case_manager', 'coordinator', 'admin')"
TEAMS = (
    "('case_management', 'coordination', 'administration', "
    "'immigration_office', 'naturalisation_office')"
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        why="Staff, one-time invitations and the audit trail: the base of access control.",
        statements=(
            f"""
            CREATE TABLE staff (
                telegram_id INTEGER PRIMARY KEY,
                username TEXT,
                display_name TEXT NOT NULL DEFAULT '',
                role TEXT NOT NULL CHECK (role IN {ROLES}),
                team TEXT NOT NULL CHECK (team IN {TEAMS}),
                locale TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
                created_at TEXT NOT NULL,
                invited_by INTEGER REFERENCES staff (telegram_id),
                revoked_at TEXT,
                revoked_by INTEGER REFERENCES staff (telegram_id)
            )
            """,
            "CREATE INDEX staff_username ON staff (username COLLATE NOCASE)",
            f"""
            CREATE TABLE invitations (
                code TEXT PRIMARY KEY,
                role TEXT NOT NULL CHECK (role IN {ROLES}),
                team TEXT NOT NULL CHECK (team IN {TEAMS}),
                created_by INTEGER NOT NULL REFERENCES staff (telegram_id),
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                used_by INTEGER REFERENCES staff (telegram_id),
                used_at TEXT
            )
            """,
            # actor_id has no foreign key: refused strangers are audited too.
            """
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor_id INTEGER,
                action TEXT NOT NULL,
                subject TEXT,
                detail TEXT
            )
            """,
            "CREATE INDEX audit_log_at ON audit_log (at)",
        ),
    ),
)
