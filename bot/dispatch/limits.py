"""Per-platform send pacing: overall rate, per-chat spacing, per-group window, 429 penalties.

The dispatcher asks ``reserve(target)`` before each send and sleeps the answer;
a 429 for one chat (``penalise``) delays only that chat, never the others —
unlike python-telegram-bot's AIORateLimiter, which pauses every send after one.

A platform whose notifier paces its own sends through a shared
:class:`~bot.dispatch.pacing.SendPacer` (Telegram: replies and alerts share one
budget) is ``delegate``-d: the limiter then only asks the pacer how long a
chat must still wait (to requeue instead of waiting long) and books nothing,
so the budget is never counted twice.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.notify.base import Target


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    per_second: float  # overall messages per second
    chat_interval: float  # seconds between two messages to one chat
    group_per_minute: int | None = None  # extra cap for group chats (Telegram: 20/min)


TELEGRAM = PlatformLimits(per_second=30.0, chat_interval=1.0, group_per_minute=20)
DISCORD = PlatformLimits(per_second=50.0, chat_interval=1.0)  # 5 per 5 s per channel
CONSOLE = PlatformLimits(per_second=1000.0, chat_interval=0.0)
DEFAULT_LIMITS: Mapping[str, PlatformLimits] = {
    "telegram": TELEGRAM,
    "discord": DISCORD,
    "console": CONSOLE,
}


def is_group(target: Target) -> bool:
    """Telegram groups, supergroups and channels have negative ids."""
    return target.platform == "telegram" and target.chat_id.startswith("-")


class ChatPacer(Protocol):
    """What the limiter needs of a shared pacer (:class:`bot.dispatch.pacing.SendPacer`)."""

    def chat_delay(self, chat_id: str, *, group: bool = False) -> float: ...

    def hold(self, chat_id: str, seconds: float) -> None: ...


class Limiter:
    """Reserves send slots; monotonic clock injected so tests can drive it."""

    def __init__(
        self,
        limits: Mapping[str, PlatformLimits] = DEFAULT_LIMITS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = limits
        self._clock = clock
        self._chat_next: dict[tuple[str, str], float] = {}
        self._global_next: dict[str, float] = {}
        self._group_sent: dict[tuple[str, str], deque[float]] = {}
        self._delegates: dict[str, ChatPacer] = {}

    def delegate(self, platform: str, pacer: ChatPacer) -> None:
        """From now on ``platform``'s sends are paced by ``pacer``, not here."""
        self._delegates[platform] = pacer

    def reserve(self, target: Target, max_wait: float = math.inf) -> tuple[float, bool]:
        """Seconds until ``target`` may send, and whether that slot is now booked.

        A slot further away than ``max_wait`` is not booked, so a caller that
        requeues instead of waiting leaves no phantom reservation behind.
        """
        pacer = self._delegates.get(target.platform)
        if pacer is not None:
            wait = pacer.chat_delay(target.chat_id, group=is_group(target))
            return wait, wait <= max_wait
        lim = self._limits.get(target.platform, CONSOLE)
        now = self._clock()
        key = (target.platform, target.chat_id)
        at = max(now, self._chat_next.get(key, now), self._global_next.get(target.platform, now))
        sent: deque[float] | None = None
        if lim.group_per_minute and is_group(target):
            sent = self._group_sent.setdefault(key, deque())
            while sent and sent[0] <= at - 60.0:
                sent.popleft()
            if len(sent) >= lim.group_per_minute:
                at = max(at, sent[0] + 60.0)
        if at - now > max_wait:
            return at - now, False
        if sent is not None:
            sent.append(at)
        self._chat_next[key] = at + lim.chat_interval
        self._global_next[target.platform] = max(
            self._global_next.get(target.platform, now), at
        ) + (1.0 / lim.per_second)
        return at - now, True

    def penalise(self, target: Target, seconds: float) -> None:
        """The platform said 429 for this chat: nothing more to it for ``seconds``."""
        pacer = self._delegates.get(target.platform)
        if pacer is not None:
            pacer.hold(target.chat_id, seconds)
            return
        key = (target.platform, target.chat_id)
        self._chat_next[key] = max(self._chat_next.get(key, 0.0), self._clock() + seconds)
