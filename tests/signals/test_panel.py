"""The panel joins series without inventing values, and splices vendors only at the ends.

Built from the real history files; the values checked were looked up with grep.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from signals.loaders import parse_fred, parse_mof, parse_yahoo_daily
from signals.panel import SERIES_UNITS, build_panel, is_yield, splice, unit_of


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


@pytest.fixture(scope="module")
def jgb(history_dir: Path) -> pd.DataFrame:
    name = "mof/jgbcme_all_to_2026-06-30.csv"
    return parse_mof((history_dir / name).read_bytes(), name)


@pytest.fixture(scope="module")
def yahoo_fx(history_dir: Path) -> pd.DataFrame:
    name = "fx/usdjpy_yahoo_daily_1996-2026.csv"
    return parse_yahoo_daily((history_dir / name).read_bytes(), name, "usdjpy")


@pytest.fixture(scope="module")
def fred_fx(history_dir: Path) -> pd.DataFrame:
    name = "fx/fred_DEXJPUS_daily_1971-2023.csv"
    return parse_fred((history_dir / name).read_bytes(), name, "usdjpy")


@pytest.fixture(scope="module")
def dgs10(history_dir: Path) -> pd.DataFrame:
    name = "ust/fred_DGS10_daily.csv"
    return parse_fred((history_dir / name).read_bytes(), name, "ust.10y")


@pytest.fixture(scope="module")
def tnx(history_dir: Path) -> pd.DataFrame:
    name = "ust/us10y_yahoo_tnx_daily_1999-2026.csv"
    return parse_yahoo_daily((history_dir / name).read_bytes(), name, "ust.10y")


@pytest.fixture(scope="module")
def panel(jgb: pd.DataFrame, yahoo_fx: pd.DataFrame, dgs10: pd.DataFrame) -> pd.DataFrame:
    return build_panel([jgb, yahoo_fx, dgs10])


def test_japanese_holiday_is_not_forward_filled(panel: pd.DataFrame) -> None:
    """2024-08-12 (Mountain Day, observed): no MOF row, USD/JPY and DGS10 traded."""
    day = _ts("2024-08-12")
    assert np.isnan(panel.at[day, "jgb.10y"])
    assert panel.at[day, "usdjpy"] == pytest.approx(
        146.98199462890625
    )  # 08-13 Open: snapshot regime
    assert panel.at[day, "ust.10y"] == pytest.approx(3.90)
    assert panel.at[_ts("2024-08-09"), "jgb.10y"] > 0  # the value it must NOT copy


def test_us_holiday_is_not_forward_filled(panel: pd.DataFrame) -> None:
    """2024-07-04: MOF published, FRED DGS10 has no row."""
    day = _ts("2024-07-04")
    assert np.isnan(panel.at[day, "ust.10y"])
    assert panel.at[day, "jgb.10y"] > 0


def test_spread_only_where_both_observed(panel: pd.DataFrame) -> None:
    """US–JP 10y gap = DGS10 - JGB 10y on common dates; NaN on either holiday."""
    assert panel.at[_ts("2024-08-05"), "spread.us_jp_10y"] == pytest.approx(3.78 - 0.781)
    assert np.isnan(panel.at[_ts("2024-08-12"), "spread.us_jp_10y"])
    assert np.isnan(panel.at[_ts("2024-07-04"), "spread.us_jp_10y"])
    both = panel["ust.10y"].notna() & panel["jgb.10y"].notna()
    assert (panel["spread.us_jp_10y"].notna() == both).all()


def test_panel_shape(panel: pd.DataFrame, jgb: pd.DataFrame, dgs10: pd.DataFrame) -> None:
    """Union of dates, sorted, unique, float64; each input's values unchanged."""
    assert panel.index.name == "date"
    assert panel.index.is_unique
    assert panel.index.is_monotonic_increasing
    assert panel.index[0] == _ts("1962-01-02")  # DGS10 starts first
    assert set(jgb.index) <= set(panel.index)
    assert panel["jgb.10y"].count() == jgb["jgb.10y"].count()
    assert panel["ust.10y"].count() == dgs10["ust.10y"].count() == 16_144
    assert all(dtype == np.float64 for dtype in panel.dtypes)


