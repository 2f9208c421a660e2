"""Stored objects. One table per concept; evidence (records) and the audit log are append-only.

Times are stored as timezone-aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

#: Integer primary keys: BIGINT on PostgreSQL, INTEGER (rowid) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored in UTC that always comes back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, date: Date}


# --- people ---------------------------------------------------------------------------


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person using casewatch. role: analyst, supervisor, auditor or admin."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    team: Mapped[Team | None] = relationship()


class ApiToken(Base):
    """An API token; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    user: Mapped[User] = relationship()


# --- evidence ---------------------------------------------------------------------------


class IngestBatch(Base):
    """One file (or feed fetch) taken in from a source."""

    __tablename__ = "ingest_batches"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    path: Mapped[str] = mapped_column(Text)
    file_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="running")  # running, done, failed
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class Record(Base):
    """One source record as received: immutable evidence with provenance.

    A changed record at the source is a new row (new content hash); a deletion
    in a list delta is a row with ``op = 'DEL'``.
    """

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("source", "source_id", "content_hash", name="uq_records_content"),
        Index("ix_records_entity", "source", "entity_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    source_id: Mapped[str] = mapped_column(String(500))
    entity_id: Mapped[str] = mapped_column(String(500))
    schema: Mapped[str] = mapped_column(String(60))
    caption: Mapped[str] = mapped_column(Text, default="")
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    op: Mapped[str] = mapped_column(String(3), default="ADD")  # ADD, MOD, DEL
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime]
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batches.id"))
    raw: Mapped[str | None] = mapped_column(Text)


class ScreenQueue(Base):
    """Records waiting to be screened against the watch index (the monitor's work queue)."""

    __tablename__ = "screen_queue"
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    enqueued_at: Mapped[datetime] = mapped_column(default=utcnow)


class Quarantine(Base):
    """A row that could not be taken in: file, row number and reason, with the raw text."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    path: Mapped[str] = mapped_column(Text)
    row: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batches.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


# --- cases and watches ----------------------------------------------------------------


class Case(Base):
    """The unit of work and access: a legal basis, an owner, a team and a review date."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    legal_basis: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    review_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, closed
    threshold: Mapped[float | None] = mapped_column(Float)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    team: Mapped[Team | None] = relationship()


