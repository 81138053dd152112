"""Why a history file is rejected, and the checks every parser shares.

Exception tree::

    ValueError
     └── HistoryFormatError   the bytes are not what the file's format promises
                              (.source, .line, .problem)

A file that breaks its format — an HTML error page served with status 200, an
empty or truncated download, a letter in a number, ``nan``/``inf`` text, a bad,
duplicated or out-of-order date — must stop the load with the file and the line
named. Turned into silent NaNs it would later look like a market move (or hide
one). The checks live beside the exception so that every format (MOF, Treasury,
Yahoo, FRED) is held to the same rules and reports problems the same way.

All helpers are pure and vectorised (pandas C parser, numpy comparisons): a
per-row Python loop over fifty years of daily rows is what they exist to avoid.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd


class HistoryFormatError(ValueError):
    """A history or provider file that does not match its documented layout.

    ``line`` is the 1-based line of the file (title and header lines counted),
    or None when the problem is the file as a whole (e.g. empty).
    """

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        super().__init__(source, line, problem)
        self.source = source
        self.line = line
        self.problem = problem

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.source}: {self.problem}"
        return f"{self.source}: line {self.line}: {self.problem}"


def decode_text(data: bytes, source: str) -> str:
    """Bytes to text with CRLF normalised; reject empty files and HTML pages.

    The data part of every supported file is ASCII; only MOF's footer carries
    Shift-JIS (0x81 0xA6, "※"), so UTF-8 is tried first, then cp932, then
    latin-1, which never fails and leaves the ASCII part intact.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if not data.strip():
        raise HistoryFormatError(source, None, "empty file (no bytes or only whitespace)")
    for encoding in ("utf-8", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    head = text.lstrip()[:200].lower()
    if head.startswith("<") or "<html" in head:
        raise HistoryFormatError(
            source, 1, "an HTML page instead of CSV (an error page served with status 200?)"
        )
    if head.startswith(("{", "[")):
        raise HistoryFormatError(source, 1, "JSON instead of CSV (an API error body?)")
    return text.replace("\r\n", "\n")


def split_lines(text: str) -> list[str]:
    """Lines of already-normalised text without the trailing blank lines."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def header_fields(line: str, source: str = "csv", line_no: int | None = None) -> list[str]:
    """The header's column names, unquoted (Treasury quotes them: ``"1 Mo"``)."""
    try:
        return [name.strip() for name in next(csv.reader([line]))]
    except csv.Error as exc:  # e.g. a bare carriage return inside the line
        raise HistoryFormatError(source, line_no, f"unreadable header: {exc}") from None


@dataclass(frozen=True, slots=True)
class Table:
    """A parsed CSV table, remembering each row's file line.

    The date column is kept as text; value columns are whatever the C parser
    made of them with the format's missing markers as NA: float64 when every
    cell is a number or a marker, text when some cell is not (located and
    reported by :func:`parse_floats`).
    """

    source: str
    columns: list[str]
    cells: pd.DataFrame
    first_row_line: int

    def line_of(self, position: int) -> int:
        """File line (1-based) of the row at ``position`` (0-based)."""
        return self.first_row_line + position


def _check_field_counts(lines: list[str], header_line: int, width: int, source: str) -> None:
    """Every data row must carry exactly ``width`` fields.

    pandas pads a short row with missing cells, which would make a download
    cut mid-row look like unpublished values. Counted on the raw bytes with
    numpy (data rows in these formats are never quoted), so it costs
    milliseconds for fifty years of rows.
    """
    body = ("\n".join(lines[1:]) + "\n").encode("utf-8", errors="replace")
    buf = np.frombuffer(body, dtype=np.uint8)
    newlines = np.flatnonzero(buf == ord("\n"))
    commas = np.flatnonzero(buf == ord(","))
    counts = np.bincount(np.searchsorted(newlines, commas), minlength=len(newlines)) + 1
    starts = np.concatenate(([0], newlines[:-1] + 1))
    blank = newlines == starts
    if blank.any():
        pos = int(np.argmax(blank))
        raise HistoryFormatError(source, header_line + 1 + pos, "blank line inside the table")
    wrong = counts != width
    if wrong.any():
        pos = int(np.argmax(wrong))
        got = int(counts[pos])
        hint = " (truncated row?)" if got < width else ""
        problem = f"row has {got} fields, the header has {width}{hint}"
        raise HistoryFormatError(source, header_line + 1 + pos, problem)


def read_table(
    lines: list[str],
    header_line: int,
    source: str,
    *,
    date_column: str,
    missing: Collection[str],
    usecols: Collection[str] | None = None,
) -> Table:
    """Parse ``lines`` (header first, then data rows) with the pandas C parser.

    ``header_line`` is the 1-based file line of ``lines[0]``; ``missing`` are
    the format's own missing markers (nothing else counts as missing: pandas'
    default NA strings such as ``nan`` or ``NULL`` are switched off).
    """
    if len(lines) < 2:
        raise HistoryFormatError(source, header_line, "header but no data rows")
    columns = header_fields(lines[0], source, 1)
    if len(set(columns)) != len(columns):
        raise HistoryFormatError(source, header_line, f"repeated column in header {columns}")
    if date_column not in columns:
        raise HistoryFormatError(source, header_line, f"no {date_column!r} column in {columns}")
    _check_field_counts(lines, header_line, len(columns), source)
    wanted = list(columns) if usecols is None else [c for c in columns if c in set(usecols)]
    markers = list(missing)
    try:
        cells = pd.read_csv(
            io.StringIO("\n".join(lines)),
            header=0,
            names=columns,
            usecols=wanted,
            dtype={date_column: str},
            na_values={c: markers for c in wanted if c != date_column},
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise HistoryFormatError(source, header_line, f"unreadable CSV: {exc}") from exc
    if len(cells) != len(lines) - 1:
        problem = f"CSV quoting broke the rows: {len(cells)} read from {len(lines) - 1}"
        raise HistoryFormatError(source, header_line, problem)
    return Table(source, columns, cells, header_line + 1)


def parse_floats(table: Table, column: str) -> npt.NDArray[np.float64]:
    """A column as float64, NaN only where the cell is a missing marker.

    Anything else that is not a finite number (a letter, ``nan``, ``inf``, an
    empty cell where the format has its own marker) raises with its line.
    """
    col = table.cells[column]
    if col.dtype.kind in "fiu":
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.isinf(values)
    else:
        raw = col.astype(str)
        is_missing = col.isna().to_numpy()
        values = pd.to_numeric(raw.where(~is_missing), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        bad = ~is_missing & ~np.isfinite(values)
    if bad.any():
        pos = int(np.argmax(bad))
        text = str(col.iloc[pos])
        what = "empty value" if text == "" else f"{text!r} is not a finite number"
        raise HistoryFormatError(table.source, table.line_of(pos), f"column {column}: {what}")
    return values


MIN_YEAR, MAX_YEAR = 1900, 2200
"""Dates outside these years are corrupt in every supported format."""


def parse_dates(table: Table, raw: pd.Series[str], fmt: str) -> pd.DatetimeIndex:
    """Dates in ``fmt`` (tz-naive, midnight); an unparseable one raises with its line."""
    parsed = pd.to_datetime(raw, format=fmt, errors="coerce")
    # pandas reads "-0/6/10" as year 0, which no datetime.date can hold (later
    # .date() raises NotImplementedError): a date outside these years is bad.
    years = pd.DatetimeIndex(parsed).year.to_numpy(dtype="float64", na_value=np.nan)
    bad = parsed.isna().to_numpy() | ~((years >= MIN_YEAR) & (years <= MAX_YEAR))
    if bad.any():
        pos = int(np.argmax(bad))
        problem = f"bad date {raw.iloc[pos]!r} (expected {fmt})"
        raise HistoryFormatError(table.source, table.line_of(pos), problem)
    return pd.DatetimeIndex(parsed).normalize()


def check_order(table: Table, dates: pd.DatetimeIndex, *, descending: bool = False) -> None:
    """Dates must be unique and strictly monotonic in the file's promised direction.

    A duplicated or swapped row is how a broken merge or a retried partial
    download shows up; resorting it quietly would hide the damage.
    """
    values = dates.asi8
    step = values[1:] - values[:-1]
    wrong = step >= 0 if descending else step <= 0
    if not wrong.any():
        return
    pos = int(np.argmax(wrong)) + 1
    here, before = dates[pos].date(), dates[pos - 1].date()
    if step[pos - 1] == 0:
        problem = f"duplicated date {here} (also on line {table.line_of(pos - 1)})"
    else:
        order = "newest first" if descending else "oldest first"
        problem = f"date {here} out of order after {before} (the file is {order})"
    raise HistoryFormatError(table.source, table.line_of(pos), problem)


def finish_frame(
    dates: pd.DatetimeIndex, columns: dict[str, npt.NDArray[np.float64]]
) -> pd.DataFrame:
    """The common result shape: ascending ``date`` index, float64, no all-missing rows."""
    index = pd.DatetimeIndex(dates, name="date")
    frame = pd.DataFrame(columns, index=index, dtype=np.float64)
    frame = frame.dropna(how="all")
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index()
    return frame
