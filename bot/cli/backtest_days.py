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
from itertools import repeat
from json.encoder import encode_basestring_ascii

from bot.cli.json_out import EncodedItems
from signals.explain_columns import DayColumns

_NOT_JSON = frozenset({"nan", "inf", "-inf"})


def _numbers(values: Sequence[float | None]) -> list[str]:
    """JSON numbers (``null`` for None), as ``json.dumps`` writes them; NaN/inf refused.

    Each distinct value is written once: a component's weight takes a handful of
    values over fifty years and its score a few thousand, so most of the
    ~16,000 ``repr`` calls per column would repeat one. ``-0.0`` equals ``0.0``
    as a key but is written differently, so a column holding it is written in full.
    """
    table = dict.fromkeys(set(values), "")
    if 0.0 in table and -1.0 in map(math.copysign, repeat(1.0), [v for v in values if v == 0.0]):
        table = {}  # -0.0 and 0.0 would share one text
    if table:
        for v in table:
            table[v] = "null" if v is None else repr(v)
        texts = list(map(table.__getitem__, values))
    else:
        texts = ["null" if v is None else repr(v) for v in values]
    if not _NOT_JSON.isdisjoint(table.values() if table else texts):
        raise ValueError("out of range float in backtest output")
    return texts


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
