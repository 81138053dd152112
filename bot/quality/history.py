"""The live quality gate applied to a whole history, so a backtest sees what live would.

``carrywatch backtest`` must not score a value the live path would have set
aside: a USD/JPY close of −5 or a 40y yield of 40 % would otherwise become a
"crash" with alerts (one such close in Feb 2016 turns 10 alert events into 18,
one of them a false ``severe``). Every series of a history frame goes through
:meth:`QualityGate.check_observations` exactly as a poll would, with the last
accepted value as the reference, plus the parsers' own rule that a price is
positive (the live parsers refuse ``price <= 0`` before the gate).

Pure apart from the clock value passed in. Fast: a vectorised pass finds the
rows whose step from the previous row could break a jump limit; only those
(and the rows after a set-aside value, until one is accepted again) are handed
to the gate one by one, which keeps the gate's exact decision and costs a few
milliseconds for fifty years.

Not applied here (yet): the gate's per-tenor limits learned from recent steps
and its curve-shape checks (``bot.quality.learned``, ``bot.quality.curve``)
learn from the stream of accepted values, which the fast pass skips; history
is held to the fixed jump limits and the row checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from bot.quality.events import QualityEvent, QualityKind
from bot.quality.gate import JumpLimit, QualityGate
from bot.quality.learned import MAX_GAP_DAYS
from signals.observation import Observation

PRICE_SERIES = ("usdjpy", "btc")
"""Series quoted as prices: a value at or below zero is impossible."""

SOURCE = "history"
_SAFETY = 0.999  # flag a little early; the gate itself makes the final call


@dataclass(frozen=True, slots=True)
class ScreenedHistory:
    """The frames with every set-aside value removed, and why each one was."""

    frames: dict[str, pd.DataFrame]
    events: tuple[QualityEvent, ...]


def _limit_for(gate: QualityGate, series: str) -> JumpLimit | None:
    """The gate's jump limit for ``series`` (exact name, else the longest prefix)."""
    limits = gate.jump_limits
    if series in limits:
        return limits[series]
    prefixes = [p for p in limits if p.endswith(".") and series.startswith(p)]
    return limits[max(prefixes, key=len)] if prefixes else None


def _suspects(
    values: npt.NDArray[np.float64], days: npt.NDArray[np.int64], limit: JumpLimit
) -> npt.NDArray[np.bool_]:
    """Rows whose step from the previous row may exceed ``limit`` (a superset of the gate's)."""
    out = np.zeros(values.size, dtype=bool)
    if values.size < 2:
        return out
    gap = np.clip(np.diff(days), 1, MAX_GAP_DAYS).astype(float)
    scale = np.sqrt(gap) * _SAFETY
    step = np.abs(np.diff(values))
    bad = np.zeros(values.size - 1, dtype=bool)
    if limit.absolute is not None:
        bad |= step > limit.absolute * scale
    if limit.relative is not None:
        base = np.abs(values[:-1])
        with np.errstate(divide="ignore", invalid="ignore"):
            bad |= ~(step <= limit.relative * scale * base)
    out[1:] = bad
    return out


class _LazyDates:
    """``dates[i]`` as a ``datetime.date``, converted only for the rows looked at."""

    def __init__(self, index: pd.Index) -> None:
        self._days = index.to_numpy().astype("datetime64[D]")

    def __getitem__(self, pos: int) -> dt.date:
        day: dt.date = self._days[pos].item()
        return day


def _walk(
    series: str,
    values: npt.NDArray[np.float64],
    dates: _LazyDates,
    keep: npt.NDArray[np.bool_],
    flagged: npt.NDArray[np.intp],
    gate: QualityGate,
) -> list[QualityEvent]:
    """The gate's sequential decision, visiting only flagged rows and what follows a reject.

    Between flagged rows every step is within the limit from an accepted
    predecessor, so the gate would accept them: they are skipped. After a
    set-aside value each next row is checked against the last accepted one
    until one passes. ``keep`` is updated in place (it is this module's own).
    """
    events: list[QualityEvent] = []
    n, pos, ref_pos, pending = values.size, 0, -1, False
    while pos < n:
        if not pending:
            i = int(np.searchsorted(flagged, pos))
            if i == flagged.size:
                break
            if flagged[i] > pos:
                ref_pos, pos = int(flagged[i]) - 1, int(flagged[i])
        if not keep[pos]:
            pending, pos = True, pos + 1
            continue
        if ref_pos < 0:
            ref_pos, pending, pos = pos, False, pos + 1
            continue
        ref = Observation(series, dates[ref_pos], float(values[ref_pos]), SOURCE)
        obs = Observation(series, dates[pos], float(values[pos]), SOURCE)
        result = gate.check_observations(SOURCE, [obs], {series: ref})
        if result.accepted:
            ref_pos, pending = pos, False
        else:
            keep[pos], pending = False, True
            events.extend(result.events)
        pos += 1
    return events


def screen_series(
    series: str, column: pd.Series, gate: QualityGate, now: dt.datetime
) -> tuple[pd.Series, list[QualityEvent]]:
    """One series (NaN = not observed) through the gate; returns kept values and events."""
    observed = column.dropna()
    values = observed.to_numpy(dtype=np.float64)
    dates = _LazyDates(observed.index)
    keep = np.ones(values.size, dtype=bool)
    events: list[QualityEvent] = []
    if series in PRICE_SERIES:
        for pos in np.flatnonzero(values <= 0.0).tolist():
            keep[pos] = False
            events.append(QualityEvent(now, SOURCE, series, QualityKind.BAD_VALUE,
                                       f"price {values[pos]:g} <= 0", dates[pos]))  # fmt: skip
    limit = _limit_for(gate, series)
    if limit is not None and values.size > 1:
        days = observed.index.to_numpy().astype("datetime64[D]").astype(np.int64)
        flagged = np.flatnonzero(_suspects(values, days, limit) | ~keep)
        events += _walk(series, values, dates, keep, flagged, gate)
    kept = observed[keep]
    return kept, events


def screen_frames(
    frames: Mapping[str, pd.DataFrame], now: dt.datetime, gate: QualityGate | None = None
) -> ScreenedHistory:
    """Every column of every frame through :func:`screen_series`; inputs are not modified."""
    gate = gate or QualityGate(lambda: now)
    out: dict[str, pd.DataFrame] = {}
    events: list[QualityEvent] = []
    for key, frame in frames.items():
        columns = {}
        for name in frame.columns:
            kept, found = screen_series(str(name), frame[name], gate, now)
            columns[name] = kept
            events.extend(found)
        screened = pd.DataFrame(columns, index=frame.index, dtype=np.float64)
        screened = screened.dropna(how="all")
        screened.index.name = frame.index.name
        out[key] = screened
    events.sort(key=lambda e: (e.date or dt.date.min, e.series or ""))
    return ScreenedHistory(out, tuple(events))


def event_json(event: QualityEvent) -> dict[str, str | None]:
    """A set-aside value as the backtest's ``quality`` list reports it."""
    return {
        "date": event.date.isoformat() if event.date else None,
        "series": event.series,
        "kind": event.kind.value,
        "detail": event.detail,
    }


def event_line(event: QualityEvent) -> str:
    """One stderr line: what was set aside and why."""
    day = event.date.isoformat() if event.date else "-"
    return f"quality: {day} {event.series}: {event.kind.value}: {event.detail}; set aside"
