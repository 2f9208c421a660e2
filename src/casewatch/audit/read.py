"""Reading the audit log: auditors only, and every read is itself logged.

Admins run casewatch but do not read the log: the people whose actions are
logged (analysts, supervisors and admins alike) are not the people who read
it. This is the separation the rules ask for (LED art. 25, CJIS 5.4).

Merkle proofs (:func:`prove_event`, :func:`prove_consistency`) are reads too:
an inclusion proof carries the event, so it is for auditors only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from casewatch.audit.checkpoint import checkpoint_json, merkle_checkpoint
from casewatch.audit.log import append
from casewatch.audit.merkle import (
    StoredTree,
    consistency_ok,
    consistency_proof,
    inclusion_path,
    leaf_hash,
    root_from_path,
)
from casewatch.auth.access import require_role
from casewatch.db.models import AuditCheckpoint, AuditEvent, User
from casewatch.errors import CasewatchError, NotFound

READERS = ("auditor",)
INCLUSION_FORMAT = "casewatch.audit.inclusion.v1"
CONSISTENCY_FORMAT = "casewatch.audit.consistency.v1"


@dataclass
class AuditFilter:
    """Which events to read; every field is optional (None = no filter)."""

    start: datetime | None = None
    end: datetime | None = None
    actor: str | None = None
    action: str | None = None
    case_id: int | None = None
    outcome: str | None = None
    limit: int | None = None

    def as_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def filtered(flt: AuditFilter) -> Select[AuditEvent]:
    """The SELECT for ``flt``, oldest first."""
    stmt = select(AuditEvent).order_by(AuditEvent.seq)
    if flt.start is not None:
        stmt = stmt.where(AuditEvent.at >= flt.start)
    if flt.end is not None:
        stmt = stmt.where(AuditEvent.at < flt.end)
    if flt.actor is not None:
        stmt = stmt.where(AuditEvent.actor == flt.actor)
    if flt.action is not None:
        stmt = stmt.where(AuditEvent.action == flt.action)
    if flt.case_id is not None:
        stmt = stmt.where(AuditEvent.case_id == flt.case_id)
    if flt.outcome is not None:
        stmt = stmt.where(AuditEvent.outcome == flt.outcome)
    if flt.limit is not None:
        stmt = stmt.limit(flt.limit)
    return stmt


def read_events(session: Session, user: User, flt: AuditFilter) -> Iterator[AuditEvent]:
    """The events matching ``flt``, streamed; logs the read ("audit.read") first.

    Raises Denied (and logs the refusal) unless ``user`` is an auditor. The
    read event is appended in the caller's transaction: commit it.
    """
    require_role(user, *READERS, action="audit.read", session=session)
    event = append(session, actor=user.name, action="audit.read", params=flt.as_params())
    stmt = filtered(flt).where(AuditEvent.seq < event.seq)
    return iter(session.execute(stmt.execution_options(yield_per=5000)).scalars())


def event_json(event: AuditEvent) -> dict[str, Any]:
    """One event as a JSON object (the jsonl output and the API's shape)."""
    return {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": event.case_id,
        "purpose": event.purpose,
        "params_digest": event.params_digest,
        "outcome": event.outcome,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


# -- Merkle proofs ---------------------------------------------------------------------------


def _signed_head(session: Session, seq: int | None, what: str) -> AuditCheckpoint:
    """The Merkle checkpoint of size ``seq`` (default: the latest), or a one-line error."""
    row = merkle_checkpoint(session, seq)
    if row is not None:
        return row
    latest = merkle_checkpoint(session)
    if latest is None:
        raise NotFound(f"{what}: no signed Merkle checkpoint yet: sign one with "
                       "'casewatch audit checkpoint'")
    raise NotFound(f"{what}: no signed Merkle checkpoint of size {seq} (the latest is of size "
                   f"{latest.seq}; 'casewatch audit export-checkpoints' lists them all)")


def _changed(where: str) -> str:
    return (f"the proof built from the stored log does not lead to the signed root of the "
            f"checkpoint at {where}: the log or its Merkle nodes changed after it was signed "
            "(run 'casewatch audit verify')")


def inclusion_proof(session: Session, event_seq: int, size: int | None = None) -> dict[str, Any]:
    """The proof that event ``event_seq`` is in the signed tree head of ``size`` events.

    No role check and no audit event: for callers that did both (see :func:`prove_event`).
    """
    head = _signed_head(session, size, f"event {event_seq}")
    if not 1 <= event_seq <= head.seq:
        raise NotFound(f"event {event_seq} is not in the tree head of size {head.seq} "
                       f"(events 1..{head.seq}; a later checkpoint may cover it)")
    event = session.get(AuditEvent, event_seq)
    if event is None:
        raise NotFound(f"audit event seq {event_seq} is missing (run 'casewatch audit verify')")
    tree = StoredTree(session, head.seq)
    tree.prefetch(lambda mth: inclusion_path(event_seq - 1, head.seq, mth))
    path = inclusion_path(event_seq - 1, head.seq, tree.mth)
    if root_from_path(event_seq - 1, head.seq, leaf_hash(event.hash), path) != bytes.fromhex(
            head.root_hash):
        raise CasewatchError(_changed(f"seq {head.seq}"))
    return {
        "format": INCLUSION_FORMAT,
        "leaf_index": event_seq - 1,
        "tree_size": head.seq,
        "leaf_hash": leaf_hash(event.hash).hex(),
        "audit_path": [p.hex() for p in path],
        "event": event_json(event),
        "checkpoint": checkpoint_json(head),
    }


def consistency(session: Session, first: int, second: int | None = None) -> dict[str, Any]:
    """The proof that the signed head of ``first`` events is a prefix of that of ``second``."""
    old = _signed_head(session, first, "consistency proof")
    new = _signed_head(session, second, "consistency proof")
    if old.seq > new.seq:
        raise CasewatchError(f"--from {old.seq} is larger than --to {new.seq}: a consistency "
                             "proof goes from an earlier tree head to a later one")
    tree = StoredTree(session, new.seq)
    tree.prefetch(lambda mth: consistency_proof(old.seq, new.seq, mth))
    proof = consistency_proof(old.seq, new.seq, tree.mth)
    if not consistency_ok(old.seq, new.seq, bytes.fromhex(old.root_hash),
                          bytes.fromhex(new.root_hash), proof):
        raise CasewatchError(_changed(f"seq {old.seq} or {new.seq}"))
    return {
        "format": CONSISTENCY_FORMAT,
        "first": checkpoint_json(old),
        "second": checkpoint_json(new),
        "proof": [p.hex() for p in proof],
    }


def prove_event(session: Session, user: User, event_seq: int, size: int | None) -> dict[str, Any]:
    """:func:`inclusion_proof` for an auditor (it shows the event); logged as ``audit.proof``."""
    require_role(user, *READERS, action="audit.proof", session=session)
    append(session, actor=user.name, action="audit.proof", object_type="audit_event",
           object_id=event_seq, params={"event": event_seq, "size": size})
    return inclusion_proof(session, event_seq, size)


def prove_consistency(
    session: Session, user: User, first: int, second: int | None, readers: tuple[str, ...] = READERS
) -> dict[str, Any]:
    """:func:`consistency` after the role check; logged as ``audit.consistency``."""
    require_role(user, *readers, action="audit.consistency", session=session)
    append(session, actor=user.name, action="audit.consistency",
           params={"from": first, "to": second})
    return consistency(session, first, second)
