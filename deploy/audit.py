"""``make audit``: pip-audit over the lock file, or one plain line when it cannot run.

pip-audit needs an advisory source on the internet: PyPI's per-release JSON
(``--service pypi``, the default) or OSV (``--service osv``). This first asks
the source one small question; when that fails it prints one line saying the
lock was NOT checked and exits 3, so that nobody reads silence as a clean
audit. Otherwise it runs pip-audit on the fully pinned, hashed lock without
installing anything, and reads its JSON report: exit 0 when every package was
checked and none has a known vulnerability, 1 when some have (one line each),
3 when the source did not answer for some packages (a registry mirror that
serves installs but not advisories: pip-audit alone would call that clean).

Usage: python deploy/audit.py [--service pypi|osv] [--timeout S] LOCKFILE
(run by ``make audit`` from the tools venv, where pip-audit is installed).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

UNREACHABLE = 3
# One small request per source, the same host pip-audit asks.
PROBES = {
    # the per-release document, where PyPI puts a release's advisories
    "pypi": ("https://pypi.org/pypi/pip/23.2.1/json", None),
    "osv": (
        "https://api.osv.dev/v1/query",
        json.dumps({"package": {"name": "pip", "ecosystem": "PyPI"}, "version": "23.2.1"}),
    ),
}


def probe(service: str, timeout: float) -> str | None:
    """None when the advisory source answers, else why not (one short phrase)."""
    url, body = PROBES[service]
    data = body.encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} from {url}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"{url}: {reason}"
    except ValueError:
        return f"{url} answered something that is not JSON"
    if service == "pypi" and "vulnerabilities" not in answer:
        return f"{url} carries no advisories"
    return None


def report(path: Path, lock: Path) -> int:
    """Read pip-audit's JSON report: one line per finding, and the exit status."""
    deps = json.loads(path.read_text())["dependencies"]
    skipped = [d for d in deps if d.get("skip_reason")]
    found = [(d, v) for d in deps for v in d.get("vulns", [])]
    for dep, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
        print(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    if found:
        print(f"audit: {len(found)} known vulnerabilities in {lock}", file=sys.stderr)
        return 1
    if skipped:
        names = ", ".join(d["name"] for d in skipped[:5]) + (" …" if len(skipped) > 5 else "")
        print(
            f"audit: NOT RUN: the advisory source did not answer for {len(skipped)} of "
            f"{len(deps)} packages ({names}); {lock} was not checked (exit {UNREACHABLE})",
            file=sys.stderr,
        )
        return UNREACHABLE
    print(f"audit: {len(deps)} packages in {lock}, no known vulnerability")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--service", choices=sorted(PROBES), default="pypi")
    parser.add_argument("--timeout", type=float, default=15.0)
    args = parser.parse_args(argv)
    if not args.lock.is_file():
        print(f"audit: {args.lock} does not exist (run `make lock`)", file=sys.stderr)
        return 2
    why = probe(args.service, args.timeout)
    if why is not None:
        print(
            f"audit: NOT RUN: the {args.service} advisory source is unreachable from this machine "
            f"({why}); {args.lock} was not checked (exit {UNREACHABLE})",
            file=sys.stderr,
        )
        return UNREACHABLE
    tool = shutil.which("pip-audit", path=str(Path(sys.executable).parent)) or "pip-audit"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        code = subprocess.call([*_command(tool, args), "--format", "json", "--output", str(out)])
        if not out.exists():
            print(f"audit: pip-audit failed (exit {code}) before reporting", file=sys.stderr)
            return code or 2
        return report(out, args.lock)


def _command(tool: str, args: argparse.Namespace) -> list[str]:
    return [
        tool,
        "--requirement",
        str(args.lock),
        "--require-hashes",
        "--disable-pip",  # the lock pins everything: nothing to resolve or install
        "--vulnerability-service",
        args.service,
        "--progress-spinner",
        "off",
        "--timeout",
        str(int(args.timeout)),
    ]


if __name__ == "__main__":
    sys.exit(main())