class Watch(Base):
    """A watched subject (an FtM entity) within a case, with a threshold and an expiry."""

    __tablename__ = "watches"
    __table_args__ = (Index("ix_watches_case_subject", "case_id", "subject_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    subject_id: Mapped[str] = mapped_column(String(500))
    schema: Mapped[str] = mapped_column(String(60))
    caption: Mapped[str] = mapped_column(Text, default="")
    entity: Mapped[dict[str, Any]] = mapped_column(default=dict)
    threshold: Mapped[float | None] = mapped_column(Float)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case: Mapped[Case] = relationship()


class Review(Base):
    """A supervisor's review of a case or watch (needed to renew it)."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    object_type: Mapped[str] = mapped_column(String(20))  # case, watch
    object_id: Mapped[int]
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    explanation: Mapped[str] = mapped_column(Text)
    new_date: Mapped[date | None]


# --- alerts ---------------------------------------------------------------------------


class Alert(Base):
    """A watch matched a record. Deduplicated by (watch, dedup key)."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("watch_id", "dedup_key", name="uq_alerts_dedup"),
        Index("ix_alerts_case_status", "case_id", "status"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    subject_id: Mapped[str] = mapped_column(String(500))
    record_entity_id: Mapped[str] = mapped_column(String(500))
    dedup_key: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retro: Mapped[bool] = mapped_column(Boolean, default=False)
    source_removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertEvent(Base):
    """One step in an alert's status history (append-only)."""

    __tablename__ = "alert_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class Suppression(Base):
    """A cleared (watch, record entity) pair that stays quiet until it expires."""

    __tablename__ = "suppressions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id"), index=True)
    record_entity_id: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class WebhookDelivery(Base):
    """One alert notification to a case's webhook, with its attempts."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    url: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, delivered, failed
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    delivered_at: Mapped[datetime | None]


# --- entity resolution ----------------------------------------------------------------


class Judgement(Base):
    """An analyst's decision that two entities are (not) the same; survives re-runs."""

    __tablename__ = "judgements"
    __table_args__ = (UniqueConstraint("left_id", "right_id", name="uq_judgement_pair"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    left_id: Mapped[str] = mapped_column(String(500))
    right_id: Mapped[str] = mapped_column(String(500))
    judgement: Mapped[str] = mapped_column(String(10))  # positive, negative, unsure
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


# --- audit ------------------------------------------------------------------------------


class AuditEvent(Base):
    """One entry of the hash-chained audit log (append-only; triggers refuse change)."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(500))
    case_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    params_digest: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))  # success, denied, error
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed tree head over the audit log: count + root hash, Ed25519 signature."""

    __tablename__ = "audit_checkpoints"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    # --- Merkle tree heads (migration 0005_merkle, casewatch/audit/merkle.py) ---
    #: 1 = root_hash is the chain head (before 0005); 2 = root_hash is the RFC 9162 Merkle root
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    #: version 2: the tree's right edge at ``seq`` (32-byte hashes), so the next head extends it
    frontier: Mapped[bytes | None] = mapped_column(LargeBinary)


class AuditMerkleNode(Base):
    """A perfect subtree hash of the audit Merkle tree (2**level leaves from idx * 2**level).

    Derived data (``audit verify`` recomputes and checks it); append-only like the log.
    """

    __tablename__ = "audit_merkle_nodes"
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


# --- monitoring (issue 4: ingest, record index, inbox files) ----------------------------


class RecordKey(Base):
    """The record-side index for retro-screening: blocking-key hash -> record id.

    Filled at ingest from ``casewatch.matching.index.blocking_keys`` of each new
    record; a new watch looks its own keys up here (rarest first) instead of
    scanning every stored record. ``key`` is a signed 64-bit hash of the key text.
    """

    __tablename__ = "record_keys"
    __table_args__ = {"sqlite_with_rowid": False}
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    record_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class IngestFile(Base):
    """One input file (or file set) claimed by an ingest, by source and content hash.

    The unique (source, file_hash) makes the claim: a second worker sees the
    claim and skips the file; a finished file (status ``done``) is never read
    again; a claim whose worker died is taken over and resumed from its batch's
    committed row count.
    """

    __tablename__ = "ingest_files"
    __table_args__ = (UniqueConstraint("source", "file_hash", name="uq_ingest_files_hash"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    file_hash: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="running")  # running, done
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batches.id"))
    worker: Mapped[str] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


# --- access and accountability (issue 5; migration 0004_access) ---------------------------

# The oversight report and ``audit show`` filter the log by time and actor, and
# renewals look a case's or watch's reviews up by object.
Index("ix_audit_events_at", AuditEvent.at)
Index("ix_audit_events_actor", AuditEvent.actor)
Index("ix_reviews_object", Review.object_type, Review.object_id)


# --- API change generations (issue 5, /match hot path; migration 0006_token_generation) ---


class ChangeGeneration(Base):
    """A counter per kind of change the API server caches: bumped by database triggers.

    ``auth``: any UPDATE or DELETE of ``users`` or ``api_tokens`` (revocation,
    deactivation, role or team change). ``watches``: any UPDATE or DELETE of
    ``watches`` (removal, renewal, a closed case). The triggers bump the row in the
    changing transaction itself, so no code path (the CLI, a service, raw SQL) can
    forget to; a server worker reads the two counters at the start of each request
    and drops what it cached under an older value (see ``casewatch.auth.tokens``).
    """

    __tablename__ = "change_generations"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


# An API case screener adds its case's new watches once a second: ``case_id = ? AND id > ?
# ORDER BY id`` must be one index range, not a scan of every watch of the case.
Index("ix_watches_case_id_id", Watch.case_id, Watch.id)
