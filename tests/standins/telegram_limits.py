"""Telegram's flood limits as sliding windows, with a time scale so tests run fast.

Telegram documents roughly: 30 messages per second overall, 1 message per
second to one chat, 20 messages per minute to one group, supergroup or channel
(negative chat ids). Exceeding any of them answers 429 with an integer
``retry_after``.

``time_scale`` shrinks every window: at ``time_scale=0.01`` the per-chat
window is 10 ms and the group window 0.6 s. ``retry_after`` stays in
*Telegram* seconds (what the real server would say), so a client that sleeps
``retry_after * time_scale`` real seconds is then admitted.

``strict=True`` (:meth:`LimitConfig.strict_mode`) is the strict Telegram the
load tests run against: exactly those three limits in any rolling window of
*arrival* times, no burst allowance, and a chat that got a 429 is refused
again until its ``retry_after`` has passed (a client that retries early is
punished as Telegram does), each 429 counted by the limit that caused it.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LimitConfig:
    global_per_second: int = 30
    per_chat_per_second: int = 1
    group_per_minute: int = 20
    time_scale: float = 1.0
    strict: bool = False

    @classmethod
    def strict_mode(cls, time_scale: float = 1.0) -> LimitConfig:
        """30/s overall, 1/s per chat, 20/min per group, retry_after honoured."""
        return cls(time_scale=time_scale, strict=True)


class FloodLimits:
    """Admits or rejects sends; counts both, overall and per chat."""

    def __init__(
        self,
        config: LimitConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or LimitConfig()
        self._clock = clock
        self._global: deque[float] = deque()
        self._per_chat: defaultdict[int, deque[float]] = defaultdict(deque)
        self._per_group: defaultdict[int, deque[float]] = defaultdict(deque)
        self.accepted = 0
        self.rejected = 0
        self.accepted_by_chat: Counter[int] = Counter()
        self.rejected_by_chat: Counter[int] = Counter()
        self.rejected_by_limit: Counter[str] = Counter()  # "global", "chat", "group", "held"
        self._held_until: dict[int, float] = {}

    def admit(self, chat_id: int) -> int | None:
        """Record a send and return None, or return ``retry_after`` seconds (not recorded)."""
        cfg = self.config
        now = self._clock()
        windows = [
            ("global", self._global, cfg.global_per_second, 1.0),
            ("chat", self._per_chat[chat_id], cfg.per_chat_per_second, 1.0),
        ]
        if chat_id < 0:
            windows.append(("group", self._per_group[chat_id], cfg.group_per_minute, 60.0))
        wait, cause = 0.0, ""
        held = self._held_until.get(chat_id)
        if cfg.strict and held is not None and held > now:
            wait, cause = held - now, "held"
        for name, log, limit, seconds in windows:
            span = seconds * cfg.time_scale
            while log and log[0] <= now - span:
                log.popleft()
            if len(log) >= limit and log[0] + span - now > wait:
                wait, cause = log[0] + span - now, name
        if wait > 0:
            self.rejected += 1
            self.rejected_by_chat[chat_id] += 1
            self.rejected_by_limit[cause] += 1
            retry_after = max(1, math.ceil(wait / cfg.time_scale))
            if cfg.strict:
                self._held_until[chat_id] = max(held or now, now + retry_after * cfg.time_scale)
            return retry_after
        for _, log, _, _ in windows:
            log.append(now)
        self.accepted += 1
        self.accepted_by_chat[chat_id] += 1
        return None
