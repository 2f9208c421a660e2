"""The record-side blocking index (table ``record_keys``) used by retro-screening.

At ingest every new record's keys are stored as signed 64-bit hashes next to
the record id:

- its blocking keys (the same keys the watch index uses to find candidates,
  :func:`casewatch.matching.index.blocking_keys`: name tokens, phonetic keys,
  consonant skeletons, identifiers, crypto addresses);
- **name keys** (:func:`name_keys`): each alias's whole normalised name as an
  order-free token set (``=garcia pablo``), the same over the tokens'
  phonetic codes (``~=KRX PBL``), and, for names of three or more tokens, every
  pair of their first :data:`PAIR_TOKENS` tokens. At ten million records a
  token such as "garcia" is on far more than :data:`COMMON_KEY_CAP` records and
  recruits nobody; "garcia pablo" is on a handful.

A new watch looks up its own keys (:func:`query_key_hashes`): its blocking and
name keys, plus the name keys of its one-edit spellings (a token with a letter
missing, added, changed or two letters swapped; a token reduced to its
initial; two adjacent tokens joined; a long token split in two), so that a
record spelling the name that way is found through a rare key. Keys shared by
more than :data:`COMMON_KEY_CAP` records carry no information and are skipped
unless nothing rarer exists.

Records stored before the name keys existed (databases ingested before
session 3) have only blocking keys: they are still found through those.
"""

from __future__ import annotations

import hashlib
import math
import string
from collections.abc import Iterable, Iterator
from itertools import combinations

from followthemoney import EntityProxy
from rapidfuzz import fuzz
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from casewatch.db.models import Record
from casewatch.matching import Compiled, blocking_keys, compile_entity
from casewatch.matching.index import token_keys
from casewatch.matching.normalize import normalize_name

#: A key found on more records than this is "common" and is not used for candidates.
COMMON_KEY_CAP = 2000
#: At most this many candidate records (those sharing most keys) are scored per watch.
MAX_CANDIDATES = 60
#: When more records than ``MAX_CANDIDATES`` qualify, the best this-many by key rarity
#: are re-ranked by a cheap name similarity before the cut (:func:`_rerank`).
POOL_CANDIDATES = 400
#: Records carrying exactly the watch's normalised name are all scored, up to this many
#: (which of forty "OOO Progress" is meant, only their numbers or dates can say).
EXACT_CANDIDATES = 200
#: Weight of the key-weight share (0..1) beside the name ratio (0..1) in the re-ranking.
SHARE_WEIGHT = 0.5
#: Pair keys are made from the first this-many tokens of a name of three or more.
PAIR_TOKENS = 4
#: Tokens at least this long get one-edit spellings in a watch's lookup keys.
EDIT_MIN_LEN = 4
#: Keys per round trip (a ``UNION ALL`` of per-key ``LIMIT`` sub-selects).
LOOKUP_BATCH = 100


