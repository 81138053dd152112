"""The one interface every provider implements, and what a fetch returns.

A ``Source`` has two halves with different rules:

* ``parse(body, fetched_at)`` is pure: bytes in, observations out, or a
  ``SourceFormatError``. It is what the tests pin against recorded real bodies
  and what the fuzz test mutates. Observations come out in chronological order
  as the provider promised them (a newest-first body is reversed, never sorted),
  so a row out of place stays out of place for the quality gate to see.
* ``fetch(http, now)`` is the async edge: breaker check, one HTTP GET through
  the shared ``HttpFetcher``, parse, breaker bookkeeping. It never raises a
  ``SourceError``; failures come back in ``FetchResult.error``/``failure`` so a
  scheduler can treat every outcome alike (cancellation still propagates).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from bot.sources.breaker import CircuitBreaker
from bot.sources.cadence import SeriesSpec, spec_for
from bot.sources.errors import CircuitOpen, SourceError, SourceFormatError, SourceUnavailable
from bot.sources.http import HttpFetcher, HttpResponse
from signals.observation import Observation


class FailureKind(StrEnum):
    """Why a fetch produced no observations; values match ``QualityKind``."""

    HTML_BODY = "html_body"
    EMPTY = "empty"
    TRUNCATED = "truncated"
    BAD_VALUE = "bad_value"
    MALFORMED = "malformed"
    FETCH_FAILED = "fetch_failed"
    CIRCUIT_OPEN = "circuit_open"


def failure_kind(exc: SourceError) -> FailureKind:
    if isinstance(exc, SourceFormatError):
        return FailureKind(exc.problem.value)
    if isinstance(exc, SourceUnavailable):
        return FailureKind.FETCH_FAILED
    return FailureKind.CIRCUIT_OPEN


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one poll of one provider."""

    source: str
    fetched_at: dt.datetime
    observations: tuple[Observation, ...] = ()
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    failure: FailureKind | None = None
    url: str | None = None
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def failed(
        cls, source: str, fetched_at: dt.datetime, exc: SourceError, url: str | None = None
    ) -> FetchResult:
        attempts = exc.attempts if isinstance(exc, SourceUnavailable) else 0
        return cls(
            source,
            fetched_at,
            error=str(exc),
            failure=failure_kind(exc),
            url=url,
            attempts=attempts,
        )


class Source(ABC):
    """A data provider: a root URL, a pure parser and a fetch with a breaker.

    Subclasses set the class attributes ``name`` (the ``Settings.sources`` key)
    and ``series``; ``root`` is the configured base URL and ``timeout`` the
    per-attempt limit (``SourceSettings.timeout``; None: the fetcher's default).
    """

    name: str = ""
    series: tuple[str, ...] = ()

    def __init__(
        self, root: str, *, timeout: float | None = None, breaker: CircuitBreaker | None = None
    ) -> None:
        self.root = root.rstrip("/")
        self.timeout = timeout
        self.breaker = breaker or CircuitBreaker(self.name)

    @abstractmethod
    def url(self, now: dt.datetime) -> str:
        """The URL polled at ``now`` (UTC-aware)."""

    @abstractmethod
    def parse(self, body: bytes, fetched_at: dt.datetime) -> list[Observation]:
        """Observations in the body, chronological; raise ``SourceFormatError``."""

    def spec(self, series: str) -> SeriesSpec:
        """Cadence and staleness allowance of one of this source's series."""
        return spec_for(series)

    async def get(self, http: HttpFetcher, url: str) -> HttpResponse:
        return await http.get(url, source=self.name, attempt_timeout=self.timeout)

    async def fetch(self, http: HttpFetcher, now: dt.datetime) -> FetchResult:
        """Poll once: breaker, GET (conditional), parse. Failures are returned, not raised."""
        url = self.url(now)
        if not self.breaker.allow():
            retry_at = self.breaker.retry_at or 0.0
            return FetchResult.failed(self.name, now, CircuitOpen(self.name, retry_at), url)
        try:
            resp = await self.get(http, url)
            if resp.not_modified:
                self.breaker.record_success()
                return FetchResult(
                    self.name,
                    now,
                    not_modified=True,
                    etag=resp.etag,
                    last_modified=resp.last_modified,
                    url=url,
                    attempts=resp.attempts,
                )
            try:
                observations = self.parse(resp.body, now)
            except SourceFormatError:
                http.forget(url)  # never answer "not modified" about bytes we rejected
                raise
        except SourceError as exc:
            self.breaker.record_failure()
            return FetchResult.failed(self.name, now, exc, url)
        self.breaker.record_success()
        return FetchResult(
            self.name,
            now,
            tuple(observations),
            etag=resp.etag,
            last_modified=resp.last_modified,
            url=url,
            attempts=resp.attempts,
        )
