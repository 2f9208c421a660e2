"""Verify the audit log: the hash chain, the Merkle tree, every checkpoint's signature and head.

The rows are streamed in ``seq`` order (a server-side cursor on PostgreSQL,
batches on SQLite), so a million events verify in seconds with flat memory.
The first problem found is reported with the ``seq`` it concerns:

- ``missing seq N (deleted)``: a gap in the sequence;
- ``prev_hash mismatch``: the event does not follow the one before it
  (reordered, or an event in between removed and the numbers rewritten);
- ``hash mismatch``: the event's content changed after it was written;
- ``checkpoint mismatch``: a signed tree head (chain head for version 1, Merkle
  root recomputed from the events for version 2) disagrees with the log (the
  log was rewritten with recomputed hashes, or truncated);
- ``merkle node mismatch`` / ``merkle frontier mismatch``: the stored subtree
  hashes or a checkpoint's frontier (derived data proofs are built from)
  disagree with the events;
- ``bad signature`` / ``unknown key``: a checkpoint was forged or its key is missing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casewatch.audit.checkpoint import DOMAINS, MERKLE, checkpoint_message
from casewatch.audit.keys import public_keys, signature_ok
from casewatch.audit.log import DOMAIN, GENESIS
from casewatch.audit.merkle import LEAF_PREFIX, NODE_PREFIX, STORED_LEVEL, Frontier
from casewatch.db.models import AuditCheckpoint, AuditEvent, AuditMerkleNode

BATCH = 20_000


@dataclass
class Problem:
    """The first thing wrong with the log."""

    seq: int
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"audit event seq {self.seq}: {self.kind}: {self.detail}"


@dataclass
class VerifyResult:
    ok: bool
    events: int = 0
    checkpoints: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    last_checkpoint_seq: int | None = None
    #: the RFC 9162 Merkle root over all events (when ok)
    merkle_root: str = ""
    problem: Problem | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "events": self.events,
            "checkpoints": self.checkpoints,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "last_checkpoint_seq": self.last_checkpoint_seq,
            "merkle_root": self.merkle_root,
            "problem": str(self.problem) if self.problem else None,
            "notes": self.notes,
        }


@dataclass
class Heads:
    """The signed tree heads by seq: chain heads (version 1) and Merkle heads (version 2)."""

    chain: dict[int, str] = field(default_factory=dict)
    merkle: dict[int, tuple[str, bytes | None]] = field(default_factory=dict)

    @property
    def last(self) -> int | None:
        seqs = [*self.chain, *self.merkle]
        return max(seqs) if seqs else None


def _check_signatures(
    session: Session, key_files: list[Path] | None
) -> tuple[Heads, int, Problem | None]:
    """Checkpoint heads by seq, how many, and the first signature problem."""
    keys = public_keys(key_files)
    heads = Heads()
    count = 0
    rows = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq))
    for row in rows:
        count += 1
        key = keys.get(row.key_id)
        if row.version not in DOMAINS:
            return heads, count, Problem(
                row.seq, "bad signature", f"checkpoint {row.id} has unknown version {row.version}")
        message = checkpoint_message(row.seq, row.root_hash, row.at, row.version)
        if key is None:
            return heads, count, Problem(
                row.seq, "unknown key",
                f"checkpoint {row.id} is signed by key {row.key_id[:16]}…, which is not in "
                "CASEWATCH_HOME/keys (pass its public key with --public-key FILE)",
            )
        if not signature_ok(key, row.signature, message):
            return heads, count, Problem(
                row.seq, "bad signature", f"checkpoint {row.id}'s signature does not verify"
            )
        earlier = (heads.merkle.get(row.seq, (None, None))[0] if row.version == MERKLE
                   else heads.chain.get(row.seq))
        if earlier is not None and earlier != row.root_hash:
            return heads, count, Problem(
                row.seq, "checkpoint mismatch", "two signed checkpoints disagree on this head"
            )
        if row.version == MERKLE:
            heads.merkle[row.seq] = (row.root_hash, row.frontier)
        else:
            heads.chain[row.seq] = row.root_hash
    return heads, count, None


def verify(
    session: Session,
    *,
    key_files: list[Path] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> VerifyResult:
    """Check the whole chain, the Merkle tree and every checkpoint; stop at the first problem."""
    heads, n_checkpoints, sig_problem = _check_signatures(session, key_files)
    result = VerifyResult(ok=True, checkpoints=n_checkpoints)
    result.last_checkpoint_seq = heads.last
    tree = MerkleCheck(session, heads)
    problem = _walk_chain(session, heads, tree, result, on_progress)
    if problem is None and heads.last is not None and heads.last > result.head_seq:
        problem = Problem(
            result.head_seq + 1, "checkpoint mismatch",
            f"a signed checkpoint covers {heads.last} events but the log ends at seq "
            f"{result.head_seq} (events deleted from the end)",
        )
    candidates = [p for p in (problem, sig_problem) if p is not None]
    if candidates:
        result.ok = False
        result.problem = min(candidates, key=lambda p: p.seq)
    if result.ok:
        result.merkle_root = tree.frontier.root().hex()
    if result.ok and (result.last_checkpoint_seq or 0) < result.head_seq:
        result.notes.append(
            f"events after seq {result.last_checkpoint_seq or 0} are not yet covered by a "
            "signed checkpoint ('casewatch audit checkpoint' signs one now)"
        )
    return result


class MerkleCheck:
    """Rebuilds the Merkle tree while the chain is walked; checks heads and stored nodes."""

    def __init__(self, session: Session, heads: Heads) -> None:
        self.heads = heads
        self.frontier = Frontier()
        self.nodes = {(lv, ix): h for lv, ix, h in session.execute(
            select(AuditMerkleNode.level, AuditMerkleNode.idx, AuditMerkleNode.hash))}
        #: stored subtrees must exist up to the last Merkle checkpoint
        self.covered = max(heads.merkle) if heads.merkle else 0

    def node_problem(self, seq: int, level: int, digest: bytes) -> Problem | None:
        stored = self.nodes.get((level, (seq >> level) - 1))
        if stored == digest or (stored is None and seq > self.covered):
            return None
        first = seq - (1 << level) + 1
        what = "is missing" if stored is None else "differs from the events"
        return Problem(seq, "merkle node mismatch",
                       f"the stored hash of the subtree over events {first}..{seq} {what} "
                       "(the node table was changed; proofs over it would fail)")

    def head_problem(self, seq: int, digest: str) -> Problem | None:
        """Compare the signed heads at ``seq`` with the log as recomputed up to it."""
        if seq in self.heads.chain and self.heads.chain[seq] != digest:
            return Problem(seq, "checkpoint mismatch",
                           "the signed checkpoint at this seq has a different head hash "
                           "(the log was rewritten)")
        if seq in self.heads.merkle:
            root, frontier = self.heads.merkle[seq]
            if root != self.frontier.root().hex():
                return Problem(seq, "checkpoint mismatch",
                               "the signed Merkle root at this seq differs from the root of the "
                               "events (the log was rewritten)")
            if frontier != self.frontier.to_bytes():
                return Problem(seq, "merkle frontier mismatch",
                               "the checkpoint's stored frontier differs from the events' tree")
        return None


_SELECT = (
    "SELECT seq, at, actor, action, object_type, object_id, case_id, purpose, params_digest, "
    "outcome, prev_hash, hash FROM audit_events ORDER BY seq"
)


def _iso_at(value: Any) -> str:
    """The canonical text of a stored time, straight from the driver (no ORM conversion).

    SQLite keeps ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC); PostgreSQL returns an aware datetime.
    """
    if isinstance(value, str):
        if len(value) == 26:
            return f"{value[:10]}T{value[11:]}+00:00"
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return str(value.astimezone(UTC).isoformat(timespec="microseconds"))


def _walk_chain(
    session: Session,
    heads: Heads,
    tree: MerkleCheck,
    result: VerifyResult,
    on_progress: Callable[[int], None] | None,
) -> Problem | None:
    """Stream the events in order, recomputing each hash and the Merkle tree; the first problem.

    Reads raw driver rows (a server-side cursor on PostgreSQL) and builds each
    canonical encoding with its keys already in sorted order; the Merkle
    frontier is extended inline (one leaf hash plus one node hash per event on average).
    """
    rows = session.connection().exec_driver_sql(
        _SELECT, execution_options={"stream_results": True, "yield_per": BATCH}
    )
    checkpoints = set(heads.chain) | set(heads.merkle)
    prev, expected = GENESIS, 1
    sha256, dumps = hashlib.sha256, orjson.dumps
    stack = tree.frontier.hashes
    for partition in rows.partitions(BATCH):
        for seq, at, actor, action, otype, oid, case_id, purpose, digest_, outcome, prev_hash, stored in partition:
            if seq != expected:
                return Problem(expected, "missing seq (deleted)",
                               f"the log jumps from seq {expected - 1} to {seq}")
            if prev_hash != prev:
                return Problem(seq, "prev_hash mismatch",
                               f"it does not follow event {seq - 1} (reordered or rewritten)")
            body = dumps({  # keys in sorted order, as canonical() writes them
                "action": action, "actor": actor, "at": _iso_at(at), "case_id": case_id,
                "object_id": oid, "object_type": otype, "outcome": outcome,
                "params_digest": digest_, "purpose": purpose, "seq": seq,
            })
            raw = sha256(DOMAIN + prev.encode("ascii") + body).digest()
            digest = raw.hex()
            if digest != stored:
                return Problem(seq, "hash mismatch", "its content was changed after it was written")
            node, n, level = sha256(LEAF_PREFIX + raw).digest(), seq - 1, 0
            while n & 1:  # Frontier.push, inline
                node = sha256(NODE_PREFIX + stack.pop() + node).digest()
                n, level = n >> 1, level + 1
                if level >= STORED_LEVEL and (problem := tree.node_problem(seq, level, node)):
                    return problem
            stack.append(node)
            tree.frontier.size = seq
            if seq in checkpoints and (problem := tree.head_problem(seq, digest)):
                return problem
            prev, expected = digest, seq + 1
        result.events = result.head_seq = expected - 1
        result.head_hash = prev
        if on_progress:
            on_progress(len(partition))
    return None


def count_events(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)
