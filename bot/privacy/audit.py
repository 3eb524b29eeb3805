"""Reviewing the audit log: what each action code means, a line for the chat, a sheet for
Excel, and the filter typed after /audit."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.support import LazyProxy

from bot.core.i18n import _, format_date, format_datetime, lazy_gettext
from bot.core.parsing import ParseError, parse_full_date
from bot.core.text import shorten
from bot.privacy.workbook import Sheet, workbook_bytes

EXAMPLE = "/audit @anna_kim 01.11.2026 30.11.2026"
# A word after /audit that asks for the workbook instead of the chat.
WORKBOOK_WORD = "xlsx"
# The shape of a family code; handlers read it with parse_family_code.
_FAMILY_CODE = re.compile(r"^F-?[0-9]+$", re.IGNORECASE)

# Every action the bot records (tests/test_audit.py checks that none is missing).
ACTION_LABELS: dict[str, LazyProxy] = {
    "access.refused_unknown": lazy_gettext("Refused: not registered"),
    "access.refused_revoked": lazy_gettext("Refused: access revoked"),
    "access.refused_shared_chat": lazy_gettext("Refused: group chat"),
    "access.denied_command": lazy_gettext("Command not allowed for the role"),
    "audit.view": lazy_gettext("Audit log viewed"),
    "audit.export": lazy_gettext("Audit log exported"),
    "backup.create": lazy_gettext("Database backed up"),
    "contact.create": lazy_gettext("Contact logged"),
    "conference.record": lazy_gettext("Case conference or meeting recorded"),
    "conference.link": lazy_gettext("Family linked to a case conference"),
    "conference.link_refused": lazy_gettext(
        "Family code refused for a case conference (unknown or closed)"
    ),
    "contact.undo": lazy_gettext("Contact undone"),
    "contact.correct": lazy_gettext("Contact corrected"),
    "dataexport": lazy_gettext("Family data exported (Art. 15)"),
    "export": lazy_gettext("Casework exported"),
    "family.create": lazy_gettext("Family registered"),
    "family.view": lazy_gettext("Family viewed"),
    "family.denied": lazy_gettext("Family refused: not in caseload"),
    "family.consent": lazy_gettext("Consent recorded"),
    "family.close": lazy_gettext("Family closed"),
    "family.edit": lazy_gettext("Family changed"),
    "family.consent_withdrawn": lazy_gettext("Consent withdrawn"),
    "family.reopen": lazy_gettext("Family reopened"),
    "family.transfer": lazy_gettext("Family transferred"),
    "flag.raise": lazy_gettext("Structural gap reported"),
    "flag.close": lazy_gettext("Structural gap closed"),
    "flag.discuss": lazy_gettext("Structural gap discussed"),
    "flag.progress": lazy_gettext("Structural gap in progress with partners"),
    "flags.view": lazy_gettext("Structural gaps viewed"),
    "flags.export": lazy_gettext("Structural gaps exported as a workbook"),
    "fund.create": lazy_gettext("Fund created"),
    "fund.amount": lazy_gettext("Fund amount changed"),
    "fund.end": lazy_gettext("Fund end changed"),
    "expense.book": lazy_gettext("Expense booked"),
    "expense.correct": lazy_gettext("Expense corrected"),
    "proof": lazy_gettext("Proof of spending exported"),
    "rates.change": lazy_gettext("Rate changed"),
    "request.submit": lazy_gettext("Interpreter request submitted"),
    "request.approve": lazy_gettext("Interpreter request approved"),
    "request.rejected": lazy_gettext("Interpreter request rejected"),
    "request.completed": lazy_gettext("Interpreter request invoiced"),
    "request.cancelled": lazy_gettext("Interpreter request cancelled"),
    "invoice.cancellation": lazy_gettext("Cancellation invoice recorded"),
    "invoice.correct": lazy_gettext("Invoice corrected"),
    "request.outside_period": lazy_gettext("Interpreter request charged to a later fund"),
    "invitation.create": lazy_gettext("Invitation created"),
    "invitation.redeem": lazy_gettext("Invitation redeemed"),
    "invitation.refused": lazy_gettext("Invitation refused"),
    "staff.bootstrap_admin": lazy_gettext("Admin created at start"),
    "staff.language": lazy_gettext("Language changed"),
    "staff.revoke": lazy_gettext("Access revoked"),
    "staff.fte": lazy_gettext("Full-time share set"),
    "staffing.change": lazy_gettext("Staffing of a building block changed"),
    "cover.set": lazy_gettext("Cover for an absent colleague set"),
    "cover.end": lazy_gettext("Cover for an absent colleague ended early"),
    "committee.issue": lazy_gettext("Committee report issued"),
    "translation.personal_data_sent": lazy_gettext("Translated despite personal data"),
    "contact.personal_data_kept": lazy_gettext("Note saved despite personal data"),
    "flag.personal_data_kept": lazy_gettext("Flag text saved despite personal data"),
    "conference.personal_data_kept": lazy_gettext("Conference text saved despite personal data"),
    "request.personal_data_kept": lazy_gettext("Rejection reason saved despite personal data"),
    "request.professional_reason_kept": lazy_gettext(
        "Reason for a professional interpreter saved despite personal data"
    ),
    "invoice.personal_data_kept": lazy_gettext("Correction reason saved despite personal data"),
    "family.personal_data_kept": lazy_gettext("Close reason saved despite personal data"),
    "expense.personal_data_kept": lazy_gettext("Expense purpose saved despite personal data"),
    "data_key.rotate": lazy_gettext("Encryption key rotated"),
    "family.erase": lazy_gettext("Family's personal data erased"),
    "staff.pseudonymise": lazy_gettext("Former staff member pseudonymised"),
}


def action_label(action: str) -> str:
    """The readable action; a code from a newer or older bot shows as itself."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


