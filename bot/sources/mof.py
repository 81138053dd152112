"""Japan Ministry of Finance JGB par yields (``jgb.1y`` … ``jgb.40y``).

Two files under the configured root
(``https://www.mof.go.jp/english/policy/jgbs/reference/interest_rate``):
``jgbcme.csv`` (the current month so far, with a Shift-JIS footer) and
``historical/jgbcme_all.csv`` (1974-09-24 to the previous month end). Both
are parsed by the history loader (``signals.loaders.mof.parse_mof``) and joined
with ``stitch_mof``; this module only adds the network edge and the schedule.

MOF posts the day's yields in the late afternoon Tokyo time. ``MOF_SCHEDULE``
polls at 16:45 JST on weekdays with a 19:00 catch-up; the job should skip days
where ``is_tokyo_business_day`` is false. Dates are Tokyo market dates.
Negative yields (2016–2020) are real values.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bot.sources.base import FetchResult, Source
from bot.sources.cadence import TOKYO, PollSchedule, is_tokyo_business_day
from bot.sources.errors import SourceError
from bot.sources.http import HttpFetcher
from bot.sources.parsing import CSV_TYPES, frame_observations, run_loader
from signals.loaders.mof import SERIES, parse_mof, stitch_mof
from signals.observation import Observation

__all__ = ["MOF_SCHEDULE", "MofSource", "is_tokyo_business_day"]

MOF_SCHEDULE = PollSchedule(
    timezone="Asia/Tokyo", day_of_week="mon-fri", times=(dt.time(16, 45), dt.time(19, 0))
)
CURRENT_FILE = "jgbcme.csv"
HISTORICAL_FILE = "historical/jgbcme_all.csv"


class MofSource(Source):
    """JGB yields from MOF: ``fetch`` polls the current month, ``fetch_all`` backfills."""

    name = "mof"
    content_types = CSV_TYPES
    series = SERIES

    def url(self, now: dt.datetime) -> str:
        return f"{self.root}/{CURRENT_FILE}"

    def historical_url(self) -> str:
        return f"{self.root}/{HISTORICAL_FILE}"

    def should_poll(self, now: dt.datetime) -> bool:
        """Is today (Tokyo) a day MOF publishes? Cron alone cannot know holidays."""
        return is_tokyo_business_day(now.astimezone(TOKYO).date())

    def parse(self, body: bytes, fetched_at: dt.datetime) -> list[Observation]:
        return frame_observations(self.frame(body), self.name, fetched_at)

    def frame(self, body: bytes) -> pd.DataFrame:
        return run_loader(lambda b: parse_mof(b, self.name), body, self.name)

    async def fetch_all(self, http: HttpFetcher, now: dt.datetime) -> FetchResult:
        """Historical file + current month, stitched (unconditional GETs).

        For a first start or a catch-up after downtime longer than the current
        month. Roughly 200,000 observations: hand them to a bulk upsert.
        """
        url = self.historical_url()
        try:
            hist = await http.get(
                url, source=self.name, attempt_timeout=self.timeout, conditional=False
            )
            cur = await http.get(
                self.url(now), source=self.name, attempt_timeout=self.timeout, conditional=False
            )
            frame = stitch_mof(self.frame(hist.body), self.frame(cur.body))
        except SourceError as exc:
            self.breaker.record_failure()
            return FetchResult.failed(self.name, now, exc, url)
        self.breaker.record_success()
        return FetchResult(
            self.name,
            now,
            tuple(frame_observations(frame, self.name, now)),
            url=url,
            attempts=hist.attempts + cur.attempts,
        )
