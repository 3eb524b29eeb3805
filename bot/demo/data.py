"""Realistic pseudonymous demo data: staff, families, contacts, requests, their invoices,
flags (reported, discussed, in progress, closed with an outcome), expenses of the other
budgets, staffing with dated shares, a cover and case conferences.

Deterministic for a given seed. Demo staff get negative Telegram ids, like the shell's
people, so they can never stand for a real Telegram account.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from bot.casework.conferences import ConferenceKind, Participant, participants_to_bits
from bot.casework.vocabulary import ContactType, FlagCategory, Service, Topic, topics_to_bits
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
# The first case manager works 0,8 instead of 1,0 since the start of the current year.
REDUCED_SHARE = 800
# The second case manager covers for the first, who is away, from two days ago for two weeks.
COVER_DAYS = (-2, 12)
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
# Structural gaps as case managers describe them, and what the coordination reached.
FLAG_TEXTS = {
    FlagCategory.WAITING_TIME: (
        "Vier Monate Wartezeit auf einen Termin bei der Ausländerbehörde",
        "Anerkennung des Berufsabschlusses dauert über ein Jahr",
        "Wartezeit auf einen Integrationskurs mit Kinderbetreuung",
    ),
    FlagCategory.MISSING_SERVICE: (
        "Kein Integrationskurs mit Kinderbetreuung im Südkreis",
        "Keine Sprachmittlung für Tigrinya im Kreis",
        "Kein Beratungsangebot zur Anerkennung in Wohnortnähe",
    ),
    FlagCategory.INTERFACE: (
        "Jobcenter und Ausländerbehörde verlangen widersprüchliche Nachweise",
        "Wechsel vom AsylbLG ins SGB II: Leistungslücke von sechs Wochen",
        "Schule und Jugendamt klären die Zuständigkeit nicht",
    ),
}
FLAG_ACTIONS = (
    "Ausländerbehörde und Jobcenter: gemeinsame Sprechstunde geplant",
    "Volkshochschule: Kurs mit Kinderbetreuung wird geprüft",
    "Sozialamt und Jobcenter: Übergabeverfahren wird abgestimmt",
)
FLAG_OUTCOMES = (
    "Terminkontingent für KIM-Fälle bei der Ausländerbehörde vereinbart",
    "Gemeinsame Sprechstunde von Jobcenter und Ausländerbehörde in Ahlen eingerichtet",
    "Integrationskurs mit Kinderbetreuung in Beckum ab dem nächsten Quartal",
    "Checkliste der Nachweise mit dem Jobcenter abgestimmt",
    "Übergabe vom Sozialamt an das Jobcenter mit festen Fristen geregelt",
)
# The other budgets' spending: (payee, purpose, category, euros from, euros to, every days).
EXPENSES = {
    "measures": (
        ("Volkshochschule Warendorf", "Sprachcafé: Honorar der Kursleitung", "honorar",
         350, 650, 14),
        ("Bürobedarf Münsterland", "Lernmaterial für Alphabetisierungskurse", "material",
         120, 480, 30),
        ("Familienzentrum Ahlen", "Elterngruppe mit Kinderbetreuung", "honorar", 400, 900, 30),
    ),
    "events": (
        ("Stadthalle Oelde", "Netzwerktreffen KIM: Raummiete", "raum", 600, 1200, 90),
        ("Catering Kaya", "Interkulturelles Fest: Verpflegung", "catering", 450, 1100, 75),
    ),
    "advice": (
        ("Kanzlei für Migrationsrecht Münster", "Rechtsberatung zum Aufenthaltsrecht",
         "beratung", 300, 600, 30),
        ("Supervision Westfalen", "Fallsupervision Case Management", "supervision",
         240, 480, 60),
    ),
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
    # (fund_id, amount_cents, payee, voucher, purpose, category, booked_on, booked_by,
    # booked_at): the other budgets' spending.
    expenses: list[tuple]
    # (block, valid_from, funded_permille, vacant_permille, money_cents, set_by, set_at):
    # what is not filled by the staff's shares of a position is vacant.
    staffing: list[tuple]
    # (staff_id, valid_from, fte_permille, set_by, set_at): shares of a position with history.
    fte_shares: list[tuple]
    # (covering_id, absent_id, starts_on, ends_on, set_by, set_at): a current cover.
    covers: list[tuple]
    # (family_id, valid_from, town, benefit, active, fled): each family's history from its
    # intake, with a few moves and changes from AsylbLG to SGB II; `families` holds the
    # values after the last change.
    family_changes: list[tuple]
    # (held_on, kind, participants, partner_name, topics, minutes, agreements, recorded_by,
    # recorded_at, family_ids): a few case conferences a week, about a third with the
    # immigration office, some with the naturalisation office; a cross-case meeting a month.
    conferences: list[tuple] = field(default_factory=list)


def generate(
    families: int,
    weeks: int,
    today: date,
    towns: tuple[str, ...],
    fund_id: int,
    fund_start: date,
    seed: int = 42,
    expense_funds: Mapping[str, tuple[int, date]] | None = None,
) -> DemoData:
    """Demo data for `families` families over the `weeks` weeks up to `today`;
    `expense_funds` (purpose → fund id and start) get the expenses of EXPENSES."""
    rng = random.Random(seed)
    first_day = today - timedelta(weeks=weeks)
    staff = _staff(max(1, round(families / FAMILIES_PER_CASE_MANAGER)))
    case_managers = [row[0] for row in staff if row[4] == Team.CASE_MANAGEMENT.value]
    shares = _fte_shares(staff, date(today.year, 1, 1))
    family_rows = [
        _family(rng, family_id, towns, case_managers, first_day, today)
        for family_id in range(1, families + 1)
    ]
    # Their own random numbers, so that everything else is as it was before families moved.
    family_rows, changes = _histories(random.Random(seed + 1), family_rows, towns, today)
    requests = _requests(rng, family_rows, today, fund_id, max(fund_start, first_day))
    return DemoData(
        staff=[row[:7] for row in staff],
        families=family_rows,
        contacts=_contacts(rng, family_rows, today),
        requests=requests,
        invoices=_invoices(requests),
        flags=_flags(rng, family_rows, today),
        expenses=_expenses(rng, expense_funds or {}, first_day, today),
        staffing=_staffing(staff, shares, FUNDED_FROM),
        fte_shares=shares,
        family_changes=changes,
        covers=_covers(case_managers, today),
        # A stream of its own: the other rows stay as they were before conferences came.
        conferences=_conferences(
            random.Random(f"{seed}-conferences"), family_rows, first_day, today
        ),
    )


def _staff(case_managers: int) -> list[tuple]:
    """(telegram_id, username, display_name, role, team, locale, created_at, fte_permille):
    the staff rows and, last, each person's first share of a position."""
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


