"""The history parsers read the real files exactly and refuse broken ones loudly.

Expected numbers were looked up in the files with grep (and in SOURCES.md),
not copied from the parsers' output. Broken inputs are made by mutating the
real bytes, and each must raise HistoryFormatError naming file and line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from signals.loaders import (
    HistoryFormatError,
    parse_fred,
    parse_mof,
    parse_treasury_par_curve,
    parse_yahoo_daily,
    stitch_mof,
)

MOF_NEW = "mof/jgbcme_all_to_2026-06-30.csv"
MOF_OLD = "mof/jgbcme_all.csv"
USDJPY = "fx/usdjpy_yahoo_daily_1996-2026.csv"
DEXJPUS = "fx/fred_DEXJPUS_daily_1971-2023.csv"
BTC = "btc/btcusd_yahoo_daily_2014-2026.csv"
TNX = "ust/us10y_yahoo_tnx_daily_1999-2026.csv"
DGS10 = "ust/fred_DGS10_daily.csv"
PAR_1990 = "ust/treasury_par_yield_curve_1990-2022.csv"
PAR_2023 = "api_samples/treasury_daily_par_yield_curve_2023ytd.csv"

MOF_LINE_2024_08_05 = 12788  # grep -n '^2024/8/5,' mof/jgbcme_all_to_2026-06-30.csv
SJIS_REFERENCE_MARK = b"\x81\xa6"  # "※" in Shift-JIS, as in MOF's footer


def _bytes(history_dir: Path, name: str) -> bytes:
    return (history_dir / name).read_bytes()


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def synthetic_current_month(historical: bytes, month_prefix: bytes, title: bytes) -> bytes:
    """SYNTHETIC jgbcme.csv: real rows of one month wrapped in MOF's documented frame.

    No real current-month file could be copied (SOURCES.md "Gaps"); the title,
    separator and Shift-JIS footer follow SOURCES.md, the rows are real.
    """
    rows = [ln for ln in historical.split(b"\r\n") if ln.startswith(month_prefix)]
    header = historical.split(b"\r\n")[1]
    footer = (
        b'"  '
        + SJIS_REFERENCE_MARK
        + b"If you cannot download the latest csv data, please clear the browser's cache"
        b' and download again.",,,,,,,,,,,,,,,'
    )
    lines = [b"Interest Rate (" + title + b"),,,,,,,,,,,,,,,(Unit : %)", header, *rows]
    return b"\r\n".join([*lines, b",,,,,,,,,,,,,,,", footer]) + b"\r\n"


# --- MOF -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rows", "last"), [(MOF_OLD, 12_783, "2024-07-31"), (MOF_NEW, 13_248, "2026-06-30")]
)
def test_mof_historical_shape_matches_sources_index(
    history_dir: Path, name: str, rows: int, last: str
) -> None:
    """Row counts and first/last dates are those of SOURCES.md's index table."""
    df = parse_mof(_bytes(history_dir, name), name)
    assert len(df) == rows
    assert df.index[0] == _ts("1974-09-24")
    assert df.index[-1] == _ts(last)
    assert df.index.name == "date"
    assert isinstance(df.index, pd.DatetimeIndex)
    assert df.index.tz is None
    assert df.index.is_unique
    assert df.index.is_monotonic_increasing
    assert list(df.columns) == [
        "jgb.1y", "jgb.2y", "jgb.3y", "jgb.4y", "jgb.5y", "jgb.6y", "jgb.7y", "jgb.8y",
        "jgb.9y", "jgb.10y", "jgb.15y", "jgb.20y", "jgb.25y", "jgb.30y", "jgb.40y",
    ]  # fmt: skip
    assert all(dtype == np.float64 for dtype in df.dtypes)


