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
    rows are plain integers, so they go to the driver as they are. On
    PostgreSQL they are streamed with ``COPY ... FROM STDIN`` (one round trip,
    no statement per row), in the session's transaction like any insert.
    """
    if not rows:
        return
    connection = session.connection()
    if is_postgres(session):
        cursor = connection.connection.cursor()
        try:
            with cursor.copy(  # type: ignore[attr-defined]
                f"COPY {table_name} ({columns[0]}, {columns[1]}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    sql = f"INSERT INTO {table_name} ({columns[0]}, {columns[1]}) VALUES (?, ?)"
    connection.exec_driver_sql(sql, rows)  # type: ignore[arg-type]


#: The columns of ``records`` a new record fills, in :func:`copy_new_records` order.
RECORD_COLUMNS = ("source", "source_id", "entity_id", "schema", "caption", "properties", "op",
                  "content_hash", "fetched_at", "ingested_at", "batch_id", "raw")


def copy_new_records(session: Session, rows: list[tuple[Any, ...]]) -> list[Any]:
    """PostgreSQL: insert records (``RECORD_COLUMNS`` tuples, properties as JSON text).

    ``COPY`` into a per-connection temporary table (emptied at commit), then one
    ``INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING``: the same
    statement as the generic path, without rendering and parsing a statement
    with thousands of parameters. Returns (id, source id, content hash,
    fetched at) of the rows actually inserted, in input order.
    """
    columns = ", ".join(RECORD_COLUMNS)
    connection = session.connection()
    connection.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS cw_records_in ON COMMIT DELETE ROWS AS "
        f"SELECT 0 AS ord, {columns} FROM records WITH NO DATA"
    )
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(  # type: ignore[attr-defined]
            f"COPY cw_records_in (ord, {columns}) FROM STDIN"
        ) as copy:
            for number, row in enumerate(rows):
                copy.write_row((number, *row))
    finally:
        cursor.close()
    result = connection.exec_driver_sql(
        f"INSERT INTO records ({columns}) SELECT {columns} FROM cw_records_in ORDER BY ord "
        "ON CONFLICT (source, source_id, content_hash) DO NOTHING "
        "RETURNING id, source_id, content_hash, fetched_at"
    )
    found = list(result.all())
    connection.exec_driver_sql("TRUNCATE cw_records_in")
    return found
