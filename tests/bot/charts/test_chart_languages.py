"""Charts in English, Chinese and Japanese on real data: translated words, Babel dates,
and CJK glyphs from the Noto Sans CJK font the install brings — never tofu boxes.

pytest turns warnings into errors, and matplotlib warns "Glyph … missing from font(s)"
for every character no font in the family list has; the negative control below shows
that warning does fire when the CJK font is left out, so its absence means something.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
import importlib.metadata
import io
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from bot import i18n
from bot.charts import rule_preview, score
from bot.charts.fonts import CJK_FAMILY, cjk_font_path, prepare
from bot.commands.answers import ChartAnswer
from bot.history.loader import load_history_panel
from bot.render.chart_words import chart_caption
from bot.rules.previews import chart_data, load_scored_history, preview_expr
from signals.engine import ScoredHistory, score_history
from signals.levels import Level
from signals.rule_expr import parse_expression

END = dt.date(2024, 8, 5)
TITLE_WORDS = {"zh": "套息交易平仓压力", "ja": "キャリー取引の巻き戻しストレス"}
LAST_DAY = {"en": "Aug 5, 2024", "zh": "2024年8月5日", "ja": "2024年8月5日"}
THRESHOLD = {"en": "threshold 60", "zh": "阈值 60", "ja": "しきい値 60"}
ENGLISH_WORDS = ("stress", "alert", "JGB", "yield", "threshold", "fired", "clears", "log")


@functools.cache
def _panel(history_dir: Path) -> tuple[pd.DataFrame, pd.Series]:
    panel = load_history_panel(history_dir)
    scored = score_history(panel)
    return panel, pd.Series(scored.score, index=pd.DatetimeIndex(scored.dates))


@functools.cache
def _scored(history_dir: Path) -> ScoredHistory:
    return load_scored_history(history_dir)


def score_data(history_dir: Path, days: int) -> score.ChartData:
    panel, s = _panel(history_dir)
    lo, hi = pd.Timestamp(END - dt.timedelta(days=days)), pd.Timestamp(END)
    series = {k: panel[k].loc[lo:hi] for k in ("usdjpy", "btc", "jgb.30y", "jgb.40y")}
    markers = ((dt.date(2024, 8, 2), Level.HIGH), (END, Level.SEVERE))
    return score.ChartData(s.loc[lo:hi].index, s.loc[lo:hi].to_numpy(), series, markers=markers)


def rule_data(history_dir: Path, text: str = "score >= 60") -> rule_preview.RuleChartData:
    history = _scored(history_dir)
    return chart_data(history, preview_expr(history, parse_expression(text)))


def texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text().strip()]


def font_files(text: Text) -> set[Path]:
    """The font file of every family in ``text``'s fallback list."""
    prop = text.get_fontproperties()
    found = set()
    for family in prop.get_family():
        one = prop.copy()
        one.set_family(family)
        found.add(Path(font_manager.findfont(one, fallback_to_default=False)))
    return found


