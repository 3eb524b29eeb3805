"""Families: the record, its code, the /newfamily quick form and dialog, how it reads."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.casework.vocabulary import BenefitSystem
from bot.core.i18n import _, country_name, format_date, format_items, language_name
from bot.core.names import find_country, find_language
from bot.core.parsing import ParseError, quoted
from bot.core.terms import normalise
from bot.core.text import yes_no
from bot.staff.staff import StaffMember

MAX_HOUSEHOLD = 30


NEW_FAMILY_EXAMPLE = "/newfamily Ahlen UA 4 uk,ru"

_FAMILY_CODE = re.compile(r"^f-?0*(\d{1,7})$", re.IGNORECASE)


_HOUSEHOLD = re.compile(r"^\d{1,3}$")
_NUMBER = re.compile(r"^\d+$")


_CONSENT_WORDS = {"einwilligung", "consent", "ew", "згода"}
_FLED_WORDS = {"geflüchtet", "gefluechtet", "flucht", "fled", "ukraine-flucht"}
_NOT_FLED_WORDS = {"nicht-geflüchtet", "nicht-gefluechtet", "keine-flucht", "not-fled"}


def toggle_language(languages: tuple[str, ...], code: str) -> tuple[str, ...]:
    """Add a language, or take it away again, keeping the order they were chosen in."""
    if code in languages:
        return tuple(known for known in languages if known != code)
    return (*languages, code)


def family_code(family_id: int) -> str:
    return f"F-{family_id:04d}"


def parse_family_code(text: str) -> int:
    match = _FAMILY_CODE.match(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise ParseError(
            _("“{text}” is not a family code. Family codes look like F-0042.").format(
                text=quoted(text)
            )
        )
    return int(match.group(1))


@dataclass
class FamilyDraft:
    """A family before it is stored: filled at once by the quick form, or step by step."""

    town: str | None = None
    origin: str | None = None
    household_size: int | None = None
    languages: tuple[str, ...] = ()
    fled_ukraine: bool = False
    benefit_system: BenefitSystem | None = None
    consent: bool = False

    def toggle_language(self, code: str) -> None:
        self.languages = toggle_language(self.languages, code)

    @property
    def complete(self) -> bool:
        """Everything a family record needs is there."""
        return bool(self.town and self.origin and self.household_size and self.languages)


def parse_town(text: str, towns: tuple[str, ...]) -> str:
    key = normalise(text)
    for town in towns:
        if normalise(town) == key:
            return town
    raise ParseError(
        _("“{text}” is not a town of the county. Towns: {towns}").format(
            text=quoted(text), towns=", ".join(towns)
        )
    )


def parse_country(text: str) -> str:
    code = find_country(text)
    if code is None:
        raise ParseError(
            _(
                "“{text}” is not a country I know. Give a code or a name, e.g. UA, SY, "
                "Ukraine, Syrien."
            ).format(text=quoted(text))
        )
    return code


def parse_languages(text: str) -> tuple[str, ...]:
    codes = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        code = find_language(item)
        if code is None:
            raise ParseError(
                _(
                    "“{text}” is not a language I know. Give codes or names separated by "
                    "commas, e.g. uk,ru or Arabisch,Kurdisch."
                ).format(text=quoted(item))
            )
        codes.append(code)
    if not codes:
        raise ParseError(_("Which languages does the family speak? Example: uk,ru"))
    return tuple(dict.fromkeys(codes))


def parse_household_size(text: str) -> int:
    match = _HOUSEHOLD.match(text.strip())
    if match is None or not 1 <= int(match.group(0)) <= MAX_HOUSEHOLD:
        raise ParseError(
            _("“{text}” is not a household size: give the number of people, 1 to {limit}.").format(
                text=quoted(text), limit=MAX_HOUSEHOLD
            )
        )
    return int(match.group(0))


def parse_new_family(arguments: str, towns: tuple[str, ...]) -> FamilyDraft:
    """`Ahlen UA 4 uk,ru [sgb2|sgb12|asylblg|keine] [einwilligung] [geflüchtet|keine-flucht]`.

    The country may be several words ("Sri Lanka"); it ends at the household size.
    """
    tokens = arguments.split()
    size_at = next((i for i, token in enumerate(tokens) if _NUMBER.match(token)), None)
    if len(tokens) < 4 or size_at is None or size_at < 2 or size_at + 1 >= len(tokens):
        raise ParseError(
            _(
                "Please give town, country of origin, household size and languages. "
                "Example: {example}"
            ).format(example=NEW_FAMILY_EXAMPLE)
        )
    town = parse_town(tokens[0], towns)
    origin = parse_country(" ".join(tokens[1:size_at]))
    size = parse_household_size(tokens[size_at])
    # The language list may be spread over tokens by spaces after commas: "uk, ru".
    end = size_at + 2
    while end < len(tokens) and (tokens[end - 1].endswith(",") or tokens[end].startswith(",")):
        end += 1
    languages = parse_languages("".join(tokens[size_at + 1 : end]))
    benefit_system, consent, fled = None, False, origin == "UA"
    for token in tokens[end:]:
        word = token.lower()
        if word in _CONSENT_WORDS:
            consent = True
        elif word in _FLED_WORDS:
            fled = True
        elif word in _NOT_FLED_WORDS:
            fled = False
        elif (system := BenefitSystem.parse(word)) is not None:
            benefit_system = system
        else:
            raise ParseError(
                _(
                    "I did not understand “{token}”. After the languages you may add sgb2, "
                    "sgb12, asylblg or keine, einwilligung, and geflüchtet or keine-flucht. "
                    "Example: {example} asylblg einwilligung"
                ).format(token=quoted(token), example=NEW_FAMILY_EXAMPLE)
            )
    return FamilyDraft(town, origin, size, languages, fled, benefit_system, consent)


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
        *(_erased_facts(family) if family.erased_at else [*_facts(family), consent_line(family)]),
        _("Opened: {date}").format(date=format_date(family.opened_on)),
    ]
    if family.closed_on:
        reason = f" ({html.escape(family.close_reason)})" if family.close_reason else ""
        lines.append(_("Closed: {date}").format(date=format_date(family.closed_on)) + reason)
    if case_manager is not None:
        lines.append(_("Case manager: {name}").format(name=html.escape(case_manager.handle)))
    return "\n".join(lines)


def _erased_facts(family: Family) -> list[str]:
    """What an erased record still says: only what the figures count."""
    return [
        _("Personal data erased on {date}.").format(date=format_date(family.erased_at)),
        _("Town: {town}").format(town=family.town),
        _("Fled the war in Ukraine: {answer}").format(answer=yes_no(family.fled_ukraine)),
    ]


def consent_already_recorded(family: Family) -> str | None:
    """The one rule of recording consent (/consent and /editfamily): once, while not given."""
    if family.consent_on is None:
        return None
    return _("Written consent of {code} was already recorded on {date}.").format(
        code=family.code, date=format_date(family.consent_on)
    )


def consent_line(family: Family) -> str:
    if family.consent_on:
        return _("Written consent: given on {date}").format(date=format_date(family.consent_on))
    return _("⚠ Written consent to case management is not recorded yet: /consent {code}").format(
        code=family.code
    )


# Offered as buttons; anything else can be typed by code or name.
FREQUENT_ORIGINS = ("UA", "SY", "AF", "IQ", "TR", "IR", "ER", "RU")
FREQUENT_LANGUAGES = ("uk", "ru", "ar", "fa", "prs", "kmr", "ckb", "tr", "ti", "ps", "so", "en")


ACTIVE = "active"
CLOSED = "closed"


@dataclass(frozen=True)
class Family:
    id: int
    town: str
    origin: str
    # None once the family's personal data were erased (bot/privacy/erasure.py).
    household_size: int | None
    languages: tuple[str, ...]
    fled_ukraine: bool
    benefit_system: BenefitSystem | None
    consent_on: date | None
    opened_on: date
    closed_on: date | None
    close_reason: str | None
    status: str
    case_manager_id: int
    last_contact_on: date | None = None
    erased_at: datetime | None = None

    @property
    def code(self) -> str:
        return family_code(self.id)

    @property
    def active(self) -> bool:
        return self.status == ACTIVE
