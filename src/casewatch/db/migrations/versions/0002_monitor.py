"""monitoring: record-side blocking index and claimed ingest files

Revision ID: 0002_monitor
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import casewatch.db.models

revision = "0002_monitor"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_keys",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("record_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("key", "record_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "ingest_files",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("batch_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column(
            "heartbeat_at", casewatch.db.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "finished_at", casewatch.db.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(["batch_id"], ["ingest_batches.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "file_hash", name="uq_ingest_files_hash"),
    )


def downgrade() -> None:
    op.drop_table("ingest_files")
    op.drop_table("record_keys")
