"""Snapshots explain themselves: dropped and stale components, renormalised weights."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from signals.config import EngineConfig
from signals.engine import score_history
from signals.incremental import IncrementalEngine
from signals.levels import Level, level_for


def test_level_bands() -> None:
    assert [level_for(s) for s in (0, 24.99, 25, 49.99, 50, 74.99, 75, 100)] == [
        Level.LOW,
        Level.LOW,
        Level.ELEVATED,
        Level.ELEVATED,
        Level.HIGH,
        Level.HIGH,
        Level.SEVERE,
        Level.SEVERE,
    ]


def test_missing_components_are_dropped_and_weights_renormalised(real_panel: pd.DataFrame) -> None:
    """2005: no BTC yet, but everything else present."""
    history = score_history(real_panel.loc[:"2005-06-30"])
    snap = history.snapshot(len(history) - 1)
    assert "crypto_liquidation" in snap.dropped
    crypto = snap.component("crypto_liquidation")
    assert crypto.weight == 0 and crypto.score is None and "no data for btc" in crypto.reason
    weights = sum(c.weight for c in snap.components if c.available)
    assert weights == pytest.approx(1.0)
    assert snap.score is not None


def test_stale_feed_drops_out_and_says_so(real_panel: pd.DataFrame) -> None:
    """BTC stops on 1 Aug 2024; three days later it is stale, with its last date."""
    panel = real_panel.loc["2023-01-01":"2024-08-05"].copy()
    panel.loc["2024-08-02":, "btc"] = np.nan
    engine = IncrementalEngine()
    for ts, row in panel.iterrows():
        engine.update(ts.date(), {k: float(v) for k, v in row.items() if not np.isnan(v)})
    snap = engine.snapshot(dt.date(2024, 8, 5))
    crypto = snap.component("crypto_liquidation")
    assert not crypto.available and crypto.stale
    assert "2024-08-01" in crypto.reason and "4 days old" in crypto.reason
    assert "btc" not in snap.indicators


def test_single_market_cannot_read_as_full_weight(real_panel: pd.DataFrame) -> None:
    """Before 1986 only USD/JPY scores; coverage floor caps the composite below severe."""
    history = score_history(real_panel.loc[:"1985-12-31"])
    assert np.nanmax(history.score) < 75.0
    cfg = EngineConfig(min_coverage=0.0)
    uncapped = score_history(real_panel.loc[:"1985-12-31"], cfg)
    assert np.nanmax(uncapped.score) > np.nanmax(history.score)


def test_reasons_name_the_move(real_panel: pd.DataFrame) -> None:
    history = score_history(real_panel.loc[:"2024-08-05"])
    snap = history.snapshot(len(history) - 1)
    yen = snap.component("yen_squeeze")
    assert yen.reason.startswith("USD/JPY -") and "30-day high" in yen.reason
    assert snap.to_json()["level"] == snap.level.label
    assert set(snap.to_json()["components"]) == {c.name for c in snap.components}


def test_a_day_with_nothing_to_score_has_no_level() -> None:
    """No component had data: score and level are None ("no data"), never ``low``."""
    import datetime as _dt

    from signals.incremental import IncrementalEngine

    snap = IncrementalEngine().snapshot(_dt.date(2024, 8, 5))
    assert snap.score is None and snap.level is None
    assert snap.to_json()["level"] is None


def test_reasons_are_structured_as_well_as_worded(real_panel) -> None:  # type: ignore[no-untyped-def]
    """Each component carries a reason code and the numbers behind its words."""
    import numpy as _np

    from signals.engine import score_history

    history = score_history(real_panel.loc["2015-01-01":"2016-02-10"])
    i = int(_np.searchsorted(history.dates, _np.datetime64("2016-01-29")))
    snap = history.snapshot(i)
    shock = snap.component("day_shock")
    assert shock.reason_code == "shock"
    assert shock.reason_params["series"] == "jgb.10y"
    assert shock.reason_params["chg_1d"] == snap.indicators["jgb.10y.chg_1d_bp"]
    assert "-12.5 bp" in shock.reason or "−12.5 bp" in shock.reason or "-12 bp" in shock.reason
    yen = snap.component("yen_squeeze")
    assert yen.reason_code == "yen_squeeze"
    assert yen.reason_params["chg_5d_pct"] == snap.indicators["usdjpy.chg_5d_pct"]
    assert snap.to_json()["components"]["day_shock"]["reason_code"] == "shock"
