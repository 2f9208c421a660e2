"""Small dialect helpers shared by the monitor: insert-or-ignore, claiming queue rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casewatch.db.models import ScreenQueue


def table(model: Any) -> Table:
    """The Core table of a mapped class (typed, for Core bulk statements)."""
    return cast(Table, model.__table__)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_ignore(session: Session, table: Table, conflict: Sequence[str]) -> Any:
    """``INSERT ... ON CONFLICT (conflict) DO NOTHING`` for the session's database."""
    if is_postgres(session):
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))


def claim_queue(session: Session, limit: int, only: Sequence[int] | None = None) -> list[int]:
    """Take up to ``limit`` record ids off the screen queue, inside the caller's transaction.

    One statement deletes the claimed rows and returns them: if the caller's
    transaction rolls back (or the process dies), the rows are back in the
    queue. On PostgreSQL the rows are picked with ``FOR UPDATE SKIP LOCKED``,
    so concurrent workers each get different rows and never wait on each
    other; SQLite has one writer at a time, so the delete itself is the lock.
    ``only`` restricts the claim to given record ids (the ones this worker
    just ingested and holds in memory).
    """
    queue = table(ScreenQueue)
    pick = select(queue.c.record_id)
    if only is not None:
        pick = pick.where(queue.c.record_id.in_(list(only)))
    else:
        pick = pick.order_by(queue.c.record_id).limit(limit)
    if is_postgres(session):
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        delete(queue)
        .where(queue.c.record_id.in_(pick))
        .returning(queue.c.record_id)
    )
    return sorted(session.execute(stmt).scalars())


def insert_pairs(session: Session, table_name: str, columns: tuple[str, str],
                 rows: list[tuple[int, int]]) -> None:
    """Bulk-insert integer pairs through the driver's ``executemany``.

    For the index and queue tables (tens of thousands of tiny rows per batch)
    SQLAlchemy's per-row parameter processing costs more than the insert; the
    rows are plain integers, so they go to the driver as they are.
    """
    if not rows:
        return
    mark = "%s" if is_postgres(session) else "?"
    sql = f"INSERT INTO {table_name} ({columns[0]}, {columns[1]}) VALUES ({mark}, {mark})"
    session.connection().exec_driver_sql(sql, rows)  # type: ignore[arg-type]
