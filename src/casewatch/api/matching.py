"""yente-compatible matching: parse query entities, screen the dataset, shape yente's answer.

The screening itself is :class:`casewatch.matching.Screener` (see
:mod:`casewatch.api.screeners` for which one); this module turns yente's
request into query entities, completes every hit from its watch (the rows of
:mod:`casewatch.api.watchrows`, trusted only under the current change
counter) or its stored record, so that only active watches and current
records are answered, and only the caller's, and
builds ``EntityMatchResponse``. One ``match`` audit event records the dataset,
the parameters and the search terms of every query.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from followthemoney import EntityProxy
from followthemoney.exc import InvalidData
from sqlalchemy import select
from sqlalchemy.orm import Session

from casewatch.api.deps import RequestContext, check_case
from casewatch.api.match_models import ALGORITHMS, MAX_BATCH, EntityExample
from casewatch.api.screeners import ScreenerCache
from casewatch.api.watchrows import WatchRows
from casewatch.auth import visible_case_ids
from casewatch.db.models import Case, Record
from casewatch.errors import CasewatchError, NotFound
from casewatch.ftm.model import OUT_OF_SCOPE_PROPERTIES, REFUSED_SCHEMATA, model
from casewatch.matching import Match, Screener
from casewatch.matching.score import WEIGHTS

CASE_PREFIX = "case-"
DOCS_URL = "https://github.com/casewatch/casewatch/blob/main/docs/matching.md"


@dataclass(frozen=True)
class MatchParams:
    threshold: float
    cutoff: float
    limit: int
    algorithm: str


def query_entity(name: str, example: EntityExample) -> EntityProxy:
    """The FtM entity of one query; unknown properties are ignored (as yente does)."""
    schema = model.get(example.schema_)
    if schema is None:
        raise CasewatchError(f"queries.{name}.schema: unknown FtM schema {example.schema_!r}")
    if schema.name in REFUSED_SCHEMATA:
        raise CasewatchError(
            f"queries.{name}.schema: {schema.name} is refused: casewatch does not screen "
            "communications or movements of people")
    entity = model.make_entity(schema)
    entity.id = example.id or name
    for prop, raw in example.properties.items():
        if prop in OUT_OF_SCOPE_PROPERTIES or schema.get(prop) is None:
            continue
        values = raw if isinstance(raw, list) else [raw]
        for value in values:
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                try:
                    entity.add(prop, str(value), cleaned=False, fuzzy=True)
                except InvalidData as exc:
                    raise CasewatchError(f"queries.{name}.properties.{prop}: {exc}") from None
    if not entity.properties:
        raise CasewatchError(
            f"queries.{name}: no usable properties: give at least 'name' (e.g. "
            '{"schema": "Person", "properties": {"name": ["John Doe"]}})')
    return entity


def check_params(threshold: float, cutoff: float | None, limit: int, algorithm: str,
                 count: int) -> MatchParams:
    if algorithm not in ALGORITHMS:
        raise CasewatchError(
            f"algorithm {algorithm!r} is not known: use one of {', '.join(ALGORITHMS)} "
            "(casewatch answers all of them with its own scorer)")
    if count == 0:
        raise CasewatchError('no queries given: send {"queries": {"q1": {"schema": ..., '
                             '"properties": {...}}}}')
    if count > MAX_BATCH:
        raise CasewatchError(f"too many queries in one batch: {count} (limit: {MAX_BATCH})")
    low = threshold if cutoff is None else min(cutoff, threshold)
    return MatchParams(threshold, low, limit, algorithm)


# -- which screeners a dataset means ----------------------------------------------------

Screen = Callable[[EntityProxy, float, int], list[tuple[str, Match]]]


def _case_ids(session: Session, ctx: RequestContext) -> list[int]:
    """The open cases the caller may see (for ``default``)."""
    assert ctx.user is not None
    stmt = select(Case.id).where(Case.status == "open").order_by(Case.id)
    visible = visible_case_ids(session, ctx.user)
    if visible is not None:
        stmt = stmt.where(Case.id.in_(visible))
    return list(session.scalars(stmt))


def targets(ctx: RequestContext, cache: ScreenerCache, dataset: str) -> list[str]:
    """The screener keys (``case:<id>``, ``source:<name>``) of a dataset; 404 when unknown."""
    session = ctx.db()
    assert ctx.user is not None
    if dataset == "default":
        return ([f"source:{s}" for s in cache.sources(session)]
                + [f"case:{c}" for c in _case_ids(session, ctx)])
    if dataset.startswith(CASE_PREFIX):
        number = dataset[len(CASE_PREFIX):]
        if not number.isdigit() or int(number) <= 0:
            raise NotFound(f"dataset {dataset!r} not found: case datasets are named case-<id>")
        case_id = int(number)
        check_case(ctx, case_id)
        return [f"case:{case_id}"]
    if cache.has_source(session, dataset):
        return [f"source:{dataset}"]
    raise NotFound(
        f"dataset {dataset!r} not found: use 'default', a source with stored records "
        f"({', '.join(cache.sources(session)) or 'none yet'}) or case-<id>")


def screen_all(session: Session, cache: ScreenerCache, keys: list[str], entity: EntityProxy,
               cutoff: float, want: int) -> list[tuple[str, Match]]:
    """Screen ``entity`` in every target; (target key, match) pairs, best first."""
    found: list[tuple[str, Match]] = []
    for key in keys:
        kind, _, name = key.partition(":")
        holder = cache.case(session, int(name)) if kind == "case" else cache.source(session, name)
        with holder as screener:
            found.extend((key, m) for m in _screen(screener, entity, cutoff, want))
    found.sort(key=lambda item: -item[1].score)
    return found


def _screen(screener: Screener, entity: EntityProxy, cutoff: float, want: int) -> list[Match]:
    if len(screener) == 0:
        return []
    return screener.screen(entity, threshold=cutoff, limit=want)


# -- hits -> yente results ----------------------------------------------------------------


def _record_rows(session: Session, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], Record]:
    out: dict[tuple[str, str], Record] = {}
    by_source: dict[str, list[str]] = {}
    for source, entity_id in pairs:
        by_source.setdefault(source, []).append(entity_id)
    for source, ids in by_source.items():
        rows = session.scalars(
            select(Record).where(Record.source == source, Record.entity_id.in_(ids))
            .order_by(Record.id))
        for row in rows:  # the latest version wins; a later DEL removes it
            if row.op == "DEL":
                out.pop((source, row.entity_id), None)
            else:
                out[(source, row.entity_id)] = row
    return out


def _result(match: Match, threshold: float, *, id: str, caption: str, schema: str,
            properties: dict[str, Any], datasets: list[str]) -> dict[str, Any]:
    return {
        "id": id, "caption": caption or match.candidate_caption, "schema": schema,
        "properties": properties, "datasets": datasets, "referents": [], "target": False,
        "score": match.score, "match": match.score >= threshold,
        "features": dict(match.features),
        "explanations": {
            k: {"detail": match.explanation.get(k), "score": v, "query": None, "candidate": None}
            for k, v in match.features.items()
        },
    }


def hits(session: Session, found: list[tuple[str, Match]], threshold: float, limit: int,
         watch_rows: WatchRows | None = None,
         generation: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """Complete each hit from its watch or record; (results, total).

    Only active watches and current records are answered. The watches come from
    ``watch_rows`` (rows read under the ``watches`` change counter ``generation``,
    see :mod:`casewatch.api.watchrows`), else straight from the database.
    """
    watch_ids = [int(m.key) for k, m in found if k.startswith("case:") and m.key.isdigit()]
    record_keys = [(k.partition(":")[2], m.key) for k, m in found if k.startswith("source:")]
    watches = (watch_rows or WatchRows(max_rows=0)).active(session, watch_ids, generation)
    records = _record_rows(session, record_keys)
    results: list[dict[str, Any]] = []
    for key, match in found:
        if key.startswith("case:"):
            watch = watches.get(int(match.key)) if match.key.isdigit() else None
            if watch is None:
                continue
            results.append(_result(match, threshold, id=watch.subject_id,
                                   caption=watch.caption or "", schema=watch.schema,
                                   properties=watch.properties,
                                   datasets=[f"{CASE_PREFIX}{watch.case_id}"]))
        else:
            record = records.get((key.partition(":")[2], match.key))
            if record is None:
                continue
            results.append(_result(match, threshold, id=record.entity_id, caption=record.caption,
                                   schema=record.schema, properties=record.properties,
                                   datasets=[record.source]))
    return results[:limit], len(results)


@functools.cache
def feature_docs() -> dict[str, dict[str, Any]]:
    """yente's ``matcher`` block: each feature's description and weight."""
    from casewatch.matching.features import explanation

    docs: dict[str, dict[str, Any]] = {}
    for group in (WEIGHTS.main, WEIGHTS.adjustments):
        for name, weight in group.items():
            docs[name] = {"description": explanation(name), "coefficient": weight,
                          "url": f"{DOCS_URL}#{name}"}
    return docs


def run_match(ctx: RequestContext, cache: ScreenerCache, dataset: str,
              queries: dict[str, EntityExample], params: MatchParams,
              observe: Callable[[float], None] | None = None) -> dict[str, Any]:
    """Answer a yente match request; appends the ``match`` audit event with the search terms."""
    session = ctx.db()
    entities = {name: query_entity(name, ex) for name, ex in queries.items()}
    shown = {name: {"schema": e.schema.name, "properties": e.to_dict()["properties"]}
             for name, e in entities.items()}
    keys = targets(ctx, cache, dataset)
    want = params.limit * 2 + 5  # room for hits that turn out removed or expired
    responses: dict[str, Any] = {}
    for name, entity in entities.items():
        started = time.perf_counter()
        found = screen_all(session, cache, keys, entity, params.cutoff, want)
        results, total = hits(session, found, params.threshold, params.limit,
                              cache.watch_rows, ctx.generations.watches)
        if observe is not None:
            observe(time.perf_counter() - started)
        responses[name] = {
            "status": 200, "results": results, "total": {"value": total, "relation": "eq"},
            "query": {"id": entity.id, **shown[name]},
        }
    ctx.audit(read_only=True, action="match", object_type="dataset", object_id=dataset, params={
        "dataset": dataset, "threshold": params.threshold, "limit": params.limit,
        "algorithm": params.algorithm, "queries": shown,
        "results": {n: [r["id"] for r in resp["results"]] for n, resp in responses.items()},
    })
    return {"responses": responses, "matcher": dict(feature_docs()), "limit": params.limit}
