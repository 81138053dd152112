"""The column-wise explanation says, for every day, exactly what that day's Snapshot says.

``backtest --json`` is built from :func:`signals.explain_columns.day_columns`
instead of one Snapshot per day; these tests hold the two to the same text
on every day of the real history (stale and missing series, the years before
BTC, the driver tenor of the super-long component, co-movement wording).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from signals.engine import score_history
from signals.explain_columns import _levels, day_columns
from signals.levels import level_for
from signals.snapshot import Snapshot


def _as_columns(snap: Snapshot) -> dict[str, object]:
    return {
        "date": snap.as_of.isoformat(),
        "score": snap.score,
        "level": snap.level.label if snap.level is not None else None,
        "components": {
            c.name: {"score": c.score, "weight": c.weight, "stale": c.stale, "reason": c.reason}
            for c in snap.components
        },
    }


def _column_day(cols, j: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "date": cols.dates[j],
        "score": cols.score[j],
        "level": cols.level[j],
        "components": {
            c.name: {
                "score": c.score[j],
                "weight": c.weight[j],
                "stale": c.stale[j],
                "reason": c.reason[j],
            }
            for c in cols.components
        },
    }


def test_every_day_of_the_real_history_matches_its_snapshot(real_panel: pd.DataFrame) -> None:
    history = score_history(real_panel)
    cols = day_columns(history)
    assert len(cols.dates) == len(history)
    kinds = set()
    for i in range(0, len(history), 3):  # every third day: ~6,000 days, all kinds of reason
        expected = _as_columns(history.snapshot(i))
        assert _column_day(cols, i) == expected, expected["date"]
        for comp in expected["components"].values():  # type: ignore[attr-defined]
            kinds.add(comp["reason"].split(" ")[0])
    # The history exercises every kind of reason, dropped ones included.
    assert {"stale:", "no", "USD/JPY", "BTC", "US–JP", "10y", "markets"} <= kinds
    assert kinds & {"20y", "30y", "40y"}  # the super-long driver tenor
    assert kinds & {"2", "3"}  # "2 of 3 markets moving together: …"


def test_a_range_matches_the_same_days_of_the_whole(real_panel: pd.DataFrame) -> None:
    history = score_history(real_panel)
    lo = int(np.searchsorted(history.dates, np.datetime64("2024-07-25")))
    part = day_columns(history, lo, lo + 12)
    assert part.dates[0] == "2024-07-25" and len(part.dates) == 12
    for j in range(12):
        assert _column_day(part, j) == _as_columns(history.snapshot(lo + j))
    crash = part.dates.index("2024-08-05")
    assert part.level[crash] in {"high", "severe"}
    assert not math.isnan(part.score[crash])  # type: ignore[arg-type]


def test_one_day_shock_reasons_match_on_every_shock_day(real_panel: pd.DataFrame) -> None:
    """Shock days are rare; the every-third-day sample above may miss them."""
    history = score_history(real_panel)
    cols = day_columns(history)
    shock = next(c for c in cols.components if c.name == "day_shock")
    shocks = [j for j, r in enumerate(shock.reason) if "a one-day shock" in r]
    near = [j for j, r in enumerate(shock.reason) if "a shock needs" in r][::10]
    assert len(shocks) >= 10 and near  # the real history has both
    for j in shocks + near:
        assert shock.reason[j] == history.snapshot(j).component("day_shock").reason


def test_levels_by_searchsorted_are_level_for_on_and_between_the_floors() -> None:
    """A score on a floor is in the level above it; no score is no level."""
    raw = np.array([0.0, 24.999, 25.0, 49.99, 50.0, 74.9, 75.0, 100.0, -1.0, np.nan])
    score = [None if math.isnan(x) else float(x) for x in raw]
    expected = [None if s is None else level_for(s).label for s in score]
    assert _levels(raw, score) == expected
    assert expected[2] == "elevated" and expected[6] == "severe" and expected[-1] is None
