"""A per-provider circuit breaker: stop hammering a provider that keeps failing.

States::

    CLOSED --(failure_threshold consecutive failures)--> OPEN
    OPEN   --(cooldown elapsed)-----------------------> HALF_OPEN (one probe allowed)
    HALF_OPEN --probe succeeds--> CLOSED
    HALF_OPEN --probe fails-----> OPEN (cool-down starts again)

A probe always ends in one of those two transitions: a fetch that is
cancelled or crashes calls ``release`` (re-open), and a probe still
unanswered after a whole cooldown is taken as lost, so another one may go
out. Nothing can leave a provider refused until restart.

The clock is injected (monotonic seconds) so tests move time instead of
sleeping. A format error counts as a failure too: a provider that serves HTML
error pages with 200 is as broken as one that times out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

from bot.sources.errors import CircuitOpen


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts consecutive failures of one provider and refuses calls while open."""

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        cooldown: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be >= 1")
        self.name = name
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probe_in_flight = False
        self._probe_started = 0.0

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.cooldown:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    @property
    def retry_at(self) -> float | None:
        """Monotonic time at which an open breaker lets a probe through."""
        return None if self._opened_at is None else self._opened_at + self.cooldown

    def allow(self) -> bool:
        """May a request go out now? In half-open state only one probe at a time."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is not BreakerState.HALF_OPEN:
            return False
        now = self._clock()
        if self._probe_in_flight and now - self._probe_started < self.cooldown:
            return False
        self._probe_in_flight = True  # a first probe, or one taken as lost after a cooldown
        self._probe_started = now
        return True

    def check(self) -> None:
        """Like :meth:`allow`, but raise :class:`CircuitOpen` when refused."""
        if not self.allow():
            raise CircuitOpen(self.name, self.retry_at or self._clock())

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probe_in_flight = False

    def release(self) -> None:
        """A call ended with no outcome (cancelled, or a bug): a probe re-opens the breaker.

        Not counted as a provider failure; a closed breaker is left alone.
        """
        if self._probe_in_flight:
            self._probe_in_flight = False
            self._opened_at = self._clock()

    def record_failure(self) -> None:
        self._failures += 1
        was_probe = self._probe_in_flight
        self._probe_in_flight = False
        if was_probe or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
