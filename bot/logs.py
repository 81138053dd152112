"""Logging set-up: one format, quiet HTTP clients, and secrets redacted everywhere.

httpx logs every request URL at INFO, and Telegram's URLs contain the bot
token (``/bot<token>/getUpdates``). Lowering httpx to WARNING is not enough on
its own (an exception can quote the URL), so the formatter also replaces every
configured secret in the final text, tracebacks included.

Every other way out goes through the same redaction: :func:`install_exit_hooks`
routes uncaught exceptions (``sys.excepthook``, ``threading.excepthook``) and
asyncio's loop exception handler into logging, and :func:`redact` cleans the
one-line errors the CLI prints. Secrets are known from the settings once they
are read and, before that, from the ``CARRYWATCH_*`` environment.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # settings (pydantic) and asyncio load only in the commands that use them
    import asyncio

    from bot.settings import Settings

REDACTED = "***"
NOISY = ("httpx", "httpcore", "apscheduler.scheduler", "aiosqlite")


_configured: set[str] = set()
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DATEFMT = "%Y-%m-%dT%H:%M:%S%z"


def _scrub(text: str, secrets: Iterable[str]) -> str:
    # longest first, so a token is replaced whole before any part of it
    for secret in sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, datefmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt, datefmt)
        self._secrets = set(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return _scrub(super().format(record), self._secrets | known_secrets())


def _token_parts(raw: str) -> list[str]:
    return [raw, *raw.split(":")[1:]]  # Telegram tokens: "<bot id>:<secret>"


def _dsn_password(url: str) -> list[str]:
    head = url.split("@")[0] if "@" in url else ""
    if ":" in head.split("//", 1)[-1]:
        return [head.rsplit(":", 1)[-1]]
    return []


def settings_secrets(settings: Settings) -> list[str]:
    """Every secret value the process knows, and the parts of a token that URLs carry."""
    values = []
    for token in (settings.telegram.token, settings.discord.token):
        if token is not None:
            values += _token_parts(token.get_secret_value())
    values += _dsn_password(settings.database_url)
    return values


def known_secrets() -> set[str]:
    """Secrets from the settings (once configured) and from the environment (always)."""
    found = set(_configured)
    for name in ("CARRYWATCH_TELEGRAM__TOKEN", "CARRYWATCH_DISCORD__TOKEN"):
        if raw := os.environ.get(name):
            found.update(_token_parts(raw))
    found.update(_dsn_password(os.environ.get("CARRYWATCH_DATABASE_URL", "")))
    return found


def redact(text: str) -> str:
    """``text`` with every known secret masked (for lines printed outside logging)."""
    return _scrub(text, known_secrets())


def _handler(secrets: Iterable[str]) -> logging.Handler:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(FORMAT, DATEFMT, secrets))
    return handler


def _uncaught(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    logging.getLogger("carrywatch").critical("uncaught error", exc_info=(kind, exc, tb))


def _uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    logging.getLogger("carrywatch").critical(
        "uncaught error in thread %s",
        args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )


def loop_exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's handler for errors nobody awaited, through the redacting logs."""
    exc = context.get("exception")
    message = str(context.get("message") or "unhandled error in the event loop")
    logging.getLogger("asyncio").error(
        "%s", message, exc_info=(type(exc), exc, exc.__traceback__) if exc else None
    )


def install_exit_hooks() -> None:
    """Route uncaught exceptions into logging, with a redacting handler if none is set."""
    sys.excepthook = _uncaught
    threading.excepthook = _uncaught_in_thread
    root = logging.getLogger()
    if not root.handlers:
        root.handlers[:] = [_handler(())]


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    _configured.update(secrets)
    install_exit_hooks()
    root = logging.getLogger()
    root.handlers[:] = [_handler(secrets)]
    root.setLevel(level.upper())
    for name in NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
