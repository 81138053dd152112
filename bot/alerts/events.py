"""Alert events: immutable once created; every notifier renders its own message.

``AlertEvent`` is the one event type of the alert path: the stage pipeline
(``bot.alerts.stages``) makes it, the backtest reports it, the store persists it
as ``StoredAlert(id, event)`` and the dispatcher hands it to renderers. It
carries structured facts only; every word and every formatted number is the
renderers' (``bot.render.event_text`` for the headline/cause, ``bot.render``).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.alerts.attachments import Attachment, ChartSpec
from signals.levels import Level


class EventKind(enum.StrEnum):
    FIRING = "firing"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    REPEAT = "repeat"
    TEST = "test"  # /test_alert from an admin
    BROADCAST = "broadcast"  # /broadcast <text> from an admin


class Reason(enum.StrEnum):
    """Why an event exists (or why a stage dropped one): codes, not sentences."""

    CROSSED = "crossed"  # the rule's condition held (for its ``for``) and it fired
    CLEARED = "cleared"  # past the clear level (for ``keep_firing_for``): resolved
    ESCALATED = "escalated"  # a lower-level rule of the same family was already firing
    REPEAT_INTERVAL = "repeat_interval"  # still firing after the repeat interval
    INHIBITED = "inhibited"  # a higher-level rule of the same family is firing
    UNANNOUNCED = "unannounced"  # a resolve of an episode whose firing was never sent
    ADMIN = "admin"  # sent by an admin command, not by a rule


@dataclass(frozen=True, slots=True)
class Driver:
    """The component behind the event: its name, label and the engine's own reason."""

    component: str
    label: str
    score: float | None
    reason: str


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One notification-worthy fact about one rule at one evaluation.

    ``(rule, episode, kind, seq)`` is the dedup key: ``seq`` tells apart
    repeat reminders of one episode. ``value``/``threshold`` are the raw
    indicator numbers (``threshold`` is the clear level on a resolve).
    ``note`` is an admin's free text (test alert, broadcast) and ``description``
    the rule author's own words; neither is written by this package.
    """

    rule: str
    kind: EventKind
    level: Level
    as_of: dt.date
    created_at: dt.datetime
    indicator: str = ""
    operator: str = ""
    value: float | None = None
    threshold: float | None = None
    score: float | None = None
    score_level: Level | None = None
    episode: str = ""
    seq: int = 0
    reasons: tuple[Reason, ...] = ()
    driver: Driver | None = None
    description: str = ""
    note: str = ""
    started_at: dt.datetime | None = None  # resolved: when its episode first fired (store)

    @property
    def dedup_key(self) -> tuple[str, str, str, int]:
        return (self.rule, self.episode, self.kind.value, self.seq)

    @property
    def resolved(self) -> bool:
        return self.kind is EventKind.RESOLVED

    def to_json(self) -> dict[str, Any]:
        """Every fact, JSON-safe, for the store and ``backtest --json``."""
        d = self.driver
        return {
            "rule": self.rule,
            "kind": self.kind.value,
            "level": self.level.label,
            "as_of": self.as_of.isoformat(),
            "created_at": self.created_at.isoformat(),
            "indicator": self.indicator,
            "operator": self.operator,
            "value": self.value,
            "threshold": self.threshold,
            "score": self.score,
            "score_level": self.score_level.label if self.score_level is not None else None,
            "episode": self.episode,
            "seq": self.seq,
            "reasons": [r.value for r in self.reasons],
            "driver": (
                {"component": d.component, "label": d.label, "score": d.score, "reason": d.reason}
                if d
                else None
            ),
            "description": self.description,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> AlertEvent:
        d = raw.get("driver")
        level = raw.get("score_level")
        return cls(
            rule=str(raw["rule"]),
            kind=EventKind(raw["kind"]),
            level=Level.parse(str(raw["level"])),
            as_of=dt.date.fromisoformat(str(raw["as_of"])),
            created_at=dt.datetime.fromisoformat(str(raw["created_at"])),
            indicator=str(raw.get("indicator", "")),
            operator=str(raw.get("operator", "")),
            value=raw.get("value"),
            threshold=raw.get("threshold"),
            score=raw.get("score"),
            score_level=Level.parse(level) if isinstance(level, str) else None,
            episode=str(raw.get("episode", "")),
            seq=int(raw.get("seq", 0)),
            reasons=tuple(Reason(r) for r in raw.get("reasons", ())),
            driver=Driver(str(d["component"]), str(d["label"]), d.get("score"), str(d["reason"]))
            if isinstance(d, Mapping)
            else None,
            description=str(raw.get("description", "")),
            note=str(raw.get("note", "")),
        )


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """An event as the outbox holds it: the row id (delivery order), the event, and
    the chart the row carries (the weekly digest's), if any."""

    id: int
    event: AlertEvent
    attachment: ChartSpec | None = None


@dataclass(frozen=True, slots=True)
class AlertMessage:
    """What one chat receives at once: the events of one evaluation, grouped.

    ``delayed_by`` is set when the events could not go out in time, so a
    renderer marks the message as delayed instead of presenting it as fresh;
    ``held_for_quiet_hours`` is the chat's quiet window when the dispatcher held
    the events until it ended (not a delay: the reader asked for it);
    ``tz`` is the reader's time zone (IANA name) when the chat has one;
    ``ping_role`` a Discord role id to mention on severe alerts;
    ``attachment`` a chart to draw and send with the text (the weekly digest).
    Events come in outbox order.
    """

    events: tuple[AlertEvent, ...]
    delayed_by: dt.timedelta | None = None
    tz: str | None = None
    held_for_quiet_hours: tuple[dt.time, dt.time] | None = None
    ping_role: str | None = None
    attachment: Attachment | None = None

    @property
    def level(self) -> Level:
        return max(e.level for e in self.events)

    @property
    def kinds(self) -> frozenset[EventKind]:
        return frozenset(e.kind for e in self.events)
