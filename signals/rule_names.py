"""Every name a rule may watch, and the nearest valid one for a typo.

The list is built from the engine config exactly as
:func:`signals.backtest.known_indicator` decides validity (a test pins the
two together): ``score``, ``component.<name>``, and for each scored series
its level and indicators (``jgb.40y``, ``usdjpy.chg_1d_pct``,
``btc.drawdown_30d`` …). Suggestions use :mod:`difflib` on names bounded in
length, so a hostile token costs microseconds, not seconds.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

from signals.config import DEFAULT_CONFIG, EngineConfig
from signals.indicator_names import indicator_key, indicator_names

MAX_NAME = 64  # longer tokens are not compared against the catalog at all


@dataclass(frozen=True, slots=True)
class Catalog:
    """The valid names, grouped so an error can say "series" or "indicator"."""

    names: tuple[str, ...]
    series: tuple[str, ...]
    suffixes: frozenset[str]

    def __contains__(self, name: object) -> bool:
        return name in self._set

    @property
    def _set(self) -> frozenset[str]:
        return _as_set(self.names)

    def series_of(self, name: str) -> str | None:
        """The known series ``name`` belongs to (longest prefix), or None."""
        best = None
        for s in self.series:
            if (name == s or name.startswith(s + ".")) and (best is None or len(s) > len(best)):
                best = s
        return best

    def nearest(self, name: str, among: tuple[str, ...] | None = None) -> str | None:
        """The closest valid name, or None when nothing is close enough to help."""
        if len(name) > MAX_NAME:
            return None
        found = difflib.get_close_matches(name, among or self.names, n=1, cutoff=0.6)
        return found[0] if found else None

    def unknown(self, name: str) -> tuple[str, dict[str, str]]:
        """What is wrong with ``name`` and what was probably meant, as the error code of
        :class:`signals.rule_expr.RuleExprError` and its params (``guess`` when one helps)."""
        shown = name if len(name) <= 40 else name[:37] + "…"
        series = self.series_of(name)
        params: dict[str, str]
        if series is not None and series != name:
            own = tuple(n for n in self.names if n.startswith(series + ".") or n == series)
            guess = self.nearest(name, own)
            code, params = "unknown_indicator", {"name": repr(shown), "series": series}
        elif name in ("score",) or name.startswith("component."):
            guess = self.nearest(name)
            code, params = "unknown_component", {"name": repr(shown)}
        else:
            head = _series_part(name, self.suffixes)
            guess = self.nearest(name)
            if head != name:
                series_guess = self.nearest(head, self.series)
                code, params = "unknown_series", {"name": repr(head)}
                guess = (
                    f"{series_guess}{name[len(head) :]}"
                    if series_guess and f"{series_guess}{name[len(head) :]}" in self
                    else guess
                )
            else:
                code, params = "unknown_series", {"name": repr(shown)}
        if guess:
            return code + "_guess", {**params, "guess": guess}
        return code, params


def _series_part(name: str, suffixes: frozenset[str]) -> str:
    """``jgb.40.chg_5d_bp`` -> ``jgb.40``: strip a known indicator suffix, if any."""
    head, dot, tail = name.rpartition(".")
    if dot and tail in suffixes:
        return head
    return name


@cache
def _as_set(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(names)


@cache
def catalog(cfg: EngineConfig = DEFAULT_CONFIG) -> Catalog:
    """All valid names for ``cfg``: the score, components, then each series' indicators."""
    names = ["score", *(f"component.{c}" for c, _ in cfg.weights)]
    suffixes: set[str] = set()
    for series in cfg.scored_series:
        for suffix in indicator_names(series, cfg.windows):
            names.append(indicator_key(series, suffix))
            if suffix:
                suffixes.add(suffix)
    return Catalog(tuple(names), tuple(cfg.scored_series), frozenset(suffixes))
