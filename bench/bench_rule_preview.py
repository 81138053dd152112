"""Rule preview latency: in memory (as the bot answers /rule test) and the CLI end to end.

In memory: the scored history is loaded once, then each of a set of rules is
previewed many times (parse + walk + summary); p50 and p99 against the 200 ms
target. With its chart: the bot's own path (``PreviewHistory.run``: preview in a
worker thread, then the PNG in the reader's language, en/zh/ja in turn) after the
history is loaded and matplotlib warmed as the bot does at its first preview;
p50 and p99 per reply against the same 200 ms. Baseline in the same run: the same rules
walked with ``walk_rules`` (one RuleBook step per day), which the preview's
skipping walk replaces. CLI: wall time of ``carrywatch rules test --json``
against ``carrywatch --help`` (the CLI's own start-up), target ratio <= 2, both
cold (the run that builds the history cache, in a fresh temporary
CARRYWATCH_CACHE_DIR) and warm (the runs after it, which read the cache);
medians of CLI_RUNS interleaved runs.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import emit, history_dir, pct
from bot.rules.previews import PreviewHistory, load_scored_history, preview_expr
from signals.backtest import walk_rules
from signals.preview import personal_rule
from signals.rule_expr import parse_expression

RULES = (
    "jgb.40y >= 3.8",
    "jgb.30y.chg_5d_bp >= 20",
    "usdjpy.chg_1d_pct <= -2",
    "usdjpy.chg_5d_pct <= -3 for 2d",
    "btc.drawdown_30d <= -20 for 2d",
    "btc.chg_1d_pct <= -8",
    "score >= 60",
    "score >= 75 for 1d",
    "spread.us_jp_10y <= 2",
    "component.yen_squeeze >= 50",
)
ROUNDS = 30
CHART_ROUNDS = 5  # × rules × 3 languages replies with a chart
LANGUAGES = ("en", "zh", "ja")
CLI_RUNS = 5


def _wall(args: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - t


async def _with_charts(directory: Path) -> tuple[float, list[float], list[float], int]:
    """Seconds to load + warm, then each reply's wall and CPU seconds (all threads of
    this process: the share of the machine a reply needs, apart from others' load)."""
    previews = PreviewHistory(directory)
    t = time.perf_counter()
    await previews.history()
    ready_s = time.perf_counter() - t
    samples, cpu, size = [], [], 0
    for _ in range(CHART_ROUNDS):
        for text in RULES:
            for lang in LANGUAGES:
                c, t = time.process_time(), time.perf_counter()
                result = await previews.run(text, language=lang)
                samples.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                assert result is not None and result.chart is not None
                size = max(size, len(result.chart))
    return ready_s, samples, cpu, size


def main() -> None:
    directory = history_dir()
    t = time.perf_counter()
    history = load_scored_history(directory)
    load_s = time.perf_counter() - t
    samples, baseline = [], []
    for _ in range(ROUNDS):
        for text in RULES:
            t = time.perf_counter()
            preview_expr(history, parse_expression(text))
            samples.append(time.perf_counter() - t)
    for text in RULES:
        rule = personal_rule(parse_expression(text), "r")
        t = time.perf_counter()
        walk_rules(history, [rule])
        baseline.append(time.perf_counter() - t)
    ready_s, charted, charted_cpu, png_bytes = asyncio.run(_with_charts(directory))
    exe = str(Path(sys.executable).with_name("carrywatch"))
    with tempfile.TemporaryDirectory() as cache:
        env = {
            **os.environ,
            "CARRYWATCH_HISTORY_DIR": str(directory),
            "CARRYWATCH_CACHE_DIR": cache,
            "CARRYWATCH_CONFIG": os.devnull,
        }
        command = [exe, "rules", "test", RULES[4], "--json"]
        cold, warm, startup = [], [], []
        for _ in range(CLI_RUNS):  # interleaved, so a busy machine slows all three alike
            for stale in Path(cache).glob("*.npz"):
                stale.unlink()
            cold.append(_wall(command, env))  # builds the history cache
            startup.append(_wall([exe, "--help"], env))
            warm.append(_wall(command, env))  # reads it
    emit(
        {
            "bench": "rule_preview",
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "rules": len(RULES),
            "samples": len(samples),
            "history_days": len(history),
            "history_load_s": round(load_s, 3),
            "preview_p50_ms": round(pct(samples, 50) * 1000, 2),
            "preview_p99_ms": round(pct(samples, 99) * 1000, 2),
            "preview_target_ms": 200,
            "preview_with_chart_samples": len(charted),
            "preview_with_chart_p50_ms": round(pct(charted, 50) * 1000, 1),
            "preview_with_chart_p99_ms": round(pct(charted, 99) * 1000, 1),
            "preview_with_chart_max_ms": round(max(charted) * 1000, 1),
            "preview_with_chart_ok": pct(charted, 99) <= 0.2,
            "preview_with_chart_cpu_p50_ms": round(pct(charted_cpu, 50) * 1000, 1),
            "preview_with_chart_cpu_p99_ms": round(pct(charted_cpu, 99) * 1000, 1),
            "chart_png_max_bytes": png_bytes,
            "bot_history_load_and_warm_s": round(ready_s, 3),
            "baseline_walk_rules_p50_ms": round(pct(baseline, 50) * 1000, 1),
            "ratio_baseline_over_preview_p50": round(pct(baseline, 50) / pct(samples, 50), 1),
            "cli_startup_help_s": round(statistics.median(startup), 3),
            "cli_rules_test_cold_s": round(statistics.median(cold), 3),
            "cli_rules_test_warm_s": round(statistics.median(warm), 3),
            "ratio_cli_cold_over_startup": round(
                statistics.median(cold) / statistics.median(startup), 2
            ),
            "ratio_cli_warm_over_startup": round(
                statistics.median(warm) / statistics.median(startup), 2
            ),
            "cli_runs": CLI_RUNS,
            "cli_target": "warm <= 2x carrywatch --help (the CLI's own start-up)",
        }
    )


if __name__ == "__main__":
    main()
