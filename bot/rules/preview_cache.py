"""The scored history for ``carrywatch rules test``, kept in a binary cache between runs.

Reading the CSV files, screening and scoring them takes about a second, and
importing pandas to do it most of another half; the preview itself is a walk
over one column that takes milliseconds. So the first run stores the scored
columns (dates, score, every component and indicator) as one uncompressed
``.npz`` file and later runs read just the column the rule needs with numpy
alone — pandas is never imported on a cache hit.

The file lives in ``$CARRYWATCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/carrywatch``,
else ``~/.cache/carrywatch``, one file per history directory. It is keyed by
the path, size and modification time of every history file the loader could
pick, and by a hash of the code that loads and scores them; any change
rebuilds it. It is written to a temporary file and renamed into place, so a
reader never sees half a file. A cache that cannot be read (truncated,
corrupt, from another format) is rebuilt; one that cannot be written is
skipped with a note on stderr: the answer is the same either way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np

import bot
import signals
from bot.history.manifest import MANIFEST
from signals.columns import Columns

FORMAT = 1
# The code whose output is cached: the loaders, the quality screen, the panel
# and the scoring (all of signals/), and this file's own layout.
_CODE = (
    (Path(signals.__file__).parent, "**/*.py"),
    (Path(bot.__file__).parent / "history", "*.py"),
    (Path(bot.__file__).parent / "sources", "parsing.py"),
    (Path(bot.__file__).parent / "rules", "preview*.py"),
)
_KEY, _DATES, _SCORE = "key", "dates", "score"
_COMPONENT, _INPUT = "component/", "input/"

Note = Callable[[str], None]


class HistoryUnavailable(Exception):
    """The history could not be loaded (missing directory or file, unreadable data)."""


def _stderr(text: str) -> None:
    print(text, file=sys.stderr)


def cache_dir() -> Path:
    """``$CARRYWATCH_CACHE_DIR``, else the XDG per-user cache directory."""
    if raw := os.environ.get("CARRYWATCH_CACHE_DIR"):
        return Path(raw)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "carrywatch"


def history_files(directory: Path) -> list[Path]:
    """Every file a manifest pattern matches: the loader picks among these."""
    found: set[Path] = set()
    for source in MANIFEST:
        for choice in (source.primary, source.secondary, source.current):
            if choice is not None:
                for pattern in choice.patterns:
                    found.update(p for p in directory.glob(pattern) if p.is_file())
    return sorted(found)


def _code_hash() -> str:
    digest = hashlib.blake2b(digest_size=16)
    for root, pattern in _CODE:
        for path in sorted(root.glob(pattern)):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(directory: Path, files: Iterable[Path]) -> str:
    """What the cached columns were computed from, as one JSON text."""
    stats = []
    for path in files:
        st = path.stat()
        stats.append([str(path), st.st_size, st.st_mtime_ns])
    return json.dumps(
        {"format": FORMAT, "dir": str(directory), "files": stats, "code": _code_hash()}
    )


def cache_path(directory: Path) -> Path:
    name = hashlib.blake2b(str(directory).encode(), digest_size=8).hexdigest()
    return cache_dir() / f"history-{name}.npz"


class CachedColumns:
    """The columns a preview reads, as read from the cache (satisfies ``Columns``)."""

    def __init__(
        self,
        dates: np.ndarray,
        score: np.ndarray,
        components: Mapping[str, np.ndarray],
        inputs: Mapping[str, np.ndarray],
    ) -> None:
        self.dates, self.score = dates, score
        self.components, self.inputs = components, inputs

    def __len__(self) -> int:
        return int(self.dates.size)

    def date(self, i: int) -> dt.date:
        day: dt.date = self.dates[i].item()  # datetime64[D] -> datetime.date
        return day


def _wanted_member(indicator: str) -> str:
    if indicator.startswith("component."):
        return _COMPONENT + indicator.removeprefix("component.")
    return _INPUT + indicator


def read_cache(path: Path, key: str, indicators: Iterable[str]) -> CachedColumns | None:
    """The cached columns for ``indicators``, or None when the file was built from
    something else. Raises on a file that is not a readable cache."""
    with np.load(path, allow_pickle=False) as archive:
        if str(archive[_KEY]) != key:
            return None
        names = set(archive.files)
        dates, score = archive[_DATES], archive[_SCORE]
        components: dict[str, np.ndarray] = {}
        inputs: dict[str, np.ndarray] = {}
        for indicator in indicators:
            if indicator == "score":
                continue
            member = _wanted_member(indicator)
            if member in names:  # an indicator with no data is absent, as in ScoredHistory
                column = archive[member]
                if column.shape != dates.shape:
                    raise ValueError(f"{member}: {column.shape} values for {dates.size} dates")
                target = components if member.startswith(_COMPONENT) else inputs
                target[member.split("/", 1)[1]] = column
        if dates.dtype != np.dtype("datetime64[D]") or score.shape != dates.shape:
            raise ValueError("dates or score column malformed")
    return CachedColumns(dates, score, components, inputs)


def write_cache(path: Path, key: str, history: Columns) -> None:
    """Store every column of ``history`` at ``path``, atomically (temp file + rename)."""
    arrays: dict[str, np.ndarray] = {
        _KEY: np.array(key),
        _DATES: np.asarray(history.dates, dtype="datetime64[D]"),
        _SCORE: np.asarray(history.score, dtype=float),
    }
    arrays.update({_COMPONENT + k: np.asarray(v, float) for k, v in history.components.items()})
    arrays.update({_INPUT + k: np.asarray(v, float) for k, v in history.inputs.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, allow_pickle=False, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load_and_score(directory: Path) -> Columns:
    """The cold path: the same load and scoring as the bot's previews (pandas)."""
    from bot.history.loader import HistoryDirError
    from bot.rules.previews import load_scored_history
    from signals.loaders.errors import HistoryFormatError

    try:
        return load_scored_history(directory)
    except (HistoryDirError, HistoryFormatError) as exc:
        raise HistoryUnavailable(str(exc)) from None


def preview_history(directory: Path, indicators: Iterable[str], note: Note = _stderr) -> Columns:
    """The scored history of ``directory``, from the cache when it is current.

    ``indicators`` are the columns the caller will read (a hit loads only
    those). ``note`` gets one line when the cache is built, rebuilt or cannot
    be written. Raises HistoryUnavailable when the history cannot be loaded.
    """
    directory = directory.resolve()
    files = history_files(directory) if directory.is_dir() else []
    if not files:
        return _load_and_score(directory)  # says what is missing
    key = cache_key(directory, files)
    path = cache_path(directory)
    why = "first run"
    try:
        cached = read_cache(path, key, indicators)
        if cached is not None:
            return cached
        why = "the history files or the code changed"
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - any unreadable cache is rebuilt, never shown
        why = f"the cached file was unreadable: {type(exc).__name__}"
    note(f"history cache: building {path} ({why}); later runs read it")
    history = _load_and_score(directory)
    try:
        write_cache(path, key, history)
    except OSError as exc:
        note(f"history cache: not written ({exc.strerror or exc}); the next run loads again")
    return history
