"""Data-provider stand-in: the recorded real bodies on the real paths, plus faults.

``async with ProviderStandin(api_samples, history_dir) as p:`` serves, on
127.0.0.1, one root per provider (``p.url("kraken")`` etc.):

=========== ============================================ ==================================
provider    path under the root                          body
=========== ============================================ ==================================
mof         /jgbcme.csv                                  synthetic-format current month
                                                         from real rows (mof_current_month)
mof         /historical/jgbcme_all.csv                   mof/jgbcme_all_to_2026-06-30.csv
treasury    /daily-treasury-rates.csv/{year}/all?...     2023: the recorded 2023 download;
                                                         1990–2022: that year's real rows of
                                                         ust/treasury_par_yield_curve_1990-2022.csv
frankfurter /{start}..{end}?base=USD&symbols=JPY         the recorded time-series body
kraken      /OHLC?pair=XBTUSD&interval=1440              the recorded OHLC body (other pairs: 404)
coinbase    /products/BTC-USD/candles?granularity=86400  the recorded candles; with start/end,
                                                         the recorded candles in that window
fred        /graph/fredgraph.csv?id=ID (also /fredgraph.csv) ust/fred_DGS10_daily.csv,
                                                         ust/fred_DGS2_daily.csv,
                                                         fx/fred_DEXJPUS_daily_1971-2023.csv
coinbase_rates /exchange-rates?currency=USD              none recorded: 404 until a test
                                                         ``serve()``s a body
=========== ============================================ ==================================

``p.serve(name, tail, body, **query)`` answers ``body`` (JSON) on that path and
query instead of the recorded one: for live quotes no real body was recorded of
(Coinbase's exchange rates, Kraken's USD/JPY bars), built by the test from real
history values.

Every body carries an ETag and Last-Modified and answers 304 to a matching
``If-None-Match``/``If-Modified-Since``. ``p.set_fault(name, mode, times=N)``
makes the next N requests (all, if None) to that provider misbehave:
``status_500``, ``status_429`` (with ``retry_after``), ``status_404``, ``timeout``
(never answers), ``slow_drip`` (real headers, then a byte every
``drip_interval`` s), ``html_200``, ``truncated`` (the real body cut in half),
``empty``, ``stale`` (an older state of the real body: its newest rows
removed), ``disagree`` (the real body passed through the test's
``transform``) and ``content_type`` (the real body, served with the test's
``content_type``: JSON as ``text/html``, as CDNs do with an error template).
``p.requests[name]`` counts requests; ``p.log`` keeps them.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from aiohttp import web

from tests.standins.mof_current_month import build_current_month

PROVIDERS = ("mof", "treasury", "frankfurter", "kraken", "coinbase", "fred", "coinbase_rates")
FAULT_MODES = (
    "status_500", "status_429", "status_404", "timeout", "slow_drip", "html_200",
    "truncated", "empty", "stale", "disagree", "content_type",
)  # fmt: skip
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title></head>\n"
    b"<body><h1>Service Temporarily Unavailable</h1><p>Please try again later.</p></body></html>\n"
)
FRED_FILES = {
    "DGS10": "ust/fred_DGS10_daily.csv",
    "DGS2": "ust/fred_DGS2_daily.csv",
    "DEXJPUS": "fx/fred_DEXJPUS_daily_1971-2023.csv",
}
STALE_DROP = 3  # rows removed from the newest end for "stale"
JSON = "application/json"
SAMPLES = "api_samples/"
FRANKFURTER_PATH = re.compile(r"\d{4}-\d\d-\d\d\.\.(\d{4}-\d\d-\d\d)?")


@dataclass
class Fault:
    mode: str
    remaining: int | None
    transform: Callable[[bytes], bytes] | None = None
    retry_after: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Request:
    provider: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class _Body:
    data: bytes
    content_type: str
    modified: float  # epoch seconds for Last-Modified
    stale: Callable[[], bytes] | None = None


@dataclass
class ProviderStandin:
    api_samples: Path
    history_dir: Path
    drip_interval: float = 0.05
    requests: Counter[str] = field(default_factory=Counter)
    log: list[Request] = field(default_factory=list)
    _faults: dict[str, Fault] = field(default_factory=dict)
    _served: dict[tuple[str, str], tuple[dict[str, str], _Body]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _closing: asyncio.Event = field(default_factory=asyncio.Event)

    async def __aenter__(self) -> ProviderStandin:
        app = web.Application()
        app.router.add_get("/{provider}/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only here
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, name: str) -> str:
        if name not in PROVIDERS:
            raise KeyError(name)
        return f"http://127.0.0.1:{self._port}/{name}"

    def set_fault(
        self,
        name: str,
        mode: str,
        *,
        times: int | None = None,
        transform: Callable[[bytes], bytes] | None = None,
        retry_after: str | None = None,
        content_type: str | None = None,
    ) -> None:
        if mode not in FAULT_MODES:
            raise ValueError(mode)
        if mode == "disagree" and transform is None:
            raise ValueError("disagree needs the test's transform of the real body")
        if mode == "content_type" and content_type is None:
            raise ValueError("content_type needs the type to serve the real body as")
        self._faults[name] = Fault(mode, times, transform, retry_after, content_type)

    def serve(self, name: str, tail: str, body: bytes, **query: str) -> None:
        """Answer ``body`` on ``/{name}/{tail}`` when the request has ``query``'s items."""
        if name not in PROVIDERS:
            raise KeyError(name)
        self._served[(name, tail)] = (query, _Body(body, JSON, 0.0))

    def clear_fault(self, name: str) -> None:
        self._faults.pop(name, None)

    # -- bodies -----------------------------------------------------------------

    def _file(self, rel: str, content_type: str = "text/csv") -> _Body:
        path = self.history_dir / rel
        return _Body(path.read_bytes(), content_type, path.stat().st_mtime)

    def _body(self, provider: str, tail: str, query: dict[str, str]) -> _Body | None:
        h = self.history_dir
        served = self._served.get((provider, tail))
        if served is not None and served[0].items() <= query.items():
            fresh = served[1]
            return _Body(fresh.data, fresh.content_type, fresh.modified)
        if provider == "mof":
            if tail == "jgbcme.csv":
                body = self._file("mof/jgbcme_all_to_2026-06-30.csv")
                body.data = build_current_month(h, 2026, 6)
                body.stale = lambda: build_current_month(h, 2026, 6, last_day=15)
                return body
            if tail == "historical/jgbcme_all.csv":
                body = self._file("mof/jgbcme_all_to_2026-06-30.csv")
                body.stale = lambda: (h / "mof/jgbcme_all.csv").read_bytes()
                return body
        if provider == "treasury":
            m = re.fullmatch(r"daily-treasury-rates\.csv/(\d{4})/all", tail)
            if m and query.get("type") == "daily_treasury_yield_curve":
                return self._treasury_year(int(m.group(1)))
        if provider == "frankfurter" and re.fullmatch(
            r"\d{4}-\d\d-\d\d\.\.(\d{4}-\d\d-\d\d)?", tail
        ):
            body = self._file(
                "api_samples/frankfurter_timeseries_USD_2026-07-01..08.json", "application/json"
            )
            body.stale = lambda: _frankfurter_older(body.data)
            return body
        if provider == "kraken" and tail == "OHLC" and query.get("pair") == "XBTUSD":
            body = self._file(
                "api_samples/kraken_public_OHLC_XXBTZUSD_1440.json", "application/json"
            )
            body.stale = lambda: _kraken_older(body.data)
            return body
        if provider == "coinbase" and tail == "products/BTC-USD/candles":
            body = self._file(
                "api_samples/coinbase_exchange_candles_BTC-USD_1d.json", "application/json"
            )
            if "start" in query or "end" in query:
                body.data = _coinbase_window(body.data, query.get("start"), query.get("end"))
            body.stale = lambda: json.dumps(json.loads(body.data)[STALE_DROP:]).encode()
            return body
        if provider == "fred" and tail in ("graph/fredgraph.csv", "fredgraph.csv"):
            rel = FRED_FILES.get(query.get("id", ""))
            return self._file(rel) if rel else None
        return None

    def _treasury_year(self, year: int) -> _Body | None:
        if year == 2023:
            body = self._file("api_samples/treasury_daily_par_yield_curve_2023ytd.csv")
            lines = body.data.splitlines(keepends=True)
            body.stale = lambda: b"".join(lines[:1] + lines[1 + STALE_DROP :])
            return body
        if 1990 <= year <= 2022:
            body = self._file("ust/treasury_par_yield_curve_1990-2022.csv")
            lines = body.data.splitlines(keepends=True)
            suffix = f"/{year},".encode()
            body.data = b"".join([lines[0], *(ln for ln in lines[1:] if suffix in ln[:11])])
            return body
        return None

    # -- HTTP -------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        provider = request.match_info["provider"]
        tail = request.match_info["tail"]
        query = dict(request.query)
        self.requests[provider] += 1
        self.log.append(Request(provider, tail, query, dict(request.headers)))
        body = self._body(provider, tail, query)
        fault = self._take_fault(provider)
        mode = fault.mode if fault else None
        if mode == "status_500":
            return web.Response(status=500, text="Internal Server Error")
        if mode == "status_429":
            headers = {"Retry-After": fault.retry_after} if fault and fault.retry_after else {}
            return web.Response(status=429, text="Too Many Requests", headers=headers)
        if mode == "status_404" or body is None:
            return web.Response(status=404, text="no recorded body for this path")
        if mode == "timeout":
            await self._closing.wait()
            return web.Response(status=503)
        if mode == "html_200":
            return web.Response(body=HTML_ERROR_PAGE, content_type="text/html")
        if mode == "empty":
            return web.Response(body=b"", content_type=body.content_type)
        if mode == "truncated":
            return web.Response(
                body=body.data[: len(body.data) // 2], content_type=body.content_type
            )
        data = body.data
        if mode == "stale":
            assert body.stale is not None, f"no older body for {provider}/{tail}"
            data = body.stale()
        elif mode == "disagree":
            assert fault is not None
            assert fault.transform is not None
            data = fault.transform(data)
        etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
        modified = email.utils.formatdate(body.modified, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": modified}
        if mode == "slow_drip":
            return await self._drip(request, data, body.content_type, headers)
        if _not_modified(request, etag, body.modified):
            return web.Response(status=304, headers=headers)
        served_as = body.content_type
        if mode == "content_type" and fault is not None and fault.content_type:
            served_as = fault.content_type
        return web.Response(body=data, content_type=served_as, headers=headers)

    def _take_fault(self, provider: str) -> Fault | None:
        fault = self._faults.get(provider)
        if fault is None:
            return None
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                del self._faults[provider]
        return fault

    async def _drip(
        self, request: web.Request, data: bytes, content_type: str, headers: dict[str, str]
    ) -> web.StreamResponse:
        resp = web.StreamResponse(headers={**headers, "Content-Type": content_type})
        resp.content_length = len(data)
        await resp.prepare(request)
        try:
            for i in range(len(data)):
                if self._closing.is_set():
                    break
                await resp.write(data[i : i + 1])
                await asyncio.sleep(self.drip_interval)
        except (ConnectionResetError, ConnectionError):
            pass
        return resp


def _not_modified(request: web.Request, etag: str, modified: float) -> bool:
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        return etag in [t.strip() for t in inm.split(",")]
    ims = request.headers.get("If-Modified-Since")
    if ims:
        try:
            since = email.utils.parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False
        return int(modified) <= since
    return False


def _frankfurter_older(data: bytes) -> bytes:
    doc = json.loads(data)
    dates = sorted(doc["rates"])[:-2]
    doc["rates"] = {d: doc["rates"][d] for d in dates}
    doc["end_date"] = dates[-1]
    return json.dumps(doc, separators=(",", ":")).encode()


def _kraken_older(data: bytes) -> bytes:
    doc = json.loads(data)
    bars = doc["result"]["XXBTZUSD"][:-STALE_DROP]
    doc["result"]["XXBTZUSD"] = bars
    doc["result"]["last"] = bars[-2][0]  # the newest kept bar is again the open one
    return json.dumps(doc).encode()


def _coinbase_window(data: bytes, start: str | None, end: str | None) -> bytes:
    import datetime as dt

    def ts(raw: str | None, default: float) -> float:
        if not raw:
            return default
        return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()

    lo, hi = ts(start, float("-inf")), ts(end, float("inf"))
    rows = [row for row in json.loads(data) if lo <= row[0] < hi]
    return json.dumps(rows).encode()
