"""An outbox row may carry a chart spec (``alerts.attachment``): the weekly digest's
score path, drawn at send time from the stored snapshots (issue 13).

The column holds ``ChartSpec.to_json()`` — kind, week, zone, cutoff — never PNG
bytes: a retry redraws the same picture from the same rows. NULL for every
other alert and for rows written before this migration.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("attachment", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("attachment")
