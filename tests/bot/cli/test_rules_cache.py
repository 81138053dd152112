"""``carrywatch rules test``'s history cache, run as a user runs it (fresh processes).

The expected answers come from the bot's own in-memory path
(``load_scored_history`` + ``preview_expr`` on the same files), never from the
cache: a hit must print exactly what a cold load prints, a changed history
file must be noticed, and a broken or unwritable cache must never show up as
a traceback or a different answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.rules.preview_cache import cache_path
from bot.rules.previews import load_scored_history, preview_expr
from signals.engine import ScoredHistory
from signals.rule_expr import parse_expression

RULE = "btc.drawdown_30d <= -20 for 2d"
# Prints the command's output, then (on stderr, last line) whether pandas was imported.
_RUN = """
import atexit, sys
h = ("pandas", "numpy", "pydantic")
atexit.register(lambda: print("imported:", *(m for m in h if m in sys.modules), file=sys.stderr))
sys.argv = ["carrywatch", *sys.argv[1:]]
from bot.cli.main import main
main()
"""


def _cli(history: Path, cache: Path, rule: str = RULE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CARRYWATCH_CACHE_DIR": str(cache), "CARRYWATCH_CONFIG": os.devnull}
    args = ["rules", "test", rule, "--history-dir", str(history), "--json"]
    return subprocess.run(
        [sys.executable, "-c", _RUN, *args], env=env, capture_output=True, text=True, timeout=120
    )


def _expected(history: Path | ScoredHistory, rule: str = RULE) -> dict[str, object]:
    """The bot's in-memory answer: a fresh load of ``history`` (or the session's one)."""
    scored = load_scored_history(history) if isinstance(history, Path) else history
    return preview_expr(scored, parse_expression(rule)).to_json()


def _ok(run: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    payload: dict[str, object] = json.loads(run.stdout)
    return payload


def _imported(run: subprocess.CompletedProcess[str]) -> set[str]:
    """Which of pandas, numpy and Pydantic the run imported (its last stderr line)."""
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("imported:")
    return set(last.split()[1:])


def test_hit_prints_what_a_cold_load_prints_without_pandas(
    history_dir: Path, scored_history: ScoredHistory, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cold = _cli(history_dir, cache)
    assert "history cache: building" in cold.stderr and "first run" in cold.stderr
    assert "pandas" in _imported(cold)  # the cold load reads the CSVs with pandas
    assert len(list(cache.glob("history-*.npz"))) == 1
    warm = _cli(history_dir, cache)
    assert "history cache" not in warm.stderr  # a hit says nothing
    # ... and imports none of pandas, numpy (the cache is read with zipfile + array)
    # and Pydantic (typer's coercion, replaced by bot.cli.coercion)
    assert _imported(warm) == set()
    assert cold.stdout == warm.stdout
    assert _ok(warm) == _expected(scored_history)
    # other indicators from the same cache: a component and the score
    for rule in ("component.yen_squeeze >= 50", "score >= 75 for 1d", "spread.us_jp_10y <= 2"):
        hit = _cli(history_dir, cache, rule)
        assert "history cache" not in hit.stderr and _imported(hit) == set()
        assert _ok(hit) == _expected(scored_history, rule)


def _linked_copy(src: Path, dst: Path) -> None:
    """A history dir of symlinks to the real files (a test may then swap one)."""
    for path in src.rglob("*"):
        if path.is_file():
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)


def test_changed_history_file_rebuilds(history_dir: Path, tmp_path: Path) -> None:
    history, cache = tmp_path / "history", tmp_path / "cache"
    _linked_copy(history_dir, history)
    btc = next((history / "btc").glob("btcusd_yahoo_daily_*.csv"))
    lines = btc.read_text().splitlines(keepends=True)
    btc.unlink()
    btc.write_text("".join(lines[: len(lines) // 2]))  # the real file's first half
    short = _ok(_cli(history, cache))
    assert short == _expected(history)
    btc.unlink()
    btc.write_text("".join(lines))  # the whole real file again: size and mtime change
    run = _cli(history, cache)
    assert "history cache: building" in run.stderr and "changed" in run.stderr
    full = _ok(run)
    assert full == _expected(history)
    assert len(full["fires"]) > len(short["fires"])  # type: ignore[arg-type]


def test_corrupt_cache_is_rebuilt_without_traceback(history_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _ok(_cli(history_dir, cache))
    (path,) = cache.glob("history-*.npz")
    for damage in (b"not a zip file at all", path.read_bytes()[:5000]):  # garbage, truncated
        path.write_bytes(damage)
        run = _cli(history_dir, cache)
        assert "unreadable" in run.stderr
        assert _ok(run) == first
        again = _cli(history_dir, cache)  # rebuilt: a hit again
        assert "history cache" not in again.stderr and _ok(again) == first


@pytest.mark.parametrize("kind", ["dir-under-a-file", "file-is-a-dir"])
def test_unwritable_cache_still_answers(
    history_dir: Path,
    scored_history: ScoredHistory,
    tmp_path: Path,
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if kind == "dir-under-a-file":
        blocker = tmp_path / "blocker"
        blocker.write_text("")
        cache = blocker / "cache"  # mkdir fails, even for root
    else:
        cache = tmp_path / "cache"
        monkeypatch.setenv("CARRYWATCH_CACHE_DIR", str(cache))
        cache_path(history_dir.resolve()).mkdir(parents=True)  # the rename cannot replace it
    for _ in range(2):  # and again: nothing half-written left behind to trip over
        run = _cli(history_dir, cache)
        assert "history cache: not written" in run.stderr
        assert _ok(run) == _expected(scored_history)
    if cache.is_dir():
        assert not [p for p in cache.iterdir() if p.name.startswith(".tmp-")]
