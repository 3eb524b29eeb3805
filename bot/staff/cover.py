"""Cover for an absent colleague: a case manager acts for another from a first to a last day.

While a cover holds, the covering person sees the absent person's families as their own
(`Reach` in roles.py decides that, with the covers holding on the day asked); it ends by
itself after its last day, Europe/Berlin, or earlier when a coordinator ends it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.i18n import _, format_date
from bot.core.parsing import ParseError, parse_coming_day, quoted
from bot.staff.roles import Role
from bot.staff.staff import StaffMember

EXAMPLE = "/cover @oksana_cm for @anna_kim until 18.12."
END_EXAMPLE = "/cover end 3"

# The words staff type, in German, English and Ukrainian, compared after casefolding.
_FOR_WORDS = frozenset({"for", "für", "fuer", "statt", "за", "замість"})
_FROM_WORDS = frozenset({"from", "ab", "von", "vom", "від", "з"})
_UNTIL_WORDS = frozenset({"until", "till", "to", "bis", "до", "по"})
END_WORDS = frozenset({"end", "ende", "beenden", "stop", "завершити", "кінець"})


@dataclass(frozen=True)
class CoverOrder:
    """What a coordinator typed: who covers (as typed), for whom, from and until which day."""

    covering: str
    absent: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Cover:
    id: int
    covering_id: int
    absent_id: int
    starts_on: date
    ends_on: date
    set_by: int | None
    ended_at: datetime | None = None

    def holds_on(self, day: date) -> bool:
        """Whether the cover gives access on `day`: between its days and not ended early."""
        return self.ended_at is None and self.starts_on <= day <= self.ends_on

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.ended_at is None and self.starts_on <= ends_on and starts_on <= self.ends_on


def parse_cover(args: Sequence[str], today: date) -> CoverOrder:
    """`@covering for @absent [from DAY] until DAY`; the first day is today unless given."""
    words = list(args)
    if len(words) >= 2 and words[1].casefold() in _FOR_WORDS:
        del words[1]
    if len(words) < 2 or not _is_person(words[0]) or not _is_person(words[1]):
        raise ParseError(
            _("Who covers for whom, until when? Example: {example}").format(example=EXAMPLE)
        )
    covering, absent, rest = words[0], words[1], words[2:]
    days: dict[str, date] = {}
    while rest:
        word = rest.pop(0).casefold()
        key = "from" if word in _FROM_WORDS else "until" if word in _UNTIL_WORDS else None
        if key is None or not rest or key in days:
            raise ParseError(
                _("“{text}” is not understood here. Example: {example}").format(
                    text=quoted(word, 30), example=EXAMPLE
                )
            )
        days[key] = parse_coming_day(rest.pop(0), today)
    if "until" not in days:
        raise ParseError(
            _("Until which day? A cover ends by itself after its last day. Example: {example}")
            .format(example=EXAMPLE)
        )  # fmt: skip
    return CoverOrder(covering, absent, days.get("from", today), days["until"])


def _is_person(word: str) -> bool:
    return word.startswith("@") or word.lstrip("-").isdigit()


def parse_cover_number(args: Sequence[str]) -> int:
    """`/cover end 3`: the number of the cover to end."""
    number = args[1].lstrip("#") if len(args) == 2 else ""
    if not (number.isascii() and number.isdigit() and len(number) <= 9):
        raise ParseError(
            _("Which cover? /cover lists them with their numbers. Example: {example}").format(
                example=END_EXAMPLE
            )
        )
    return int(number)


def cover_refusal(
    covering: StaffMember, absent: StaffMember, order: CoverOrder, same_pair: Sequence[Cover]
) -> str | None:
    """Why this cover cannot be set, or None; `same_pair` are the pair's covers not over."""
    if covering.telegram_id == absent.telegram_id:
        return _("Nobody can cover for themselves. Example: {example}").format(example=EXAMPLE)
    for person in (covering, absent):
        if not person.active:
            return _("{name} no longer has access: /users lists the active staff.").format(
                name=html.escape(person.handle)
            )
        if person.role is not Role.CASE_MANAGER:
            return _(
                "{name} is not a case manager: a cover lets one case manager act for another "
                "(coordinators see every family anyway)."
            ).format(name=html.escape(person.handle))
    if order.ends_on < order.starts_on:
        return _("The last day, {end}, is before the first, {start}. Example: {example}").format(
            end=format_date(order.ends_on), start=format_date(order.starts_on), example=EXAMPLE
        )
    clash = next(
        (cover for cover in same_pair if cover.overlaps(order.starts_on, order.ends_on)), None
    )
    if clash is not None:
        return _(
            "{covering} already covers for {absent} from {start} to {end} (cover {id}). "
            "To change it: /cover end {id}, then set it again."
        ).format(
            covering=html.escape(covering.handle),
            absent=html.escape(absent.handle),
            start=format_date(clash.starts_on),
            end=format_date(clash.ends_on),
            id=clash.id,
        )
    return None


