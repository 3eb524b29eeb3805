"""Changing a family's record: what can change, the /editfamily form, from which day, texts.

Town and benefit system are what the figures count by, so their changes are dated: they
hold from a day (today, or a day typed after "from" since the last change), and contacts
before it still count for the old values. Household size, languages and consent are no
figures' key; they change as of now. Reopening makes a closed family active again today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.casework.families import (
    Family,
    consent_already_recorded,
    parse_family_code,
    parse_household_size,
    parse_languages,
    parse_town,
)
from bot.casework.vocabulary import BenefitSystem
from bot.core.i18n import _, format_date, format_items, language_name, lazy_gettext
from bot.core.parsing import ParseError, looks_like_full_date, parse_full_date, quoted
from bot.core.terms import Term, define_terms, join_phrases
from bot.core.text import yes_no

EDIT_EXAMPLE = "/editfamily F-0042 ort Beckum"
DATED_EXAMPLE = "/editfamily F-0042 rechtskreis SGB II ab 01.11.2026"


class FamilyField(Term):
    """What /editfamily changes."""

    TOWN = "town"
    HOUSEHOLD = "household"
    LANGUAGES = "languages"
    BENEFIT = "benefit"
    CONSENT = "consent"
    REOPEN = "reopen"

    @property
    def dated(self) -> bool:
        """The figures count by it: the change holds from a day."""
        return self in (FamilyField.TOWN, FamilyField.BENEFIT)


define_terms(
    labels={
        FamilyField.TOWN: lazy_gettext("Town"),
        FamilyField.HOUSEHOLD: lazy_gettext("Household size"),
        FamilyField.LANGUAGES: lazy_gettext("Languages"),
        FamilyField.BENEFIT: lazy_gettext("Benefit system"),
        FamilyField.CONSENT: lazy_gettext("Written consent"),
        FamilyField.REOPEN: lazy_gettext("Reopen"),
    },
    words={
        FamilyField.TOWN: ("town", "ort", "wohnort", "stadt", "gemeinde", "місто", "громада"),
        FamilyField.HOUSEHOLD: (
            "size",
            "household",
            "größe",
            "groesse",
            "haushalt",
            "haushaltsgröße",
            "personen",
            "розмір",
            "домогосподарство",
            "особи",
        ),
        FamilyField.LANGUAGES: ("languages", "language", "sprachen", "sprache", "мови", "мова"),
        FamilyField.BENEFIT: (
            "benefit",
            "benefits",
            "benefit system",
            "rechtskreis",
            "leistungen",
            "leistungsbezug",
            "правова система",
            "виплати",
            "допомога",
        ),
        FamilyField.CONSENT: ("consent", "einwilligung", "ew", "згода"),
        FamilyField.REOPEN: (
            "reopen",
            "wiederaufnehmen",
            "wiederaufnahme",
            "wiedereröffnen",
            "öffnen",
            "відновити",
            "відкрити",
        ),
    },
)

_YES = {"yes", "ja", "j", "given", "erteilt", "gegeben", "так", "є"}
_NO = {"no", "nein", "n", "withdrawn", "widerrufen", "zurückgezogen", "ні", "відкликано"}
_FROM = {"from", "ab", "seit", "від", "з"}


@dataclass(frozen=True)
class FamilyChange:
    """One row of a family's history: its town, benefit system and state from a day on."""

    valid_from: date
    town: str
    benefit_system: BenefitSystem | None
    active: bool
    fled_ukraine: bool


@dataclass
class FamilyEdit:
    """One change of a family's record, filled by the one-line form or the dialog."""

    family_id: int = 0
    field: FamilyField | None = None
    town: str | None = None
    household_size: int | None = None
    languages: tuple[str, ...] = ()
    benefit_system: BenefitSystem | None = None
    consent: bool | None = None
    # The day a dated change holds from; None: today.
    valid_from: date | None = None


