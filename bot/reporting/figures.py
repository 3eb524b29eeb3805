"""The figures coordinators report, and how a period's figures read as a message."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from bot.casework.conferences import ConferenceCounts
from bot.casework.vocabulary import BenefitSystem, ContactType, Topic
from bot.core.i18n import _, format_count, format_money, format_number, weekday_name
from bot.reporting.periods import Period
from bot.staff.roles import Team


@dataclass(frozen=True)
class Count:
    contacts: int = 0
    minutes: int = 0


@dataclass(frozen=True)
class StaffFigures:
    staff_id: int
    contacts: int
    minutes: int
    families: int
    # How the person is named in the list (StaffMember.handle).
    name: str


@dataclass(frozen=True)
class PeriodFigures:
    """What happened in a period, for the county or for one person."""

    contacts: int
    minutes: int
    families_reached: int
    families_reached_ukraine: int
    by_type: dict[ContactType, Count]
    by_topic: dict[Topic, int]
    by_town: dict[str, Count]
    new_families: int
    closed_families: int
    active_at_end: int
    active_ukraine_at_end: int
    requests: int
    interpreting_spent_cents: int
    flags_raised: int
    flags_closed: int
    # The most active people (at most PEOPLE_SHOWN, most contacts first) and how many
    # people logged contacts in all.
    by_staff: list[StaffFigures] = field(default_factory=list)
    people: int = 0
    # Families of the period's histories, benefit systems and teams (/editfamily).
    reopened_families: int = 0
    # None: no benefit system recorded.
    by_benefit: dict[BenefitSystem | None, Count] = field(default_factory=dict)
    active_by_benefit: dict[BenefitSystem | None, int] = field(default_factory=dict)
    by_team: dict[Team, Count] = field(default_factory=dict)
    conferences: ConferenceCounts = field(default_factory=ConferenceCounts)


def change(current: int, previous: int) -> str:
    """ "+3", "−2" or "±0": the difference to the previous period."""
    difference = current - previous
    if difference > 0:
        return "+" + format_count(difference)
    if difference < 0:
        return "−" + format_count(-difference)
    return "±0"


# Telegram's limit is 4096 characters; the per-person list stops well before it.
MAX_LENGTH = 3900
PEOPLE_SHOWN = 25


def to_hours(minutes: int) -> Decimal:
    """Minutes as hours to one decimal, rounded half up as people do: 68.25 h → 68.3 h.

    (Half up away from zero, so that a change of −68.25 h reads −68.3 like +68.25 h.)
    """
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def hours(minutes: int) -> str:
    return format_number(to_hours(minutes))


def _hours_change(current: int, previous: int) -> str:
    difference = to_hours(current - previous)
    if difference > 0:
        return "+" + format_number(difference)
    if difference < 0:
        return "−" + format_number(-difference)
    return "±0"


def running_week_text(week: Period, days: int, so_far: Count, before: Count) -> str:
    """The running week's first `days` days against the same weekdays of the week before."""
    weekdays = weekday_name(0) if days == 1 else f"{weekday_name(0)}–{weekday_name(days - 1)}"
    return "\n".join(
        [
            _("{week} is still running. Contacts {weekdays} so far: {contacts} ({hours} h); "
              "{weekdays} of {previous_week}: {previous} ({previous_hours} h).").format(
                week=week.week_name(), weekdays=weekdays, contacts=format_count(so_far.contacts),
                hours=hours(so_far.minutes), previous_week=week.previous().week_name(),
                previous=format_count(before.contacts), previous_hours=hours(before.minutes),
            ),
            _("The whole last week: /week last"),
        ]
    )  # fmt: skip


def _money_change(current: int, previous: int) -> str:
    difference = current - previous
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    return sign + format_money(abs(difference))


def figures_text(
    period: Period,
    current: PeriodFigures,
    previous: PeriodFigures,
    heading: str,
    per_person: bool = False,
) -> str:
    """The report; `per_person` adds the most active people (for coordinators)."""
    lines = [
        f"<b>{heading}</b>",
        period.label(),
        "",
        _("Families reached: {count} ({change}), of those fled from Ukraine: {ukraine} "
          "({ukraine_change})").format(
            count=format_count(current.families_reached),
            change=change(current.families_reached, previous.families_reached),
            ukraine=format_count(current.families_reached_ukraine),
            ukraine_change=change(current.families_reached_ukraine,
                                  previous.families_reached_ukraine),
        ),
        _("Contacts: {count} ({change}) · hours: {hours} ({hours_change})").format(
            count=format_count(current.contacts),
            change=change(current.contacts, previous.contacts),
            hours=hours(current.minutes),
            hours_change=_hours_change(current.minutes, previous.minutes),
        ),
        _("New families: {new} ({new_change}) · closed: {closed} ({closed_change})").format(
            new=format_count(current.new_families),
            new_change=change(current.new_families, previous.new_families),
            closed=format_count(current.closed_families),
            closed_change=change(current.closed_families, previous.closed_families),
        ),
        _("Active caseload at the end: {count} ({change}), of those fled from Ukraine: "
          "{ukraine}").format(
            count=format_count(current.active_at_end),
            change=change(current.active_at_end, previous.active_at_end),
            ukraine=format_count(current.active_ukraine_at_end),
        ),
        _("Interpreter requests: {count} ({change}) · interpreting and translation spent: "
          "{spent} ({spent_change})").format(
            count=format_count(current.requests),
            change=change(current.requests, previous.requests),
            spent=format_money(current.interpreting_spent_cents),
            spent_change=_money_change(current.interpreting_spent_cents,
                                       previous.interpreting_spent_cents),
        ),
        _("Structural gaps: {raised} raised ({raised_change}), {closed} closed "
          "({closed_change})").format(
            raised=format_count(current.flags_raised),
            raised_change=change(current.flags_raised, previous.flags_raised),
            closed=format_count(current.flags_closed),
            closed_change=change(current.flags_closed, previous.flags_closed),
        ),
    ]  # fmt: skip
    lines.append(conferences_line(current.conferences, previous.conferences))
    lines += _section(
        _("<b>By kind of contact</b>"),
        [(kind.label, current.by_type.get(kind), previous.by_type.get(kind))
         for kind in ContactType],
    )  # fmt: skip
    lines += _section(
        _("<b>By topic</b>"),
        [(topic.label, Count(current.by_topic.get(topic, 0)),
          Count(previous.by_topic.get(topic, 0))) for topic in Topic],
        with_hours=False,
    )  # fmt: skip
    lines += _section(
        _("<b>By town</b>"),
        [(town, current.by_town.get(town), previous.by_town.get(town))
         for town in sorted(set(current.by_town) | set(previous.by_town))],
    )  # fmt: skip
    lines += _benefit_and_team_sections(current, previous)
    text = "\n".join(lines)
    if per_person and current.by_staff:
        text += "\n\n" + _people(current, MAX_LENGTH - len(text))
    return text