def cover_mark(names: Mapping[int, str], absent_id: int) -> str:
    """After a family, follow-up or request the sender sees only through a cover."""
    return _("in cover for {name}").format(name=html.escape(names.get(absent_id, str(absent_id))))


def cover_line(cover: Cover, names: Mapping[int, str], today: date) -> str:
    """One cover in the list: number, who for whom, the days, current or planned."""
    state = _("current") if cover.holds_on(today) else _("planned")
    return _("{id}: {covering} for {absent}, {start} – {end} ({state})").format(
        id=cover.id,
        covering=html.escape(names.get(cover.covering_id, str(cover.covering_id))),
        absent=html.escape(names.get(cover.absent_id, str(cover.absent_id))),
        start=format_date(cover.starts_on),
        end=format_date(cover.ends_on),
        state=state,
    )


def covers_text(covers: Sequence[Cover], names: Mapping[int, str], today: date) -> str:
    if not covers:
        return _("No current or planned covers. To set one: {example}").format(example=EXAMPLE)
    lines = [_("<b>Covers</b>")]
    lines += ["• " + cover_line(cover, names, today) for cover in covers]
    lines += ["", _("To end one early: {example}").format(example=END_EXAMPLE)]
    return "\n".join(lines)


def cover_set_text(cover: Cover, covering: str, absent: str) -> str:
    return _(
        "Cover {id}: {covering} covers for {absent} from {start} to {end}. It ends by itself "
        "after {end}. Both have been told."
    ).format(
        id=cover.id,
        covering=html.escape(covering),
        absent=html.escape(absent),
        start=format_date(cover.starts_on),
        end=format_date(cover.ends_on),
    )


def covering_notice(cover: Cover, absent: str, coordinator: str) -> str:
    """For the person who covers, in their language."""
    return _(
        "From {start} to {end} you cover for {absent} (set by {coordinator}): their families "
        "are in /families, /family and /due, and you can /log for them, request interpreters "
        "and cancel their requests. Everything you do for them is recorded as done in cover."
    ).format(
        start=format_date(cover.starts_on),
        end=format_date(cover.ends_on),
        absent=html.escape(absent),
        coordinator=html.escape(coordinator),
    )


def absent_notice(cover: Cover, covering: str, coordinator: str) -> str:
    """For the person covered for, in their language."""
    return _(
        "From {start} to {end} {covering} covers for you (set by {coordinator}) and sees your "
        "families."
    ).format(
        start=format_date(cover.starts_on),
        end=format_date(cover.ends_on),
        covering=html.escape(covering),
        coordinator=html.escape(coordinator),
    )


def ended_notice(cover: Cover, covering: str, absent: str) -> str:
    """For both, when a coordinator ends a cover early."""
    return _("Cover {id} ({covering} for {absent}) was ended early.").format(
        id=cover.id, covering=html.escape(covering), absent=html.escape(absent)
    )


def begun_notice_covering(cover: Cover, absent: str) -> str:
    """For the person who covers, on the first day of a cover set in advance."""
    return _(
        "Your cover for {absent} begins today and lasts until {end}: their families are in "
        "/families."
    ).format(absent=html.escape(absent), end=format_date(cover.ends_on))


def begun_notice_absent(cover: Cover, covering: str) -> str:
    """For the person covered for, on the first day of a cover set in advance."""
    return _("From today until {end} {covering} covers for you.").format(
        end=format_date(cover.ends_on), covering=html.escape(covering)
    )


def over_notice(cover: Cover, covering: str, absent: str) -> str:
    """For both, the morning after the last day."""
    return _(
        "The cover of {covering} for {absent} ended with {end}: {covering} no longer sees the "
        "families of {absent}."
    ).format(
        covering=html.escape(covering), absent=html.escape(absent), end=format_date(cover.ends_on)
    )
