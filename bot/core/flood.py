"""The flood limit: each person may send a burst of updates at once, then about one a second.

A token bucket per person, in memory (a restart forgets it, which only lets a burst through
again). A person tapping through a dialog sends one or two updates a second for a few
seconds and never reaches the limit; a script or a stuck key sending dozens at once does,
and its updates are set aside before they write or answer anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# Buckets are forgotten once full again (the person has been quiet long enough); only when
# this many are kept, so that the check costs nothing in normal use.
_KEPT_BUCKETS = 1000


class Verdict(StrEnum):
    ADMIT = "admit"
    # The first update set aside: tell the person once to slow down.
    SLOW_DOWN = "slow_down"
    # Set aside silently: the person has been told.
    DROP = "drop"


@dataclass
class _Bucket:
    tokens: float
    at: datetime
    # Over the limit: updates are set aside until the bucket has refilled halfway, so that
    # the rest of a burst is not let through one by one as single tokens come back.
    held: bool = False


class FloodLimit:
    """`burst` updates at once, then `per_second`; a burst of 0 switches the limit off."""

    def __init__(self, burst: int, per_second: float = 1.0) -> None:
        self.burst = burst
        self.per_second = per_second
        self._buckets: dict[int, _Bucket] = {}

    @property
    def hold_seconds(self) -> int:
        """At most this long are a person's updates set aside after the limit was reached."""
        return math.ceil(self.burst / 2 / self.per_second)

    def admit(self, person_id: int, now: datetime) -> Verdict:
        """Whether the update `person_id` sends at `now` is handled."""
        if self.burst <= 0:
            return Verdict.ADMIT
        bucket = self._buckets.get(person_id)
        if bucket is None:
            if len(self._buckets) >= _KEPT_BUCKETS:
                self._forget_quiet(now)
            bucket = self._buckets[person_id] = _Bucket(self.burst, now)
        self._refill(bucket, now)
        if bucket.held:
            if bucket.tokens < self.burst / 2:
                return Verdict.DROP
            bucket.held = False
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.ADMIT
        bucket.held = True
        return Verdict.SLOW_DOWN

    def _refill(self, bucket: _Bucket, now: datetime) -> None:
        elapsed = (now - bucket.at).total_seconds()
        if elapsed > 0:  # a clock set back refills nothing
            bucket.tokens = min(self.burst, bucket.tokens + elapsed * self.per_second)
            bucket.at = now

    def _forget_quiet(self, now: datetime) -> None:
        for person_id, bucket in list(self._buckets.items()):
            self._refill(bucket, now)
            if bucket.tokens >= self.burst:
                del self._buckets[person_id]
