"""Print the episode and calm-year tables of docs/methodology.md from real history.

``python -m bot.history.episode_table [HISTORY_DIR]`` (default
``$CARRYWATCH_HISTORY_DIR``): loads the history through the live quality gate
as ``carrywatch backtest`` does, scores it, and prints Markdown.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from bot.history.loader import load_checked_history
from signals.calibration import calm_counts, day_table, episode_rows, markdown
from signals.engine import score_history


def main(argv: list[str]) -> int:
    where = argv[1] if len(argv) > 1 else os.environ.get("CARRYWATCH_HISTORY_DIR")
    if not where:
        print("usage: python -m bot.history.episode_table HISTORY_DIR", file=sys.stderr)
        return 2
    panel, _ = load_checked_history(Path(where), dt.datetime.now(dt.UTC))
    history = score_history(panel)
    print(markdown(episode_rows(history, panel), calm_counts(history, panel)))
    for start, end in (("2024-07-29", "2024-08-09"), ("2022-12-16", "2022-12-23")):
        print(f"\n{start} .. {end}\n")
        print(day_table(history, start, end))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
