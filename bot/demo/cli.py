"""`kim-bot demo-data`: fill an empty database with demo data and say what it holds."""

from __future__ import annotations

import sys
import time

from bot.core.clock import Clock
from bot.core.config import Settings
from bot.demo.data import generate
from bot.funds.funds import FundPurpose, configured_funds
from bot.storage import Storage


async def fill_with_demo_data(settings: Settings, families: int, weeks: int, seed: int) -> int:
    if families < 1 or weeks < 1:
        print("kim-bot: --families and --weeks must be at least 1", file=sys.stderr)
        return 2
    clock = Clock(settings.tz)
    storage = await Storage.open(settings.database_path, settings.data_key)
    try:
        if not await storage.demo.is_empty():
            print(
                f"kim-bot: {settings.database_path} already holds families; demo data goes "
                "into an empty database only (set DATABASE_PATH to a new file).",
                file=sys.stderr,
            )
            return 2
        await storage.funds.ensure_funds(configured_funds(settings), clock.now())
        fund = await storage.funds.translation_fund()
        assert fund is not None
        started = time.perf_counter()
        others = {
            other.purpose.value: (other.id, other.starts_on)
            for other in await storage.funds.all()
            if other.purpose is not FundPurpose.TRANSLATION
        }
        data = generate(
            families,
            weeks,
            clock.today(),
            settings.towns,
            fund.id,
            fund.starts_on,
            seed,
            expense_funds=others,
        )
        contacts = await storage.demo.load(data)
        print(
            f"{settings.database_path}: {len(data.staff)} staff, {families} families, "
            f"{contacts} contacts, {len(data.requests)} interpreter requests, "
            f"{len(data.flags)} flags, {len(data.expenses)} expenses, "
            f"{len(data.fte_shares)} shares of a position, {len(data.covers)} current cover, "
            f"{len(data.conferences)} conferences ({time.perf_counter() - started:.1f} s)"
        )
        return 0
    finally:
        await storage.close()
