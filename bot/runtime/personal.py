"""Issue-13 services the runtime hands to the chat adapters: /rule (and /digest).

Kept apart from ``app.py`` so the wiring there is one line per adapter. The
preview history is the history directory, scored once at the first preview
(in a worker thread) and kept in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.commands.rules import RulesService
from bot.rules.previews import PreviewHistory
from bot.settings import Settings
from bot.store.personal_rules import PersonalRules
from bot.store.store import Store


def rules_service(
    settings: Settings, store: Store, clock: Callable[[], dt.datetime]
) -> RulesService:
    limit = settings.alerts.personal_rules_max
    return RulesService(
        PersonalRules(store, limit=limit), PreviewHistory(settings.history_dir), clock=clock
    )