def test_mof_documented_values(history_dir: Path) -> None:
    """The values SOURCES.md names: Aug 2024 unwind, May and Nov 2025 selloffs."""
    df = parse_mof(_bytes(history_dir, MOF_NEW), MOF_NEW)
    assert df.at[_ts("2024-08-05"), "jgb.10y"] == pytest.approx(0.781)
    assert df.at[_ts("2025-05-22"), "jgb.40y"] == pytest.approx(3.336)
    assert df.at[_ts("2025-11-20"), "jgb.20y"] == pytest.approx(2.839)
    assert df.at[_ts("2025-11-20"), "jgb.40y"] == pytest.approx(3.601)
    assert df["jgb.40y"].max() == pytest.approx(4.043)
    assert df["jgb.40y"].idxmax() == _ts("2026-05-19")


def test_mof_dash_is_missing_and_first_values_per_tenor(history_dir: Path) -> None:
    """'-' becomes NaN (not 0, not dropped rows): 10Y starts 1986-07-05, 40Y 2007-11-06."""
    df = parse_mof(_bytes(history_dir, MOF_OLD), MOF_OLD)
    assert np.isnan(df.at[_ts("1974-09-24"), "jgb.10y"])
    assert df.at[_ts("1974-09-24"), "jgb.1y"] == pytest.approx(10.327)
    assert df["jgb.10y"].first_valid_index() == _ts("1986-07-05")
    assert df["jgb.40y"].first_valid_index() == _ts("2007-11-06")


def test_mof_negative_yields_in_2016_stay_negative(history_dir: Path) -> None:
    """Negative JGB yields are real (grep: 2016/7/8 1Y -0.357, 10Y -0.293)."""
    df = parse_mof(_bytes(history_dir, MOF_NEW), MOF_NEW)
    assert df.at[_ts("2016-07-08"), "jgb.1y"] == pytest.approx(-0.357)
    assert df.at[_ts("2016-07-08"), "jgb.10y"] == pytest.approx(-0.293)


def test_mof_current_month_layout_with_shift_jis_footer(history_dir: Path) -> None:
    """The current-month jgbcme.csv: title with month, separator row, Shift-JIS footer."""
    data = synthetic_current_month(_bytes(history_dir, MOF_NEW), b"2026/6/", b"June 2026")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    df = parse_mof(data, "mof/jgbcme.csv")
    assert len(df) == 22  # grep -c '^2026/6/' gives 22 business days
    assert df.index[0] == _ts("2026-06-01")
    assert df.index[-1] == _ts("2026-06-30")
    assert df.at[_ts("2026-06-30"), "jgb.40y"] == pytest.approx(3.792)
    assert df.at[_ts("2026-06-01"), "jgb.10y"] == pytest.approx(2.682)


def test_mof_current_month_rejects_rows_after_the_footer(history_dir: Path) -> None:
    """A data row after the separator means the file was mangled, not a footer."""
    data = synthetic_current_month(_bytes(history_dir, MOF_NEW), b"2026/6/", b"June 2026")
    data += b"2026/7/1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1\r\n"
    with pytest.raises(HistoryFormatError) as info:
        parse_mof(data, "mof/jgbcme.csv")
    assert info.value.line == 2 + 22 + 3
    assert "after the blank separator" in info.value.problem


def test_stitch_mof_appends_and_current_wins_on_overlap(history_dir: Path) -> None:
    """August 2024 stitched onto the file ending July 2024; overlap rows come from current."""
    old = parse_mof(_bytes(history_dir, MOF_OLD), MOF_OLD)
    new_bytes = _bytes(history_dir, MOF_NEW)
    august = parse_mof(
        synthetic_current_month(new_bytes, b"2024/8/", b"August 2024"), "mof/jgbcme.csv"
    )
    stitched = stitch_mof(old, august)
    assert len(stitched) == 12_783 + 21  # grep -c "^2024/8/" gives 21 business days
    assert stitched.index.is_unique
    assert stitched.index.is_monotonic_increasing
    assert stitched.at[_ts("2024-08-05"), "jgb.10y"] == pytest.approx(0.781)
    assert len(old) == 12_783  # input untouched
    # Overlap: July 2024 in both; the current file's (here: July's own) rows are kept once.
    july_as_current = parse_mof(
        synthetic_current_month(new_bytes, b"2024/7/", b"July 2024"), "mof/jgbcme.csv"
    )
    again = stitch_mof(old, july_as_current)
    assert len(again) == 12_783
    assert again.index.is_unique


