"""Secrets never reach a log line: not in messages, arguments or tracebacks."""

from __future__ import annotations

import logging

from pydantic import SecretStr

from bot.logs import REDACTED, RedactingFormatter, settings_secrets
from bot.settings import Settings

TOKEN = "123456:AAHsecretTOKENvalue"


def test_token_redacted_from_message_args_and_traceback() -> None:
    settings = Settings(database_url="postgresql+asyncpg://bot:pa55word@db/carrywatch")
    settings.telegram.token = SecretStr(TOKEN)
    formatter = RedactingFormatter("%(message)s", "%H", settings_secrets(settings))
    try:
        raise RuntimeError(f"POST http://api/bot{TOKEN}/getUpdates failed")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "httpx", logging.ERROR, __file__, 1, "HTTP Request: %s %s", ("POST", f"/bot{TOKEN}/x"),
            sys.exc_info(),
        )  # fmt: skip
    text = formatter.format(record)
    assert TOKEN not in text and "AAHsecretTOKENvalue" not in text
    assert REDACTED in text and "Traceback" in text  # the rest of the line survives
    assert "pa55word" not in formatter.format(
        logging.LogRecord("x", logging.INFO, __file__, 1, "dsn pa55word", (), None)
    )
