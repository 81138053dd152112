"""Learned jump limits, curve shape and body order, on real bodies with one test-made change.

The history tests in test_quality_gate.py run every real file through the same
gate (learned limits included) and must see no event; these pin the other
side: a value that the fixed limits let through, refused.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.quality.events import QualityKind
from bot.quality.gate import QualityGate
from bot.quality.learned import SlidingMax
from bot.sources.frankfurter import FrankfurterSource
from bot.sources.mof import MofSource
from bot.sources.treasury import TreasurySource
from signals.observation import Observation
from tests.standins.mof_current_month import build_current_month

NOW = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)
HALF_AGAIN = 1.5  # test-made: a real yield 50 % higher
ALONE_BP = 0.50  # test-made: 50 bp added to one real tenor


def changed(obs: list[Observation], series: str, day: dt.date, new: float) -> list[Observation]:
    out = [
        Observation(o.series, o.date, new, o.source, o.fetched_at)
        if (o.series, o.date) == (series, day)
        else o
        for o in obs
    ]
    assert out != obs
    return out


@pytest.fixture(scope="module")
def jgb_history(history_dir: Path) -> list[Observation]:
    body = (history_dir / "mof/jgbcme_all_to_2026-06-30.csv").read_bytes()
    # Only the last WINDOW (250) steps count: two years are all the limits can learn from.
    first, end = dt.date(2024, 6, 1), dt.date(2026, 6, 1)
    return [o for o in MofSource("http://x").parse(body, NOW) if first <= o.date < end]


def june_gate(jgb_history: list[Observation]) -> tuple[QualityGate, dict[str, Observation]]:
    gate = QualityGate(lambda: NOW)
    gate.learn(jgb_history)
    last = {o.series: o for o in jgb_history}
    return gate, last


@pytest.mark.parametrize("series", ["jgb.1y", "jgb.2y", "jgb.3y"])
def test_a_50pct_jump_of_a_short_jgb_tenor_is_refused(
    history_dir: Path, jgb_history: list[Observation], series: str
) -> None:
    june = MofSource("http://x").parse(build_current_month(history_dir, 2026, 6), NOW)
    day = dt.date(2026, 6, 30)
    real = next(o.value for o in june if (o.series, o.date) == (series, day))
    assert real * (HALF_AGAIN - 1) < 1.0  # under the fixed 100 bp limit
    gate, last = june_gate(jgb_history)
    out = gate.check_observations("mof", changed(june, series, day, real * HALF_AGAIN), last)
    assert [(e.kind, e.series, e.date) for e in out.events] == [
        (QualityKind.IMPLAUSIBLE_JUMP, series, day)
    ]
    assert "learned" in out.events[0].detail
    assert len(out.accepted) == len(june) - 1


def test_the_real_june_2026_body_passes_the_learned_limits(
    history_dir: Path, jgb_history: list[Observation]
) -> None:
    june = MofSource("http://x").parse(build_current_month(history_dir, 2026, 6), NOW)
    gate, last = june_gate(jgb_history)
    out = gate.check_observations("mof", june, last)
    assert out.events == ()
    assert len(out.accepted) == len(june)


def test_a_jgb_tenor_moving_alone_is_refused(
    history_dir: Path, jgb_history: list[Observation]
) -> None:
    june = MofSource("http://x").parse(build_current_month(history_dir, 2026, 6), NOW)
    day = dt.date(2026, 6, 30)
    real = next(o.value for o in june if (o.series, o.date) == ("jgb.7y", day))
    gate, last = june_gate(jgb_history)
    assert (gate.learned.jump_limit("jgb.7y") or 0) > ALONE_BP  # the jump limit lets it by
    out = gate.check_observations("mof", changed(june, "jgb.7y", day, real + ALONE_BP), last)
    assert [(e.kind, e.series, e.date) for e in out.events] == [
        (QualityKind.IMPLAUSIBLE_JUMP, "jgb.7y", day)
    ]
    assert "alone" in out.events[0].detail
    assert len(out.accepted) == len(june) - 1  # its neighbours are not blamed


def test_a_50pct_jump_of_the_ust_10y_in_2021_is_refused(history_dir: Path) -> None:
    body = (history_dir / "ust/treasury_par_yield_curve_1990-2022.csv").read_bytes()
    obs = TreasurySource("http://x").parse(body, NOW)
    start = dt.date(2021, 6, 1)
    before = [o for o in obs if dt.date(2019, 6, 1) <= o.date < start]
    after = [o for o in obs if o.date >= start]
    gate = QualityGate(lambda: NOW)
    gate.learn(before)
    last = {o.series: o for o in before}
    real = next(o.value for o in after if (o.series, o.date) == ("ust.10y", start))
    assert real * (HALF_AGAIN - 1) < 1.5  # under the fixed 150 bp limit
    out = gate.check_observations("treasury", changed(after, "ust.10y", start, real * 1.5), last)
    assert [(e.kind, e.series, e.date) for e in out.events] == [
        (QualityKind.IMPLAUSIBLE_JUMP, "ust.10y", start)
    ]
    assert len(out.accepted) == len(after) - 1


def test_a_wrong_first_row_rejects_the_body_not_the_right_rows(api_samples: Path) -> None:
    body = (api_samples / "frankfurter_timeseries_USD_2026-07-01..08.json").read_bytes()
    doc = json.loads(body)
    rates = doc["rates"]
    newest = max(rates)
    doc["rates"] = {newest: rates[newest], **{d: v for d, v in rates.items() if d != newest}}
    obs = FrankfurterSource("http://x").parse(json.dumps(doc).encode(), NOW)
    assert obs[0].date == dt.date(2026, 7, 8)  # the body's own order is kept
    out = QualityGate(lambda: dt.datetime(2026, 7, 8, 17, tzinfo=dt.UTC)).check_observations(
        "frankfurter", obs, {}
    )
    assert out.accepted == ()
    assert [(e.kind, e.date) for e in out.events] == [
        (QualityKind.OUT_OF_ORDER, dt.date(2026, 7, 1))
    ]
    assert "body rejected" in out.events[0].detail


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.lists(st.floats(0, 100), max_size=60), st.integers(1, 10))
def test_sliding_max_is_the_max_of_the_window(values: list[float], size: int) -> None:
    window = SlidingMax(size)
    for i, v in enumerate(values):
        window.push(v)
        assert window.max == max(values[max(0, i - size + 1) : i + 1])


def test_learning_twice_is_learning_once(jgb_history: list[Observation]) -> None:
    once, _ = june_gate(jgb_history)
    twice, _ = june_gate(jgb_history)
    twice.learn(random.Random(9).sample(jgb_history, 500))
    for series in ("jgb.1y", "jgb.10y", "jgb.40y"):
        assert once.learned.jump_limit(series) == twice.learned.jump_limit(series)
        assert once.learned.kink_limit(series) == twice.learned.kink_limit(series)
