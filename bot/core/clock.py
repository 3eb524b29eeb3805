"""The one source of "now": stored in UTC, shown in the configured time zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Clock:
    """Current time for the bot; tests pass their own `utc_now` to control it."""

    tz: ZoneInfo
    utc_now: Callable[[], datetime] = field(default=_utc_now)

    def now(self) -> datetime:
        return self.utc_now().astimezone(UTC)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def today(self) -> date:
        return self.local(self.now()).date()
