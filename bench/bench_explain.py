"""/explain latency as the bot answers it, against /risk in the same run.

A real SQLite store holds the engine's snapshot of 2024-08-05; the scored history
is in memory (the bot's preview history, loaded once). Each sample is one whole
answer: the service call plus rendering every message, for Telegram (three HTML
documents) and Discord (three embeds), in en, zh and ja in turn. ``explain`` is
with the standing cached (the same reading asked again); ``explain_new_reading``
recomputes it (the first /explain after a new snapshot). Baseline: /risk (service
plus its Telegram document and Discord embed), same store, same languages.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import emit, history_dir, pct
from bot import i18n
from bot.commands.explain import ExplainService
from bot.commands.service import CommandService
from bot.history.loader import load_history_panel
from bot.render.discord.answers import explain_embeds, risk_embed
from bot.render.telegram.answers import explain_docs, risk_doc
from bot.rules.previews import PreviewHistory, load_scored_history
from bot.store import Store
from signals.engine import score_history
from signals.episodes import standing

DAY = dt.date(2024, 8, 5)
ROUNDS = 60
LANGUAGES = ("en", "zh", "ja")


async def _run(directory: Path) -> dict[str, object]:
    history = load_scored_history(directory)
    panel = load_history_panel(directory, start=dt.date(2024, 1, 1), end=DAY)
    recent = score_history(panel)
    snap = recent.snapshot(len(recent) - 1)
    at = dt.datetime.combine(DAY, dt.time(21, 0), tzinfo=dt.UTC)
    now = at + dt.timedelta(minutes=5)
    with tempfile.TemporaryDirectory() as tmp:
        async with Store(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}") as store:
            await store.save_evaluation(snap, at)
            service = CommandService(store, clock=lambda: now)
            explainer = ExplainService(service, PreviewHistory(directory, history))
            risk_s, explain_s, fresh_s = [], [], []
            for _ in range(ROUNDS):
                for lang in LANGUAGES:
                    with i18n.use(lang):
                        t = time.perf_counter()
                        risk = await service.risk()
                        risk_doc(risk, now)
                        risk_embed(risk, now)
                        risk_s.append(time.perf_counter() - t)
                        t = time.perf_counter()
                        answer = await explainer.explain()
                        explain_docs(answer, now)
                        explain_embeds(answer, now)
                        explain_s.append(time.perf_counter() - t)
            for _ in range(ROUNDS):
                t = time.perf_counter()
                standing(history, snap.score, snap.as_of)
                fresh_s.append(time.perf_counter() - t)
    return {
        "samples": len(explain_s),
        "history_days": len(history),
        "risk_p50_ms": round(pct(risk_s, 50) * 1000, 2),
        "explain_p50_ms": round(pct(explain_s, 50) * 1000, 2),
        "explain_p99_ms": round(pct(explain_s, 99) * 1000, 2),
        "standing_new_reading_p50_ms": round(pct(fresh_s, 50) * 1000, 2),
        "ratio_explain_over_risk_p50": round(pct(explain_s, 50) / pct(risk_s, 50), 2),
    }


def main() -> None:
    result = asyncio.run(_run(history_dir()))
    emit({"bench": "explain", "load_avg_1m": round(os.getloadavg()[0], 2), **result})


if __name__ == "__main__":
    main()
