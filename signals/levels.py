"""Stress levels: low < 25 <= elevated < 50 <= high < 75 <= severe."""

from __future__ import annotations

import enum


class Level(enum.IntEnum):
    """Ordered so that ``Level.HIGH > Level.ELEVATED`` reads naturally."""

    LOW = 0
    ELEVATED = 1
    HIGH = 2
    SEVERE = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        """Accept ``high``/``HIGH``; raise ValueError naming the choices otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(lv.label for lv in cls)
            raise ValueError(f"unknown level {text!r}; choose one of: {choices}") from None


LEVEL_FLOORS: tuple[tuple[float, Level], ...] = (
    (75.0, Level.SEVERE),
    (50.0, Level.HIGH),
    (25.0, Level.ELEVATED),
)


def level_for(score: float) -> Level:
    """The level a 0–100 score falls in."""
    for floor, level in LEVEL_FLOORS:
        if score >= floor:
            return level
    return Level.LOW
