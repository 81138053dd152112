"""The scored history for ``carrywatch rules test``, kept in a binary cache between runs.

Reading the CSV files, screening and scoring them takes about a second, and
importing pandas and numpy to do it most of another half; the preview itself
is a walk over one column that takes milliseconds. So the first run stores
the scored columns (dates, score, every component and indicator) as one
uncompressed ``.npz`` file (numpy writes it), and later runs read just the
column the rule needs with ``zipfile`` and ``array`` — neither pandas nor
numpy is imported on a cache hit.

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
import math
import os
import re
import sys
import tempfile
import zipfile
from array import array
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bot
import signals
from bot.history.manifest import MANIFEST
from signals.columns import Columns, PreviewColumns

if TYPE_CHECKING:
    import numpy as np

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


_NPY_MAGIC = b"\x93NUMPY"
_HEADER = re.compile(
    r"\{'descr': '(?P<descr>[^']+)', 'fortran_order': False, 'shape': \((?P<n>\d*),?\), \}"
)
_TYPECODES = {"<f8": "d", "<M8[D]": "q"}  # float64; datetime64[D] as days since 1970
_EPOCH = dt.date(1970, 1, 1).toordinal()


def _npy(data: bytes) -> tuple[str, array[Any] | str]:
    """One ``.npy`` member without numpy: a 1-D float64/datetime64[D] column, or the
    0-d unicode key. Raises ValueError on anything else."""
    if data[:6] != _NPY_MAGIC or sys.byteorder != "little":
        raise ValueError("not a little-endian .npy")
    major = data[6]
    size_bytes = 2 if major == 1 else 4
    head_len = int.from_bytes(data[8 : 8 + size_bytes], "little")
    body = 8 + size_bytes + head_len
    header = data[8 + size_bytes : body].decode("latin1").strip()
    match = _HEADER.fullmatch(header)
    if match is None:
        raise ValueError(f"unexpected .npy header {header[:80]!r}")
    descr, shape = match["descr"], match["n"]
    if descr.startswith("<U") and shape == "":
        return descr, data[body:].decode("utf-32-le").rstrip("\x00")
    code = _TYPECODES.get(descr)
    if code is None or shape == "":
        raise ValueError(f"unexpected column type {descr}")
    column = array(code)
    column.frombytes(data[body:])
    if len(column) != int(shape):
        raise ValueError(f"column of {len(column)} values, header says {shape}")
    return descr, column


class CachedColumns:
    """The columns one preview reads, as read from the cache (a ``PreviewColumns``).

    Plain ``array`` objects and ``datetime.date``: no numpy until a chart asks
    for :attr:`dates`.
    """

    def __init__(self, days: array[int], columns: Mapping[str, array[float]]) -> None:
        self._days, self._columns = days, columns

    def __len__(self) -> int:
        return len(self._days)

    def date(self, i: int) -> dt.date:
        return dt.date.fromordinal(_EPOCH + self._days[i])

    def values(self, name: str) -> list[float]:
        column = self._columns.get(name)
        return [math.nan] * len(self) if column is None else column.tolist()

    @property
    def dates(self) -> Any:  # np.ndarray (datetime64[D]); numpy only when charting
        import numpy as np

        return np.asarray(self._days, dtype="int64").astype("datetime64[D]")


def _member(indicator: str) -> str:
    if indicator == "score":
        return _SCORE
    if indicator.startswith("component."):
        return _COMPONENT + indicator.removeprefix("component.")
    return _INPUT + indicator


def read_cache(path: Path, key: str, indicators: Iterable[str]) -> CachedColumns | None:
    """The cached columns for ``indicators``, or None when the file was built from
    something else. Raises on a file that is not a readable cache."""
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        _, stored = _npy(archive.read(_KEY + ".npy"))
        if stored != key:
            return None
        descr, days = _npy(archive.read(_DATES + ".npy"))
        if descr != "<M8[D]" or isinstance(days, str):
            raise ValueError("dates column malformed")
        columns: dict[str, array[float]] = {}
        for indicator in indicators:
            member = _member(indicator) + ".npy"
            if member in names:  # an indicator with no data is absent, as in ScoredHistory
                descr, column = _npy(archive.read(member))
                if descr != "<f8" or isinstance(column, str) or len(column) != len(days):
                    raise ValueError(f"{member}: malformed column")
                columns[indicator] = column
    return CachedColumns(days, columns)


def write_cache(path: Path, key: str, history: Columns) -> None:
    """Store every column of ``history`` at ``path``, atomically (temp file + rename)."""
    import numpy as np

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


def preview_history(
    directory: Path, indicators: Iterable[str], note: Note = _stderr
) -> PreviewColumns:
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
