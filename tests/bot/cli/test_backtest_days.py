"""``backtest --json`` days are formatted text; they must be what ``json.dumps`` writes."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from bot.cli.backtest_days import encode_days
from bot.cli.json_out import write_json
from bot.history.loader import load_history_panel
from signals.engine import score_history
from signals.explain_columns import ComponentColumns, DayColumns, day_columns


def _as_dicts(cols: DayColumns) -> list[dict[str, object]]:
    return [
        {
            "date": cols.dates[j],
            "score": cols.score[j],
            "level": cols.level[j],
            "components": {
                c.name: {
                    "score": c.score[j],
                    "weight": c.weight[j],
                    "stale": c.stale[j],
                    "reason": c.reason[j],
                }
                for c in cols.components
            },
        }
        for j in range(len(cols.dates))
    ]


@pytest.fixture(scope="module")
def whole_history(history_dir) -> DayColumns:  # type: ignore[no-untyped-def]
    panel: pd.DataFrame = load_history_panel(history_dir)
    return day_columns(score_history(panel))


def test_every_day_is_byte_for_byte_json_dumps(whole_history: DayColumns) -> None:
    encoded = encode_days(whole_history)
    expected = _as_dicts(whole_history)
    assert len(encoded.items) == len(expected) > 15_000
    assert "[" + ", ".join(encoded.items) + "]" == json.dumps(expected, allow_nan=False)
    # the history has days without a score (null), dropped components and non-ASCII reasons
    text = ", ".join(encoded.items)
    assert '"score": null' in text and '"stale": true' in text and "\\u03c3" in text


def test_written_document_parses_back(whole_history: DayColumns) -> None:
    out = io.StringIO()
    write_json(out, {"days": encode_days(whole_history), "alerts": []})
    parsed = json.loads(out.getvalue())
    assert parsed["days"] == _as_dicts(whole_history) and parsed["alerts"] == []


def test_empty_days_are_an_empty_list() -> None:
    out = io.StringIO()
    write_json(out, {"days": encode_days(DayColumns([], [], [], ())), "alerts": []})
    assert json.loads(out.getvalue()) == {"days": [], "alerts": []}


def test_nan_and_infinity_are_refused_as_json_dumps_refuses_them() -> None:
    """``allow_nan=False``: a NaN or infinite score or weight never reaches the file."""
    for bad in (float("nan"), float("inf"), float("-inf")):
        comp = ComponentColumns("yen_squeeze", [1.0, None], [0.5, bad], [False, False], ["a", "b"])
        cols = DayColumns(["2024-08-05", "2024-08-06"], [1.0, None], ["low", None], (comp,))
        with pytest.raises(ValueError, match="out of range float") as info:
            encode_days(cols)
        assert "out of range float" in str(info.value)
        with pytest.raises(ValueError) as dumps_info:
            json.dumps(bad, allow_nan=False)
        assert "Out of range float" in str(dumps_info.value)
    fine = ComponentColumns("yen_squeeze", [1.0, None], [0.5, 0.0], [False, True], ["a", "b"])
    ok = DayColumns(["2024-08-05", "2024-08-06"], [1.0, None], ["low", None], (fine,))
    assert [json.loads(day)["score"] for day in encode_days(ok).items] == [1.0, None]


def test_negative_zero_keeps_its_sign_beside_zero() -> None:
    """Values are written once per distinct value; -0.0 == 0.0 must not share a text."""
    comp = ComponentColumns(
        "yen_squeeze", [0.0, -0.0, None], [0.5, 0.5, 0.0], [False] * 3, ["a", "b", "c"]
    )
    cols = DayColumns(["2024-08-05", "2024-08-06", "2024-08-07"], [-0.0, 0.0, None],
                      ["low", "low", None], (comp,))  # fmt: skip
    expected = [
        {
            "date": cols.dates[j],
            "score": cols.score[j],
            "level": cols.level[j],
            "components": {"yen_squeeze": {"score": comp.score[j], "weight": comp.weight[j],
                                           "stale": False, "reason": comp.reason[j]}},
        }
        for j in range(3)
    ]  # fmt: skip
    text = "[" + ", ".join(encode_days(cols).items) + "]"
    assert text == json.dumps(expected, allow_nan=False)
    assert '"score": -0.0' in text and '"score": 0.0' in text