def key_hash(key: str) -> int:
    """A stable signed 64-bit hash of a blocking key (fits BIGINT on every database)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _phonetic(token: str) -> str:
    """A token's phonetic code (``token_keys``' ``~`` key), or the token itself."""
    for key in token_keys(token):
        if key[0] == "~":
            return key[1:]
    return token


def _whole(tokens: Iterable[str]) -> str:
    return "=" + " ".join(sorted(set(tokens)))


def name_keys(compiled: Compiled) -> set[str]:
    """Whole-name, phonetic whole-name and token-pair keys of each alias (module docstring)."""
    keys: set[str] = set()
    for alias in compiled.aliases:
        tokens = alias.tokens
        if not tokens:
            continue
        keys.add(_whole(tokens))
        keys.add("~=" + " ".join(sorted({_phonetic(t) for t in tokens})))
        head = sorted(set(tokens[:PAIR_TOKENS]))
        if len(head) >= 3:
            keys.update(f"={a} {b}" for a, b in combinations(head, 2))
    return keys


def entity_key_hashes(entity: EntityProxy | Compiled) -> set[int]:
    """The hashed keys of one stored record (empty when it has nothing to block on)."""
    compiled = entity if isinstance(entity, Compiled) else compile_entity(entity)
    return {key_hash(k) for k in blocking_keys(compiled) | name_keys(compiled)}


def _edits(token: str) -> Iterator[str]:
    """One-edit spellings of a token: a letter missing, swapped, changed or added."""
    n = len(token)
    for i in range(n):
        yield token[:i] + token[i + 1:]
        if i + 1 < n:
            yield token[:i] + token[i + 1] + token[i] + token[i + 2:]
        for c in string.ascii_lowercase:
            yield token[:i] + c + token[i + 1:]
    for i in range(n + 1):
        for c in string.ascii_lowercase:
            yield token[:i] + c + token[i:]


def _spellings(tokens: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Other ways a record may write the name ``tokens`` (see :func:`query_key_hashes`)."""
    for i, token in enumerate(tokens):
        before, after = tokens[:i], tokens[i + 1:]
        if len(tokens) > 1 and len(token) > 1:
            yield (*before, token[0], *after)  # an initial
        if len(token) >= EDIT_MIN_LEN and token.isalpha() and token.isascii():
            for edit in _edits(token):
                yield (*before, edit, *after)
        if len(token) >= 2 * 3:  # split in two, each part at least 3 letters
            for cut in range(3, len(token) - 2):
                yield (*before, token[:cut], token[cut:], *after)
        if i + 1 < len(tokens):  # joined with the next token
            yield (*before, token + tokens[i + 1], *tokens[i + 2:])
    if len(tokens) > 2:
        yield ("".join(tokens),)


def query_key_hashes(entity: EntityProxy | Compiled) -> set[int]:
    """A new watch's lookup keys: its own record keys, one-letter deletions of its long
    name tokens, and the whole-name keys of its one-edit spellings (:func:`_spellings`).

    The spellings cost lookups, not stored rows: a record is filed under its
    own whole name once, and a watch whose name is one edit away from it asks
    for exactly that key.
    """
    compiled = entity if isinstance(entity, Compiled) else compile_entity(entity)
    keys = blocking_keys(compiled) | name_keys(compiled)
    for alias in compiled.aliases:
        for token in alias.tokens:
            if len(token) >= 5 and not token.isdigit():
                keys.update(token[:i] + token[i + 1:] for i in range(len(token)))
        for spelling in _spellings(alias.tokens):
            keys.add(_whole(spelling))
            if len(spelling) == 1:
                keys.add(spelling[0])
    return {key_hash(k) for k in keys}


def identifier_key_hashes(entity: EntityProxy | Compiled) -> set[int]:
    """The hashes of a watch's identifier, crypto-address and birth-date+address keys:
    a record sharing one is always a candidate (its name may be entirely different)."""
    return {key_hash(k) for k in blocking_keys(entity) if k[0] in "#$!"}


def key_rows(record_id: int, entity: EntityProxy | Compiled) -> list[tuple[int, int]]:
    """``record_keys`` rows (key, record id) for a newly stored record."""
    return [(k, record_id) for k in entity_key_hashes(entity)]


def _lookup(session: Session, keys: list[int], each: int) -> dict[int, list[int]]:
    """Up to ``each`` record ids per key, in one round trip per :data:`LOOKUP_BATCH` keys.

    A ``UNION ALL`` of per-key ``LIMIT`` sub-selects (plain SQL: compiling a
    different SQLAlchemy statement per key count costs more than the query):
    each is an index range scan that stops after ``each`` rows.
    """
    found: dict[int, list[int]] = {}
    for start in range(0, len(keys), LOOKUP_BATCH):
        chunk = keys[start:start + LOOKUP_BATCH]
        sql = " UNION ALL ".join(
            f"SELECT * FROM (SELECT key, record_id FROM record_keys WHERE key = :k{i} "
            f"LIMIT :each) AS t{i}" for i in range(len(chunk))
        )
        params: dict[str, int] = {f"k{i}": key for i, key in enumerate(chunk)}
        params["each"] = each
        for key, record_id in session.execute(text(sql), params):
            found.setdefault(key, []).append(record_id)
    return found


