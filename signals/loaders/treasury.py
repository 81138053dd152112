"""US Treasury "Daily Treasury Par Yield Curve Rates" CSV download.

Layout (home.treasury.gov, daily-treasury-rates.csv)::

    Date,"1 Mo","2 Mo","3 Mo","6 Mo","1 Yr",...,"30 Yr"    <- quoted headers
    03/11/2022,0.17,0.28,...                               <- MM/DD/YYYY, NEWEST FIRST

Tenors come and go: "4 Mo" since Oct 2022, "1.5 Month" since 2025; empty cells
where a tenor was not published that day (1 Mo before 2001, 20 Yr 1987-1993,
30 Yr 2002-2006). Percent.
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

TENOR_SERIES: dict[str, str | None] = {
    "1 Mo": "ust.1m",
    "1.5 Month": None,
    "1.5 Mo": None,
    "2 Mo": "ust.2m",
    "3 Mo": "ust.3m",
    "4 Mo": "ust.4m",
    "6 Mo": "ust.6m",
    "1 Yr": "ust.1y",
    "2 Yr": "ust.2y",
    "3 Yr": "ust.3y",
    "5 Yr": "ust.5y",
    "7 Yr": "ust.7y",
    "10 Yr": "ust.10y",
    "20 Yr": "ust.20y",
    "30 Yr": "ust.30y",
}
"""Treasury's header -> our series name. The 6-week bill ("1.5 Month", 2025+)
is recognised but not kept: it has no history worth scoring and no other
source to cross-check it."""

_MISSING = ("",)
_DATE_FORMAT = "%m/%d/%Y"


def parse_treasury_par_curve(data: bytes, source: str) -> pd.DataFrame:
    """Parse the par yield curve CSV into ``ust.*`` columns (only tenors present).

    Rows must be strictly newest first, as Treasury serves them; the result is
    ascending like every other parser's. An unknown column raises: Treasury
    adding or renaming a tenor should be noticed, not skipped.
    """
    lines = split_lines(decode_text(data, source))
    header = header_fields(lines[0], source, 1)
    if not header or header[0] != "Date":
        raise HistoryFormatError(
            source, 1, f"not a Treasury par yield curve CSV: header starts {lines[0][:40]!r}"
        )
    unknown = [name for name in header[1:] if name not in TENOR_SERIES]
    if unknown:
        raise HistoryFormatError(source, 1, f"unknown tenor column(s) {unknown}")
    kept = {name: TENOR_SERIES[name] for name in header[1:] if TENOR_SERIES[name] is not None}
    table = read_table(
        lines, 1, source, date_column="Date", missing=_MISSING, usecols=["Date", *kept]
    )
    dates = parse_dates(table, table.cells["Date"], _DATE_FORMAT)
    check_order(table, dates, descending=True)
    columns = {str(series): parse_floats(table, name) for name, series in kept.items()}
    return finish_frame(dates, columns)
