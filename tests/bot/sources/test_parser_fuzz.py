"""Mutated real bodies: every parser returns finite observations or SourceFormatError.

Hypothesis truncates, flips bytes, inserts text, swaps and duplicates lines,
puts NaN/inf/huge numbers in place of real ones and wraps bodies in HTML; it
also builds JSON of the providers' shapes from hostile scalars. A fixed set of
10 MB bodies (real rows repeated, deep nesting, random bytes) runs too.
Whatever comes out, a parser may only answer with observations whose values
are finite, or raise ``SourceFormatError`` — never another exception (an
``OverflowError`` or ``KeyError`` would crash a poller), never a NaN.
Examples are bounded and derandomised: the same cases every run, a few seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.quality.events import QualityKind
from bot.quality.gate import QualityGate
from bot.sources.base import Source
from bot.sources.coinbase import CoinbaseSource
from bot.sources.coinbase_rates import CoinbaseRatesSource
from bot.sources.errors import SourceFormatError
from bot.sources.frankfurter import FrankfurterSource
from bot.sources.fred import FredSource
from bot.sources.kraken import KrakenSource
from bot.sources.mof import MofSource
from bot.sources.treasury import TreasurySource
from tests.standins.mof_current_month import build_current_month
from tests.standins.providers import HTML_ERROR_PAGE

FETCHED = dt.datetime(2026, 8, 17, 12, tzinfo=dt.UTC)
PROVIDERS = ["kraken", "coinbase", "coinbase_rates", "frankfurter", "treasury", "mof"]
TEN_MB = 10 * 1024 * 1024
HOSTILE_NUMBERS = [
    b"NaN", b"-Infinity", b"Infinity", b"nan", b"inf", b"1e999", b"-1e999", b"1e-400",
    b"-0", b"0", b"-1", str(10**400).encode(), b"9" * 5000, b'"NaN"', b'"1e999"', b"null",
]  # fmt: skip
NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _rates_body(frankfurter: bytes) -> bytes:
    """Coinbase's exchange-rates shape (no real body was recorded) around the real
    ECB USD/JPY and USD/EUR rates of the newest day of the Frankfurter sample."""
    rates = json.loads(frankfurter)["rates"]
    newest = rates[max(rates)]
    quoted = {k: str(v) for k, v in sorted(newest.items())}
    return json.dumps({"data": {"currency": "USD", "rates": quoted}}).encode()


def _bodies(history_dir: Path) -> dict[str, tuple[Source, bytes]]:
    samples = history_dir / "api_samples"
    frankfurter = (samples / "frankfurter_timeseries_USD_2026-07-01..08.json").read_bytes()
    return {
        "coinbase_rates": (CoinbaseRatesSource("http://x"), _rates_body(frankfurter)),
        "kraken": (
            KrakenSource("http://x"),
            (samples / "kraken_public_OHLC_XXBTZUSD_1440.json").read_bytes(),
        ),
        "coinbase": (
            CoinbaseSource("http://x"),
            (samples / "coinbase_exchange_candles_BTC-USD_1d.json").read_bytes(),
        ),
        "frankfurter": (
            FrankfurterSource("http://x"),
            (samples / "frankfurter_timeseries_USD_2026-07-01..08.json").read_bytes(),
        ),
        "treasury": (
            TreasurySource("http://x"),
            (samples / "treasury_daily_par_yield_curve_2023ytd.csv").read_bytes(),
        ),
        "mof": (MofSource("http://x"), build_current_month(history_dir, 2026, 6, last_day=10)),
        "fred": (
            FredSource("http://x", series_id="DGS10"),
            (history_dir / "ust/fred_DGS10_daily.csv").read_bytes(),
        ),
    }


Mutation = Callable[[bytes], bytes]


@st.composite
def mutations(draw: st.DrawFn) -> Mutation:
    kind = draw(
        st.sampled_from(
            ["truncate", "flip", "insert", "swap", "duplicate", "number", "html", "several"]
        )
    )
    seed = draw(st.integers(min_value=0, max_value=2**31))
    text = draw(
        st.sampled_from([b"NaN", b"nan", b"inf", b"-", b",", b'"', b"\r\n", b"<html>", b"1e999",
                         b"null", b"[]", b"{}", b"-1", b"0", b"2026/2/30", b"\x81\xa6"])
        | st.binary(max_size=8)
    )  # fmt: skip
    byte = draw(st.integers(min_value=0, max_value=255))
    hostile = draw(st.sampled_from(HOSTILE_NUMBERS))

    def apply(body: bytes, kind: str = kind) -> bytes:
        n = len(body)
        i = seed % (n + 1)
        if kind == "truncate":
            return body[:i]
        if kind == "flip":
            j = seed % n
            return body[:j] + bytes([byte]) + body[j + 1 :]
        if kind == "insert":
            return body[:i] + text + body[i:]
        if kind in ("swap", "duplicate"):
            lines = body.splitlines(keepends=True)
            if len(lines) < 2:
                return body
            a, b = seed % len(lines), (seed // 7) % len(lines)
            if kind == "duplicate":
                return b"".join([*lines[: a + 1], lines[a], *lines[a + 1 :]])
            lines[a], lines[b] = lines[b], lines[a]
            return b"".join(lines)
        if kind == "number":
            found = list(NUMBER.finditer(body))
            if not found:
                return body
            m = found[seed % len(found)]
            return body[: m.start()] + hostile + body[m.end() :]
        if kind == "html":
            return HTML_ERROR_PAGE if seed % 2 else b"<html><body>" + body + b"</body></html>"
        for k in ("flip", "insert", "swap", "number"):
            body = apply(body, k)
        return body

    return apply


def assert_parses_or_refuses(source: Source, body: bytes) -> None:
    try:
        observations = source.parse(body, FETCHED)
    except SourceFormatError:
        return
    for obs in observations:
        assert math.isfinite(obs.value), obs
        assert obs.series in source.series
        assert isinstance(obs.date, dt.date)


@pytest.mark.parametrize("provider", PROVIDERS)
@FUZZ
@given(mutate=mutations())
def test_mutated_bodies(provider: str, mutate: Mutation, history_dir: Path) -> None:
    source, body = _bodies(history_dir)[provider]
    assert_parses_or_refuses(source, mutate(body))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_numbers_replaced_by_hostile_ones(provider: str, history_dir: Path) -> None:
    """Every hostile number at 40 seeded places, the first row's date parts always among them.

    Deterministic where hypothesis samples: this is what pins ``10**400`` as a
    candle time (OverflowError) and ``-0`` as MOF's year (NotImplementedError).
    """
    source, body = _bodies(history_dir)[provider]
    found = list(NUMBER.finditer(body))
    at_line_start = (i for i, m in enumerate(found) if body[m.start() - 1 : m.start()] == b"\n")
    first_row = next(at_line_start, 0)  # a CSV's first date; JSON: its first number
    picks = {*random.Random(provider).sample(range(len(found)), min(40, len(found))), first_row}
    picks |= {first_row + 1} if first_row + 1 < len(found) else set()
    picks |= {0, 1}
    for i in sorted(picks):
        m = found[i]
        for hostile in HOSTILE_NUMBERS:
            assert_parses_or_refuses(source, body[: m.start()] + hostile + body[m.end() :])


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["NaN", "inf", "1e999", "-0", "", "64901.1", "2026-08-10", "EGeneral:x"]),
    st.text(max_size=8),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
DAYS = st.integers(min_value=1_230_000_000 // 86_400 - 2, max_value=7_258_118_400 // 86_400 + 2)


@st.composite
def shaped_json(draw: st.DrawFn, provider: str) -> bytes:
    """JSON of the provider's own shape, filled with hostile scalars (or anything)."""
    cell = SCALARS | JSON_VALUES if draw(st.booleans()) else SCALARS
    if provider == "coinbase":
        rows = draw(st.lists(st.lists(cell, min_size=5, max_size=7), max_size=4))
        for row in rows:
            if row and draw(st.booleans()):
                row[0] = draw(DAYS) * 86_400
        doc: object = rows
    elif provider == "kraken":
        bars = draw(st.lists(st.lists(cell, min_size=7, max_size=9), max_size=4))
        for bar in bars:
            if bar and draw(st.booleans()):
                bar[0] = draw(DAYS) * 86_400
        doc = {"error": draw(st.just([]) | st.lists(cell, max_size=2)),
               "result": {"XXBTZUSD": bars, "last": draw(cell)}}  # fmt: skip
    else:
        days = st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)).map(dt.date.isoformat)
        rates = draw(st.dictionaries(days | st.text(max_size=10), st.dictionaries(
            st.sampled_from(["JPY", "CNY", "jpy"]), cell, max_size=2), max_size=4))  # fmt: skip
        doc = {"amount": draw(st.just(1.0) | cell), "base": draw(st.just("USD") | cell),
               "rates": rates}  # fmt: skip
    return json.dumps(doc, allow_nan=True).encode()


