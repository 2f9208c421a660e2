"""access and accountability: indexes for reading the audit log and reviews

Revision ID: 0004_access
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0004_access"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_actor", "audit_events", ["actor"])
    op.create_index("ix_reviews_object", "reviews", ["object_type", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_reviews_object", table_name="reviews")
    op.drop_index("ix_audit_events_actor", table_name="audit_events")
    op.drop_index("ix_audit_events_at", table_name="audit_events")
