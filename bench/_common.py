"""Shared bench helpers: where the history is, percentiles, one JSON line out."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np


def history_dir() -> Path:
    raw = os.environ.get("CARRYWATCH_HISTORY_DIR")
    path = Path(raw) if raw else Path(__file__).resolve().parents[2] / "shared" / "data"
    if not (path / "mof").is_dir():
        sys.exit(f"history directory {path} not found; set CARRYWATCH_HISTORY_DIR")
    return path


def pct(samples: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples), q))


def emit(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, sort_keys=True))
