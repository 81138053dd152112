"""Prometheus counters for the Discord adapter (served by the runtime's /metrics)."""

from __future__ import annotations

from prometheus_client import Counter

from bot.metrics import REGISTRY

COMMANDS = Counter(
    "carrywatch_discord_commands_total",
    "Slash commands answered, by command and outcome (ok, user_error, refused, failed).",
    ["command", "outcome"],
    registry=REGISTRY,
)
SENDS = Counter(
    "carrywatch_discord_sends_total",
    "Alert sends to Discord channels, by result (delivered, retry, permanent).",
    ["result"],
    registry=REGISTRY,
)
SYNCS = Counter(
    "carrywatch_discord_command_syncs_total",
    "Application-command syncs, by result (synced, unchanged).",
    ["result"],
    registry=REGISTRY,
)
