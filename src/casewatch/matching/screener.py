"""The Screener: a watchlist in memory, screened one record at a time or in bulk.

    screener = Screener(watchlist_entities)
    for match in screener.screen(record):
        print(match.key, match.score, match.features)

Subjects live in slots (``compiled`` list + ``alive`` flags); the candidate
index files each slot under its keys. One Screener may be shared by threads:
adding, removing and candidate lookup take a lock (scoring does not). Adding a subject appends a slot;
removing one clears its flag (its postings stay until the next snapshot
compaction), so both take about a millisecond and never rebuild anything.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

import numpy as np
from followthemoney import EntityProxy

from casewatch.errors import CasewatchError
from casewatch.matching.compiled import Compiled, compile_entity
from casewatch.matching.features import explanation
from casewatch.matching.index import DEFAULT_CANDIDATES, CandidateIndex
from casewatch.matching.score import WEIGHTS, Weights, score_pair

SNAPSHOT_MAGIC = "casewatch-screener/3"  # 2: compiled subjects carry addresses; 3: names their script
Entity = EntityProxy | Mapping[str, Any]


@dataclass
class Match:
    """One watched subject that matched a screened record."""

    key: str
    score: float
    features: dict[str, float] = field(default_factory=dict)
    explanation: dict[str, str] = field(default_factory=dict)
    candidate_caption: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "score": self.score,
            "features": dict(self.features),
            "explanation": dict(self.explanation),
            "candidate_caption": self.candidate_caption,
        }


def _entity_key(entity: Entity) -> str:
    key = entity.id if isinstance(entity, EntityProxy) else entity.get("id")
    if not isinstance(key, str) or not key:
        raise CasewatchError("entity has no 'id': pass key= to Screener.add")
    return key


class Screener:
    """Screens entities against a watchlist held in memory."""

    def __init__(self, entities: Iterable[Entity] = (), weights: Weights = WEIGHTS) -> None:
        self.weights = weights
        self.index = CandidateIndex()
        self.keys: list[str] = []
        self.compiled: list[Compiled | None] = []
        self.slot_of: dict[str, int] = {}
        self._alive = bytearray()
        self._lock = threading.RLock()
        self.candidates = DEFAULT_CANDIDATES
        self.index.subjects = self.compiled
        for entity in entities:
            self.add(entity)

    @classmethod
    def build(cls, entities: Iterable[Entity], workers: int = 2, weights: Weights = WEIGHTS) -> Screener:
        """Build from many entities, compiling them in ``workers`` forked processes.

        Compiling (normalising names) is most of the cost of adding a subject;
        the index itself is filled in this process, in input order, so the
        result is the same as adding the entities one by one.
        """
        screener = cls(weights=weights)
        if workers <= 1:
            for entity in entities:
                screener.add(entity)
            return screener
        ctx = multiprocessing.get_context("fork")
        pending: deque[AsyncResult[list[tuple[str, Compiled]]]] = deque()
        with ctx.Pool(workers) as pool:
            # chunks are read here (errors surface in this thread), a few in flight at once
            for chunk in _chunks(entities, 1000):
                pending.append(pool.apply_async(_compile_chunk, (chunk,)))
                while len(pending) > 2 * workers:
                    screener._add_compiled(pending.popleft().get())
            while pending:
                screener._add_compiled(pending.popleft().get())
        return screener

    def _add_compiled(self, chunk: list[tuple[str, Compiled]]) -> None:
        for key, compiled in chunk:
            self.add(compiled, key=key)

    # -- the watchlist --------------------------------------------------------
    def add(self, entity: Entity | Compiled, key: str | None = None) -> None:
        """Add (or replace) one subject under ``key`` (default: the entity id)."""
        if isinstance(entity, Compiled):
            if key is None:
                raise CasewatchError("a compiled subject needs key=")
            compiled = entity
        else:
            key = key if key is not None else _entity_key(entity)
            compiled = compile_entity(entity)
        with self._lock:
            if key in self.slot_of:
                self.remove(key)
            slot = len(self.keys)
            self.keys.append(key)
            self.compiled.append(compiled)
            self._alive.append(1)
            self.slot_of[key] = slot
            self.index.add(slot, compiled)

    def remove(self, key: str) -> bool:
        """Remove the subject filed under ``key``; False if there was none."""
        with self._lock:
            slot = self.slot_of.pop(key, None)
            if slot is None:
                return False
            self._alive[slot] = 0
            self.compiled[slot] = None
            self.index.removed()
            return True

    def __len__(self) -> int:
        return len(self.slot_of)

    def __contains__(self, key: object) -> bool:
        return key in self.slot_of

    def get(self, key: str) -> Compiled | None:
        """The compiled form of a subject, if present."""
        slot = self.slot_of.get(key)
        return None if slot is None else self.compiled[slot]

    # -- screening ------------------------------------------------------------
    def screen(self, entity: Entity | Compiled, threshold: float | None = None, limit: int = 10) -> list[Match]:
        """Subjects matching ``entity`` at or above ``threshold``, best first."""
        query = entity if isinstance(entity, Compiled) else compile_entity(entity)
        cut = self.weights.threshold if threshold is None else threshold
        with self._lock:  # numpy views of the postings must not meet a concurrent add
            alive = np.frombuffer(self._alive, dtype=np.uint8)
            slots, _ = self.index.candidates(query, alive, self.candidates)
            frequency = self.index.name_frequency(query)
            del alive
        found: list[tuple[float, int, dict[str, float]]] = []
        for slot in slots.tolist():
            subject = self.compiled[slot]
            if subject is None:
                continue
            scored = score_pair(query, subject, self.weights, floor=cut, frequency=frequency,
                                known=self.index.known_word)
            if scored.score >= cut and (scored.score > 0.0 or cut <= 0.0):  # threshold 0: rank all
                found.append((scored.score, slot, scored.features))
        # equal scores (often 0 when threshold=0 asks for a ranking) are ordered by the name evidence
        found.sort(key=lambda item: (-item[0], -item[2].get("name_similarity", 0.0), self.keys[item[1]]))
        return [self._match(score, slot, feats) for score, slot, feats in found[:limit]]

    def _match(self, score: float, slot: int, features: dict[str, float]) -> Match:
        subject = self.compiled[slot]
        return Match(
            key=self.keys[slot],
            score=round(score, 4),
            features={k: round(v, 4) for k, v in features.items()},
            explanation={k: explanation(k) for k in features},
            candidate_caption=subject.caption if subject is not None else "",
        )

    def screen_many(
        self, entities: Iterable[Entity], threshold: float | None = None, limit: int = 10, workers: int = 2
    ) -> Iterator[list[Match]]:
        """Screen many entities, in order; ``workers`` > 1 forks processes sharing the index."""
        if workers <= 1:
            for entity in entities:
                yield self.screen(entity, threshold, limit)
            return
        yield from _parallel(self, entities, threshold, limit, workers)

    # -- snapshots ------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write a snapshot (removed subjects are left out); atomic via a temporary file."""
        path = Path(path)
        live = [s for s in range(len(self.keys)) if self._alive[s]]
        if len(live) == len(self.keys):
            state = (self.keys, self.compiled, self.index.state())
        else:  # compact: rebuild the index over live subjects only
            fresh = Screener(weights=self.weights)
            for slot in live:
                compiled = self.compiled[slot]
                assert compiled is not None
                fresh.add(compiled, key=self.keys[slot])
            state = (fresh.keys, fresh.compiled, fresh.index.state())
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump((SNAPSHOT_MAGIC, state), fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path, weights: Weights = WEIGHTS) -> Screener:
        """Read a snapshot written by :meth:`save`."""
        path = Path(path)
        try:
            with open(path, "rb") as fh:
                magic, state = pickle.load(fh)
        except FileNotFoundError:
            raise CasewatchError(f"{path}: snapshot not found") from None
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
            raise CasewatchError(f"{path}: not a casewatch screener snapshot ({exc})") from None
        if magic != SNAPSHOT_MAGIC:
            raise CasewatchError(f"{path}: not a casewatch screener snapshot")
        keys, compiled, index_state = state
        screener = cls(weights=weights)
        screener.keys = keys
        screener.compiled = compiled
        screener.slot_of = {k: i for i, k in enumerate(keys)}
        screener._alive = bytearray(b"\x01" * len(keys))
        screener.index = CandidateIndex.from_state(index_state)
        screener.index.subjects = screener.compiled
        return screener