@pytest.mark.parametrize("provider", ["kraken", "coinbase", "frankfurter"])
@FUZZ
@given(data=st.data())
def test_hostile_json_of_each_shape(provider: str, data: st.DataObject) -> None:
    body = data.draw(shaped_json(provider))
    source = {"kraken": KrakenSource, "coinbase": CoinbaseSource}.get(provider, FrankfurterSource)
    assert_parses_or_refuses(source("http://x"), body)


def _ten_mb(body: bytes) -> dict[str, bytes]:
    """10 MB bodies: deep nesting, one huge number, noise, the real body padded, HTML."""
    return {
        "nested": b"[" * TEN_MB,
        "digits": b"9" * TEN_MB,
        "noise": random.Random(7).randbytes(TEN_MB),
        "padded": body + b" " * TEN_MB,
        "html": HTML_ERROR_PAGE * (TEN_MB // len(HTML_ERROR_PAGE) + 1),
    }


@pytest.mark.parametrize("provider", [*PROVIDERS, "fred"])
def test_ten_megabyte_bodies(provider: str, history_dir: Path) -> None:
    source, body = _bodies(history_dir)[provider]
    for name, big in _ten_mb(body).items():
        assert len(big) >= TEN_MB, name
        assert_parses_or_refuses(source, big)


@pytest.mark.parametrize("provider", ["treasury", "mof", "fred"])
def test_csv_rows_repeated_to_ten_megabytes_are_refused(provider: str, history_dir: Path) -> None:
    source, body = _bodies(history_dir)[provider]
    lines = body.splitlines(keepends=True)
    head = 2 if isinstance(source, MofSource) else 1
    rows = b"".join(ln.rstrip(b"\r\n") + b"\r\n" for ln in lines[head:] if ln[:1].isdigit())
    big = b"".join(lines[:head]) + rows * (TEN_MB // len(rows) + 1)
    assert len(big) >= TEN_MB
    with pytest.raises(SourceFormatError, match=r"duplicated date|out of order"):
        source.parse(big, FETCHED)


@pytest.mark.parametrize("provider", ["kraken", "coinbase"])
def test_json_rows_repeated_are_rejected_by_the_gate(provider: str, history_dir: Path) -> None:
    source, body = _bodies(history_dir)[provider]
    doc = json.loads(body)
    if provider == "kraken":
        doc["result"]["XXBTZUSD"] *= 2
    else:
        doc *= 2
    obs = source.parse(json.dumps(doc).encode(), FETCHED)
    out = QualityGate(lambda: FETCHED).check_observations(provider, obs, {})
    assert out.accepted == ()
    assert [e.kind for e in out.events] == [QualityKind.DUPLICATE_DATE]


@pytest.mark.parametrize("provider", [*PROVIDERS, "fred"])
def test_unmutated_bodies_parse(provider: str, history_dir: Path) -> None:
    source, body = _bodies(history_dir)[provider]
    assert source.parse(body, FETCHED)
