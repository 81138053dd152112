"""The ``days`` of ``backtest --json`` as JSON text, straight from the day columns.

Fifty years are ~16,000 days × 6 components: building a dict per day and per
component and then encoding them costs more than scoring the history. Each
day is formatted here as the JSON the encoder would write for the contract's
dict (``{"date", "score", "level", "components": {name: {score, weight,
stale, reason}}}``, same key order, same float repr, same ASCII escaping), so
the output is byte for byte ``json.dumps`` of those dicts —
``tests/bot/cli/test_backtest_days.py`` holds it to that.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii

from bot.cli.json_out import EncodedItems
from signals.explain_columns import DayColumns


def _numbers(values: Sequence[float | None]) -> list[str]:
    """JSON numbers (``null`` for None), as ``json.dumps`` writes them; NaN/inf refused."""
    present = [x for x in values if x is not None]
    if not all(map(math.isfinite, present)):
        raise ValueError("out of range float in backtest output")
    if len(present) == len(values):
        return list(map(float.__repr__, present))
    return ["null" if x is None else float.__repr__(x) for x in values]


def encode_days(cols: DayColumns) -> EncodedItems:
    """One JSON object text per day."""
    per_component = []
    for c in cols.components:
        head = encode_basestring_ascii(c.name) + ': {"score": '
        per_component.append(
            [
                f'{head}{s}, "weight": {w}, "stale": {"true" if st else "false"}, "reason": {r}}}'
                for s, w, st, r in zip(
                    _numbers(c.score),
                    _numbers(c.weight),
                    c.stale,
                    map(encode_basestring_ascii, c.reason),
                    strict=True,
                )
            ]
        )
    levels = ["null" if lv is None else f'"{lv}"' for lv in cols.level]
    days = zip(
        cols.dates, _numbers(cols.score), levels, zip(*per_component, strict=True), strict=True
    )
    return EncodedItems(
        [
            f'{{"date": "{date}", "score": {score}, "level": {level}, '
            f'"components": {{{", ".join(comps)}}}}}'
            for date, score, level, comps in days
        ]
    )
