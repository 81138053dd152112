"""Hold a value until a second provider confirms it (or a deadline passes).

USD/JPY and BTC each come from two independent providers. A value becomes a
market move only when the other provider agrees within tolerance for the same
date, or when the other has said nothing by the deadline. When they disagree,
neither value is used and a ``disagreement`` quality event is recorded: a bad
tick at one venue must never become an alert.

Intraday (provisional) values have their own pairs, because the daily pair may
have no intraday quote: the ECB reference rate (Frankfurter) appears once a
day, so a yen move seen by Kraken alone would wait for the deadline. USD/JPY's
intraday partner is Coinbase's spot rate, BTC's the same two venues as its
closes. A provisional value also confirms the daily partner's close for the
same date (Frankfurter's rate against Kraken's bar of the day), as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.quality.events import QualityEvent
from bot.quality.gate import QualityGate
from signals.observation import Observation

# series -> (primary, secondary): the primary's value is the one stored, so one
# vendor makes the series day to day and vendor differences don't look like moves.
PAIRS: Mapping[str, tuple[str, str]] = {
    "usdjpy": ("frankfurter", "kraken"),
    "btc": ("coinbase", "kraken"),
}
# series -> (primary, secondary) of provisional values: the venues quoting it live.
INTRADAY_PAIRS: Mapping[str, tuple[str, str]] = {
    "usdjpy": ("kraken", "coinbase_rates"),
    "btc": ("coinbase", "kraken"),
}

Key = tuple[str, dt.date, bool]  # series, market date, provisional


def pair_of(obs: Observation) -> tuple[str, str] | None:
    """The two providers that must agree on ``obs``, or None if it passes unpaired."""
    live = INTRADAY_PAIRS.get(obs.series) if obs.provisional else None
    if live is not None and obs.source in live:
        return live
    daily = PAIRS.get(obs.series)
    return daily if daily is not None and obs.source in daily else None


@dataclass
class _Held:
    first_seen: dt.datetime
    by_source: dict[str, Observation] = field(default_factory=dict)
    rejected: bool = False


class CrossCheck:
    def __init__(self, gate: QualityGate, wait: dt.timedelta = dt.timedelta(minutes=45)) -> None:
        self._gate = gate
        self._wait = wait
        self._held: dict[Key, _Held] = {}

    def offer(
        self, observations: tuple[Observation, ...], now: dt.datetime
    ) -> tuple[list[Observation], list[QualityEvent]]:
        """Pass through unpaired series; hold, confirm or reject paired ones."""
        out: list[Observation] = []
        events: list[QualityEvent] = []
        for obs in observations:
            pair = pair_of(obs)
            if pair is None:
                out.append(obs)
                continue
            key = (obs.series, obs.date, obs.provisional and pair == INTRADAY_PAIRS.get(obs.series))
            self._partner_close(obs, key, out, events)
            held = self._held.setdefault(key, _Held(now))
            if held.rejected:
                continue
            held.by_source[obs.source] = obs
            if len(held.by_source) == 2:
                a, b = (held.by_source[s] for s in pair)
                self._settle(key, held, a, b, out, events)
        expired, ev = self.flush(now)
        return out + expired, events + ev

    def _partner_close(
        self, obs: Observation, key: Key, out: list[Observation], events: list[QualityEvent]
    ) -> None:
        """A live value of the daily pair's venue settles that pair's held close.

        Frankfurter's rate of a date waits for Kraken; Kraken's bar of that date
        is still open (provisional) when the rate comes out, and lives in the
        intraday lane. Without this, the close would wait for the deadline.
        """
        if not key[2]:
            return
        daily = PAIRS.get(obs.series)
        close_key = (obs.series, obs.date, False)
        held = self._held.get(close_key)
        if daily is None or obs.source not in daily or held is None or held.rejected:
            return
        other = next((o for s, o in held.by_source.items() if s != obs.source), None)
        if other is None:
            return
        a, b = (other, obs) if other.source == daily[0] else (obs, other)
        self._settle(close_key, held, a, b, out, events)

    def _settle(
        self,
        key: Key,
        held: _Held,
        primary: Observation,
        secondary: Observation,
        out: list[Observation],
        events: list[QualityEvent],
    ) -> None:
        """Compare the two values: agreement releases the primary's, else both are refused."""
        event = self._gate.cross_check(primary.series, primary, secondary)
        if event is not None:
            held.rejected = True
            events.append(event)
        else:
            out.append(primary)
            del self._held[key]

    def flush(self, now: dt.datetime) -> tuple[list[Observation], list[QualityEvent]]:
        """Release values whose partner never came; forget old rejections."""
        out: list[Observation] = []
        for key, held in list(self._held.items()):
            if now - held.first_seen < self._wait:
                continue
            del self._held[key]
            if held.rejected or not held.by_source:
                continue
            primary, _ = (INTRADAY_PAIRS if key[2] else PAIRS)[key[0]]
            out.append(held.by_source.get(primary) or next(iter(held.by_source.values())))
        return sorted(out, key=lambda o: (o.date, o.series)), []

    def holds(self, source: str) -> bool:
        """Does a value of ``source`` still wait for its partner (not stored yet)?"""
        return any(not h.rejected and source in h.by_source for h in self._held.values())

    @property
    def pending(self) -> int:
        return sum(1 for h in self._held.values() if not h.rejected)
