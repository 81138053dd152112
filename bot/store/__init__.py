"""The store: observations, snapshots, the alert outbox, deliveries and subscriptions.

SQLAlchemy 2 async on SQLite (embedded default) or PostgreSQL (replicas), schema
by Alembic. Hold a :class:`Store`; the modules beside it (``observations``,
``evaluations``, ``outbox``, ``subscriptions``, ``meta``) hold the same operations
as functions over an ``AsyncSession`` for composing transactions.
"""

from bot.store import chat_settings, personal_models  # noqa: F401  (register their tables)
from bot.store.db import make_engine, session_factory, upgrade
from bot.store.records import (
    ClaimedDelivery,
    Correction,
    PlannedDelivery,
    QualityEvent,
    QualityEventLike,
    RuleStateRow,
    SavedEvaluation,
    StoredSnapshot,
    Subscription,
    UpsertResult,
)
from bot.store.store import Store, StoreNotStartedError

__all__ = [
    "ClaimedDelivery",
    "Correction",
    "PlannedDelivery",
    "QualityEvent",
    "QualityEventLike",
    "RuleStateRow",
    "SavedEvaluation",
    "Store",
    "StoreNotStartedError",
    "StoredSnapshot",
    "Subscription",
    "UpsertResult",
    "make_engine",
    "session_factory",
    "upgrade",
]
