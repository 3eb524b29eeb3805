"""/committee: the figure part of the status report to the county committee, in the seed's
structure (Sachstandsbericht of 21.11.2022), as plain data that `core/document.py` writes
as a Word file.

The committee is German: the document is written in German whatever language the
coordinator uses (the labels of other capabilities in the German catalog, the report's own
wording here), while the chat's replies are translated as usual. Each figure comes with its
change since the previous report, recomputed from the data for that report's date. Family
codes never appear: figures are counts, and free texts are stripped of anything shaped like
a code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol

from bot.casework.conferences import ConferenceCounts
from bot.casework.flags import Flag
from bot.casework.vocabulary import BenefitSystem, ContactType, Topic
from bot.core.document import Cell, Report, Section, Table
from bot.core.i18n import (
    _,
    format_date,
    format_datetime,
    format_fixed,
    format_money,
    format_number,
    use_locale,
)
from bot.core.parsing import (
    ParseError,
    check_year,
    looks_like_full_date,
    parse_full_date,
    quoted,
)
from bot.funds.budget import forecast_text
from bot.funds.funds import Fund, FundFigures
from bot.reporting.figures import PeriodFigures, hours, to_hours
from bot.reporting.staffing import Block, BlockStaffing, mismatch_line, positions, total

EXAMPLES = (
    "/committee · /committee 30.11.2026 · /committee 2026 · /committee Q4 2026 · "
    "/committee 01.10.2026-30.11.2026"
)
# What a family code looks like, also typed carelessly (f-42, F 0042): left out of texts.
FAMILY_CODE = re.compile(r"\bF\s?-?\s?\d+\b", re.IGNORECASE)
_QUARTER = re.compile(r"^(?:q\s?([1-4])\s*[/ ]?\s*(\d{4})|(\d{4})\s*[-/ ]?\s*q\s?([1-4]))$")
_DAY = r"(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4})"
_RANGE = re.compile(rf"^{_DAY}\s*(?:-|–|—|\.\.|bis|to|по|\s)\s*{_DAY}$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Asked:
    """What /committee was asked for: the report's date, and the first day of its period
    (None: since the previous report, or the calendar year so far if there was none)."""

    as_of: date
    first: date | None = None


def parse_committee(text: str, today: date) -> Asked:
    """ "" (today), a date, a year, a quarter (Q4 2026) or a range of two dates; a period
    still running ends today. Raises ParseError with the examples."""
    key = " ".join(text.strip().casefold().split())
    if not key:
        return Asked(today)
    if _YEAR.match(key):
        check_year(int(key), text, "/committee 2026")
        return _period(date(int(key), 1, 1), date(int(key), 12, 31), today)
    if match := _QUARTER.match(key):
        quarter = int(match.group(1) or match.group(4))
        year = int(match.group(2) or match.group(3))
        check_year(year, text, "/committee Q4 2026")
        first = date(year, 3 * quarter - 2, 1)
        following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return _period(first, following - timedelta(days=1), today)
    if looks_like_full_date(key):
        day = parse_full_date(key, "30.11.2026")
        if day > today:
            raise ParseError(
                _("{date} lies in the future: a report shows what has happened. "
                  "Examples: {examples}").format(date=format_date(day), examples=EXAMPLES)
            )  # fmt: skip
        return Asked(day)
    if match := _RANGE.match(key):
        first = parse_full_date(match.group(1), "01.10.2026-30.11.2026")
        last = parse_full_date(match.group(2), "01.10.2026-30.11.2026")
        if first > last:
            raise ParseError(
                _("The period would start on {first}, after its end on {last}. "
                  "Examples: {examples}").format(
                    first=format_date(first), last=format_date(last), examples=EXAMPLES
                )
            )  # fmt: skip
        return _period(first, last, today)
    raise ParseError(
        _("“{text}” is not a date or period. Examples: {examples}").format(
            text=quoted(text, 40), examples=EXAMPLES
        )
    )


def _period(first: date, last: date, today: date) -> Asked:
    if first > today:
        raise ParseError(
            _("The period begins on {date}, in the future. Examples: {examples}").format(
                date=format_date(first), examples=EXAMPLES
            )
        )
    return Asked(min(last, today), first)


def year_before(day: date) -> date:
    """The same date a year before (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Issued:
    """A report issued earlier: its date and the first day of its period."""

    as_of: date
    first: date


@dataclass(frozen=True)
class Span:
    """The report's date and period, and what it is compared with."""

    as_of: date
    first: date
    previous: Issued
    # True: compared with the previous report; False: with the same date a year before.
    after_report: bool


def span_of(asked: Asked, previous: Issued | None) -> Span:
    """The period and the comparison: since the previous report (or the calendar year so
    far), compared with the previous report's date and period, or, for a first report,
    with the same days a year before."""
    if asked.first is not None:
        first = asked.first
    elif previous is not None:
        first = previous.as_of + timedelta(days=1)
    else:
        first = date(asked.as_of.year, 1, 1)
    if previous is None:
        before = Issued(year_before(asked.as_of), year_before(first))
        return Span(asked.as_of, first, before, after_report=False)
    return Span(asked.as_of, first, previous, after_report=True)


class FlagFigures(Protocol):
    """Structural gaps reported, discussed, taken into progress and closed in a period
    (`FlagStore.counts`)."""

    @property
    def reported(self) -> int: ...
    @property
    def discussed(self) -> int: ...
    @property
    def in_progress(self) -> int: ...
    @property
    def closed(self) -> int: ...


@dataclass(frozen=True)
class TownFamilies:
    families: int = 0
    ukraine: int = 0


@dataclass(frozen=True)
class Snapshot:
    """The figures of one report: on its date, and in its period up to that date. The
    previous report's are recomputed the same way for its date and period."""

    as_of: date
    first: date
    staffing: list[BlockStaffing]
    period: PeriodFigures  # FigureStore.period, as /week and /month have them
    towns: dict[str, TownFamilies]  # families in counselling on the date, per town
    flags: FlagFigures
    open_flags: int  # on the date
    closed_flags: list[Flag]  # closed in the period, with their outcomes
    interpreting_minutes: int
    conferences: ConferenceCounts  # ConferenceStore.counts, as /week has them


@dataclass(frozen=True)
class BudgetLine:
    """A fund as /budget shows it today, and what it had spent by the previous report's date."""

    fund: Fund
    figures: FundFigures
    spent_before_cents: int


@dataclass(frozen=True)
class Committee:
    span: Span
    current: Snapshot
    previous: Snapshot
    budgets: list[BudgetLine]
    towns: Sequence[str]  # the county's towns: each listed, with zero too
    made_at: datetime


def without_codes(text: str) -> str:
    """A free text with anything shaped like a family code left out."""
    return " ".join(FAMILY_CODE.sub("[…]", text).split())


def _signed(difference: int | Decimal, shown: str) -> str:
    if difference > 0:
        return "+" + shown
    if difference < 0:
        return "−" + shown
    return "±0"


def _positions_change(now: int, before: int) -> str:
    return _signed(now - before, positions(abs(now - before)))


def _money_change(now: int, before: int) -> str:
    """+1.200,00 €, −30,00 € or ±0,00 €, as /week writes money."""
    if now == before:
        return "±" + format_money(0)
    return _signed(now - before, format_money(abs(now - before)))


def _hours_change(now: int, before: int) -> str:
    difference = to_hours(now - before)
    return _signed(difference, format_fixed(abs(difference), 1))


def _count(now: int, before: int) -> Cell:
    """A count with its change, both with thousands separators: 2.261 and −6.355."""
    return Cell(format_number(now), _signed(now - before, format_number(abs(now - before))))


def _hours(now: int, before: int) -> Cell:
    return Cell(format_fixed(to_hours(now), 1), _hours_change(now, before))


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


def committee_report(committee: Committee) -> Report:
    """The report in German, whatever the language of who asked for it."""
    with use_locale("de"):
        return _report(committee)


def _report(committee: Committee) -> Report:
    span = committee.span
    compared = (
        f"Vergleich: Bericht zum {format_date(span.previous.as_of)} "
        f"(Zeitraum {format_date(span.previous.first)} – {format_date(span.previous.as_of)})"
        if span.after_report
        else f"Vergleich: derselbe Zeitraum ein Jahr zuvor ({format_date(span.previous.first)}"
        f" – {format_date(span.previous.as_of)}), es gibt noch keinen früheren Bericht"
    )
    return Report(
        title="Kommunales Integrationsmanagement (KIM) – Sachstandsbericht",
        subtitle=[
            f"Zahlenteil für den Ausschuss, Stand {format_date(span.as_of)}",
            f"Berichtszeitraum: {format_date(span.first)} – {format_date(span.as_of)}",
            compared + ". Unter jeder Zahl steht ihre Veränderung.",
        ],
        sections=[
            _programme(committee),
            _families(committee),
            _contacts(committee),
            _conferences(committee),
            _gaps(committee),
            _budgets(committee),
        ],
        footer=f"Entwurf aus dem KIM-Bot, erstellt am {format_datetime(committee.made_at)}. "
        "Familien sind nur gezählt, nie einzeln genannt.",
    )


def _programme(committee: Committee) -> Section:
    now, before = committee.current.staffing, committee.previous.staffing
    earlier = {row.block: row for row in before}

    def cells(label: str, row: BlockStaffing, old: BlockStaffing) -> tuple[Cell, ...]:
        return (
            Cell(label),
            Cell(positions(row.funded), _positions_change(row.funded, old.funded)),
            Cell(positions(row.filled), _positions_change(row.filled, old.filled)),
            Cell(positions(row.vacant), _positions_change(row.vacant, old.vacant)),
            Cell(format_money(row.money_cents), _money_change(row.money_cents, old.money_cents)),
        )

    table = Table(
        columns=("Baustein", "gefördert", "besetzt", "offen", "Mittel pro Jahr"),
        rows=[cells(row.block.label, row, earlier[row.block]) for row in now],
        total=cells("Summe", total(now), total(before)),
        widths=(32, 15, 15, 15, 23),
        caption=f"Stellen (Vollzeitstellen) und Mittel am {format_date(committee.span.as_of)}",
    )
    parts: list[str | Table] = [
        "KIM (§ 9 TIntG NRW) wird in drei Bausteinen gefördert: strategische Koordination, "
        "rechtskreisübergreifendes Case Management und Stellen in der Ausländer- und "
        "Einbürgerungsbehörde.",
        table,
    ]
    wrong = [row for row in now if not row.adds_up]
    if wrong:
        parts.append(
            "Hinweis: Besetzt + offen ergibt nicht die geförderten Stellen: "
            + "; ".join(mismatch_line(row) for row in wrong)
            + "."
        )
    parts.append(
        "Besetzt: die an diesem Tag gültigen Stellenanteile (/fte) der aktiven Mitarbeitenden."
    )
    return Section("1 Programm und Bausteine", parts)


def _caseload(snapshot: Snapshot) -> Decimal | None:
    filled = next(row.filled for row in snapshot.staffing if row.block is Block.CASE_MANAGEMENT)
    if not filled:
        return None
    return (Decimal(snapshot.period.active_at_end) * 1000 / filled).quantize(Decimal("0.1"))


def _families(committee: Committee) -> Section:
    now, before = committee.current, committee.previous
    on = format_date(committee.span.as_of)
    rows = [
        (Cell(f"Familien in Beratung am {on}"),
         _count(now.period.active_at_end, before.period.active_at_end)),
        (Cell("davon aus der Ukraine geflüchtet"),
         _count(now.period.active_ukraine_at_end, before.period.active_ukraine_at_end)),
        (Cell("neu aufgenommen im Berichtszeitraum"),
         _count(now.period.new_families, before.period.new_families)),
        (Cell("abgeschlossen im Berichtszeitraum"),
         _count(now.period.closed_families, before.period.closed_families)),
    ]  # fmt: skip
    caseload, caseload_before = _caseload(now), _caseload(before)
    if caseload is not None:
        note = "" if caseload_before is None else _signed(
            caseload - caseload_before, format_fixed(abs(caseload - caseload_before), 1)
        )  # fmt: skip
        rows.append(
            (Cell("Familien je besetzter Case-Management-Stelle"),
             Cell(format_fixed(caseload, 1), note))
        )  # fmt: skip
    towns = list(committee.towns) + sorted(
        set(now.towns) - set(committee.towns) | set(before.towns) - set(committee.towns)
    )
    town_rows = []
    for town in towns:
        current, old = now.towns.get(town, TownFamilies()), before.towns.get(town, TownFamilies())
        town_rows.append(
            (Cell(town), _count(current.families, old.families),
             _count(current.ukraine, old.ukraine))
        )  # fmt: skip
    sums = [
        TownFamilies(
            sum(value.families for value in snapshot.towns.values()),
            sum(value.ukraine for value in snapshot.towns.values()),
        )
        for snapshot in (now, before)
    ]
    return Section(
        "2 Beratene Familien",
        [
            Table(("Kennzahl", "Anzahl"), rows, widths=(75, 25)),
            Table(
                ("Kommune", "Familien in Beratung", "davon aus der Ukraine"),
                town_rows,
                widths=(40, 30, 30),
                total=(
                    Cell("Summe"),
                    _count(sums[0].families, sums[1].families),
                    _count(sums[0].ukraine, sums[1].ukraine),
                ),
                caption=f"Familien in Beratung nach Kommune am {on}",
            ),
            _benefit_systems(now.period, before.period, on),
        ],
    )


def _benefit_systems(now: PeriodFigures, before: PeriodFigures, on: str) -> Table:
    """Families per Rechtskreis: counties report SGB II and AsylbLG apart."""
    systems: list[BenefitSystem | None] = [*BenefitSystem, None]
    rows = [
        (Cell(_capital(system.label) if system else "nicht erfasst"),
         _count(now.active_by_benefit.get(system, 0), before.active_by_benefit.get(system, 0)))
        for system in systems
    ]  # fmt: skip
    return Table(
        ("Rechtskreis", "Familien in Beratung"),
        rows,
        widths=(75, 25),
        total=(Cell("Summe"), _count(now.active_at_end, before.active_at_end)),
        caption=f"Familien in Beratung nach Rechtskreis am {on}",
    )


def _contacts(committee: Committee) -> Section:
    now, before = committee.current.period, committee.previous.period
    kinds = []
    for kind in ContactType:
        current, old = now.by_type.get(kind), before.by_type.get(kind)
        kinds.append(
            (Cell(_capital(kind.label)),
             _count(current.contacts if current else 0, old.contacts if old else 0),
             _hours(current.minutes if current else 0, old.minutes if old else 0))
        )  # fmt: skip
    topics = [
        (Cell(_capital(topic.label)),
         _count(now.by_topic.get(topic, 0), before.by_topic.get(topic, 0)))
        for topic in Topic
    ]  # fmt: skip
    return Section(
        "3 Beratungsthemen und Kontakte",
        [
            f"Im Berichtszeitraum {_count(now.contacts, before.contacts).text} Kontakte "
            f"({_count(now.contacts, before.contacts).note}) mit {hours(now.minutes)} Stunden "
            f"({_hours_change(now.minutes, before.minutes)}).",
            Table(
                ("Kontaktart", "Kontakte", "Stunden"),
                kinds,
                widths=(50, 25, 25),
                total=(
                    Cell("Summe"),
                    _count(now.contacts, before.contacts),
                    _hours(now.minutes, before.minutes),
                ),
                caption="Kontakte nach Art",
            ),
            Table(
                ("Thema", "Kontakte"),
                topics,
                widths=(75, 25),
                caption="Kontakte nach Beratungsthema (ein Kontakt kann mehrere Themen haben)",
            ),
        ],
    )


def _conferences(committee: Committee) -> Section:
    heading = "4 Fallkonferenzen mit Ausländer- und Einbürgerungsbehörde"
    now, before = committee.current.conferences, committee.previous.conferences
    rows = [
        (Cell("Fallkonferenzen"), _count(now.case_conferences, before.case_conferences)),
        (Cell("davon mit der Ausländerbehörde"),
         _count(now.with_immigration_office, before.with_immigration_office)),
        (Cell("davon mit der Einbürgerungsbehörde"),
         _count(now.with_naturalisation_office, before.with_naturalisation_office)),
        (Cell("fallübergreifende Besprechungen"), _count(now.cross_case, before.cross_case)),
        (Cell("Stunden"), _hours(now.minutes, before.minutes)),
    ]  # fmt: skip
    return Section(heading, [Table(("im Berichtszeitraum", "Anzahl"), rows, widths=(75, 25))])


OUTCOMES_SHOWN = 20


def _gaps(committee: Committee) -> Section:
    now, before = committee.current, committee.previous
    rows = [
        (Cell("gemeldet"), _count(now.flags.reported, before.flags.reported)),
        (Cell("mit der Koordination besprochen"),
         _count(now.flags.discussed, before.flags.discussed)),
        (Cell("in Bearbeitung mit Partnern"),
         _count(now.flags.in_progress, before.flags.in_progress)),
        (Cell("abgeschlossen"), _count(now.flags.closed, before.flags.closed)),
        (Cell(f"offen am {format_date(committee.span.as_of)}"),
         _count(now.open_flags, before.open_flags)),
    ]  # fmt: skip
    # The latest outcomes: a county closes a few dozen gaps a year; the rest are in /flags.
    shown = now.closed_flags[-OUTCOMES_SHOWN:]
    outcomes = [
        f"{_capital(flag.category.label)}: {without_codes(flag.outcome or '')}".rstrip(": ")
        for flag in shown
    ]
    if len(now.closed_flags) > len(shown):
        outcomes.append(
            f"… und {format_number(len(now.closed_flags) - len(shown))} weitere "
            "(alle mit Ergebnis: /flags geschlossen xlsx)"
        )
    parts: list[str | Table] = [
        "Fälle, die strukturelle Lücken zeigen, werden mit der Koordination aufbereitet, "
        "besprochen und mit Partnern bearbeitet.",
        Table(("Strukturelle Lücken im Berichtszeitraum", "Anzahl"), rows, widths=(75, 25)),
    ]
    parts.append(
        "Ergebnisse der im Berichtszeitraum abgeschlossenen Lücken:"
        if outcomes
        else "Im Berichtszeitraum wurde keine Lücke abgeschlossen."
    )
    return Section("5 Strukturelle Lücken", parts, bullets=outcomes)


def _budgets(committee: Committee) -> Section:
    now, before = committee.current, committee.previous
    interpreting = [
        (Cell("Dolmetschanfragen"), _count(now.period.requests, before.period.requests)),
        (Cell("Dolmetschstunden (Termine im Zeitraum)"),
         _hours(now.interpreting_minutes, before.interpreting_minutes)),
        (Cell("Kosten Dolmetschen und Übersetzen"),
         Cell(format_money(now.period.interpreting_spent_cents),
              _money_change(now.period.interpreting_spent_cents,
                            before.period.interpreting_spent_cents))),
    ]  # fmt: skip
    funds = []
    forecasts = []
    for line in committee.budgets:
        figures, name = line.figures, without_codes(line.fund.name)
        funds.append(
            (Cell(name, line.fund.period),
             Cell(format_money(figures.amount_cents)),
             Cell(format_money(figures.spent_cents),
                  _money_change(figures.spent_cents, line.spent_before_cents)),
             Cell(format_money(figures.committed_cents)),
             Cell(format_money(figures.available_cents),
                  "überzogen" if figures.available_cents < 0 else ""))
        )  # fmt: skip
        forecasts.append(f"{name}: {forecast_text(figures)}")
    today = format_date(committee.made_at.date())
    parts: list[str | Table] = [
        Table(("Sprachmittlung im Berichtszeitraum", "Anzahl"), interpreting, widths=(75, 25)),
    ]
    if funds:
        parts.append(
            Table(
                ("Fonds", "Budget", "verausgabt", "gebunden", "verfügbar"),
                funds,
                widths=(26, 19, 19, 17, 19),
                caption=f"Budgets, Stand {today}",
            )
        )
        parts.append(
            "Unter „verausgabt“ steht, was seit dem Vergleichstag hinzukam; gebundene Mittel "
            "(zugesagte Dolmetscheinsätze) werden mit ihrem heutigen Stand geführt."
        )
    else:
        parts.append("Es ist kein Fonds angelegt.")
    return Section("6 Sprachmittlung und Budgets", parts, bullets=forecasts)
