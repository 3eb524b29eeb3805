"""How casework records read in a chat: plain functions over stored records."""

from __future__ import annotations

import html
from datetime import date

from bot.i18n import (
    _,
    country_name,
    format_date,
    format_items,
    format_minutes,
    language_name,
)
from bot.parsing import FamilyDraft
from bot.storage import Contact, Family, Flag, StaffMember


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
