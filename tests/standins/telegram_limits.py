"""Telegram's flood limits as sliding windows, with a time scale so tests run fast.

Telegram documents roughly: 30 messages per second overall, 1 message per
second to one chat, 20 messages per minute to one group, supergroup or channel
(negative chat ids). Exceeding any of them answers 429 with an integer
``retry_after``.

``time_scale`` shrinks every window: at ``time_scale=0.01`` the per-chat
window is 10 ms and the group window 0.6 s. ``retry_after`` stays in
*Telegram* seconds (what the real server would say), so a client that sleeps
``retry_after * time_scale`` real seconds is then admitted.
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

    def admit(self, chat_id: int) -> int | None:
        """Record a send and return None, or return ``retry_after`` seconds (not recorded)."""
        cfg = self.config
        now = self._clock()
        windows = [
            (self._global, cfg.global_per_second, 1.0),
            (self._per_chat[chat_id], cfg.per_chat_per_second, 1.0),
        ]
        if chat_id < 0:
            windows.append((self._per_group[chat_id], cfg.group_per_minute, 60.0))
        wait = 0.0
        for log, limit, seconds in windows:
            span = seconds * cfg.time_scale
            while log and log[0] <= now - span:
                log.popleft()
            if len(log) >= limit:
                wait = max(wait, log[0] + span - now)
        if wait > 0:
            self.rejected += 1
            self.rejected_by_chat[chat_id] += 1
            return max(1, math.ceil(wait / cfg.time_scale))
        for log, _, _ in windows:
            log.append(now)
        self.accepted += 1
        self.accepted_by_chat[chat_id] += 1
        return None
