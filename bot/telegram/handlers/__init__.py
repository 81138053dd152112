"""Every handler of the bot, in routing order: one module per command group.

Order matters only at the end: the operator refusals follow the operator
commands, and the unknown-command reply comes last (in a later group) so it
sees only what nothing else took.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import BaseHandler

from bot.telegram.context import Deps
from bot.telegram.handlers import (
    admin,
    digest,
    fallback,
    info,
    language,
    rules,
    settings,
    subscriptions,
)

Handler = BaseHandler[Any, Any, Any]

#: Handler group of the unknown-command reply (after group 0, where commands live).
FALLBACK_GROUP = 1


def handlers(deps: Deps) -> list[Handler]:
    return [
        *info.handlers(deps),
        *subscriptions.handlers(deps),
        *settings.handlers(deps),
        *admin.handlers(deps),
        *rules.handlers(deps),
        *digest.handlers(deps),
        *language.handlers(deps),
    ]


def fallback_handlers(deps: Deps) -> list[Handler]:
    return fallback.handlers(deps)
