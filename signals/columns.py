"""A scored history as named columns, and the helpers every walk over it uses.

Kept apart from :mod:`signals.engine` (which builds the columns with pandas) so
that a walk over columns read from elsewhere — ``carrywatch rules test`` reads
them from a binary cache — imports neither pandas nor numpy: together they
take longer to import than the whole preview takes to answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np


class PreviewColumns(Protocol):
    """What a rule preview reads: each day's date and one indicator's values.

    :class:`signals.engine.ScoredHistory` is one; so is the preview cache's view.
    """

    def __len__(self) -> int: ...

    def date(self, i: int) -> dt.date: ...

    def values(self, name: str) -> list[float]:
        """The indicator (or ``score``, ``component.<name>``) on every day; NaN: no value."""
        ...

    @property
    def dates(self) -> np.ndarray: ...  # datetime64[D], for charts


class Columns(PreviewColumns, Protocol):
    """The numpy arrays of a scored history: the score, each component and indicator."""

    @property
    def score(self) -> np.ndarray: ...

    @property
    def components(self) -> Mapping[str, np.ndarray]: ...

    @property
    def inputs(self) -> Mapping[str, np.ndarray]: ...


def rule_instant(day: dt.date) -> dt.datetime:
    """The clock a backtest day is evaluated at: midnight UTC of that market date."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def indicator_array(history: Columns, name: str) -> np.ndarray:
    """The column a rule over ``name`` reads (all NaN for an indicator with no data)."""
    if name == "score":
        return history.score
    if name.startswith("component."):
        return history.components[name.removeprefix("component.")]
    found = history.inputs.get(name)
    if found is None:
        import numpy as np

        return np.full(len(history), np.nan)
    return found
