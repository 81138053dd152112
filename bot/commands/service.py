"""The platform-neutral command service: every chat command is answered here, once.

Adapters parse a command, call one method, and render the returned answer; any
user mistake comes back as ``CommandError(message, usage)`` for them to show,
already in the reader's language (the adapter sets it around the call).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from bot.alerts.events import AlertEvent, EventKind, Reason
from bot.charts.fonts import ChartFontMissing
from bot.charts.score import ChartData, NoChartData, drawn, render_score_chart
from bot.commands.answers import (
    ChartAnswer,
    CommandError,
    HistoryAnswer,
    RiskAnswer,
    SettingsAnswer,
    StatsAnswer,
    StatusAnswer,
)
from bot.commands.args import parse_clock, parse_count, parse_delta, parse_level, shown
from bot.commands.feeds import feed_statuses
from bot.i18n import N_, _
from bot.notify.base import Target
from bot.render.chart_words import chart_unavailable
from bot.store.records import Subscription, SubscriptionKind
from bot.store.store import Store
from bot.throttle.charts import ChartBusy, ChartRenderer
from signals.durations import format_duration
from signals.levels import Level

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
CHART_SERIES = ("jgb.30y", "jgb.40y", "usdjpy", "btc")
MAX_CHART_DAYS = 3650
MAX_HISTORY = 50
RISK_CACHE_SECONDS = 2.0  # a new snapshot shows within this; ages are always recomputed
ADMIN_KINDS = (EventKind.TEST, EventKind.BROADCAST)  # operator messages, not market alerts
UNKNOWN_ZONE = N_("unknown time zone {zone} (use an IANA name like Asia/Tokyo)")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
        self._charts: ChartRenderer[ChartData] = ChartRenderer(render_score_chart)
        self._risk_cache: tuple[float, Mapping[str, Any], dt.datetime, tuple[str, ...]] | None = (
            None
        )

    def now(self) -> dt.datetime:
        """The service's clock, for renderers that say how old something is."""
        return self._clock()

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
                        _("No score yet: the first poll has not finished. Try again in a minute.")
                    )
                now = self._clock()
                stale = tuple(f.series for f in await feed_statuses(self._store, now) if f.stale)
                cached = (time.monotonic(), stored.payload, stored.computed_at, stale)
                self._risk_cache = cached
        _at, payload, computed_at, stale = cached
        return RiskAnswer.from_payload(payload, computed_at, self._clock(), stale)

    async def chart(self, days: str | int | None = None) -> ChartAnswer:
        """The score over the last ``days`` market days (``all``: the whole history),
        with this period's alerts as markers. Title and caption describe the data
        actually drawn; nothing to draw is a CommandError, not an empty chart.
        Rendered on one worker thread with a short queue; identical charts cached briefly."""
        usage = _("/chart [days|all] — e.g. /chart 180 (1 to 3650), /chart all")
        latest = await self._store.latest_snapshot()
        if latest is None:
            raise CommandError(_("No score yet, so nothing to chart."))
        end = latest.as_of
        n: int | None
        if days is not None and str(days).strip().lower() in ("all", "max"):
            n, start = None, dt.date(1900, 1, 1)
        else:
            n = parse_count(None if days is None else str(days), usage, 90, MAX_CHART_DAYS)
            start = end - dt.timedelta(days=n)
        snaps = await self._store.snapshots_between(start, end)
        obs = await self._store.load_observations(since=start, series=CHART_SERIES)
        alerts = await self._store.recent_alerts(2000, exclude=ADMIN_KINDS)
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
        markers = tuple(
            (a.as_of, a.level)
            for a in alerts
            if start <= a.as_of <= end and a.kind in (EventKind.FIRING, EventKind.ESCALATED)
        )
        data = ChartData(index, pd.Series(scores, dtype=float).to_numpy(), series, markers=markers)
        try:
            shown = drawn(data)
        except NoChartData:
            raise CommandError(
                _("No scores between {start} and {end} to chart.").format(
                    start=start.isoformat(), end=end.isoformat()
                )
            ) from None

        async def build() -> ChartData:
            return data

        try:
            png = await self._charts.render((n, end, latest.computed_at, markers), build)
        except ChartBusy:
            raise CommandError(
                _("Busy drawing other charts right now; try again shortly."), usage
            ) from None
        except ChartFontMissing as exc:  # a broken install: say so in one line, log why
            log.error("%s", exc)
            raise CommandError(chart_unavailable()) from None
        return ChartAnswer(
            png,
            first=shown.first,
            last=shown.last,
            step=shown.step,
            requested_days=n,
            score=latest.score,
            level=latest.level,
            alerts=len(markers),
        )

    async def history(
        self, n: str | int | None = None, target: Target | None = None
    ) -> HistoryAnswer:
        """The ``n`` newest alerts this chat received (sent to it), newest first; test
        alerts and broadcasts left out before counting. Without ``target``, every alert."""
        count = parse_count(
            None if n is None else str(n), _("/history [n] — e.g. /history 5"), 10, MAX_HISTORY
        )
        alerts = await self._store.recent_alerts(
            count, target, exclude=ADMIN_KINDS, sent_only=target is not None
        )
        sub = await self._store.get_subscription(target) if target is not None else None
        return HistoryAnswer(tuple(alerts), count, sub.tz if sub else None)

    async def status(self) -> StatusAnswer:
        now = self._clock()
        snap = await self._store.latest_snapshot()
        recent = await self._store.recent_alerts(1, exclude=ADMIN_KINDS)
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
        """Subscribe, or re-subscribe keeping every setting; only a given level changes one."""
        usage = _("/subscribe [low|elevated|high|severe] — default high")
        lvl = parse_level(level, usage) if level is not None and level.strip() else None
        before = await self._store.get_subscription(target)
        if before is None:
            lvl = lvl or Level.HIGH
        sub = await self._store.upsert_subscription(target, kind, guild_id=guild_id, min_level=lvl)
        answer = self._settings(sub, before)
        return replace(answer, created=before is None)

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
        usage = _(
            "/settings quiet <HH:MM> <HH:MM> [time zone] — "
            "e.g. /settings quiet 22:00 07:00 Europe/Berlin"
        )
        begin, finish = parse_clock(start, usage), parse_clock(end, usage)
        if begin == finish:
            raise CommandError(_("quiet hours need different start and end times"), usage)
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(_(UNKNOWN_ZONE).format(zone=shown(tz)), usage) from None
        return self._settings(
            await self._update(target, quiet_start=begin, quiet_end=finish, tz=tz)
        )

    async def clear_quiet(self, target: Target) -> SettingsAnswer:
        return self._settings(await self._update(target, quiet_start=None, quiet_end=None))

    async def mute(self, target: Target, duration: str) -> SettingsAnswer:
        usage = _("/settings mute <duration> — e.g. 30m, 2h, 1d (severe alerts still go through)")
        delta = parse_delta(duration, usage)
        if not dt.timedelta(minutes=1) <= delta <= dt.timedelta(days=30):
            raise CommandError(
                _("mute for 1m to 30d, not {duration}").format(duration=format_duration(delta)),
                usage,
            )
        return self._settings(await self._update(target, mute_until=self._clock() + delta))

    async def unmute(self, target: Target) -> SettingsAnswer:
        return self._settings(await self._update(target, mute_until=None))

    async def set_timezone(self, target: Target, tz: str) -> SettingsAnswer:
        usage = _("timezone <zone> — e.g. Europe/Berlin, Asia/Tokyo, America/New_York")
        name = tz.strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(_(UNKNOWN_ZONE).format(zone=shown(tz)), usage) from None
        return self._settings(await self._update(target, tz=name))

    async def set_ping_role(self, target: Target, role_id: str | None) -> SettingsAnswer:
        """Mention a role (its id) on severe alerts; None stops pinging."""
        if role_id is not None and not role_id.isdigit():
            raise CommandError(
                _("not a role id: {role}").format(role=shown(role_id)), "/alerts ping [role]"
            )
        return self._settings(await self._update(target, ping_role=role_id))

    async def mute_rule(self, target: Target, rule: str) -> SettingsAnswer:
        current = await self._require(target)
        if rule not in self._rules:
            raise CommandError(
                _("unknown rule {rule}; rules: {rules}").format(
                    rule=shown(rule), rules=_(", ").join(self._rules)
                ),
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
            raise CommandError(_("nothing to broadcast"), "/broadcast <text>")
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
            raise CommandError(_("no active subscriptions to send to"))
        event = AlertEvent(
            rule=f"admin-{kind.value}",
            kind=kind,
            level=level,
            as_of=now.date(),
            created_at=now,
            episode=now.isoformat(),
            reasons=(Reason.ADMIN,),
            note=headline,
            description=cause,
        )
        await self._store.enqueue_alert(event, targets)
        return len(targets)

    # -- helpers ---------------------------------------------------------------

    async def _require(self, target: Target) -> Subscription:
        sub = await self._store.get_subscription(target)
        if sub is None or not sub.active:
            raise CommandError(_("this chat is not subscribed yet"), "/subscribe [level]")
        return sub

    async def _update(self, target: Target, **changes: object) -> tuple[Subscription, Subscription]:
        before = await self._require(target)
        sub = await self._store.update_subscription(target, **changes)
        assert sub is not None  # _require just found it
        return sub, before

    def _settings(
        self,
        sub: Subscription | tuple[Subscription, Subscription],
        before: Subscription | None = None,
    ) -> SettingsAnswer:
        if isinstance(sub, tuple):
            sub, before = sub
        previous = self._settings(before) if before is not None and before.active else None
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
            ping_role=sub.ping_role,
            previous=previous,
        )
