"""/invite and /start: one-time codes, valid 7 days, that register staff with a role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.offline import Person
from bot.staff.roles import Role, Team
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR, STRANGER
from tests.helpers.harness import BotHarness, only_text, texts
from tests.helpers.texts import de, invitation_code


async def invite(bot: BotHarness, inviter: Person, arguments: str) -> str:
    return invitation_code(only_text(await bot.send(inviter, f"/invite {arguments}")))


async def test_an_admin_invites_with_a_code_a_deep_link_and_the_expiry(bot: BotHarness) -> None:
    reply = only_text(await bot.send(ADMIN, "/invite case_manager"))

    code = invitation_code(reply)
    assert reply == (
        "Einladung (Rolle: Case Manager*in, Team: Case Management), einmal gültig bis "
        "01.12.2026, 09:00.\n\n"
        "Senden Sie diesen Link an Ihre Kollegin oder Ihren Kollegen:\n"
        f"https://t.me/kim_warendorf_bot?start={code}\n\n"
        f"Oder sie schicken dem Bot: <code>/start {code}</code>"
    )
    invitation = await bot.storage.invitations.get(code)
    assert (invitation.role, invitation.team, invitation.created_by) == (
        Role.CASE_MANAGER,
        Team.CASE_MANAGEMENT,
        ADMIN.id,
    )
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


@pytest.mark.parametrize(
    ("arguments", "role", "team"),
    [
        ("coordinator", Role.COORDINATOR, Team.COORDINATION),
        ("admin", Role.ADMIN, Team.ADMINISTRATION),
        ("case_manager Ausländerbehörde", Role.CASE_MANAGER, Team.IMMIGRATION_OFFICE),
        ("Fallmanagerin einbuergerungsbehoerde", Role.CASE_MANAGER, Team.NATURALISATION_OFFICE),
        ("case_manager Case Management", Role.CASE_MANAGER, Team.CASE_MANAGEMENT),
    ],
)
async def test_roles_and_teams_are_understood_in_german_and_english(
    bot: BotHarness, arguments: str, role: Role, team: Team
) -> None:
    code = await invite(bot, ADMIN, arguments)

    invitation = await bot.storage.invitations.get(code)
    assert (invitation.role, invitation.team) == (role, team)


async def test_invite_without_arguments_offers_the_roles_one_may_invite(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)

    admin_choice = await bot.send(ADMIN, "/invite")
    coordinator_choice = await bot.send(COORDINATOR, "/invite")

    assert [b["text"] for b in admin_choice[0].buttons] == [
        "Case Manager*in",
        "Koordinator*in",
        "Administrator*in",
    ]
    assert [b["text"] for b in coordinator_choice[0].buttons] == ["Case Manager*in"]

    pressed = await bot.press(COORDINATOR, "Case Manager*in")
    assert [call.method for call in pressed] == ["answerCallbackQuery", "editMessageText"]
    invitation = await bot.storage.invitations.get(invitation_code(pressed[1].text))
    assert (invitation.role, invitation.created_by) == (Role.CASE_MANAGER, COORDINATOR.id)


async def test_coordinators_invite_case_managers_only(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)

    reply = only_text(await bot.send(COORDINATOR, "/invite coordinator"))

    assert reply == (
        "Als Koordinator*in dürfen Sie nur Case Manager*innen einladen. "
        "Beispiel: /invite case_manager"
    )
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM invitations") == 0


async def test_case_managers_may_not_invite(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)

    reply = only_text(await bot.send(CASE_MANAGER, "/invite case_manager"))

    assert reply == (
        "/invite ist für Ihre Rolle (Case Manager*in) nicht freigegeben. /help zeigt Ihre Befehle."
    )
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM invitations") == 0


async def test_an_unknown_role_or_team_is_named_with_an_example(bot: BotHarness) -> None:
    role_reply = only_text(await bot.send(ADMIN, "/invite chef"))
    team_reply = only_text(await bot.send(ADMIN, "/invite case_manager Bauamt"))

    assert role_reply == (
        "Unbekannte Rolle „chef“. Rollen: case_manager, coordinator, admin. "
        "Beispiel: /invite case_manager"
    )
    assert team_reply.startswith("Unbekanntes Team „Bauamt“.")
    assert "Beispiel: /invite case_manager auslaenderbehoerde" in team_reply
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM invitations") == 0


async def test_a_code_registers_the_newcomer_in_their_telegram_language(bot: BotHarness) -> None:
    code = await invite(bot, ADMIN, "case_manager")

    calls = await bot.send(COLLEAGUE, f"/start {code}")

    member = await bot.storage.staff.get(COLLEAGUE.id)
    assert (member.role, member.team, member.locale, member.invited_by) == (
        Role.CASE_MANAGER,
        Team.CASE_MANAGEMENT,
        "uk",
        ADMIN.id,
    )
    assert [call.method for call in calls] == ["sendMessage", "setMyCommands", "sendMessage"]
    welcome, menu, notice = calls
    assert welcome.params["chat_id"] == COLLEAGUE.id
    assert welcome.text.startswith(
        "Ласкаво просимо до KIM-Bot, Oksana! Вас зареєстровано "
        "(роль: кейс-менеджер, відділ: Кейс-менеджмент)."
    )
    assert menu.params["scope"] == {"type": "chat", "chat_id": COLLEAGUE.id}
    commands = {command["command"]: command["description"] for command in menu.params["commands"]}
    assert "log" in commands and "invite" not in commands
    assert commands["help"] == "Показати доступні Вам команди"
    assert notice.params["chat_id"] == ADMIN.id
    assert notice.text == (
        "@oksana_cm hat Ihre Einladung angenommen und ist jetzt registriert "
        "(Rolle: Case Manager*in)."
    )
    assert await bot.storage.audit.actions(COLLEAGUE.id) == ["invitation.redeem"]


async def test_a_code_works_only_once(bot: BotHarness) -> None:
    code = await invite(bot, ADMIN, "case_manager")
    await bot.send(COLLEAGUE, f"/start {code}")

    reply = only_text(await bot.send(STRANGER, f"/start {code}"))

    assert reply.startswith("Dieser Einladungscode wurde bereits verwendet.")
    assert await bot.storage.staff.get(STRANGER.id) is None


async def test_a_code_expires_after_seven_days(bot: BotHarness) -> None:
    code = await invite(bot, ADMIN, "case_manager")
    bot.time.advance(days=7)

    reply = only_text(await bot.send(STRANGER, f"/start {code}"))

    assert reply == (
        "Dieser Einladungscode ist abgelaufen (Codes gelten 7 Tage). "
        "Bitte fragen Sie nach einer neuen Einladung."
    )
    assert await bot.storage.staff.get(STRANGER.id) is None


async def test_a_code_is_still_valid_just_before_seven_days(bot: BotHarness) -> None:
    code = await invite(bot, ADMIN, "case_manager")
    bot.time.advance(days=7, seconds=-1)

    await bot.send(STRANGER, f"/start {code}")

    assert (await bot.storage.staff.get(STRANGER.id)).active


@pytest.mark.parametrize("code", ["AAAAAAAAAAAAAAAA", "x", "<script>", "😀😀😀😀😀😀😀😀"])
async def test_an_unknown_code_is_refused(bot: BotHarness, code: str) -> None:
    reply = only_text(await bot.send(STRANGER, f"/start {code}"))

    assert reply.startswith("Dieser Einladungscode ist ungültig.")
    assert await bot.storage.staff.get(STRANGER.id) is None


async def test_a_revoked_inviters_codes_stop_working(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)
    code = await invite(bot, COORDINATOR, "case_manager")
    await bot.send(ADMIN, f"/revoke {COORDINATOR.id}")

    reply = only_text(await bot.send(STRANGER, f"/start {code}"))

    assert reply.startswith("Diese Einladung gilt nicht mehr, weil die Person")
    assert await bot.storage.staff.get(STRANGER.id) is None


async def test_a_registered_person_does_not_use_up_a_code(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    code = await invite(bot, ADMIN, "coordinator")

    reply = only_text(await bot.send(CASE_MANAGER, f"/start {code}"))

    assert reply.startswith("Sie sind bereits registriert, der Code wurde daher nicht verwendet.")
    assert (await bot.storage.staff.get(CASE_MANAGER.id)).role is Role.CASE_MANAGER
    assert (await bot.storage.invitations.get(code)).used_by is None


async def test_a_revoked_person_can_be_invited_back(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.send(ADMIN, "/revoke @anna_kim")
    code = await invite(bot, ADMIN, "coordinator")

    await bot.send(CASE_MANAGER, f"/start {code}")

    member = await bot.storage.staff.get(CASE_MANAGER.id)
    assert (member.active, member.role) == (True, Role.COORDINATOR)


async def test_start_without_code(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.send(ADMIN, "/revoke @konrad_koord")

    registered = only_text(await bot.send(CASE_MANAGER, "/start"))
    revoked = texts(await bot.send(COORDINATOR, "/start"))
    stranger = only_text(await bot.send(STRANGER, "/start"))

    assert registered == (
        "Willkommen zurück, Anna (Rolle: Case Manager*in, Team: Case "
        "Management). /help zeigt Ihre Befehle."
    )
    assert revoked == [
        "Ihr Zugang zu KIM-Bot wurde deaktiviert. Bei Fragen wenden Sie sich "
        "bitte an die KIM-Koordination."
    ]
    assert stranger.startswith(
        "Willkommen bei KIM-Bot. Für die Nutzung brauchen Sie eine Einladung"
    )
    assert await bot.storage.staff.get(STRANGER.id) is None


TOO_MANY_TRIES = (
    "You have tried {count} invitation codes that did not work within an hour. To protect the "
    "bot against guessing, I check no code until {time}, not even a correct one. Please send "
    "it again then."
)


async def test_after_five_codes_that_did_not_work_no_code_is_checked_for_an_hour(
    bot: BotHarness,
) -> None:
    expired = await invite(bot, ADMIN, "case_manager")
    bot.time.advance(days=7, minutes=1)
    code = await invite(bot, ADMIN, "case_manager")
    guesses = ["AAAAAAAAAAAAAAAA", "zz", expired, "BBBBBBBBBBBBBBBB", "<b>&"]
    for guess in guesses:
        await bot.send(STRANGER, f"/start {guess}")
        bot.time.advance(minutes=5)

    refused = only_text(await bot.send(STRANGER, f"/start {code}"))

    # The first guess was 25 minutes ago, at 09:01 on 1 December in Berlin.
    assert refused == de(TOO_MANY_TRIES, count=5, time="01.12.2026, 10:01")
    assert await bot.storage.staff.get(STRANGER.id) is None
    assert (await bot.storage.invitations.get(code)).used_by is None

    bot.time.advance(minutes=35)
    welcome = texts(await bot.send(STRANGER, f"/start {code}"))[0]

    assert welcome.startswith("Willkommen bei KIM-Bot, Fremd!")
    assert (await bot.storage.staff.get(STRANGER.id)).role is Role.CASE_MANAGER


async def test_four_codes_that_did_not_work_leave_the_right_one_working(bot: BotHarness) -> None:
    code = await invite(bot, ADMIN, "case_manager")
    for _ in range(4):
        await bot.send(STRANGER, "/start AAAAAAAAAAAAAAAA")

    await bot.send(STRANGER, f"/start {code}")

    assert (await bot.storage.staff.get(STRANGER.id)).role is Role.CASE_MANAGER
