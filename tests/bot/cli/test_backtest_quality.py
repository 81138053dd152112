"""``carrywatch backtest`` reads history through the live quality gate.

The fault is injected into copies of the real files in ``tmp_path`` (labelled
FAULT INJECTION: one impossible value each; every other byte is the real
file): a USD/JPY close of −5 on 2016-02-10 and a 40y JGB yield of 40 % the
same day. Without the gate they turn Jan–Mar 2016's 10 alert events into 18,
one of them a false ``severe``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from bot.cli.main import app
from bot.history.loader import load_checked_history
from bot.rules.load import load_rules
from signals.backtest import run_backtest

runner = CliRunner()

USDJPY = "fx/usdjpy_yahoo_daily_1996-2026.csv"
MOF = "mof/jgbcme_all_to_2026-06-30.csv"
# grep -n '^2016-02-11' fx/usdjpy_yahoo_daily_1996-2026.csv (line 4993): its Open is
# 2016-02-10's genuine close in Yahoo's snapshot regime (signals/loaders/snapshot_regime.py)
FX_ROW = b"2016-02-11,113.23899841308594,"
FX_BAD = b"2016-02-11,-5,"
# grep -n '^2016/2/10,' mof/jgbcme_all_to_2026-06-30.csv (line 10714): 40Y is the last field
MOF_ROW = (
    b"2016/2/10,-0.205,-0.217,-0.236,-0.235,-0.224,-0.222,-0.195,-0.133,-0.059,0.015,"
    b"0.349,0.758,0.97,1.109,1.248\r\n"
)
MOF_BAD = MOF_ROW.replace(b",1.248\r\n", b",40\r\n")


def _history(real: Path, tmp: Path, *, faults: bool) -> Path:
    """A history dir of symlinks to the real files; with ``faults``, two altered copies."""
    tmp.mkdir()
    for sub in ("btc", "ust"):
        (tmp / sub).symlink_to(real / sub, target_is_directory=True)
    for name, row, bad in ((USDJPY, FX_ROW, FX_BAD), (MOF, MOF_ROW, MOF_BAD)):
        target = tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        data = (real / name).read_bytes()
        assert data.count(row) == 1
        target.write_bytes(data.replace(row, bad) if faults else data)
    return tmp


def _run(history: Path) -> tuple[dict[str, object], str]:
    args = ["backtest", "--history-dir", str(history), "--start", "2016-01-01"]
    result = runner.invoke(app, [*args, "--end", "2016-03-31", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_impossible_values_are_set_aside_reported_and_alert_nothing(
    history_dir: Path, tmp_path: Path
) -> None:
    clean, clean_err = _run(_history(history_dir, tmp_path / "clean", faults=False))
    faulty, err = _run(_history(history_dir, tmp_path / "faulty", faults=True))
    # set aside = not observed: the same as the clean history without those two values
    panel, _ = load_checked_history(history_dir, dt.datetime.now(dt.UTC))
    panel.loc["2016-02-10", ["usdjpy", "jgb.40y"]] = np.nan
    expected = run_backtest(
        panel, load_rules(), start=dt.date(2016, 1, 1), end=dt.date(2016, 3, 31)
    )
    assert faulty["alerts"] == [a.to_json() for a in expected.alerts]
    assert len(faulty["alerts"]) == len(clean["alerts"])  # type: ignore[arg-type]
    assert not any(a["level"] == "severe" for a in faulty["alerts"])  # type: ignore[attr-defined]
    quality = faulty["quality"]
    found = {(q["date"], q["series"], q["kind"]) for q in quality}  # type: ignore[attr-defined]
    assert ("2016-02-10", "usdjpy", "bad_value") in found
    assert ("2016-02-10", "jgb.40y", "implausible_jump") in found
    assert clean["quality"] == []
    assert "2016-02-10 usdjpy" in err and "2016-02-10 jgb.40y" in err and "set aside" in err
    assert "quality:" not in clean_err


def test_days_without_scoreable_data_are_no_data_not_low(history_dir: Path) -> None:
    """Aug 1971 (Nixon shock): FX markets shut, FRED has no USD/JPY; JGB starts in 1974.

    Those days have nothing to score: null in JSON, "no data" in the table.
    """
    args = ["backtest", "--history-dir", str(history_dir), "--start", "1971-08-02"]
    result = runner.invoke(app, [*args, "--end", "1971-09-10", "--json"])
    assert result.exit_code == 0, result.output
    days = {d["date"]: d for d in json.loads(result.stdout)["days"]}
    assert days["1971-08-18"]["score"] is None and days["1971-08-18"]["level"] is None
    assert days["1971-08-16"]["level"] == "low"  # DEXJPUS still quoted that Monday
    table = runner.invoke(app, [*args, "--end", "1971-09-10"])
    assert "1971-08-18  level low → no data" in table.stdout
