"""/explain in words: three short messages, platform-neutral, with the live numbers in.

1. the yen carry trade and why JGB yields, USD/JPY and BTC move together when it
   unwinds, with today's levels of each;
2. what each part of the score measures, with its score, weight and reading now
   (the same sentences /risk's Details use, so the two never disagree);
3. where today's reading stands: its rank in the history, the 2024 unwind's peak
   and the last severe episode (found in the scored history, ``signals.episodes``).

Every sentence is a whole template in the reader's language; the renderers only
style: a :class:`Section` is a title and blocks of (optional heading, text).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from bot.commands.answers import ComponentView
from bot.commands.explain import ExplainAnswer
from bot.i18n import N_, _, formats, ngettext, pgettext
from bot.render.common import LEVEL_EMOJI, STALE_EMOJI, Unit, data_age_text, fmt, level_word
from bot.render.risk_words import component_name, component_sentence, is_stale
from signals.episodes import Run, Standing, peak_ratio
from signals.levels import level_for

# What each part measures, and why it belongs in a carry-unwind score.
MEASURES = {
    "jgb_superlong": N_(
        "Five-day moves in the 20-, 30- and 40-year JGB yields, either way, by size and by "
        "surprise against their own recent moves: the super-long end is where fiscal and "
        "BoJ shocks show first."
    ),
    "jgb_10y": N_(
        "The same for the 10-year JGB yield, the anchor of BoJ policy and of the rate gap."
    ),
    "yen_squeeze": N_(
        "How fast the yen gains on the dollar over five days, and how far USD/JPY is below "
        "its 30-day high while it is still falling: carry trades being closed."
    ),
    "rate_gap": N_(
        "How much the US–Japan 10-year yield gap narrowed over twenty days: the gap is "
        "what the carry trade earns."
    ),
    "crypto_liquidation": N_(
        "BTC's five-day fall and its distance below its 30-day high: forced selling of "
        "risk assets, around the clock."
    ),
    "comovement": N_(
        "Whether the yen, JGB yields and BTC all move the unwind's way at once, which "
        "noise in one market does not."
    ),
    "day_shock": N_(
        "One day's move against that market's usual daily move; a full shock lifts the "
        "score for that day even before the five-day measures catch up."
    ),
}
LEVELS = [  # (series, unit) in the order a trader reads them
    ("jgb.40y", Unit.YIELD),
    ("jgb.30y", Unit.YIELD),
    ("jgb.10y", Unit.YIELD),
    ("spread.us_jp_10y", Unit.PP),
    ("usdjpy", Unit.JPY),
    ("btc", Unit.USD),
]
LEVEL_LABELS = {
    "jgb.40y": N_("40-year JGB {value}"),
    "jgb.30y": N_("30-year JGB {value}"),
    "jgb.10y": N_("10-year JGB {value}"),
    "spread.us_jp_10y": N_("US–Japan 10-year gap {value}"),
    "usdjpy": N_("USD/JPY {value}"),
    "btc": N_("BTC {value}"),
}


@dataclass(frozen=True, slots=True)
class Block:
    head: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


def _levels(components: tuple[ComponentView, ...]) -> str | None:
    """Today's market levels from the components' own values, or None if none."""
    values: dict[str, float] = {}
    for c in components:
        if c.available:
            values.update({k: v for k, v in c.values.items() if k not in values})
    shown = [_(LEVEL_LABELS[s]).format(value=fmt(values[s], u)) for s, u in LEVELS if s in values]
    if not shown:
        return None
    return pgettext("list separator", ", ").join(shown)


def carry_section(answer: ExplainAnswer, now: dt.datetime) -> Section:
    risk = answer.risk
    blocks = [
        Block(
            None,
            _(
                "For three decades Japanese rates sat near zero, so investors borrowed yen "
                "cheaply and bought higher-yielding assets elsewhere: US bonds and stocks, "
                "and crypto too. That is the yen carry trade. It pays while the US–Japan "
                "rate gap is wide and the yen stays weak."
            ),
        ),
        Block(
            _("Why JGB yields, USD/JPY and BTC move together when it unwinds"),
            _(
                "When Japanese government bond (JGB) yields jump or the BoJ hikes, the gap "
                "that pays for the trade narrows. Borrowers buy yen back to repay, so the "
                "yen strengthens fast (USD/JPY falls), and the losses force leveraged "
                "holders to sell what they bought, BTC among the first because it trades "
                "around the clock. In the rush JGB yields can then fall sharply as money "
                "runs to safety, as in August 2024: a big move either way counts."
            ),
        ),
    ]
    levels = _levels(risk.components)
    age = data_age_text(risk.as_of, now)
    if levels is not None:
        blocks.append(
            Block(None, _("Now: {levels} ({data_age}).").format(levels=levels, data_age=age))
        )
    return Section(_("What the yen carry trade is"), tuple(blocks))


def components_section(answer: ExplainAnswer) -> Section:
    blocks = []
    for c in answer.risk.components:
        name = component_name(c)
        what = _(MEASURES[c.name]) if c.name in MEASURES else ""
        if not c.available or c.score is None:
            head = name
            now = _("Now: no fresh data, left out of the score.")
        else:
            head = _("{component} — {score}, weight {weight} %").format(
                component=name, score=fmt(c.score, Unit.POINTS), weight=f"{c.weight * 100:.0f}"
            )
            reading = component_sentence(c) or _("no reading")
            now = _("Now: {reading}.").format(reading=reading)
            if c.stale:
                now = _("{reading} (stale)").format(reading=now)
        blocks.append(Block(head, f"{what}\n{now}" if what else now))
    blocks.append(
        Block(
            None,
            _(
                "The score is the weighted root-mean-square of the parts with fresh data, "
                "0–100: low < 25 ≤ elevated < 50 ≤ high < 75 ≤ severe. Parts without fresh "
                "data are left out and the weights renormalised."
            ),
        )
    )
    return Section(_("What each part of the score measures"), tuple(blocks))


def _range(run: Run) -> str:
    if run.start == run.end:
        return formats.date_text(run.start)
    return _("from {start} to {end}").format(
        start=formats.date_text(run.start), end=formats.date_text(run.end)
    )


def _episode(score: float | None, run: Run) -> str:
    values = {
        "peak": fmt(run.peak, Unit.POINTS),
        "day": formats.date_text(run.peak_on),
        "days": _range(run),
        "level": level_word_for(run.peak),
    }
    ratio = peak_ratio(score, run)
    if ratio is None:
        return _("Peak {peak} ({level}) on {day}; high or above {days}.").format(**values)
    return _(
        "Peak {peak} ({level}) on {day}; high or above {days}. "
        "Today's score is {ratio} % of that peak."
    ).format(ratio=f"{ratio * 100:.0f}", **values)


def level_word_for(score: float) -> str:
    return level_word(level_for(score))


def _percent(share: float) -> str:
    """Whole percent, but never a rounded-up 100 (or down 0) for a day that is not the
    highest (lowest): 99.96 shows as 99.9."""
    if 0.0 < share < 1.0 or 99.0 < share < 100.0:
        return formats.decimal(math.floor(share * 10) / 10, 1, grouping=False)
    return formats.decimal(math.floor(share), 0, grouping=False)


def _rank(standing: Standing) -> str | None:
    if standing.percentile is None or standing.first_scored is None:
        return None
    return ngettext(
        "Higher than on {pct} % of the {days} day scored since {year}.",
        "Higher than on {pct} % of the {days} days scored since {year}.",
        standing.days_scored,
    ).format(
        pct=_percent(standing.percentile),
        days=formats.decimal(standing.days_scored),
        year=str(standing.first_scored.year),
    )


def standing_section(answer: ExplainAnswer, now: dt.datetime) -> Section:
    risk = answer.risk
    age = data_age_text(risk.as_of, now)
    blocks: list[Block] = []
    if risk.score is None or risk.level is None:
        head = _("{mark} No score: too little fresh data").format(mark=STALE_EMOJI)
        blocks.append(Block(head, _("Nothing to compare ({data_age}).").format(data_age=age)))
        return Section(_("Where today stands"), tuple(blocks))
    score, level = fmt(risk.score, Unit.POINTS), level_word(risk.level)
    if is_stale(risk, now):
        head = _("{mark} Data is out of date — no current reading").format(mark=STALE_EMOJI)
        text = _(
            "The last score was {score} ({level}), {data_age}; the comparison below is for "
            "that day, not for now."
        ).format(score=score, level=level, data_age=age)
    else:
        head = _("{mark} Today: {score} — {level}").format(
            mark=LEVEL_EMOJI[risk.level], score=score, level=level
        )
        text = _("{data_age}.").format(data_age=age)
        text = text[:1].upper() + text[1:]
    blocks.append(Block(head, text))
    st = answer.standing
    if st is None:
        blocks.append(
            Block(None, _("No history is loaded here, so there is no comparison with the past."))
        )
    else:
        rank = _rank(st)
        if rank:
            blocks.append(Block(None, rank))
        blocks.append(_unwind_block(st, risk.score))
        blocks.append(_severe_block(st, risk.score))
    blocks.append(
        Block(None, _("The live score and what drives it: /risk. Alerts here: /subscribe."))
    )
    return Section(_("Where today stands"), tuple(blocks))


def _unwind_block(st: Standing, score: float) -> Block:
    head = _("The 2024 unwind")
    if st.unwind is None:
        return Block(head, _("This reading is older than the 2024 unwind."))
    return Block(head, _episode(score, st.unwind))


def _severe_block(st: Standing, score: float) -> Block:
    head = _("The last severe episode")
    run = st.last_severe
    if run is None:
        return Block(head, _("No earlier severe episode in the history."))
    if st.unwind is not None and run == st.unwind:
        return Block(head, _("The 2024 unwind is also the last severe episode."))
    return Block(head, _episode(score, run))


def explain_sections(answer: ExplainAnswer, now: dt.datetime) -> tuple[Section, ...]:
    """The three messages of /explain, in order."""
    return (
        carry_section(answer, now),
        components_section(answer),
        standing_section(answer, now),
    )


def pointer() -> str:
    """The one line under a chat's first /risk (once per chat, ``claim_explain_hint``)."""
    return _(
        "New here? /explain tells what the yen carry trade is and what each part of this "
        "score measures, with today's numbers."
    )