@dataclass(frozen=True)
class AuditLine:
    """One line of the audit log, with the actor's name as the staff table has it now."""

    id: int
    at: datetime
    actor_id: int | None
    actor_username: str | None
    actor_name: str | None
    action: str
    subject: str | None
    detail: str | None
    # The absent colleague the actor acted for under a cover (bot/staff/cover.py), if any.
    cover_for_id: int | None = None
    cover_for_username: str | None = None
    cover_for_name: str | None = None

    @property
    def actor(self) -> str:
        """@username, else the first name, else the id; "–" for the bot itself."""
        return _person(self.actor_id, self.actor_username, self.actor_name)

    @property
    def in_cover_for(self) -> str | None:
        """The colleague the actor acted for under a cover, named as the actor is."""
        if self.cover_for_id is None:
            return None
        return _person(self.cover_for_id, self.cover_for_username, self.cover_for_name)


def _person(telegram_id: int | None, username: str | None, name: str | None) -> str:
    if username:
        return f"@{username}"
    if name:
        return name
    return str(telegram_id) if telegram_id is not None else "–"


def audit_line(line: AuditLine, tz: ZoneInfo) -> str:
    """One line for the chat, in local time; everything stored is escaped."""
    actor = html.escape(line.actor)
    if line.in_cover_for is not None:
        actor = _("{actor} in cover for {absent}").format(
            actor=actor, absent=html.escape(line.in_cover_for)
        )
    parts = [
        format_datetime(line.at.astimezone(tz)),
        actor,
        f"<b>{html.escape(action_label(line.action))}</b>",
    ]
    if line.subject:
        parts.append(html.escape(shorten(line.subject, 40)))
    if line.detail:
        parts.append(html.escape(shorten(line.detail, 80)))
    return " · ".join(parts)


def audit_sheet(lines: Sequence[AuditLine], tz: ZoneInfo, title: str | None = None) -> Sheet:
    """The lines as a sheet: local time as a real date cell, codes and labels both."""
    return Sheet(
        title=title or _("Audit log"),
        headers=(
            _("Time"),
            _("Staff ID"),
            _("Staff"),
            _("Action code"),
            _("Action"),
            _("Subject"),
            _("Detail"),
            _("In cover for"),
        ),
        widths=(18, 12, 20, 26, 34, 14, 50, 20),
        rows=[
            (
                line.at.astimezone(tz).replace(tzinfo=None),
                line.actor_id,
                line.actor,
                line.action,
                action_label(line.action),
                line.subject,
                line.detail,
                line.in_cover_for,
            )
            for line in lines
        ],
    )


def audit_workbook(lines: Sequence[AuditLine], tz: ZoneInfo, title: str) -> bytes:
    return workbook_bytes(title, [audit_sheet(lines, tz)])


@dataclass(frozen=True)
class AuditQuery:
    """What /audit was asked for: a person (as typed), a family (as typed), days, a file."""

    person: str | None = None
    family: str | None = None
    first: date | None = None
    last: date | None = None
    workbook: bool = False


def parse_audit_query(args: Sequence[str]) -> AuditQuery:
    """`[@user | F-0042] [from] [to] [xlsx]`, in any order; days as 01.11.2026 or 2026-11-01,
    a person also by Telegram id."""
    person = family = None
    days: list[date] = []
    workbook = False
    for word in args:
        if word.lower() == WORKBOOK_WORD:
            workbook = True
        elif _FAMILY_CODE.match(word):
            if family is not None or person is not None:
                raise _one_subject()
            family = word
        elif word[:1].isdigit() and not word.isdigit():
            if len(days) == 2:
                raise ParseError(
                    _("At most two days, the first and the last. Example: {example}").format(
                        example=EXAMPLE
                    )
                )
            days.append(parse_full_date(word, EXAMPLE))
        else:
            if family is not None or person is not None:
                raise _one_subject()
            person = word
    first = days[0] if days else None
    last = days[1] if len(days) == 2 else None
    if first and last and first > last:
        raise ParseError(
            _("The period would start on {first}, after its end on {last}. Example: {example}")
            .format(first=format_date(first), last=format_date(last), example=EXAMPLE)
        )  # fmt: skip
    return AuditQuery(person, family, first, last, workbook)


def _one_subject() -> ParseError:
    return ParseError(
        _("One person or one family at a time. Examples: {example}, /audit F-0042").format(
            example=EXAMPLE
        )
    )


def describe_query(person: str | None, family: str | None, first: date | None,
                   last: date | None) -> str:  # fmt: skip
    """The filter in words for the heading and the audit's own line; '' for everything."""
    parts = [part for part in (person, family) if part]
    if first or last:
        parts.append(f"{first.isoformat() if first else '…'}..{last.isoformat() if last else '…'}")
    return " ".join(parts)
