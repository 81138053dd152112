"""The one interface every provider implements, and what a fetch returns.

A ``Source`` has two halves with different rules:

* ``parse(body, fetched_at)`` is pure: bytes in, observations out, or a
  ``SourceFormatError``. It is what the tests pin against recorded real bodies
  and what the fuzz test mutates. Observations come out in chronological order
  as the provider promised them (a newest-first body is reversed, never sorted),
  so a row out of place stays out of place for the quality gate to see.
* ``fetch(http, now)`` is the async edge: breaker check, one HTTP GET through
  the shared ``HttpFetcher``, content-type check, parse, breaker bookkeeping.
  It never raises a ``SourceError``; failures come back in
  ``FetchResult.error``/``failure`` so a scheduler can treat every outcome
  alike. A parser bug (any other exception) is reported as a malformed body,
  never raised, and whatever ends a fetch, even cancellation, settles the
  breaker's half-open probe, so a provider is never refused until restart.

Conditional GET: a 200's new ``ETag``/``Last-Modified`` are NOT remembered by
the fetch. The result carries them and the pipeline calls
``FetchResult.stored()`` once its observations are committed; a database
error in between leaves the old validators, so the next poll gets the body
again instead of a 304 about data that was never stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.sources.breaker import CircuitBreaker
from bot.sources.cadence import SeriesSpec, spec_for
from bot.sources.errors import (
    CircuitOpen,
    FormatProblem,
    SourceError,
    SourceFormatError,
    SourceUnavailable,
)
from bot.sources.parsing import JSON_TYPES, check_content_type
from signals.observation import Observation

if TYPE_CHECKING:  # annotations only: the history loader imports this module without aiohttp
    from bot.sources.http import HttpFetcher, HttpResponse

log = logging.getLogger(__name__)


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
    on_stored: Callable[[], None] | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def stored(self) -> None:
        """The result's observations are committed: advance the conditional-GET validators."""
        if self.on_stored is not None:
            self.on_stored()

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
    content_types: frozenset[str] = JSON_TYPES

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
        settled = False
        try:
            try:
                resp = await self.get(http, url)
                if resp.not_modified:
                    self.breaker.record_success()
                    settled = True
                    return FetchResult(
                        self.name,
                        now,
                        not_modified=True,
                        etag=resp.etag,
                        last_modified=resp.last_modified,
                        url=url,
                        attempts=resp.attempts,
                    )
                check_content_type(resp.content_type, self.content_types, self.name)
                observations = self.safe_parse(resp.body, now)
            except SourceError as exc:
                if isinstance(exc, SourceFormatError):
                    http.forget(url)  # never a 304 about bytes we rejected: refetch in full
                self.breaker.record_failure()
                settled = True
                return FetchResult.failed(self.name, now, exc, url)
            self.breaker.record_success()
            settled = True
        finally:
            if not settled:  # cancelled or a bug in the fetcher: never leave a probe open
                self.breaker.release()
        remember = None
        if resp.etag or resp.last_modified:

            def remember() -> None:
                http.remember(url, resp.etag, resp.last_modified)

        return FetchResult(
            self.name,
            now,
            tuple(observations),
            etag=resp.etag,
            last_modified=resp.last_modified,
            url=url,
            attempts=resp.attempts,
            on_stored=remember,
        )

    def safe_parse(self, body: bytes, fetched_at: dt.datetime) -> list[Observation]:
        """``parse``, with any exception other than a format error reported as one.

        The parsers are fuzzed to raise only ``SourceFormatError``; this is the
        net under that promise, so a parser bug costs a quality event, not a
        crashed poll or a stuck breaker.
        """
        try:
            return self.parse(body, fetched_at)
        except SourceFormatError:
            raise
        except Exception as exc:
            log.error("%s parser bug on a %d-byte body", self.name, len(body), exc_info=True)
            detail = f"parser failed: {type(exc).__name__}: {str(exc)[:120]}"
            raise SourceFormatError(self.name, FormatProblem.MALFORMED, detail) from exc
