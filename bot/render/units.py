"""How an indicator's number reads to a person: unit, sign and precision."""

from __future__ import annotations

_LABELS = {
    "jgb": "JGB",
    "ust": "UST",
    "usdjpy": "USD/JPY",
    "btc": "BTC",
    "spread": "US–JP 10y gap",
    "score": "stress score",
}
_OP_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def op_symbol(op: str) -> str:
    return _OP_SYMBOL.get(op, op)


def indicator_label(name: str) -> str:
    """``jgb.40y.chg_5d_bp`` -> ``40y JGB 5-day change``."""
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
    if ind.startswith("chg_"):
        return f"{base} {ind.split('_')[1].removesuffix('d')}-day change"
    if ind.startswith("drawdown_"):
        return f"{base} drop from {ind.split('_')[1].removesuffix('d')}-day high"
    if ind.startswith("z_"):
        return f"{base} {ind.split('_')[1].removesuffix('d')}-day move in σ"
    if ind.startswith("vol_"):
        return f"{base} {ind.split('_')[1].removesuffix('d')}-day volatility"
    return f"{base} {ind}"


def format_value(name: str, value: float) -> str:
    """``3.72%``, ``+23 bp``, ``-2.9%``, ``$53,991``, ``145.58``, ``3.1σ``, ``62``."""
    if name == "score" or name.startswith("component."):
        return f"{value:.1f}"
    if name.endswith("_bp"):
        return f"{value:+.1f} bp" if abs(value) < 10 else f"{value:+.0f} bp"
    if name.endswith("_pct") or ".drawdown_" in name:
        return f"{value:+.1f}%"
    if ".z_" in name:
        return f"{value:+.1f}σ"
    if ".vol_" in name:
        return f"{value:.1f}"
    head = name.split(".")[0]
    if head in ("jgb", "ust"):
        return f"{value:.3f}%"
    if head == "spread":
        return f"{value:.2f} pp"
    if head == "btc":
        return f"${value:,.0f}"
    return f"{value:.2f}"


def unit_of(name: str) -> str:
    """The unit word of an indicator's value: ``bp``, ``%``, ``σ``, ``pp``, ``JPY``, ``USD``."""
    if name == "score" or name.startswith("component."):
        return "points"
    if name.endswith("_bp"):
        return "bp"
    if name.endswith("_pct") or ".drawdown_" in name:
        return "%"
    if ".z_" in name:
        return "σ"
    head = name.split(".")[0]
    return {"jgb": "%", "ust": "%", "spread": "pp", "btc": "USD", "usdjpy": "JPY"}.get(head, "")
