"""Roles and teams of KIM staff, and who may do what with them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from bot.core.i18n import lazy_gettext


class Role(StrEnum):
    CASE_MANAGER = "case_manager"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(_ROLE_LABELS[self])

    @property
    def default_team(self) -> Team:
        return _DEFAULT_TEAMS[self]


class Team(StrEnum):
    CASE_MANAGEMENT = "case_management"
    COORDINATION = "coordination"
    ADMINISTRATION = "administration"
    IMMIGRATION_OFFICE = "immigration_office"
    NATURALISATION_OFFICE = "naturalisation_office"

    @property
    def label(self) -> str:
        return str(_TEAM_LABELS[self])


ALL_ROLES = frozenset(Role)
MANAGING_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})
ADMIN_ONLY = frozenset({Role.ADMIN})

_ROLE_LABELS = {
    Role.CASE_MANAGER: lazy_gettext("case manager"),
    Role.COORDINATOR: lazy_gettext("coordinator"),
    Role.ADMIN: lazy_gettext("administrator"),
}

_TEAM_LABELS = {
    Team.CASE_MANAGEMENT: lazy_gettext("Case Management"),
    Team.COORDINATION: lazy_gettext("Coordination"),
    Team.ADMINISTRATION: lazy_gettext("Administration"),
    Team.IMMIGRATION_OFFICE: lazy_gettext("Immigration office"),
    Team.NATURALISATION_OFFICE: lazy_gettext("Naturalisation office"),
}

_DEFAULT_TEAMS = {
    Role.CASE_MANAGER: Team.CASE_MANAGEMENT,
    Role.COORDINATOR: Team.COORDINATION,
    Role.ADMIN: Team.ADMINISTRATION,
}

# What people type for a role or team: the value itself, and the German and English words
# staff use for it. Keys are compared after casefolding and dropping "-", "_" and spaces.
_ROLE_WORDS = {
    Role.CASE_MANAGER: ("casemanager", "casemanagement", "fallmanager", "fallmanagerin", "cm"),
    Role.COORDINATOR: ("coordinator", "koordinator", "koordinatorin", "koordination"),
    Role.ADMIN: ("admin", "administrator", "administratorin", "verwaltung"),
}

_TEAM_WORDS = {
    Team.CASE_MANAGEMENT: ("casemanagement", "casemanagementkim", "cm"),
    Team.COORDINATION: ("coordination", "koordination"),
    Team.ADMINISTRATION: ("administration", "verwaltung"),
    Team.IMMIGRATION_OFFICE: (
        "immigrationoffice",
        "ausländerbehörde",
        "auslaenderbehoerde",
        "abh",
    ),
    Team.NATURALISATION_OFFICE: (
        "naturalisationoffice",
        "naturalizationoffice",
        "einbürgerungsbehörde",
        "einbuergerungsbehoerde",
        "ebh",
    ),
}


def _normalise(word: str) -> str:
    return "".join(ch for ch in word.casefold() if ch not in "-_ ")


def parse_role(word: str) -> Role | None:
    key = _normalise(word)
    return next((role for role, words in _ROLE_WORDS.items() if key in words), None)


def parse_team(word: str) -> Team | None:
    key = _normalise(word)
    return next((team for team, words in _TEAM_WORDS.items() if key in words), None)


# Who works with families: case managers their own, coordinators all (§ DOMAIN: roles).
CASEWORK_ROLES = frozenset({Role.CASE_MANAGER, Role.COORDINATOR})


def sees_all_families(role: Role) -> bool:
    """Coordinators and admins see every family; case managers only their own."""
    return role in MANAGING_ROLES


def may_see_family(
    role: Role, staff_id: int, responsible_id: int, covering: Collection[int] = ()
) -> bool:
    """Coordinators and admins see every family; a case manager their own, and while they
    cover for colleagues (`covering`, on the day asked), those colleagues' families."""
    return sees_all_families(role) or responsible_id == staff_id or responsible_id in covering


@dataclass(frozen=True)
class Reach:
    """Whose families a person works with on a day: this is `may_see_family` for lists."""

    role: Role
    staff_id: int
    # The colleagues this person covers for on that day (see bot/staff/cover.py).
    covering: frozenset[int] = frozenset()

    def sees(self, responsible_id: int) -> bool:
        return may_see_family(self.role, self.staff_id, responsible_id, self.covering)

    @property
    def case_managers(self) -> tuple[int, ...] | None:
        """Whose caseloads the person sees (their own first), or None for everyone's."""
        if sees_all_families(self.role):
            return None
        return (self.staff_id, *sorted(self.covering))

    def in_cover_for(self, responsible_id: int) -> int | None:
        """The absent colleague if the person sees this family only as their cover."""
        if may_see_family(self.role, self.staff_id, responsible_id):
            return None
        return responsible_id if responsible_id in self.covering else None


def may_invite(inviter: Role, invitee: Role) -> bool:
    """Admins invite anyone; coordinators invite case managers (§ DOMAIN: roles)."""
    if inviter is Role.ADMIN:
        return True
    return inviter is Role.COORDINATOR and invitee is Role.CASE_MANAGER


def invitable_roles(inviter: Role) -> list[Role]:
    return [role for role in Role if may_invite(inviter, role)]


# Staff of the immigration and naturalisation offices (Ausländerbehörde, Einbürgerungsbehörde)
# work in KIM with the role case_manager but have no caseload of their own.
OFFICE_TEAMS = frozenset({Team.IMMIGRATION_OFFICE, Team.NATURALISATION_OFFICE})


def is_office_staff(role: Role, team: Team) -> bool:
    return role is Role.CASE_MANAGER and team in OFFICE_TEAMS
