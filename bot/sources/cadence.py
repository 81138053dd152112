"""When each series is expected to have a new value, and when it is stale.

A series is *stale* when the newest market date we hold is older than the
newest market date its publisher should have released ``max_age`` ago. Asking
"which date should exist by now?" (rather than "how old is the value?") keeps
weekends and holidays from raising false alarms: a Friday JGB close is fresh on
Sunday, a missing Tuesday close is stale on Tuesday evening.

Calendars (checked against the real history files, see the tests):

* Tokyo (JGB): weekdays that are not ``holidays.Japan`` ("JP") days and not the bank
  holidays 31 Dec, 2 Jan, 3 Jan. Matches every MOF date 2010–2026 exactly.
* US (Treasury yields): weekdays outside the union of US federal and NYSE
  holidays. The bond-market (SIFMA) calendar is not in ``holidays``; the union
  never expects a day that FRED DGS10 lacks (2010–2026), at the cost of
  skipping ~1 real trading day a year (Good Friday, some early closes).
* ECB/TARGET (USD/JPY reference rate): ``holidays.financial_holidays("ECB")``.
* Every day (BTC, UTC days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
FRANKFURT = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


# ``holidays`` is imported where a calendar is first asked for: importing it costs
# ~40 ms (its version check reads package metadata), and ``backtest`` and most
# commands import this module through the quality gate without asking for one.


@cache
def _japan(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("JP", years=year))


@cache
def _us(year: int) -> frozenset[dt.date]:
    import holidays

    federal = holidays.country_holidays("US", years=year)
    nyse = holidays.financial_holidays("NYSE", years=year)
    return frozenset(federal) | frozenset(nyse)


@cache
def _target(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.financial_holidays("ECB", years=year))


def is_tokyo_business_day(day: dt.date) -> bool:
    """True when Tokyo markets (and MOF) publish: not a weekend, national or bank holiday."""
    if day.weekday() >= 5 or day in _japan(day.year):
        return False
    return (day.month, day.day) not in ((12, 31), (1, 2), (1, 3))


def is_us_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _us(day.year)


def is_target_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _target(day.year)


def every_day(day: dt.date) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Cadence:
    """A publisher's calendar: market days, their time zone, and when a day's value is out."""

    name: str
    tz: ZoneInfo | dt.timezone
    ready_at: dt.time  # local time by which the day's value is normally published
    is_market_day: Callable[[dt.date], bool]
    lag_days: int = 0  # 1 when day D's value exists only once D is over (UTC candles)

    def latest_expected(self, now: dt.datetime) -> dt.date:
        """The newest market date whose value should be published by ``now`` (aware)."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        local = now.astimezone(self.tz)
        day = local.date() - dt.timedelta(days=self.lag_days)
        if local.time() < self.ready_at:
            day -= dt.timedelta(days=1)
        while not self.is_market_day(day):
            day -= dt.timedelta(days=1)
        return day


TOKYO_BUSINESS = Cadence("tokyo-business-days", TOKYO, dt.time(16, 45), is_tokyo_business_day)
US_BUSINESS = Cadence("us-business-days", NEW_YORK, dt.time(18, 0), is_us_business_day)
TARGET_BUSINESS = Cadence(
    "target-business-days", FRANKFURT, dt.time(16, 30), is_target_business_day
)
DAILY_UTC = Cadence("every-day-utc", UTC, dt.time(0, 0), every_day, lag_days=1)


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    """How often a series should update and how late it may be before it is stale."""

    series: str
    cadence: Cadence
    max_age: dt.timedelta  # publication lateness tolerated past ``ready_at``

    def is_stale(self, last_date: dt.date | None, now: dt.datetime) -> bool:
        if last_date is None:
            return True
        return last_date < self.cadence.latest_expected(now - self.max_age)


def spec_for(series: str) -> SeriesSpec:
    """The cadence of a series by name (``jgb.*``, ``ust.*``, ``usdjpy``, ``btc``)."""
    if series.startswith("jgb."):
        # MOF's 16:45 poll has a 19:00 catch-up; later than ~22:45 JST is a real gap.
        return SeriesSpec(series, TOKYO_BUSINESS, dt.timedelta(hours=6))
    if series.startswith("ust."):
        return SeriesSpec(series, US_BUSINESS, dt.timedelta(hours=6))
    if series == "usdjpy":
        return SeriesSpec(series, TARGET_BUSINESS, dt.timedelta(hours=6))
    if series == "btc":
        return SeriesSpec(series, DAILY_UTC, dt.timedelta(hours=2))
    raise KeyError(f"no cadence known for series {series!r}")


@dataclass(frozen=True, slots=True)
class PollSchedule:
    """Wall-clock poll times for a publisher that releases once a day.

    Data, not a scheduler: ``cron_kwargs()`` gives one APScheduler ``CronTrigger``
    keyword set per time. Cron knows weekdays, not holidays; the job should also
    check the cadence's ``is_market_day`` before fetching.
    """

    timezone: str
    day_of_week: str
    times: tuple[dt.time, ...]

    def cron_kwargs(self) -> list[dict[str, str | int]]:
        return [
            {
                "day_of_week": self.day_of_week,
                "hour": t.hour,
                "minute": t.minute,
                "timezone": self.timezone,
            }
            for t in self.times
        ]
