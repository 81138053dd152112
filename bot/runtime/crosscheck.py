"""Hold a value until a second provider confirms it (or a deadline passes).

USD/JPY and BTC each come from two independent providers. A value becomes a
market move only when the other provider agrees within tolerance for the same
date, or when the other has said nothing by the deadline. When they disagree,
neither value is used and a ``disagreement`` quality event is recorded: a bad
tick at one venue must never become an alert.
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


@dataclass
class _Held:
    first_seen: dt.datetime
    by_source: dict[str, Observation] = field(default_factory=dict)
    rejected: bool = False


class CrossCheck:
    def __init__(self, gate: QualityGate, wait: dt.timedelta = dt.timedelta(minutes=45)) -> None:
        self._gate = gate
        self._wait = wait
        self._held: dict[tuple[str, dt.date], _Held] = {}

    def offer(
        self, observations: tuple[Observation, ...], now: dt.datetime
    ) -> tuple[list[Observation], list[QualityEvent]]:
        """Pass through unpaired series; hold, confirm or reject paired ones."""
        out: list[Observation] = []
        events: list[QualityEvent] = []
        for obs in observations:
            pair = PAIRS.get(obs.series)
            if pair is None or obs.source not in pair:
                out.append(obs)
                continue
            held = self._held.setdefault((obs.series, obs.date), _Held(now))
            if held.rejected:
                continue
            held.by_source[obs.source] = obs
            if len(held.by_source) == 2:
                a, b = (held.by_source[s] for s in pair)
                event = self._gate.cross_check(obs.series, a, b)
                if event is not None:
                    held.rejected = True
                    events.append(event)
                else:
                    out.append(a)
                    del self._held[(obs.series, obs.date)]
        expired, ev = self.flush(now)
        return out + expired, events + ev

    def flush(self, now: dt.datetime) -> tuple[list[Observation], list[QualityEvent]]:
        """Release values whose partner never came; forget old rejections."""
        out: list[Observation] = []
        for key, held in list(self._held.items()):
            if now - held.first_seen < self._wait:
                continue
            del self._held[key]
            if held.rejected or not held.by_source:
                continue
            primary, secondary = PAIRS[key[0]]
            out.append(held.by_source.get(primary) or held.by_source[secondary])
        return sorted(out, key=lambda o: (o.date, o.series)), []

    def holds(self, source: str) -> bool:
        """Does a value of ``source`` still wait for its partner (not stored yet)?"""
        return any(not h.rejected and source in h.by_source for h in self._held.values())

    @property
    def pending(self) -> int:
        return sum(1 for h in self._held.values() if not h.rejected)
