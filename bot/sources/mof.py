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

A body must end where the format says it ends, or it is ``truncated``: the
historical file with a line break after its last row, the current-month file
(title ``Interest Rate (<Month> <YYYY>)``) with its row of commas and its
``※`` footer. A download cut inside the last cell (``…,3.811,3`` for 3.739)
has the right field count and a number that parses, so the loader alone
cannot see it. Cells carry at most 3 decimals (MOF drops trailing zeros:
``2.69``, ``3``), so more is a bad value.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from bot.sources.base import FetchResult, Source
from bot.sources.cadence import TOKYO, PollSchedule, is_tokyo_business_day
from bot.sources.errors import FormatProblem, SourceError, SourceFormatError
from bot.sources.http import HttpFetcher
from bot.sources.parsing import (
    CSV_TYPES,
    check_content_type,
    check_decimals,
    frame_observations,
    run_loader,
)
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
        frame = run_loader(lambda b: parse_mof(b, self.name), body, self.name)
        check_complete(body, self.name)
        return frame

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
            for resp in (hist, cur):
                check_content_type(resp.content_type, self.content_types, self.name)
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


def _is_separator(line: bytes) -> bool:
    return bool(line.strip(b"\r")) and not line.strip(b" \t,\r")


def check_complete(body: bytes, source: str = "mof") -> None:
    """The body ends where MOF's format ends, and no cell has more than 3 decimals.

    Runs after the loader accepted the table (so the title, header and rows are
    known to be MOF's); see the module docstring for what "ends" means.
    """
    lines = body.split(b"\n")
    if lines[-1].strip(b" \t\r"):
        raise SourceFormatError(
            source, FormatProblem.TRUNCATED, "body stops inside its last line (no final line break)"
        )
    title_is_monthly = lines[0].lstrip(b"\xef\xbb\xbf \t").startswith(b"Interest Rate (")
    first = 1 if lines[0].lstrip(b"\xef\xbb\xbf \t").startswith(b"Interest Rate") else 0
    end = next((i for i in range(first + 1, len(lines)) if _is_separator(lines[i])), None)
    if title_is_monthly:
        tail = [ln for ln in lines[end:] if ln.strip(b" \t\r")] if end is not None else []
        if end is None or len(tail) < 2 or not tail[-1].lstrip().startswith(b'"'):
            raise SourceFormatError(
                source,
                FormatProblem.TRUNCATED,
                "current-month file without its separator row and footer (cut short?)",
            )
    rows = [ln for ln in lines[first + 1 : end] if ln.strip(b" \t\r")]
    check_decimals(rows, source, first_line=first + 2, most=3)
