"""Realistic pseudonymous demo data: staff, families, contacts, requests, their invoices and
flags.

Deterministic for a given seed. Demo staff get negative Telegram ids, like the shell's
people, so they can never stand for a real Telegram account.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.casework.vocabulary import ContactType, Service, Topic, topics_to_bits
from bot.reporting.staffing import Block
from bot.staff.roles import Role, Team

FAMILIES_PER_CASE_MANAGER = 27
CONTACTS_PER_FAMILY_WEEK = 0.8
UKRAINE_SHARE = 0.3
FIRST_STAFF_ID = -1000
# The county's funded positions (thousandths) and money per year (cents), as in the seed:
# 21 positions, 14 of them case management, at 70,000 EUR a position.
FUNDED_POSITIONS = {Block.COORDINATION: 3000, Block.CASE_MANAGEMENT: 14000, Block.OFFICES: 4000}
MONEY_PER_POSITION_CENTS = 70_000_00
# Funded since the programme's first full year (KIM started on 25.11.2021).
FUNDED_FROM = date(2022, 1, 1)
# Case managers' shares of a position, in turn, as long as the funded positions last.
CASE_MANAGER_SHARES = (1000, 800, 1000, 500)
# Who invoices the demo's interpreting: the county's pool, or an agency for professionals.
POOL = "Sprachmittlerpool Kreis Warendorf"
AGENCY = "Dolmetschbüro Münsterland"

# Inhabitants (thousands): families live where people live.
TOWN_WEIGHTS = {
    "Ahlen": 52, "Beckum": 36, "Beelen": 6, "Drensteinfurt": 15, "Ennigerloh": 20,
    "Everswinkel": 10, "Oelde": 29, "Ostbevern": 11, "Sassenberg": 14, "Sendenhorst": 13,
    "Telgte": 20, "Wadersloh": 12, "Warendorf": 37,
}  # fmt: skip
# Countries of origin other than Ukraine, with the languages spoken there.
ORIGINS = {
    "SY": (20, ("ar", "kmr")), "AF": (12, ("prs", "ps")), "IQ": (8, ("ar", "ckb")),
    "TR": (6, ("tr", "kmr")), "ER": (4, ("ti",)), "IR": (4, ("fa",)), "RU": (3, ("ru",)),
    "SO": (2, ("so",)), "GE": (2, ("ka", "ru")), "NG": (2, ("en",)), "XK": (2, ("sq",)),
}  # fmt: skip
TYPE_WEIGHTS = {
    ContactType.HOME_VISIT: 25, ContactType.OFFICE: 30, ContactType.PHONE: 25,
    ContactType.VIDEO: 3, ContactType.ACCOMPANIMENT: 8, ContactType.CASE_CONFERENCE: 4,
    ContactType.MESSAGE: 5,
}  # fmt: skip
TYPE_MINUTES = {
    ContactType.HOME_VISIT: (45, 60, 90), ContactType.OFFICE: (30, 45, 60),
    ContactType.PHONE: (10, 15, 20), ContactType.VIDEO: (30, 45),
    ContactType.ACCOMPANIMENT: (90, 120, 180), ContactType.CASE_CONFERENCE: (60, 90),
    ContactType.MESSAGE: (5, 10),
}  # fmt: skip
TOPIC_WEIGHTS = {
    Topic.RESIDENCE: 18, Topic.ORIENTATION: 6, Topic.WORK: 14, Topic.RECOGNITION: 4,
    Topic.LANGUAGE: 12, Topic.SCHOOL: 8, Topic.CHILDCARE: 5, Topic.HEALTH: 9,
    Topic.HOUSING: 10, Topic.BENEFITS: 12, Topic.FAMILY: 5, Topic.NATURALISATION: 3,
    Topic.OTHER: 2,
}  # fmt: skip


@dataclass(frozen=True)
class DemoData:
    """Rows for the storage's bulk loader, in its column order."""

    staff: list[tuple]
    families: list[tuple]
    contacts: Iterator[tuple]
    requests: list[tuple]
    # One line per completed request: (its index in `requests`, payee, number, invoiced_on,
    # amount_cents, recorded_by, recorded_at), so that what the requests spent is the sum
    # of their invoices, as the bot keeps it.
    invoices: list[tuple]
    flags: list[tuple]
    # (block, valid_from, funded_permille, vacant_permille, money_cents, set_by, set_at):
    # what is not filled by the staff's shares of a position is vacant.
    staffing: list[tuple]
    # (family_id, valid_from, town, benefit, active, fled): each family's history from its
    # intake, with a few moves and changes from AsylbLG to SGB II; `families` holds the
    # values after the last change.
    family_changes: list[tuple]


