"""The audit log as an RFC 9162 (Certificate Transparency v2) Merkle tree.

Leaf *i* (0-based) is event ``seq = i + 1``; its leaf hash is
``SHA-256(0x00 || raw 32-byte event hash)`` (the event's chain hash, which
already commits to its canonical encoding), an interior node is
``SHA-256(0x01 || left || right)``, and the tree head of size *n* is RFC 9162's
``MTH(D[0:n])`` (split at the largest power of two below *n*).

Two things make it cheap at a million events and more:

- :class:`Frontier`: the right edge of the tree (one perfect-subtree hash per
  set bit of the size, O(log n)). Extending it by one leaf costs one hash plus
  one per carry; the root is a fold over it. Each checkpoint stores its frontier,
  so the next one only reads the events appended since.
- Perfect, aligned subtrees of ``2**STORED_LEVEL`` leaves and more are stored
  (``audit_merkle_nodes``, about n/128 rows) as the frontier completes them.
  :class:`StoredTree` answers any ``MTH(D[lo:hi])`` a proof needs from those
  nodes plus at most a few 256-event blocks of leaves read by ``seq`` range.

The proof algorithms (``PATH`` and ``PROOF`` of RFC 6962 §2.1, the verifiers
of RFC 9162 §2.1.3.2 and §2.1.4.2) take any ``mth(lo, hi)`` function, so the
tests check them against a naive reference implementation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casewatch.db.models import AuditEvent, AuditMerkleNode
from casewatch.errors import CasewatchError

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
#: perfect subtrees of 2**8 = 256 leaves and more are stored; smaller ones come from leaves
STORED_LEVEL = 8
BLOCK = 1 << STORED_LEVEL
EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int, bytes]  # (level, index, hash): leaves [index * 2**level, (index+1) * 2**level)
Mth = Callable[[int, int], bytes]


def leaf_hash(event_hash: str) -> bytes:
    """RFC 9162 leaf hash of one event: SHA-256(0x00 || the event's 32-byte chain hash)."""
    return hashlib.sha256(LEAF_PREFIX + bytes.fromhex(event_hash)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1): where RFC 9162 splits D[0:n]."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_root(leaves: Sequence[bytes]) -> bytes:
    """MTH of a power-of-two number of leaf hashes."""
    level = list(leaves)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


class Frontier:
    """The right edge of the tree of ``size`` leaves: its perfect subtrees, largest first."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != bin(size).count("1"):
            raise ValueError(f"a frontier of size {size} has {bin(size).count('1')} hashes")
        self.size = size
        self.hashes = list(hashes)

    @classmethod
    def from_bytes(cls, size: int, blob: bytes) -> Frontier:
        return cls(size, [blob[i:i + 32] for i in range(0, len(blob), 32)])

    def to_bytes(self) -> bytes:
        return b"".join(self.hashes)

    def push(self, leaf: bytes) -> list[Node]:
        """Append one leaf hash; returns the stored-level subtrees it completed."""
        done: list[Node] = []
        h, n, level = leaf, self.size, 0
        self.size += 1
        while n & 1:
            h = node_hash(self.hashes.pop(), h)
            n >>= 1
            level += 1
            if level >= STORED_LEVEL:
                done.append((level, (self.size >> level) - 1, h))
        self.hashes.append(h)
        return done

    def root(self) -> bytes:
        """MTH(D[0:size]): the perfect subtrees folded from the right."""
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            root = node_hash(h, root)
        return root


# -- proofs (RFC 6962 §2.1.1 PATH and §2.1.2 PROOF) over any mth(lo, hi) -------------------


def inclusion_path(index: int, size: int, mth: Mth) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves, leaf side first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split(hi - lo)
        if index < lo + k:
            path.append(mth(lo + k, hi))
            hi = lo + k
        else:
            path.append(mth(lo, lo + k))
            lo += k
    path.reverse()
    return path


def consistency_proof(first: int, second: int, mth: Mth) -> list[bytes]:
    """The proof that the tree of ``first`` leaves is a prefix of the tree of ``second``."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    proof: list[bytes] = []
    m, lo, hi, whole = first, 0, second, True
    while m != hi - lo:
        k = split(hi - lo)
        if m <= k:
            proof.append(mth(lo + k, hi))
            hi = lo + k
        else:
            proof.append(mth(lo, lo + k))
            m, lo, whole = m - k, lo + k, False
    if not whole:
        proof.append(mth(lo, hi))
    proof.reverse()
    return proof


# -- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ------------------------------------------


def _shift_to_odd(fn: int, sn: int) -> tuple[int, int]:
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def root_from_path(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof leads to, or None when its shape is wrong for (index, size)."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _shift_to_odd(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def consistency_ok(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True when ``proof`` shows that tree head (first, first_root) is a prefix of (second, ...)."""
    if first == second:
        return not proof and first_root == second_root
    if not 0 < first < second or not proof:
        return False
    path = [first_root, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _shift_to_odd(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


# -- the tree stored in the database -----------------------------------------------------------


def read_leaves(session: Session, start: int, stop: int) -> list[bytes]:
    """Leaf hashes of leaves [start, stop) (events start+1 .. stop); refuses a gap."""
    rows = session.execute(
        select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.seq > start, AuditEvent.seq <= stop)
        .order_by(AuditEvent.seq)
    ).all()
    if len(rows) != stop - start or (rows and (rows[0][0] != start + 1 or rows[-1][0] != stop)):
        have = {seq for seq, _ in rows}
        missing = next((s for s in range(start + 1, stop + 1) if s not in have), stop)
        raise CasewatchError(
            f"audit event seq {missing} is missing: the log is damaged "
            "(run 'casewatch audit verify')"
        )
    return [leaf_hash(digest) for _, digest in rows]


def store_nodes(session: Session, nodes: list[Node]) -> None:
    """Insert completed subtree hashes (an existing one is left as it is)."""
    if not nodes:
        return
    rows = [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in nodes]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for i in range(0, len(rows), 1000):
        session.execute(insert(AuditMerkleNode).on_conflict_do_nothing(), rows[i:i + 1000])


def extend(session: Session, frontier: Frontier, size: int, batch: int = 20_000) -> Frontier:
    """Grow ``frontier`` to ``size`` leaves from the stored events, storing completed subtrees."""
    while frontier.size < size:
        stop = min(size, frontier.size + batch)
        nodes: list[Node] = []
        for leaf in read_leaves(session, frontier.size, stop):
            nodes.extend(frontier.push(leaf))
        store_nodes(session, nodes)
    return frontier


class StoredTree:
    """``mth(lo, hi)`` over the first ``size`` events, from stored nodes and leaf blocks."""

    def __init__(self, session: Session, size: int) -> None:
        self.session = session
        self.size = size
        self._blocks: dict[int, list[bytes]] = {}
        self._nodes: dict[tuple[int, int], bytes] = {}
        self.node_reads = 0

    def prefetch(self, run: Callable[[Mth], object]) -> None:
        """Read in one query every stored node ``run`` will ask for.

        ``run`` (e.g. ``lambda mth: inclusion_path(i, size, mth)``) is called once
        with a dry-run ``mth`` that only notes the stored subtrees it would read.
        """
        wanted: set[tuple[int, int]] = set()

        def dry(lo: int, hi: int) -> bytes:
            n = hi - lo
            if n & (n - 1) == 0 and lo % n == 0:
                if n >= BLOCK:
                    wanted.add((n.bit_length() - 1, lo // n))
                return b""
            k = split(n)
            dry(lo, lo + k)
            dry(lo + k, hi)
            return b""

        run(dry)
        if not wanted:
            return
        self.node_reads += 1
        rows = self.session.execute(
            select(AuditMerkleNode.level, AuditMerkleNode.idx, AuditMerkleNode.hash).where(
                or_(*(and_(AuditMerkleNode.level == lv, AuditMerkleNode.idx == ix)
                      for lv, ix in sorted(wanted))))
        )
        self._nodes.update({(lv, ix): h for lv, ix, h in rows})

    def _block(self, number: int) -> list[bytes]:
        if number not in self._blocks:
            start = number * BLOCK
            self._blocks[number] = read_leaves(self.session, start, min(start + BLOCK, self.size))
        return self._blocks[number]

    def _stored(self, level: int, idx: int) -> bytes | None:
        if (level, idx) in self._nodes:
            return self._nodes[(level, idx)]
        self.node_reads += 1
        return self.session.scalar(
            select(AuditMerkleNode.hash).where(
                AuditMerkleNode.level == level, AuditMerkleNode.idx == idx)
        )

    def mth(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) for 0 <= lo < hi <= size."""
        n = hi - lo
        if n & (n - 1) == 0 and lo % n == 0:  # a perfect, aligned subtree
            level = n.bit_length() - 1
            if level < STORED_LEVEL:
                block = self._block(lo // BLOCK)
                offset = lo % BLOCK
                return perfect_root(block[offset:offset + n])
            stored = self._stored(level, lo >> level)
            if stored is not None:
                return stored
        k = split(n)
        return node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))
