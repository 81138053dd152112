"""Rule names as people read them: ``usdjpy.chg_1d_pct`` → "USD/JPY 1-day change".

Used by the rule preview and the weekly digest; numbers go through
:func:`bot.render.common.value_text` like every other message. Each label is a
whole template per shape (series, tenor, window), so zh/ja put the words in
their own order.
"""

from __future__ import annotations

from bot.i18n import N_, _

_LABELS = {
    "usdjpy": N_("USD/JPY"),
    "btc": N_("BTC"),
    "spread": N_("US–JP 10y gap"),
}
_TENOR = {"jgb": N_("{years}y JGB"), "ust": N_("{years}y UST")}
# Component names as the English has always shown them (the code with spaces).
_COMPONENTS = {
    "jgb_superlong": N_("jgb superlong"),
    "jgb_10y": N_("jgb 10y"),
    "yen_squeeze": N_("yen squeeze"),
    "rate_gap": N_("rate gap"),
    "crypto_liquidation": N_("crypto liquidation"),
    "comovement": N_("comovement"),
    "day_shock": N_("day shock"),
}
_OP_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def op_symbol(op: str) -> str:
    return _OP_SYMBOL.get(op, op)


def _tenor(head: str, tenor: str) -> str:
    """``40y`` JGB → "40y JGB" / "40年期日本国债" / "40年国債"."""
    years = tenor.removesuffix("y")
    if not years.isdigit():
        return f"{tenor} {head.upper()}"
    return _(_TENOR[head]).format(years=years)


def _component(name: str) -> str:
    label = _COMPONENTS.get(name)
    return _(label) if label else name.replace("_", " ")


def indicator_label(name: str) -> str:
    """``jgb.40y.chg_5d_bp`` → "40y JGB 5-day change"; ``score`` → "stress score"."""
    if name == "score":
        return _("stress score")
    if name.startswith("component."):
        return _("{component} score").format(component=_component(name.removeprefix("component.")))
    parts = name.split(".")
    head = parts[0]
    if head in ("jgb", "ust") and len(parts) > 1:
        base, rest = _tenor(head, parts[1]), parts[2:]
    elif head == "spread":
        base, rest = _(_LABELS["spread"]), parts[2:]
    else:
        label = _LABELS.get(head)
        base, rest = (_(label) if label else head), parts[1:]
    if not rest:
        return base
    ind = rest[0]
    days = ind.split("_")[1].removesuffix("d") if "_" in ind else ""
    if ind.startswith("chg_"):
        return _("{series} {days}-day change").format(series=base, days=days)
    if ind.startswith("drawdown_"):
        return _("{series} drop from {days}-day high").format(series=base, days=days)
    if ind.startswith("z_"):
        return _("{series} {days}-day move in σ").format(series=base, days=days)
    if ind.startswith("vol_"):
        return _("{series} {days}-day volatility").format(series=base, days=days)
    return f"{base} {ind}"