def generate(
    families: int,
    weeks: int,
    today: date,
    towns: tuple[str, ...],
    fund_id: int,
    fund_start: date,
    seed: int = 42,
) -> DemoData:
    """Demo data for `families` families over the `weeks` weeks up to `today`."""
    rng = random.Random(seed)
    first_day = today - timedelta(weeks=weeks)
    staff = _staff(max(1, round(families / FAMILIES_PER_CASE_MANAGER)))
    case_managers = [row[0] for row in staff if row[4] == Team.CASE_MANAGEMENT.value]
    family_rows = [
        _family(rng, family_id, towns, case_managers, first_day, today)
        for family_id in range(1, families + 1)
    ]
    # Their own random numbers, so that everything else is as it was before families moved.
    family_rows, changes = _histories(random.Random(seed + 1), family_rows, towns, today)
    requests = _requests(rng, family_rows, today, fund_id, max(fund_start, first_day))
    return DemoData(
        staff=staff,
        families=family_rows,
        contacts=_contacts(rng, family_rows, today),
        requests=requests,
        invoices=_invoices(requests),
        flags=_flags(rng, family_rows, today),
        staffing=_staffing(staff, FUNDED_FROM),
        family_changes=changes,
    )


def _staff(case_managers: int) -> list[tuple]:
    """(telegram_id, username, display_name, role, team, locale, created_at, fte_permille)."""
    created = _moment(date(2020, 1, 1))
    rows = [
        (FIRST_STAFF_ID, "demo_coordination", "Demo-Koordination", Role.COORDINATOR.value,
         Team.COORDINATION.value, "de", created, 1000),
        (FIRST_STAFF_ID + 1, "demo_administration", "Demo-Verwaltung", Role.COORDINATOR.value,
         Team.ADMINISTRATION.value, "de", created, 500),
        (FIRST_STAFF_ID + 2, "demo_abh", "Demo-ABH", Role.CASE_MANAGER.value,
         Team.IMMIGRATION_OFFICE.value, "de", created, 1000),
        (FIRST_STAFF_ID + 3, "demo_ebh", "Demo-EBH", Role.CASE_MANAGER.value,
         Team.NATURALISATION_OFFICE.value, "de", created, 500),
    ]  # fmt: skip
    funded_left = FUNDED_POSITIONS[Block.CASE_MANAGEMENT]
    for number in range(1, case_managers + 1):
        share = CASE_MANAGER_SHARES[(number - 1) % len(CASE_MANAGER_SHARES)]
        share = share if share <= funded_left else None
        funded_left -= share or 0
        rows.append(
            (FIRST_STAFF_ID - number, f"demo_cm_{number}", f"Demo-CM {number}",
             Role.CASE_MANAGER.value, Team.CASE_MANAGEMENT.value, "de", created, share)
        )  # fmt: skip
    return rows


def _staffing(staff: list[tuple], valid_from: date) -> list[tuple]:
    """Each block funded as in FUNDED_POSITIONS, from `valid_from`; vacant what its teams'
    staff do not fill."""
    rows = []
    for block, funded in FUNDED_POSITIONS.items():
        teams = {team.value for team in block.teams}
        filled = sum(row[7] or 0 for row in staff if row[4] in teams)
        money = funded * MONEY_PER_POSITION_CENTS // 1000
        rows.append(
            (block.value, valid_from.isoformat(), funded, max(0, funded - filled), money,
             FIRST_STAFF_ID, _moment(valid_from))
        )  # fmt: skip
    return rows


