"""Yahoo Finance daily OHLC CSVs as saved by yfinance / pandas.

Column order varies by how the frame was saved: ``Date,Open,High,Low,Close,
Volume`` (``history()``) or ``Date,Close,High,Low,Open,Volume``
(``download()``, alphabetical); ``Adj Close`` may be present. Newer yfinance
writes a three-line header (``Price,Close,...`` / ``Ticker,JPY=X,...`` /
``Date,,,...``), also accepted. Dates ``YYYY-MM-DD``, optionally followed by a
time (``2024-08-05 00:00:00+00:00``), oldest first. float32 artefacts such as
``114.37000274658203`` are kept as served.

The same parser reads the lowercase ``date,open,high,low,close,volume`` CSV
that ``carrywatch history download`` writes from Coinbase candles: header
names are matched without regard to case.
"""

from __future__ import annotations

import pandas as pd

from signals.loaders.errors import (
    HistoryFormatError,
    check_order,
    decode_text,
    finish_frame,
    header_fields,
    parse_dates,
    parse_floats,
    read_table,
    split_lines,
)
from signals.loaders.snapshot_regime import genuine_close

_MISSING = ("", "null")
_DATE_FORMAT = "%Y-%m-%d"


def _table_start(lines: list[str], source: str) -> tuple[list[str], int]:
    """Header + data lines and the header's 1-based line, for both header styles."""
    header = header_fields(lines[0], source, 1)
    if header and header[0] == "Price" and len(lines) > 3:
        if not (lines[1].startswith("Ticker,") and lines[2].startswith("Date,")):
            raise HistoryFormatError(source, 2, "Price header without Ticker/Date lines")
        return ["Date," + lines[0].split(",", 1)[1], *lines[3:]], 3
    if not header or header[0].lower() != "date":
        raise HistoryFormatError(
            source, 1, f"not a Yahoo OHLC CSV: header starts {lines[0][:40]!r}"
        )
    return lines, 1


def parse_yahoo_daily(data: bytes, source: str, series: str) -> pd.DataFrame:
    """Parse a Yahoo daily CSV into one float64 column ``series``: the genuine close.

    Only Date, Open and Close are parsed and checked. Where the file's Close is
    an opening snapshot (Yahoo USD/JPY since Aug 2010, detected from the data
    by :mod:`signals.loaders.snapshot_regime`), the date's close is the next
    row's Open, so each move shows on its own market date; elsewhere (BTC,
    ``^TNX``, USD/JPY before 2010) Close is used as it is. A file without an
    Open column is taken at its Close. Empty or ``null`` cells are Yahoo's
    missing marker and are dropped.
    """
    lines = split_lines(decode_text(data, source))
    table_lines, header_line = _table_start(lines, source)
    names = {name.lower(): name for name in header_fields(table_lines[0], source, header_line)}
    if "close" not in names:
        raise HistoryFormatError(source, header_line, "no Close column")
    date_column, close_column = names["date"], names["close"]
    open_column = names.get("open")
    wanted = [date_column, close_column] + ([open_column] if open_column else [])
    table = read_table(
        table_lines,
        header_line,
        source,
        date_column=date_column,
        missing=_MISSING,
        usecols=wanted,
    )
    raw = table.cells[date_column]
    if (raw.str.len() > 10).any():
        # A time after the date (yfinance with tz) is cut off; anything else
        # after ten characters stays and fails the date format with its line.
        timed = raw.str.slice(10, 11).isin([" ", "T"])
        raw = raw.where(~timed, raw.str.slice(0, 10))
    dates = parse_dates(table, raw, _DATE_FORMAT)
    check_order(table, dates)
    close = parse_floats(table, close_column)
    if open_column is not None:
        close = genuine_close(dates, parse_floats(table, open_column), close)
    return finish_frame(dates, {series: close})
