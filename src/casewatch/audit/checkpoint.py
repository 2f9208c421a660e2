"""Signed checkpoints (tree heads) over the audit log.

A checkpoint says "the log had ``seq`` events and the hash of event ``seq``
was ``root_hash``", signed with Ed25519. The root hash is the *chain head*:
because every event hash covers the previous one, the head commits to the
whole history before it, exactly as a Merkle root would for this purpose
(detecting a rewritten or truncated log). We chose the chain head over an
RFC 6962 Merkle root because it costs nothing to compute in the append path
(a Merkle root over a million events would need them all), and casewatch
does not need the Merkle tree's logarithmic inclusion proofs: an auditor
verifies the whole log.

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
from casewatch.db.models import AuditCheckpoint, AuditEvent, utcnow

DOMAIN = b"casewatch.audit.checkpoint.v1\x00"


def checkpoint_message(seq: int, root_hash: str, at: datetime) -> bytes:
    """The exact bytes signed: domain tag + canonical JSON of (seq, root_hash, at)."""
    body = {"at": at.isoformat(timespec="microseconds"), "root_hash": root_hash, "seq": seq}
    return DOMAIN + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def add_checkpoint(session: Session, seq: int, root_hash: str) -> AuditCheckpoint:
    """Sign and store the tree head (``seq``, ``root_hash``) in the caller's transaction."""
    key = signing_key()
    at = utcnow()
    row = AuditCheckpoint(
        seq=seq,
        root_hash=root_hash,
        at=at,
        key_id=key_id(key.public_key()),
        signature=key.sign(checkpoint_message(seq, root_hash, at)),
    )
    session.add(row)
    session.flush()
    return row


def checkpoint_now(session: Session, *, actor: str) -> AuditCheckpoint:
    """Log the request, then sign a checkpoint over the head that includes it."""
    from casewatch.audit.log import append

    event = append(session, actor=actor, action="audit.checkpoint")
    last = session.scalar(select(AuditCheckpoint).where(AuditCheckpoint.seq == event.seq))
    return last or add_checkpoint(session, event.seq, event.hash)


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
    }


def export_checkpoints(session: Session) -> dict[str, Any]:
    """Every checkpoint and the public key, as JSON for an outside witness.

    To verify one: Ed25519-verify ``signature`` (base64) over
    ``"casewatch.audit.checkpoint.v1\\x00" + canonical_json`` where
    canonical_json is ``{"at": AT, "root_hash": ROOT, "seq": SEQ}`` with sorted
    keys and no spaces.
    """
    key = signing_key().public_key()
    rows = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return {
        "format": "casewatch.audit.checkpoints.v1",
        "signed_message": 'b"casewatch.audit.checkpoint.v1\\x00" + '
        'canonical JSON {"at","root_hash","seq"} (sorted keys, no spaces)',
        "root_hash": "hash of event seq (the chain head), see docs/accountability.md",
        "key_id": key_id(key),
        "public_key_pem": public_pem(key),
        "exported_at": utcnow().isoformat(timespec="microseconds"),
        "log_size": head[0] if head else 0,
        "checkpoints": [checkpoint_json(row) for row in rows],
    }
