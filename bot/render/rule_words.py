"""Rule names as people read them: ``usdjpy.chg_1d_pct`` → "USD/JPY 1-day change".

Used by the rule preview and the weekly digest; numbers go through
:func:`bot.render.common.value_text` like every other message.
"""

from __future__ import annotations

_LABELS = {
    "jgb": "JGB",
    "ust": "UST",
    "usdjpy": "USD/JPY",
    "btc": "BTC",
    "spread": "US–JP 10y gap",
}
_OP_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def op_symbol(op: str) -> str:
    return _OP_SYMBOL.get(op, op)


def indicator_label(name: str) -> str:
    """``jgb.40y.chg_5d_bp`` → "40y JGB 5-day change"; ``score`` → "stress score"."""
    if name == "score":
        return "stress score"
    if name.startswith("component."):
        return name.removeprefix("component.").replace("_", " ") + " score"
    parts = name.split(".")
    head = parts[0]
    if head in ("jgb", "ust") and len(parts) > 1:
        base, rest = f"{parts[1]} {_LABELS[head]}", parts[2:]
    elif head == "spread":
        base, rest = _LABELS["spread"], parts[2:]
    else:
        base, rest = _LABELS.get(head, head), parts[1:]
    if not rest:
        return base
    ind = rest[0]
    days = ind.split("_")[1].removesuffix("d") if "_" in ind else ""
    if ind.startswith("chg_"):
        return f"{base} {days}-day change"
    if ind.startswith("drawdown_"):
        return f"{base} drop from {days}-day high"
    if ind.startswith("z_"):
        return f"{base} {days}-day move in σ"
    if ind.startswith("vol_"):
        return f"{base} {days}-day volatility"
    return f"{base} {ind}"
