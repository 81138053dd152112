"""What people wait for at the command line; prints TWO JSON lines.

1. ``carrywatch --help`` (the start of every command) against a bare
   ``python -c "import typer"``, both as fresh processes. Target: <= 2x.
2. ``carrywatch backtest --json`` over the whole history, written to a file,
   against a fresh process that imports pandas and reads the same CSV files
   (the ones the history loader picks) with ``pandas.read_csv``. Target: <= 3x.
   ``stages_in_process`` says where the time goes (load through the history
   quality gate, score, the alert stages, day serialisation, write).

Each command runs ``REPEATS`` times, interleaved with its baseline so that a
busy machine slows both alike; the figures are the medians.

Run: ``.venv/bin/python bench/bench_cli.py`` (reads CARRYWATCH_HISTORY_DIR,
default ../shared/data).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import emit, history_dir
from bot.history.loader import choose_file
from bot.history.manifest import MANIFEST

REPEATS = 7
READ_CSVS = """
import sys
import pandas as pd
for path in sys.argv[1:]:
    pd.read_csv(path, skiprows=1 if "/mof/" in path else 0)  # MOF has a title line
"""


def carrywatch() -> list[str]:
    script = Path(sys.executable).with_name("carrywatch")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from bot.cli.main import main; main()"]


def loader_files(directory: Path) -> list[str]:
    """Every file the history loader reads for the panel."""
    out = []
    for source in MANIFEST:
        for choice in (source.primary, source.secondary, source.current):
            if choice is not None and (path := choose_file(directory, choice)) is not None:
                out.append(str(path))
    return out


def timed(argv: list[str], env: dict[str, str], stdout: int | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(
        argv, env=env, check=True, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - t


def compare(
    name: str, command: list[str], baseline: list[str], env: dict[str, str], target: float
) -> dict[str, object]:
    ours, base = [], []
    for _ in range(REPEATS):
        base.append(timed(baseline, env))
        ours.append(timed(command, env))
    ours_s, base_s = statistics.median(ours), statistics.median(base)
    return {
        "bench": name,
        "command": " ".join(["carrywatch", *command[len(carrywatch()) :]]),
        "median_s": round(ours_s, 3),
        "baseline_s": round(base_s, 3),
        "ratio": round(ours_s / base_s, 2),
        "repeats": REPEATS,
        "targets": {"ratio": f"<= {target:g}"},
    }


def stages(directory: Path) -> dict[str, float]:
    """Where the backtest's time goes, in this process (imports already done)."""
    from bot.alerts.backtest import backtest_alerts
    from bot.cli.backtest_days import encode_days
    from bot.cli.json_out import write_json
    from bot.history.loader import load_checked_history
    from bot.rules.load import load_rules
    from signals.backtest import run_backtest
    from signals.explain_columns import day_columns

    out: dict[str, float] = {}
    t = time.perf_counter()
    panel, _ = load_checked_history(directory, dt.datetime.now(dt.UTC))
    out["load_checked_s"] = time.perf_counter() - t
    t = time.perf_counter()
    result = run_backtest(panel)
    out["score_s"] = time.perf_counter() - t
    t = time.perf_counter()
    columns = day_columns(result.history, result.first)
    out["day_columns_s"] = time.perf_counter() - t
    t = time.perf_counter()
    backtest_alerts(result, load_rules(), None, columns)  # the live stages, as the command
    out["alerts_s"] = time.perf_counter() - t
    t = time.perf_counter()
    days = encode_days(columns)
    out["encode_days_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with open(os.devnull, "w") as sink:
        write_json(sink, {"days": days, "alerts": []})
    out["write_s"] = time.perf_counter() - t
    return {k: round(v, 3) for k, v in out.items()}


def main() -> None:
    directory = history_dir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARRYWATCH_")}
    env["CARRYWATCH_HISTORY_DIR"] = str(directory)
    env["CARRYWATCH_CONFIG"] = os.devnull
    help_line = compare(
        "cli_help",
        [*carrywatch(), "--help"],
        [sys.executable, "-c", "import typer"],
        env,
        2,
    )
    help_line["baseline"] = 'python -c "import typer"'
    emit(help_line)
    files = loader_files(directory)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "backtest.json"
        backtest = [*carrywatch(), "backtest", "--json"]
        line = compare(
            "backtest_json_full_history",
            ["sh", "-c", '"$@" > ' + str(out), "sh", *backtest],
            [sys.executable, "-c", READ_CSVS, *files],
            env,
            3,
        )
        line["command"] = "carrywatch backtest --json > FILE"
        line["output_mb"] = round(out.stat().st_size / 1e6, 1)
    line["baseline"] = f"python: import pandas; read_csv of the {len(files)} history files"
    line["stages_in_process"] = stages(directory)
    emit(line)


if __name__ == "__main__":
    main()
