"""SYNTHETIC-FORMAT MOF current-month file (``jgbcme.csv``) built from real rows.

No real byte-for-byte copy of MOF's current-month file was available (see
shared/data/SOURCES.md, "Gaps"). This builder follows the format described
there: title ``Interest Rate (<Month> <YYYY>)`` with 15 commas and ``(Unit : %)``,
the ``Date,1Y,...,40Y`` header, the month's rows, a row of 15 commas, and a
footer whose ``※`` is Shift-JIS 0x81 0xA6; CRLF line endings. The data rows
are copied verbatim (bytes) from the real historical file
``mof/jgbcme_all_to_2026-06-30.csv`` — no number is typed or changed here.
"""

from __future__ import annotations

import calendar
from pathlib import Path

HISTORICAL = "mof/jgbcme_all_to_2026-06-30.csv"
FOOTER = (
    b'"  \x81\xa6If you cannot download the latest csv data, please clear the '
    b"browser's cache and download again.\",,,,,,,,,,,,,,,\r\n"
)


def real_rows(
    history_dir: Path, year: int, month: int, *, last_day: int | None = None
) -> list[bytes]:
    """The real historical file's rows for one month (each with its CRLF)."""
    prefix = f"{year}/{month}/".encode()
    rows = []
    for line in (history_dir / HISTORICAL).read_bytes().splitlines(keepends=True):
        if line.startswith(prefix):
            day = int(line.split(b",", 1)[0].split(b"/")[2])
            if last_day is None or day <= last_day:
                rows.append(line)
    if not rows:
        raise LookupError(f"no rows for {year}-{month:02d} in {HISTORICAL}")
    return rows


def build_current_month(
    history_dir: Path, year: int = 2026, month: int = 6, *, last_day: int | None = None
) -> bytes:
    """A ``jgbcme.csv`` as MOF would serve it mid-month (``last_day``) or at month end."""
    lines = (history_dir / HISTORICAL).read_bytes().splitlines(keepends=True)
    header = lines[1]
    title = f"Interest Rate ({calendar.month_name[month]} {year}),,,,,,,,,,,,,,,(Unit : %)\r\n"
    return (
        title.encode()
        + header
        + b"".join(real_rows(history_dir, year, month, last_day=last_day))
        + b",,,,,,,,,,,,,,,\r\n"
        + FOOTER
    )
