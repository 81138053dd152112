"""Which providers to poll and when: a JST cron after MOF publishes, intervals for markets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.settings import Settings
from bot.sources.base import Source
from bot.sources.cadence import PollSchedule
from bot.sources.coinbase import CoinbaseSource
from bot.sources.coinbase_rates import CoinbaseRatesSource
from bot.sources.frankfurter import FrankfurterSource
from bot.sources.kraken import KrakenSource
from bot.sources.mof import MOF_SCHEDULE, MofSource
from bot.sources.treasury import TreasurySource

# The Treasury posts par yields late afternoon New York time; poll twice after.
TREASURY_SCHEDULE = PollSchedule(
    timezone="America/New_York", day_of_week="mon-fri", times=(dt.time(18, 15), dt.time(20, 30))
)


@dataclass(frozen=True)
class PollJob:
    job_id: str
    source: Source
    trigger: BaseTrigger


def _cron(schedule: PollSchedule) -> BaseTrigger:
    triggers = [CronTrigger(**kw, jitter=60) for kw in schedule.cron_kwargs()]
    return triggers[0] if len(triggers) == 1 else OrTrigger(triggers)


def _market() -> BaseTrigger:
    """Every 5 minutes: venues that trade all day (each job its own trigger)."""
    return IntervalTrigger(minutes=5, jitter=20)


def build_jobs(settings: Settings) -> list[PollJob]:
    """One job per enabled provider (and per Kraken pair)."""
    src = settings.sources
    jobs: list[PollJob] = []

    def on(name: str) -> bool:
        return name in src and src[name].enabled

    if on("mof"):
        jobs.append(
            PollJob(
                "mof", MofSource(src["mof"].url, timeout=src["mof"].timeout), _cron(MOF_SCHEDULE)
            )
        )
    if on("treasury"):
        s = src["treasury"]
        jobs.append(
            PollJob("treasury", TreasurySource(s.url, timeout=s.timeout), _cron(TREASURY_SCHEDULE))
        )
    if on("frankfurter"):
        s = src["frankfurter"]
        ecb = IntervalTrigger(minutes=30, jitter=60)
        jobs.append(PollJob("frankfurter", FrankfurterSource(s.url, timeout=s.timeout), ecb))
    if on("kraken"):
        s = src["kraken"]
        for pair, job_id in (("XBTUSD", "kraken-btc"), ("USDJPY", "kraken-usdjpy")):
            kraken = KrakenSource(s.url, pair=pair, timeout=s.timeout)
            jobs.append(PollJob(job_id, kraken, _market()))
    if on("coinbase"):
        s = src["coinbase"]
        jobs.append(PollJob("coinbase", CoinbaseSource(s.url, timeout=s.timeout), _market()))
    if on("coinbase_rates"):  # USD/JPY's second intraday venue, beside Kraken's
        s = src["coinbase_rates"]
        rates = CoinbaseRatesSource(s.url, timeout=s.timeout)
        jobs.append(PollJob("coinbase-rates", rates, _market()))
    return jobs
