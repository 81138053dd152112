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
            self.zscore + 2,  # z_1d: 250 daily changes before today's
            self.vol + 1,
            self.drawdown,
        )


@dataclass(frozen=True, slots=True)
class MoveRamps:
    """How a 5-observation move scores: by size and by surprise (z-score)."""

    change: Ramp
    zscore: Ramp


@dataclass(frozen=True, slots=True)
class ShockRule:
    """A one-day move that is extreme for its own market: at least ``sigmas`` of its
    last 250 daily moves AND at least ``floor`` (bp for yields, % for prices), in
    the stress ``direction`` (-1: falling is stress, +1: rising, 0: either way)."""

    series: str
    direction: int
    floor: float
    sigmas: float = 3.0


@dataclass(frozen=True, slots=True)
class JointShock:
    """A yen move that is extreme for the yen but under its own shock floor, on a
    market date when JGBs also moved unusually (either way): the Japan-driven
    signature of an unwind. Its strength is the weaker of ``lead`` and the
    strongest of ``confirm`` (each a :class:`ShockRule`, read the same way)."""

    lead: ShockRule
    confirm: tuple[ShockRule, ...]


@dataclass(frozen=True, slots=True)
class StressedShock:
    """A one-day move in one market (``shock``, read as a :class:`ShockRule`) on a
    date when another market's component (``stressed``) is already at heavy
    stress (>= ``at``): two markets under heavy stress at once. Its strength is
    the weaker of the move's and ``stressed / at``."""

    shock: ShockRule
    stressed: str
    at: float = 75.0


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
        # Weight 0: a one-day shock does not average in, it sets a floor (below).
        ("day_shock", 0.0),
    )
    # Renormalise over available components, but never divide by less than this
    # share of the total weight: before 1986 only USD/JPY exists, and one market
    # alone must not read as a full-blown "severe" carry unwind.
    min_coverage: float = 0.5
    superlong_tenors: tuple[str, ...] = ("jgb.20y", "jgb.30y", "jgb.40y")
    # A rise in super-long yields: 5 bp in a week is noise, 40 bp is a rout (May 2013,
    # 2025); 23 bp in a week (Feb 2005) is a sell-off, not by itself a carry unwind.
    superlong: MoveRamps = MoveRamps(change=Ramp(5.0, 40.0), zscore=Ramp(1.0, 4.0))
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
    # One-day shocks: on the market date of such a move the score is at least
    # ``shock_floor`` (high). The floors are crisis sizes, not busy days — they
    # keep yield-curve-control ticks (2016–2021: 1–2 bp days on a σ near zero),
    # crypto's own crashes and ordinary risk-off days out: the yen up 2.5 % in a
    # day (above the public "-2 %" rule, which fires in calm years), BTC down a
    # fifth, a JGB yield 10 bp (10y) or 15 bp (super-long) either way — a
    # sell-off is a supply/fiscal shock, a rally the flight to safety of an
    # unwind —, the US–JP gap 20 bp narrower.
    shocks: tuple[ShockRule, ...] = (
        ShockRule("usdjpy", -1, 2.5),
        ShockRule("btc", -1, 20.0),
        ShockRule("jgb.10y", 0, 12.0),
        ShockRule("jgb.20y", 0, 15.0),
        ShockRule("jgb.30y", 0, 15.0),
        ShockRule("jgb.40y", 0, 15.0),
        ShockRule("spread.us_jp_10y", -1, 20.0),
    )
    # A joint yen–JGB shock is a shock too: the yen up >= 3σ and >= 1.5 % (the
    # "big move" size, below the single-market 2.5 %) while a JGB yield moves
    # >= 2σ and >= 4 bp either way on the same market date. BoJ, fiscal or
    # Japan-wide news moves both at once (the 2024 hike, the 2011 quake, the
    # YCC change); a yen-only jump of that size is usually a dollar story
    # (CNY revaluation 2005-07-21, 2019-08-23) and stays under the floor.
    # 4 bp is twice a yield-curve-control tick, so a capped 10y does not confirm.
    joint_shocks: tuple[JointShock, ...] = (
        JointShock(
            ShockRule("usdjpy", -1, 1.5),
            tuple(ShockRule(t, 0, 4.0, 2.0) for t in ("jgb.10y", "jgb.20y", "jgb.30y", "jgb.40y")),
        ),
    )
    shock_floor: float = 50.0
    # Two markets under heavy stress at once: the yen squeeze already at >= 75
    # (the funding leg: USD/JPY down ~4 % in 5 days, or a fast 30-day drawdown)
    # and, on the same date, BTC down >= 2σ of its own 250 daily moves and
    # >= 5 %: risk assets sold to meet the margin calls of the unwind. The
    # confirming move is read like the joint yen–JGB shock's JGB leg (2σ, not
    # 3σ): the yen's heavy stress is the lead, and is itself rarer than a 3σ
    # day. On such a date the score is at least ``severe_floor``. Since 1998
    # this is true on 2015-08-24, 2020-03-08, 2024-08-02 and 2024-08-05 only.
    stressed_shocks: tuple[StressedShock, ...] = (
        StressedShock(ShockRule("btc", -1, 5.0, 2.0), "yen_squeeze"),
    )
    severe_floor: float = 75.0
    # Drawdowns from the 30-day high count only while the market is still moving
    # the stress way: fully at this 5-day change (yen: USD/JPY -1 %, BTC -5 %),
    # not at all once the 5-day change is >= 0. A squeeze that has stopped is
    # over even while the price is still below its month's high.
    yen_drawdown_live: float = -1.0
    btc_drawdown_live: float = -5.0
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
