"""Write one large JSON object to a stream in a few big chunks.

``json.dump`` runs the pure-Python encoder and hands the stream one small
string per token: millions of writes for a fifty-year backtest. Here each
top-level list is encoded by the C encoder ``CHUNK`` items at a time and
written as one string; the bytes are the same as ``json.dumps(payload)``.
A list already encoded item by item (``EncodedItems``) is joined and written
the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

CHUNK = 2000

_encode = json.JSONEncoder(allow_nan=False).encode


@dataclass(frozen=True, slots=True)
class EncodedItems:
    """A JSON array given as its items' JSON texts (see bot.cli.backtest_days)."""

    items: list[str]


def write_json(stream: TextIO, payload: Mapping[str, Any]) -> None:
    """``payload`` as one JSON object and a newline; NaN or infinity raise ValueError.

    Lists longer than ``CHUNK`` go out chunk by chunk, so memory holds one
    chunk's text at a time, not the whole document twice.
    """
    stream.write("{")
    for n, (key, value) in enumerate(payload.items()):
        stream.write(f"{', ' if n else ''}{_encode(key)}: ")
        if isinstance(value, EncodedItems):
            for lo in range(0, max(len(value.items), 1), CHUNK):
                stream.write(("[" if lo == 0 else ", ") + ", ".join(value.items[lo : lo + CHUNK]))
            stream.write("]")
        elif isinstance(value, list) and len(value) > CHUNK:
            for lo in range(0, len(value), CHUNK):
                body = _encode(value[lo : lo + CHUNK])[1:-1]
                stream.write(("[" if lo == 0 else ", ") + body)
            stream.write("]")
        else:
            stream.write(_encode(value))
    stream.write("}\n")
