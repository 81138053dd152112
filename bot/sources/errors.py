"""Why fetching or reading a provider failed.

Exception tree::

    Exception
     └── SourceError                 .source (provider name)
          ├── SourceFormatError      the body is not what the provider promises:
          │                          HTML with 200, empty, truncated, NaN/inf, bad
          │                          JSON, an error envelope ({"error":["EGeneral:..."]})
          │                          .problem (a FormatProblem)
          ├── SourceUnavailable      network error, timeout, 5xx or 429 still failing
          │    │                     after the retries; .status, .attempts, .retry_after
          │    └── SourceRejected    a 4xx answer: our request is wrong (bad path or
          │                          pair, gone), so it is never retried
          └── CircuitOpen            the provider's breaker is open; no request made
                                     .retry_at (monotonic seconds when it half-opens)

A format error is never retried (the same bytes would come back) and must never
become a market move; the quality gate turns each of these into a data-quality
event instead.
"""

from __future__ import annotations

from enum import StrEnum


class FormatProblem(StrEnum):
    """What was wrong with a body; values double as quality-event kinds."""

    HTML_BODY = "html_body"
    EMPTY = "empty"
    TRUNCATED = "truncated"
    BAD_VALUE = "bad_value"
    MALFORMED = "malformed"  # bad JSON, missing fields, error envelope, wrong pair/base


class SourceError(Exception):
    """Base of everything a source raises; ``source`` names the provider."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class SourceFormatError(SourceError):
    """The provider answered, but the body is not a valid market-data body."""

    def __init__(self, source: str, problem: FormatProblem, message: str) -> None:
        super().__init__(source, f"{problem.value}: {message}")
        self.problem = problem


class SourceUnavailable(SourceError):
    """No usable answer after the retries (connection, timeout, 5xx, 429)."""

    def __init__(
        self,
        source: str,
        message: str,
        *,
        status: int | None = None,
        attempts: int = 1,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(source, message)
        self.status = status
        self.attempts = attempts
        self.retry_after = retry_after


class SourceRejected(SourceUnavailable):
    """A 4xx (other than 429): retrying the same request cannot help."""


class CircuitOpen(SourceError):
    """The provider failed too often lately; calls are refused until ``retry_at``."""

    def __init__(self, source: str, retry_at: float) -> None:
        super().__init__(source, "circuit open: too many consecutive failures")
        self.retry_at = retry_at
