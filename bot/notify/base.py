"""The one interface every notifier implements, and how it reports failure.

A notifier classifies its own failures so the dispatcher never has to know a
platform's error codes:

    SendResult
    ├── Delivered(message_id)            recorded as sent, never resent
    ├── RetryAfter(seconds, reason)      transient: 429, 5xx, timeout
    └── Permanent(reason, deactivate,    will not succeed by retrying: 400, 403,
                  migrate_to)            deleted channel; the subscription is marked
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.alerts.events import AlertMessage


@dataclass(frozen=True, slots=True)
class Target:
    """Where a message goes: a platform chat/channel and, for forums, a topic.

    ``language`` is the language chosen for that chat (filled by the dispatcher for a
    delivery; None: not chosen, the notifier falls back). It is not part of the
    target's identity: equality, hashing and the store ignore it.
    """

    platform: str
    chat_id: str
    thread_id: str | None = None
    language: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Delivered:
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class RetryAfter:
    seconds: float
    reason: str


@dataclass(frozen=True, slots=True)
class Permanent:
    reason: str
    deactivate: bool = False  # the chat blocked us / the channel is gone
    migrate_to: str | None = None  # Telegram group upgraded to a supergroup


SendResult = Delivered | RetryAfter | Permanent


class Notifier(Protocol):
    """A platform that can receive alert messages."""

    @property
    def platform(self) -> str: ...

    async def send(self, target: Target, message: AlertMessage) -> SendResult: ...
