"""Read a history directory into the frames and the panel the engine scores.

This is the file-reading edge for :mod:`signals.loaders` (which only parses
bytes): it finds each series' files by the manifest's glob patterns, picks the
newest download, parses, splices vendors and builds the panel. A corrupt file
raises :class:`signals.loaders.HistoryFormatError` naming it — it is never
skipped, because a quietly missing series changes the score.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from bot.history.manifest import MANIFEST, FileChoice, ParserName, SeriesSource
from bot.quality.events import QualityEvent
from bot.quality.history import screen_frames
from signals.loaders import (
    parse_fred,
    parse_mof,
    parse_treasury_par_curve,
    parse_yahoo_daily,
    stitch_mof,
)
from signals.panel import build_panel, splice

log = logging.getLogger(__name__)

_FIX = (
    "Set CARRYWATCH_HISTORY_DIR or pass --history-dir to a folder laid out like "
    "mof/, fx/, btc/, ust/, or fetch one with `carrywatch history download`."
)

_PARSERS: dict[ParserName, Callable[[bytes, str, str], pd.DataFrame]] = {
    "mof": lambda data, source, _series: parse_mof(data, source),
    "treasury": lambda data, source, _series: parse_treasury_par_curve(data, source),
    "yahoo": parse_yahoo_daily,
    "fred": parse_fred,
}

# A date at the start of a line: 2024/8/5, 2024-08-05 or 08/05/2024 (Treasury).
_ISO_DATE = re.compile(rb'^"?(\d{4})[/-](\d{1,2})[/-](\d{1,2})', re.MULTILINE)
_US_DATE = re.compile(rb'^"?(\d{2})/(\d{2})/(\d{4})', re.MULTILINE)
_PROBE_BYTES = 4096


class HistoryDirError(FileNotFoundError):
    """The history directory, or a file the score cannot do without, is missing."""


def _last_date(path: Path) -> dt.date:
    """Latest date among the first and last few KB of a file (cheap, any layout).

    Head and tail together cover both oldest-first files and Treasury's
    newest-first one without parsing the whole download.
    """
    with path.open("rb") as handle:
        head = handle.read(_PROBE_BYTES)
        size = handle.seek(0, 2)
        handle.seek(max(0, size - _PROBE_BYTES))
        tail = handle.read()
    found = [dt.date.min]
    for chunk in (head, tail):
        for y, m, d in _ISO_DATE.findall(chunk):
            found.append(_safe_date(int(y), int(m), int(d)))
        for m, d, y in _US_DATE.findall(chunk):
            found.append(_safe_date(int(y), int(m), int(d)))
    return max(found)


def _safe_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date.min


def choose_file(history_dir: Path, choice: FileChoice) -> Path | None:
    """The match of ``choice`` whose data ends latest (then the larger, then by name)."""
    matches = {p for pattern in choice.patterns for p in history_dir.glob(pattern) if p.is_file()}
    if not matches:
        return None
    return max(matches, key=lambda p: (_last_date(p), p.stat().st_size, p.name))


def _read(path: Path, choice: FileChoice, series: str) -> pd.DataFrame:
    return _PARSERS[choice.parser](path.read_bytes(), str(path), series)


def _load_source(history_dir: Path, source: SeriesSource) -> pd.DataFrame | None:
    """One manifest entry as a frame, or None when an optional series has no file."""
    primary_path = choose_file(history_dir, source.primary)
    secondary_path = (
        choose_file(history_dir, source.secondary) if source.secondary is not None else None
    )
    if primary_path is None:
        wanted = " or ".join(source.primary.patterns)
        if source.required:
            raise HistoryDirError(f"{history_dir}: no {wanted} file for {source.key}. {_FIX}")
        if secondary_path is None or source.secondary is None:
            log.warning("history: %s left out: no %s in %s", source.key, wanted, history_dir)
            return None
        log.info("history: no %s; %s from %s alone", wanted, source.key, secondary_path)
        return _read(secondary_path, source.secondary, source.key)
    frame = _read(primary_path, source.primary, source.key)
    log.debug("history: %s from %s (%d rows)", source.key, primary_path, len(frame))
    if source.current is not None:
        current_path = choose_file(history_dir, source.current)
        if current_path is not None:
            frame = stitch_mof(frame, _read(current_path, source.current, source.key))
    if secondary_path is not None and source.secondary is not None:
        frame = splice(frame, _read(secondary_path, source.secondary, source.key))
    elif source.secondary is not None:
        log.info(
            "history: no %s; %s covers only %s's range",
            " or ".join(source.secondary.patterns),
            source.key,
            primary_path.name,
        )
    return frame


def load_history_frames(history_dir: Path) -> dict[str, pd.DataFrame]:
    """Every available series keyed by manifest key (``jgb`` holds all JGB tenors).

    Raises HistoryDirError when the directory or the MOF file is missing.
    """
    history_dir = Path(history_dir)
    if not history_dir.is_dir():
        raise HistoryDirError(f"history directory {history_dir} does not exist. {_FIX}")
    frames: dict[str, pd.DataFrame] = {}
    for source in MANIFEST:
        frame = _load_source(history_dir, source)
        if frame is not None:
            frames[source.key] = frame
    return frames


def _trim(panel: pd.DataFrame, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    return panel.loc[lo:hi].copy()


def _check_range(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and start > end:
        raise ValueError(f"start {start} is after end {end}")


def load_history_panel(
    history_dir: Path, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """The panel of every available series (see ``signals.panel.build_panel``), trimmed.

    ``start`` and ``end`` are inclusive market dates; rows outside are dropped
    after the splice, so trimming never changes which vendor a date came from.
    The values are as the files hold them: a replay feeds them through the live
    quality gate itself; the backtest uses :func:`load_checked_history`.
    """
    _check_range(start, end)
    return _trim(build_panel(list(load_history_frames(history_dir).values())), start, end)


def load_checked_history(
    history_dir: Path,
    now: dt.datetime,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[pd.DataFrame, tuple[QualityEvent, ...]]:
    """The panel after the live quality gate (``bot.quality.history``), and what it set aside.

    Screening runs over the whole history before trimming, so a value's
    reference is the one the live path would have had. Events are for the
    requested range only.
    """
    _check_range(start, end)
    screened = screen_frames(load_history_frames(history_dir), now)
    panel = _trim(build_panel(list(screened.frames.values())), start, end)
    events = tuple(
        e
        for e in screened.events
        if e.date is None or ((start is None or e.date >= start) and (end is None or e.date <= end))
    )
    return panel, events