# --- malformed MOF input ---------------------------------------------------------------


def _mof_lines(history_dir: Path) -> list[bytes]:
    return _bytes(history_dir, MOF_NEW).split(b"\r\n")


def _join(lines: list[bytes]) -> bytes:
    return b"\r\n".join(lines)


def _raises(data: bytes, source: str = "mof/broken.csv") -> HistoryFormatError:
    with pytest.raises(HistoryFormatError) as info:
        parse_mof(data, source)
    err = info.value
    assert err.source == source
    assert source in str(err)
    return err


def test_html_error_page_served_with_200_is_rejected() -> None:
    """A proxy's HTML error page must not parse as an empty yield table."""
    page = b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head></html>\n"
    err = _raises(page)
    assert err.line == 1
    assert "HTML" in err.problem
    assert str(err) == f"mof/broken.csv: line 1: {err.problem}"


@pytest.mark.parametrize("data", [b"", b"\r\n  \r\n"])
def test_empty_file_is_rejected(data: bytes) -> None:
    """An empty download is an error for the whole file, without a line."""
    err = _raises(data)
    assert err.line is None
    assert str(err) == f"mof/broken.csv: {err.problem}"
    assert "empty" in err.problem


def test_truncated_mid_row_is_rejected(history_dir: Path) -> None:
    """A download cut inside the 2024/8/5 row names that row's line."""
    data = _bytes(history_dir, MOF_NEW)
    row_start = data.index(b"\r\n2024/8/5,") + 2
    cut = row_start
    for _ in range(5):
        cut = data.index(b",", cut) + 1
    err = _raises(data[: cut + 2])
    assert err.line == MOF_LINE_2024_08_05
    assert "truncated" in err.problem


def test_letter_in_a_number_is_rejected(history_dir: Path) -> None:
    lines = _mof_lines(history_dir)
    i = MOF_LINE_2024_08_05 - 1
    assert b",0.781," in lines[i]
    lines[i] = lines[i].replace(b",0.781,", b",0.7x1,")
    err = _raises(_join(lines))
    assert err.line == MOF_LINE_2024_08_05
    assert "10Y" in err.problem
    assert "0.7x1" in err.problem


@pytest.mark.parametrize("token", [b"nan", b"NaN", b"inf", b"-inf", b"1e999", b""])
def test_nan_inf_or_empty_text_is_rejected(history_dir: Path, token: bytes) -> None:
    """MOF marks missing values with '-'; nan/inf/empty text is corruption."""
    lines = _mof_lines(history_dir)
    i = MOF_LINE_2024_08_05 - 1
    lines[i] = lines[i].replace(b",0.781,", b"," + token + b",")
    err = _raises(_join(lines))
    assert err.line == MOF_LINE_2024_08_05


def test_duplicated_date_is_rejected(history_dir: Path) -> None:
    lines = _mof_lines(history_dir)
    i = MOF_LINE_2024_08_05  # the 2024/8/6 row, 0-based index of the next line
    assert lines[i].startswith(b"2024/8/6,")
    lines[i] = b"2024/8/5," + lines[i].split(b",", 1)[1]
    err = _raises(_join(lines))
    assert err.line == MOF_LINE_2024_08_05 + 1
    assert "duplicated date 2024-08-05" in err.problem
    assert str(MOF_LINE_2024_08_05) in err.problem


def test_swapped_dates_are_rejected(history_dir: Path) -> None:
    lines = _mof_lines(history_dir)
    i = MOF_LINE_2024_08_05 - 1
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    err = _raises(_join(lines))
    assert err.line == MOF_LINE_2024_08_05 + 1
    assert "out of order" in err.problem


@pytest.mark.parametrize("bad", [b"2024/13/5", b"2024-08-05", b"5/8/2024", b""])
def test_bad_date_is_rejected(history_dir: Path, bad: bytes) -> None:
    lines = _mof_lines(history_dir)
    i = MOF_LINE_2024_08_05 - 1
    lines[i] = bad + b"," + lines[i].split(b",", 1)[1]
    err = _raises(_join(lines))
    assert err.line == MOF_LINE_2024_08_05
    assert "date" in err.problem


