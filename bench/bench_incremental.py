"""Live path: latency of folding one new observation into the score (p50/p99).

Baseline in the same run: re-scoring the same day with the vectorised pass over
the engine's lookback window, i.e. what a live path without incremental state
would do for each observation.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from bench._common import emit, history_dir, pct
from bot.history.loader import load_history_panel
from signals.config import DEFAULT_CONFIG
from signals.engine import score_history
from signals.incremental import IncrementalEngine

WARM_FROM, REPLAY_FROM = "2022-01-01", "2024-01-01"


def main() -> None:
    panel = load_history_panel(history_dir()).loc[WARM_FROM:"2025-12-31"]
    engine = IncrementalEngine()
    rows = [
        (ts.date(), {k: float(v) for k, v in row.items() if not np.isnan(v)})
        for ts, row in panel.iterrows()
    ]
    split = next(i for i, (d, _) in enumerate(rows) if str(d) >= REPLAY_FROM)
    for day, values in rows[:split]:
        engine.update(day, values)
    latencies, scored = [], []
    for day, values in rows[split:]:
        for series, value in values.items():
            t = time.perf_counter()
            engine.observe(series, day, value)
            engine.snapshot(day)
            elapsed = time.perf_counter() - t
            latencies.append(elapsed)
            if series in DEFAULT_CONFIG.scored_series:
                scored.append(elapsed)
    lookback = DEFAULT_CONFIG.windows.lookback + 10
    base = []
    for i in range(split, min(split + 300, len(panel))):
        t = time.perf_counter()
        score_history(panel.iloc[i - lookback : i + 1]).snapshot(lookback)
        base.append(time.perf_counter() - t)
    p99 = pct(latencies, 99)
    emit(
        {
            "bench": "incremental_update",
            "observations": len(latencies),
            "p50_ms": round(pct(latencies, 50) * 1e3, 3),
            "p99_ms": round(p99 * 1e3, 3),
            "scored_series_only": {
                "observations": len(scored),
                "p50_ms": round(pct(scored, 50) * 1e3, 3),
                "p99_ms": round(pct(scored, 99) * 1e3, 3),
            },
            "baseline": "vectorised re-score of the lookback window per observation",
            "baseline_p50_ms": round(pct(base, 50) * 1e3, 3),
            "baseline_p99_ms": round(pct(base, 99) * 1e3, 3),
            "p99_ratio_baseline_over_incremental": round(pct(base, 99) / p99, 1),
            "targets": {"p99_ms": "<= 1"},
        }
    )


if __name__ == "__main__":
    main()
