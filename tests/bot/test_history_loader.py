"""Loading a history directory: file choice, vendor splices, and helpful failures.

Runs on the real shared data folder and on temporary folders of symlinks to
its files (no data is copied). Expected values were looked up with grep.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bot.history.loader import HistoryDirError, load_history_frames, load_history_panel
from signals.loaders import HistoryFormatError
from tests.signals.test_loaders import synthetic_current_month

MOF_NEW = "mof/jgbcme_all_to_2026-06-30.csv"
MOF_OLD = "mof/jgbcme_all.csv"


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def _link(real: Path, tmp: Path, name: str, as_name: str | None = None) -> None:
    target = tmp / (as_name or name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(real / name)


@pytest.fixture(scope="module")
def full_panel(history_dir: Path) -> pd.DataFrame:
    return load_history_panel(history_dir)


def test_real_dir_has_every_series(full_panel: pd.DataFrame) -> None:
    for column in ("jgb.10y", "jgb.40y", "usdjpy", "btc", "ust.10y", "ust.2y", "spread.us_jp_10y"):
        assert column in full_panel.columns
    assert full_panel.index.is_unique
    assert full_panel.index.is_monotonic_increasing


def test_real_dir_uses_the_newest_mof_file(full_panel: pd.DataFrame) -> None:
    """jgbcme_all_to_2026-06-30.csv beats jgbcme_all.csv (ends 2024-07-31)."""
    assert full_panel["jgb.10y"].last_valid_index() == _ts("2026-06-30")
    assert full_panel.at[_ts("2024-08-05"), "jgb.10y"] == pytest.approx(0.781)
    assert full_panel.at[_ts("2025-05-22"), "jgb.40y"] == pytest.approx(3.336)


def test_real_dir_vendor_choices(full_panel: pd.DataFrame) -> None:
    """USD/JPY: Yahoo from 1996-10-30, FRED before; US 10y: DGS10 everywhere it exists."""
    assert full_panel.at[_ts("1996-10-29"), "usdjpy"] == pytest.approx(114.11)  # FRED
    assert full_panel.at[_ts("1996-10-30"), "usdjpy"] == pytest.approx(114.18000030517578)
    # Yahoo's snapshot regime: 2024-08-05's close is the 2024-08-06 row's Open
    assert full_panel.at[_ts("2024-08-05"), "usdjpy"] == pytest.approx(145.7899932861328)
    assert full_panel["usdjpy"].first_valid_index() == _ts("1971-01-04")
    assert full_panel.at[_ts("2024-08-05"), "ust.10y"] == pytest.approx(3.78)
    assert full_panel.at[_ts("2026-08-20"), "ust.10y"] == pytest.approx(4.69)
    # 2022-11-11: TNX has a row (3.813), DGS10 does not; no interleaving inside DGS10's range.
    assert np.isnan(full_panel.at[_ts("2022-11-11"), "ust.10y"])
    assert full_panel.at[_ts("2024-08-05"), "btc"] == pytest.approx(53991.5, abs=0.05)


def test_real_dir_holiday_not_filled(full_panel: pd.DataFrame) -> None:
    """Tokyo holiday 2024-08-12: JGB NaN while USD/JPY exists; the spread too."""
    assert np.isnan(full_panel.at[_ts("2024-08-12"), "jgb.10y"])
    assert np.isnan(full_panel.at[_ts("2024-08-12"), "spread.us_jp_10y"])
    # the 2024-08-13 row's Open: Yahoo's snapshot regime (see signals/loaders/snapshot_regime.py)
    assert full_panel.at[_ts("2024-08-12"), "usdjpy"] == pytest.approx(146.98199462890625)


def test_trim_to_start_end(history_dir: Path) -> None:
    panel = load_history_panel(history_dir, dt.date(2024, 7, 31), dt.date(2024, 8, 7))
    assert panel.index[0] == _ts("2024-07-31")
    assert panel.index[-1] == _ts("2024-08-07")
    assert panel.at[_ts("2024-08-05"), "spread.us_jp_10y"] == pytest.approx(3.78 - 0.781)
    with pytest.raises(ValueError, match="after end"):
        load_history_panel(history_dir, dt.date(2024, 8, 7), dt.date(2024, 7, 31))


def test_missing_dir_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(HistoryDirError) as info:
        load_history_panel(tmp_path / "nope")
    text = str(info.value)
    assert "nope" in text
    assert "CARRYWATCH_HISTORY_DIR" in text
    assert "--history-dir" in text
    assert "carrywatch history download" in text
    assert isinstance(info.value, FileNotFoundError)


def test_missing_mof_is_fatal(history_dir: Path, tmp_path: Path) -> None:
    _link(history_dir, tmp_path, "fx/usdjpy_yahoo_daily_1996-2026.csv")
    with pytest.raises(HistoryDirError) as info:
        load_history_frames(tmp_path)
    assert "mof/jgbcme_all" in str(info.value)
    assert "CARRYWATCH_HISTORY_DIR" in str(info.value)


def test_optional_series_missing_are_left_out_with_warning(
    history_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _link(history_dir, tmp_path, MOF_OLD)
    _link(history_dir, tmp_path, "ust/us10y_yahoo_tnx_daily_1999-2026.csv")
    with caplog.at_level(logging.WARNING, logger="bot.history"):
        frames = load_history_frames(tmp_path)
    # TNX is only ust.10y's secondary, but with DGS10 absent it is used alone.
    assert set(frames) == {"jgb", "ust.10y"}
    assert frames["ust.10y"].at[_ts("1999-01-04"), "ust.10y"] == pytest.approx(4.677000045776367)
    assert frames["jgb"].index[-1] == _ts("2024-07-31")
    assert any("usdjpy left out" in r.getMessage() for r in caplog.records)
    assert any("btc left out" in r.getMessage() for r in caplog.records)
    panel = load_history_panel(tmp_path)
    assert "usdjpy" not in panel.columns
    assert "btc" not in panel.columns
    assert "spread.us_jp_10y" in panel.columns


def test_usdjpy_without_fred_is_yahoo_only(history_dir: Path, tmp_path: Path) -> None:
    _link(history_dir, tmp_path, MOF_OLD)
    _link(history_dir, tmp_path, "fx/usdjpy_yahoo_daily_1996-2026.csv")
    frames = load_history_frames(tmp_path)
    assert frames["usdjpy"].index[0] == _ts("1996-10-30")


def test_newest_download_wins_whatever_its_name(history_dir: Path, tmp_path: Path) -> None:
    """The file whose data ends latest is used, not the alphabetically last name."""
    _link(history_dir, tmp_path, MOF_NEW, "mof/jgbcme_all.csv")
    _link(history_dir, tmp_path, MOF_OLD, "mof/jgbcme_all_zz_old_copy.csv")
    _link(history_dir, tmp_path, "btc/btcusd_yahoo_daily_2014-2026.csv")
    frames = load_history_frames(tmp_path)
    assert frames["jgb"].index[-1] == _ts("2026-06-30")
    assert len(frames["jgb"]) == 13_248


def test_current_month_file_is_stitched(history_dir: Path, tmp_path: Path) -> None:
    """mof/jgbcme.csv (SYNTHETIC frame around the real Aug 2024 rows) extends the 2024 file."""
    _link(history_dir, tmp_path, MOF_OLD)
    current = synthetic_current_month(
        (history_dir / MOF_NEW).read_bytes(), b"2024/8/", b"August 2024"
    )
    (tmp_path / "mof" / "jgbcme.csv").write_bytes(current)
    jgb = load_history_frames(tmp_path)["jgb"]
    assert jgb.index[-1] == _ts("2024-08-30")
    assert len(jgb) == 12_783 + 21
    assert jgb.at[_ts("2024-08-05"), "jgb.10y"] == pytest.approx(0.781)


def test_corrupt_file_is_named_not_skipped(history_dir: Path, tmp_path: Path) -> None:
    """An HTML page where the BTC file should be stops the load, naming that file."""
    _link(history_dir, tmp_path, MOF_OLD)
    bad = tmp_path / "btc" / "btcusd_yahoo_daily_2014-2026.csv"
    bad.parent.mkdir()
    bad.write_bytes(b"<html><body>Too Many Requests</body></html>")
    with pytest.raises(HistoryFormatError) as info:
        load_history_frames(tmp_path)
    assert str(bad) in str(info.value)
    assert info.value.line == 1


def test_downloaded_layout_uses_secondaries_alone(history_dir: Path, tmp_path: Path) -> None:
    """A folder from `carrywatch history download`: FRED DEXJPUS, Coinbase-style BTC, no Yahoo.

    The BTC file is the real Yahoo BTC bytes under the downloader's lowercase
    header and name (same column order), so the values are real.
    """
    _link(history_dir, tmp_path, MOF_OLD)
    _link(history_dir, tmp_path, "fx/fred_DEXJPUS_daily_1971-2023.csv", "fx/fred_DEXJPUS_daily.csv")
    btc = (history_dir / "btc/btcusd_yahoo_daily_2014-2026.csv").read_bytes()
    lowercase = btc.replace(b"Date,Open,High,Low,Close,Volume", b"date,open,high,low,close,volume")
    (tmp_path / "btc").mkdir()
    (tmp_path / "btc" / "coinbase_BTC-USD_daily.csv").write_bytes(lowercase)
    frames = load_history_frames(tmp_path)
    assert frames["usdjpy"].index[-1] == _ts("2023-09-15")
    assert frames["usdjpy"].at[_ts("1998-10-07"), "usdjpy"] == pytest.approx(123.97)
    assert len(frames["btc"]) == 4_280
    assert frames["btc"].at[_ts("2024-08-05"), "btc"] == pytest.approx(53991.5, abs=0.05)