def test_panel_without_both_10y_has_no_spread(jgb: pd.DataFrame, yahoo_fx: pd.DataFrame) -> None:
    assert "spread.us_jp_10y" not in build_panel([jgb, yahoo_fx]).columns


def test_duplicate_column_is_refused(yahoo_fx: pd.DataFrame, fred_fx: pd.DataFrame) -> None:
    """Which vendor wins is splice's decision, never join order's."""
    with pytest.raises(ValueError, match="usdjpy"):
        build_panel([yahoo_fx, fred_fx])


def test_splice_uses_secondary_only_outside_primary_range(
    yahoo_fx: pd.DataFrame, fred_fx: pd.DataFrame
) -> None:
    """Yahoo from 1996-10-30; FRED DEXJPUS only before (grep values)."""
    before = yahoo_fx.copy()
    fx = splice(yahoo_fx, fred_fx)
    assert fx.at[_ts("1996-10-29"), "usdjpy"] == pytest.approx(114.11)  # FRED, last day before
    assert fx.at[_ts("1996-10-30"), "usdjpy"] == pytest.approx(114.18000030517578)  # Yahoo
    # Yahoo (the 2023-09-18 row's Open: snapshot regime), not FRED's 147.83
    assert fx.at[_ts("2023-09-15"), "usdjpy"] == pytest.approx(147.8679962158203)
    assert fx.index[0] == _ts("1971-01-04")
    assert fx.index[-1] == _ts("2026-06-04")  # the last row's close is not in the file
    assert fx.index.is_unique
    # Inside Yahoo's range a date Yahoo lacks stays absent: 2008-08-01..07 is a Yahoo gap.
    inside = fx.loc["1996-10-30":"2026-06-05"]
    pd.testing.assert_frame_equal(inside, yahoo_fx, check_freq=False)
    assert _ts("2008-08-04") in fred_fx.index
    assert _ts("2008-08-04") not in fx.index
    pd.testing.assert_frame_equal(yahoo_fx, before)


def test_splice_appends_after_primary_end(dgs10: pd.DataFrame, tnx: pd.DataFrame) -> None:
    """DGS10 cut at 2020 as primary: TNX supplies only dates after 2020-12-31."""
    primary = dgs10.loc[:"2020-12-31"]
    out = splice(primary, tnx)
    assert out.at[_ts("2026-06-29"), "ust.10y"] == pytest.approx(4.374000072479248)  # TNX
    assert out.at[_ts("2020-12-31"), "ust.10y"] == pytest.approx(
        dgs10.at[_ts("2020-12-31"), "ust.10y"]
    )
    # 2002-11-11 (Veterans Day): TNX has a row, DGS10 not; inside the range, so no row.
    assert _ts("2002-11-11") in tnx.index
    assert _ts("2002-11-11") not in out.index


def test_splice_full_dgs10_range_ignores_tnx(dgs10: pd.DataFrame, tnx: pd.DataFrame) -> None:
    out = splice(dgs10, tnx)
    pd.testing.assert_frame_equal(out, dgs10, check_freq=False)
    assert out.at[_ts("2026-06-29"), "ust.10y"] == pytest.approx(4.38)  # DGS10, not 4.374


def test_splice_refuses_different_columns(yahoo_fx: pd.DataFrame, dgs10: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="same single column"):
        splice(yahoo_fx, dgs10)


def test_units_and_yield_kind() -> None:
    """Yields move in bp (%, pp); prices in percent of the price (JPY, USD)."""
    assert unit_of("jgb.40y") == "%"
    assert unit_of("ust.10y") == "%"
    assert unit_of("usdjpy") == "JPY"
    assert unit_of("btc") == "USD"
    assert unit_of("spread.us_jp_10y") == "pp"
    assert SERIES_UNITS["usdjpy"] == "JPY"
    assert is_yield("jgb.10y")
    assert is_yield("spread.us_jp_10y")
    assert not is_yield("usdjpy")
    assert not is_yield("btc")
    with pytest.raises(ValueError, match="unknown series"):
        unit_of("eurusd")
