"""Alert rows keep the whole ``AlertEvent``: a ``facts`` JSON column.

The outbox persists ``StoredAlert(id, event)``; ``facts`` is ``event.to_json()``
(indicator, operator, score level, reason codes, driver …), the columns beside
it stay for indexes, dedup and people reading the table. Rows written before
this migration have no facts and are read back from their columns.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("facts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("facts")
