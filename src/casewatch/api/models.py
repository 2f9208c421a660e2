"""Pydantic models of every API request and response (the OpenAPI schema is built from them).

The /match models follow OpenSanctions yente's (``yente/data/common.py``)
field for field, so that yente clients work unchanged: see
:mod:`casewatch.api.match_models`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorResponse(BaseModel):
    """Every error: one message that says what to fix."""

    detail: str = Field(..., examples=["missing API token: send the header 'Authorization: Bearer <token>'"])


class StatusResponse(BaseModel):
    status: str = "ok"


class ReadyResponse(BaseModel):
    status: str = Field(..., examples=["ok"])
    database: str = Field(..., examples=["sqlite"])


class Me(BaseModel):
    name: str
    role: str
    team: str | None


# -- cases -------------------------------------------------------------------------------


class CaseCreate(BaseModel):
    """A new case: title, legal basis and a review date in the future."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(..., min_length=1, max_length=500, examples=["Shell network around Acme Ltd"])
    legal_basis: str = Field(..., min_length=1, max_length=5000,
                             examples=["Money Laundering Regulations 2017, reg. 28"])
    review_date: date = Field(..., examples=["2027-06-30"])
    team: str | None = Field(None, max_length=200, description="Default: the caller's team")
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    webhook_url: str | None = Field(None, max_length=2000)


class CaseClose(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(..., min_length=1, max_length=10_000)


class CaseOut(BaseModel):
    case_id: int
    title: str
    legal_basis: str
    team: str | None
    owner_id: int | None
    status: str
    opened_at: str
    review_date: str
    threshold: float | None
    webhook_url: str | None
    watches_active: int = 0
    watches_ended: int = 0
    alerts: dict[str, int] = Field(default_factory=dict)


class CaseList(BaseModel):
    cases: list[CaseOut]


# -- watches -----------------------------------------------------------------------------


class WatchCreate(BaseModel):
    """One subject to watch: either an FtM ``entity`` or the simple fields ``schema``/``name``."""

    model_config = ConfigDict(extra="forbid")
    entity: dict[str, Any] | None = Field(
        None, description="An FtM entity: {id, schema, properties}",
        examples=[{"id": "acme", "schema": "Company", "properties": {"name": ["Acme Ltd"]}}])
    schema_: str | None = Field(None, alias="schema", max_length=60, examples=["Company"])
    name: str | None = Field(None, max_length=1000, examples=["Acme Ltd"])
    subject_id: str | None = Field(None, max_length=500)
    birth_date: str | None = Field(None, max_length=20)
    country: str | None = Field(None, max_length=100)
    identifier: str | None = Field(None, max_length=200)
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    expires: date | None = Field(None, description="Default: the latest allowed (case review date)")
    retro: bool = Field(True, description="Screen the new watch against stored records now")


class WatchOut(BaseModel):
    watch_id: int
    case_id: int
    subject_id: str
    schema_: str = Field(..., alias="schema")
    caption: str
    threshold: float | None
    created_at: str
    expires_at: str
    removed_at: str | None
    state: str
    model_config = ConfigDict(populate_by_name=True)


class WatchList(BaseModel):
    watches: list[WatchOut]


class WatchRemove(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, max_length=10_000)


class ImportOut(BaseModel):
    case_id: int
    imported: int
    skipped_existing: int
    skipped_repeated: int
    properties_dropped: int
    threshold: float
    expires_at: str
    file_sha256: str
    retro_alerts: int | None


# -- alerts ------------------------------------------------------------------------------


class AlertOut(BaseModel):
    alert_id: int
    case_id: int
    watch_id: int
    record_id: str
    record_pk: int
    record_source: str
    record_caption: str | None
    subject_id: str
    subject_caption: str | None
    score: float
    status: str
    assignee_id: int | None
    retro: bool
    source_removed_at: str | None
    created_at: str | None
    updated_at: str | None
    explanation: dict[str, Any]


class AlertList(BaseModel):
    alerts: list[AlertOut]


class AlertDetail(AlertOut):
    assignee: str | None
    record: dict[str, Any]
    watch: dict[str, Any]
    case: dict[str, Any]
    history: list[dict[str, Any]]


class TriageNote(BaseModel):
    """A triage step's note (required for dismiss, return and note)."""

    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, max_length=10_000)


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: str | None = Field(None, max_length=200, description="User name (default: the caller)")
    note: str | None = Field(None, max_length=10_000)


class SuppressBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    until: date = Field(..., examples=["2027-01-31"])
    reason: str = Field(..., min_length=1, max_length=10_000)


class AlertState(BaseModel):
    alert_id: int
    status: str
    assignee_id: int | None


class SuppressOut(BaseModel):
    suppression_id: int
    alert_id: int
    expires_at: str


# -- records, entities, sources ----------------------------------------------------------


class RecordOut(BaseModel):
    record_id: int
    source: str
    source_id: str
    entity_id: str
    schema_: str = Field(..., alias="schema")
    caption: str
    properties: dict[str, Any]
    op: str
    content_hash: str
    fetched_at: str
    ingested_at: str
    batch_id: int | None
    model_config = ConfigDict(populate_by_name=True)


class RecordList(BaseModel):
    records: list[RecordOut]


class EntityAlert(BaseModel):
    alert_id: int
    case_id: int
    status: str
    score: float


class EntityOut(BaseModel):
    """An entity with the source records it was built from (provenance) and its visible alerts."""

    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str]
    records: list[RecordOut]
    alerts: list[EntityAlert]
    model_config = ConfigDict(populate_by_name=True)


class SourceStatus(BaseModel):
    name: str
    records: int
    last_batch_id: int | None
    last_status: str | None
    last_started_at: str | None
    last_finished_at: str | None
    last_counts: dict[str, Any] | None
    last_error: str | None


class SourcesOut(BaseModel):
    sources: list[SourceStatus]
    queue_depth: int
    quarantined: int


class QuarantineRow(BaseModel):
    id: int
    source: str
    path: str
    row: int | None
    reason: str
    raw: str | None
    batch_id: int | None
    at: str


class QuarantineList(BaseModel):
    rows: list[QuarantineRow]


# -- audit and oversight -----------------------------------------------------------------


class AuditEventOut(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    case_id: int | None
    purpose: str | None
    params_digest: str | None
    outcome: str
    prev_hash: str
    hash: str


class AuditList(BaseModel):
    events: list[AuditEventOut]


class VerifyOut(BaseModel):
    ok: bool
    events: int
    checkpoints: int
    head_seq: int
    head_hash: str
    last_checkpoint_seq: int | None
    problem: str | None
    notes: list[str]


class OversightReport(BaseModel):
    """The oversight report (same content as ``casewatch oversight report --format json``)."""

    model_config = ConfigDict(extra="allow")
    title: str
    period: dict[str, Any]
    generated_at: str | None
    watches_by_case: list[dict[str, Any]]
    watch_expiry: dict[str, Any]
    reviews: dict[str, Any]
    alerts: dict[str, Any]
    searches: list[dict[str, Any]]
    denied: dict[str, Any]
    audit_chain: dict[str, Any]


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None
