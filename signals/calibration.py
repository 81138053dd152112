"""The engine against two public rules on well-known yen/JGB shocks and calm years.

Pure: takes the scored history and the panel it was scored from, returns rows.
``python -m bot.history.episode_table`` prints the table in
``docs/methodology.md`` from the real files; ``tests/signals/test_episodes.py``
checks its key claims. Nothing here is fitted: the episode windows are the
well-known dates, the "first big move" and both public rules are computed
from the raw USD/JPY and JGB series, independently of the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from signals.engine import ScoredHistory
from signals.levels import Level, level_for


@dataclass(frozen=True, slots=True)
class Episode:
    name: str
    start: str  # window, inclusive, YYYY-MM-DD
    end: str


EPISODES: tuple[Episode, ...] = (
    Episode("Oct 1998 LTCM yen surge", "1998-10-01", "1998-10-20"),
    Episode("Jun–Sep 2003 JGB VaR shock", "2003-06-12", "2003-09-10"),
    Episode("Aug 2007 carry unwind", "2007-08-01", "2007-08-31"),
    Episode("Oct 2008 GFC yen surge", "2008-10-01", "2008-10-31"),
    Episode("Mar 2011 Tohoku quake", "2011-03-11", "2011-03-25"),
    Episode("Apr–May 2013 QQE / JGB tantrum", "2013-04-04", "2013-05-31"),
    Episode("Jan–Feb 2016 NIRP and yen surge", "2016-01-29", "2016-02-15"),
    Episode("Jun 2016 Brexit vote", "2016-06-23", "2016-07-08"),
    Episode("Mar 2020 Covid", "2020-03-01", "2020-03-31"),
    Episode("Dec 2022 YCC band widened", "2022-12-15", "2022-12-30"),
    Episode("Jul–Aug 2024 BoJ hike / unwind", "2024-07-25", "2024-08-09"),
    Episode("Apr 2025 tariff shock", "2025-04-01", "2025-04-15"),
    Episode("May 2025 super-long sell-off", "2025-05-12", "2025-05-30"),
)
"""Well-known yen/JGB shocks, 1998–2025, with the window each is judged over."""

CALM_YEARS: tuple[int, ...] = (2005, 2006, 2012, 2014, 2017, 2019, 2021)
"""Years without a yen/JGB shock (2007 is not one: it holds Aug 2007)."""

BIG_YEN_MOVE_PCT = -1.5  # USD/JPY down this much in a day
BIG_JGB_MOVE_BP = 10.0  # any of 10y/20y/30y/40y this much either way in a day
JGB_TENORS = ("jgb.10y", "jgb.20y", "jgb.30y", "jgb.40y")


@dataclass(frozen=True, slots=True)
class Signal:
    """When one signal first said "alert" in an episode (None: never)."""

    first: dt.date | None
    lag: int | None  # trading days after the first big move (negative: before it)


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    episode: Episode
    first_move: dt.date | None
    engine: Signal
    peak_score: float
    peak_date: dt.date
    peak_level: Level
    rule_1d: Signal  # USD/JPY -2 % in a day
    rule_5d: Signal  # USD/JPY -1 % in a week (5 trading days)


@dataclass(frozen=True, slots=True)
class CalmCount:
    year: int
    days: int
    engine: int  # days at high or above
    rule_1d: int
    rule_5d: int


def _daily_pct(s: pd.Series, n: int) -> pd.Series:
    obs = s.dropna()
    return (obs / obs.shift(n) - 1.0) * 100.0


def rule_days(panel: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Boolean series (USD/JPY trading days): "-2 % in a day" and "-1 % in a week"."""
    fx = panel["usdjpy"]
    return _daily_pct(fx, 1) <= -2.0, _daily_pct(fx, 5) <= -1.0


def big_move_days(panel: pd.DataFrame) -> pd.DatetimeIndex:
    """Days of a big one-day move: the yen up 1.5 %, or a JGB yield 10 bp either way."""
    days = set(_daily_pct(panel["usdjpy"], 1).pipe(lambda s: s[s <= BIG_YEN_MOVE_PCT]).index)
    for tenor in JGB_TENORS:
        if tenor in panel:
            moves = panel[tenor].dropna().diff() * 100.0
            days |= set(moves[moves.abs() >= BIG_JGB_MOVE_BP].index)
    return pd.DatetimeIndex(sorted(days))


def _signal(
    fired: pd.DatetimeIndex, first_move: pd.Timestamp | None, trading: pd.DatetimeIndex
) -> Signal:
    if not len(fired):
        return Signal(None, None)
    first = fired[0]
    if first_move is None:
        return Signal(first.date(), None)
    a, b = trading.searchsorted(first_move), trading.searchsorted(first)
    return Signal(first.date(), int(b - a))


