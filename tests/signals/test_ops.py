"""The scalar operations give numpy's answers bit for bit, so one component text
runs on columns (backtest) and on one date's floats (live) with the same result."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.components import component_specs, composite, two_markets_stressed
from signals.config import DEFAULT_CONFIG
from signals.indicators import indicator_key, indicator_names
from signals.ops import ARRAY, SCALAR

SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 5e-324, 1e308]
floats = st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True))


def _bits(x: float) -> int:
    """Equal floats, NaNs alike (any NaN payload), zero signs aside."""
    return -1 if math.isnan(x) else int(np.float64(x + 0.0).view(np.int64))


@given(a=floats, b=floats)
def test_binary_operations_match_numpy(a: float, b: float) -> None:
    for name in ("minimum", "maximum", "fmin", "fmax", "div"):
        scalar = getattr(SCALAR, name)(a, b)
        array = float(getattr(ARRAY, name)(np.array([a]), np.array([b]))[0])
        assert _bits(scalar) == _bits(array), (name, a, b, scalar, array)


@given(a=floats, cond=st.booleans())
def test_unary_operations_match_numpy(a: float, cond: bool) -> None:
    col = np.array([a])
    assert SCALAR.isnan(a) == bool(ARRAY.isnan(col)[0])
    assert _bits(SCALAR.abs(a)) == _bits(float(ARRAY.abs(col)[0]))
    assert _bits(SCALAR.sqrt(a)) == _bits(float(ARRAY.sqrt(col)[0]))
    assert SCALAR.not_(cond) == bool(ARRAY.not_(np.array([cond]))[0])
    picked = SCALAR.where(cond, a, -1.0)
    assert _bits(picked) == _bits(float(ARRAY.where(np.array([cond]), col, -1.0)[0]))
    assert math.isnan(SCALAR.nan(1)) and math.isnan(float(ARRAY.nan(1)[0]))


_KEYS = [
    indicator_key(series, suffix)
    for series in DEFAULT_CONFIG.scored_series
    for suffix in indicator_names(series, DEFAULT_CONFIG.windows)
]
# market-sized values and gaps: the component maths sees NaN for "not available"
values = st.one_of(st.just(math.nan), st.floats(-200.0, 200.0, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries(dict.fromkeys(_KEYS, values)), min_size=1, max_size=6))
def test_components_and_composite_agree_row_by_row(rows: list[dict[str, float]]) -> None:
    """Every component, the severe mark and the composite: columns == each row's floats."""
    cfg, n = DEFAULT_CONFIG, len(rows)
    columns = {k: np.array([row[k] for row in rows]) for k in _KEYS}
    scores = {s.name: s.score(columns, cfg, n, ARRAY) for s in component_specs(cfg)}
    severe = two_markets_stressed(columns, cfg, n, ARRAY)
    score, weights = composite(scores, cfg, n, severe, ARRAY)
    for i, row in enumerate(rows):
        one = {s.name: s.score(row, cfg, 1, SCALAR) for s in component_specs(cfg)}
        for name, value in one.items():
            assert _bits(value) == _bits(float(scores[name][i])), (name, row)
        flag = two_markets_stressed(row, cfg, 1, SCALAR)
        assert bool(flag) == bool(severe[i])
        total, w = composite(one, cfg, 1, flag, SCALAR)
        assert _bits(total) == _bits(float(score[i]))
        assert {k: _bits(v) for k, v in w.items()} == {k: _bits(float(weights[k][i])) for k in w}
