"""One shared HTTP client for every provider: timeouts, retries, conditional GET.

``HttpFetcher`` owns a single ``aiohttp.ClientSession`` (``start``/``stop`` or
``async with``). Each ``get``:

* is cut after ``timeout`` seconds in total, connect to last body byte, so a
  server that trickles bytes (slow drip) cannot hold a poller forever;
* retries only transient failures — connection errors, timeouts, 5xx, 429 —
  with jittered exponential backoff (tenacity), honouring ``Retry-After`` up to
  ``RetryPolicy.max_retry_after`` (a longer wait is returned to the caller as
  ``SourceUnavailable.retry_after`` rather than slept through); a 4xx is never
  retried (``SourceRejected``);
* sends ``If-None-Match``/``If-Modified-Since`` remembered for that URL; a 304
  comes back as ``not_modified=True`` with an empty body. A 200's validators
  are only remembered when the caller says the body is safely stored
  (``remember``), so a body that was rejected, or lost to a database error
  before it was stored, is fetched again instead of answered "not modified";
* refuses bodies larger than ``max_body`` bytes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import aiohttp
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_random_exponential

from bot.lifecycle import Lifecycle
from bot.sources.errors import FormatProblem, SourceFormatError, SourceRejected, SourceUnavailable

USER_AGENT = "carrywatch/0.1 (yen-carry-unwind alerts; aiohttp)"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3  # total tries, first included
    backoff_initial: float = 0.5  # seconds; doubles per try, full jitter
    backoff_max: float = 20.0
    max_retry_after: float = 60.0  # longest Retry-After slept inside one get()


@dataclass(frozen=True, slots=True)
class HttpResponse:
    url: str
    status: int
    body: bytes
    not_modified: bool
    etag: str | None
    last_modified: str | None
    content_type: str
    attempts: int


class _Transient(Exception):
    """A failure worth another try; converted to SourceUnavailable when tries run out."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class HttpFetcher(Lifecycle):
    """Shared HTTP GET for all sources; see the module docstring for the rules."""

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        retry: RetryPolicy | None = None,
        max_body: int = 32 * 1024 * 1024,
        user_agent: str = USER_AGENT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.max_body = max_body
        self._user_agent = user_agent
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None
        self._validators: dict[str, tuple[str | None, str | None]] = {}

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(headers={"User-Agent": self._user_agent})

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) remembered for ``url`` from its last 200."""
        return self._validators.get(url, (None, None))

    def remember(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Send these validators with the next GET of ``url`` (its body is stored)."""
        if etag or last_modified:
            self._validators[url] = (etag, last_modified)

    def forget(self, url: str) -> None:
        self._validators.pop(url, None)

    async def get(
        self,
        url: str,
        *,
        source: str,
        attempt_timeout: float | None = None,
        conditional: bool = True,
        params: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """GET ``url`` under the retry rules; raise a ``SourceError`` subclass on failure.

        ``attempt_timeout`` bounds each try (default ``self.timeout``), not the retries.
        """
        if self._session is None:
            raise RuntimeError("HttpFetcher.start() was not called")
        policy = self.retry
        attempts = 0

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Transient) and exc.retry_after is not None:
                return exc.retry_after
            backoff = wait_random_exponential(
                multiplier=policy.backoff_initial, max=policy.backoff_max
            )
            return float(backoff(state))

        def retryable(exc: BaseException) -> bool:
            return isinstance(exc, _Transient) and (
                exc.retry_after is None or exc.retry_after <= policy.max_retry_after
            )

        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.attempts),
            wait=wait,
            retry=retry_if_exception(retryable),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    return await self._once(
                        url, source, attempt_timeout, conditional, params, attempts
                    )
        except _Transient as exc:
            raise SourceUnavailable(
                source,
                f"{url}: {exc} (after {attempts} attempt{'s' if attempts > 1 else ''})",
                status=exc.status,
                attempts=attempts,
                retry_after=exc.retry_after,
            ) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")

    async def _once(
        self,
        url: str,
        source: str,
        attempt_timeout: float | None,
        conditional: bool,
        params: Mapping[str, str] | None,
        attempts: int,
    ) -> HttpResponse:
        assert self._session is not None
        limit = self.timeout if attempt_timeout is None else attempt_timeout
        headers: dict[str, str] = {}
        if conditional:
            etag, modified = self.validators(url)
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        try:
            async with (
                asyncio.timeout(limit),
                self._session.get(
                    url,
                    headers=headers,
                    params=params,
                    timeout=aiohttp.ClientTimeout(total=limit),
                ) as resp,
            ):
                status = resp.status
                if status == 429 or status >= 500:
                    retry_after = parse_retry_after(
                        resp.headers.get("Retry-After"), dt.datetime.now(dt.UTC)
                    )
                    raise _Transient(f"HTTP {status}", status, retry_after)
                if status == 304:
                    etag, modified = self.validators(url)
                    return HttpResponse(url, 304, b"", True, etag, modified, "", attempts)
                if not 200 <= status < 300:
                    raise SourceRejected(source, f"{url}: HTTP {status}", status=status)
                body = await self._read(resp, source, url)
        except TimeoutError as exc:
            raise _Transient(f"timed out after {limit:g}s") from exc
        except aiohttp.ClientError as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        etag = resp.headers.get("ETag")
        modified = resp.headers.get("Last-Modified")
        return HttpResponse(url, status, body, False, etag, modified, resp.content_type, attempts)

    async def _read(self, resp: aiohttp.ClientResponse, source: str, url: str) -> bytes:
        declared = resp.content_length
        if declared is not None and declared > self.max_body:
            raise SourceFormatError(
                source, FormatProblem.MALFORMED, f"{url}: body of {declared} bytes is too large"
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > self.max_body:
                raise SourceFormatError(
                    source, FormatProblem.MALFORMED, f"{url}: body exceeds {self.max_body} bytes"
                )
            chunks.append(chunk)
        return b"".join(chunks)
