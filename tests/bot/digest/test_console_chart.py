"""The console notifier with a digest chart: the text, then one line with the PNG's name
(or path, when it writes images) and size; the file written is the drawn PNG."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from bot.alerts.attachments import DIGEST_SCORE, Attachment, ChartSpec
from bot.alerts.events import AlertEvent, AlertMessage, EventKind
from bot.digest import DIGEST_RULE
from bot.digest.chart import DigestCharts
from bot.notify.console import CONSOLE_TARGET, ConsoleNotifier
from bot.store import Store
from signals.levels import Level
from tests.bot.digest.realweek import png_size, real_weeks, store_weeks

FIRST, LAST = dt.date(2024, 7, 29), dt.date(2024, 8, 4)
DUE = dt.datetime(2024, 8, 5, 7, 0, tzinfo=dt.UTC)
SPEC = ChartSpec(DIGEST_SCORE, FIRST, LAST, "UTC", DUE)
EVENT = AlertEvent(
    rule=DIGEST_RULE,
    kind=EventKind.BROADCAST,
    level=Level.LOW,
    as_of=DUE.date(),
    created_at=DUE,
    note="Week 29 Jul – 04 Aug 2024",
    description="Weekly digest",
)


async def test_console_prints_text_then_the_chart_path_and_size(
    tmp_path: Path, history_dir: Path
) -> None:
    async with Store(f"sqlite+aiosqlite:///{tmp_path / 'carrywatch.db'}") as store:
        await store_weeks(store, real_weeks(history_dir, FIRST, LAST))
        message = AlertMessage((EVENT,), attachment=Attachment(SPEC, DigestCharts(store)))
        out = io.StringIO()
        images = tmp_path / "charts"
        images.mkdir()
        await ConsoleNotifier(out, image_dir=images).send(CONSOLE_TARGET, message)
        bare = io.StringIO()
        await ConsoleNotifier(bare).send(CONSOLE_TARGET, message)
    path = images / "carrywatch-digest-20240729-20240804.png"
    png = path.read_bytes()
    assert png_size(png) == (780, 342)
    text = out.getvalue()
    assert text.index("Week 29 Jul – 04 Aug 2024") < text.index(
        f"[chart {path}, {len(png):,} bytes"
    )
    assert f"[chart {path.name}, {len(png):,} bytes: Stress score this week" in bare.getvalue()
