"""Schema migrations: append-only, numbered by position, tracked in PRAGMA user_version.

Never edit a migration that has shipped; add a new one that says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage import rollups


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
    Migration(
        why="Casework: families known only by code, contacts with topics as bits (one row per "
        "contact keeps the weekly figures a single indexed scan), structural-gap flags.",
        statements=(
            """
            CREATE TABLE families (
                id INTEGER PRIMARY KEY,
                town TEXT NOT NULL,
                origin TEXT NOT NULL CHECK (length(origin) = 2),
                household_size INTEGER NOT NULL CHECK (household_size BETWEEN 1 AND 30),
                languages TEXT NOT NULL,
                fled_ukraine INTEGER NOT NULL CHECK (fled_ukraine IN (0, 1)),
                benefit_system TEXT CHECK (benefit_system IN ('sgb2', 'sgb12', 'asylblg', 'none')),
                consent_on TEXT,
                opened_on TEXT NOT NULL,
                closed_on TEXT,
                close_reason TEXT,
                status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
                case_manager_id INTEGER NOT NULL REFERENCES staff (telegram_id),
                created_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX families_case_manager ON families (case_manager_id, status)",
            """
            CREATE TABLE contacts (
                id INTEGER PRIMARY KEY,
                family_id INTEGER NOT NULL REFERENCES families (id),
                staff_id INTEGER NOT NULL REFERENCES staff (telegram_id),
                contact_on TEXT NOT NULL,
                minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 720),
                contact_type TEXT NOT NULL CHECK (contact_type IN ('home_visit', 'office',
                    'phone', 'video', 'accompaniment', 'case_conference', 'message')),
                topics INTEGER NOT NULL CHECK (topics > 0),
                note TEXT NOT NULL DEFAULT '',
                referral TEXT,
                follow_up_on TEXT,
                reminded_at TEXT,
                created_at TEXT NOT NULL,
                source_chat_id INTEGER,
                source_message_id INTEGER,
                -- A Telegram update delivered twice must not store its contact twice.
                UNIQUE (source_chat_id, source_message_id)
            )
            """,
            "CREATE INDEX contacts_family ON contacts (family_id, contact_on)",
            "CREATE INDEX contacts_staff ON contacts (staff_id, created_at)",
            "CREATE INDEX contacts_on ON contacts (contact_on)",
            """
            CREATE INDEX contacts_follow_up ON contacts (follow_up_on)
            WHERE follow_up_on IS NOT NULL
            """,
            """
            CREATE TABLE flags (
                id INTEGER PRIMARY KEY,
                family_id INTEGER NOT NULL REFERENCES families (id),
                contact_id INTEGER REFERENCES contacts (id) ON DELETE CASCADE,
                category TEXT NOT NULL CHECK (category IN ('waiting_time', 'missing_service',
                    'interface', 'other')),
                description TEXT NOT NULL,
                raised_by INTEGER NOT NULL REFERENCES staff (telegram_id),
                raised_at TEXT NOT NULL,
                closed_by INTEGER REFERENCES staff (telegram_id),
                closed_at TEXT,
                outcome TEXT
            )
            """,
            "CREATE INDEX flags_open ON flags (closed_at, raised_at)",
        ),
    ),
    Migration(
        why="The translation fund: funds, an adjustable rate card, interpreter requests whose "
        "estimate is committed against a fund, and DeepL usage charged to it. Machine "
        "translation costs are kept in millionths of a cent, exact for any price per million "
        "characters.",
        statements=(
            """
            CREATE TABLE funds (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                purpose TEXT NOT NULL DEFAULT 'other',
                amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
                currency TEXT NOT NULL DEFAULT 'EUR',
                starts_on TEXT NOT NULL,
                ends_on TEXT NOT NULL CHECK (ends_on >= starts_on),
                created_at TEXT NOT NULL
            )
            """,
            # Requests and DeepL are charged to the one fund whose purpose is translation.
            """
            CREATE UNIQUE INDEX funds_translation ON funds (purpose)
            WHERE purpose = 'translation'
            """,
            """
            CREATE TABLE fund_alerts (
                fund_id INTEGER NOT NULL REFERENCES funds (id),
                threshold INTEGER NOT NULL,
                sent_at TEXT NOT NULL,
                PRIMARY KEY (fund_id, threshold)
            )
            """,
            """
            CREATE TABLE rate_overrides (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                changed_by INTEGER REFERENCES staff (telegram_id),
                changed_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE interpreter_requests (
                id INTEGER PRIMARY KEY,
                fund_id INTEGER NOT NULL REFERENCES funds (id),
                family_id INTEGER REFERENCES families (id),
                requested_by INTEGER NOT NULL REFERENCES staff (telegram_id),
                language TEXT NOT NULL,
                mode TEXT NOT NULL CHECK (mode IN ('on_site', 'phone', 'video', 'written')),
                starts_at TEXT NOT NULL,
                minutes INTEGER CHECK (minutes BETWEEN 1 AND 720),
                pages INTEGER CHECK (pages BETWEEN 1 AND 500),
                town TEXT,
                purpose TEXT NOT NULL,
                professional INTEGER NOT NULL CHECK (professional IN (0, 1)),
                urgent INTEGER NOT NULL CHECK (urgent IN (0, 1)),
                status TEXT NOT NULL CHECK (status IN ('requested', 'over_budget', 'approved',
                    'rejected', 'completed', 'cancelled')),
                estimate_cents INTEGER NOT NULL CHECK (estimate_cents >= 0),
                committed_cents INTEGER NOT NULL DEFAULT 0 CHECK (committed_cents >= 0),
                spent_cents INTEGER NOT NULL DEFAULT 0 CHECK (spent_cents >= 0),
                overrun INTEGER NOT NULL DEFAULT 0 CHECK (overrun IN (0, 1)),
                decided_by INTEGER REFERENCES staff (telegram_id),
                decided_at TEXT,
                reason TEXT,
                reminded_at TEXT,
                created_at TEXT NOT NULL,
                source_chat_id INTEGER,
                source_message_id INTEGER,
                UNIQUE (source_chat_id, source_message_id)
            )
            """,
            "CREATE INDEX requests_fund ON interpreter_requests (fund_id, status)",
            "CREATE INDEX requests_requester ON interpreter_requests (requested_by, created_at)",
            "CREATE INDEX requests_start ON interpreter_requests (starts_at)",
            """
            CREATE TABLE machine_translations (
                id INTEGER PRIMARY KEY,
                fund_id INTEGER NOT NULL REFERENCES funds (id),
                staff_id INTEGER NOT NULL REFERENCES staff (telegram_id),
                target_language TEXT NOT NULL,
                characters INTEGER NOT NULL CHECK (characters >= 0),
                cost_micro_cents INTEGER NOT NULL CHECK (cost_micro_cents >= 0),
                at TEXT NOT NULL
            )
            """,
            "CREATE INDEX machine_translations_fund ON machine_translations (fund_id, at)",
        ),
    ),
    Migration(
        why="Figures: running totals of contacts for fast weekly, monthly and yearly figures "
        "(see rollups.py), each contact's audit line written by trigger in the same statement, "
        "full-time positions and the weekly report's subscriptions and sent log.",
        statements=(
            *rollups.FIRST_TABLES,
            *rollups.first_rebuild_statements(),
            *rollups.FIRST_TRIGGERS,
            # Stored by the trigger from now on; ContactStore writes it no more.
            "ALTER TABLE staff ADD COLUMN fte_permille INTEGER CHECK (fte_permille > 0)",
            # NULL: as the role has it (coordinators get the weekly report); 1 or 0: chosen.
            "ALTER TABLE staff ADD COLUMN weekly_report INTEGER CHECK (weekly_report IN (0, 1))",
            """
            CREATE TABLE weekly_reports (
                week TEXT NOT NULL,
                staff_id INTEGER NOT NULL REFERENCES staff (telegram_id),
                sent_at TEXT NOT NULL,
                PRIMARY KEY (week, staff_id)
            )
            """,
            "CREATE INDEX families_caseload ON families (status, case_manager_id, fled_ukraine)",
            "CREATE INDEX contacts_staff_day ON contacts (staff_id, contact_on)",
            "CREATE INDEX families_opened ON families (opened_on, fled_ukraine)",
            """
            CREATE INDEX families_closed ON families (closed_on, fled_ukraine)
            WHERE closed_on IS NOT NULL
            """,
            "CREATE INDEX flags_raised ON flags (raised_at)",
            "CREATE INDEX requests_created ON interpreter_requests (created_at)",
            "CREATE INDEX requests_decided ON interpreter_requests (decided_at)",
            "CREATE INDEX machine_translations_at ON machine_translations (at)",
        ),
    ),
    Migration(
        why="Access and chat traces: the bot's messages that show case details, kept until "
        "the deletion job removes them from the chat (Telegram allows 48 hours); indexes for "
        "reviewing the audit log by person and by family.",
        statements=(
            """
            CREATE TABLE chat_traces (
                chat_id INTEGER NOT NULL,
                message_id INTEGER NOT NULL,
                sent_at TEXT NOT NULL,
                PRIMARY KEY (chat_id, message_id)
            )
            """,
            "CREATE INDEX chat_traces_sent ON chat_traces (sent_at)",
            "CREATE INDEX audit_log_actor ON audit_log (actor_id, at)",
            "CREATE INDEX audit_log_subject ON audit_log (subject, at)",
        ),
    ),
    Migration(
        why="Retention and erasure (GDPR Art. 5(1)(e), 17): the household size may be erased "
        "(NULL) while the family row stays for the figures, so its NOT NULL goes; "
        "families and staff remember when they were erased or pseudonymised; and the audit "
        "log becomes append-only in the database. Triggers refuse every UPDATE of audit_log "
        "and every DELETE except of lines older than audit_retention.delete_before, a "
        "one-row control table that only the retention job sets and resets inside its own "
        "transaction (a TEMP flag would be invisible to triggers of the main schema).",
        statements=(
            # SQLite cannot drop a NOT NULL: rename, add the nullable column, copy, drop.
            "ALTER TABLE families RENAME COLUMN household_size TO household_size_required",
            """
            ALTER TABLE families ADD COLUMN household_size INTEGER
                CHECK (household_size BETWEEN 1 AND 30)
            """,
            "UPDATE families SET household_size = household_size_required",
            "ALTER TABLE families DROP COLUMN household_size_required",
            "ALTER TABLE families ADD COLUMN erased_at TEXT",
            """
            CREATE INDEX families_to_erase ON families (closed_on)
            WHERE closed_on IS NOT NULL AND erased_at IS NULL
            """,
            "ALTER TABLE staff ADD COLUMN pseudonymised_at TEXT",
            """
            CREATE TABLE audit_retention (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                delete_before TEXT
            )
            """,
            "INSERT INTO audit_retention (id, delete_before) VALUES (1, NULL)",
            """
            CREATE TRIGGER audit_retention_stays BEFORE DELETE ON audit_retention BEGIN
                SELECT RAISE(ABORT, 'audit_retention keeps its one row');
            END
            """,
            """
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
                SELECT RAISE(ABORT, 'audit_log is append-only');
            END
            """,
            """
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            WHEN NOT OLD.at < coalesce(
                (SELECT delete_before FROM audit_retention WHERE id = 1), '')
            BEGIN
                SELECT RAISE(ABORT, 'audit_log is append-only: only the retention job deletes');
            END
            """,
        ),
    ),
    Migration(
        why="Delivery that survives a crash: every update is stored in the inbox before "
        "Telegram is told it arrived, and handled from there; a reply Telegram could not "
        "take (timeouts, 5xx, flood limits) waits in the outbox until it is delivered. Both "
        "hold message texts, sealed with DATA_KEY, and only until they are handled or sent; a "
        "reply that shows case details is remembered in chat_traces once it is delivered.",
        statements=(
            """
            CREATE TABLE inbox (
                update_id INTEGER PRIMARY KEY,
                payload TEXT,
                received_at TEXT NOT NULL,
                handled_at TEXT
            )
            """,
            "CREATE INDEX inbox_pending ON inbox (update_id) WHERE handled_at IS NULL",
            "CREATE INDEX inbox_handled ON inbox (handled_at) WHERE handled_at IS NOT NULL",
            """
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                method TEXT NOT NULL,
                chat_id INTEGER,
                params TEXT NOT NULL,
                created_at TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                next_attempt_at TEXT NOT NULL,
                last_error TEXT,
                case_details INTEGER NOT NULL DEFAULT 0 CHECK (case_details IN (0, 1))
            )
            """,
            "CREATE INDEX outbox_due ON outbox (next_attempt_at)",
        ),
    ),
    Migration(
        why="Undo is final: the source (chat and message) of each undone contact, so that the "
        "same update delivered again does not store the contact again. A row holds no case "
        "data; the nightly retention job deletes it after a week, long after Telegram has "
        "stopped delivering that update again (a day).",
        statements=(
            """
            CREATE TABLE undone_contacts (
                source_chat_id INTEGER NOT NULL,
                source_message_id INTEGER NOT NULL,
                undone_at TEXT NOT NULL,
                PRIMARY KEY (source_chat_id, source_message_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX undone_contacts_at ON undone_contacts (undone_at)",
        ),
    ),
    Migration(
        why="Every KIM budget to the cent: several funds per purpose (next year's translation "
        "fund beside this year's), expenses booked against any fund, interpreters' invoices "
        "as lines that are corrected by further lines and never overwritten (the completed "
        "requests' invoiced amounts become their first lines), and on requests the travel "
        "time, why a professional was asked for, and who cancelled.",
        statements=(
            "DROP INDEX funds_translation",
            "CREATE UNIQUE INDEX funds_purpose_start ON funds (purpose, starts_on) "
            "WHERE purpose != 'other'",
            """
            CREATE TABLE invoices (
                id INTEGER PRIMARY KEY,
                request_id INTEGER NOT NULL REFERENCES interpreter_requests (id),
                payee TEXT NOT NULL,
                number TEXT NOT NULL,
                invoiced_on TEXT NOT NULL,
                amount_cents INTEGER NOT NULL,
                corrects_id INTEGER REFERENCES invoices (id),
                reason TEXT,
                confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
                recorded_by INTEGER REFERENCES staff (telegram_id),
                recorded_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX invoices_request ON invoices (request_id)",
            """
            INSERT INTO invoices (request_id, payee, number, invoiced_on, amount_cents,
                recorded_by, recorded_at)
            SELECT id, '', '', substr(coalesce(decided_at, created_at), 1, 10), spent_cents,
                decided_by, coalesce(decided_at, created_at)
            FROM interpreter_requests WHERE status = 'completed'
            """,
            """
            CREATE TABLE expenses (
                id INTEGER PRIMARY KEY,
                fund_id INTEGER NOT NULL REFERENCES funds (id),
                amount_cents INTEGER NOT NULL,
                payee TEXT NOT NULL,
                voucher TEXT NOT NULL,
                purpose TEXT NOT NULL,
                category TEXT NOT NULL DEFAULT 'other',
                booked_on TEXT NOT NULL,
                corrects_id INTEGER REFERENCES expenses (id),
                overrun INTEGER NOT NULL DEFAULT 0 CHECK (overrun IN (0, 1)),
                booked_by INTEGER REFERENCES staff (telegram_id),
                booked_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX expenses_fund ON expenses (fund_id, booked_on)",
            "ALTER TABLE interpreter_requests ADD COLUMN travel_minutes INTEGER "
            "CHECK (travel_minutes BETWEEN 0 AND 480)",
            "ALTER TABLE interpreter_requests ADD COLUMN professional_reason TEXT",
            "ALTER TABLE interpreter_requests ADD COLUMN cancelled_by INTEGER "
            "REFERENCES staff (telegram_id)",
            "ALTER TABLE interpreter_requests ADD COLUMN cancelled_at TEXT",
        ),
    ),
    Migration(
        why="Invoices to the cent: the cancellation fee estimated when a request was cancelled "
        "is kept when the interpreter's invoice replaces it as what the request spent, so "
        "that invoice and corrections are checked against it; and a request has at most one "
        "invoice line that is no correction, also when an update is delivered twice.",
        statements=(
            "ALTER TABLE interpreter_requests ADD COLUMN cancellation_fee_cents INTEGER "
            "CHECK (cancellation_fee_cents >= 0)",
            "CREATE UNIQUE INDEX invoices_one_per_request ON invoices (request_id) "
            "WHERE corrects_id IS NULL",
        ),
    ),
    Migration(
        why="Expenses booked once: the message (chat and message id) a /spend or its overrun "
        "confirmation came from, so that the same update delivered again after a crash does "
        "not book the expense a second time.",
        statements=(
            "ALTER TABLE expenses ADD COLUMN source_chat_id INTEGER",
            "ALTER TABLE expenses ADD COLUMN source_message_id INTEGER",
            "CREATE UNIQUE INDEX expenses_source ON expenses (source_chat_id, source_message_id)",
        ),
    ),
    Migration(
        why="Staffing per building block (coordination and administration, case management, "
        "immigration and naturalisation office): funded and vacant positions in thousandths "
        "and the money per year in cents, as coordinators enter them, each valid from a date, "
        "so that a report for any date shows that date's staffing.",
        statements=(
            """
            CREATE TABLE staffing (
                id INTEGER PRIMARY KEY,
                block TEXT NOT NULL
                    CHECK (block IN ('coordination', 'case_management', 'offices')),
                valid_from TEXT NOT NULL,
                funded_permille INTEGER NOT NULL CHECK (funded_permille >= 0),
                vacant_permille INTEGER NOT NULL CHECK (vacant_permille >= 0),
                money_cents INTEGER NOT NULL CHECK (money_cents >= 0),
                set_by INTEGER REFERENCES staff (telegram_id),
                set_at TEXT NOT NULL,
                UNIQUE (block, valid_from)
            )
            """,
        ),
    ),
    Migration(
        why="Structural gaps follow the seed's method: a flag is reported, discussed, in "
        "progress with partners and actions, and closed with an outcome; each step keeps who "
        "and when, so that the figures count flags reported, discussed and closed in a "
        "period. Open flags become reported, closed ones stay closed.",
        statements=(
            "ALTER TABLE flags ADD COLUMN state TEXT NOT NULL DEFAULT 'reported' "
            "CHECK (state IN ('reported', 'discussed', 'in_progress', 'closed'))",
            "ALTER TABLE flags ADD COLUMN discussed_by INTEGER REFERENCES staff (telegram_id)",
            "ALTER TABLE flags ADD COLUMN discussed_at TEXT",
            "ALTER TABLE flags ADD COLUMN discussion TEXT",
            "ALTER TABLE flags ADD COLUMN progress_by INTEGER REFERENCES staff (telegram_id)",
            "ALTER TABLE flags ADD COLUMN progress_at TEXT",
            "ALTER TABLE flags ADD COLUMN actions TEXT",
            "UPDATE flags SET state = 'closed' WHERE closed_at IS NOT NULL",
            "CREATE INDEX flags_state ON flags (state, raised_at)",
        ),
    ),
    Migration(
        why="Case conferences and cross-case meetings: when, which teams took part (a bit per "
        "team, partners included), topics, minutes and agreements (sealed), and the families "
        "linked to each, with the follow-up date set for the recorder's own families. A link "
        "loses its family when the family is erased; the conference stays and is counted.",
        statements=(
            """
            CREATE TABLE conferences (
                id INTEGER PRIMARY KEY,
                held_on TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('case', 'cross_case')),
                participants INTEGER NOT NULL CHECK (participants > 0),
                partner_name TEXT NOT NULL DEFAULT '',
                topics INTEGER NOT NULL,
                minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 480),
                agreements TEXT NOT NULL DEFAULT '',
                recorded_by INTEGER NOT NULL REFERENCES staff (telegram_id),
                recorded_at TEXT NOT NULL,
                source_chat_id INTEGER,
                source_message_id INTEGER,
                UNIQUE (source_chat_id, source_message_id)
            )
            """,
            "CREATE INDEX conferences_held ON conferences (held_on)",
            "CREATE INDEX conferences_recorder ON conferences (recorded_by, held_on)",
            """
            CREATE TABLE conference_families (
                id INTEGER PRIMARY KEY,
                conference_id INTEGER NOT NULL REFERENCES conferences (id),
                family_id INTEGER REFERENCES families (id),
                follow_up_on TEXT,
                reminded_at TEXT
            )
            """,
            "CREATE INDEX conference_families_conference ON conference_families (conference_id)",
            "CREATE INDEX conference_families_family ON conference_families (family_id)",
        ),
    ),
    Migration(
        why="Cover for an absent colleague: a coordinator lets a case manager act for another "
        "from a first to a last day (Europe/Berlin), or ends it early; access is checked "
        "against these dates at each use. Audit lines (and the contacts' audit trigger) say "
        "in cover for whom an action was done; a contact remembers it too. Both people are "
        "told when a cover begins and when it is over, once (start_told_at, end_told_at).",
        statements=(
            """
            CREATE TABLE covers (
                id INTEGER PRIMARY KEY,
                covering_id INTEGER NOT NULL REFERENCES staff (telegram_id),
                absent_id INTEGER NOT NULL REFERENCES staff (telegram_id),
                starts_on TEXT NOT NULL,
                ends_on TEXT NOT NULL,
                set_by INTEGER REFERENCES staff (telegram_id),
                set_at TEXT NOT NULL,
                ended_by INTEGER REFERENCES staff (telegram_id),
                ended_at TEXT,
                start_told_at TEXT,
                end_told_at TEXT,
                CHECK (covering_id != absent_id),
                CHECK (starts_on <= ends_on)
            )
            """,
            "CREATE INDEX covers_covering ON covers (covering_id, ends_on)",
            "ALTER TABLE audit_log ADD COLUMN cover_for INTEGER",
            "ALTER TABLE contacts ADD COLUMN cover_for INTEGER REFERENCES staff (telegram_id)",
            "DROP TRIGGER contacts_audit",
            rollups.COVER_AUDIT_TRIGGER,
        ),
    ),
    Migration(
        why="Shares of a full-time position held with dates, so that /staffing for any date "
        "counts that date's shares and a change keeps the history: the share each person has "
        "now becomes valid from the day they were registered.",
        statements=(
            """
            CREATE TABLE fte_shares (
                id INTEGER PRIMARY KEY,
                staff_id INTEGER NOT NULL REFERENCES staff (telegram_id),
                valid_from TEXT NOT NULL,
                fte_permille INTEGER NOT NULL CHECK (fte_permille BETWEEN 0 AND 1000),
                set_by INTEGER REFERENCES staff (telegram_id),
                set_at TEXT NOT NULL,
                UNIQUE (staff_id, valid_from)
            )
            """,
            """
            INSERT INTO fte_shares (staff_id, valid_from, fte_permille, set_at)
            SELECT telegram_id, substr(created_at, 1, 10), fte_permille, created_at
            FROM staff WHERE fte_permille IS NOT NULL
            """,
            "ALTER TABLE staff DROP COLUMN fte_permille",
        ),
    ),
    Migration(
        why="Committee reports (/committee): the date each report was issued for, the first "
        "day of its period, who issued it and when, so that the next report compares with "
        "the figures recomputed for that date, not with stored numbers.",
        statements=(
            """
            CREATE TABLE committee_reports (
                id INTEGER PRIMARY KEY,
                as_of TEXT NOT NULL,
                first_day TEXT NOT NULL CHECK (first_day <= as_of),
                issued_by INTEGER NOT NULL REFERENCES staff (telegram_id),
                issued_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX committee_reports_as_of ON committee_reports (as_of)",
        ),
    ),
    Migration(
        why="Contacts are corrected after the undo window: the corrected contact replaces the "
        "old one under the same id (delete and insert in one transaction, so that the running "
        "totals' triggers take back the old figures and count the new ones). The re-inserted "
        "row is no new contact: while a correction runs, the one-row control table "
        "contact_correction names its contact, and the audit trigger writes no 'contact.create' "
        "for it (the correction writes its own line with old and new values). The trigger keeps "
        "writing in cover for whom a contact was logged (migration 15).",
        statements=(
            """
            CREATE TABLE contact_correction (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                contact_id INTEGER
            )
            """,
            "INSERT INTO contact_correction (id, contact_id) VALUES (1, NULL)",
            "DROP TRIGGER contacts_audit",
            """
            CREATE TRIGGER contacts_audit AFTER INSERT ON contacts
            WHEN NEW.id IS NOT (SELECT contact_id FROM contact_correction WHERE id = 1)
            BEGIN
                INSERT INTO audit_log (at, actor_id, action, subject, detail, cover_for)
                VALUES (NEW.created_at, NEW.staff_id, 'contact.create',
                        printf('F-%04d', NEW.family_id), NEW.id, NEW.cover_for);
            END
            """,
        ),
    ),
    Migration(
        why="Families change: a move, a new benefit system, closing and reopening take effect "
        "from a day, so that the figures of any date count a family and its contacts with the "
        "town, benefit system and state valid then. family_changes keeps that history (begun "
        "from each family's row as it is now); contact_days counts by benefit system too; "
        "caseload_days counts the active families per day (see rollups.py).",
        statements=(
            rollups.FAMILY_CHANGES,
            rollups.FAMILY_CHANGES_INDEX,
            *rollups.FAMILY_CHANGES_BACKFILL,
            "DROP TRIGGER contacts_rollup_insert",
            "DROP TRIGGER contacts_rollup_delete",
            "DROP TABLE contact_days",
            rollups.CONTACT_DAYS,
            rollups.CASELOAD_DAYS,
            rollups.REBUILD_CONTACT_DAYS,
            rollups.REBUILD_CASELOAD_DAYS,
            *rollups.CONTACT_TRIGGERS,
            *rollups.FAMILY_TRIGGERS,
        ),
    ),
    Migration(
        why="The figures of a month, a year or a committee report read months, not days: "
        "contact_months and caseload_months add up contact_days and caseload_days per month, "
        "kept by triggers on the day tables in the same statement as every change of a day "
        "(see rollups.py). /year at state size read 60,000 daily rows; it now reads twelve "
        "months' rows, and the active families on a day no longer add up every day since the "
        "first family. Reopened families are looked for among the families closed before.",
        statements=(
            rollups.CONTACT_MONTHS,
            rollups.CASELOAD_MONTHS,
            *rollups.REBUILD_MONTHS[2:],
            *rollups.MONTH_TRIGGERS,
            # Reopened families: only families closed before can be; few are.
            "CREATE INDEX family_changes_closed ON family_changes (family_id, valid_from) "
            "WHERE NOT active",
        ),
    ),
    Migration(
        why="Every figure at state size in milliseconds (issue 13). contact_periods adds up "
        "contact_days per ISO week and per year, kept by triggers on contact_days in the same "
        "statement as every change of a day (see rollups.py): a week's or a year's figures "
        "read that period's rows alone. The money spent in a period is found by the moment it "
        "was booked (invoices_recorded, and requests_spent_at for cancellation fees no invoice "
        "has replaced) instead of reading every invoice and request; each period's most active "
        "people are read in order (staff_periods_ranked) instead of sorting everyone.",
        statements=(
            rollups.CONTACT_PERIODS,
            *rollups.REBUILD_PERIODS[1:],
            *rollups.PERIOD_TRIGGERS,
            "CREATE INDEX invoices_recorded ON invoices (recorded_at, request_id, amount_cents)",
            # The expression and the condition are those of SPENDING_MOMENTS (storage/funds.py).
            "CREATE INDEX requests_spent_at ON interpreter_requests "
            "(coalesce(cancelled_at, decided_at, created_at), requested_by, fund_id, spent_cents) "
            "WHERE spent_cents != 0",
            "CREATE INDEX staff_periods_ranked ON staff_periods (period, contacts DESC, staff_id)",
        ),
    ),
    Migration(
        why="/caseload reads each case manager's active families from caseloads, kept by "
        "triggers on families in the same statement as every registration, closing, reopening "
        "and transfer (see rollups.py), instead of grouping every active family: at 10 × "
        "state size it took 13.6 × its state-size time. An index serves the largest first.",
        statements=(
            rollups.CASELOADS,
            rollups.CASELOADS_INDEX,
            *rollups.REBUILD_CASELOADS[1:],
            *rollups.CASELOAD_TRIGGERS,
        ),
    ),
    Migration(
        why="The figures of a week, month or year stay as fast at ten times a state's size "
        "(issue 13): what they counted over every person, family or change of the period is "
        "kept per period by triggers (see rollups.py). team_periods: people, contacts and "
        "minutes per team (the team each person is in now, moved along when a person changes "
        "team); family_periods: families opened, closed and reopened; caseload_totals: the "
        "caseloads added up for /caseload.",
        statements=(
            rollups.TEAM_PERIODS,
            rollups.FAMILY_PERIODS,
            rollups.CASELOAD_TOTALS,
            *rollups.REBUILD_PERIOD_COUNTS[1::2],
            *rollups.TEAM_TRIGGERS,
            *rollups.FAMILY_PERIOD_TRIGGERS,
            *rollups.CASELOAD_TOTALS_TRIGGERS,
        ),
    ),
)