def _rerank(session: Session, ranked: list[tuple[int, float]], names: list[str],
            limit: int) -> list[int]:
    """The best ``limit`` of the top :data:`POOL_CANDIDATES` by key rarity + name similarity.

    Many records often tie on the same keys ("Progress" companies, a frequent
    surname): a cut by key weight alone is then arbitrary (it kept the lowest
    ids). As the watch index does, the pool is re-ranked by half the share of
    the best key weight plus a rapidfuzz token-sort ratio between the watch's
    normalised names and the record's caption, normalised the same way, or
    between the two with their spaces removed (a joined or split name; one
    query for the captions; no entity is decoded); every record carrying
    exactly the watch's name is kept, up to :data:`EXACT_CANDIDATES`.
    """
    pool = ranked[:POOL_CANDIDATES]
    rows = session.execute(select(Record.id, Record.caption, Record.schema)
                           .where(Record.id.in_([rid for rid, _ in pool]))).all()
    similarity: dict[int, float] = {}
    for rid, caption, schema in rows:
        norm = normalize_name(caption or "", org=schema != "Person")
        text_ = " ".join(norm.tokens) if norm is not None else ""
        joined = text_.replace(" ", "")
        similarity[rid] = max((max(fuzz.token_sort_ratio(text_, n),
                                   fuzz.ratio(joined, n.replace(" ", ""))) for n in names),
                              default=0.0)
    best = pool[0][1] if pool else 1.0
    order = sorted(pool, key=lambda item: (
        -(SHARE_WEIGHT * item[1] / best + similarity.get(item[0], 0.0) / 100), item[0]))
    exact = sum(1 for value in similarity.values() if value >= 100.0)
    return [rid for rid, _ in order[:max(limit, min(exact, EXACT_CANDIDATES))]]


def candidate_records(
    session: Session,
    keys: Iterable[int],
    *,
    always: Iterable[int] = (),
    names: Iterable[str] = (),
    cap: int = COMMON_KEY_CAP,
    limit: int = MAX_CANDIDATES,
) -> list[int]:
    """Record ids sharing the most informative keys with ``keys``, best first.

    Each key is looked up on its own with ``LIMIT cap + 1`` (an index range
    scan), so a very common key costs at most ``cap`` rows and brings no
    candidates (unless no rarer key found anything). Candidates are ranked by
    the summed rarity of the keys they share (IDF, ``log(1 + N / df)`` with N
    the number of stored records), as the watch index ranks its own
    candidates; with more than ``limit``, the best :data:`POOL_CANDIDATES` are
    re-ranked by name similarity to ``names`` (the watch's normalised names,
    :func:`_rerank`). Every record sharing one of the ``always`` keys
    (identifiers, at most ``cap`` each) comes first, as the watch index keeps
    every subject sharing an identifier; then the best ``limit`` others.
    """
    total = max(1, int(session.scalar(select(func.max(Record.id))) or 1))
    always = set(always)
    found = {k: ids for k, ids in _lookup(session, sorted(set(keys) | always), cap + 1).items()
             if ids}
    informative = [ids for ids in found.values() if len(ids) <= cap]
    if not informative:  # only common keys: the rarest one drives
        informative = sorted(found.values(), key=len)[:1]
    votes: dict[int, float] = {}
    for ids in informative:
        weight = math.log(1 + total / len(ids))
        for record_id in ids:
            votes[record_id] = votes.get(record_id, 0.0) + weight
    sure = sorted({r for k in always for r in found.get(k, ()) if len(found[k]) <= cap})
    for record_id in sure:
        votes.pop(record_id, None)
    ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) > limit and names:
        return sure + _rerank(session, ranked, list(names), limit)
    return sure + [record_id for record_id, _ in ranked[:limit]]
