"""What the command service answers: platform-neutral, rendered by each chat adapter.

Adapters never see the store or the engine; they get these frozen dataclasses
and turn them into Telegram HTML or a Discord embed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.alerts.events import AlertEvent
from bot.i18n import N_
from signals.levels import Level, level_for


class CommandError(ValueError):
    """A user mistake (bad argument, not allowed): ``message`` and ``usage`` are shown as is."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


@dataclass(frozen=True, slots=True)
class ComponentView:
    name: str
    label: str
    score: float | None
    weight: float
    available: bool
    stale: bool
    reason: str
    values: Mapping[str, float] = field(default_factory=dict)
    reason_code: str = ""
    reason_params: Mapping[str, float | str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RiskAnswer:
    """The latest snapshot, its age, and which feeds are stale right now."""

    score: float | None
    level: Level | None  # None: no scoreable data, never shown as low
    as_of: dt.date
    computed_at: dt.datetime
    age: dt.timedelta
    components: tuple[ComponentView, ...]
    stale_feeds: tuple[str, ...]

    @classmethod
    def from_payload(
        cls,
        payload: Mapping[str, Any],
        computed_at: dt.datetime,
        now: dt.datetime,
        stale_feeds: tuple[str, ...] = (),
    ) -> RiskAnswer:
        """Rebuild from ``Snapshot.to_json()`` as stored in the snapshots table."""
        comps = tuple(
            ComponentView(
                name=name,
                label=str(c.get("label", name)),
                score=c.get("score"),
                weight=float(c.get("weight", 0.0)),
                available=bool(c.get("available", c.get("score") is not None)),
                stale=bool(c.get("stale", False)),
                reason=str(c.get("reason", "")),
                values=dict(c.get("value", {})),
                reason_code=str(c.get("reason_code", "")),
                reason_params=dict(c.get("reason_params", {})),
            )
            for name, c in payload.get("components", {}).items()
        )
        score = payload.get("score")
        return cls(
            score=score,
            level=level_for(score) if score is not None else None,
            as_of=dt.date.fromisoformat(payload["as_of"]),
            computed_at=computed_at,
            age=now - computed_at,
            components=comps,
            stale_feeds=stale_feeds,
        )

    def to_json(self) -> dict[str, Any]:
        """The ``risk --json`` contract: score, level, as_of and components with
        value, score, weight, stale and reason."""
        return {
            "score": self.score,
            "level": self.level.label if self.level is not None else None,
            "as_of": self.as_of.isoformat(),
            "computed_at": self.computed_at.isoformat(),
            "age_seconds": round(self.age.total_seconds(), 1),
            "stale_feeds": list(self.stale_feeds),
            "components": {
                c.name: {
                    "label": c.label,
                    "value": dict(c.values),
                    "score": c.score,
                    "weight": c.weight,
                    "stale": c.stale,
                    "available": c.available,
                    "reason": c.reason,
                }
                for c in self.components
            },
        }


@dataclass(frozen=True, slots=True)
class ChartAnswer:
    """A chart and what it shows (for its caption): the dates drawn, the resolution,
    the days asked for (None: all), the latest score and how many alerts are marked."""

    png: bytes
    first: dt.date
    last: dt.date
    step: str
    requested_days: int | None
    score: float | None
    level: Level | None
    alerts: int = 0


@dataclass(frozen=True, slots=True)
class HistoryAnswer:
    """What one chat received, newest first: ``requested`` asked for, ``alerts`` found
    (fewer only when there are no more), ``tz`` the chat's zone for the times."""

    alerts: tuple[AlertEvent, ...]
    requested: int = 10
    tz: str | None = None


@dataclass(frozen=True, slots=True)
class SourcePoll:
    """One provider's last poll: when, and its raw error (for operators only)."""

    source: str
    at: dt.datetime | None
    error: str | None
    failures: int = 0  # failed polls in a row
    failing_since: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """One series: its newest market date, whether that is late for its cadence."""

    series: str
    last_date: dt.date | None
    stale: bool
    source: str = ""
    last_poll: dt.datetime | None = None
    last_error: str | None = None
    sources: tuple[SourcePoll, ...] = ()


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    feeds: tuple[FeedStatus, ...]
    last_snapshot_at: dt.datetime | None
    last_alert: AlertEvent | None
    uptime: dt.timedelta
    version: str
    pending_deliveries: int
    broken_subscriptions: int
    quality_events_24h: int

    @property
    def stale_feeds(self) -> tuple[str, ...]:
        return tuple(f.series for f in self.feeds if f.stale)


@dataclass(frozen=True, slots=True)
class SettingsAnswer:
    """A chat's alert settings as shown by /settings and /alerts."""

    subscribed: bool
    min_level: Level
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    tz: str
    muted_rules: tuple[str, ...]
    mute_until: dt.datetime | None
    broken_reason: str | None = None
    rules: tuple[str, ...] = ()  # every rule name, for buttons and autocomplete
    ping_role: str | None = None  # Discord: role mentioned on severe alerts
    previous: SettingsAnswer | None = None  # before the change this answer confirms
    created: bool = False  # a /subscribe that made a new subscription


@dataclass(frozen=True, slots=True)
class StatsAnswer:
    subscriptions: Mapping[str, int]
    deliveries: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class CommandHelp:
    name: str
    args: str
    description: str  # marked with N_: translate at use, ``_(c.description)``
    admin: bool = False


# Marked for translation, translated where shown (``_(HELP_INTRO)``, ``_(cmd.description)``).
HELP_INTRO = N_(
    "carrywatch watches the markets that move when the yen carry trade unwinds: Japanese "
    "government bond yields (20y/30y/40y above all), USD/JPY, BTC and the US–Japan rate gap. "
    "It scores the stress 0–100 (low < 25 ≤ elevated < 50 ≤ high < 75 ≤ severe) and alerts "
    "when yields spike or the yen jumps."
)

COMMANDS: tuple[CommandHelp, ...] = (
    CommandHelp("risk", "", N_("the stress score now, what drives it, and Details per part")),
    CommandHelp("explain", "", N_("the yen carry trade and this score, with today's numbers")),
    CommandHelp("chart", "[days|all]", N_("chart of the score with alerts (default 90 days)")),
    CommandHelp("history", "[n]", N_("the last n alerts this chat received (default 10)")),
    CommandHelp("subscribe", "[level]", N_("alerts here at or above a level (new: high; kept)")),
    CommandHelp("unsubscribe", "", N_("stop push alerts in this chat")),
    CommandHelp("settings", "", N_("minimum level, quiet hours, muted rules, mute")),
    CommandHelp("status", "", N_("is each market feed fresh, last score and alert, version")),
    CommandHelp("chatid", "", N_("this chat's id and topic id (for operators)")),
    CommandHelp("rule", "add|list|remove|test …", N_("your own alert rules, previewed on history")),
    CommandHelp("digest", "on|off [day] [HH:00]", N_("a weekly summary here (default Mon 08:00)")),
    CommandHelp("language", "en|zh|ja", N_("the language this chat reads carrywatch in")),
    CommandHelp("help", "", N_("what carrywatch watches and how to use it")),
    CommandHelp("broadcast", "<text>", N_("send a message to every subscriber"), admin=True),
    CommandHelp("test_alert", "", N_("send a test alert to every subscriber"), admin=True),
    CommandHelp("stats", "", N_("subscribers, deliveries and failures"), admin=True),
)
