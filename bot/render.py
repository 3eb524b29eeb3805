"""How casework records read in a chat: plain functions over stored records."""

from __future__ import annotations

import html
from datetime import date, datetime

from bot.i18n import (
    _,
    country_name,
    format_date,
    format_datetime,
    format_items,
    format_minutes,
    format_money,
    language_name,
    lazy_gettext,
)
from bot.interpreting import Mode, RequestDraft
from bot.parsing import FamilyDraft, family_code
from bot.storage import Contact, Family, Flag, InterpreterRequest, StaffMember
from bot.storage.interpreting import Status


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def family_line(family: Family) -> str:
    """One line of a caseload list."""
    last = format_date(family.last_contact_on) if family.last_contact_on else _("no contact yet")
    consent = "" if family.consent_on else " ⚠"
    return (
        _("{code} · {town} · {origin} · last contact: {last}").format(
            code=family.code, town=family.town, origin=country_name(family.origin), last=last
        )
        + consent
    )


def _facts(family: Family | FamilyDraft) -> list[str]:
    """What a family record says, stored or not yet."""
    return [
        _("Town: {town}").format(town=family.town),
        _("Country of origin: {country}").format(country=country_name(family.origin)),
        _("Household: {count}").format(count=family.household_size),
        _("Languages: {languages}").format(
            languages=format_items([language_name(code) for code in family.languages])
        ),
        _("Fled the war in Ukraine: {answer}").format(answer=yes_no(family.fled_ukraine)),
        _("Benefit system: {system}").format(
            system=family.benefit_system.label if family.benefit_system else _("not recorded")
        ),
    ]


def draft_summary(draft: FamilyDraft) -> str:
    """A family before it is stored, for confirming the dialog."""
    consent = _("Written consent: {answer}").format(answer=yes_no(draft.consent))
    return "\n".join([*_facts(draft), consent])


def family_card(family: Family, case_manager: StaffMember | None) -> str:
    """The record of one family, as /family shows it."""
    lines = [
        (
            _("<b>Family {code}</b> (active)")
            if family.active
            else _("<b>Family {code}</b> (closed)")
        ).format(code=family.code),
        *_facts(family),
        consent_line(family),
        _("Opened: {date}").format(date=format_date(family.opened_on)),
    ]
    if family.closed_on:
        reason = f" ({html.escape(family.close_reason)})" if family.close_reason else ""
        lines.append(_("Closed: {date}").format(date=format_date(family.closed_on)) + reason)
    if case_manager is not None:
        lines.append(_("Case manager: {name}").format(name=html.escape(case_manager.handle)))
    return "\n".join(lines)


def consent_line(family: Family) -> str:
    if family.consent_on:
        return _("Written consent: given on {date}").format(date=format_date(family.consent_on))
    return _("⚠ Written consent to case management is not recorded yet: /consent {code}").format(
        code=family.code
    )


def contact_line(contact: Contact) -> str:
    topics = format_items([topic.label for topic in contact.topics])
    line = _("{date}: {type}, {duration} – {topics}").format(
        date=format_date(contact.contact_on),
        type=contact.contact_type.label,
        duration=format_minutes(contact.minutes),
        topics=topics,
    )
    if contact.referral:
        line += " · " + _("referred to {service}").format(service=contact.referral.label)
    if contact.follow_up_on:
        line += " · " + _("follow-up {date}").format(date=format_date(contact.follow_up_on))
    if contact.note:
        line += f"\n   <i>{html.escape(_shorten(contact.note, 120))}</i>"
    return line


def flag_line(flag: Flag, raised_on: date) -> str:
    return _("#{id} {code} · {category} · {date}: {text}").format(
        id=flag.id,
        code=flag.family_code,
        category=flag.category.label,
        date=format_date(raised_on),
        text=html.escape(_shorten(flag.description, 200)),
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_STATUS_LABELS = {
    Status.REQUESTED: lazy_gettext("requested"),
    Status.OVER_BUDGET: lazy_gettext("over budget, awaiting decision"),
    Status.APPROVED: lazy_gettext("approved"),
    Status.REJECTED: lazy_gettext("rejected"),
    Status.COMPLETED: lazy_gettext("invoiced"),
    Status.CANCELLED: lazy_gettext("cancelled"),
}


def status_label(status: Status) -> str:
    return str(_STATUS_LABELS[status])


def when_text(mode: Mode, starts_at: datetime) -> str:
    """When it happens: date and time, or the due date of a written translation."""
    if mode is Mode.WRITTEN:
        return _("due {date}").format(date=format_date(starts_at.date()))
    return format_datetime(starts_at)


def request_details(request: RequestDraft | InterpreterRequest, starts_at: datetime) -> list[str]:
    """What a request is about, for the confirmation and the coordinators; local `starts_at`."""
    where = f", {request.town}" if request.town else ""
    lines = [
        _("Language: {language}").format(language=language_name(request.language)),
        _("Kind: {mode}").format(mode=request.mode.label + where),
        _("When: {when}").format(when=when_text(request.mode, starts_at)),
        _("Purpose: {purpose}").format(purpose=request.purpose.label),
    ]
    if request.minutes:
        lines.append(
            _("Expected duration: {duration}").format(duration=format_minutes(request.minutes))
        )
    if request.pages:
        lines.append(_("Pages: {count}").format(count=request.pages))
    if request.family_id:
        lines.append(_("Family: {code}").format(code=family_code(request.family_id)))
    return lines


def request_line(request: InterpreterRequest, starts_at: datetime) -> str:
    """One request in a list; `starts_at` in local time."""
    where = f" {request.town}" if request.town else ""
    amount = request.spent_cents if request.status is Status.COMPLETED else request.estimate_cents
    line = _(
        "#{id} · {when} · {language} · {mode}{where} · {purpose} · {amount} · {status}"
    ).format(
        id=request.id,
        when=when_text(request.mode, starts_at),
        language=language_name(request.language),
        mode=request.mode.label,
        where=where,
        purpose=request.purpose.label,
        amount=format_money(amount),
        status=status_label(request.status),
    )
    return line + (" ⚡" if request.urgent and request.open else "")
