"""Retention and erasure: what goes when, and what stays for the figures.

A family closed longer than RETENTION_MONTHS, or named in /forget (GDPR Art. 17), loses
every detail that describes the people in it; its row and its contacts stay, reduced to
what the figures count, so that every figure ever reported reads the same afterwards.

Erased (set to '' or NULL, never deleted):
- contacts: note, referral, follow-up date and when it was reminded;
- flags: description, discussion note, partners and actions, and outcome (category, state
  and dates stay: flags reported, discussed and closed);
- interpreter requests: the reason of a decision and why a professional was asked for (the
  purpose is one of a fixed list and stays, as do language, money and dates: the costs are
  reported by them);
- the family: household size, languages, benefit system, consent date and close reason;
- case conferences linked to the family: the link (and the follow-up date set there) and the
  conference's agreements, which may describe any family linked; the conference itself
  stays, with its day, kind, teams, topics and minutes (the figures count it).

Kept: the family code, town, country of origin (a reported figure, for the county to
confirm: docs/DATA_PROTECTION.md), whether the family fled from Ukraine, opened and closed
dates and case manager (the figures count by them), the dated history of town, benefit
system and state (family_changes: the figures of any date count by it), and each contact's
day, person, type, minutes and topics. Nothing of this names a person; the key from code to
person is the paper file outside the bot.

Staff who left keep their Telegram id (their contacts and the audit still count by it)
but lose username and display name to a pseudonym after the same period.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.i18n import _, format_date, ngettext

# The reasons an audit line gives for an erasure: never what was erased.
BY_RETENTION = "retention"
BY_REQUEST = "request"


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier; the 31st becomes the month's last day."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def instant_months_before(moment: datetime, months: int) -> datetime:
    """The same time of day `months` months earlier (see `months_before`)."""
    earlier = months_before(moment.date(), months)
    return moment.replace(year=earlier.year, month=earlier.month, day=earlier.day)


@dataclass(frozen=True)
class RetentionCutoffs:
    """What the retention job erases today; None where that retention is switched off."""

    # Families closed before this day (closed longer than the retention period).
    families_closed_before: date | None
    # Staff deactivated before this instant.
    staff_revoked_before: datetime | None
    # Audit lines written before this instant.
    audit_before: datetime | None


def retention_cutoffs(
    now_local: datetime, retention_months: int, audit_retention_months: int
) -> RetentionCutoffs:
    """The cut-offs seen from `now_local` (local time: a closing date is a local day).

    0 months means "never": nothing is erased automatically (/forget still works).
    """
    kept = retention_months > 0
    return RetentionCutoffs(
        families_closed_before=months_before(now_local.date(), retention_months) if kept else None,
        staff_revoked_before=instant_months_before(now_local, retention_months) if kept else None,
        audit_before=(
            instant_months_before(now_local, audit_retention_months)
            if audit_retention_months > 0
            else None
        ),
    )


@dataclass(frozen=True)
class ErasurePreview:
    """What erasing one family would remove: shown before an admin confirms /forget."""

    family_code: str
    closed_on: date | None
    erased_at: datetime | None
    notes: int
    referrals: int
    follow_ups: int
    flag_texts: int
    request_reasons: int
    # Links to case conferences (each takes the conference's agreements with it).
    conference_links: int = 0

    @property
    def closed(self) -> bool:
        return self.closed_on is not None

    @property
    def already_erased(self) -> bool:
        return self.erased_at is not None


@dataclass(frozen=True)
class RetentionRun:
    """What one run of the retention job did, for the log."""

    families: int
    staff: int
    audit_lines: int
    # Sources of undone contacts, kept only while their update could come again.
    undone_sources: int = 0


def former_staff_name(number: int) -> str:
    """The pseudonym of a person who left, numbered in the order they were pseudonymised."""
    return _("Former staff {number}").format(number=number)


def forget_question(preview: ErasurePreview) -> str:
    """The confirmation /forget asks for: exactly what will go, and what stays."""
    lines = [
        _("<b>Erase the personal data of {code}?</b>").format(code=preview.family_code),
        _("Closed on {date}.").format(date=format_date(preview.closed_on)),
        "",
        _("This will be erased at once and cannot be restored:"),
    ]
    counted = (
        (
            preview.notes,
            ngettext("{count} contact note", "{count} contact notes", preview.notes),
        ),
        (
            preview.referrals,
            ngettext("{count} referral", "{count} referrals", preview.referrals),
        ),
        (
            preview.follow_ups,
            ngettext("{count} follow-up date", "{count} follow-up dates", preview.follow_ups),
        ),
        (
            preview.flag_texts,
            ngettext(
                "{count} structural-gap flag text (description and outcome)",
                "{count} structural-gap flag texts (description and outcome)",
                preview.flag_texts,
            ),
        ),
        (
            preview.request_reasons,
            ngettext(
                "{count} reason given on an interpreter request (a rejection or why a "
                "professional)",
                "{count} reasons given on interpreter requests (rejections or why a professional)",
                preview.request_reasons,
            ),
        ),
        (
            preview.conference_links,
            ngettext(
                "{count} link to a case conference, with the conference's agreements (the "
                "conference itself stays counted)",
                "{count} links to case conferences, with the conferences' agreements (the "
                "conferences themselves stay counted)",
                preview.conference_links,
            ),
        ),
    )
    lines += [f"• {text.format(count=count)}" for count, text in counted if count]
    lines.append(
        "• "
        + _(
            "the household details: household size, languages, benefit system, consent "
            "date and close reason"
        )
    )
    lines += [
        "",
        _(
            "Kept, without anything that names a person: the code, town, country of origin, "
            "Ukraine flag, opening and closing dates, and each contact's date, type, duration "
            "and topics, so that all figures stay as reported."
        ),
    ]
    return "\n".join(lines)
