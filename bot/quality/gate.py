"""The quality gate: only market moves get through; everything else is an event.

Pure: the clock is passed in, nothing is fetched or stored here. Feed it each
``FetchResult`` with the last accepted observation per series; it returns the
observations to store and the events to record.

Jump limits — a guard against unit and decimal errors, stale-vs-new pair
mix-ups and bad ticks, NOT a volatility filter. Each limit sits above the
largest real one-day move in the history files (checked by the tests):

* ``jgb.*`` 100 bp: largest MOF move 1974–2026 is 61.7 bp (7y, 1970s/80s);
  since 1990 36.7 bp; the 40y's record is 26.6 bp (2013-04-04).
* ``ust.*`` 150 bp: the 1-month bill moved 105 bp in a day (Treasury file),
  DGS2 89 bp (1981), DGS10 75 bp (1987-10-20).
* ``usdjpy`` 8 %: FRED DEXJPUS's largest moves are 9.07 % (1973-02-13, after a
  4-day market closure) and 5.47 % (1998-10-07); 2024-08-05 was −2.4 %. Yahoo's
  copy has two bad ticks (+8.5 % 2008-10-08, +17.7 % 2008-12-08, both reversed
  the next day and absent from FRED) — exactly what the limit must stop.
* ``btc`` 45 %: the record is −37.2 % (2020-03-12); 2024-08-05 was −7.1 %.

Limits scale with √(calendar days since the previous value, ≤ 30): a value after
a weekend or an outage may legitimately have moved further.

Yields have no second provider, so each curve tenor also gets a limit learned
from its own recent steps, and a tenor that moves alone while its neighbours
do not (a kink in the curve) is refused too: see ``bot.quality.learned``.

Cross-check tolerances — two providers of one series disagreeing by more than
this on the same market date means one of them is wrong, so neither is taken
as a market move:

* ``btc`` 1.5 %: Kraken and Coinbase daily closes are both the price at 00:00
  UTC on deep USD books; they differ by the cross-exchange basis, ~0.01–0.02 %
  in the recorded bodies. 1.5 % leaves room for dislocated books in a crash.
* ``usdjpy`` 2 %: the sources fix at different times (ECB ~13:15 UTC vs Kraken's
  00:00 UTC close), so the gap is a real intraday move, not an error. Measured on
  real data with a similar timing gap (Yahoo's close vs FRED's noon-New-York
  rate, 2010–2023): median 0.27 %, 99th percentile 1.6 %, 99.5th 2.0 %. A 0.5 %
  tolerance would call one day in three a disagreement.
* ``ust.10y`` 5 bp: Treasury's par curve and FRED DGS10 are the same Treasury
  number; any gap means a stale or wrong file.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby

from bot.quality.curve import curve_kinks, curve_outliers
from bot.quality.events import QualityEvent, QualityKind
from bot.quality.learned import LearnedLimits, curve_of, gap_scale
from bot.sources.base import FailureKind, FetchResult, failure_kind
from bot.sources.cadence import spec_for
from bot.sources.errors import SourceError
from signals.observation import Observation


@dataclass(frozen=True, slots=True)
class JumpLimit:
    """Largest plausible one-day change: ``absolute`` in value units or ``relative``."""

    absolute: float | None = None  # percentage points for yields (1.0 = 100 bp)
    relative: float | None = None  # fraction for prices (0.08 = 8 %)


DEFAULT_JUMP_LIMITS: dict[str, JumpLimit] = {
    "jgb.": JumpLimit(absolute=1.00),
    "ust.": JumpLimit(absolute=1.50),
    "usdjpy": JumpLimit(relative=0.08),
    "btc": JumpLimit(relative=0.45),
}
_UNSET = JumpLimit()
DEFAULT_TOLERANCES: dict[str, JumpLimit] = {
    "usdjpy": JumpLimit(relative=0.02),
    "btc": JumpLimit(relative=0.015),
    "ust.10y": JumpLimit(absolute=0.05),
}


def _lookup(table: Mapping[str, JumpLimit], series: str) -> JumpLimit | None:
    if series in table:
        return table[series]
    prefixes = [p for p in table if p.endswith(".") and series.startswith(p)]
    return table[max(prefixes, key=len)] if prefixes else None


def _too_far(limit: JumpLimit, old: float, new: float, *, scale: float, mid: bool) -> str | None:
    """Why ``new`` is too far from ``old``, or None.

    ``scale`` widens the limit (gap days); ``mid`` measures a relative change
    against the midpoint (two peers) instead of ``old`` (a step in time).
    """
    if limit.absolute is not None:
        allowed = limit.absolute * scale
        if abs(new - old) > allowed:
            return f"{old:g} -> {new:g} is {abs(new - old) * 100:.1f} bp > {allowed * 100:.0f} bp"
    if limit.relative is not None:
        base = (abs(old) + abs(new)) / 2 if mid else abs(old)
        change = abs(new - old) / base if base else math.inf
        allowed = limit.relative * scale
        if change > allowed:
            return f"{old:g} -> {new:g} is {change:.2%} > {allowed:.2%}"
    return None


@dataclass(frozen=True, slots=True)
class GateResult:
    accepted: tuple[Observation, ...]
    events: tuple[QualityEvent, ...]


class QualityGate:
    """Decides which observations are market moves; see the module docstring."""

    def __init__(
        self,
        clock: Callable[[], dt.datetime],
        *,
        jump_limits: Mapping[str, JumpLimit] | None = None,
        tolerances: Mapping[str, JumpLimit] | None = None,
        learned: LearnedLimits | None = None,
    ) -> None:
        self._clock = clock
        self.jump_limits = dict(DEFAULT_JUMP_LIMITS if jump_limits is None else jump_limits)
        self.tolerances = dict(DEFAULT_TOLERANCES if tolerances is None else tolerances)
        self.learned = learned or LearnedLimits()
        self._limits: dict[str, JumpLimit | None] = {}  # _lookup per series, memoised

    def check(self, result: FetchResult, last: Mapping[str, Observation]) -> GateResult:
        """Gate one poll: a failure becomes one event, a 304 passes nothing."""
        if result.failure is not None:
            failed = self._failure_event(result.source, result.failure, result.error)
            return GateResult((), (failed,))
        if result.not_modified:
            return GateResult((), ())
        return self.check_observations(result.source, result.observations, last)

    def check_error(self, source: str, error: SourceError) -> GateResult:
        """Gate a ``SourceError`` raised by a direct ``parse``/``get`` call."""
        return GateResult((), (self._failure_event(source, failure_kind(error), str(error)),))

    def _failure_event(self, source: str, kind: FailureKind, detail: str | None) -> QualityEvent:
        return QualityEvent(self._clock(), source, None, QualityKind(kind.value), detail or "")

    def check_observations(
        self, source: str, observations: Iterable[Observation], last: Mapping[str, Observation]
    ) -> GateResult:
        """Row checks: value, body order, then date by date jumps and curve shape.

        A body whose dates repeat or go backwards is rejected whole: which of its
        rows is the wrong one cannot be told (a wrong first row would otherwise
        be kept and the right ones after it refused). Dates not after the last
        accepted one are already known and dropped silently (providers resend a
        look-back window on every poll).
        """
        now = self._clock()
        events: list[QualityEvent] = []

        def event(obs: Observation, kind: QualityKind, detail: str) -> None:
            events.append(QualityEvent(now, source, obs.series, kind, detail, obs.date))

        by_series: dict[str, list[Observation]] = {}
        for obs in observations:
            by_series.setdefault(obs.series, []).append(obs)
        valid: list[Observation] = []
        broken = False
        for rows in by_series.values():
            kept = self._row_checks(rows, now, event)
            broken = broken or kept is None
            valid.extend(kept or ())
        if broken:
            return GateResult((), tuple(events))
        refs: dict[str, Observation] = {s: last[s] for s in by_series if s in last}
        accepted: list[Observation] = []
        valid.sort(key=lambda o: o.date)  # stable: series keep their order within a date
        for _, group in groupby(valid, key=lambda o: o.date):
            candidates: list[Observation] = []
            for obs in group:
                ref = refs.get(obs.series)
                if ref is not None and obs.date <= ref.date:
                    continue
                why = self._jump(obs, ref) if ref is not None else None
                if why is not None:
                    event(obs, QualityKind.IMPLAUSIBLE_JUMP, why)
                    continue
                candidates.append(obs)
            outliers, kinks = curve_outliers(candidates, refs, self.learned)
            for obs, why in outliers:
                event(obs, QualityKind.IMPLAUSIBLE_JUMP, why)
            rejected = {id(obs) for obs, _ in outliers}
            for obs in candidates:
                if id(obs) in rejected:
                    continue
                accepted.append(obs)
                refs[obs.series] = obs
                self.learned.learn(obs.series, obs.date, obs.value)
                if obs.series in kinks:
                    self.learned.learn_kink(obs.series, kinks[obs.series])
        return GateResult(tuple(accepted), tuple(events))

    def learn(self, observations: Iterable[Observation]) -> None:
        """Teach the learned limits values already known good (the store, history files)."""
        rows = sorted((o for o in observations if curve_of(o.series)), key=lambda o: o.date)
        refs: dict[str, Observation] = {}
        for _, group in groupby(rows, key=lambda o: o.date):
            day = list(group)
            kinks = curve_kinks(day, refs)
            for obs in day:
                step = self.learned.learn(obs.series, obs.date, obs.value)
                if step is not None and obs.series in kinks:
                    self.learned.learn_kink(obs.series, kinks[obs.series])
                refs[obs.series] = obs

    def _row_checks(
        self,
        rows: list[Observation],
        now: dt.datetime,
        event: Callable[[Observation, QualityKind, str], None],
    ) -> list[Observation] | None:
        """One series' rows that are values; None when the body's order is broken."""
        counts = Counter(obs.date for obs in rows)
        kept: list[Observation] = []
        for obs in rows:
            if not math.isfinite(obs.value):
                event(obs, QualityKind.BAD_VALUE, f"non-finite value {obs.value}")
                continue
            if obs.date > now.date() + dt.timedelta(days=1):
                event(obs, QualityKind.BAD_VALUE, f"date {obs.date} is in the future")
                continue
            if counts[obs.date] > 1:
                event(obs, QualityKind.DUPLICATE_DATE,
                      f"{counts[obs.date]} rows for {obs.date}; body rejected")  # fmt: skip
                return None
            if kept and obs.date <= kept[-1].date:
                event(obs, QualityKind.OUT_OF_ORDER,
                      f"{obs.date} after {kept[-1].date}; body rejected")  # fmt: skip
                return None
            kept.append(obs)
        return kept

    def _jump(self, obs: Observation, ref: Observation) -> str | None:
        """Why ``obs`` is too far from the last accepted ``ref``: fixed, then learned limit."""
        scale = gap_scale(ref.date, obs.date)
        limit = self._limits.get(obs.series, _UNSET)
        if limit is _UNSET:
            limit = self._limits[obs.series] = _lookup(self.jump_limits, obs.series)
        why = None
        if limit is not None:
            why = _too_far(limit, ref.value, obs.value, scale=scale, mid=False)
        learned = self.learned.jump_limit(obs.series) if curve_of(obs.series) else None
        if why is None and learned is not None and abs(obs.value - ref.value) > learned * scale:
            moved, allowed = abs(obs.value - ref.value) * 100, learned * scale * 100
            why = (
                f"{ref.value:g} -> {obs.value:g} is {moved:.1f} bp > {allowed:.0f} bp "
                f"(limit learned from its recent steps)"
            )
        return why and f"{why} since {ref.date} ({ref.source})"

    def cross_check(
        self,
        series: str,
        a: Observation,
        b: Observation,
        tolerance: JumpLimit | float | None = None,
    ) -> QualityEvent | None:
        """A ``disagreement`` event when two providers' values for one date differ too much.

        ``tolerance`` is a fraction for prices or a ``JumpLimit``; default from
        ``DEFAULT_TOLERANCES``. Different dates are not comparable: None. On an
        event the caller must not take either value as a market move.
        """
        if a.date != b.date:
            return None
        if isinstance(tolerance, int | float):
            tolerance = JumpLimit(relative=float(tolerance))
        tol = tolerance or _lookup(self.tolerances, series)
        if tol is None:
            raise KeyError(f"no cross-check tolerance for {series!r}")
        if not (math.isfinite(a.value) and math.isfinite(b.value)):
            why: str | None = "non-finite value"
        else:
            why = _too_far(tol, a.value, b.value, scale=1.0, mid=True)
        if why is None:
            return None
        return QualityEvent(
            self._clock(),
            f"{a.source}|{b.source}",
            series,
            QualityKind.DISAGREEMENT,
            f"{a.source} {a.value:g} vs {b.source} {b.value:g} on {a.date}: {why}",
            a.date,
        )

    def staleness(self, series: str, last_date: dt.date | None, now: dt.datetime) -> bool:
        """True when ``series`` should have a newer market date than ``last_date`` by ``now``."""
        return spec_for(series).is_stale(last_date, now)

    def stale_events(
        self, last_dates: Mapping[str, dt.date | None], source: str = "store"
    ) -> list[QualityEvent]:
        """One ``stale`` event per series whose newest date is older than its cadence allows."""
        now = self._clock()
        events = []
        for series, day in last_dates.items():
            spec = spec_for(series)
            if spec.is_stale(day, now):
                expected = spec.cadence.latest_expected(now - spec.max_age)
                detail = f"newest {day or 'none'}; {expected} expected by now"
                events.append(QualityEvent(now, source, series, QualityKind.STALE, detail, day))
        return events