# Benefit systems and teams (/editfamily dates the benefit system) -------------------------


def benefit_label(system: BenefitSystem) -> str:
    """A benefit system as the figures name it: "none" also holds "not recorded"."""
    return _("none/unknown") if system is BenefitSystem.NONE else system.label


def _keys(system: BenefitSystem) -> tuple[BenefitSystem | None, ...]:
    return (system, None) if system is BenefitSystem.NONE else (system,)


def by_benefit(counts: dict[BenefitSystem | None, Count], system: BenefitSystem) -> Count:
    """The contacts and minutes of a benefit system's row of the figures."""
    found = [counts[key] for key in _keys(system) if key in counts]
    return Count(sum(count.contacts for count in found), sum(count.minutes for count in found))


def active_by_benefit(counts: dict[BenefitSystem | None, int], system: BenefitSystem) -> int:
    return sum(counts.get(key, 0) for key in _keys(system))


def _benefit_and_team_sections(current: PeriodFigures, previous: PeriodFigures) -> list[str]:
    """Reopened families, contacts and active families by benefit system, contacts by team."""
    lines = []
    if current.reopened_families or previous.reopened_families:
        lines.append(_("Reopened families: {count} ({change})").format(
            count=format_count(current.reopened_families),
            change=change(current.reopened_families, previous.reopened_families),
        ))  # fmt: skip
    lines += _section(
        _("<b>By benefit system</b>"),
        [(benefit_label(system), by_benefit(current.by_benefit, system),
          by_benefit(previous.by_benefit, system)) for system in BenefitSystem],
    )  # fmt: skip
    active = [(benefit_label(system), active_by_benefit(current.active_by_benefit, system))
              for system in BenefitSystem]  # fmt: skip
    if any(count for _label, count in active):
        lines.append(_("Active families at the end by benefit system: {counts}").format(
            counts=" · ".join(f"{html.escape(label)} {format_count(count)}"
                              for label, count in active if count)
        ))  # fmt: skip
    lines += _section(
        _("<b>By team</b>"),
        [(team.label, current.by_team.get(team), previous.by_team.get(team)) for team in Team],
    )  # fmt: skip
    return lines


def _section(
    title: str, rows: list[tuple[str, Count | None, Count | None]], with_hours: bool = True
) -> list[str]:
    shown = [(label, now or Count(), before or Count()) for label, now, before in rows
             if (now and now.contacts) or (before and before.contacts)]  # fmt: skip
    if not shown:
        return []
    lines = ["", title]
    for label, now, before in shown:
        line = _("{label}: {count} ({change})").format(
            label=html.escape(label),
            count=format_count(now.contacts),
            change=change(now.contacts, before.contacts),
        )
        if with_hours:
            line += " · " + _("{hours} h").format(hours=hours(now.minutes))
        lines.append(line)
    return lines


def _people(current: PeriodFigures, room: int) -> str:
    lines = [_("<b>By person</b> (contacts, hours, families reached)")]
    shown = 0
    for person in current.by_staff[:PEOPLE_SHOWN]:
        line = _("{name}: {contacts} · {hours} h · {families}").format(
            name=html.escape(person.name),
            contacts=format_count(person.contacts), hours=hours(person.minutes),
            families=format_count(person.families),
        )  # fmt: skip
        if sum(map(len, lines)) + len(line) + 80 > room:
            break
        lines.append(line)
        shown += 1
    if rest := current.people - shown:
        more = _("… and {count} more: /export has everyone.")
        lines.append(more.format(count=format_count(rest)))
    return "\n".join(lines)


# Case conferences and cross-case meetings -------------------------------------------------


def conferences_line(current: ConferenceCounts, previous: ConferenceCounts) -> str:
    """Case conferences (of those with the immigration and the naturalisation office) and
    cross-case meetings, each with its change against the previous period."""
    return _(
        "Case conferences: {count} ({change}) (of those with the immigration office "
        "{immigration}, with the naturalisation office {naturalisation}) · cross-case "
        "meetings: {cross} ({cross_change})"
    ).format(
        count=format_count(current.case_conferences),
        change=change(current.case_conferences, previous.case_conferences),
        immigration=format_count(current.with_immigration_office),
        naturalisation=format_count(current.with_naturalisation_office),
        cross=format_count(current.cross_case),
        cross_change=change(current.cross_case, previous.cross_case),
    )