def parse_edit_family(arguments: str, towns: tuple[str, ...]) -> FamilyEdit:
    """`F-0042 town Beckum`, `… size 5`, `… languages uk,ru`, `… benefit SGB II [from
    01.11.2026]`, `… consent yes|no`, `F-0042 reopen`."""
    tokens = join_phrases(arguments).split()
    if not tokens:
        raise ParseError(_("Which family? Example: {example}").format(example=EDIT_EXAMPLE))
    family_id = parse_family_code(tokens[0])
    if len(tokens) < 2:
        raise ParseError(_what_to_change())
    field = FamilyField.parse(tokens[1])
    if not isinstance(field, FamilyField):
        raise ParseError(
            _("I did not understand “{word}”.").format(word=quoted(tokens[1]))
            + " "
            + _what_to_change()
        )
    values, valid_from = _split_from(tokens[2:], field)
    edit = FamilyEdit(family_id=family_id, field=field, valid_from=valid_from)
    if field is FamilyField.REOPEN:
        if values:
            raise ParseError(_("Reopening needs nothing more. Example: /editfamily F-0042 reopen"))
        return edit
    if not values:
        raise ParseError(_missing_value(field))
    _read_value(edit, field, values, towns)
    return edit


def _split_from(tokens: list[str], field: FamilyField) -> tuple[list[str], date | None]:
    """The value's words and the day after "from", if one is given."""
    if not field.dated:
        # "ab" is also a language (Abkhaz): only "ab 01.11.2026" at the end is a day.
        if len(tokens) >= 2 and tokens[-2].lower() in _FROM and looks_like_full_date(tokens[-1]):
            raise ParseError(
                _(
                    "Only a move and a change of benefit system can hold from an earlier day; "
                    "{field} changes as of today. Example: {example}"
                ).format(field=field.label, example=DATED_EXAMPLE)
            )
        return tokens, None
    at = next((i for i, token in enumerate(tokens) if token.lower() in _FROM), None)
    if at is None:
        return tokens, None
    if at + 2 != len(tokens):
        raise ParseError(
            _("“{word}” needs one date with its year after it. Example: {example}").format(
                word=quoted(tokens[at]), example=DATED_EXAMPLE
            )
        )
    return tokens[:at], parse_full_date(tokens[at + 1], "01.11.2026")


def _read_value(
    edit: FamilyEdit, field: FamilyField, values: list[str], towns: tuple[str, ...]
) -> None:
    text = " ".join(values)
    if field is FamilyField.TOWN:
        edit.town = parse_town(text, towns)
    elif field is FamilyField.HOUSEHOLD:
        edit.household_size = parse_household_size(text)
    elif field is FamilyField.LANGUAGES:
        edit.languages = parse_languages("".join(values))
    elif field is FamilyField.BENEFIT:
        system = BenefitSystem.parse(text)
        if not isinstance(system, BenefitSystem):
            raise ParseError(
                _(
                    "“{text}” is not a benefit system. Give SGB II, SGB XII, AsylbLG or keine. "
                    "Example: {example}"
                ).format(text=quoted(text), example=DATED_EXAMPLE)
            )
        edit.benefit_system = system
    elif text.lower() in _YES | _NO:
        edit.consent = text.lower() in _YES
    else:
        raise ParseError(
            _(
                "“{text}” is neither yes nor no. Examples: /editfamily F-0042 einwilligung ja, "
                "/editfamily F-0042 einwilligung nein"
            ).format(text=quoted(text))
        )


def _what_to_change() -> str:
    return _(
        "What should change? town, size, languages, benefit, consent or reopen. "
        "Example: {example}, or /editfamily F-0042 alone for buttons."
    ).format(example=EDIT_EXAMPLE)


def _missing_value(field: FamilyField) -> str:
    examples = {
        FamilyField.TOWN: EDIT_EXAMPLE,
        FamilyField.HOUSEHOLD: "/editfamily F-0042 größe 5",
        FamilyField.LANGUAGES: "/editfamily F-0042 sprachen uk,ru",
        FamilyField.BENEFIT: DATED_EXAMPLE,
        FamilyField.CONSENT: "/editfamily F-0042 einwilligung ja",
    }
    return _("What is the new value? Example: {example}").format(example=examples[field])


def check_valid_from(day: date, family: Family, last_change_on: date, today: date) -> None:
    """A dated change holds from a day between the last change (or the intake) and today."""
    example = DATED_EXAMPLE.replace("01.11.2026", f"{today:%d.%m.%Y}")
    if day > today:
        raise ParseError(
            _("{date} is in the future: a change holds from today or an earlier day. "
              "Example: {example}").format(date=format_date(day), example=example)
        )  # fmt: skip
    if day < family.opened_on:
        raise ParseError(
            _("{date} is before the intake of {code} on {opened}. Example: {example}").format(
                date=format_date(day), code=family.code, opened=format_date(family.opened_on),
                example=example,
            )
        )  # fmt: skip
    if day < last_change_on:
        raise ParseError(
            _("{date} is before the last change of {code}, on {changed}: a change holds from "
              "that day or later. Example: {example}").format(
                date=format_date(day), code=family.code, changed=format_date(last_change_on),
                example=example,
            )
        )  # fmt: skip