def test_wrong_header_is_rejected(history_dir: Path) -> None:
    lines = _mof_lines(history_dir)
    lines[1] = lines[1].replace(b"40Y", b"50Y")
    err = _raises(_join(lines))
    assert err.line == 2


# --- Yahoo ---------------------------------------------------------------------------


def test_yahoo_usdjpy_open_high_low_close_order(history_dir: Path) -> None:
    """Date,Open,High,Low,Close,Volume: Close (5th field) is the close before Aug 2010."""
    df = parse_yahoo_daily(_bytes(history_dir, USDJPY), USDJPY, "usdjpy")
    assert list(df.columns) == ["usdjpy"]
    # every row but two snapshot rows whose close the file does not hold: the last
    # (2026-06-05) and 2025-04-17, followed by 2025-04-22 (Easter: 5 days later)
    assert len(df) == 7_674
    assert (df.index[0], df.index[-1]) == (_ts("1996-10-30"), _ts("2026-06-04"))
    assert df.at[_ts("1996-10-30"), "usdjpy"] == pytest.approx(114.18000030517578)
    # 2024-08-05's close is line 7203 (2024-08-06) Open 145.7899932861328
    assert df.at[_ts("2024-08-05"), "usdjpy"] == 145.7899932861328
    # line 2237: 2005-06-15 Close 109.16999816894531 (its own Close, genuine regime)
    assert df.at[_ts("2005-06-15"), "usdjpy"] == 109.16999816894531


@pytest.mark.parametrize(
    ("day", "before", "close"),
    [
        # BoJ widens the YCC band on 2022-12-20: line 6779 (2022-12-21) opens at 131.892,
        # line 6778 (2022-12-20) reads Open == Close == 136.995 (the 12-19 close)
        ("2022-12-20", "2022-12-19", 131.89199829101562),
        # BoJ hike on 2024-07-31: line 7200 (2024-08-01) opens at 149.744
        ("2024-07-31", "2024-07-30", 149.74400329589844),
    ],
)
def test_yahoo_usdjpy_snapshot_regime_moves_show_on_their_own_date(
    history_dir: Path, day: str, before: str, close: float
) -> None:
    """From Aug 2010 Yahoo's Close is the opening snapshot; the loader takes the next Open."""
    df = parse_yahoo_daily(_bytes(history_dir, USDJPY), USDJPY, "usdjpy")["usdjpy"]
    assert df[_ts(day)] == close
    prev = df.index.get_loc(_ts(day)) - 1
    assert df.index[prev] == _ts(before)
    assert (df[_ts(day)] / df.iloc[prev] - 1) * 100 <= -1.5  # the move is on its own date


def test_yahoo_usdjpy_snapshot_regime_is_detected_from_the_data(history_dir: Path) -> None:
    """The regime starts where Close == Open starts (Aug 2010), not at a coded date."""
    from signals.loaders.snapshot_regime import snapshot_rows

    raw = pd.read_csv(history_dir / USDJPY, parse_dates=["Date"]).set_index("Date")
    snap = pd.Series(snapshot_rows(raw.Open.to_numpy(), raw.Close.to_numpy()), raw.index)
    assert not snap[:"2010-07-31"].any()
    assert snap["2010-09-01":].all()
    # shifted copy: the same rows, one year later in a file, are found there
    shifted = raw.loc["2012-01-01":].copy()
    data = b"Date,Open,High,Low,Close,Volume\n" + shifted.to_csv(header=False).encode()
    df = parse_yahoo_daily(data, "shifted.csv", "usdjpy")["usdjpy"]
    assert df[_ts("2022-12-20")] == 131.89199829101562


