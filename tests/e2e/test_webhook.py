"""The real bot process in webhook mode: the fake Bot API posts each update to it."""

from __future__ import annotations

import socket

import pytest

from tests.e2e.conftest import ADMIN, BotProcess, TelegramUser, messages_to, query
from tests.e2e.fake_bot_api import FakeBotApi
from tests.helpers.texts import de

pytestmark = pytest.mark.e2e

SECRET = "e2e-webhook-secret_0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_updates_arrive_by_webhook_and_a_post_without_the_secret_is_refused(
    kim_bot: BotProcess, fake_api: FakeBotApi, telegram: TelegramUser
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    kim_bot.env.update(
        TELEGRAM_WEBHOOK_URL=url, TELEGRAM_WEBHOOK_SECRET=SECRET, WEBHOOK_PORT=str(port)
    )
    await kim_bot.start()  # until it has set its webhook

    await telegram.send(ADMIN, "/help")
    help_text = (await telegram.wait_for("sendMessage", ADMIN.id))["text"]
    stored = query(kim_bot.database, "SELECT count(*) FROM inbox")
    forged = fake_api.telegram.message_update(ADMIN, "/revoke 4004")
    refused = [
        await telegram.post_to_webhook(url, forged, secret)
        for secret in ("wrong-secret-0123456789", None)
    ]
    await telegram.send(ADMIN, "/help")
    await telegram.wait_for("sendMessage", ADMIN.id)

    assert await kim_bot.stop() == 0
    (set_webhook,) = [call for call in fake_api.telegram.calls if call.method == "setWebhook"]
    assert set_webhook.params["url"] == url
    assert set_webhook.params["secret_token"] == SECRET
    assert set_webhook.params["max_connections"] == 1  # posts in order, like polling
    assert help_text.startswith(de("<b>Your commands</b> ({role})", role=de("administrator"))), (
        help_text
    )
    assert refused == [403, 403]
    assert query(kim_bot.database, "SELECT count(*) FROM inbox") == [(stored[0][0] + 1,)]
    assert messages_to(fake_api, ADMIN.id) == [help_text, help_text]
    # Every post that reached the bot was answered 200 (the first ones may have come
    # before it listened).
    assert {status for _update_id, status in fake_api.webhook_posts} <= {0, 200}
    assert fake_api.pending == 0
