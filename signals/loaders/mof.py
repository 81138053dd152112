"""Japan MOF JGB constant-maturity par yields (``jgbcme_all.csv``, ``jgbcme.csv``).

MOF publishes two files with the same columns: the historical file (every
business day since 1974-09-24 up to the previous month end) and the
current-month file (this month so far). Layout of both::

    Interest Rate,,,,,,,,,,,,,,,(Unit : %)            <- title; current month:
                                                         "Interest Rate (June 2026)"
    Date,1Y,2Y,...,10Y,15Y,20Y,25Y,30Y,40Y            <- header
    1974/9/24,10.327,...,-,-                          <- YYYY/M/D, '-' = not published
    ,,,,,,,,,,,,,,,                                   <- current month only: separator
    "  ※If you cannot download ... again.",,,,...    <- and a footer in Shift-JIS

CRLF line endings. Yields are percent and may be negative (2016–2020).
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

TENORS: tuple[str, ...] = (
    "1Y", "2Y", "3Y", "4Y", "5Y", "6Y", "7Y", "8Y", "9Y", "10Y",
    "15Y", "20Y", "25Y", "30Y", "40Y",
)  # fmt: skip
"""MOF's column names, in file order."""

SERIES: tuple[str, ...] = tuple(f"jgb.{tenor.lower()}" for tenor in TENORS)
"""Series names produced by :func:`parse_mof` (``jgb.1y`` … ``jgb.40y``)."""

_MISSING = ("-",)
_DATE_FORMAT = "%Y/%m/%d"


def _is_separator(line: str) -> bool:
    """An empty or commas-only line: where the current-month file's data ends."""
    return not line.strip(" \t,")


def _table_lines(lines: list[str], source: str) -> tuple[list[str], int]:
    """Header and data lines, and the header's 1-based line number.

    The title line is checked (MOF writes ``Interest Rate`` or ``Interest Rate
    (<Month> <YYYY>)``); a file that starts directly with the ``Date`` header is
    accepted. The current-month file's separator and footer are cut off; any
    data-looking row after the separator means the file was mangled.
    """
    first = lines[0].lstrip()
    if first.startswith("Date,"):
        header_at = 0
    elif first.startswith("Interest Rate"):
        header_at = 1
    else:
        raise HistoryFormatError(
            source, 1, f"not a MOF interest-rate file: first line starts {first[:40]!r}"
        )
    if len(lines) <= header_at:
        raise HistoryFormatError(source, header_at + 1, "missing the Date,1Y,... header")
    header = header_fields(lines[header_at], source, header_at + 1)
    if header != ["Date", *TENORS]:
        raise HistoryFormatError(
            source, header_at + 1, f"unexpected header {','.join(header)[:120]!r}"
        )
    end = next((i for i in range(header_at + 1, len(lines)) if _is_separator(lines[i])), len(lines))
    for i in range(end, len(lines)):
        line = lines[i].lstrip()
        if not (_is_separator(line) or line.startswith('"')):
            raise HistoryFormatError(
                source, i + 1, "a row after the blank separator row (only a footer may follow)"
            )
    return lines[header_at:end], header_at + 1


def parse_mof(data: bytes, source: str) -> pd.DataFrame:
    """Parse a MOF JGB yield file (historical or current-month) into ``jgb.*`` columns.

    Returns percent yields, float64, indexed by ``date`` ascending; ``-`` cells
    become NaN and rows where no tenor was published are dropped. Dates must be
    strictly increasing, as MOF writes them.
    """
    lines = split_lines(decode_text(data, source))
    table_lines, header_line = _table_lines(lines, source)
    table = read_table(table_lines, header_line, source, date_column="Date", missing=_MISSING)
    dates = parse_dates(table, table.cells["Date"], _DATE_FORMAT)
    check_order(table, dates)
    columns = {
        series: parse_floats(table, tenor) for tenor, series in zip(TENORS, SERIES, strict=True)
    }
    return finish_frame(dates, columns)


def stitch_mof(historical: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Append the current-month rows to the historical file's rows.

    MOF moves a month into the historical file only after it ends, so normally
    the two do not overlap. When they do (a historical file downloaded after a
    month end next to a stale current-month file, or a revised figure), the
    CURRENT file's row wins: it is MOF's latest word for that date. Neither
    input is modified.
    """
    kept = historical.loc[~historical.index.isin(current.index)]
    stitched = pd.concat([kept, current], axis=0, sort=False).sort_index()
    stitched.index.name = "date"
    return stitched
