"""Alembic environment: the engine is passed in by casewatch.db.migrate."""

from __future__ import annotations

from alembic import context

from casewatch.db.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # pragma: no cover - only when alembic is run by hand
    from casewatch.db.engine import make_engine

    engine = make_engine()

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