# -- parallel screening (fork: the children share the parent's index) ---------
_SHARED: Screener | None = None


def _screen_chunk(args: tuple[list[Any], float | None, int]) -> list[list[Match]]:
    entities, threshold, limit = args
    assert _SHARED is not None
    return [_SHARED.screen(e, threshold, limit) for e in entities]


def _compile_chunk(entities: list[Any]) -> list[tuple[str, Compiled]]:
    out = []
    for entity in entities:
        key = _entity_key(entity)
        try:
            out.append((key, compile_entity(entity)))
        except CasewatchError as exc:
            raise CasewatchError(f"entity {key!r}: {exc}") from None
    return out


def _as_payload(entity: Entity) -> Any:
    return entity.to_dict() if isinstance(entity, EntityProxy) else dict(entity)


def _chunks(entities: Iterable[Entity], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for entity in entities:
        chunk.append(_as_payload(entity))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parallel(
    screener: Screener, entities: Iterable[Entity], threshold: float | None, limit: int, workers: int
) -> Iterator[list[Match]]:
    global _SHARED
    _SHARED = screener
    try:
        ctx = multiprocessing.get_context("fork")
        jobs = ((chunk, threshold, limit) for chunk in _chunks(entities, 200))
        with ctx.Pool(workers) as pool:
            for results in pool.imap(_screen_chunk, jobs):
                yield from results
    finally:
        _SHARED = None
