"""Data-quality events: what the gate saw instead of a market move.

Events are immutable once created; the store persists them, ``/status`` and
``/healthz`` report them, and none of them ever reaches the signal engine as
an observation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class QualityKind(StrEnum):
    # The body itself (values shared with bot.sources.base.FailureKind).
    HTML_BODY = "html_body"  # an HTML (error) page served with 200
    EMPTY = "empty"
    TRUNCATED = "truncated"
    BAD_VALUE = "bad_value"  # NaN/inf, non-positive price, date in the future
    MALFORMED = "malformed"  # bad JSON/CSV, error envelope, wrong pair/base
    # Rows within a body.
    DUPLICATE_DATE = "duplicate_date"
    OUT_OF_ORDER = "out_of_order"
    IMPLAUSIBLE_JUMP = "implausible_jump"
    # Across providers and time.
    DISAGREEMENT = "disagreement"
    STALE = "stale"
    # The fetch.
    FETCH_FAILED = "fetch_failed"
    CIRCUIT_OPEN = "circuit_open"


@dataclass(frozen=True, slots=True)
class QualityEvent:
    """One data-quality finding. ``series`` is None when the whole fetch failed."""

    at: dt.datetime
    source: str
    series: str | None
    kind: QualityKind
    detail: str
    date: dt.date | None = None  # the market date concerned, when there is one