def unchangeable(family: Family) -> str | None:
    """Why nothing of this family can change any more, or None."""
    if family.erased_at is None:
        return None
    return _(
        "The personal data of {code} were erased on {date}: it can no longer be changed. "
        "Register the family again with /newfamily."
    ).format(code=family.code, date=format_date(family.erased_at))


def refusal(family: Family, edit: FamilyEdit) -> str | None:
    """Why the change cannot be made to this family, or None."""
    if why := unchangeable(family):
        return why
    if edit.field is FamilyField.REOPEN:
        if family.active:
            return _("{code} is active: there is nothing to reopen.").format(code=family.code)
        return None
    if not family.active:
        return _("{code} was closed on {date}. Reopen it first: /editfamily {code} reopen").format(
            code=family.code, date=format_date(family.closed_on)
        )
    if edit.field is FamilyField.CONSENT:
        if edit.consent:
            return consent_already_recorded(family)
        if family.consent_on is None:
            return _("Written consent of {code} is not recorded: there is nothing to "
                     "withdraw.").format(code=family.code)  # fmt: skip
    if old_value(family, edit) == new_value(edit):
        return _("Nothing to change: {field} of {code} is already {value}.").format(
            field=edit.field.label, code=family.code, value=new_value(edit)
        )
    return None


def _benefit(system: BenefitSystem | None) -> str:
    return system.label if system else _("not recorded")


def old_value(family: Family, edit: FamilyEdit) -> str:
    """The family's value of the edited field as it reads now."""
    if edit.field is FamilyField.REOPEN:
        return _("active") if family.active else _("closed")
    now = FamilyEdit(
        family.id, edit.field, family.town, family.household_size, family.languages,
        family.benefit_system, family.consent_on is not None,
    )  # fmt: skip
    return new_value(now)


def new_value(edit: FamilyEdit) -> str:
    """The edited field's value as the change sets it."""
    field = edit.field
    if field is FamilyField.TOWN:
        return str(edit.town)
    if field is FamilyField.HOUSEHOLD:
        return str(edit.household_size)
    if field is FamilyField.LANGUAGES:
        return _languages(edit.languages)
    if field is FamilyField.BENEFIT:
        return _benefit(edit.benefit_system)
    if field is FamilyField.CONSENT:
        return yes_no(bool(edit.consent))
    return _("active")


def _languages(codes: tuple[str, ...]) -> str:
    return format_items([language_name(code) for code in codes])


def change_line(family: Family, edit: FamilyEdit, today: date) -> str:
    """ "Town: Ahlen → Beckum (from 20.11.2026)": what Save changes, and what it changed."""
    line = _("{field}: {old} → {new}").format(
        field=edit.field.label if edit.field is not FamilyField.REOPEN else _("State"),
        old=old_value(family, edit),
        new=new_value(edit),
    )
    if edit.field is not None and (edit.field.dated or edit.field is FamilyField.REOPEN):
        line += " " + _("(from {date})").format(date=format_date(edit.valid_from or today))
    return line


def audit_detail(family: Family, edit: FamilyEdit, today: date) -> str:
    """The audit line's detail: field, old and new value as stored, and the day it holds
    from; codes, not translated labels, so that it reads the same in every language."""
    field = edit.field
    old: object
    new: object
    if field is FamilyField.TOWN:
        old, new = family.town, edit.town
    elif field is FamilyField.HOUSEHOLD:
        old, new = family.household_size, edit.household_size
    elif field is FamilyField.LANGUAGES:
        old, new = ",".join(family.languages), ",".join(edit.languages)
    elif field is FamilyField.BENEFIT:
        old = family.benefit_system.value if family.benefit_system else "unknown"
        new = edit.benefit_system.value if edit.benefit_system else "unknown"
    elif field is FamilyField.CONSENT:
        old = family.consent_on.isoformat() if family.consent_on else "none"
        new = today.isoformat() if edit.consent else "none"
    else:
        old, new = "closed", "active"
    detail = f"{field}: {old} → {new}"
    if field is not None and (field.dated or field is FamilyField.REOPEN):
        detail += f" from {(edit.valid_from or today).isoformat()}"
    return detail
