"""/status in words: one line per feed a trader understands, raw errors apart.

"BTC: fresh, data for Mon 5 Aug — Coinbase answering; Kraken: last try failed at
14:02 UTC". Provider error texts (exception names, URLs) are never in these
lines; :func:`operator_errors` lists them separately for operators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.commands.answers import FeedStatus, SourcePoll, StatusAnswer
from bot.render.common import day_text, short_series

SOURCE_NAMES = {
    "mof": "Ministry of Finance",
    "treasury": "US Treasury",
    "frankfurter": "Frankfurter (ECB)",
    "kraken-usdjpy": "Kraken",
    "kraken-btc": "Kraken",
    "coinbase": "Coinbase",
    "fred": "FRED",
}


@dataclass(frozen=True, slots=True)
class FeedLine:
    name: str
    text: str
    ok: bool


def source_name(source: str) -> str:
    return SOURCE_NAMES.get(source, source)


def _utc_clock(at: dt.datetime) -> str:
    utc = at.astimezone(dt.UTC)
    return f"{utc.day} {utc:%b %H:%M} UTC"


def _source_text(poll: SourcePoll) -> str:
    name = source_name(poll.source)
    if poll.at is None:
        return f"{name}: not polled yet"
    if poll.error:
        since = poll.failing_since or poll.at
        tries = f", {poll.failures} tries" if poll.failures > 1 else ""
        return f"{name}: no answer since {_utc_clock(since)}{tries}"
    return f"{name}: answering"


def _freshness(feed: FeedStatus) -> str:
    if feed.last_date is None:
        return "no data yet"
    if feed.stale:
        return f"stale, newest data {day_text(feed.last_date)}"
    return f"fresh, data for {day_text(feed.last_date)}"


def feed_lines(answer: StatusAnswer) -> list[FeedLine]:
    """One line per series; the four JGB tenors of one source share a line when they
    read the same."""
    out: list[FeedLine] = []
    jgb = [f for f in answer.feeds if f.series.startswith("jgb.")]
    others = [f for f in answer.feeds if not f.series.startswith("jgb.")]
    groups: list[list[FeedStatus]] = []
    for feed in jgb:
        for group in groups:
            if _freshness(group[0]) == _freshness(feed) and group[0].sources == feed.sources:
                group.append(feed)
                break
        else:
            groups.append([feed])
    for group in groups:
        tenors = "/".join(f.series.split(".")[1] for f in group)
        out.append(_line(f"JGB {tenors}", group[0]))
    out += [_line(short_series(f.series), f) for f in others]
    return out


def _line(name: str, feed: FeedStatus) -> FeedLine:
    sources = "; ".join(_source_text(p) for p in feed.sources)
    text = _freshness(feed) + (f" — {sources}" if sources else "")
    return FeedLine(name, text, not feed.stale and feed.last_date is not None)


def operator_errors(answer: StatusAnswer) -> list[str]:
    """Each source's last raw error, once (for operators in a private chat)."""
    seen: dict[str, str] = {}
    for feed in answer.feeds:
        for poll in feed.sources:
            if poll.error and poll.source not in seen:
                seen[poll.source] = poll.error
    return [f"{source}: {error}" for source, error in seen.items()]
