"""Rule previews over history kept in memory: parse, walk, and chart one expression.

The scored history (every indicator on every day, ~1 s to load and score) is
built once — by the CLI for one run, by the bot at the first preview — and
then each preview is a walk over arrays in memory (milliseconds; see
``bench/bench_rule_preview.py``).
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot import i18n
from bot.charts.fonts import ChartFontMissing
from bot.charts.rule_preview import RuleChartData, render_rule_chart, warm_up
from signals.columns import PreviewColumns
from signals.engine import ScoredHistory, score_history
from signals.preview import Preview, personal_rule, preview
from signals.rule_expr import RuleExpr, parse_expression

log = logging.getLogger(__name__)
# Previews walk and draw on ONE thread: its matplotlib figure and glyph caches stay
# warm (built once, at start, by warm_up) and previews never draw on the loop.
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rule-preview")


@dataclass(frozen=True)
class PreviewResult:
    preview: Preview
    chart: bytes | None


def load_scored_history(history_dir: Path) -> ScoredHistory:
    """Read and score the whole history directory (blocking; ~1 s)."""
    from bot.history.loader import load_history_panel

    return score_history(load_history_panel(history_dir))


def chart_data(history: PreviewColumns, result: Preview) -> RuleChartData:
    column = np.asarray(history.values(result.rule.indicator), dtype=float)
    has = ~np.isnan(column)
    return RuleChartData(history.dates[has], column[has], result)


def preview_expr(history: ScoredHistory, expr: RuleExpr, name: str = "preview") -> Preview:
    return preview(history, expr, personal_rule(expr, name))


class PreviewHistory:
    """The bot's in-memory history for previews; loaded once, in a worker thread."""

    def __init__(self, history_dir: Path | None, history: ScoredHistory | None = None) -> None:
        self._dir = history_dir
        self._history = history
        self._lock = asyncio.Lock()

    @property
    def available(self) -> bool:
        return self._history is not None or self._dir is not None

    async def history(self) -> ScoredHistory | None:
        if self._history is None and self._dir is not None:
            async with self._lock:
                if self._history is None:
                    history = await asyncio.to_thread(load_scored_history, self._dir)
                    loop = asyncio.get_running_loop()
                    await loop.run_in_executor(_WORKER, warm_up)
                    self._history = history
        return self._history

    async def run(
        self, text: str, *, chart: bool = True, language: str | None = None
    ) -> PreviewResult | None:
        """Parse ``text`` (RuleExprError on a mistake) and preview it, the chart in
        ``language`` (default: the current one); None without history. Without the
        CJK font a zh/ja preview comes without its chart (logged), never with boxes."""
        expr = parse_expression(text)
        history = await self.history()
        if history is None:
            return None
        lang = language or i18n.current()
        # one hop to the preview thread for both: the loop stays free, its figure is warm
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_WORKER, _preview_and_chart, history, expr, chart, lang)


def _preview_and_chart(
    history: ScoredHistory, expr: RuleExpr, chart: bool, language: str
) -> PreviewResult:
    result = preview_expr(history, expr)
    if not chart:
        return PreviewResult(result, None)
    try:
        return PreviewResult(result, render_rule_chart(chart_data(history, result), language))
    except ChartFontMissing as exc:
        log.error("%s", exc)
        return PreviewResult(result, None)
