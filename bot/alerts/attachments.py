"""What an outbox message may carry besides its events: a chart, as a spec, not pixels.

The outbox stores a :class:`ChartSpec` (a few dates and a zone) next to the
alert row; the PNG is drawn at send time from the stored snapshots, in the
reader's language. The spec names a fixed window *and* a ``cutoff`` (only
snapshots computed by then are drawn), so a retry an hour later draws the same
picture, and no image blob ever sits in the database.

:class:`Attachment` is what the dispatcher hands a notifier: the spec plus the
:class:`ChartRenderer` that can draw it (the notifier picks the language).
Pure data and a protocol; the drawing lives in ``bot.digest.chart``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

DIGEST_SCORE: Final = "digest-score"
"""The weekly digest's score path over the owner's week (``bot.charts.digest``)."""
KINDS: Final = frozenset({DIGEST_SCORE})


class BadChartSpec(ValueError):
    """A stored spec that cannot be read; the message says which field."""


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """A chart to draw at send time: market dates ``first``..``last`` (inclusive), the
    owner's time zone for the time axis, and ``cutoff``: snapshots computed later are
    not drawn (a retry draws the same picture)."""

    kind: str
    first: dt.date
    last: dt.date
    tz: str
    cutoff: dt.datetime

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "tz": self.tz,
            "cutoff": self.cutoff.isoformat(),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ChartSpec:
        try:
            kind = str(raw["kind"])
            if kind not in KINDS:
                raise BadChartSpec(f"unknown chart kind {kind!r}")
            cutoff = dt.datetime.fromisoformat(str(raw["cutoff"]))
            if cutoff.tzinfo is None:
                raise BadChartSpec("chart cutoff has no time zone")
            return cls(
                kind=kind,
                first=dt.date.fromisoformat(str(raw["first"])),
                last=dt.date.fromisoformat(str(raw["last"])),
                tz=str(raw["tz"]),
                cutoff=cutoff,
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, BadChartSpec):
                raise
            raise BadChartSpec(f"bad chart spec {dict(raw)!r}: {exc}") from None


@dataclass(frozen=True, slots=True)
class Image:
    """A drawn chart: ``filename`` (``attachment://`` on Discord), the PNG bytes and
    ``title``, a short line of what it shows (a caption when the text goes apart)."""

    filename: str
    png: bytes = field(repr=False)
    title: str = ""

    @property
    def size(self) -> int:
        return len(self.png)


class ChartRenderer(Protocol):
    """Draws a spec from stored data; raises when it cannot (the caller falls back)."""

    async def render(self, spec: ChartSpec, language: str) -> Image: ...


@dataclass(frozen=True, slots=True)
class Attachment:
    """A message's chart: what to draw and who draws it (None: nobody here can)."""

    spec: ChartSpec
    renderer: ChartRenderer | None = None
