"""The platform-neutral command service: every chat command is answered here, once.

Adapters parse a command, call one method, and render the returned answer; any
user mistake comes back as ``CommandError(message, usage)`` for them to show.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from bot.alerts.events import EventKind
from bot.charts.score import ChartData, render_score_chart
from bot.commands.answers import (
    ChartAnswer,
    CommandError,
    HistoryAnswer,
    RiskAnswer,
    SettingsAnswer,
    StatsAnswer,
    StatusAnswer,
)
from bot.commands.feeds import feed_statuses
from bot.notify.base import Target
from bot.store.records import NewAlert, Subscription, SubscriptionKind
from bot.store.store import Store
from signals.durations import format_duration, parse_duration
from signals.levels import Level

Clock = Callable[[], dt.datetime]
CHART_SERIES = ("jgb.30y", "jgb.40y", "usdjpy", "btc")
MAX_CHART_DAYS = 3650
MAX_HISTORY = 50
RISK_CACHE_SECONDS = 2.0  # a new snapshot shows within this; ages are always recomputed
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_level(text: str | None, usage: str, default: Level = Level.HIGH) -> Level:
    if text is None or not text.strip():
        return default
    try:
        return Level.parse(text)
    except ValueError as exc:
        raise CommandError(str(exc), usage) from None


def parse_count(text: str | None, usage: str, default: int, maximum: int) -> int:
    if text is None or not text.strip():
        return default
    if not text.strip().isdigit() or not 1 <= int(text) <= maximum:
        raise CommandError(f"expected a whole number from 1 to {maximum}, got {text!r}", usage)
    return int(text)


def parse_clock(text: str, usage: str) -> dt.time:
    match = _HHMM.match(text.strip())
    if not match:
        raise CommandError(f"expected a time as HH:MM, got {text!r}", usage)
    return dt.time(int(match.group(1)), int(match.group(2)))


class CommandService:
    """Answers /risk, /chart, /history, /subscribe … from the store; no platform code."""

    def __init__(
        self,
        store: Store,
        *,
        rules: Sequence[str] = (),
        version: str = "",
        clock: Clock = _utcnow,
        started_at: dt.datetime | None = None,
    ) -> None:
        self._store = store
        self._rules = tuple(rules)
        self._version = version
        self._clock = clock
        self._started = started_at or clock()
        self._risk_lock = asyncio.Lock()
        self._risk_cache: tuple[float, Mapping[str, Any], dt.datetime, tuple[str, ...]] | None = (
            None
        )

    # -- reading -------------------------------------------------------------

    async def risk(self) -> RiskAnswer:
        """The latest snapshot. Cached for ``RISK_CACHE_SECONDS`` and computed once for
        concurrent callers, so 200 chats asking at once cost one store read."""
        async with self._risk_lock:
            cached = self._risk_cache
            if cached is None or time.monotonic() - cached[0] > RISK_CACHE_SECONDS:
                stored = await self._store.latest_snapshot()
                if stored is None:
                    raise CommandError(
                        "No score yet: the first poll has not finished. Try again in a minute."
                    )
                now = self._clock()
                stale = tuple(f.series for f in await feed_statuses(self._store, now) if f.stale)
                cached = (time.monotonic(), stored.payload, stored.computed_at, stale)
                self._risk_cache = cached
        _, payload, computed_at, stale = cached
        return RiskAnswer.from_payload(payload, computed_at, self._clock(), stale)

    async def chart(self, days: str | int | None = None) -> ChartAnswer:
        usage = "/chart [days] — e.g. /chart 180 (1 to 3650)"
        n = parse_count(None if days is None else str(days), usage, 90, MAX_CHART_DAYS)
        latest = await self._store.latest_snapshot()
        if latest is None:
            raise CommandError("No score yet, so nothing to chart.")
        end = latest.as_of
        start = end - dt.timedelta(days=n)
        snaps = await self._store.snapshots_between(start, end)
        obs = await self._store.load_observations(since=start, series=CHART_SERIES)
        index = pd.DatetimeIndex([pd.Timestamp(s.as_of) for s in snaps])
        scores = [s.score if s.score is not None else float("nan") for s in snaps]
        series = {
            name: pd.Series(
                [o.value for o in obs if o.series == name],
                index=pd.DatetimeIndex([pd.Timestamp(o.date) for o in obs if o.series == name]),
                dtype=float,
            )
            for name in CHART_SERIES
        }
        title = f"carrywatch stress score, {start.isoformat()} – {end.isoformat()}"
        data = ChartData(index, pd.Series(scores, dtype=float).to_numpy(), series, title)
        png = await asyncio.to_thread(render_score_chart, data)
        caption = f"Stress score over {n} days: {latest.level.label if latest.level else 'no data'}"
        if latest.score is not None:
            caption += f" ({latest.score:.0f}/100) on {end.isoformat()}"
        return ChartAnswer(png, caption)

    async def history(
        self, n: str | int | None = None, target: Target | None = None
    ) -> HistoryAnswer:
        count = parse_count(
            None if n is None else str(n), "/history [n] — e.g. /history 5", 10, MAX_HISTORY
        )
        alerts = await self._store.recent_alerts(count, target)
        return HistoryAnswer(tuple(a for a in alerts if a.kind not in (EventKind.BROADCAST,)))

    async def status(self) -> StatusAnswer:
        now = self._clock()
        snap = await self._store.latest_snapshot()
        recent = await self._store.recent_alerts(1)
        stats = await self._store.delivery_stats()
        subs = await self._store.active_subscriptions()
        events = await self._store.recent_quality_events(500)
        return StatusAnswer(
            feeds=await feed_statuses(self._store, now),
            last_snapshot_at=snap.computed_at if snap else None,
            last_alert=recent[0] if recent else None,
            uptime=now - self._started,
            version=self._version,
            pending_deliveries=await self._store.pending_count(),
            broken_subscriptions=stats.get("permanent", 0)
            + sum(1 for s in subs if s.broken_reason),
            quality_events_24h=sum(1 for e in events if now - e.at <= dt.timedelta(days=1)),
        )

    async def stats(self) -> StatsAnswer:
        return StatsAnswer(
            subscriptions=await self._store.count_subscriptions(),
            deliveries=await self._store.delivery_stats(),
        )

    # -- subscriptions and settings -----------------------------------------

    async def subscribe(
        self,
        target: Target,
        kind: SubscriptionKind,
        level: str | None = None,
        guild_id: str | None = None,
    ) -> SettingsAnswer:
        lvl = parse_level(level, "/subscribe [low|elevated|high|severe] — default high")
        sub = await self._store.upsert_subscription(target, kind, guild_id=guild_id, min_level=lvl)
        if sub.min_level != lvl:
            sub = await self._update(target, min_level=lvl)
        return self._settings(sub)

    async def unsubscribe(self, target: Target) -> bool:
        """True if this chat was subscribed."""
        sub = await self._store.get_subscription(target)
        if sub is None or not sub.active:
            return False
        await self._store.update_subscription(target, active=False, broken_reason=None)
        return True

    async def settings(self, target: Target) -> SettingsAnswer:
        sub = await self._store.get_subscription(target)
        if sub is None:
            return SettingsAnswer(False, Level.HIGH, None, None, "UTC", (), None, rules=self._rules)
        return self._settings(sub)

    async def set_level(self, target: Target, level: str) -> SettingsAnswer:
        lvl = parse_level(level, "/settings level <low|elevated|high|severe>")
        return self._settings(await self._update(target, min_level=lvl))

    async def set_quiet(
        self, target: Target, start: str, end: str, tz: str = "UTC"
    ) -> SettingsAnswer:
        usage = (
            "/settings quiet <HH:MM> <HH:MM> [time zone] — "
            "e.g. /settings quiet 22:00 07:00 Europe/Berlin"
        )
        begin, finish = parse_clock(start, usage), parse_clock(end, usage)
        if begin == finish:
            raise CommandError("quiet hours need different start and end times", usage)
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(
                f"unknown time zone {tz!r} (use an IANA name like Asia/Tokyo)", usage
            ) from None
        return self._settings(
            await self._update(target, quiet_start=begin, quiet_end=finish, tz=tz)
        )

    async def clear_quiet(self, target: Target) -> SettingsAnswer:
        return self._settings(await self._update(target, quiet_start=None, quiet_end=None))

    async def mute(self, target: Target, duration: str) -> SettingsAnswer:
        usage = "/settings mute <duration> — e.g. 30m, 2h, 1d (severe alerts still go through)"
        try:
            delta = parse_duration(duration)
        except ValueError as exc:
            raise CommandError(str(exc), usage) from None
        if not dt.timedelta(minutes=1) <= delta <= dt.timedelta(days=30):
            raise CommandError(f"mute for 1m to 30d, not {format_duration(delta)}", usage)
        return self._settings(await self._update(target, mute_until=self._clock() + delta))

    async def unmute(self, target: Target) -> SettingsAnswer:
        return self._settings(await self._update(target, mute_until=None))

    async def mute_rule(self, target: Target, rule: str) -> SettingsAnswer:
        current = await self._require(target)
        if rule not in self._rules:
            raise CommandError(
                f"unknown rule {rule!r}; rules: {', '.join(self._rules)}",
                "/settings mute_rule <rule>",
            )
        muted = tuple(sorted({*current.muted_rules, rule}))
        return self._settings(await self._update(target, muted_rules=list(muted)))

    async def unmute_rule(self, target: Target, rule: str) -> SettingsAnswer:
        current = await self._require(target)
        muted = [r for r in current.muted_rules if r != rule]
        return self._settings(await self._update(target, muted_rules=muted))

    # -- admin -----------------------------------------------------------------

    async def broadcast(self, text: str) -> int:
        """Queue ``text`` to every active subscription; returns how many chats."""
        body = text.strip()
        if not body:
            raise CommandError("nothing to broadcast", "/broadcast <text>")
        return await self._enqueue(
            EventKind.BROADCAST, Level.LOW, body, "Message from the operators."
        )

    async def test_alert(self) -> int:
        return await self._enqueue(
            EventKind.TEST,
            Level.HIGH,
            "Test alert: delivery works",
            "Sent by an admin with /test_alert.",
        )

    async def _enqueue(self, kind: EventKind, level: Level, headline: str, cause: str) -> int:
        now = self._clock()
        targets = [s.target for s in await self._store.active_subscriptions()]
        if not targets:
            raise CommandError("no active subscriptions to send to")
        event = NewAlert(
            rule=f"admin-{kind.value}",
            kind=kind,
            level=level,
            headline=headline,
            cause=cause,
            as_of=now.date(),
            created_at=now,
            episode=now.isoformat(),
        )
        await self._store.enqueue_alert(event, targets)
        return len(targets)

    # -- helpers ---------------------------------------------------------------

    async def _require(self, target: Target) -> Subscription:
        sub = await self._store.get_subscription(target)
        if sub is None or not sub.active:
            raise CommandError("this chat is not subscribed yet", "/subscribe [level]")
        return sub

    async def _update(self, target: Target, **changes: object) -> Subscription:
        await self._require(target)
        sub = await self._store.update_subscription(target, **changes)
        assert sub is not None  # _require just found it
        return sub

    def _settings(self, sub: Subscription) -> SettingsAnswer:
        return SettingsAnswer(
            subscribed=sub.active,
            min_level=sub.min_level,
            quiet_start=sub.quiet_start,
            quiet_end=sub.quiet_end,
            tz=sub.tz,
            muted_rules=sub.muted_rules,
            mute_until=sub.mute_until,
            broken_reason=sub.broken_reason,
            rules=self._rules,
        )
