"""Records and entities (with provenance), sources and ingestion status, quarantine."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from casewatch.api import reads
from casewatch.api.deps import AuditedRoute, Ctx, PurposeCtx
from casewatch.api.models import (
    EntityOut,
    QuarantineList,
    QuarantineRow,
    RecordList,
    RecordOut,
    SourcesOut,
    iso,
)
from casewatch.api.routers.cases import ERRORS

router = APIRouter(route_class=AuditedRoute, tags=["Records"], responses=ERRORS)
Justification = Annotated[str | None, Query(
    max_length=2000, description="Why you are looking (recorded in the audit log)")]


@router.get("/records", name="search", response_model=RecordList)
def records_search(
    ctx: PurposeCtx,
    q: Annotated[str | None, Query(max_length=500, description="Text in the record's caption")] = None,
    source: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=reads.MAX_LIST)] = 100,
) -> RecordList:
    """Search stored records (needs ``case`` or ``justification``)."""
    assert ctx.user is not None and ctx.purpose is not None
    rows = reads.search_records(ctx.db(), ctx.user, purpose=ctx.purpose, q=q, source=source,
                                limit=limit)
    return RecordList(records=[RecordOut(**reads.record_dict(r)) for r in rows])


@router.get("/records/{record_id}", name="record.view", response_model=RecordOut)
def records_show(
    ctx: Ctx, record_id: Annotated[int, PathParam(gt=0, le=2**62)],
    justification: Justification = None,
) -> RecordOut:
    """One stored record as received, with its provenance."""
    assert ctx.user is not None
    ctx.purpose = justification
    return RecordOut(**reads.record_dict(reads.get_record(ctx.db(), ctx.user, record_id,
                                                          justification)))


@router.get("/entities/{entity_id}", name="entity.view", response_model=EntityOut)
def entities_show(
    ctx: Ctx, entity_id: Annotated[str, PathParam(min_length=1, max_length=500)],
    justification: Justification = None,
) -> EntityOut:
    """An entity with its source records (provenance) and the alerts of cases you may see."""
    assert ctx.user is not None
    ctx.purpose = justification
    return EntityOut(**reads.get_entity(ctx.db(), ctx.user, entity_id, justification))


@router.get("/sources", name="source.status", response_model=SourcesOut)
def sources_status(ctx: Ctx) -> SourcesOut:
    """Each source's stored records and latest ingest batch; queue depth; quarantine size."""
    assert ctx.user is not None
    return SourcesOut(**reads.sources_status(ctx.db(), ctx.user))


@router.get("/quarantine", name="quarantine.list", response_model=QuarantineList)
def quarantine_list(
    ctx: Ctx, source: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=reads.MAX_LIST)] = 100,
) -> QuarantineList:
    """Rows that could not be taken in, with file, row and reason (admins only)."""
    assert ctx.user is not None
    rows = reads.list_quarantine(ctx.db(), ctx.user, source=source, limit=limit)
    return QuarantineList(rows=[
        QuarantineRow(id=r.id, source=r.source, path=r.path, row=r.row, reason=r.reason,
                      raw=r.raw, batch_id=r.batch_id, at=iso(r.at) or "")
        for r in rows
    ])
