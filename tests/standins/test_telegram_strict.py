"""The strict Telegram stand-in: the three documented limits, exactly, and retry_after held.

The limiter is driven by an injected clock, so each case states its own times.
"""

from __future__ import annotations

from tests.standins.telegram_limits import FloodLimits, LimitConfig


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def strict() -> tuple[FloodLimits, Clock]:
    clock = Clock()
    return FloodLimits(LimitConfig.strict_mode(), clock=clock), clock


def test_thirty_in_any_rolling_second_then_429_global() -> None:
    """30 sends spread over 0.9 s pass; the 31st inside the same second is refused."""
    flood, clock = strict()
    for n in range(30):
        clock.now = 1000.0 + n * 0.03
        assert flood.admit(10 + n) is None
    clock.now = 1000.95
    assert flood.admit(99) == 1
    assert flood.rejected_by_limit["global"] == 1
    clock.now = 1001.0  # the first send has left the window (chat 99 itself is held)
    assert flood.admit(98) is None
    assert flood.admit(99) is not None


def test_no_burst_allowance_across_window_edges() -> None:
    """Two half-second bursts of 20 cannot both fit: any rolling second counts."""
    flood, clock = strict()
    for n in range(20):
        clock.now = 1000.4
        assert flood.admit(n) is None
    refused = 0
    for n in range(20):
        clock.now = 1001.2
        refused += flood.admit(100 + n) is not None
    assert refused == 10


def test_one_per_second_per_private_chat() -> None:
    flood, clock = strict()
    assert flood.admit(5) is None
    clock.now += 0.5
    assert flood.admit(5) == 1
    assert flood.rejected_by_limit["chat"] == 1


def test_twenty_per_minute_per_group() -> None:
    flood, clock = strict()
    for n in range(20):
        clock.now = 1000.0 + n * 1.5
        assert flood.admit(-100) is None
    clock.now = 1040.0
    wait = flood.admit(-100)
    assert wait is not None and wait == 20  # the first one leaves the window at 1060
    assert flood.rejected_by_limit["group"] == 1


def test_early_retry_is_refused_until_retry_after_has_passed() -> None:
    """A client that retries as soon as the window frees, before retry_after, is refused."""
    flood, clock = strict()
    assert flood.admit(5) is None
    clock.now = 1000.7
    assert flood.admit(5) == 1  # the window frees at 1001.0, but Telegram said 1 s: 1001.7
    clock.now = 1001.2
    assert flood.admit(5) is not None
    assert flood.rejected_by_limit["held"] == 1
    clock.now = 1002.3  # the second refusal held it until 1002.2
    assert flood.admit(5) is None


def test_lenient_mode_forgets_the_hold() -> None:
    """Without strict, only the windows count (the earlier behaviour, kept for old tests)."""
    flood = FloodLimits(LimitConfig(), clock=(clock := Clock()))
    assert flood.admit(5) is None
    clock.now += 0.2
    assert flood.admit(5) == 1
    clock.now += 0.81
    assert flood.admit(5) is None
