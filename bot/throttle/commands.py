"""Per-user and per-chat command rate limits and argument bounds, platform-neutral.

A chat adapter asks :meth:`CommandGuard.check` before it runs a command and,
when it gets a :class:`Refusal`, answers with its one polite line and runs
nothing. Everything is in memory and O(1) per command: a token bucket per user
and per chat (a short burst allowed, then a steady rate), and a length bound on
the arguments checked before any parsing, so a 5,000-character argument is
refused in microseconds instead of reaching a parser or being echoed back.
A refusal is words only when read (:attr:`Refusal.text`), so it comes out in the
language the adapter set for the reply, not the one current at check time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.i18n import _

#: Longest argument text (everything after the command) most commands accept.
MAX_ARGS_CHARS = 100
#: Operator commands that carry free text (the broadcast must still fit one message).
LONG_ARGS = {"broadcast": 3000, "rule": 250, "rule add": 250, "rule test": 250}  # rule: 200 + name
#: Commands that cost real work (a chart render) and so get a tighter budget.
HEAVY = frozenset({"chart"})
FORGET_AFTER = 600.0  # seconds idle before a bucket is dropped


@dataclass(frozen=True, slots=True)
class Budget:
    """``burst`` commands at once, then one per ``every`` seconds."""

    burst: float
    every: float


# The steady rates match what replies can physically go out at (Telegram: 1/s to one
# private chat, 20/min to a group), so a user within them never waits on the guard.
USER_BUDGET = Budget(burst=10, every=1.0)  # one person: 10 quickly, then one a second
CHAT_BUDGET = Budget(burst=20, every=3.0)  # one chat: 20 quickly, then 20 a minute
HEAVY_USER_BUDGET = Budget(burst=3, every=20.0)  # charts: 3 quickly, then one per 20 s


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a command was not run; :attr:`text` is the one line the user reads."""

    reason: str  # "too_long" | "user_rate" | "chat_rate"
    command: str = ""  # too_long: the command
    limit: int = 0  # too_long: characters allowed after it
    wait: int = 0  # *_rate: whole seconds until it is worth trying again
    silent: bool = False  # already told within this wait: answer nothing (no reply flood)

    @property
    def text(self) -> str:
        if self.reason == "too_long":
            return _(
                "That is too long for /{command}: at most {limit} characters after it."
            ).format(command=self.command, limit=self.limit)
        if self.reason == "user_rate":
            return _("Easy — you are sending commands fast. Try again in {wait} s.").format(
                wait=self.wait
            )
        return _("Easy — this chat is sending commands fast. Try again in {wait} s.").format(
            wait=self.wait
        )


def too_long(command: str, limit: int) -> Refusal:
    return Refusal("too_long", command=command, limit=limit)


def slow_down(seconds: float, who: str) -> Refusal:
    return Refusal(who, wait=max(1, math.ceil(seconds)))


class _Bucket:
    __slots__ = ("at", "tokens", "told_until")

    def __init__(self, tokens: float, at: float) -> None:
        self.tokens, self.at, self.told_until = tokens, at, -math.inf


class CommandGuard:
    """Token buckets by user and by chat; ``clock`` is monotonic seconds."""

    def __init__(
        self,
        *,
        user: Budget = USER_BUDGET,
        chat: Budget = CHAT_BUDGET,
        heavy_user: Budget = HEAVY_USER_BUDGET,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._budgets = {"user": user, "chat": chat, "heavy": heavy_user}
        self._clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._checks = 0
        self.refused = 0

    def check(
        self, command: str, args: str, user: str | None, chat: str, *, group: bool = True
    ) -> Refusal | None:
        """None: run it (and it is counted); else the refusal to answer with.

        The chat budget applies to groups and channels (many people, one chat); a
        private chat is one person, whose own budget already covers it.
        """
        command = command.lower()
        limit = LONG_ARGS.get(command, MAX_ARGS_CHARS)
        if len(args) > limit:
            self.refused += 1
            return too_long(command, limit)
        now = self._clock()
        self._sweep(now)
        keys = [("chat", chat)] if group or user is None else []
        if user is not None:
            keys.insert(0, ("user", user))
            if command in HEAVY:
                keys.insert(0, ("heavy", user))
        waits = [(self._wait(kind, key, now), kind, key) for kind, key in keys]
        worst, kind, key = max(waits)
        if worst > 0:
            self.refused += 1
            bucket = self._buckets[(kind, key)]
            refusal = slow_down(worst, "chat_rate" if kind == "chat" else "user_rate")
            if bucket.told_until > now:
                return replace(refusal, silent=True)
            bucket.told_until = now + worst
            return refusal
        for k in keys:
            self._buckets[k].tokens -= 1.0
        return None

    def _wait(self, kind: str, key: str, now: float) -> float:
        budget = self._budgets[kind]
        bucket = self._buckets.get((kind, key))
        if bucket is None:
            bucket = self._buckets[(kind, key)] = _Bucket(budget.burst, now)
        bucket.tokens = min(budget.burst, bucket.tokens + (now - bucket.at) / budget.every)
        bucket.at = now
        return 0.0 if bucket.tokens >= 1.0 else (1.0 - bucket.tokens) * budget.every

    def _sweep(self, now: float) -> None:
        self._checks += 1
        if self._checks % 4096:
            return
        stale = [k for k, b in self._buckets.items() if now - b.at > FORGET_AFTER]
        for k in stale:
            del self._buckets[k]
