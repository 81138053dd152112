"""Alert rows keep the whole ``AlertEvent`` (``facts``); observations say if provisional.

The outbox persists ``StoredAlert(id, event)``; ``facts`` is ``event.to_json()``
(indicator, operator, score level, reason codes, driver …), the columns beside
it stay for indexes, dedup and people reading the table. Rows written before
this migration have no facts and are read back from their columns.

``observations.provisional`` marks an intraday value of a day still trading,
so after a restart the day's close still replaces it (issue 8 §3).

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
    with op.batch_alter_table("observations") as batch:
        batch.add_column(sa.Column("provisional", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("observations") as batch:
        batch.drop_column("provisional")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("facts")
