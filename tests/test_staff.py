"""/users lists staff; /revoke deactivates a person at once."""

from __future__ import annotations

from bot.core.offline import Person
from bot.staff.roles import Role, Team
from tests.conftest import ADMIN, CASE_MANAGER, COLLEAGUE, COORDINATOR
from tests.helpers.harness import BotHarness, only_text


async def test_users_lists_role_team_language_and_status(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER, Team.IMMIGRATION_OFFICE)
    await bot.register(COLLEAGUE, Role.CASE_MANAGER, locale="uk")
    await bot.send(ADMIN, "/revoke @oksana_cm")

    reply = only_text(await bot.send(COORDINATOR, "/users"))

    assert reply.splitlines() == [
        "<b>3 aktive Personen im Team</b>",
        "• @amira_admin (ID 1001): Administrator*in, Verwaltung, Deutsch, aktiv",
        "• @konrad_koord (ID 1002): Koordinator*in, Koordination, Deutsch, aktiv",
        "• @anna_kim (ID 1003): Case Manager*in, Ausländerbehörde, Deutsch, aktiv",
        "• @oksana_cm (ID 1004): Case Manager*in, Case Management, Ukrainisch, deaktiviert",
    ]


async def test_users_escapes_names_from_telegram(bot: BotHarness) -> None:
    await bot.storage.staff.update_profile(ADMIN.id, None, "<b>Amira</b> & Co")

    reply = only_text(await bot.send(Person(ADMIN.id, "<b>Amira</b> & Co", None), "/users"))

    assert "• &lt;b&gt;Amira&lt;/b&gt; &amp; Co (ID 1001)" in reply


async def test_revoke_deactivates_at_once_and_tells_the_person(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)

    calls = await bot.send(ADMIN, "/revoke @Anna_KIM")

    assert [call.method for call in calls] == ["sendMessage", "deleteMyCommands", "sendMessage"]
    assert calls[0].text == (
        "Zugang von @anna_kim deaktiviert. Ab sofort weist der Bot jede Nachricht dieser Person ab."
    )
    assert calls[1].params["scope"] == {"type": "chat", "chat_id": CASE_MANAGER.id}
    assert calls[2].params["chat_id"] == CASE_MANAGER.id
    member = await bot.storage.staff.get(CASE_MANAGER.id)
    assert member.status == "revoked"
    row = await bot.storage.db.fetch_one(
        "SELECT revoked_by, revoked_at FROM staff WHERE telegram_id = ?", (CASE_MANAGER.id,)
    )
    assert (row["revoked_by"], row["revoked_at"]) == (ADMIN.id, "2026-11-24T08:00:00+00:00")
    assert await bot.storage.audit.actions(ADMIN.id) == ["staff.bootstrap_admin", "staff.revoke"]


async def test_revoke_by_telegram_id(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)

    await bot.send(ADMIN, f"/revoke {COORDINATOR.id}")

    assert not (await bot.storage.staff.get(COORDINATOR.id)).active


async def test_revoke_refusals(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.send(ADMIN, "/revoke @anna_kim")

    assert only_text(await bot.send(ADMIN, "/revoke")) == (
        "Wessen Zugang soll deaktiviert werden? Geben Sie eine Telegram-ID oder einen "
        "@benutzernamen aus /users an. Beispiel: /revoke @anna_kim"
    )
    assert only_text(await bot.send(ADMIN, "/revoke @niemand")) == (
        "Es gibt keine Person mit der ID oder dem Benutzernamen „@niemand“. /users zeigt alle. "
        "Beispiel: /revoke @anna_kim"
    )
    assert only_text(await bot.send(ADMIN, "/revoke @amira_admin")) == (
        "Ihren eigenen Zugang können Sie nicht deaktivieren. Bitte wenden Sie sich an eine "
        "andere Administratorin oder einen anderen Administrator."
    )
    assert only_text(await bot.send(ADMIN, "/revoke @anna_kim")) == (
        "@anna_kim ist bereits deaktiviert."
    )
    assert (await bot.storage.staff.get(ADMIN.id)).active
