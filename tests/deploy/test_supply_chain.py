"""The lock files pin every dependency with hashes, and ``make audit`` never passes silently.

``requirements.lock`` (dev) and ``requirements-runtime.lock`` (the Docker
image) are compiled from pyproject.toml by ``make lock``; a dependency added
to pyproject.toml without re-locking would be missing from every venv the
Makefile builds, so these tests name it. ``deploy/audit.py`` is run as
``make audit`` runs it, with its advisory source out of reach (as it is on a
machine that reaches only the package registry).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
RUNTIME_LOCK = ROOT / "requirements-runtime.lock"
AUDIT = ROOT / "deploy" / "audit.py"
sys.path.insert(0, str(AUDIT.parent))

import audit  # noqa: E402


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes), from a pip-compile lock."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in lock.read_text().splitlines():
        if m := re.match(r"^([A-Za-z0-9_.\-]+)==([^ \\;]+)", line):
            current = _canon(m.group(1))
            pins[current] = (m.group(2), 0)
        elif current and "--hash=sha256:" in line:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def _project() -> dict[str, list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        "runtime": [Requirement(r) for r in project["dependencies"]],
        "dev": [Requirement(r) for r in project["optional-dependencies"]["dev"]],
    }


def test_every_dependency_is_locked_at_an_allowed_version_with_hashes() -> None:
    pins, runtime_pins = _pins(LOCK), _pins(RUNTIME_LOCK)
    deps = _project()
    for lock_pins, reqs in ((pins, deps["runtime"] + deps["dev"]), (runtime_pins, deps["runtime"])):
        for req in reqs:
            name = _canon(req.name)
            assert name in lock_pins, f"{req.name} is not in the lock: run `make lock`"
            version, hashes = lock_pins[name]
            assert req.specifier.contains(version, prereleases=True), (req, version)
            assert hashes >= 1, f"{name} has no hash"
    assert all(h >= 1 for _, h in pins.values()) and all(h >= 1 for _, h in runtime_pins.values())
    assert "setuptools" in pins  # the build backend is locked too (--no-build-isolation)


def test_the_runtime_lock_is_the_dev_lock_without_the_dev_tools() -> None:
    pins, runtime_pins = _pins(LOCK), _pins(RUNTIME_LOCK)
    for name, (version, _) in runtime_pins.items():
        assert pins.get(name, (None,))[0] == version, name
    for dev_only in ("pytest", "mypy", "ruff", "hypothesis"):
        assert dev_only in pins and dev_only not in runtime_pins


def test_the_makefile_and_the_dockerfile_install_from_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r $(LOCK)" in makefile
    assert "LOCK         := requirements.lock" in makefile
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "--require-hashes -r requirements-runtime.lock" in dockerfile
    assert "!requirements-runtime.lock" in (ROOT / "deploy" / "Dockerfile.dockerignore").read_text()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("service", ["pypi", "osv"])
def test_audit_says_plainly_when_the_advisory_source_is_unreachable(
    service: str, tmp_path: Path
) -> None:
    proxy = f"http://127.0.0.1:{_closed_port()}"  # every outside request is refused here
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(HTTPS_PROXY=proxy, https_proxy=proxy, HTTP_PROXY=proxy, http_proxy=proxy)
    proc = subprocess.run(
        [sys.executable, str(AUDIT), "--service", service, "--timeout", "5", str(LOCK)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == audit.UNREACHABLE == 3, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and proc.stdout == ""
    assert lines[0].startswith(f"audit: NOT RUN: the {service} advisory source is unreachable")
    assert "requirements.lock was not checked" in lines[0]


def _report(tmp_path: Path, deps: list[dict[str, object]]) -> Path:
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"dependencies": deps, "fixes": []}))
    return path


def test_audit_report_findings_and_gaps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = [{"name": "typer", "version": "0.29.2", "vulns": []}]
    assert audit.report(_report(tmp_path, clean), LOCK) == 0
    vulnerable = [
        *clean,
        {
            "name": "aiohttp",
            "version": "3.9.0",
            "vulns": [{"id": "GHSA-x", "fix_versions": ["3.9.2"]}],
        },
    ]
    assert audit.report(_report(tmp_path, vulnerable), LOCK) == 1
    assert "aiohttp 3.9.0: GHSA-x (fixed in 3.9.2)" in capsys.readouterr().out
    # A mirror that serves installs but no advisories: pip-audit itself exits 0 here.
    gaps = [*clean, {"name": "pandas", "skip_reason": "Dependency not found on PyPI"}]
    assert audit.report(_report(tmp_path, gaps), LOCK) == 3
    assert "did not answer for 1 of 2 packages (pandas)" in capsys.readouterr().err
