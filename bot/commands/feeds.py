"""Feed freshness for /status and /healthz, derived from the store (shared by replicas)."""

from __future__ import annotations

import datetime as dt
import json

from bot.commands.answers import FeedStatus, SourcePoll
from bot.sources.cadence import spec_for
from bot.store.store import Store

# The series people care about, and which poll jobs feed each (bot/runtime/jobs.py ids).
WATCHED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("jgb.10y", ("mof",)),
    ("jgb.20y", ("mof",)),
    ("jgb.30y", ("mof",)),
    ("jgb.40y", ("mof",)),
    ("usdjpy", ("frankfurter", "kraken-usdjpy", "coinbase-rates")),
    ("btc", ("coinbase", "kraken-btc")),
    ("ust.10y", ("treasury",)),
)


def _when(raw: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(raw) if isinstance(raw, str) and raw else None


def poll_key(source: str) -> str:
    return f"poll.{source}"


def poll_record(at: dt.datetime, error: str | None, previous: str | None = None) -> str:
    """What the poller stores in meta after each poll of a source: this poll, and
    since when and how many times in a row it has failed (for /status)."""
    before = json.loads(previous) if previous else {}
    failures = int(before.get("failures", 0)) + 1 if error else 0
    since = (before.get("failing_since") or at.isoformat()) if error else None
    last_ok = at.isoformat() if not error else before.get("last_ok")
    return json.dumps(
        {
            "at": at.isoformat(),
            "error": error,
            "failures": failures,
            "failing_since": since,
            "last_ok": last_ok,
        }
    )


async def record_poll(store: Store, source: str, at: dt.datetime, error: str | None) -> None:
    """Store one poll's outcome, counting failures in a row."""
    key = poll_key(source)
    await store.meta_set(key, poll_record(at, error, await store.meta_get(key)))


async def feed_statuses(store: Store, now: dt.datetime) -> tuple[FeedStatus, ...]:
    latest = await store.latest_observation_dates()
    polls: dict[str, tuple[dt.datetime | None, str | None]] = {}
    tried: dict[str, SourcePoll] = {}
    for _, sources in WATCHED:
        for source in sources:
            if source not in polls:
                raw = await store.meta_get(poll_key(source))
                data = json.loads(raw) if raw else {}
                at = _when(data.get("at"))
                polls[source] = (at, data.get("error"))
                tried[source] = SourcePoll(
                    source,
                    at,
                    data.get("error"),
                    failures=int(data.get("failures", 1 if data.get("error") else 0)),
                    failing_since=_when(data.get("failing_since")),
                )
    out = []
    for series, sources in WATCHED:
        this = tuple(tried[s] for s in sources)
        seen = [(polls[s][0], s, polls[s][1]) for s in sources if polls[s][0] is not None]
        last_poll, source, error = (
            max(seen, key=lambda p: p[0] or now) if seen else (None, sources[0], None)
        )
        last = latest.get(series)
        out.append(
            FeedStatus(
                series=series,
                last_date=last,
                stale=spec_for(series).is_stale(last, now),
                source=source,
                last_poll=last_poll,
                last_error=error,
                sources=this,
            )
        )
    return tuple(out)
