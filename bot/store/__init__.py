"""The store: observations, snapshots, the alert outbox, deliveries and subscriptions.

SQLAlchemy 2 async on SQLite (embedded default) or PostgreSQL (replicas), schema
by Alembic. Hold a :class:`Store`; the modules beside it (``observations``,
``evaluations``, ``outbox``, ``subscriptions``, ``meta``) hold the same operations
as functions over an ``AsyncSession`` for composing transactions.
"""

from bot.store import personal_models  # noqa: F401  (registers issue-13 tables)
from bot.store.db import make_engine, session_factory, upgrade
from bot.store.records import (
    ClaimedDelivery,
    Correction,
    NewAlert,
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
    "NewAlert",
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
