"""Every weight, window and ramp of the score in one place, with defaults.

Windows count observations of that series (trading days: JGB and FX skip
holidays, BTC trades every day). Ramps map an indicator linearly onto 0–100,
which keeps each component explainable: "0 at 5 bp, 100 at 30 bp".
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Ramp:
    """Score 0 at ``start`` rising linearly to 100 at ``full`` (either direction)."""

    start: float
    full: float

    def __post_init__(self) -> None:
        if self.start == self.full:
            raise ValueError("a ramp needs start != full")


@dataclass(frozen=True, slots=True)
class Windows:
    change: tuple[int, ...] = (1, 5, 20)
    zscore: int = 250  # one year of daily changes sets "normal" volatility
    zscore_horizon: int = 5  # the z-score is of the 5-observation change
    vol: int = 20
    drawdown: int = 30

    @property
    def lookback(self) -> int:
        """Observations an incremental update must keep to match the full pass."""
        return max(
            max(self.change) + 1,
            self.zscore + self.zscore_horizon + 1,
            self.vol + 1,
            self.drawdown,
        )


@dataclass(frozen=True, slots=True)
class MoveRamps:
    """How a 5-observation move scores: by size and by surprise (z-score)."""

    change: Ramp
    zscore: Ramp


@dataclass(frozen=True, slots=True)
class EngineConfig:
    windows: Windows = field(default_factory=Windows)
    # Component base weights; renormalised over the components available on a date.
    weights: tuple[tuple[str, float], ...] = (
        ("jgb_superlong", 0.30),
        ("jgb_10y", 0.15),
        ("yen_squeeze", 0.25),
        ("rate_gap", 0.10),
        ("crypto_liquidation", 0.10),
        ("comovement", 0.10),
    )
    # Renormalise over available components, but never divide by less than this
    # share of the total weight: before 1986 only USD/JPY exists, and one market
    # alone must not read as a full-blown "severe" carry unwind.
    min_coverage: float = 0.5
    superlong_tenors: tuple[str, ...] = ("jgb.20y", "jgb.30y", "jgb.40y")
    # A rise in super-long yields: 5 bp in a week is noise, 30 bp is a rout.
    superlong: MoveRamps = MoveRamps(change=Ramp(5.0, 30.0), zscore=Ramp(1.0, 3.5))
    # The 10y was pinned by YCC for years: smaller moves matter more.
    jgb_10y: MoveRamps = MoveRamps(change=Ramp(3.0, 20.0), zscore=Ramp(1.0, 3.5))
    # Yen strengthening (USD/JPY falling), by 5-day change and by distance from the
    # 30-day high (a squeeze that builds over weeks, like Jul 2024).
    yen_change: Ramp = Ramp(-1.0, -5.0)
    yen_zscore: Ramp = Ramp(-1.0, -3.5)
    yen_drawdown: Ramp = Ramp(-2.0, -8.0)
    # US–JP 10y spread compressing over 20 observations (bp).
    rate_gap: Ramp = Ramp(-10.0, -60.0)
    # BTC liquidation: 5-day fall and drawdown from the 30-day high (%).
    btc_change: Ramp = Ramp(-5.0, -25.0)
    btc_drawdown: Ramp = Ramp(-10.0, -35.0)
    # Co-movement: each market's move normalised 0..1 on a gentler ramp; the score
    # is the second-strongest of the three, so one market alone scores 0.
    co_yen: Ramp = Ramp(-0.5, -3.0)
    co_btc: Ramp = Ramp(-2.0, -12.0)
    co_jgb: Ramp = Ramp(2.0, 15.0)
    # A value older than this (calendar days) is stale and drops out. JGB allows
    # Golden Week; FX and Treasuries a long weekend; BTC trades every day.
    max_age_days: tuple[tuple[str, int], ...] = (
        ("jgb", 6),
        ("usdjpy", 4),
        ("ust", 4),
        ("spread", 6),
        ("btc", 2),
    )

    def weight(self, component: str) -> float:
        return dict(self.weights)[component]

    def max_age(self, series: str) -> int:
        prefix = series.split(".", 1)[0]
        return dict(self.max_age_days)[prefix]

    @property
    def scored_series(self) -> tuple[str, ...]:
        """The series the components read; indicators are computed for these."""
        return (
            "jgb.10y",
            *self.superlong_tenors,
            "usdjpy",
            "btc",
            "ust.10y",
            "spread.us_jp_10y",
        )


DEFAULT_CONFIG = EngineConfig()
