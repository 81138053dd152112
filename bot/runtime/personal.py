"""Issue-13 services the runtime hands to the chat adapters: /rule (and /digest).

Kept apart from ``app.py`` so the wiring there is one line per adapter. The
preview history is the history directory, scored once at the first preview
(in a worker thread) and kept in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.commands.digest import DigestService
from bot.commands.rules import RulesService
from bot.digest.job import DigestJob
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


def digest_service(store: Store, clock: Callable[[], dt.datetime]) -> DigestService:
    return DigestService(store, clock)


def digest_job(store: Store, clock: Callable[[], dt.datetime]) -> DigestJob:
    """Queues due digests; the leader runs it every ``DIGEST_CHECK_MINUTES``."""
    return DigestJob(store, clock)


DIGEST_CHECK_MINUTES = 5
