"""Which files in a history directory feed which series, and why.

The directory has the layout of the shared data folder (``mof/``, ``fx/``,
``btc/``, ``ust/``). Files are found by glob pattern so that a newer download
with a different date suffix (``fx/usdjpy_yahoo_daily_1996-2027.csv``) is
picked up without a code change; among several matches the loader takes the
one whose data ends latest.

Vendor choices:

- JGB: MOF's historical file (the only official source), plus MOF's
  current-month ``jgbcme.csv`` when present, stitched on.
- USD/JPY: Yahoo ``JPY=X`` is PRIMARY from 1996 and FRED ``DEXJPUS`` (NY noon
  buying rate) only fills the years before. FRED is the cleaner official
  series, but our copy ends 2023-09-15: as primary it would force a switch of
  vendor in Sep 2023, right before the episodes that matter most (Aug 2024,
  2025), and a 5- or 20-day change measured across a seam partly measures the
  difference between a noon fixing and a vendor snapshot. With Yahoo primary
  the only seam is in Oct 1996, far from any window we calibrate on, and the
  recent years come from one vendor that the live feeds (market quotes, not a
  fixing) resemble.
- US 10y: FRED ``DGS10`` (official constant maturity, 1962-) is primary; the
  Yahoo ``^TNX`` index quote only extends it outside DGS10's range.
- BTC: Yahoo ``BTC-USD`` (every calendar day since 2014-09-17); the Coinbase
  daily CSV that ``carrywatch history download`` writes extends it after
  Yahoo's last day.

When only the secondary file of a series is present (a folder made by
``carrywatch history download`` has FRED DEXJPUS and Coinbase BTC but no
Yahoo files), the secondary is used alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ParserName = Literal["mof", "yahoo", "fred", "treasury"]


@dataclass(frozen=True, slots=True)
class FileChoice:
    """Glob patterns (relative to the history dir) and the parser for them."""

    patterns: tuple[str, ...]
    parser: ParserName


@dataclass(frozen=True, slots=True)
class SeriesSource:
    """How one entry of ``load_history_frames`` is built.

    ``secondary`` is spliced only outside the primary's date range (see
    :func:`signals.panel.splice`), or used alone when the primary is absent;
    ``current`` is MOF's current-month file, stitched after the historical
    one. A missing ``required`` primary stops the load; a series with no file
    at all is left out with a warning.
    """

    key: str
    primary: FileChoice
    secondary: FileChoice | None = None
    current: FileChoice | None = None
    required: bool = False


MANIFEST: tuple[SeriesSource, ...] = (
    SeriesSource(
        key="jgb",
        primary=FileChoice(("mof/jgbcme_all*.csv",), "mof"),
        current=FileChoice(("mof/jgbcme.csv",), "mof"),
        required=True,
    ),
    SeriesSource(
        key="usdjpy",
        primary=FileChoice(("fx/usdjpy_yahoo_daily_*.csv",), "yahoo"),
        secondary=FileChoice(("fx/fred_DEXJPUS_daily*.csv", "fx/fred_DEXJPUS.csv"), "fred"),
    ),
    SeriesSource(
        key="btc",
        primary=FileChoice(("btc/btcusd_yahoo_daily_*.csv",), "yahoo"),
        secondary=FileChoice(("btc/coinbase_BTC-USD_daily*.csv",), "yahoo"),
    ),
    SeriesSource(
        key="ust.10y",
        primary=FileChoice(("ust/fred_DGS10_daily*.csv", "ust/fred_DGS10.csv"), "fred"),
        secondary=FileChoice(("ust/us10y_yahoo_tnx_daily_*.csv",), "yahoo"),
    ),
    SeriesSource(
        key="ust.2y",
        primary=FileChoice(("ust/fred_DGS2_daily*.csv", "ust/fred_DGS2.csv"), "fred"),
    ),
)
"""Every series the history loader knows, in panel column order."""
