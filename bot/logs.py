"""Logging set-up: one format, quiet HTTP clients, and secrets redacted everywhere.

httpx logs every request URL at INFO, and Telegram's URLs contain the bot
token (``/bot<token>/getUpdates``). Lowering httpx to WARNING is not enough on
its own (an exception can quote the URL), so the formatter also replaces every
configured secret in the final text, tracebacks included.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.settings import Settings

REDACTED = "***"
NOISY = ("httpx", "httpcore", "apscheduler.scheduler", "aiosqlite")


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, datefmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt, datefmt)
        # longest first, so a token is replaced whole before any part of it
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def settings_secrets(settings: Settings) -> list[str]:
    """Every secret value the process knows, and the parts of a token that URLs carry."""
    values = []
    for token in (settings.telegram.token, settings.discord.token):
        if token is not None:
            raw = token.get_secret_value()
            values += [raw, *raw.split(":")[1:]]  # Telegram tokens: "<bot id>:<secret>"
    if "@" in settings.database_url and ":" in settings.database_url.split("@")[0]:
        values.append(settings.database_url.split("@")[0].rsplit(":", 1)[-1])  # a DSN password
    return values


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S%z", secrets
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
