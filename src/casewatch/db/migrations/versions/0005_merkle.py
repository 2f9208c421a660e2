"""audit Merkle tree heads: checkpoint version + frontier, stored subtree hashes

Existing checkpoints keep version 1 (their root_hash is the chain head) and
still verify; new ones are version 2 (RFC 9162 Merkle root). The node table is
append-only like the rest of the audit log.

Revision ID: 0005_merkle
Revises: 0004_access
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_merkle"
down_revision = "0004_access"
branch_labels = None
depends_on = None

GUARD_SQLITE = [
    """CREATE TRIGGER audit_merkle_nodes_no_update BEFORE UPDATE ON audit_merkle_nodes
       BEGIN SELECT RAISE(ABORT, 'audit_merkle_nodes is append-only'); END""",
    """CREATE TRIGGER audit_merkle_nodes_no_delete BEFORE DELETE ON audit_merkle_nodes
       BEGIN SELECT RAISE(ABORT, 'audit_merkle_nodes is append-only'); END""",
]
GUARD_POSTGRES = [
    # casewatch_append_only() comes from migration 0001
    """CREATE TRIGGER audit_merkle_nodes_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
       ON audit_merkle_nodes FOR EACH STATEMENT EXECUTE FUNCTION casewatch_append_only()""",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_merkle_nodes FROM PUBLIC",
]


def upgrade() -> None:
    op.add_column(
        "audit_checkpoints",
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
    )
    op.add_column("audit_checkpoints", sa.Column("frontier", sa.LargeBinary(), nullable=True))
    op.create_table(
        "audit_merkle_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx"),
    )
    dialect = op.get_bind().dialect.name
    for statement in GUARD_SQLITE if dialect == "sqlite" else GUARD_POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("audit_merkle_nodes")
    with op.batch_alter_table("audit_checkpoints") as batch_op:
        batch_op.drop_column("frontier")
        batch_op.drop_column("version")
    if op.get_bind().dialect.name == "sqlite":  # the batch rebuilt the table without its guard
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_{verb.lower()} BEFORE {verb} "
                "ON audit_checkpoints BEGIN SELECT RAISE(ABORT, "
                "'audit_checkpoints is append-only'); END"
            )
