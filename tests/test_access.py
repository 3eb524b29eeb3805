"""The access gate: strangers, revoked staff, shared chats and wrong roles get one refusal."""

from __future__ import annotations

from bot.core.offline import Person
from bot.staff.roles import Role
from tests.conftest import ADMIN, CASE_MANAGER, COORDINATOR, STRANGER
from tests.helpers.harness import BotHarness, only_text
from tests.helpers.texts import de

NOT_REGISTERED = (
    "Sie sind bei KIM-Bot nicht registriert. Bitte fragen Sie die "
    "KIM-Koordination nach einer Einladung."
)
DEACTIVATED = (
    "Ihr Zugang zu KIM-Bot wurde deaktiviert. Bei Fragen wenden Sie sich bitte an "
    "die KIM-Koordination."
)


async def staff_rows(bot: BotHarness) -> list[tuple]:
    return [tuple(row) for row in await bot.storage.db.fetch_all("SELECT * FROM staff")]


async def test_a_stranger_is_refused_and_only_an_audit_line_is_stored(bot: BotHarness) -> None:
    before = await staff_rows(bot)

    for text in ("/help", "/users", "Hallo, ich bin neu", "/invite admin"):
        calls = await bot.send(STRANGER, text)
        assert [(call.method, call.text) for call in calls] == [("sendMessage", NOT_REGISTERED)]

    assert await staff_rows(bot) == before
    assert await bot.storage.audit.actions(STRANGER.id) == ["access.refused_unknown"] * 4
    details = await bot.storage.db.fetch_all(
        "SELECT subject, detail FROM audit_log WHERE actor_id = ?", (STRANGER.id,)
    )
    assert {tuple(row) for row in details} == {(None, None)}


async def test_a_stranger_is_refused_in_their_own_language(bot: BotHarness) -> None:
    reply = only_text(await bot.send(Person(667, "Taras", None, "uk"), "/help"))

    assert reply == "Ви не зареєстровані в KIM-Bot. Попросіть у координації KIM запрошення."


async def test_a_strangers_button_press_is_answered_with_an_alert(bot: BotHarness) -> None:
    await bot.send(ADMIN, "/language")
    message_id, button = bot.telegram.find_button(ADMIN.id, "English")
    update = bot.telegram.callback_update(
        STRANGER, message_id, button["callback_data"], chat_id=ADMIN.id
    )

    calls = await bot.process(update)

    assert [(call.method, call.params.get("show_alert")) for call in calls] == [
        ("answerCallbackQuery", True)
    ]
    assert calls[0].text == NOT_REGISTERED
    assert (await bot.storage.staff.get(ADMIN.id)).locale == "de"


async def test_revoked_staff_are_refused_at_once(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.send(ADMIN, "/revoke @anna_kim")

    reply = only_text(await bot.send(CASE_MANAGER, "/help"))

    assert reply == DEACTIVATED
    assert await bot.storage.audit.actions(CASE_MANAGER.id) == ["access.refused_revoked"]


async def test_a_group_chat_is_refused_and_left(bot: BotHarness) -> None:
    group = bot.telegram.group_chat(-100123, "KIM Team Ahlen", "supergroup")

    calls = await bot.send(ADMIN, "/users", chat=group)

    assert [call.method for call in calls] == ["sendMessage", "leaveChat"]
    assert calls[0].params["chat_id"] == -100123
    assert calls[0].text == (
        "KIM-Bot arbeitet nur in privaten Chats, weil er vertrauliche "
        "Falldaten verarbeitet. Ich verlasse diesen Chat."
    )
    assert calls[1].params["chat_id"] == -100123
    rows = await bot.storage.db.fetch_all(
        "SELECT action, subject, detail FROM audit_log WHERE action LIKE 'access.%'"
    )
    assert [tuple(row) for row in rows] == [("access.refused_shared_chat", "-100123", "supergroup")]


async def test_a_channel_is_left_without_a_message(bot: BotHarness) -> None:
    channel = {"id": -100999, "type": "channel", "title": "KIM News"}
    update = {
        "update_id": 9999,
        "channel_post": {"message_id": 1, "date": 0, "chat": channel, "text": "/help"},
    }

    calls = await bot.process(update)

    assert [call.method for call in calls] == ["leaveChat"]


async def test_a_command_outside_ones_role_is_refused_with_the_role(bot: BotHarness) -> None:
    await bot.register(COORDINATOR, Role.COORDINATOR)

    reply = only_text(await bot.send(COORDINATOR, "/revoke @amira_admin"))

    assert reply == (
        "/revoke ist für Ihre Rolle (Koordinator*in) nicht freigegeben. /help zeigt Ihre Befehle."
    )
    assert (await bot.storage.staff.get(ADMIN.id)).active
    assert await bot.storage.audit.actions(COORDINATOR.id) == ["access.denied_command"]


async def test_a_command_addressed_to_the_bot_by_name_is_checked_too(bot: BotHarness) -> None:
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)

    reply = only_text(await bot.send(CASE_MANAGER, "/users@kim_warendorf_bot"))

    assert reply.startswith("/users ist für Ihre Rolle (Case Manager*in) nicht freigegeben.")


