"""/help and the command menus show exactly what each role may use."""

from __future__ import annotations

import pytest

from bot.core.config import Settings
from bot.core.offline import Person
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR
from tests.helpers.harness import BotHarness, FakeTime, only_text

CASEWORK = ["log", "undo", "families", "family", "newfamily", "consent", "closefamily"]
FIGURES = ["week", "month", "year"]
MANAGING = [
    "caseload",
    "fte",
    "staffing",
    "cover",
    "committee",
    "export",
    "subscribe",
    "unsubscribe",
]
EXPECTED = {
    Role.CASE_MANAGER: [
        *CASEWORK, "editfamily", "due", "flag", "conference", "conferences", "interpreter",
        "requests", "cancelrequest", "translate", *FIGURES, "language", "help", "cancel",
    ],
    Role.COORDINATOR: [
        *CASEWORK, "transfer", "editfamily", "due", "flag", "flags", "closeflag", "conference",
        "conferences", "interpreter", "requests", "cancelrequest", "approve", "reject",
        "invoice", "budget", "spend", "proof", "translate", *FIGURES,
        *MANAGING, "invite", "users", "language", "help", "cancel",
    ],
    Role.ADMIN: [
        "families", "family", "requests", "cancelrequest", "invoice", "budget", "fund",
        "rates", "spend", "proof", *FIGURES,
        *MANAGING, "invite", "users", "revoke", "audit", "dataexport", "forget", "status",
        "backup", "language", "help", "cancel",
    ],
}  # fmt: skip
PERSON = {Role.CASE_MANAGER: CASE_MANAGER, Role.COORDINATOR: COORDINATOR, Role.ADMIN: ADMIN}


@pytest.mark.parametrize("role", list(Role))
async def test_help_lists_exactly_the_commands_of_the_role(bot: BotHarness, role: Role) -> None:
    person = PERSON[role]
    if role is not Role.ADMIN:
        await bot.register(person, role)

    lines = only_text(await bot.send(person, "/help")).splitlines()

    assert [
        line.split(" – ")[0].removeprefix("/") for line in lines if line.startswith("/")
    ] == EXPECTED[role]
    assert lines[-1].startswith("Datenschutz: Familien kennt der Bot nur unter ihrem Code.")


@pytest.mark.parametrize("role", list(Role))
async def test_every_listed_command_is_accepted_for_the_role(bot: BotHarness, role: Role) -> None:
    person = PERSON[role]
    if role is not Role.ADMIN:
        await bot.register(person, role)

    for name in EXPECTED[role]:
        for reply in (call.text or "" for call in await bot.send(person, f"/{name}")):
            assert "nicht freigegeben" not in reply and "kenne ich nicht" not in reply


async def test_menus_are_published_per_language_and_per_person_at_start(
    settings: Settings, time: FakeTime
) -> None:
    async with BotHarness(settings, time) as first:
        await first.register(CASE_MANAGER, Role.CASE_MANAGER, locale="en")
    async with BotHarness(settings, time) as restarted:
        calls = [call for call in restarted.telegram.calls if call.method == "setMyCommands"]

    defaults = [
        (call.params.get("language_code"), call.params["commands"])
        for call in calls
        if call.params["scope"] == {"type": "default"}
    ]
    assert defaults == [
        (
            "de",
            [{"command": "start", "description": "Starten oder mit Einladungscode registrieren"}],
        ),
        ("en", [{"command": "start", "description": "Start or register with an invitation code"}]),
        (
            "uk",
            [{"command": "start", "description": "Почати або зареєструватися з кодом запрошення"}],
        ),
        (
            None,
            [{"command": "start", "description": "Starten oder mit Einladungscode registrieren"}],
        ),
    ]
    per_person = {
        call.params["scope"]["chat_id"]: call.params["commands"]
        for call in calls
        if call.params["scope"]["type"] == "chat"
    }
    assert set(per_person) == {ADMIN.id, CASE_MANAGER.id}
    commands = {
        command["command"]: command["description"] for command in per_person[CASE_MANAGER.id]
    }
    assert list(commands) == EXPECTED[Role.CASE_MANAGER]
    assert commands["help"] == "Show the commands you may use"


async def test_an_unknown_command_and_plain_text_point_to_help(bot: BotHarness) -> None:
    assert only_text(await bot.send(ADMIN, "/kaffee")) == (
        "Diesen Befehl kenne ich nicht. /help zeigt die Befehle, die Sie nutzen können."
    )
    assert only_text(await bot.send(ADMIN, "Guten Morgen")) == (
        "Das habe ich nicht verstanden. /help zeigt die Befehle, die Sie nutzen können."
    )


async def test_the_configured_admin_exists_after_the_first_start(bot: BotHarness) -> None:
    admin = await bot.storage.staff.get(ADMIN.id)

    assert (admin.role, admin.active) == (Role.ADMIN, True)


async def test_a_revoked_configured_admin_stays_revoked_after_a_restart(
    settings: Settings, time: FakeTime
) -> None:
    second_admin = Person(1009, "Bernd", "bernd_admin")
    async with BotHarness(
        settings.model_copy(update={"admin_telegram_ids": (ADMIN.id, 1009)}), time
    ) as first:
        await first.send(second_admin, f"/revoke {ADMIN.id}")
    async with BotHarness(settings, time) as restarted:
        assert not (await restarted.storage.staff.get(ADMIN.id)).active
