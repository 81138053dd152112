"""A database that refuses: ``risk``, ``db upgrade`` and ``replay`` print one line, password
masked, and exit 1 (no 60–150-line traceback); a new SQLite file is private (0600)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store import Store

PASSWORD = "s3cretPASSword"


def refused_port() -> int:
    with socket.socket() as s:  # bound then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    "args",
    [["risk"], ["db", "upgrade"], ["replay", "--start", "2024-08-01", "--end", "2024-08-02"]],
)  # replay writes to a fresh SQLite unless --database names one: it gets the same URL
def test_a_refused_database_is_one_masked_line(
    args: list[str], tmp_path: Path, history_dir: Path
) -> None:
    url = f"postgresql+asyncpg://bot:{PASSWORD}@127.0.0.1:{refused_port()}/carrywatch"
    env = {
        **os.environ,
        "CARRYWATCH_DATABASE_URL": url,
        "CARRYWATCH_HISTORY_DIR": str(history_dir),
        "CARRYWATCH_CONFIG": str(tmp_path / "none.toml"),
    }
    if args[0] == "replay":
        args = [*args, "--database", url]
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli.main import main; main()", *args],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert lines == [
        f"error: database unreachable at postgresql+asyncpg://bot:***@127.0.0.1:"
        f"{url.rsplit(':', 1)[1].split('/')[0]}/carrywatch: connection refused"
    ]


async def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        db = tmp_path / "fresh.db"
        async with Store(f"sqlite+aiosqlite:///{db}") as store:
            await store.meta_set("k", "v")  # a write: WAL and shared-memory files exist now
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                assert path.exists(), path
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        os.umask(old)
