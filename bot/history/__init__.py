"""History files on disk -> the frames and panel the signal engine scores."""

from bot.history.loader import (
    HistoryDirError,
    choose_file,
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
    "load_history_frames",
    "load_history_panel",
]