def test_yahoo_usdjpy_daily_moves_line_up_with_fred(history_dir: Path) -> None:
    """Independent check: FRED's NY-noon rate moves on the same dates as the aligned close.

    Raw Yahoo closes of 2011-2022 correlate with FRED's daily changes at
    0.0-0.3 (one day late); the aligned ones must beat 0.6 in every year.
    """
    yahoo = parse_yahoo_daily(_bytes(history_dir, USDJPY), USDJPY, "usdjpy")["usdjpy"]
    fred = parse_fred(_bytes(history_dir, DEXJPUS), DEXJPUS, "usdjpy")["usdjpy"]
    both = pd.concat([yahoo.pct_change(), fred.pct_change()], axis=1, join="inner").dropna()
    both.columns = ["yahoo", "fred"]
    by_year = both.loc["2011":"2022"].groupby(both.loc["2011":"2022"].index.year)
    corr = by_year.apply(lambda g: g["yahoo"].corr(g["fred"]))
    assert (corr > 0.6).all(), corr.round(2).to_dict()


@pytest.mark.parametrize(("name", "series"), [(BTC, "btc"), (TNX, "ust.10y")])
def test_other_yahoo_files_have_genuine_closes(history_dir: Path, name: str, series: str) -> None:
    """BTC-USD (UTC days) and ^TNX show no snapshot regime: Close is used as it is."""
    from signals.loaders.snapshot_regime import snapshot_rows

    raw = pd.read_csv(history_dir / name, parse_dates=["Date"]).set_index("Date")
    assert not snapshot_rows(raw.Open.to_numpy(), raw.Close.to_numpy()).any()
    df = parse_yahoo_daily(_bytes(history_dir, name), name, series)
    assert np.array_equal(df[series].to_numpy(), raw.Close.to_numpy())


def test_yahoo_tnx_close_high_low_open_order(history_dir: Path) -> None:
    """Date,Close,High,Low,Open,Volume: Close is the 2nd field, not the 5th."""
    df = parse_yahoo_daily(_bytes(history_dir, TNX), TNX, "ust.10y")
    assert len(df) == 6_905
    assert df.at[_ts("1999-01-04"), "ust.10y"] == pytest.approx(4.677000045776367)
    assert df.index[-1] == _ts("2026-06-29")


def test_yahoo_btc(history_dir: Path) -> None:
    df = parse_yahoo_daily(_bytes(history_dir, BTC), BTC, "btc")
    assert len(df) == 4_280
    assert (df.index[0], df.index[-1]) == (_ts("2014-09-17"), _ts("2026-06-05"))
    assert df.at[_ts("2024-08-05"), "btc"] == pytest.approx(53991.5, abs=0.05)


def test_yahoo_letter_in_close_is_rejected(history_dir: Path) -> None:
    data = _bytes(history_dir, USDJPY).replace(b",145.58399963378906,0\n", b",145.5839x,0\n")
    with pytest.raises(HistoryFormatError) as info:
        parse_yahoo_daily(data, USDJPY, "usdjpy")
    assert info.value.line == 7202  # grep -n '^2024-08-05' fx/usdjpy_yahoo_daily_1996-2026.csv
    assert USDJPY in str(info.value)


# --- FRED ----------------------------------------------------------------------------


def test_fred_dexjpus_dot_is_missing(history_dir: Path) -> None:
    """DATE,DEXJPUS with '.' on 537 holidays: those rows drop out, nothing is filled."""
    df = parse_fred(_bytes(history_dir, DEXJPUS), DEXJPUS, "usdjpy")
    assert len(df) == 13_750 - 537
    assert _ts("1971-02-12") not in df.index  # grep: 1971-02-12,.
    assert df.at[_ts("1998-10-07"), "usdjpy"] == pytest.approx(123.97)
    assert df.at[_ts("1998-10-08"), "usdjpy"] == pytest.approx(118.85)
    assert df["usdjpy"].min() == pytest.approx(75.72)


def test_fred_date_value_layout(history_dir: Path) -> None:
    df = parse_fred(_bytes(history_dir, DGS10), DGS10, "ust.10y")
    assert len(df) == 16_144
    assert (df.index[0], df.index[-1]) == (_ts("1962-01-02"), _ts("2026-08-20"))
    assert df.at[_ts("2024-08-05"), "ust.10y"] == pytest.approx(3.78)
    assert df.at[_ts("2024-08-02"), "ust.10y"] == pytest.approx(3.80)


