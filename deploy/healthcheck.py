#!/usr/bin/env python3
"""Container/monitor health probe: exit 0 when carrywatch's /healthz answers 200.

Standard library only (the slim image has no curl). Reads the port from
CARRYWATCH_HTTP__PORT (default 8080) and an optional host from
CARRYWATCH_HEALTHCHECK_HOST (default 127.0.0.1). /healthz answers 503 until the
first snapshot exists and when the newest snapshot is too old; "degraded"
(some feeds stale) still answers 200 and passes.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("CARRYWATCH_HTTP__PORT", "8080")
    host = os.environ.get("CARRYWATCH_HEALTHCHECK_HOST", "127.0.0.1")
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as resp:
            body = json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        print(f"unhealthy: {url} answered {exc.code}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"unhealthy: {url}: {exc}", file=sys.stderr)
        return 1
    stale = body.get("stale_feeds") or []
    print(f"{body.get('status', 'ok')}; stale feeds: {', '.join(stale) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
