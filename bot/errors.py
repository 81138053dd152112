"""Errors meant for the operator: the CLI prints their message as one line and exits.

    OperatorError                 one line, secret-free, no traceback
    ├── DatabaseUnreachableError  (bot.store.db) connect failed or timed out
    └── StartupError              (bot.runtime.startup) a platform refused the bot

Everything else that escapes is logged through the redacting formatter by the
hooks in :mod:`bot.logs`, traceback included but secrets masked.
"""

from __future__ import annotations


class OperatorError(Exception):
    """Something the operator must fix; ``str(exc)`` says what, in one line."""


class StartupError(OperatorError):
    """A chat platform refused the bot at start-up (e.g. a 401 for a wrong token)."""
