"""/explain in en, zh and ja on real days, for Telegram HTML and Discord embeds.

The answers are built from the engine's snapshots of 2024-08-05 (the unwind),
2022-12-21 (BoJ widens the band) and a stale reading (the 2024 snapshot read ten
days later), with the standing computed from the real scored history. Every
message must pass ``answer_checks`` (valid escaped HTML, limits, no placeholder,
no English left in zh/ja); Discord's three embeds must fit one message (6,000
characters together) and their Markdown must be escaped so that what a reader
sees is exactly the words; and the live numbers must be in the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from bot import i18n
from bot.commands.answers import RiskAnswer
from bot.commands.explain import ExplainAnswer
from bot.render.common import Unit, fmt
from bot.render.discord import answers as dc
from bot.render.discord import limits
from bot.render.explain_words import explain_sections
from bot.render.telegram import answers as tg
from signals.engine import ScoredHistory
from signals.episodes import standing
from tests.bot.realdata import UNWIND, YCC, at_close, snapshot_on
from tests.bot.render.answer_checks import check_discord_text, check_embed, check_telegram

LANGS = i18n.LANGUAGES
CASES = {"2024-08-05": (UNWIND, 0), "2022-12-21": (YCC, 0), "stale": (UNWIND, 10)}
_MD_ESCAPE = re.compile(r"\\([\\*_~`|>#\-\[\]()])")


def _answer(
    history_dir: Path, scored: ScoredHistory, day: dt.date, late: int
) -> tuple[ExplainAnswer, dt.datetime]:
    snap = snapshot_on(history_dir, day)
    computed = at_close(snap.as_of)
    now = computed + dt.timedelta(days=late, minutes=5)
    stale = ("jgb.40y", "usdjpy", "btc") if late else ()
    risk = RiskAnswer.from_payload(snap.to_json(), computed, now, stale)
    return ExplainAnswer(risk, standing(scored, risk.score, risk.as_of)), now


def _seen(markdown: str) -> str:
    """What Discord shows for an embed description: bold markers gone, escapes undone."""
    return _MD_ESCAPE.sub(r"\1", markdown.replace("**", "\x00")).replace("\x00", "")


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_explain_message_on_real_days(
    lang: str, case: str, history_dir: Path, scored_history: ScoredHistory
) -> None:
    day, late = CASES[case]
    answer, now = _answer(history_dir, scored_history, day, late)
    variants = {
        case: answer,
        "no history": dataclasses.replace(answer, standing=None),
        "no score": dataclasses.replace(
            answer, risk=dataclasses.replace(answer.risk, score=None, level=None)
        ),
    }
    with i18n.use(lang):
        for name, shown in variants.items():
            docs = tg.explain_docs(shown, now)
            assert len(docs) == 3
            for n, doc in enumerate(docs):
                check_telegram(doc, lang, f"explain {name} #{n + 1}")
            embeds = dc.explain_embeds(shown, now)
            assert len(embeds) == 3
            for n, embed in enumerate(embeds):
                check_embed(embed, lang, f"explain embed {name} #{n + 1}")
            total = sum(limits.embed_size(e) for e in embeds)
            assert total <= limits.TOTAL, f"{name} [{lang}]: {total} > 6,000 in one message"
            # Markdown: every word as written, nothing swallowed or doubled by escaping
            for embed, section in zip(embeds, explain_sections(shown, now), strict=True):
                words = "\n\n".join(
                    f"{b.head}\n{b.text}" if b.head else b.text for b in section.blocks
                )
                assert _seen(embed.description or "") == words, f"{name} [{lang}] markdown"
        check_telegram(tg.pointer_doc(), lang, "pointer")
        check_discord_text(dc.pointer_text(), lang, "pointer")
        text = "\n".join(d.plain for d in tg.explain_docs(answer, now))
        # the live numbers are in it: today's score, the 40y yield and USD/JPY of the day
        values = {k: v for c in answer.risk.components for k, v in c.values.items()}
        assert answer.risk.score is not None
        assert fmt(answer.risk.score, Unit.POINTS) in text
        assert fmt(values["jgb.40y"], Unit.YIELD) in text
        assert fmt(values["usdjpy"], Unit.JPY) in text
        st = answer.standing
        assert st is not None and st.last_severe is not None
        assert fmt(st.last_severe.peak, Unit.POINTS) in text
        if st.unwind is not None:
            assert fmt(st.unwind.peak, Unit.POINTS) in text
    if lang != "en":  # the catalogue was used, not the English
        with i18n.use("en"):
            english = "\n".join(d.plain for d in tg.explain_docs(answer, now))
        assert english != text
        assert not set(english.splitlines()) & set(text.splitlines()) - {""}
