"""Signed checkpoints (tree heads) over the audit log.

A checkpoint says "the log had ``seq`` events and its tree head was
``root_hash``", signed with Ed25519. Two versions exist:

- **version 2** (from migration 0005 on): ``root_hash`` is the RFC 9162 Merkle
  root over events 1..seq (see :mod:`casewatch.audit.merkle`), so a witness can
  check one event's inclusion, or that a later head extends an earlier one,
  with a logarithmic proof. Each stores its tree's *frontier* (right edge), so
  the next checkpoint only reads the events appended since.
- **version 1** (older databases): ``root_hash`` is the chain head, the hash of
  event ``seq``. They keep verifying; no proofs are made against them.

An outside witness keeps the exported checkpoints (``casewatch audit
export-checkpoints``); if the database is later rewritten, even with every
hash recomputed, the head at a witnessed ``seq`` no longer matches.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from casewatch.audit.keys import key_id, public_pem, signing_key
from casewatch.audit.merkle import Frontier, extend
from casewatch.db.models import AuditCheckpoint, AuditEvent, utcnow

DOMAIN = b"casewatch.audit.checkpoint.v1\x00"
DOMAIN_V2 = b"casewatch.audit.checkpoint.v2\x00"
MERKLE = 2
DOMAINS = {1: DOMAIN, MERKLE: DOMAIN_V2}


def checkpoint_message(seq: int, root_hash: str, at: datetime, version: int = 1) -> bytes:
    """The exact bytes signed: domain tag (v1 or v2) + canonical JSON of (seq, root_hash, at)."""
    body = {"at": at.isoformat(timespec="microseconds"), "root_hash": root_hash, "seq": seq}
    return DOMAINS[version] + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def base_frontier(session: Session, seq: int) -> Frontier:
    """The frontier of the latest Merkle checkpoint at or below ``seq`` (empty if none)."""
    row = session.execute(
        select(AuditCheckpoint.seq, AuditCheckpoint.frontier)
        .where(AuditCheckpoint.version == MERKLE, AuditCheckpoint.seq <= seq,
               AuditCheckpoint.frontier.is_not(None))
        .order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc()).limit(1)
    ).first()
    if row is None or row[1] is None:
        return Frontier()
    return Frontier.from_bytes(row[0], row[1])


def add_checkpoint(session: Session, seq: int, head_hash: str) -> AuditCheckpoint:
    """Sign and store the Merkle tree head of the first ``seq`` events (caller's transaction).

    ``head_hash`` is the hash of event ``seq`` (the chain head), checked against
    the log as read. The first version-2 checkpoint of a database reads every
    event once; later ones only those since the previous checkpoint.
    """
    head = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
    if head != head_hash:
        raise RuntimeError(f"audit checkpoint at seq {seq}: the chain head is not the event read")
    frontier = extend(session, base_frontier(session, seq), seq)
    key = signing_key()
    at = utcnow()
    root = frontier.root().hex()
    row = AuditCheckpoint(
        seq=seq,
        root_hash=root,
        at=at,
        key_id=key_id(key.public_key()),
        signature=key.sign(checkpoint_message(seq, root, at, MERKLE)),
        version=MERKLE,
        frontier=frontier.to_bytes(),
    )
    session.add(row)
    session.flush()
    return row


def checkpoint_now(session: Session, *, actor: str) -> AuditCheckpoint:
    """Log the request, then sign a checkpoint over the head that includes it."""
    from casewatch.audit.log import append

    event = append(session, actor=actor, action="audit.checkpoint")
    last = session.scalar(select(AuditCheckpoint).where(
        AuditCheckpoint.seq == event.seq, AuditCheckpoint.version == MERKLE))
    return last or add_checkpoint(session, event.seq, event.hash)


def merkle_checkpoint(session: Session, seq: int | None = None) -> AuditCheckpoint | None:
    """The Merkle (version 2) checkpoint at ``seq``, or the latest one when ``seq`` is None."""
    stmt = select(AuditCheckpoint).where(AuditCheckpoint.version == MERKLE)
    if seq is not None:
        stmt = stmt.where(AuditCheckpoint.seq == seq)
    stmt = stmt.order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc())
    return session.scalars(stmt.limit(1)).first()


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    stmt = select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc())
    return session.scalars(stmt.limit(1)).first()


def checkpoint_json(row: AuditCheckpoint) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "root_hash": row.root_hash,
        "at": row.at.isoformat(timespec="microseconds"),
        "key_id": row.key_id,
        "signature": base64.b64encode(row.signature).decode("ascii"),
        "version": row.version,
    }


def export_checkpoints(session: Session) -> dict[str, Any]:
    """Every checkpoint and the public key, as JSON for an outside witness.

    To verify one: Ed25519-verify ``signature`` (base64) over
    ``"casewatch.audit.checkpoint.vV\\x00" + canonical_json`` where V is the
    checkpoint's ``version`` and canonical_json is ``{"at": AT, "root_hash": ROOT,
    "seq": SEQ}`` with sorted keys and no spaces.
    """
    key = signing_key().public_key()
    rows = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return {
        "format": "casewatch.audit.checkpoints.v2",
        "signed_message": 'b"casewatch.audit.checkpoint.v" + version + b"\\x00" + '
        'canonical JSON {"at","root_hash","seq"} (sorted keys, no spaces)',
        "root_hash": "version 2: RFC 9162 Merkle root (SHA-256) over events 1..seq, leaf = "
        "SHA-256(0x00 || event hash bytes); version 1: hash of event seq (the chain head); "
        "see docs/accountability.md",
        "key_id": key_id(key),
        "public_key_pem": public_pem(key),
        "exported_at": utcnow().isoformat(timespec="microseconds"),
        "log_size": head[0] if head else 0,
        "checkpoints": [checkpoint_json(row) for row in rows],
    }
