"""The real history files: fetching them (``download``) and reading them (``loader``).

``load_history_panel`` turns a history directory (layout of the shared data
folder: ``mof/``, ``fx/``, ``btc/``, ``ust/``) into the panel the engine
scores; ``manifest`` says which file feeds which series and why.
"""

from bot.history.loader import (
    HistoryDirError,
    choose_file,
    load_checked_history,
    load_history_frames,
    load_history_panel,
)
from bot.history.manifest import MANIFEST, FileChoice, SeriesSource

__all__ = [
    "MANIFEST",
    "FileChoice",
    "HistoryDirError",
    "SeriesSource",
    "choose_file",
    "load_checked_history",
    "load_history_frames",
    "load_history_panel",
]
