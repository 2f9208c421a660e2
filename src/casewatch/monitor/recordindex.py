"""The record-side blocking index (table ``record_keys``) used by retro-screening.

At ingest every new record's blocking keys (the same keys the watch index
uses to find candidates, :func:`casewatch.matching.index.blocking_keys`) are
stored as signed 64-bit hashes next to the record id. A new watch computes its
own keys and looks each one up, rarest first: keys shared by more than
:data:`COMMON_KEY_CAP` records carry no information (a common surname, a
frequent token) and are skipped unless nothing rarer exists.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

from followthemoney import EntityProxy
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from casewatch.db.models import Record
from casewatch.matching import Compiled, blocking_keys, compile_entity

#: A key found on more records than this is "common" and is not used for candidates.
COMMON_KEY_CAP = 2000
#: At most this many candidate records (those sharing most keys) are scored per watch.
MAX_CANDIDATES = 60


def key_hash(key: str) -> int:
    """A stable signed 64-bit hash of a blocking key (fits BIGINT on every database)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def entity_key_hashes(entity: EntityProxy | Compiled) -> set[int]:
    """The hashed blocking keys of one entity (empty when it has nothing to block on)."""
    return {key_hash(k) for k in blocking_keys(entity)}


def query_key_hashes(entity: EntityProxy | Compiled) -> set[int]:
    """A new watch's lookup keys: its blocking keys plus one-deletion variants of long
    name tokens, so that a record spelling the name with one letter missing is found."""
    compiled = entity if isinstance(entity, Compiled) else compile_entity(entity)
    keys = set(blocking_keys(compiled))
    for alias in compiled.aliases:
        for token in alias.tokens:
            if len(token) >= 5 and not token.isdigit():
                keys.update(token[:i] + token[i + 1:] for i in range(len(token)))
    return {key_hash(k) for k in keys}


def key_rows(record_id: int, entity: EntityProxy | Compiled) -> list[tuple[int, int]]:
    """``record_keys`` rows (key, record id) for a newly stored record."""
    return [(k, record_id) for k in entity_key_hashes(entity)]


def _lookup(session: Session, keys: list[int], each: int) -> dict[int, list[int]]:
    """Up to ``each`` record ids per key, in one round trip per 50 keys.

    A ``UNION ALL`` of per-key ``LIMIT`` sub-selects (plain SQL: compiling a
    different SQLAlchemy statement per key count costs more than the query):
    each is an index range scan that stops after ``each`` rows.
    """
    found: dict[int, list[int]] = {}
    for start in range(0, len(keys), 50):
        chunk = keys[start:start + 50]
        sql = " UNION ALL ".join(
            f"SELECT * FROM (SELECT key, record_id FROM record_keys WHERE key = :k{i} "
            f"LIMIT :each) AS t{i}" for i in range(len(chunk))
        )
        params: dict[str, int] = {f"k{i}": key for i, key in enumerate(chunk)}
        params["each"] = each
        for key, record_id in session.execute(text(sql), params):
            found.setdefault(key, []).append(record_id)
    return found


def candidate_records(
    session: Session,
    keys: Iterable[int],
    *,
    cap: int = COMMON_KEY_CAP,
    limit: int = MAX_CANDIDATES,
) -> list[int]:
    """Record ids sharing the most informative keys with ``keys``, best first.

    Each key is looked up on its own with ``LIMIT cap + 1`` (an index range
    scan), so a very common key costs at most ``cap`` rows and brings no
    candidates (unless no rarer key found anything). Candidates are ranked by
    the summed rarity of the keys they share (IDF, ``log(1 + N / df)`` with N
    the number of stored records), as the watch index ranks its own
    candidates, and the best ``limit`` are returned.
    """
    total = max(1, int(session.scalar(select(func.max(Record.id))) or 1))
    hits = [ids for ids in _lookup(session, sorted(set(keys)), cap + 1).values() if ids]
    informative = [ids for ids in hits if len(ids) <= cap]
    if not informative:  # only common keys: the rarest one drives
        informative = sorted(hits, key=len)[:1]
    votes: dict[int, float] = {}
    for ids in informative:
        weight = math.log(1 + total / len(ids))
        for record_id in ids:
            votes[record_id] = votes.get(record_id, 0.0) + weight
    ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
    return [record_id for record_id, _ in ranked[:limit]]
