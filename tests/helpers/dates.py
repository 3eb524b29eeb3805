"""Times on the Berlin wall clock and dates as German staff read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.core.i18n import format_date, use_locale

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Berlin wall-clock time, in UTC as the bot's clock and the database hold it."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def berlin_midnight(day: date) -> datetime:
    """The moment `day` begins in Berlin."""
    return datetime.combine(day, time(0), BERLIN)


def german_date(day: date) -> str:
    """`day` as the bot writes it in German: 24.11.2026."""
    with use_locale("de"):
        return format_date(day)