def episode_rows(history: ScoredHistory, panel: pd.DataFrame) -> list[EpisodeRow]:
    """One row per episode in :data:`EPISODES`; ``panel`` is what ``history`` scored."""
    index = pd.DatetimeIndex(history.dates)
    score = pd.Series(history.score, index=index)
    high = score >= 50.0
    one_day, one_week = rule_days(panel)
    big = big_move_days(panel)
    columns = ["usdjpy", *[t for t in JGB_TENORS if t in panel]]
    trading = pd.DatetimeIndex(panel[columns].dropna(how="all").index)
    rows = []
    for ep in EPISODES:
        lo, hi = pd.Timestamp(ep.start), pd.Timestamp(ep.end)
        moves = big[(big >= lo) & (big <= hi)]
        first_move = moves[0] if len(moves) else None

        def fired(
            flags: pd.Series, lo: pd.Timestamp = lo, hi: pd.Timestamp = hi
        ) -> pd.DatetimeIndex:
            window = flags.loc[lo:hi]
            return pd.DatetimeIndex(window[window].index)

        window_score = score.loc[lo:hi]
        peak = pd.Timestamp(window_score.idxmax())  # type: ignore[arg-type]
        peak_value = float(window_score.max())
        rows.append(
            EpisodeRow(
                ep,
                first_move.date() if first_move is not None else None,
                _signal(fired(high), first_move, trading),
                peak_value,
                peak.date(),
                level_for(peak_value),
                _signal(fired(one_day), first_move, trading),
                _signal(fired(one_week), first_move, trading),
            )
        )
    return rows


def calm_counts(history: ScoredHistory, panel: pd.DataFrame) -> list[CalmCount]:
    """False-alarm days per calm year: engine at high+, and each public rule firing."""
    score = pd.Series(history.score, index=pd.DatetimeIndex(history.dates))
    one_day, one_week = rule_days(panel)
    out = []
    for year in CALM_YEARS:
        y = str(year)
        s = score.loc[y]
        out.append(
            CalmCount(
                year,
                int(s.notna().sum()),
                int((s >= 50.0).sum()),
                int(one_day.loc[y].sum()),
                int(one_week.loc[y].sum()),
            )
        )
    return out


def _fmt_signal(s: Signal) -> str:
    if s.first is None:
        return "—"
    lag = "" if s.lag is None else f" ({s.lag:+d})"
    return f"{s.first.isoformat()}{lag}"


def markdown(rows: list[EpisodeRow], calm: list[CalmCount]) -> str:
    """The two tables of docs/methodology.md, as Markdown."""
    head = (
        "| episode | first big move | engine first `high` | engine peak | "
        "USD/JPY −2 % in a day | USD/JPY −1 % in a week |\n|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in rows:
        move = r.first_move.isoformat() if r.first_move else "—"
        peak = f"{r.peak_score:.1f} {r.peak_level.label} {r.peak_date.isoformat()}"
        lines.append(
            f"| {r.episode.name} | {move} | {_fmt_signal(r.engine)} | {peak} | "
            f"{_fmt_signal(r.rule_1d)} | {_fmt_signal(r.rule_5d)} |"
        )

    def caught(pick: Callable[[EpisodeRow], Signal]) -> int:
        return sum(pick(r).first is not None for r in rows)

    def on_day(pick: Callable[[EpisodeRow], Signal]) -> int:
        return sum((lag := pick(r).lag) is not None and lag <= 0 for r in rows)

    lines.append(
        f"| **caught / on the day of the first move or before** | | "
        f"{caught(lambda r: r.engine)} / {on_day(lambda r: r.engine)} | | "
        f"{caught(lambda r: r.rule_1d)} / {on_day(lambda r: r.rule_1d)} | "
        f"{caught(lambda r: r.rule_5d)} / {on_day(lambda r: r.rule_5d)} |"
    )
    lines += [
        "",
        "| calm year | days | engine `high`+ days | −2 % in a day | −1 % in a week |",
        "|---|---|---|---|---|",
    ]
    for c in calm:
        lines.append(f"| {c.year} | {c.days} | {c.engine} | {c.rule_1d} | {c.rule_5d} |")
    total = (
        sum(c.engine for c in calm),
        sum(c.rule_1d for c in calm),
        sum(c.rule_5d for c in calm),
    )
    lines.append(
        f"| **all** | {sum(c.days for c in calm)} | {total[0]} | {total[1]} | {total[2]} |"
    )
    return "\n".join(lines)


def day_table(history: ScoredHistory, start: str, end: str) -> str:
    """Every day of ``[start, end]``: score, level and each component's score, as Markdown."""
    index = pd.DatetimeIndex(history.dates)
    names = list(history.components)
    lines = [
        "| date | score | level | " + " | ".join(names) + " |",
        "|---|---|---|" + "---|" * len(names),
    ]
    for i in np.flatnonzero((index >= pd.Timestamp(start)) & (index <= pd.Timestamp(end))):
        level = history.level(int(i))
        parts = [
            "—" if np.isnan(history.components[n][i]) else f"{history.components[n][i]:.0f}"
            for n in names
        ]
        score = "—" if np.isnan(history.score[i]) else f"{history.score[i]:.1f}"
        label = level.label if level is not None else "no data"
        lines.append(
            f"| {history.date(int(i))} | {score} | **{label}** | " + " | ".join(parts) + " |"
        )
    return "\n".join(lines)
