"""Indicator arithmetic on real values, and the reproducible window sum."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from signals.config import Windows
from signals.indicators import compute_indicators, rolling_std, window_sum


@given(
    arrays(
        np.float64, st.tuples(st.integers(1, 6), st.integers(1, 40)), elements=st.floats(-1e6, 1e6)
    )
)
def test_window_sum_matches_exact_sum(rows: np.ndarray) -> None:
    """Each row sums to the correctly rounded total within float tolerance."""
    got = window_sum(rows)
    for r, g in zip(rows, got, strict=True):
        assert g == pytest.approx(math.fsum(r), rel=1e-9, abs=1e-6)


@given(arrays(np.float64, st.integers(30, 80), elements=st.floats(-50, 50)))
def test_window_sum_of_a_row_does_not_depend_on_its_neighbours(x: np.ndarray) -> None:
    """The property the live/backtest agreement rests on."""
    rows = np.lib.stride_tricks.sliding_window_view(x, 20)
    together = window_sum(rows)
    alone = np.array([window_sum(rows[i : i + 1])[0] for i in range(rows.shape[0])])
    assert np.array_equal(together, alone)


def test_rolling_std_matches_pandas(real_panel: pd.DataFrame) -> None:
    x = real_panel["usdjpy"].dropna().to_numpy()[-500:]
    ours = rolling_std(x, 20)
    theirs = pd.Series(x).rolling(20).std().to_numpy()
    assert np.isnan(ours[:19]).all()
    np.testing.assert_allclose(ours[19:], theirs[19:], rtol=1e-9)


def test_jgb_changes_in_basis_points_on_2024_08_05(real_panel: pd.DataFrame) -> None:
    """MOF 10y: 0.974% on 2 Aug 2024, 0.781% on 5 Aug 2024 (SOURCES.md)."""
    jgb = real_panel["jgb.10y"].dropna()
    ind = compute_indicators("jgb.10y", jgb.to_numpy(), Windows())
    i = jgb.index.get_loc(pd.Timestamp("2024-08-05"))
    assert ind["chg_1d_bp"][i] == pytest.approx((0.781 - 0.974) * 100)
    assert "drawdown_30d" not in ind


def test_price_changes_and_drawdown_in_percent(real_panel: pd.DataFrame) -> None:
    btc = real_panel["btc"].dropna()
    ind = compute_indicators("btc", btc.to_numpy(), Windows())
    i = btc.index.get_loc(pd.Timestamp("2024-08-05"))
    expected_chg = (btc.iloc[i] / btc.iloc[i - 5] - 1) * 100
    expected_dd = (btc.iloc[i] / btc.iloc[i - 29 : i + 1].max() - 1) * 100
    assert ind["chg_5d_pct"][i] == pytest.approx(expected_chg)
    assert ind["drawdown_30d"][i] == pytest.approx(expected_dd)
    assert ind["drawdown_30d"][i] < -15


def test_zscore_needs_a_full_window_and_uses_a_volatility_floor() -> None:
    w = Windows()
    flat = np.full(w.zscore + 10, 0.25)
    flat[-1] = 0.40  # a 15 bp jump after a year pinned at 0.25%
    z = compute_indicators("jgb.10y", flat, w)["z_5d"]
    assert np.isnan(z[: w.zscore]).all()
    sigma = np.std(np.diff(flat)[-w.zscore :] * 100, ddof=1)
    assert z[-1] == pytest.approx(15 / (sigma * math.sqrt(5)))
    flat[-1] = 0.251  # a 0.1 bp tick: volatility is below the 0.5 bp floor
    z = compute_indicators("jgb.10y", flat, w)["z_5d"]
    assert z[-1] == pytest.approx(0.1 / (0.5 * math.sqrt(5)))


def test_negative_yields_are_ordinary_values(real_panel: pd.DataFrame) -> None:
    jgb = real_panel["jgb.10y"].loc["2016"].dropna()
    assert (jgb < 0).any()
    ind = compute_indicators("jgb.10y", jgb.to_numpy(), Windows())
    assert np.isfinite(ind["chg_5d_bp"][5:]).all()


def test_rolling_std_in_blocks_is_bit_for_bit_the_whole_pass(real_panel: pd.DataFrame) -> None:
    """``rolling_std`` works a block of windows at a time; every block size, the last
    block short or not, gives the same bits as one pass over every window."""
    x = real_panel["usdjpy"].dropna().to_numpy()
    rows = np.lib.stride_tricks.sliding_window_view(x, 250)
    mean = window_sum(rows) / 250
    dev = rows - mean[:, None]
    whole = np.sqrt(window_sum(dev * dev) / 249)
    assert x.size > 10_000
    for values in (250, 250 * 7, 1 << 18, 1 << 30):  # one window per block ... one block
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("signals.indicators._BLOCK_VALUES", values)
            blocked = rolling_std(x, 250)
        assert np.array_equal(blocked[249:], whole) and np.isnan(blocked[:249]).all()
        assert np.array_equal(rolling_std(x, 250, last=3)[-3:], whole[-3:])
