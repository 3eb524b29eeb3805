"""Fixtures: a real Application on a real database, driven through the offline Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import deepl
import pytest
from cryptography.fernet import Fernet

from bot.core.config import Settings
from bot.staff.roles import Role
from tests.fake_deepl import FakeDeepL
from tests.helpers.harness import BotHarness, FakeTime
from tests.helpers.people import ADMIN as ADMIN
from tests.helpers.people import CASE_MANAGER as CASE_MANAGER
from tests.helpers.people import COLLEAGUE as COLLEAGUE
from tests.helpers.people import COORDINATOR as COORDINATOR
from tests.helpers.people import STRANGER as STRANGER

# A DATA_KEY for the tests that encrypt free texts at rest.
KEY_A = Fernet.generate_key().decode()

# 24 November 2026, 09:00 in Berlin: a Tuesday in ISO week 48.
START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's environment or `.env`."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_path=tmp_path / "kim-bot.sqlite3",
        admin_telegram_ids=(ADMIN.id,),
        # Tests send many updates at one instant of their clock; the flood limit has its own
        # tests (test_flood.py), and the fuzzer runs with it.
        flood_burst=0,
    )


@pytest.fixture
def time() -> FakeTime:
    return FakeTime(START)


@pytest.fixture
async def bot(settings: Settings, time: FakeTime) -> AsyncIterator[BotHarness]:
    """The bot with the configured admin bootstrapped and a coordinator and case manager."""
    async with BotHarness(settings, time) as harness:
        yield harness


@pytest.fixture
async def fake_deepl(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDeepL]:
    """A fake DeepL API on 127.0.0.1; point `deepl_server_url` at its `url`."""
    # The client retries 429, 5xx and network failures after back-off sleeps of seconds:
    # tests see the first failure at once.
    monkeypatch.setattr(deepl.http_client, "max_network_retries", 0)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server = FakeDeepL()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def sealed_settings(settings: Settings) -> Settings:
    """The settings with DATA_KEY set: free texts are encrypted at rest."""
    return settings.model_copy(update={"data_key": (KEY_A,)})


@pytest.fixture
async def sealed_bot(sealed_settings: Settings, time: FakeTime) -> AsyncIterator[BotHarness]:
    async with BotHarness(sealed_settings, time) as harness:
        await harness.register(CASE_MANAGER, Role.CASE_MANAGER)
        await harness.register(COORDINATOR, Role.COORDINATOR)
        yield harness
