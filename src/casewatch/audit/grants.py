"""PostgreSQL grants for the application's database role.

The schema owner runs migrations; the application connects as a separate
role that may insert and read audit rows but never change or delete them.
Together with the append-only trigger of migration 0001 this means even a
compromised application cannot rewrite history: only the schema owner could
(and ``casewatch audit verify`` plus an outside witness of the signed
checkpoints would catch that).
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from casewatch.errors import CasewatchError

AUDIT_TABLES = ("audit_events", "audit_checkpoints", "audit_merkle_nodes")
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str, schema: str = "public") -> list[str]:
    """The SQL that gives ``role`` what the application needs, and no more on the audit log."""
    if not _ROLE.match(role):
        raise CasewatchError(
            f"role name {role!r} is not a plain PostgreSQL identifier (lower-case letters, "
            "digits, '_')"
        )
    audit = ", ".join(f"{schema}.{t}" for t in AUDIT_TABLES)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {audit} FROM {role}",
        f"GRANT SELECT, INSERT ON {audit} TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.alembic_version FROM {role}",
    ]


def grant_app_role(engine: Engine, role: str) -> list[str]:
    """Apply :func:`grant_statements` (as the schema owner); returns the statements run."""
    if engine.dialect.name != "postgresql":
        raise CasewatchError(
            "grant-app-role is for PostgreSQL; on SQLite the append-only triggers guard the log"
        )
    statements = grant_statements(role)
    with engine.begin() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        if not exists:
            raise CasewatchError(f"PostgreSQL role {role!r} does not exist: CREATE ROLE {role} LOGIN")
        for statement in statements:
            conn.execute(text(statement))
    return statements
