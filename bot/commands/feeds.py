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
    ("usdjpy", ("frankfurter", "kraken-usdjpy")),
    ("btc", ("coinbase", "kraken-btc")),
    ("ust.10y", ("treasury",)),
)


def poll_key(source: str) -> str:
    return f"poll.{source}"


def poll_record(at: dt.datetime, error: str | None) -> str:
    """What the poller stores in meta after each poll of a source."""
    return json.dumps({"at": at.isoformat(), "error": error})


async def feed_statuses(store: Store, now: dt.datetime) -> tuple[FeedStatus, ...]:
    latest = await store.latest_observation_dates()
    polls: dict[str, tuple[dt.datetime | None, str | None]] = {}
    for _, sources in WATCHED:
        for source in sources:
            if source not in polls:
                raw = await store.meta_get(poll_key(source))
                data = json.loads(raw) if raw else {}
                at = dt.datetime.fromisoformat(data["at"]) if data.get("at") else None
                polls[source] = (at, data.get("error"))
    out = []
    for series, sources in WATCHED:
        tried = tuple(SourcePoll(s, polls[s][0], polls[s][1]) for s in sources)
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
                sources=tried,
            )
        )
    return tuple(out)
