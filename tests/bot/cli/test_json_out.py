"""The chunked JSON writer: the same document as ``json.dumps``, in few writes."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli.json_out import CHUNK, write_json


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, s: str) -> int:
        self.writes += 1
        return super().write(s)


def test_same_text_as_json_dumps_in_few_writes() -> None:
    days = [{"date": f"d{i}", "score": i / 7, "reason": "σ –", "x": None} for i in range(5 * CHUNK)]
    payload = {"days": days, "alerts": [{"rule": "a"}], "quality": []}
    out = CountingStream()
    write_json(out, payload)
    assert out.getvalue() == json.dumps(payload) + "\n"
    assert out.writes < 20  # json.dump would issue one write per token: ~100,000 here


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError):
        write_json(io.StringIO(), {"days": [{"score": float("nan")}] * (CHUNK + 1)})
