"""CommandGuard: argument bounds first, then token buckets per user, per group, per heavy command.

Driven by an injected clock; every refusal is one line, and a user already told
to slow down is not told again within the same wait (no reply flood).
"""

from __future__ import annotations

from bot.throttle.commands import MAX_ARGS_CHARS, CommandGuard


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_long_arguments_are_refused_before_anything_else() -> None:
    guard = CommandGuard(clock=Clock())
    refusal = guard.check("subscribe", "x" * 5000, "1", "1", group=False)
    assert refusal is not None and refusal.reason == "too_long"
    assert "x" not in refusal.text.replace("Try", "")  # the argument is never echoed
    assert str(MAX_ARGS_CHARS) in refusal.text and "\n" not in refusal.text
    assert guard.check("subscribe", "x" * MAX_ARGS_CHARS, "1", "1", group=False) is None


def test_broadcast_may_carry_a_long_text() -> None:
    guard = CommandGuard(clock=Clock())
    assert guard.check("broadcast", "y" * 2000, "1", "1", group=False) is None
    assert guard.check("broadcast", "y" * 5000, "1", "1", group=False) is not None


def test_forty_charts_from_one_user_in_a_group_run_three() -> None:
    """40 × /chart 3650 at once: 3 run, the first refusal is told, the rest are silent."""
    clock = Clock()
    guard = CommandGuard(clock=clock)
    results = [guard.check("chart", "3650", "7", "-100") for _ in range(40)]
    ran = [r for r in results if r is None]
    told = [r for r in results if r is not None and not r.silent]
    assert len(ran) == 3
    assert len(told) == 1 and told[0].reason == "user_rate"
    assert "Try again in" in told[0].text
    clock.now += 20.0  # one more chart is earned after 20 s
    assert guard.check("chart", "3650", "7", "-100") is None
    assert guard.check("chart", "3650", "7", "-100") is not None


def test_one_user_cannot_drain_others_but_a_group_has_its_own_budget() -> None:
    clock = Clock()
    guard = CommandGuard(clock=clock)
    for _ in range(10):
        assert guard.check("risk", "", "1", "-5") is None
    assert guard.check("risk", "", "1", "-5") is not None  # user 1 is out
    allowed = sum(guard.check("risk", "", str(u), "-5") is None for u in range(2, 30))
    assert allowed == 10  # the group's 20 are spent: 10 by user 1, 10 by others
    assert guard.check("risk", "", "99", "-6") is None  # another group is unaffected


def test_private_chats_only_count_the_user() -> None:
    clock = Clock()
    guard = CommandGuard(clock=clock)
    for _ in range(60):
        assert guard.check("risk", "", "1", "1", group=False) is None
        clock.now += 1.0  # one a second, as fast as replies to one chat can go