def test_fred_observation_date_layout_with_empty_values(history_dir: Path) -> None:
    """Today's fredgraph.csv: observation_date header, empty cells on holidays.

    Built from the real DEXJPUS bytes by rewriting only the header and the '.' markers.
    """
    data = _bytes(history_dir, DEXJPUS).replace(b"DATE,DEXJPUS", b"observation_date,DEXJPUS")
    data = data.replace(b",.\n", b",\n")
    df = parse_fred(data, "fx/fred_DEXJPUS.csv", "usdjpy")
    assert len(df) == 13_750 - 537
    assert df.at[_ts("2008-10-24"), "usdjpy"] == pytest.approx(92.64)


def test_fred_out_of_order_is_rejected(history_dir: Path) -> None:
    data = _bytes(history_dir, DGS10).replace(b"2024-08-05,3.78", b"2024-08-01,3.78")
    with pytest.raises(HistoryFormatError) as info:
        parse_fred(data, DGS10, "ust.10y")
    assert info.value.line == 15635  # grep -n '^2024-08-05' ust/fred_DGS10_daily.csv


# --- Treasury ------------------------------------------------------------------------


def test_treasury_par_curve_1990_2022(history_dir: Path) -> None:
    """Newest-first file comes out ascending; empty cells stay missing."""
    df = parse_treasury_par_curve(_bytes(history_dir, PAR_1990), PAR_1990)
    # 8,056 rows; the 2010-10-11 row has no value at all and is dropped.
    assert len(df) == 8_055
    assert _ts("2010-10-11") not in df.index
    assert (df.index[0], df.index[-1]) == (_ts("1990-01-02"), _ts("2022-03-11"))
    assert "ust.4m" not in df.columns
    assert df.at[_ts("2022-03-11"), "ust.10y"] == pytest.approx(2.00)
    assert df.at[_ts("1990-01-02"), "ust.30y"] == pytest.approx(8.00)
    assert np.isnan(df.at[_ts("1990-01-02"), "ust.1m"])
    assert np.isnan(df.at[_ts("1990-01-02"), "ust.20y"])


def test_treasury_2023_with_4_month_and_1_5_month_columns(history_dir: Path) -> None:
    df = parse_treasury_par_curve(_bytes(history_dir, PAR_2023), PAR_2023)
    assert len(df) == 169
    assert df.at[_ts("2023-09-01"), "ust.4m"] == pytest.approx(5.58)
    # Today's layout adds "1.5 Month" after "1 Mo" (empty cells here: no values invented).
    lines = _bytes(history_dir, PAR_2023).split(b"\n")
    header = lines[0].replace(b'"1 Mo",', b'"1 Mo","1.5 Month",')
    rows = [b",".join([*ln.split(b",")[:2], b"", *ln.split(b",")[2:]]) for ln in lines[1:]]
    again = parse_treasury_par_curve(b"\n".join([header, *rows]), "ust/par.csv")
    pd.testing.assert_frame_equal(again, df)


def test_treasury_ascending_rows_are_out_of_order(history_dir: Path) -> None:
    lines = _bytes(history_dir, PAR_2023).split(b"\n")
    lines[1], lines[2] = lines[2], lines[1]
    with pytest.raises(HistoryFormatError) as info:
        parse_treasury_par_curve(b"\n".join(lines), PAR_2023)
    assert info.value.line == 3
    assert "newest first" in info.value.problem


def test_treasury_unknown_tenor_is_rejected(history_dir: Path) -> None:
    data = _bytes(history_dir, PAR_2023).replace(b'"4 Mo"', b'"4 Months"', 1)
    with pytest.raises(HistoryFormatError) as info:
        parse_treasury_par_curve(data, PAR_2023)
    assert info.value.line == 1


def test_bare_carriage_return_in_a_header_is_a_format_error(history_dir: Path) -> None:
    """Found by the provider fuzzer: csv.Error must not escape as another exception type."""
    data = (history_dir / "ust/fred_DGS10_daily.csv").read_bytes()
    broken = data.replace(b"date,value", b"date,va\rlue", 1)
    with pytest.raises(HistoryFormatError, match="line 1"):
        parse_fred(broken, "DGS10.csv", "ust.10y")
