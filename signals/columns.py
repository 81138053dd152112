"""A scored history as named columns, and the two helpers every walk over it uses.

Kept apart from :mod:`signals.engine` (which builds the columns with pandas) so
that a walk over columns read from elsewhere — ``carrywatch rules test`` reads
them from a binary cache — never imports pandas: pandas alone takes longer to
import than the whole preview takes to answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

import numpy as np


class Columns(Protocol):
    """What a walk reads: the dates, the score, each component and each indicator.

    :class:`signals.engine.ScoredHistory` is one; so is the preview cache's view.
    """

    @property
    def dates(self) -> np.ndarray: ...  # datetime64[D]

    @property
    def score(self) -> np.ndarray: ...

    @property
    def components(self) -> Mapping[str, np.ndarray]: ...

    @property
    def inputs(self) -> Mapping[str, np.ndarray]: ...

    def __len__(self) -> int: ...

    def date(self, i: int) -> dt.date: ...


def rule_instant(day: dt.date) -> dt.datetime:
    """The clock a backtest day is evaluated at: midnight UTC of that market date."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def indicator_array(history: Columns, name: str) -> np.ndarray:
    """The column a rule over ``name`` reads (all NaN for an indicator with no data)."""
    if name == "score":
        return history.score
    if name.startswith("component."):
        return history.components[name.removeprefix("component.")]
    return history.inputs.get(name, np.full(len(history), np.nan))
