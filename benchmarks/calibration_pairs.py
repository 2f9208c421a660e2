"""Labelled (query, candidate) pairs for calibration, with their raw feature values.

Pairs are drawn the way the scorer meets them in production: for each query
record, the candidates the index returns. Every true pair is kept (even when
the index missed it); among the other candidates, the ``HARD`` with the highest
name similarity (the decision region) and ``RANDOM`` random ones are kept as
non-matches. Sources:

* ``generator``: a generated watchlist and records (all variant kinds, random
  records and hard negatives), with the generator's truth;
* ``febrl4``: FEBRL 4b records against FEBRL 4a (true links from the data);
* ``febrl3``: FEBRL 3 records against each other (true duplicate pairs),
  each unordered pair once.

FEBRL is used without the social-security number (with it, the identifier
alone decides, which teaches nothing about the other features).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.common import err_console, pair_key

HARD = 8
RANDOM = 2


@dataclass
class LabelledPairs:
    """Parallel lists: features, labels, source, query group and the compiled pair."""

    features: list[dict[str, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    compiled: list[tuple[Any, Any]] = field(default_factory=list)

    def add(self, q: Any, c: Any, label: int, source: str, group: str, kind: str) -> None:
        from casewatch.matching.score import feature_vector

        self.features.append(feature_vector(q, c))
        self.labels.append(label)
        self.sources.append(source)
        self.groups.append(group)
        self.kinds.append(kind)
        self.compiled.append((q, c))

    def subset(self, rows: Iterable[int]) -> LabelledPairs:
        out = LabelledPairs()
        for i in rows:
            out.features.append(self.features[i])
            out.labels.append(self.labels[i])
            out.sources.append(self.sources[i])
            out.groups.append(self.groups[i])
            out.kinds.append(self.kinds[i])
            out.compiled.append(self.compiled[i])
        return out

    def split(self, share: float, rng: random.Random) -> tuple[LabelledPairs, LabelledPairs]:
        """Split by query group: all pairs of one query land on the same side."""
        groups = sorted(set(self.groups))
        rng.shuffle(groups)
        train_groups = set(groups[: int(len(groups) * share)])
        train = [i for i, g in enumerate(self.groups) if g in train_groups]
        held = [i for i, g in enumerate(self.groups) if g not in train_groups]
        return self.subset(train), self.subset(held)


def _sample_negatives(query: Any, subjects: Sequence[tuple[str, Any]], rng: random.Random
                      ) -> list[tuple[str, Any]]:
    """The hardest non-matches by name similarity, plus a few random ones."""
    from casewatch.matching.score import feature_vector

    ranked = sorted(subjects, key=lambda kc: -feature_vector(query, kc[1])["name_similarity"])
    hard, rest = ranked[:HARD], ranked[HARD:]
    return hard + rng.sample(rest, min(RANDOM, len(rest)))


def _screen_pairs(
    out: LabelledPairs,
    source: str,
    watch: Sequence[dict[str, Any]],
    queries: Sequence[tuple[dict[str, Any], set[str], str]],
    rng: random.Random,
    skip_self: bool = False,
) -> None:
    """Index ``watch``; for each (query, true keys, kind), add true pairs and sampled candidates."""
    from benchmarks.screening.exhaustive import candidate_slots
    from casewatch.matching import Screener, compile_entity

    screener = Screener(watch)
    for entity, truth, kind in queries:
        q = compile_entity(entity)
        qid = entity["id"]
        slots = candidate_slots(screener, q)
        others = [(screener.keys[s], screener.compiled[s]) for s in slots
                  if screener.keys[s] not in truth and not (skip_self and screener.keys[s] == qid)]
        for key in truth:
            if skip_self and key < qid:  # each unordered FEBRL 3 pair once
                continue
            subject = screener.get(key)
            if subject is not None:
                out.add(q, subject, 1, source, f"{source}:{qid}", kind)
        for key, subject in _sample_negatives(q, others, rng):
            if skip_self and key < qid:
                continue
            out.add(q, subject, 0, source, f"{source}:{qid}", kind)


def generator_pairs(out: LabelledPairs, subjects: int, records: int, seed: int) -> None:
    from casewatch.generate import generate_records, generate_watchlist

    watch = list(generate_watchlist(subjects, seed))
    made = list(generate_records(watch, records, seed + 1, variant_fraction=0.5))
    queries = [(e, {t.subject_id} if t.subject_id else set(), t.kind) for e, t in made]
    _screen_pairs(out, "generator", watch, queries, random.Random(seed))


def febrl_pairs(out: LabelledPairs, seed: int) -> None:
    from benchmarks.linkage import febrl

    data = febrl.load(with_ids=False)
    links4: dict[str, set[str]] = {}
    for a, b in data.links4:
        links4.setdefault(a, set()).add(b)
        links4.setdefault(b, set()).add(a)
    ids_4a = {e["id"] for e in data.a4}
    queries4 = [(e, {k for k in links4.get(e["id"], set()) if k in ids_4a}, "febrl4")
                for e in data.b4]
    _screen_pairs(out, "febrl4", data.a4, queries4, random.Random(seed))
    links3: dict[str, set[str]] = {}
    for a, b in data.links3:
        links3.setdefault(a, set()).add(b)
        links3.setdefault(b, set()).add(a)
    queries3 = [(e, links3.get(e["id"], set()), "febrl3") for e in data.d3]
    _screen_pairs(out, "febrl3", data.d3, queries3, random.Random(seed + 1), skip_self=True)


def collect_pairs(subjects: int, records: int, seed: int, febrl: bool = True) -> LabelledPairs:
    """All labelled pairs (generator, then FEBRL unless ``febrl`` is False)."""
    out = LabelledPairs()
    err_console.print(f"labelled pairs: generator ({subjects:,} subjects, {records:,} records)")
    generator_pairs(out, subjects, records, seed)
    if febrl:
        err_console.print("labelled pairs: FEBRL 4 and FEBRL 3 (no SSN)")
        febrl_pairs(out, seed)
    err_console.print(f"{len(out.labels):,} pairs, {sum(out.labels):,} true")
    return out


__all__ = ["LabelledPairs", "collect_pairs", "pair_key"]
