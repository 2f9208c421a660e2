"""Fill a database with N stored records quickly, for retro-screening at 10M.

Ingesting ten million records through the full pipeline (connector, store,
screen queue, screening) takes hours on a small machine; retro-screening only
needs them *stored*: rows in ``records`` and their blocking keys in
``record_keys``. This module writes exactly those rows, built by the ingest
path's own functions, without the per-batch round trips:

- records are generated (:func:`casewatch.generate.generate_records`: several
  schemas, the generator's name pools, 20 % near-duplicates of other watchlist
  subjects) plus a few *planted* variants of the probe subjects (the ones the
  benchmark then watches), spread over the id range;
- each record goes through the FtM connector's steps (JSON line -> entity ->
  :class:`~casewatch.sources.SourceRecord` with its content hash, scope
  filter) and ``store._record_values`` -> the same ``records`` columns as
  ingest; its keys come from ``recordindex.key_rows`` of the compiled entity
  -- in forked worker processes (both cores), in chunks with pre-assigned ids;
- the main process writes the records as they come (SQLite: ``executemany`` in
  big transactions, ``synchronous=OFF`` on the fill connection only;
  PostgreSQL: ``COPY``), collects the key pairs in numpy arrays, sorts them
  and appends them to ``record_keys`` in primary-key order (a B-tree built by
  appending instead of tens of millions of random inserts).

The tables keep every index and constraint the migrations define throughout
(:func:`check_indexes` verifies them afterwards). The records are stored as
already screened: nothing goes into the screen queue.
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Engine, func, inspect, select

from casewatch.db.engine import transaction
from casewatch.db.models import IngestBatch, Record
from casewatch.ftm.io import parse_entity
from casewatch.generate import VARIANT_KINDS, SubjectPool, generate_records
from casewatch.generate.records import make_variant
from casewatch.matching import compile_entity
from casewatch.monitor.dbutil import RECORD_COLUMNS, table
from casewatch.monitor.recordindex import key_rows
from casewatch.monitor.store import _record_row, _record_values
from casewatch.sources.base import apply_scope
from casewatch.sources.ftm import FtMConnector

Entity = dict[str, Any]
#: Records per worker task (one task = one pickled result of rows and key arrays).
CHUNK = 10_000
#: Key pairs per ``executemany`` / ``COPY`` slice and SQLite records per transaction.
KEY_SLICE = 1_000_000
RECORDS_PER_COMMIT = 200_000
FILL_PATH = "generated:retro-fill"

# Set in the parent before the workers fork (inherited, never pickled per task).
_BACKGROUND: SubjectPool | None = None


@dataclass
class FillResult:
    """What a fill wrote: counts, seconds, and the planted variants by probe subject."""

    records: int = 0
    keys: int = 0
    seconds: float = 0.0
    generate_seconds: float = 0.0
    key_seconds: float = 0.0
    planted: dict[str, set[str]] = field(default_factory=dict)


def plant_variants(probes: list[Entity], seed: int) -> list[Entity]:
    """One record per variant kind per probe subject (when the subject allows the kind).

    Entity ids are ``plant-<probe number>-<kind>``; :func:`planted_by_subject`
    maps them back to the probe. These are the records a new watch on the
    probe must find.
    """
    rng = random.Random(seed)
    out: list[Entity] = []
    for number, probe in enumerate(probes):
        pool = SubjectPool.from_entities([probe])
        for kind in VARIANT_KINDS:
            made = make_variant(pool, kind, rng, f"plant-{number}-{kind}")
            if made is not None:
                out.append(made[0])
    return out


def planted_by_subject(probes: list[Entity], planted: list[Entity]) -> dict[str, set[str]]:
    """Probe subject id -> entity ids of its planted variants."""
    out: dict[str, set[str]] = {p["id"]: set() for p in probes}
    for entity in planted:
        number = int(entity["id"].split("-")[1])
        out[probes[number]["id"]].add(entity["id"])
    return out


@dataclass(frozen=True)
class Chunk:
    """One worker task: ``size`` records with ids from ``first_id``, planted ones mixed in."""

    number: int
    first_id: int
    size: int
    seed: int
    variant_fraction: float
    planted: tuple[bytes, ...]
    backend: str
    batch_id: int
    fetched_at: datetime
    ingested_at: datetime


def _entities(chunk: Chunk) -> list[Entity]:
    """The chunk's generated records with its planted ones at seeded random positions."""
    assert _BACKGROUND is not None, "fill workers need the background pool"
    count = chunk.size - len(chunk.planted)
    made = [e for e, _ in generate_records(_BACKGROUND, count, seed=chunk.seed,
                                           variant_fraction=chunk.variant_fraction)] if count else []
    rng = random.Random(chunk.seed)
    for raw in chunk.planted:
        made.insert(rng.randint(0, len(made)), orjson.loads(raw))
    return made


