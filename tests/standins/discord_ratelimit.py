"""Per-route rate-limit buckets, the global limit and injected failures.

Discord keys a bucket by route template plus its "major" parameter (channel,
guild or webhook id) and reports it in `X-RateLimit-*` headers; a 429 carries
`{"message": "You are being rate limited.", "retry_after": s, "global": b}`, a
`Retry-After` header and a `Via` header (discord.py treats a 429 without
`Via` as a Cloudflare ban and does not retry). `time_scale` shrinks every
window so a 5-per-5 s bucket can be exhausted and refilled in a fast test.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field

MESSAGE_ROUTE = "POST /channels/{channel_id}/messages"


@dataclass(frozen=True)
class BucketRule:
    limit: int
    per: float  # seconds, before time_scale


# Only the documented-in-practice channel limit; pass `rate_limits=` for others.
DEFAULT_RULES: dict[str, BucketRule] = {MESSAGE_ROUTE: BucketRule(5, 5.0)}
DEFAULT_RULE = BucketRule(50, 1.0)


@dataclass
class _Window:
    remaining: int
    resets_at: float  # monotonic


@dataclass
class _Injected:
    status: int
    retry_after: float
    count: int
    is_global: bool


@dataclass
class Decision:
    """What the limiter says about one request: pass it, or answer with `status`."""

    status: int | None  # None: let the request through
    headers: dict[str, str] = field(default_factory=dict)
    retry_after: float = 0.0
    is_global: bool = False


class RateLimiter:
    def __init__(
        self,
        *,
        time_scale: float = 1.0,
        rules: dict[str, BucketRule] | None = None,
        default_rule: BucketRule = DEFAULT_RULE,
    ) -> None:
        self.time_scale = time_scale
        self.rules = {**DEFAULT_RULES, **(rules or {})}
        self.default_rule = default_rule
        self._windows: dict[tuple[str, str], _Window] = {}
        self._injected: dict[str, list[_Injected]] = {}
        self.global_retry_after: float | None = None

    def fail_next(
        self, target: str | int, *, status: int, retry_after: float, count: int, is_global: bool
    ) -> None:
        self._injected.setdefault(str(target), []).append(
            _Injected(status, retry_after, count, is_global)
        )

    def bucket_hash(self, route_key: str) -> str:
        return hashlib.sha1(route_key.encode()).hexdigest()[:32]

    def check(self, route_key: str, major: str, *, exempt_global: bool) -> Decision:
        injected = self._take_injected(route_key, major)
        if injected is not None:
            return self._injected_decision(route_key, injected)
        if self.global_retry_after is not None and not exempt_global:
            return _limited(self.global_retry_after, is_global=True, headers={})
        rule = self.rules.get(route_key, self.default_rule)
        per = rule.per * self.time_scale
        now = time.monotonic()
        window = self._windows.get((route_key, major))
        if window is None or now >= window.resets_at:
            window = _Window(remaining=rule.limit, resets_at=now + per)
            self._windows[(route_key, major)] = window
        reset_after = max(window.resets_at - now, 0.0)
        headers = {
            "X-RateLimit-Limit": str(rule.limit),
            "X-RateLimit-Bucket": self.bucket_hash(route_key),
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        }
        if window.remaining <= 0:
            headers["X-RateLimit-Remaining"] = "0"
            headers["X-RateLimit-Scope"] = "user"
            return _limited(reset_after, is_global=False, headers=headers)
        window.remaining -= 1
        headers["X-RateLimit-Remaining"] = str(window.remaining)
        return Decision(status=None, headers=headers)

    def _take_injected(self, route_key: str, major: str) -> _Injected | None:
        for target in (route_key, major):
            queue = self._injected.get(target)
            if not queue:
                continue
            head = queue[0]
            head.count -= 1
            if head.count <= 0:
                queue.pop(0)
            return head
        return None

    def _injected_decision(self, route_key: str, injected: _Injected) -> Decision:
        if injected.status != 429:
            return Decision(status=injected.status, retry_after=injected.retry_after)
        headers = {
            "X-RateLimit-Limit": str(self.rules.get(route_key, self.default_rule).limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Bucket": self.bucket_hash(route_key),
            "X-RateLimit-Reset-After": f"{injected.retry_after:.3f}",
            "X-RateLimit-Reset": f"{time.time() + injected.retry_after:.3f}",
            "X-RateLimit-Scope": "global" if injected.is_global else "user",
        }
        if injected.is_global:
            headers = {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}
        return _limited(injected.retry_after, is_global=injected.is_global, headers=headers)


def _limited(retry_after: float, *, is_global: bool, headers: dict[str, str]) -> Decision:
    headers = {
        **headers,
        "Retry-After": str(max(1, math.ceil(retry_after))),
        "Via": "1.1 google",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
        headers["X-RateLimit-Scope"] = "global"
    return Decision(status=429, headers=headers, retry_after=retry_after, is_global=is_global)