EDITS_NOT_READ = (
    "I do not pick up edited messages: what you sent first counts. Please send the change as a "
    "new message."
)


async def test_an_edited_command_does_not_run_again_and_the_person_is_told(
    bot: BotHarness,
) -> None:
    sent = bot.telegram.message_update(ADMIN, "/invite case_manager")
    edited = {
        "update_id": sent["update_id"] + 1000,
        "edited_message": dict(sent["message"], edit_date=1),
    }

    calls = await bot.process(edited)

    assert only_text(calls) == de(EDITS_NOT_READ)
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM invitations") == 0


async def test_a_changed_username_is_kept_current(bot: BotHarness) -> None:
    await bot.send(Person(ADMIN.id, "Amira", "amira_neu", "de"), "/help")

    assert (await bot.storage.staff.find("@amira_neu")).telegram_id == ADMIN.id


def membership_update(chat: dict, status: str, update_id: int = 5000) -> dict:
    bot_user = {"id": 123456789, "is_bot": True, "first_name": "KIM-Bot"}
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": chat,
            "from": ADMIN.to_dict(),
            "date": 0,
            "old_chat_member": {"user": bot_user, "status": "left"},
            "new_chat_member": {"user": bot_user, "status": status, "until_date": 0},
        },
    }


async def test_being_added_to_a_group_is_refused_and_the_group_left(bot: BotHarness) -> None:
    group = bot.telegram.group_chat(-100555, "Team")

    calls = await bot.process(membership_update(group, "member"))

    assert [call.method for call in calls] == ["sendMessage", "leaveChat"]


async def test_leaving_a_group_or_being_blocked_needs_no_answer(bot: BotHarness) -> None:
    group = bot.telegram.group_chat(-100555, "Team")
    private = bot.telegram.private_chat(STRANGER)

    assert await bot.process(membership_update(group, "left")) == []
    assert await bot.process(membership_update(private, "kicked", 5001)) == []
    assert await bot.storage.audit.actions(STRANGER.id) == []


async def test_a_button_of_an_inline_message_is_ignored(bot: BotHarness) -> None:
    """Found by the fuzzer: a press without a message (the bot sends no inline messages) made
    the Undo handler edit a message Telegram does not know, and fail."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    press = {
        "id": "1",
        "from": CASE_MANAGER.to_dict(),
        "chat_instance": "1",
        "inline_message_id": "AAAA",
        "data": "undo:1",
    }

    calls = await bot.process(bot.telegram.update(callback_query=press))

    assert calls == []
    assert bot.telegram.refused == []


async def test_an_edit_while_a_dialog_waits_for_text_is_not_read_and_the_dialog_goes_on(
    bot: BotHarness,
) -> None:
    """It made the duration step read the text of a message that was not there, and fail."""
    await bot.register(CASE_MANAGER, Role.CASE_MANAGER)
    await bot.send(CASE_MANAGER, "/newfamily Ahlen UA 4 uk,ru")
    await bot.send(CASE_MANAGER, "/log")
    await bot.send(CASE_MANAGER, "F-0001")
    await bot.press(CASE_MANAGER, de("Today"))
    typed = bot.telegram.message_update(CASE_MANAGER, "Hausbesuch")
    await bot.process(typed)
    await bot.press(CASE_MANAGER, "Hausbesuch")

    edited = bot.telegram.edit_update(CASE_MANAGER, typed["message"]["message_id"], "45m")
    calls = await bot.process(edited)

    assert only_text(calls) == de(EDITS_NOT_READ)
    assert await bot.storage.db.fetch_value("SELECT count(*) FROM contacts") == 0
    # The dialog still waits for the duration.
    assert only_text(await bot.send(CASE_MANAGER, "45m")).startswith("F-0001 (5/6)")
