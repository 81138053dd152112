"""Full-history backtest: parse time, scoring time, and the naive recompute-per-day baseline.

The naive baseline scores each day by recomputing every indicator from scratch
on all history up to that day (what a loop without the vectorised pass does).
Running it for all ~18,000 days would take hours, so it is timed on evenly
spaced sample days and scaled to the full count; the JSON says so.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import emit, history_dir
from bot.history.loader import load_history_panel
from bot.rules.load import load_rules
from signals.backtest import walk_rules
from signals.engine import score_history

SAMPLES = 60
REPEATS = 5


def main() -> None:
    directory = history_dir()
    parse = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        panel = load_history_panel(directory)
        parse.append(time.perf_counter() - t)
    score = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        history = score_history(panel)
        score.append(time.perf_counter() - t)
    t = time.perf_counter()
    transitions, _ = walk_rules(history, load_rules())
    rules_s = time.perf_counter() - t

    n = len(panel)
    step = n // SAMPLES
    t = time.perf_counter()
    for i in range(step, n + 1, step):
        score_history(panel.iloc[:i]).score[-1]
    naive_sampled = time.perf_counter() - t
    sampled = len(range(step, n + 1, step))
    naive_total = naive_sampled / sampled * n
    best_score = min(score)
    emit(
        {
            "bench": "backtest_full_history",
            "days": n,
            "first_day": str(panel.index[0].date()),
            "last_day": str(panel.index[-1].date()),
            "parse_s": round(min(parse), 4),
            "score_s": round(best_score, 4),
            "rules_s": round(rules_s, 4),
            "rule_transitions": len(transitions),
            "baseline": "naive: recompute all indicators from scratch for every day",
            "baseline_s_estimated": round(naive_total, 1),
            "baseline_sampled_days": sampled,
            "speedup_vs_baseline": round(naive_total / best_score, 1),
            "targets": {"score_s": "< 1", "speedup_vs_baseline": ">= 50"},
        }
    )


if __name__ == "__main__":
    main()
