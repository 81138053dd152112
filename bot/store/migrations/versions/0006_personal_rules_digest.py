"""Personal rules per chat or server, and weekly-digest preferences (issue 13).

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "personal_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=80), nullable=False),
        sa.Column("thread_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("expr", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_rules")),
        sa.UniqueConstraint(
            "platform",
            "owner_id",
            "thread_id",
            "name",
            name=op.f("uq_personal_rules_platform_owner_id_thread_id_name"),
        ),
    )
    op.create_table(
        "digest_settings",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=80), nullable=False),
        sa.Column("thread_id", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("last_sent_for", sa.String(length=16), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_digest_settings_weekday")),
        sa.CheckConstraint("hour BETWEEN 0 AND 23", name=op.f("ck_digest_settings_hour")),
        sa.PrimaryKeyConstraint(
            "platform", "owner_id", "thread_id", name=op.f("pk_digest_settings")
        ),
    )


def downgrade() -> None:
    op.drop_table("digest_settings")
    op.drop_table("personal_rules")
