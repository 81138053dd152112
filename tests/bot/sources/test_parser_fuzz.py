"""Mutated real bodies: every parser returns finite observations or SourceFormatError.

Hypothesis truncates, flips bytes, inserts text and swaps lines in the recorded
bodies. Whatever comes out, a parser may only answer with observations whose
values are finite, or raise ``SourceFormatError`` — never another exception
(a ``KeyError`` or ``IndexError`` would crash a poller), never a NaN.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sources.base import Source
from bot.sources.coinbase import CoinbaseSource
from bot.sources.errors import SourceFormatError
from bot.sources.frankfurter import FrankfurterSource
from bot.sources.kraken import KrakenSource
from bot.sources.mof import MofSource
from bot.sources.treasury import TreasurySource
from tests.standins.mof_current_month import build_current_month

FETCHED = dt.datetime(2026, 8, 17, 12, tzinfo=dt.UTC)


def _bodies(history_dir: Path) -> dict[str, tuple[Source, bytes]]:
    samples = history_dir / "api_samples"
    return {
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
    }


Mutation = Callable[[bytes], bytes]


@st.composite
def mutations(draw: st.DrawFn) -> Mutation:
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "swap", "several"]))
    seed = draw(st.integers(min_value=0, max_value=2**31))
    text = draw(
        st.sampled_from([b"NaN", b"nan", b"inf", b"-", b",", b'"', b"\r\n", b"<html>", b"1e999",
                         b"null", b"[]", b"{}", b"-1", b"0", b"2026/2/30", b"\x81\xa6"])
        | st.binary(max_size=8)
    )  # fmt: skip
    byte = draw(st.integers(min_value=0, max_value=255))

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
        if kind == "swap":
            lines = body.splitlines(keepends=True)
            if len(lines) < 2:
                return body
            a, b = seed % len(lines), (seed // 7) % len(lines)
            lines[a], lines[b] = lines[b], lines[a]
            return b"".join(lines)
        for k in ("flip", "insert", "swap"):
            body = apply(body, k)
        return body

    return apply


@pytest.mark.parametrize("provider", ["kraken", "coinbase", "frankfurter", "treasury", "mof"])
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutate=mutations())
def test_mutated_bodies(provider: str, mutate: Mutation, history_dir: Path) -> None:
    source, body = _bodies(history_dir)[provider]
    mutated = mutate(body)
    try:
        observations = source.parse(mutated, FETCHED)
    except SourceFormatError:
        return
    for obs in observations:
        assert math.isfinite(obs.value), obs
        assert obs.series in source.series
        assert isinstance(obs.date, dt.date)


@pytest.mark.parametrize("provider", ["kraken", "coinbase", "frankfurter", "treasury", "mof"])
def test_unmutated_bodies_parse(provider: str, history_dir: Path) -> None:
    source, body = _bodies(history_dir)[provider]
    assert source.parse(body, FETCHED)