def _fte_shares(staff: list[tuple], reduced_on: date) -> list[tuple]:
    """Each share from the person's registration; the first case manager's reduced to
    REDUCED_SHARE from `reduced_on`."""
    rows = []
    for row in staff:
        if row[7] is None:
            continue
        rows.append((row[0], row[6][:10], row[7], FIRST_STAFF_ID, row[6]))
        if row[0] == FIRST_STAFF_ID - 1 and row[7] > REDUCED_SHARE:
            rows.append(
                (row[0], reduced_on.isoformat(), REDUCED_SHARE, FIRST_STAFF_ID, _moment(reduced_on))
            )
    return rows


def _filled_on(staff: list[tuple], shares: list[tuple], teams: set[str], day: str) -> int:
    """The shares valid on `day` of the staff in these teams."""
    team_of = {row[0]: row[4] for row in staff}
    valid: dict[int, int] = {}
    for staff_id, valid_from, permille, *_ in sorted(shares, key=lambda share: share[1]):
        if valid_from <= day and team_of[staff_id] in teams:
            valid[staff_id] = permille
    return sum(valid.values())


def _staffing(staff: list[tuple], shares: list[tuple], valid_from: date) -> list[tuple]:
    """Each block funded as in FUNDED_POSITIONS, from `valid_from`; vacant what its teams'
    staff do not fill, entered again from each day a share changed."""
    days = sorted(
        {
            valid_from.isoformat(),
            *(share[1] for share in shares if share[1] > valid_from.isoformat()),
        }
    )
    rows = []
    for block, funded in FUNDED_POSITIONS.items():
        teams = {team.value for team in block.teams}
        money = funded * MONEY_PER_POSITION_CENTS // 1000
        vacant_before = None
        for day in days:
            vacant = max(0, funded - _filled_on(staff, shares, teams, day))
            if vacant != vacant_before:
                rows.append(
                    (block.value, day, funded, vacant, money, FIRST_STAFF_ID,
                     _moment(date.fromisoformat(day)))
                )  # fmt: skip
            vacant_before = vacant
    return rows


