"""Append events to the hash-chained audit log.

Each event's hash is SHA-256 over a domain-separated canonical encoding of the
event that includes the previous event's hash, so changing, deleting or
reordering any row breaks every hash after it.

Appends are serialised so that two writers (threads, processes, API workers)
never fork the chain: on PostgreSQL with a transaction-scoped advisory lock,
on SQLite by taking the database write lock (a no-op write) *before* reading
the chain head. Every ``settings.checkpoint_every`` events a signed
checkpoint is added in the same transaction (see :mod:`casewatch.audit.checkpoint`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from casewatch.db.models import AuditEvent, utcnow
from casewatch.settings import get_settings

DOMAIN = b"casewatch.audit.event.v1\x00"
GENESIS = "0" * 64
FIELDS = (
    "seq",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "purpose",
    "params_digest",
    "outcome",
)
OUTCOMES = ("success", "denied", "error")
_LOCK_KEY = "casewatch.audit.chain_lock"
PG_LOCK_ID = 727272

# The append path's statements, built once and run as Core on the session's connection: an
# API worker appends a batch of events for every few requests, and building and compiling
# them anew (and the ORM's bulk-insert layer) cost more CPU than the database work itself.
_PG_LOCK = text(f"SELECT pg_advisory_xact_lock({PG_LOCK_ID})")
_SQLITE_LOCK = text("UPDATE audit_checkpoints SET seq = seq WHERE 0 = 1")
_HEAD = select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
_INSERT = insert(AuditEvent)  # Core when run on a Connection (no ORM bulk layer)


def canonical(values: dict[str, Any]) -> bytes:
    """The canonical encoding of an event's fields (sorted keys, UTC ISO times)."""
    data = {}
    for name in FIELDS:
        value = values.get(name)
        if isinstance(value, datetime):
            value = value.isoformat(timespec="microseconds")
        data[name] = value
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def event_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256(DOMAIN + prev_hash.encode("ascii") + canonical(values)).hexdigest()


def params_digest(params: dict[str, Any] | None) -> str | None:
    """The search terms and parameters used, as canonical JSON (SIS art. 12 asks for them)."""
    if params is None:
        return None
    return orjson.dumps(
        params, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str
    ).decode()


def _lock_chain(session: Session) -> None:
    """Serialise appends so that two writers never fork the chain.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write that
    touches no row still takes the database's write lock (waiting up to
    busy_timeout), so the head read next cannot be overtaken by another writer.
    """
    tx = session.get_transaction()
    if tx is not None and session.info.get(_LOCK_KEY) is tx:
        return
    connection = session.connection()
    connection.execute(_PG_LOCK if connection.dialect.name == "postgresql" else _SQLITE_LOCK)
    session.info[_LOCK_KEY] = session.get_transaction()


def holds_chain_lock(session: Session) -> bool:
    """True when this session's open transaction already serialises audit appends."""
    tx = session.get_transaction()
    if tx is None:
        return False
    if session.info.get(_LOCK_KEY) is tx:
        return True
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite opens a transaction only on the first write: an open one holds the write lock
        raw = session.connection().connection.dbapi_connection
        return bool(getattr(raw, "in_transaction", False))
    return False


def _head(session: Session) -> tuple[int, str]:
    last = session.connection().execute(_HEAD).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def _values(seq: int, fields: dict[str, Any]) -> dict[str, Any]:
    outcome = fields.get("outcome", "success")
    if outcome not in OUTCOMES:
        raise ValueError(f"audit outcome must be one of {OUTCOMES}, not {outcome!r}")
    object_id = fields.get("object_id")
    return {
        "seq": seq,
        "at": fields.get("at") or utcnow(),
        "actor": fields["actor"],
        "action": fields["action"],
        "object_type": fields.get("object_type"),
        "object_id": None if object_id is None else str(object_id),
        "case_id": fields.get("case_id"),
        "purpose": fields.get("purpose"),
        "params_digest": params_digest(fields.get("params")),
        "outcome": outcome,
    }


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str | None = None,
    object_id: str | int | None = None,
    case_id: int | None = None,
    purpose: str | None = None,
    params: dict[str, Any] | None = None,
    outcome: str = "success",
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits with the action it records)."""
    _lock_chain(session)
    seq, prev = _head(session)
    values = _values(
        seq + 1,
        dict(
            actor=actor, action=action, object_type=object_type, object_id=object_id,
            case_id=case_id, purpose=purpose, params=params, outcome=outcome,
        ),
    )
    event = AuditEvent(**values, prev_hash=prev, hash=event_hash(prev, values))
    session.add(event)
    session.flush()
    _maybe_checkpoint(session, [(event.seq, event.hash)])
    return event


def append_many(session: Session, events: Iterable[dict[str, Any]]) -> int:
    """Append many events (keyword dicts as for :func:`append`) under one lock; returns the count.

    For bulk work (a retention run erasing thousands of records): one head
    read and one multi-row INSERT per 1,000 events instead of one each.
    """
    return append_batch(session, events)[1]


def append_batch(session: Session, events: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """As :func:`append_many`, returning ``(first seq, count)``: event *i* got ``first + i``.

    Used by :class:`casewatch.audit.group.GroupWriter` to tell each waiter its event.
    """
    _lock_chain(session)
    seq, prev = _head(session)
    first = seq + 1
    rows: list[dict[str, Any]] = []
    total = 0
    for fields in events:
        seq += 1
        values = _values(seq, fields)
        digest = event_hash(prev, values)
        rows.append({**values, "prev_hash": prev, "hash": digest})
        prev = digest
        if len(rows) >= 1000:
            total += _flush_rows(session, rows)
            rows = []
    total += _flush_rows(session, rows)
    return first, total


def _flush_rows(session: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    session.connection().execute(_INSERT, rows)
    _maybe_checkpoint(session, [(r["seq"], r["hash"]) for r in rows])
    return len(rows)


def _maybe_checkpoint(session: Session, heads: list[tuple[int, str]]) -> None:
    """Sign a checkpoint at every multiple of ``settings.checkpoint_every`` just appended."""
    every = get_settings().checkpoint_every
    due = [(seq, digest) for seq, digest in heads if seq % every == 0]
    if not due:
        return
    from casewatch.audit.checkpoint import add_checkpoint

    for seq, digest in due:
        add_checkpoint(session, seq, digest)


def append_committed(session: Session, **fields: Any) -> AuditEvent | None:
    """Append an event in a separate transaction that commits now (for denials).

    A denial must survive the rollback of the request that caused it. When the
    caller's transaction already holds the chain (or SQLite write) lock, a
    second transaction would wait for it forever, so the event is appended to
    the caller's transaction instead (it then commits or rolls back with it).
    """
    if holds_chain_lock(session):
        return append(session, **fields)
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    try:
        with Session(engine, expire_on_commit=False) as own, own.begin():
            if engine.dialect.name == "postgresql":
                own.execute(text("SET LOCAL lock_timeout = '10s'"))
            return append(own, **fields)
    except OperationalError:
        return append(session, **fields)