def _family(
    rng: random.Random,
    family_id: int,
    towns: tuple[str, ...],
    case_managers: list[int],
    first_day: date,
    today: date,
) -> tuple:
    """(id, town, origin, household, languages, fled, benefit, consent_on, opened_on,
    closed_on, status, case_manager_id, created_at)."""
    weights = [TOWN_WEIGHTS.get(town, 10) for town in towns]
    town = rng.choices(towns, weights)[0]
    if rng.random() < UKRAINE_SHARE:
        origin, languages, fled = "UA", ("uk", "ru") if rng.random() < 0.4 else ("uk",), 1
        benefit = rng.choice(("sgb2", "sgb2", "sgb2", "none"))
    else:
        origin = rng.choices(list(ORIGINS), [weight for weight, _ in ORIGINS.values()])[0]
        languages, fled = ORIGINS[origin][1], 0
        benefit = rng.choice(("sgb2", "sgb2", "asylblg", "asylblg", "sgb12", "none"))
    # Two thirds were there before the period; the others arrive during it.
    span = (today - first_day).days
    opened = first_day - timedelta(days=rng.randrange(365)) if rng.random() < 0.66 else (
        first_day + timedelta(days=rng.randrange(max(span, 1)))
    )  # fmt: skip
    closed = None
    if rng.random() < 0.12:
        closed = opened + timedelta(days=rng.randrange(30, 400))
        closed = closed if closed < today else None
    consent = opened + timedelta(days=rng.randrange(0, 21)) if rng.random() < 0.9 else None
    consent = consent if consent and consent <= today else None
    return (
        family_id, town, origin, rng.choice((1, 2, 2, 3, 3, 4, 4, 5, 6, 7)), ",".join(languages),
        fled, benefit, consent.isoformat() if consent else None, opened.isoformat(),
        closed.isoformat() if closed else None, "closed" if closed else "active",
        rng.choice(case_managers), _moment(opened),
    )  # fmt: skip


# How often a family moves within the county, and an AsylbLG family changes to SGB II
# (recognised as refugees, the Jobcenter takes over), while it is counselled.
MOVES = 0.03
TO_SGB_II = 0.25


def _histories(
    rng: random.Random, families: list[tuple], towns: tuple[str, ...], today: date
) -> tuple[list[tuple], list[tuple]]:
    """The families with their values after the last change, and every family's history."""
    final, changes = [], []
    for family in families:
        family_id, fled, closed = family[0], family[5], family[9]
        opened = date.fromisoformat(family[8])
        days = ((date.fromisoformat(closed) if closed else today) - opened).days
        events = []
        if days > 60 and family[6] == "asylblg" and rng.random() < TO_SGB_II:
            events.append((opened + timedelta(days=rng.randrange(30, days - 20)), 1, "sgb2"))
        elsewhere = [town for town in towns if town != family[1]]
        if days > 60 and elsewhere and rng.random() < MOVES:
            moved_to = rng.choice(elsewhere)
            events.append((opened + timedelta(days=rng.randrange(30, days - 20)), 0, moved_to))
        values = [family[1], family[6]]
        history = {opened: tuple(values)}
        for day, which, value in sorted(events):
            values[which] = value
            history[day] = tuple(values)
        changes += [(family_id, day.isoformat(), *held, 1, fled)
                    for day, held in sorted(history.items())]  # fmt: skip
        if closed:
            changes.append((family_id, closed, *values, 0, fled))
        final.append((family_id, values[0], *family[2:6], values[1], *family[7:]))
    return final, changes


def _contacts(rng: random.Random, families: list[tuple], today: date) -> Iterator[tuple]:
    """(family_id, staff_id, contact_on, minutes, type, topics, note, referral, follow_up_on,
    created_at, reminded_at) for each family's active days, about CONTACTS_PER_FAMILY_WEEK a
    week. Follow-ups before today count as reminded: demo staff are not reminded of the past."""
    types, type_weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    topics, topic_weights = list(TOPIC_WEIGHTS), list(TOPIC_WEIGHTS.values())
    services = list(Service)
    window_start = today - timedelta(weeks=520)
    for family in families:
        family_id, case_manager = family[0], family[11]
        start = max(date.fromisoformat(family[8]), window_start)
        end = date.fromisoformat(family[9]) if family[9] else today
        day = start + timedelta(days=int(rng.expovariate(CONTACTS_PER_FAMILY_WEEK / 7)))
        while day <= end:
            # Nobody works at the weekend: a contact drawn for Saturday or Sunday was Friday's.
            worked = day - timedelta(days=max(day.weekday() - 4, 0))
            if worked >= start:
                kind = rng.choices(types, type_weights)[0]
                chosen = set(rng.choices(topics, topic_weights, k=rng.choice((1, 1, 2, 2, 3))))
                referral = rng.choice(services).value if rng.random() < 0.08 else None
                follow_up = (
                    worked + timedelta(days=rng.randrange(3, 21)) if rng.random() < 0.1 else None
                )
                reminded = _moment(follow_up) if follow_up and follow_up < today else None
                yield (
                    family_id, case_manager, worked.isoformat(), rng.choice(TYPE_MINUTES[kind]),
                    kind.value, topics_to_bits(chosen), "", referral,
                    follow_up.isoformat() if follow_up else None, _moment(worked), reminded,
                )  # fmt: skip
            day += timedelta(days=1 + int(rng.expovariate(CONTACTS_PER_FAMILY_WEEK / 7)))