def _covers(case_managers: list[int], today: date) -> list[tuple]:
    """The second case manager covers for the first, who is away."""
    if len(case_managers) < 2:
        return []
    first, last = (today + timedelta(days=days) for days in COVER_DAYS)
    return [
        (case_managers[1], case_managers[0], first.isoformat(), last.isoformat(), FIRST_STAFF_ID,
         _moment(first, 8))
    ]  # fmt: skip


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
    """(family_id, category, description, raised_by, raised_at, closed_by, closed_at, outcome,
    state, discussed_by, discussed_at, discussion, progress_by, progress_at, actions): about
    one gap per 20 families in the last 240 days, taken by the coordination step by step
    (FLAG_TRANSITIONS) as far as the days since allow."""
    coordinator = FIRST_STAFF_ID
    rows = []
    for family in rng.sample(families, k=min(len(families), max(1, len(families) // 20))):
        category = rng.choice(list(FLAG_TEXTS))
        raised = today - timedelta(days=rng.randrange(1, 240))
        discussed = raised + timedelta(days=rng.randrange(3, 15))
        progress = discussed + timedelta(days=rng.randrange(7, 30))
        closed = progress + timedelta(days=rng.randrange(14, 90))
        steps = [day if day < today else None for day in (discussed, progress, closed)]
        if rng.random() < 0.2:
            steps[1:] = [None, None]  # some stay discussed: nobody to take them on yet
        if steps[1] is None:
            steps[2] = None
        state = ("closed" if steps[2] else "in_progress" if steps[1]
                 else "discussed" if steps[0] else "reported")  # fmt: skip
        rows.append(
            (family[0], category.value, rng.choice(FLAG_TEXTS[category]), family[11],
             _moment(raised), coordinator if steps[2] else None,
             _moment(steps[2]) if steps[2] else None,
             rng.choice(FLAG_OUTCOMES) if steps[2] else None, state,
             coordinator if steps[0] else None, _moment(steps[0]) if steps[0] else None,
             "In der Steuerungsrunde besprochen" if steps[0] else None,
             coordinator if steps[1] else None, _moment(steps[1]) if steps[1] else None,
             rng.choice(FLAG_ACTIONS) if steps[1] else None)
        )  # fmt: skip
    return rows


def _expenses(
    rng: random.Random, funds: Mapping[str, tuple[int, date]], first_day: date, today: date
) -> list[tuple]:
    """Each budget's regular spending (EXPENSES) from its start (or the demo's first day),
    booked by the administration on the day."""
    rows = []
    for purpose, (fund_id, starts_on) in funds.items():
        for payee, text, category, low, high, every in EXPENSES.get(purpose, ()):
            day = max(starts_on, first_day) + timedelta(days=rng.randrange(every))
            while day <= today:
                rows.append(
                    (fund_id, rng.randrange(low, high + 1) * 100, payee,
                     f"RE-{day.year}-{len(rows) + 1:04d}", f"{text} #{category}", category,
                     day.isoformat(),
                     FIRST_STAFF_ID + 1, _moment(day, 11))
                )  # fmt: skip
                day += timedelta(days=every)
    return rows


def _moment(day: date, hour: int = 9) -> str:
    return datetime.combine(day, time(hour), tzinfo=UTC).isoformat(timespec="seconds")


# Partners at conferences, as staff name them.
PARTNERS = ("Jobcenter Kreis Warendorf", "Sozialamt", "Jugendamt", "Schule", "Kita-Träger")
CONFERENCE_TOPICS = (Topic.RESIDENCE, Topic.WORK, Topic.NATURALISATION, Topic.HOUSING,
                     Topic.BENEFITS, Topic.SCHOOL)  # fmt: skip


def _conferences(
    rng: random.Random, families: list[tuple], first_day: date, today: date
) -> list[tuple]:
    """Three case conferences a week, each about one or two active families of its case
    manager; a third with the immigration office, one in eight with the naturalisation
    office, one in five with a partner; and on every month's first Wednesday a cross-case
    meeting of coordination, case management and both offices."""
    cm, abh, ebh = (
        Participant.CASE_MANAGEMENT,
        Participant.IMMIGRATION_OFFICE,
        (Participant.NATURALISATION_OFFICE),
    )
    rows = []
    day = first_day
    while day < today:
        # A few draws find an active family without scanning them all (the benchmark's
        # county has hundreds of thousands).
        drawn = [rng.choice(families) for _draw in range(8)] if families else []
        active = [family for family in drawn if family[8] <= day.isoformat()
                  and (family[9] is None or family[9] > day.isoformat())]  # fmt: skip
        if day.weekday() in (0, 2, 3) and active:
            family = rng.choice(active)
            linked = [family[0]]
            mine = [other[0] for other in active if other[11] == family[11] and other != family]
            if mine and rng.random() < 0.25:
                linked.append(mine[0])
            teams = {cm}
            partner = ""
            if rng.random() < 1 / 3:
                teams.add(abh)
            if rng.random() < 1 / 8:
                teams.add(ebh)
            if rng.random() < 0.2:
                teams.add(Participant.PARTNERS)
                partner = rng.choice(PARTNERS)
            topic = Topic.RESIDENCE if abh in teams else rng.choice(CONFERENCE_TOPICS)
            # The immigration office records some of its conferences itself.
            recorder = FIRST_STAFF_ID + 2 if abh in teams and rng.random() < 0.3 else family[11]
            rows.append(
                (day.isoformat(), ConferenceKind.CASE.value, participants_to_bits(teams),
                 partner, topics_to_bits([topic]), rng.choice((45, 60, 90)),
                 "Demo: Absprachen zum weiteren Vorgehen", recorder, _moment(day, 15),
                 tuple(linked))
            )  # fmt: skip
        if day.weekday() == 2 and day.day <= 7:
            rows.append(
                (day.isoformat(), ConferenceKind.CROSS_CASE.value,
                 participants_to_bits([Participant.COORDINATION, cm, abh, ebh]), "",
                 topics_to_bits([Topic.RESIDENCE, Topic.NATURALISATION]), 120,
                 "Demo: Abläufe zwischen KIM und Behörden", FIRST_STAFF_ID, _moment(day, 14), ())
            )  # fmt: skip
        day += timedelta(days=1)
    return rows
