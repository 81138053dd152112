"""FRED daily series CSVs (``fredgraph.csv`` and pipelines' re-saves of it).

Three layouts are in circulation, all two columns, oldest first:

- ``DATE,DEXJPUS`` — fredgraph.csv until ~2024; ``.`` marks a missing day;
- ``observation_date,DGS10`` — fredgraph.csv since; missing days are empty;
- ``date,value`` — a pipeline's re-save with missing days dropped.
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

_DATE_HEADERS = ("DATE", "date", "observation_date")
_MISSING = (".", "")
_DATE_FORMAT = "%Y-%m-%d"


def parse_fred(data: bytes, source: str, series: str) -> pd.DataFrame:
    """Parse a FRED CSV into one float64 column named ``series``.

    ``series`` is our name for it (``usdjpy``, ``ust.10y``), not FRED's ID: the
    value column is the second one whatever its header says. ``.`` and empty
    cells are FRED's "no observation" (holidays) and are dropped, not filled.
    """
    lines = split_lines(decode_text(data, source))
    header = header_fields(lines[0], source, 1)
    if len(header) != 2 or header[0] not in _DATE_HEADERS:
        raise HistoryFormatError(
            source, 1, f"not a FRED series CSV: header {lines[0][:60]!r} (expected DATE,<ID>)"
        )
    date_column, value_column = header
    table = read_table(lines, 1, source, date_column=date_column, missing=_MISSING)
    dates = parse_dates(table, table.cells[date_column], _DATE_FORMAT)
    check_order(table, dates)
    return finish_frame(dates, {series: parse_floats(table, value_column)})
