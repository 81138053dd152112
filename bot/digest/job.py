"""Send every due weekly digest through the outbox (same dispatcher, limits, retries).

Run every few minutes by the leader. Each digest is one outbox alert of kind
``broadcast`` addressed to its owner only, with the dedup key
``(weekly-digest, <owner>:<local date>, broadcast)``: a crash between queueing
and marking, or two replicas, still queue it once, and the mark is set after.
The row carries a ``digest-score`` chart spec (the week, the owner's zone, the
queueing time as cutoff), drawn at send time; inside the delivery chat's quiet
hours the digest is held until they end, as an alert would be.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from bot import i18n
from bot.alerts.attachments import DIGEST_SCORE, ChartSpec
from bot.alerts.events import AlertEvent, EventKind
from bot.digest import DIGEST_RULE
from bot.digest.content import MARKETS, SUPERLONG, build_digest, digest_text
from bot.digest.schedule import due_on
from bot.dispatch.routing import quiet_end
from bot.notify.base import Target
from bot.store.chat_settings import ChatSettings
from bot.store.digests import Digests
from bot.store.records import PlannedDelivery
from bot.store.store import Store
from signals.levels import Level

log = logging.getLogger(__name__)
RULE = DIGEST_RULE
CAUSE = "Weekly digest"


async def delivery_target(store: Store, owner: Target) -> Target | None:
    """Where an owner's messages go: itself, or a Discord server's alert channel."""
    if owner.platform == "discord" and owner.chat_id.startswith("guild:"):
        channel = await store.meta_get(f"discord.alert_channel.{owner.chat_id[6:]}")
        return Target("discord", channel) if channel else None
    return owner


def week_before(day: dt.date) -> tuple[dt.date, dt.date]:
    """The seven market dates before local ``day``: what a digest sent on ``day`` covers."""
    return day - dt.timedelta(days=7), day - dt.timedelta(days=1)


async def delivery_plan(store: Store, target: Target, now: dt.datetime) -> PlannedDelivery:
    """Held until the chat's quiet hours end if ``now`` falls inside them (a digest is
    never urgent); due now otherwise."""
    sub = await store.get_subscription(target)
    wake = quiet_end(sub, now) if sub is not None else None
    if wake is not None:
        return PlannedDelivery(target, status="held", not_before=wake)
    return PlannedDelivery(target)


async def digest_for(store: Store, day: dt.date, now: dt.datetime) -> str:
    """The text for the week before local ``day`` (its seven previous market dates)."""
    first, last = week_before(day)
    snaps = await store.snapshots_between(first, last)
    scores = [(s.as_of, s.score) for s in snaps if s.score is not None]
    observations = await store.load_observations(
        since=first - dt.timedelta(days=14), series=[*SUPERLONG, *MARKETS]
    )
    by_series: dict[str, list[tuple[dt.date, float]]] = {}
    for o in sorted(observations, key=lambda o: o.date):
        if o.date <= last:
            by_series.setdefault(o.series, []).append((o.date, o.value))
    alerts = [a for a in await store.recent_alerts(500) if a.rule != RULE]
    return digest_text(build_digest(first, last, scores, by_series, alerts))


class DigestJob:
    def __init__(self, store: Store, clock: Callable[[], dt.datetime]) -> None:
        self._store = store
        self._digests = Digests(store)
        self._chats = ChatSettings(store)
        self._clock = clock

    async def run_once(self) -> list[Target]:
        """Queue every digest due now; returns the targets queued to."""
        now = self._clock()
        sent: list[Target] = []
        for prefs in await self._digests.enabled():
            day = due_on(now, prefs.weekday, prefs.hour, prefs.tz, prefs.last_sent_for)
            if day is None:
                continue
            target = await delivery_target(self._store, prefs.owner)
            if target is None:
                log.info("digest for %s skipped: no alert channel", prefs.owner)
                continue
            owner = prefs.owner
            # The text is written when queued, so in the owner's chosen language now;
            # the chart is drawn at send time in the same language (DigestCharts).
            language = await self._chats.language(owner.platform, owner.chat_id)
            with i18n.use(language):
                note = await digest_for(self._store, day, now)
            event = AlertEvent(
                rule=RULE,
                kind=EventKind.BROADCAST,
                level=Level.LOW,
                note=note,
                description=CAUSE,
                as_of=day,
                created_at=now,
                episode=f"{owner.platform}:{owner.chat_id}:{owner.thread_id or ''}:{day}"[:64],
            )
            first, last = week_before(day)
            chart = ChartSpec(DIGEST_SCORE, first, last, prefs.tz, cutoff=now)
            planned = await delivery_plan(self._store, target, now)
            queued = await self._store.enqueue_alert(event, [planned], attachment=chart)
            await self._digests.mark_sent(owner, day.isoformat(), now)
            if queued is not None:
                sent.append(target)
        return sent
