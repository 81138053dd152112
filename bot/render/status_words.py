"""/status in words: one line per feed a trader understands, raw errors apart.

"BTC: fresh, data for Mon 5 Aug — Coinbase answering; Kraken: last try failed at
14:02 UTC". Provider error texts (exception names, URLs) are never in these
lines; :func:`operator_errors` lists them separately for operators (as the
providers wrote them: not translated). Every line is in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.commands.answers import FeedStatus, SourcePoll, StatusAnswer
from bot.i18n import N_, _, pgettext
from bot.render.common import day_text, month_day, short_series

SOURCE_NAMES = {  # brand names (Kraken, Coinbase, FRED) are the same in every language
    "mof": N_("Ministry of Finance"),
    "treasury": N_("US Treasury"),
    "frankfurter": N_("Frankfurter (ECB)"),
    "kraken-usdjpy": "Kraken",
    "kraken-btc": "Kraken",
    "coinbase": "Coinbase",
    "coinbase-rates": "Coinbase",
    "fred": "FRED",
}


@dataclass(frozen=True, slots=True)
class FeedLine:
    name: str
    text: str
    ok: bool


_TRANSLATED = frozenset({"mof", "treasury", "frankfurter"})


def source_name(source: str) -> str:
    name = SOURCE_NAMES.get(source, source)
    return _(name) if source in _TRANSLATED else name


def _utc_clock(at: dt.datetime) -> str:
    utc = at.astimezone(dt.UTC)
    return f"{month_day(utc.date())} {utc:%H:%M} UTC"


def _source_text(poll: SourcePoll) -> str:
    name = source_name(poll.source)
    if poll.at is None:
        return _("{source}: not polled yet").format(source=name)
    if poll.error:
        since = _utc_clock(poll.failing_since or poll.at)
        if poll.failures > 1:
            return _("{source}: no answer since {since}, {tries} tries").format(
                source=name, since=since, tries=poll.failures
            )
        return _("{source}: no answer since {since}").format(source=name, since=since)
    return _("{source}: answering").format(source=name)


def _freshness(feed: FeedStatus) -> str:
    if feed.last_date is None:
        return _("no data yet")
    if feed.stale:
        return _("stale, newest data {day}").format(day=day_text(feed.last_date))
    return _("fresh, data for {day}").format(day=day_text(feed.last_date))


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
        out.append(_line(_("JGB {tenors}").format(tenors=tenors), group[0]))
    out += [_line(short_series(f.series), f) for f in others]
    return out


def _line(name: str, feed: FeedStatus) -> FeedLine:
    sources = pgettext("clause separator", "; ").join(_source_text(p) for p in feed.sources)
    text = fresh = _freshness(feed)
    if sources:
        text = _("{freshness} — {sources}").format(freshness=fresh, sources=sources)
    return FeedLine(name, text, not feed.stale and feed.last_date is not None)


def operator_errors(answer: StatusAnswer) -> list[str]:
    """Each source's last raw error, once (for operators in a private chat)."""
    seen: dict[str, str] = {}
    for feed in answer.feeds:
        for poll in feed.sources:
            if poll.error and poll.source not in seen:
                seen[poll.source] = poll.error
    return [f"{source}: {error}" for source, error in seen.items()]
