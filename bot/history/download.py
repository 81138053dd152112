"""``carrywatch history download``: fetch the real history a user needs.

Writes the layout of the shared data folder under ``dest``::

    mof/jgbcme_all.csv              MOF historical JGB yields (raw bytes as served)
    ust/fred_DGS10_daily.csv        FRED DGS10 (raw fredgraph.csv)
    ust/fred_DGS2_daily.csv         FRED DGS2
    fx/fred_DEXJPUS_daily.csv       FRED DEXJPUS (noon New York USD/JPY)
    btc/coinbase_BTC-USD_daily.csv  Coinbase daily candles, paged 300 days at a time,
                                    written as date,open,high,low,close,volume (UTC days)

Each file is downloaded in full (no conditional GET), validated with the same
parser the bot uses, and only then moved into place (temporary file in the
same folder + ``os.replace``), so a failed or half download never replaces a
good file. Every item is attempted; failures are reported together at the end
in ``HistoryDownloadError`` (which also lists what was written).

FRED's root is ``Settings.sources["fred"]`` when set (env
``CARRYWATCH_SOURCES__FRED__URL``), else ``https://fred.stlouisfed.org``. The FRED
files keep FRED's own header (``observation_date,DGS10`` and empty/``.`` cells on
holidays); the history loaders read that layout.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings
from bot.sources.base import Source
from bot.sources.coinbase import MAX_CANDLES, CoinbaseSource, candles
from bot.sources.errors import SourceError
from bot.sources.fred import DEFAULT_ROOT as FRED_ROOT
from bot.sources.fred import FredSource
from bot.sources.http import HttpFetcher
from bot.sources.mof import MofSource
from signals.observation import Observation

log = logging.getLogger(__name__)

COINBASE_BTC_START = dt.date(2015, 7, 20)  # first BTC-USD day on Coinbase Exchange


class HistoryDownloadError(Exception):
    """Some files could not be fetched or validated; ``written`` still holds the rest."""

    def __init__(self, failures: dict[str, str], written: list[Path]) -> None:
        lines = "; ".join(f"{name}: {why}" for name, why in failures.items())
        super().__init__(f"history download incomplete: {lines}")
        self.failures = failures
        self.written = written


@dataclass(frozen=True, slots=True)
class _Item:
    rel: str
    source: Source
    url: str


def _root(settings: Settings, name: str, default: str | None = None) -> str:
    cfg = settings.sources.get(name)
    if cfg is not None:
        return cfg.url
    if default is None:
        raise KeyError(f"no URL configured for source {name!r}")
    return default


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _describe(observations: list[Observation]) -> str:
    if not observations:
        return "0 values"
    first = min(o.date for o in observations)
    last = max(o.date for o in observations)
    return f"{len(observations)} values {first}..{last}"


async def _coinbase_csv(
    source: CoinbaseSource,
    http: HttpFetcher,
    start: dt.date,
    now: dt.datetime,
    pause: Callable[[], Awaitable[None]],
) -> bytes:
    """All completed daily candles from ``start``, as a CSV (values as served)."""
    rows: dict[dt.date, str] = {}
    end_day = now.astimezone(dt.UTC).date()
    page_start = start
    while page_start < end_day:
        page_end = min(page_start + dt.timedelta(days=MAX_CANDLES), end_day + dt.timedelta(days=1))
        resp = await http.get(
            source.page_url(page_start, page_end),
            source=source.name,
            attempt_timeout=source.timeout,
            conditional=False,
        )
        closed = {o.date for o in source.parse(resp.body, now)}  # validates the page
        for c in candles(resp.body, source.name):
            day = dt.datetime.fromtimestamp(c.time, dt.UTC).date()
            if day in closed and page_start <= day < page_end:
                rows[day] = (
                    f"{day.isoformat()},{c.open!r},{c.high!r},{c.low!r},{c.close!r},{c.volume!r}"
                )
        page_start = page_end
        await pause()
    lines = ["date,open,high,low,close,volume", *(rows[d] for d in sorted(rows))]
    return ("\n".join(lines) + "\n").encode()


async def download_history(
    dest: Path,
    settings: Settings,
    http: HttpFetcher,
    *,
    now: dt.datetime | None = None,
    btc_start: dt.date = COINBASE_BTC_START,
    page_pause: float = 0.2,
) -> list[Path]:
    """Fetch every history file into ``dest``; return the paths written.

    Raises ``HistoryDownloadError`` after trying everything if any file failed.
    """
    now = now or dt.datetime.now(dt.UTC)
    fred_root = _root(settings, "fred", FRED_ROOT)
    mof = MofSource(_root(settings, "mof"), timeout=settings.sources["mof"].timeout)
    items = [_Item("mof/jgbcme_all.csv", mof, mof.historical_url())]
    for series_id, rel in (
        ("DGS10", "ust/fred_DGS10_daily.csv"),
        ("DGS2", "ust/fred_DGS2_daily.csv"),
        ("DEXJPUS", "fx/fred_DEXJPUS_daily.csv"),
    ):
        fred = FredSource(fred_root, series_id=series_id)
        items.append(_Item(rel, fred, fred.url(now)))

    written: list[Path] = []
    failures: dict[str, str] = {}
    for item in items:
        try:
            resp = await http.get(
                item.url, source=item.source.name, attempt_timeout=item.source.timeout,
                conditional=False,
            )  # fmt: skip
            summary = _describe(item.source.parse(resp.body, now))
        except SourceError as exc:
            failures[item.rel] = str(exc)
            log.warning("history download: %s failed: %s", item.rel, exc)
            continue
        _write_atomic(dest / item.rel, resp.body)
        written.append(dest / item.rel)
        log.info("history download: %s (%s)", item.rel, summary)

    coinbase = CoinbaseSource(
        _root(settings, "coinbase"), timeout=settings.sources["coinbase"].timeout
    )
    rel = "btc/coinbase_BTC-USD_daily.csv"

    async def pause() -> None:
        await asyncio.sleep(page_pause)  # Coinbase public limit: a few requests a second

    try:
        data = await _coinbase_csv(coinbase, http, btc_start, now, pause)
    except SourceError as exc:
        failures[rel] = str(exc)
        log.warning("history download: %s failed: %s", rel, exc)
    else:
        _write_atomic(dest / rel, data)
        written.append(dest / rel)
        log.info("history download: %s (%d days)", rel, data.count(b"\n") - 1)
    if failures:
        raise HistoryDownloadError(failures, written)
    return written
