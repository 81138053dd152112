"""US Treasury Daily Par Yield Curve CSV for the current year (``ust.1m`` … ``ust.30y``).

``GET {root}/daily-treasury-rates.csv/{year}/all?type=daily_treasury_yield_curve
&field_tdr_date_value={year}&page&_format=csv`` answers the year so far,
``Date,"1 Mo",...,"30 Yr"``, dates ``MM/DD/YYYY`` newest first; the market date
is the US date of the row. Parsing is the history loader's
(``signals.loaders.treasury.parse_treasury_par_curve``): one parser for the
download and the history file. In the first days of January the year's file
may be empty of rows; the previous year's file is one ``url_for_year`` away.

Treasury writes every yield with exactly two decimals (``4.20``, never
``4.2``), and the download has no final line break, so a body cut inside a
cell is told by its decimals: ``3.9`` or ``3`` where ``3.94`` stood is
``truncated``.
"""

from __future__ import annotations

import datetime as dt

from bot.sources.base import Source
from bot.sources.cadence import NEW_YORK
from bot.sources.parsing import CSV_TYPES, check_decimals, frame_observations, run_loader
from signals.loaders.treasury import TENOR_SERIES, parse_treasury_par_curve
from signals.observation import Observation


class TreasurySource(Source):
    """US Treasury par yields; ``ust.10y`` is the one the US–JP spread needs."""

    name = "treasury"
    content_types = CSV_TYPES
    series = tuple(s for s in TENOR_SERIES.values() if s is not None)

    def url_for_year(self, year: int) -> str:
        return (
            f"{self.root}/daily-treasury-rates.csv/{year}/all"
            f"?type=daily_treasury_yield_curve&field_tdr_date_value={year}&page&_format=csv"
        )

    def url(self, now: dt.datetime) -> str:
        return self.url_for_year(now.astimezone(NEW_YORK).year)

    def parse(self, body: bytes, fetched_at: dt.datetime) -> list[Observation]:
        frame = run_loader(lambda b: parse_treasury_par_curve(b, self.name), body, self.name)
        rows = [ln for ln in body.split(b"\n")[1:] if ln.strip(b" \t\r")]
        check_decimals(rows, self.name, first_line=2, most=2, least=2)
        return frame_observations(frame, self.name, fetched_at)
