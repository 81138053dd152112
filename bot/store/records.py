"""What the store hands in and out: frozen dataclasses, never ORM objects.

Alerts come back as the contract type :class:`bot.alerts.events.AlertEvent` and
chats as :class:`bot.notify.base.Target`; everything else the store returns is
defined here. Every datetime is aware UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from bot.alerts.events import AlertEvent, EventKind
from bot.notify.base import Target
from signals.levels import Level

DeliveryStatus = Literal["pending", "held", "sent", "failed", "permanent"]
"""pending: due now or at next_attempt_at · held: quiet hours, waiting for
``release_held`` · sent: recorded, never resent · failed: a transient failure,
retried at next_attempt_at · permanent: given up."""

RuleState = Literal["inactive", "pending", "firing", "recovering"]
SubscriptionKind = Literal["channel", "private", "group", "guild"]


@dataclass(frozen=True, slots=True)
class Correction:
    """A provider revised a value the store already had."""

    series: str
    date: dt.date
    old_value: float
    new_value: float


@dataclass(frozen=True, slots=True)
class UpsertResult:
    inserted: int = 0
    unchanged: int = 0
    corrected: tuple[Correction, ...] = ()

    @property
    def changed(self) -> bool:
        """True when the engine has something new to score."""
        return self.inserted > 0 or bool(self.corrected)


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An :class:`AlertEvent` before the outbox gave it an id.

    ``seq`` tells apart several events of one kind in one episode (repeat
    reminders); with ``(rule, episode, kind)`` it is the dedup key, so saving the
    same event twice stores it once.
    """

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
    seq: int = 0

    @property
    def dedup_key(self) -> tuple[str, str, str, int]:
        return (self.rule, self.episode, self.kind.value, self.seq)


@dataclass(frozen=True, slots=True)
class PlannedDelivery:
    """One chat an alert goes to; ``held`` waits for quiet hours to end.

    ``not_before`` (e.g. the end of quiet hours) becomes ``next_attempt_at``.
    """

    target: Target
    status: Literal["pending", "held"] = "pending"
    not_before: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class RuleStateRow:
    """Where one rule's state machine stands, so the policy resumes after restart."""

    rule: str
    state: RuleState
    since: dt.datetime | None = None
    active_since: dt.datetime | None = None
    last_value: float | None = None
    level: Level | None = None
    episode: str | None = None
    last_fired_at: dt.datetime | None = None
    last_notified_at: dt.datetime | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SavedEvaluation:
    """What ``save_evaluation`` wrote; ``duplicates`` were refused by the dedup key."""

    snapshot_id: int
    evaluation_id: str
    alert_ids: tuple[int, ...]
    duplicates: tuple[NewAlert, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredSnapshot:
    """A snapshot as stored: ``payload`` is ``Snapshot.to_json()``."""

    id: int
    as_of: dt.date
    computed_at: dt.datetime
    score: float | None
    level: Level | None  # None: no component had data ("no data")
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """One outbox row leased to a worker until ``claimed_until``.

    ``attempts`` counts this attempt (1 on the first try). Group claims by
    ``(evaluation_id, target)`` to send the events of one evaluation as one message.
    """

    delivery_id: int
    alert: AlertEvent
    target: Target
    attempts: int
    evaluation_id: str
    claimed_until: dt.datetime


@dataclass(frozen=True, slots=True)
class Subscription:
    """One chat's (or forum topic's) alert preferences."""

    id: int
    target: Target
    kind: SubscriptionKind
    guild_id: str | None
    min_level: Level
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    tz: str
    muted_rules: tuple[str, ...]
    mute_until: dt.datetime | None
    active: bool
    broken_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    ping_role: str | None = None  # Discord: role id mentioned on severe alerts

    @property
    def platform(self) -> str:
        return self.target.platform

    @property
    def chat_id(self) -> str:
        return self.target.chat_id

    @property
    def thread_id(self) -> str | None:
        return self.target.thread_id


@dataclass(frozen=True, slots=True)
class QualityEvent:
    """Something the quality gate refused instead of treating it as a market move.

    Field for field like ``bot.quality.events.QualityEvent`` (whose ``kind`` is a
    ``StrEnum``); the store takes either and gives back this one.
    """

    at: dt.datetime
    source: str
    series: str | None
    kind: str
    detail: str
    date: dt.date | None = None


class QualityEventLike(Protocol):
    """What ``add_quality_event`` needs: any object with these attributes."""

    @property
    def at(self) -> dt.datetime: ...
    @property
    def source(self) -> str: ...
    @property
    def series(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def date(self) -> dt.date | None: ...


__all__ = [
    "ClaimedDelivery",
    "Correction",
    "DeliveryStatus",
    "NewAlert",
    "PlannedDelivery",
    "QualityEvent",
    "QualityEventLike",
    "RuleState",
    "RuleStateRow",
    "SavedEvaluation",
    "StoredSnapshot",
    "Subscription",
    "SubscriptionKind",
    "UpsertResult",
]
