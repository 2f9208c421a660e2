"""Cases and their watches: open, list, show, close; add, import, list and remove watches."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from fastapi import Path as PathParam
from followthemoney.exc import InvalidData

from casewatch.api.deps import AuditedRoute, Ctx
from casewatch.api.models import (
    CaseClose,
    CaseCreate,
    CaseList,
    CaseOut,
    ErrorResponse,
    ImportOut,
    WatchCreate,
    WatchList,
    WatchOut,
    WatchRemove,
)
from casewatch.cases import (
    Subject,
    add_watch,
    build_subject,
    close_case,
    create_case,
    get_case,
    import_watches,
    list_cases,
    list_watches,
    remove_watch,
    subject_from_entity,
)
from casewatch.cases.cases import case_dict
from casewatch.cases.watches import watch_dict
from casewatch.errors import CasewatchError
from casewatch.ftm.io import parse_entity

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 422)
}
router = APIRouter(route_class=AuditedRoute, tags=["Cases"], responses=ERRORS)
CaseId = Annotated[int, PathParam(gt=0, le=2**62)]


@router.get("/cases", name="case.list", response_model=CaseList)
def cases_list(
    ctx: Ctx, status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None
) -> CaseList:
    """The cases the caller may see, newest first."""
    assert ctx.user is not None
    found = list_cases(ctx.db(), ctx.user, status)
    return CaseList(cases=[CaseOut(**s.as_dict()) for s in found])


@router.post("/cases", name="case.create", response_model=CaseOut, status_code=201)
def cases_create(ctx: Ctx, body: CaseCreate) -> CaseOut:
    """Open a case (analysts, supervisors and admins) for the caller's team."""
    assert ctx.user is not None
    case = create_case(ctx.db(), ctx.user, title=body.title, legal_basis=body.legal_basis,
                       review_date=body.review_date, team=body.team, threshold=body.threshold,
                       webhook_url=body.webhook_url)
    ctx.case_id = case.id
    return CaseOut(**get_case(ctx.db(), ctx.user, case.id).as_dict())


@router.get("/cases/{case_id}", name="case.view", response_model=CaseOut)
def cases_show(ctx: Ctx, case_id: CaseId) -> CaseOut:
    """One case with its counts of watches and alerts."""
    assert ctx.user is not None
    return CaseOut(**get_case(ctx.db(), ctx.user, case_id).as_dict())


@router.post("/cases/{case_id}/close", name="case.close", response_model=CaseOut)
def cases_close(ctx: Ctx, case_id: CaseId, body: CaseClose) -> CaseOut:
    """Close a case and end its watches (supervisor, admin or the case owner)."""
    assert ctx.user is not None
    case, _ = close_case(ctx.db(), ctx.user, case_id, body.reason)
    return CaseOut(**case_dict(case))


@router.get("/cases/{case_id}/watches", name="watch.list", response_model=WatchList)
def watches_list(
    ctx: Ctx, case_id: CaseId, include_ended: bool = False,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> WatchList:
    """The case's watches (active ones unless ``include_ended``)."""
    assert ctx.user is not None
    found = list_watches(ctx.db(), ctx.user, case_id, include_ended=include_ended, limit=limit)
    return WatchList(watches=[WatchOut(**watch_dict(w)) for w in found])


def _subject(body: WatchCreate) -> Subject:
    """The subject from an FtM entity or from the simple fields; 400 naming the field."""
    try:
        if body.entity is not None:
            return subject_from_entity(parse_entity(body.entity))
        if not body.schema_ or not body.name:
            raise CasewatchError("give either 'entity' (an FtM entity) or 'schema' and 'name'")
        return build_subject(body.schema_, body.name, subject_id=body.subject_id,
                             birth_date=body.birth_date, country=body.country,
                             identifier=body.identifier)
    except (ValueError, InvalidData) as exc:
        raise CasewatchError(f"subject: {exc}".replace("--", "")) from None


@router.post("/cases/{case_id}/watches", name="watch.add", response_model=WatchOut,
             status_code=201)
def watches_add(ctx: Ctx, case_id: CaseId, body: WatchCreate) -> WatchOut:
    """Watch one subject in the case, with a threshold and an expiry (≤ the case review date)."""
    assert ctx.user is not None
    subject = _subject(body)
    watch = add_watch(ctx.db(), ctx.user, case_id, subject, threshold=body.threshold,
                      expires=body.expires, retro=body.retro)
    return WatchOut(**watch_dict(watch))


@router.post("/cases/{case_id}/watches/import", name="watch.import", response_model=ImportOut,
             status_code=201)
def watches_import(
    ctx: Ctx, case_id: CaseId,
    file: Annotated[UploadFile, File(description="FtM entities, one JSON object a line")],
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    retro: bool = True,
) -> ImportOut:
    """Import every subject of an uploaded FtM JSON lines file as a watch, or none."""
    assert ctx.user is not None
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(file.filename or "upload.jsonl").name)[:100]
    with tempfile.TemporaryDirectory(prefix="casewatch-upload-") as folder:
        path = Path(folder) / (name or "upload.jsonl")
        with open(path, "wb") as out:
            shutil.copyfileobj(file.file, out)
        result = import_watches(ctx.db(), ctx.user, case_id, path, threshold=threshold,
                                retro=retro)
    return ImportOut(
        case_id=result.case_id, imported=result.imported,
        skipped_existing=result.skipped_existing, skipped_repeated=result.skipped_repeated,
        properties_dropped=result.properties_dropped, threshold=result.threshold,
        expires_at=result.expires_at.isoformat(), file_sha256=result.file_sha256,
        retro_alerts=result.retro_alerts)


@router.post("/watches/{watch_id}/remove", name="watch.remove", response_model=WatchOut)
def watches_remove(
    ctx: Ctx, watch_id: Annotated[int, PathParam(gt=0, le=2**62)], body: WatchRemove
) -> WatchOut:
    """End a watch now: it stops alerting at once."""
    assert ctx.user is not None
    watch = remove_watch(ctx.db(), ctx.user, watch_id, body.reason)
    return WatchOut(**watch_dict(watch))
