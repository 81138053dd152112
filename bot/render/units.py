"""The unit word stored with an alert (``%``, ``bp``, ``points`` …), for old readers.

Formatting lives in :mod:`bot.render.common`; this only names the stored unit.
"""

from __future__ import annotations

from bot.render.common import Unit
from bot.render.common import unit_of as _unit

_WORD = {
    Unit.PCT: "%",
    Unit.YIELD: "%",
    Unit.BP: "bp",
    Unit.POINTS: "points",
    Unit.JPY: "JPY",
    Unit.USD: "USD",
    Unit.PP: "pp",
    Unit.SIGMA: "σ",
    Unit.PLAIN: "",
}


def unit_of(name: str) -> str:
    return _WORD[_unit(name)]
