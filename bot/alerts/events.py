"""Alert events: immutable once created; every notifier renders its own message."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from signals.levels import Level


class EventKind(enum.StrEnum):
    FIRING = "firing"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    REPEAT = "repeat"
    TEST = "test"  # /test_alert from an admin
    BROADCAST = "broadcast"  # /broadcast <text> from an admin


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One rule transition, as stored in the outbox.

    ``headline`` says what crossed what ("40y JGB 3.72% ≥ 3.70%"), ``cause`` is
    one plain sentence from the snapshot's reasons; both are plain text and
    each renderer escapes them for its own parse mode.
    """

    id: int
    rule: str
    kind: EventKind
    level: Level
    headline: str
    cause: str
    as_of: dt.date
    created_at: dt.datetime
    value: float | None = None
    threshold: float | None = None
    unit: str = ""
    score: float | None = None
    episode: str = ""
    started_at: dt.datetime | None = None  # resolved: when its episode first fired


@dataclass(frozen=True, slots=True)
class AlertMessage:
    """What one chat receives at once: the events of one evaluation, grouped.

    ``delayed_by`` is set when the events could not go out in time, so a
    renderer marks the message as delayed instead of presenting it as fresh;
    ``held_for_quiet_hours`` is the chat's quiet window when the dispatcher held
    the events until it ended (not a delay: the reader asked for it);
    ``tz`` is the reader's time zone (IANA name) when the chat has one;
    ``ping_role`` a Discord role id to mention on severe alerts.
    """

    events: tuple[AlertEvent, ...]
    delayed_by: dt.timedelta | None = None
    tz: str | None = None
    held_for_quiet_hours: tuple[dt.time, dt.time] | None = None
    ping_role: str | None = None

    @property
    def level(self) -> Level:
        return max(e.level for e in self.events)

    @property
    def kinds(self) -> frozenset[EventKind]:
        return frozenset(e.kind for e in self.events)
