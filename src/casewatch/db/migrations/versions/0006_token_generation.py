"""change generations: counters bumped by triggers, so API workers may cache tokens and watches

``change_generations`` holds one row per kind of change (``auth``, ``watches``).
Triggers bump ``auth`` on every UPDATE or DELETE of ``users`` or
``api_tokens`` and ``watches`` on every UPDATE or DELETE of ``watches``, inside
the changing transaction. An API worker reads both counters (one tiny read)
at the start of each request and trusts what it cached only under the same
values: revocation, deactivation, a role change, a removed or renewed watch
take effect on the very next request in every worker. Also the index
``ix_watches_case_id_id`` (case, id) for the screeners' refresh.

Revision ID: 0006_token_generation
Revises: 0005_merkle
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_token_generation"
down_revision = "0005_merkle"
branch_labels = None
depends_on = None

#: (table, counter) pairs: a change to the table bumps the counter
WATCHED = (("users", "auth"), ("api_tokens", "auth"), ("watches", "watches"))


def _sqlite_triggers() -> list[str]:
    out = []
    for table, counter in WATCHED:
        for verb in ("UPDATE", "DELETE"):
            out.append(
                f"CREATE TRIGGER {table}_{verb.lower()}_generation AFTER {verb} ON {table} "
                f"BEGIN UPDATE change_generations SET n = n + 1 WHERE name = '{counter}'; END")
    return out


def _postgres_triggers() -> list[str]:
    out = [
        """CREATE OR REPLACE FUNCTION casewatch_bump_generation() RETURNS trigger AS $$
           BEGIN
             UPDATE change_generations SET n = n + 1 WHERE name = TG_ARGV[0];
             RETURN NULL;
           END $$ LANGUAGE plpgsql""",
    ]
    for table, counter in WATCHED:
        out.append(
            f"CREATE TRIGGER {table}_generation AFTER UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION casewatch_bump_generation('{counter}')")
    return out


def upgrade() -> None:
    op.create_table(
        "change_generations",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.execute("INSERT INTO change_generations (name, n) VALUES ('auth', 0), ('watches', 0)")
    # the API screeners' refresh: a case's watches above an id, as one index range
    op.create_index("ix_watches_case_id_id", "watches", ["case_id", "id"])
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _sqlite_triggers() if sqlite else _postgres_triggers():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, _ in WATCHED:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{verb}_generation")
    else:
        for table, _ in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_generation ON {table}")
        op.execute("DROP FUNCTION IF EXISTS casewatch_bump_generation()")
    op.drop_index("ix_watches_case_id_id", table_name="watches")
    op.drop_table("change_generations")
