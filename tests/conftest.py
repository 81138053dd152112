"""Test-wide guards and shared fixtures.

The network guard (in the spirit of python-telegram-bot's OfflineRequest) fails
any test that tries to reach an address outside 127.0.0.0/8 or ::1, so a
forgotten base URL cannot silently hit a real provider or chat platform.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# python-telegram-bot 22 warns when it builds RetryAfter unless timedeltas are opted in;
# warnings are errors here, and the product sets the same in bot/telegram.
os.environ.setdefault("PTB_TIMEDELTA", "true")

import pytest

pytest_plugins = [
    "tests.standins.fixtures_telegram",
    "tests.standins.fixtures_discord",
]

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class NetworkGuardError(RuntimeError):
    """Raised when a test reaches for an address outside loopback."""


def _check_host(host: Any) -> None:
    if host in (None, "", "localhost"):
        return
    try:
        ip = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError as exc:
        raise NetworkGuardError(f"test tried to resolve non-local host {host!r}") from exc
    if not ip.is_loopback:
        raise NetworkGuardError(f"test tried to reach non-loopback address {host!r}")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check_host(address[0])
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check_host(address[0])
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if isinstance(host, bytes):
        host = host.decode()
    _check_host(host)
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _network_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CLI's history cache goes to a temporary directory, never the user's ~/.cache."""
    saved = os.environ.get("CARRYWATCH_CACHE_DIR")
    os.environ["CARRYWATCH_CACHE_DIR"] = str(tmp_path_factory.mktemp("carrywatch-cache"))
    yield
    if saved is None:
        os.environ.pop("CARRYWATCH_CACHE_DIR", None)
    else:
        os.environ["CARRYWATCH_CACHE_DIR"] = saved


@pytest.fixture(scope="session")
def history_dir() -> Path:
    """The real history files (../shared/data), named by CARRYWATCH_HISTORY_DIR."""
    raw = os.environ.get("CARRYWATCH_HISTORY_DIR")
    path = Path(raw) if raw else Path(__file__).resolve().parents[2] / "shared" / "data"
    if not (path / "mof").is_dir():
        pytest.fail(f"history directory {path} is missing; set CARRYWATCH_HISTORY_DIR")
    return path


@pytest.fixture(scope="session")
def api_samples(history_dir: Path) -> Path:
    return history_dir / "api_samples"


@pytest.fixture(scope="session")
def scored_history(history_dir: Path) -> Any:
    """The real history, scored once per session (what the bot keeps in memory for previews)."""
    from bot.rules.previews import load_scored_history

    return load_scored_history(history_dir)
