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
from collections import Counter
from collections.abc import Iterable

from followthemoney import EntityProxy
from sqlalchemy import select
from sqlalchemy.orm import Session

from casewatch.db.models import RecordKey
from casewatch.matching import Compiled, blocking_keys, compile_entity

#: A key found on more records than this is "common" and is not used for candidates.
COMMON_KEY_CAP = 2000
#: At most this many candidate records (those sharing most keys) are scored per watch.
MAX_CANDIDATES = 500


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


def key_rows(record_id: int, entity: EntityProxy | Compiled) -> list[dict[str, int]]:
    """``record_keys`` rows for a newly stored record."""
    return [{"key": k, "record_id": record_id} for k in entity_key_hashes(entity)]


def candidate_records(
    session: Session,
    keys: Iterable[int],
    *,
    cap: int = COMMON_KEY_CAP,
    limit: int = MAX_CANDIDATES,
) -> list[int]:
    """Record ids sharing the most (informative) keys with ``keys``, best first.

    Each key is looked up on its own with ``LIMIT cap + 1`` (an index range
    scan), so a very common key costs at most ``cap`` rows. Rare keys are used
    first; common keys only when no rare key found anything.
    """
    hits: dict[int, list[int]] = {}
    for key in keys:
        stmt = select(RecordKey.record_id).where(RecordKey.key == key).limit(cap + 1)
        hits[key] = list(session.execute(stmt).scalars())
    informative = [ids for ids in hits.values() if 0 < len(ids) <= cap]
    if not informative:
        # Only common keys: fall back to the rarest ones, capped.
        informative = sorted((ids for ids in hits.values() if ids), key=len)[:2]
    votes: Counter[int] = Counter()
    for ids in sorted(informative, key=len):
        votes.update(ids)
    return [record_id for record_id, _ in votes.most_common(limit)]