def _requests(
    rng: random.Random, families: list[tuple], today: date, fund_id: int, since: date
) -> list[tuple]:
    """(fund_id, family_id, requested_by, language, mode, starts_at, minutes, pages, town,
    purpose, professional, urgent, status, estimate, committed, spent, created_at, decided_at):
    about one request per 40 active families a week since the fund started, approved (if
    at all) the day it was made."""
    weeks = max((today - since).days // 7, 0)
    active = [family for family in families if family[10] == "active"]
    rows = []
    for _ in range(len(active) * weeks // 40):
        family = rng.choice(active)
        created = since + timedelta(days=rng.randrange(max((today - since).days, 1)))
        starts = created + timedelta(days=rng.randrange(2, 21))
        mode = rng.choice(("on_site", "on_site", "phone", "video", "written"))
        professional = rng.random() < 0.25
        minutes = None if mode == "written" else rng.choice((60, 90, 120))
        pages = rng.randrange(1, 6) if mode == "written" else None
        hour = 8500 if professional else 3000
        estimate = pages * 5400 if pages else minutes // 30 * hour // 2 + (
            2500 if mode == "on_site" else 0
        )  # fmt: skip
        if starts < today:
            status = rng.choice(("completed", "completed", "completed", "cancelled"))
        else:
            status = rng.choice(("requested", "approved", "approved"))
        spent = round(estimate * rng.uniform(0.85, 1.1)) if status == "completed" else 0
        committed = estimate if status in ("requested", "approved") else 0
        purpose = "doctor" if professional else rng.choice(("immigration_office", "jobcenter"))
        rows.append(
            (fund_id, family[0], family[11], family[4].split(",")[0], mode, _moment(starts, 10),
             minutes, pages, family[1] if mode == "on_site" else None,
             purpose,
             int(professional), 0, status, estimate, committed, spent, _moment(created),
             _moment(created, 15) if status in ("approved", "completed") else None)
        )  # fmt: skip
    return rows


def _invoices(requests: list[tuple]) -> list[tuple]:
    """The invoice of each completed request (one whose appointment has passed), dated and
    recorded the day after the appointment, from the pool or, for professionals, an agency."""
    rows = []
    for index, request in enumerate(requests):
        if request[12] != "completed":
            continue
        day = datetime.fromisoformat(request[5]).date() + timedelta(days=1)
        payee = AGENCY if request[10] else POOL
        number = f"RE-{day.year}-{len(rows) + 1:04d}"
        rows.append((index, payee, number, day.isoformat(), request[15], FIRST_STAFF_ID,
                     _moment(day)))  # fmt: skip
    return rows


def _flags(rng: random.Random, families: list[tuple], today: date) -> list[tuple]:
    """(family_id, category, description, raised_by, raised_at, closed_at, outcome)."""
    rows = []
    for family in rng.sample(families, k=min(len(families), max(1, len(families) // 50))):
        raised = today - timedelta(days=rng.randrange(1, 120))
        closed = raised + timedelta(days=rng.randrange(7, 60))
        done = closed < today and rng.random() < 0.5
        rows.append(
            (family[0], rng.choice(("waiting_time", "missing_service", "interface")),
             "Demo: Wartezeit auf Termin", family[11], _moment(raised),
             _moment(closed) if done else None, "Demo: mit Partnern geklärt" if done else None)
        )  # fmt: skip
    return rows


def _moment(day: date, hour: int = 9) -> str:
    return datetime.combine(day, time(hour), tzinfo=UTC).isoformat(timespec="seconds")
