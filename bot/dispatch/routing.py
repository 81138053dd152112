"""Which chats an alert goes to, and whether it waits for quiet hours to end. Pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from bot.alerts.events import AlertEvent, EventKind
from bot.digest import DIGEST_RULE
from bot.store.records import ClaimedDelivery, PlannedDelivery, Subscription
from signals.levels import Level


class Skip(enum.StrEnum):
    INACTIVE = "subscription inactive or broken"
    BELOW_LEVEL = "below the chat's minimum level"
    RULE_MUTED = "rule muted in this chat"
    MUTED = "chat muted"


_ADMIN = (EventKind.BROADCAST, EventKind.TEST)


def quiet_end(sub: Subscription, now: dt.datetime) -> dt.datetime | None:
    """If ``now`` falls in the chat's quiet hours, when they end (UTC); else None."""
    if sub.quiet_start is None or sub.quiet_end is None:
        return None
    tz = ZoneInfo(sub.tz)
    local = now.astimezone(tz)
    start, end, t = sub.quiet_start, sub.quiet_end, local.time()
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_day = local.date() if t < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(end_day, end, tzinfo=tz).astimezone(dt.UTC)


def held_window(
    sub: Subscription | None, alerts: Iterable[AlertEvent]
) -> tuple[dt.time, dt.time, dt.datetime] | None:
    """If :func:`decide` held these alerts for the chat's quiet hours: the window and
    when it ended (UTC), so the message says "held", not "delayed". Every alert must
    have been holdable (not severe, not an operator message — the weekly digest, which
    the digest job holds like an alert, is holdable) and created inside it."""
    if sub is None or sub.quiet_start is None or sub.quiet_end is None:
        return None
    ends = []
    for alert in alerts:
        operator = alert.kind in _ADMIN and alert.rule != DIGEST_RULE
        if operator or alert.level >= Level.SEVERE:
            return None
        end = quiet_end(sub, alert.created_at)
        if end is None:
            return None
        ends.append(end)
    if not ends:
        return None
    return sub.quiet_start, sub.quiet_end, max(ends)


def decide(alert: AlertEvent, sub: Subscription, now: dt.datetime) -> PlannedDelivery | Skip:
    """One subscription's answer to one alert; ``severe`` ignores mute and quiet hours."""
    if not sub.active or sub.broken_reason:
        return Skip.INACTIVE
    if alert.kind in _ADMIN:
        return PlannedDelivery(sub.target)
    if alert.level < sub.min_level:
        return Skip.BELOW_LEVEL
    if alert.rule in sub.muted_rules:
        return Skip.RULE_MUTED
    severe = alert.level >= Level.SEVERE
    if sub.mute_until is not None and sub.mute_until > now and not severe:
        return Skip.MUTED
    wake = None if severe else quiet_end(sub, now)
    if wake is not None:
        return PlannedDelivery(sub.target, status="held", not_before=wake)
    return PlannedDelivery(sub.target)


def plan(
    alert: AlertEvent, subs: Iterable[Subscription], now: dt.datetime
) -> list[PlannedDelivery]:
    return [d for d in (decide(alert, s, now) for s in subs) if isinstance(d, PlannedDelivery)]


def chats_by_platform(claimed: Iterable[ClaimedDelivery]) -> dict[str, set[str]]:
    """The chat ids of a claimed batch, per platform: what one language lookup asks for."""
    out: dict[str, set[str]] = {}
    for c in claimed:
        out.setdefault(c.target.platform, set()).add(c.target.chat_id)
    return out


def with_languages(
    claimed: Sequence[ClaimedDelivery], languages: Mapping[str, Mapping[str, str]]
) -> list[ClaimedDelivery]:
    """Each claimed row with its target carrying the chat's chosen language, if any
    (``languages``: platform → chat id → language)."""
    out = []
    for c in claimed:
        lang = languages.get(c.target.platform, {}).get(c.target.chat_id)
        if lang and lang != c.target.language:
            c = dataclasses.replace(c, target=dataclasses.replace(c.target, language=lang))
        out.append(c)
    return out