def is_png(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = mpimg.imread(io.BytesIO(data), format="png")
    return int(image.shape[1]), int(image.shape[0])


def cjk(text: str) -> set[str]:
    return {c for c in text if ord(c) >= 0x2E80}


def test_the_cjk_font_comes_from_the_installed_package() -> None:
    path = cjk_font_path()
    assert path is not None and path.suffix == ".otf"
    shipped = importlib.metadata.files("cvttf-notosanscjk-regular") or []
    assert any(Path(str(f.locate())).resolve() == path.resolve() for f in shipped)
    prepare("zh")
    one = font_manager.FontProperties(family=CJK_FAMILY)
    assert Path(font_manager.findfont(one, fallback_to_default=False)) == path
    assert matplotlib.rcParams["font.family"][0] == "DejaVu Sans"  # Latin as before


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_a_chinese_or_japanese_score_chart_uses_the_cjk_font(
    history_dir: Path, language: str
) -> None:
    data = score_data(history_dir, 30)
    with i18n.use(language):
        prepare(language)
        fig = score.figure(data)
    wanted = fig.axes[0].get_title(loc="left")
    (title,) = [t for t in texts(fig) if t.get_text() == wanted]  # the Text artist drawn
    assert TITLE_WORDS[language] in title.get_text()
    assert title.get_text().endswith(LAST_DAY[language])
    path = cjk_font_path()
    assert path is not None and path in font_files(title)
    shown = texts(fig)
    for text in shown:
        for word in ENGLISH_WORDS:
            assert word not in text.get_text(), (word, text.get_text())
    charmap = set(FT2Font(str(path)).get_charmap())
    glyphs = set().union(*(cjk(t.get_text()) for t in shown))
    assert glyphs and all(ord(c) in charmap for c in glyphs)  # every CJK glyph is in Noto
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data_png = score.png(fig)
    assert not [w for w in caught if "missing" in str(w.message)]
    width, height = is_png(data_png)
    assert 700 <= width <= 900 and height > width


def test_without_the_cjk_font_the_glyphs_would_be_missing() -> None:
    """Negative control: the same title with Latin fonts only does warn (tofu)."""
    with i18n.use("zh"):
        title = score.title_of(score.Drawn(END - dt.timedelta(days=30), END, "daily", 80.0))
    fig = Figure(figsize=(4, 1))
    FigureCanvasAgg(fig)
    fig.text(0.01, 0.5, title, family=["DejaVu Sans"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    missing = [w for w in caught if "missing from font" in str(w.message)]
    assert missing and all(issubclass(w.category, UserWarning) for w in missing)


@pytest.mark.parametrize("language", ["en", "zh", "ja"])
def test_the_rule_chart_speaks_the_language_given_to_its_worker(
    history_dir: Path, language: str
) -> None:
    data = rule_data(history_dir)
    with i18n.use(language):
        prepare(language)
        fig = rule_preview.figure(data)
        expected = rule_preview.png(fig)  # ticks are written at draw time, in the language
        ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    words = [t.get_text() for t in texts(fig)]
    assert THRESHOLD[language] in words
    fired = {"en": f"fired {len(data.preview.fires)} times", "zh": "触发", "ja": "発動"}
    assert any(fired[language] in w for w in words)
    if language != "en":
        assert ticks and all(t.endswith("年") for t in ticks)  # Babel's CLDR years
    is_png(expected)
    # In a worker thread the caller's context is not there: the parameter carries it.
    with i18n.use("en"), concurrent.futures.ThreadPoolExecutor(1) as pool:
        in_thread = pool.submit(rule_preview.render_rule_chart, data, language).result()
    assert in_thread == expected


def test_a_reused_figure_carries_nothing_from_the_chart_before(history_dir: Path) -> None:
    """Each thread redraws one figure: a chart drawn after others (a rule without a
    clear line, one that never fired) is byte-identical to the same chart drawn first."""
    charts = [rule_data(history_dir, t) for t in ("score >= 60", "jgb.40y >= 9", "btc >= 1")]
    assert not charts[1].preview.fires  # 9 % on the 40y JGB: never
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        first = [pool.submit(rule_preview.render_rule_chart, c, "zh").result() for c in charts]
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        again = [
            pool.submit(rule_preview.render_rule_chart, c, "zh").result() for c in charts[::-1]
        ]
    assert again[::-1] == first and len(set(first)) == 3


def test_month_and_day_ticks_come_from_babel(history_dir: Path) -> None:
    labels = {}
    for language in ("en", "ja"):
        with i18n.use(language):
            prepare(language)
            fig = score.figure(score_data(history_dir, 30))
            fig.canvas.draw()
            labels[language] = [t.get_text() for t in fig.axes[-1].get_xticklabels()]
    assert "Aug" in labels["en"] and "8月" in labels["ja"]
    assert all(t.endswith(("日", "月")) for t in labels["ja"] if t)
    assert not any(cjk(t) for t in labels["en"])


def test_the_preview_line_keeps_every_extreme(history_dir: Path) -> None:
    """Drawn at pixel width, the line keeps the first and last day and each column's
    highest and lowest value: the same picture from a tenth of the points."""
    data = rule_data(history_dir, "btc.drawdown_30d <= -20")
    days, values = rule_preview.pixel_line(data.dates, data.values, rule_preview.PLOT_PX)
    assert len(values) <= 4 * rule_preview.PLOT_PX < len(data.values)
    assert days[0] == data.dates[0] and days[-1] == data.dates[-1]
    assert values.min() == data.values.min() and values.max() == data.values.max()
    assert np.all(np.diff(days.astype("datetime64[D]").astype(int)) > 0)  # still in order
    lowest = data.dates[int(np.argmin(data.values))]
    assert lowest in days


def test_the_caption_is_one_translated_sentence_set() -> None:
    answer = ChartAnswer(b"", dt.date(2024, 7, 6), END, "daily", 30, 82.0, Level.SEVERE, 2)
    with i18n.use("ja"):
        ja = chart_caption(answer)
    with i18n.use("en"):
        en = chart_caption(answer)
    assert "2024年8月5日" in ja and "深刻" in ja and "2" in ja and "stress" not in ja
    assert "Aug 5, 2024" in en and "severe" in en and "2 alerts marked." in en


def test_a_missing_font_is_one_clear_line_and_english_still_draws() -> None:
    """Run apart: the package made unimportable, as on an install without it."""
    code = (
        "import sys; sys.modules['cvttf_NotoSansCJK_Regular'] = None\n"
        "from bot.charts.fonts import ChartFontMissing, prepare\n"
        "prepare('en')\n"
        "try:\n    prepare('ja')\nexcept ChartFontMissing as exc:\n    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1 and "cvttf-notosanscjk-regular" in lines[0]