def _value_converter(backend: str, now: datetime) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A record's ``records`` values -> the row tuple the backend's writer sends.

    PostgreSQL: ``store._record_row`` (what ingest streams with ``COPY``).
    SQLite: each value through its column type's bind processor (what
    SQLAlchemy's insert sends: JSON text, datetime strings), so the stored
    bytes are the same as ingest's.
    """
    if backend == "postgresql":
        return lambda values: _record_row(values, now)
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()  # type: ignore[no-untyped-call]
    columns = table(Record).c
    procs = [columns[c].type._cached_bind_processor(dialect) for c in RECORD_COLUMNS]

    def convert(values: dict[str, Any]) -> tuple[Any, ...]:
        values = dict(values, ingested_at=now)
        return tuple(p(values[c]) if p else values[c] for c, p in zip(RECORD_COLUMNS, procs, strict=True))

    return convert


def build_chunk(chunk: Chunk) -> tuple[list[tuple[Any, ...]], np.ndarray, np.ndarray]:
    """Worker: (record rows with their ids, key hashes, record ids) for one chunk.

    Each record takes the FtM connector's path from a JSON line, as ingest does.
    """
    connector = FtMConnector()
    convert = _value_converter(chunk.backend, chunk.ingested_at)
    rows: list[tuple[Any, ...]] = []
    keys: list[tuple[int, int]] = []
    for offset, data in enumerate(_entities(chunk)):
        raw = orjson.dumps(data).decode()
        entity = parse_entity(orjson.loads(raw))
        assert entity.id is not None
        item = apply_scope(connector.record(entity, entity.id, path=FILL_PATH, row=offset + 1,
                                            raw=raw, fetched_at=chunk.fetched_at))
        assert not hasattr(item, "reason"), item
        record_id = chunk.first_id + offset
        rows.append((record_id, *convert(_record_values(item, chunk.batch_id))))  # type: ignore[arg-type]
        keys.extend(key_rows(record_id, compile_entity(item.entity)))  # type: ignore[union-attr]
    pairs = np.array(keys, dtype=np.int64).reshape(-1, 2)
    return rows, pairs[:, 0].copy(), pairs[:, 1].copy()


def _chunks(size: int, first_id: int, planted: list[Entity], seed: int, fraction: float,
            backend: str, batch_id: int) -> Iterator[Chunk]:
    """Split ``size`` records into :data:`CHUNK`-sized tasks, planted records spread evenly."""
    count = (size + CHUNK - 1) // CHUNK
    rng = random.Random(seed)
    by_chunk: dict[int, list[bytes]] = {}
    for entity in planted:
        by_chunk.setdefault(rng.randrange(count), []).append(orjson.dumps(entity))
    now = datetime.now(UTC)
    for number in range(count):
        start = number * CHUNK
        yield Chunk(number, first_id + start, min(CHUNK, size - start), seed * 100_000 + number,
                    fraction, tuple(by_chunk.get(number, [])), backend, batch_id, now, now)


def fill_records(engine: Engine, size: int, background: SubjectPool, planted: list[Entity], *,
                 seed: int = 41, workers: int | None = None,
                 variant_fraction: float = 0.2) -> FillResult:
    """Store ``size`` records (``planted`` among them) with their keys; returns the counts.

    ``background`` is the watchlist the generated records vary (20 % of them
    by default); keep the probe subjects out of it so that their only true
    matches are the planted records.
    """
    global _BACKGROUND
    if len(planted) > size:
        raise ValueError("more planted records than records to fill")
    backend = engine.dialect.name
    with transaction(engine) as session:
        first_id = int(session.scalar(select(func.max(Record.id))) or 0) + 1
        batch = IngestBatch(source="ftm", path=FILL_PATH, file_hash="-", counts={},
                            status="done", finished_at=datetime.now(UTC))
        session.add(batch)
        session.flush()
        batch_id = batch.id
    result = FillResult()
    start = time.perf_counter()
    _BACKGROUND = background
    writer = (PostgresWriter if backend == "postgresql" else SQLiteWriter)(engine)
    keys: list[np.ndarray] = []
    ids: list[np.ndarray] = []
    tasks = _chunks(size, first_id, planted, seed, variant_fraction, backend, batch_id)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for rows, chunk_keys, chunk_ids in pool.imap(build_chunk, tasks):
                writer.records(rows)
                keys.append(chunk_keys)
                ids.append(chunk_ids)
                result.records += len(rows)
                _report("records", result.records, size, start)
        result.generate_seconds = time.perf_counter() - start
        result.keys = _write_keys(writer, keys, ids)
        writer.finish(first_id + size - 1, size)
    finally:
        writer.close()
        _BACKGROUND = None
    result.key_seconds = time.perf_counter() - start - result.generate_seconds
    result.seconds = time.perf_counter() - start
    with transaction(engine) as session:
        session.get_one(IngestBatch, batch_id).counts = {"rows": size, "new": size}
    check_indexes(engine)
    return result


def _write_keys(writer: Any, keys: list[np.ndarray], ids: list[np.ndarray]) -> int:
    """Sort every (key, record id) pair in primary-key order and append them."""
    all_keys = np.concatenate(keys) if keys else np.empty(0, np.int64)
    all_ids = np.concatenate(ids) if ids else np.empty(0, np.int64)
    keys.clear()
    ids.clear()
    order = np.lexsort((all_ids, all_keys))
    all_keys, all_ids = all_keys[order], all_ids[order]
    del order
    start = time.perf_counter()
    for begin in range(0, len(all_keys), KEY_SLICE):
        end = begin + KEY_SLICE
        writer.keys(zip(all_keys[begin:end].tolist(), all_ids[begin:end].tolist(), strict=True))
        _report("keys", min(end, len(all_keys)), len(all_keys), start)
    return len(all_keys)


def _report(what: str, done: int, total: int, start: float) -> None:
    """A progress line on stderr every tenth of the way (the fill runs for many minutes)."""
    step = max(1, total // 10)
    if done % step < (CHUNK if what == "records" else KEY_SLICE) or done == total:
        elapsed = time.perf_counter() - start
        print(f"  fill: {done:,}/{total:,} {what} in {elapsed:,.0f} s", file=sys.stderr,
              flush=True)


class SQLiteWriter:
    """Plain ``executemany`` on the driver connection, committed every few hundred thousand rows.

    ``synchronous=OFF`` for this connection only (the fill is redone from scratch
    if the machine dies); the journal stays WAL, as casewatch runs it.
    """

    def __init__(self, engine: Engine) -> None:
        self.conn = engine.raw_connection()
        self.cursor = self.conn.cursor()
        self.cursor.execute("PRAGMA synchronous=OFF")
        self.cursor.execute("PRAGMA cache_size=-262144")  # 256 MB
        self.pending = 0
        columns = ", ".join(("id", *RECORD_COLUMNS))
        marks = ", ".join("?" for _ in range(len(RECORD_COLUMNS) + 1))
        self.record_sql = f"INSERT INTO records ({columns}) VALUES ({marks})"

    def records(self, rows: list[tuple[Any, ...]]) -> None:
        self.cursor.executemany(self.record_sql, rows)
        self.pending += len(rows)
        if self.pending >= RECORDS_PER_COMMIT:
            self.conn.commit()
            self.pending = 0

    def keys(self, pairs: Iterator[tuple[int, int]]) -> None:
        self.cursor.executemany("INSERT INTO record_keys (key, record_id) VALUES (?, ?)",
                                pairs)  # type: ignore[arg-type]
        self.conn.commit()

    def finish(self, last_id: int, size: int) -> None:
        self.conn.commit()
        self.cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.cursor.close()
        self.conn.close()


class PostgresWriter:
    """``COPY ... FROM STDIN`` for both tables, in one transaction per call."""

    def __init__(self, engine: Engine) -> None:
        self.conn = engine.raw_connection()

    def _copy(self, sql: str, rows: Any) -> None:
        cursor = self.conn.cursor()
        try:
            with cursor.copy(sql) as copy:  # type: ignore[attr-defined]
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        self.conn.commit()

    def records(self, rows: list[tuple[Any, ...]]) -> None:
        self._copy(f"COPY records (id, {', '.join(RECORD_COLUMNS)}) FROM STDIN", rows)

    def keys(self, pairs: Iterator[tuple[int, int]]) -> None:
        self._copy("COPY record_keys (key, record_id) FROM STDIN", pairs)

    def finish(self, last_id: int, size: int) -> None:
        """Move the id sequence past the explicit ids; refresh the planner's statistics."""
        cursor = self.conn.cursor()
        cursor.execute("SELECT setval(pg_get_serial_sequence('records', 'id'), "
                       "(SELECT max(id) FROM records))")
        self.conn.commit()
        cursor.execute("ANALYZE records")
        cursor.execute("ANALYZE record_keys")
        self.conn.commit()
        cursor.close()

    def close(self) -> None:
        self.conn.close()


#: What the migrations define on the two filled tables (``test_migrations_match_models``
#: keeps the models and the migrations in agreement).
EXPECTED = {
    "records": {"pk": ["id"], "unique": {"uq_records_content": ["source", "source_id",
                                                                "content_hash"]},
                "indexes": {"ix_records_entity": ["source", "entity_id"],
                            "ix_records_ingested_at": ["ingested_at"]}},
    "record_keys": {"pk": ["key", "record_id"], "unique": {}, "indexes": {}},
}


def check_indexes(engine: Engine) -> None:
    """Raise if a filled table's primary key, unique constraints or indexes differ from
    the migrations' (a fill must leave the database as ingest would)."""
    inspector = inspect(engine)
    for name, want in EXPECTED.items():
        pk = inspector.get_pk_constraint(name)["constrained_columns"]
        unique = {u["name"]: u["column_names"] for u in inspector.get_unique_constraints(name)}
        indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes(name)
                   if not i.get("unique")}
        got = {"pk": pk, "unique": unique, "indexes": indexes}
        if got != want:
            raise RuntimeError(f"table {name}: expected {want}, found {got}")
