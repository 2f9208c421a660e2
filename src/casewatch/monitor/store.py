"""Storing a batch's records: one insert that tells new records from unchanged ones.

Records are evidence, stored as received (source, source id, content hash,
fetch time, raw text). ``(source, source_id, content_hash)`` is unique, so
inserting with ``ON CONFLICT DO NOTHING ... RETURNING`` says in one statement
which records are new (they come back) and which were already stored. On
PostgreSQL the rows are streamed with ``COPY`` into a temporary table and
inserted from there (:func:`~casewatch.monitor.dbutil.copy_new_records`).
Each new record is compiled for matching once, here, and handed to screening
with its provenance (:data:`Fresh`), so screening never reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from followthemoney import EntityProxy
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casewatch.db.models import Alert, Record
from casewatch.matching import Compiled, compile_entity
from casewatch.monitor.dbutil import (
    RECORD_COLUMNS,
    copy_new_records,
    insert_ignore,
    is_postgres,
    table,
)
from casewatch.sources import SourceRecord


@dataclass(frozen=True)
class StoredRecord:
    """What screening and alerting need of a stored record (its provenance included)."""

    id: int
    source: str
    source_id: str
    entity_id: str
    schema: str
    caption: str
    content_hash: str
    fetched_at: datetime
    batch_id: int | None

    def provenance(self) -> dict[str, Any]:
        return {
            "record_id": self.id,
            "source": self.source,
            "source_id": self.source_id,
            "entity_id": self.entity_id,
            "schema": self.schema,
            "caption": self.caption,
            "content_hash": self.content_hash,
            "fetched_at": self.fetched_at.isoformat(),
            "batch_id": self.batch_id,
        }


#: Freshly stored records (compiled for matching once) handed to screening without a
#: round trip to the database.
Fresh = dict[int, tuple[StoredRecord, EntityProxy | Compiled]]


def _record_values(item: SourceRecord, batch_id: int) -> dict[str, Any]:
    """The ``records`` row of a source record (its caption is computed once, here)."""
    entity = item.entity
    return {
        "source": item.source,
        "source_id": item.source_id,
        "entity_id": entity.id,
        "schema": entity.schema.name,
        "caption": entity.caption or "",
        "properties": entity.to_dict().get("properties", {}),
        "op": item.op,
        "content_hash": item.content_hash,
        "fetched_at": item.fetched_at,
        "batch_id": batch_id,
        "raw": item.raw,
    }


def _record_row(values: dict[str, Any], now: datetime) -> tuple[Any, ...]:
    """A record's row as a ``RECORD_COLUMNS`` tuple for ``COPY`` (PostgreSQL)."""
    values = dict(values)
    fetched = values["fetched_at"]
    if fetched.tzinfo is None:
        fetched = fetched.replace(tzinfo=UTC)
    values.update(properties=orjson.dumps(values["properties"]).decode(), fetched_at=fetched,
                  ingested_at=now)
    return tuple(values[c] for c in RECORD_COLUMNS)


def store_records(
    session: Session, items: list[SourceRecord], batch_id: int
) -> tuple[Fresh, list[SourceRecord], int]:
    """Insert the batch's records; returns (new ADD/MOD records, new DELs, unchanged count)."""
    unique: dict[tuple[str, str], SourceRecord] = {}
    for item in items:
        unique.setdefault((item.source_id, item.content_hash), item)
    values = {key: _record_values(item, batch_id) for key, item in unique.items()}
    if is_postgres(session):
        now = datetime.now(UTC)
        rows = copy_new_records(session, [_record_row(v, now) for v in values.values()])
    else:
        records = table(Record)
        stmt = insert_ignore(session, records, ["source", "source_id", "content_hash"]).returning(
            records.c.id, records.c.source_id, records.c.content_hash, records.c.fetched_at
        )
        rows = list(session.execute(stmt, list(values.values())).all())
    fresh: Fresh = {}
    dels: list[SourceRecord] = []
    for record_id, source_id, chash, fetched in rows:
        item = unique[(source_id, chash)]
        if item.op == "DEL":
            dels.append(item)
            continue
        row = values[(source_id, chash)]
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        stored = StoredRecord(record_id, item.source, source_id, str(row["entity_id"]),
                              row["schema"], row["caption"], chash, fetched, batch_id)
        fresh[record_id] = (stored, compile_entity(item.entity))
    return fresh, dels, len(items) - len(rows)


def mark_removed(session: Session, source: str, dels: list[SourceRecord]) -> None:
    """A list entry was removed at the source: stamp (never close) every alert about it."""
    if not dels:
        return
    ids = sorted({str(d.entity.id) for d in dels})
    records = select(Record.id).where(Record.source == source, Record.entity_id.in_(ids))
    session.execute(
        update(Alert)
        .where(Alert.record_id.in_(records), Alert.source_removed_at.is_(None))
        .values(source_removed_at=datetime.now(UTC))
    )
