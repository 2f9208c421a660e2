"""Webhook notifications: one signed POST per new alert to its case's webhook, retried.

Each new alert of a case with a webhook gets a :class:`WebhookDelivery` row
(:func:`enqueue_notifications`, called by the monitor in the transaction that
raises the alert). :func:`deliver_pending` sends the due ones:

- body: JSON ``{"event": "alert.new", "delivery_id", "timestamp", "alert": {...}}``
  with ids, score and status only (no record content: receivers fetch details
  through the audited API);
- signature: ``X-Casewatch-Signature: sha256=HEX`` where HEX is HMAC-SHA256 with
  the case's secret over ``"{timestamp}.{body}"``; the timestamp is also sent in
  ``X-Casewatch-Timestamp`` and in the body, so receivers can refuse replays;
- retries: a failed attempt (error, timeout or non-2xx) is retried after
  ``BACKOFF_BASE * 2**(attempts-1)`` (capped at ``BACKOFF_MAX``); after
  ``MAX_ATTEMPTS`` the delivery is marked ``failed`` with its last error
  (``casewatch webhook status`` shows them).

Workers claim a delivery by bumping its attempt count and pushing
``next_attempt_at`` forward by a lease, with a compare-and-set update, so two
workers never send the same attempt and a worker that dies mid-send is
retried when its lease runs out. Every attempt is a disclosure and is audited
as ``webhook.deliver`` (actor ``system``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from casewatch.audit.log import append
from casewatch.db.engine import transaction
from casewatch.db.models import Alert, Case, WebhookDelivery, utcnow

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
LEASE = timedelta(minutes=2)
TIMEOUT = 10.0
SIGNATURE_HEADER = "X-Casewatch-Signature"
TIMESTAMP_HEADER = "X-Casewatch-Timestamp"
SYSTEM = "system"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value: ``sha256=`` + HMAC-SHA256(secret, "{timestamp}." + body)."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, header: str,
                     *, now: float | None = None, tolerance: float = 300.0) -> bool:
    """For receivers: the signature matches and the timestamp is within ``tolerance`` seconds."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if now is not None and abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), header)


def enqueue_notifications(session: Session, alert_ids: Sequence[int]) -> int:
    """Queue one delivery per alert whose case has a webhook; returns how many were queued."""
    if not alert_ids:
        return 0
    now = utcnow()
    rows = session.execute(
        select(Alert.id, Alert.case_id, Case.webhook_url)
        .join(Case, Case.id == Alert.case_id)
        .where(Alert.id.in_(list(alert_ids)), Case.webhook_url.is_not(None))
    ).all()
    session.add_all(
        WebhookDelivery(alert_id=a, case_id=c, url=url, attempts=0, status="pending",
                        next_attempt_at=now)
        for a, c, url in rows
    )
    session.flush()
    return len(rows)


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failures: 30 s, 60 s, 120 s ... 1 h."""
    wait: timedelta = BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return min(wait, BACKOFF_MAX)


@dataclass
class DeliveryReport:
    """What one :func:`deliver_pending` run did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Claim:
    delivery_id: int
    alert_id: int
    case_id: int
    url: str
    attempt: int


def _claim(engine: Engine, now: datetime, limit: int) -> list[_Claim]:
    """Claim up to ``limit`` due deliveries (compare-and-set on the attempt count)."""
    claims: list[_Claim] = []
    with transaction(engine) as session:
        due = session.execute(
            select(WebhookDelivery.id, WebhookDelivery.alert_id, WebhookDelivery.case_id,
                   WebhookDelivery.url, WebhookDelivery.attempts)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)
        ).all()
        for did, alert_id, case_id, url, attempts in due:
            result = session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == did, WebhookDelivery.attempts == attempts,
                       WebhookDelivery.status == "pending")
                .values(attempts=attempts + 1, next_attempt_at=now + LEASE)
            )
            if getattr(result, "rowcount", 0) == 1:
                claims.append(_Claim(did, alert_id, case_id, url, attempts + 1))
    return claims


def _payload(session: Session, claim: _Claim, timestamp: int) -> tuple[bytes, str | None]:
    """The body to send and the case's current secret (None: webhook or alert gone)."""
    alert = session.get(Alert, claim.alert_id)
    case = session.get(Case, claim.case_id)
    if alert is None or case is None:
        return b"", None
    body = orjson.dumps({
        "event": "alert.new",
        "delivery_id": claim.delivery_id,
        "timestamp": timestamp,
        "alert": {
            "alert_id": alert.id, "case_id": alert.case_id, "watch_id": alert.watch_id,
            "subject_id": alert.subject_id, "record_id": alert.record_entity_id,
            "score": alert.score, "status": alert.status, "retro": alert.retro,
            "created_at": alert.created_at.isoformat(),
        },
    })
    return body, case.webhook_secret


def _post(client: httpx.Client, claim: _Claim, body: bytes, secret: str,
          timestamp: int) -> tuple[bool, str | None, int | None]:
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        TIMESTAMP_HEADER: str(timestamp),
        "X-Casewatch-Delivery": str(claim.delivery_id),
        "User-Agent": "casewatch-webhook/1",
    }
    try:
        response = client.post(claim.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return False, f"{type(exc).__name__}: {exc}"[:500], None
    if 200 <= response.status_code < 300:
        return True, None, response.status_code
    return False, f"HTTP {response.status_code}: {response.text[:200]}", response.status_code


def _finish(engine: Engine, claim: _Claim, ok: bool, error: str | None, code: int | None,
            now: datetime, max_attempts: int) -> str:
    with transaction(engine) as session:
        row = session.get(WebhookDelivery, claim.delivery_id)
        assert row is not None
        if ok:
            row.status, row.delivered_at, row.last_error = "delivered", now, None
        elif claim.attempt >= max_attempts:
            row.status, row.last_error = "failed", error
        else:
            row.last_error, row.next_attempt_at = error, now + backoff(claim.attempt)
        append(session, actor=SYSTEM, action="webhook.deliver", object_type="alert",
               object_id=claim.alert_id, case_id=claim.case_id,
               outcome="success" if ok else "error",
               params={"delivery_id": claim.delivery_id, "attempt": claim.attempt,
                       "status_code": code, "error": error})
        return "delivered" if ok else ("failed" if row.status == "failed" else "retrying")


def deliver_pending(engine: Engine, client: httpx.Client | None = None, *,
                    now: datetime | None = None, limit: int = 100,
                    max_attempts: int = MAX_ATTEMPTS) -> DeliveryReport:
    """Send every delivery that is due at ``now`` (default: the current time), once each."""
    now = now or utcnow()
    report = DeliveryReport()
    own = client is None
    http = client or httpx.Client(timeout=TIMEOUT)
    try:
        for claim in _claim(engine, now, limit):
            timestamp = int(time.time())
            with transaction(engine) as session:
                body, secret = _payload(session, claim, timestamp)
            error: str | None
            if secret is None:
                ok, error, code = False, "the case's webhook (or the alert) was removed", None
                claim = _Claim(claim.delivery_id, claim.alert_id, claim.case_id, claim.url,
                               max_attempts)
            else:
                ok, error, code = _post(http, claim, body, secret, timestamp)
            outcome = _finish(engine, claim, ok, error, code, now, max_attempts)
            setattr(report, outcome, getattr(report, outcome) + 1)
    finally:
        if own:
            http.close()
    return report


def delivery_dict(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "delivery_id": row.id, "alert_id": row.alert_id, "case_id": row.case_id,
        "url": row.url, "status": row.status, "attempts": row.attempts,
        "last_error": row.last_error, "next_attempt_at": row.next_attempt_at.isoformat(),
        "delivered_at": row.delivered_at.isoformat() if row.delivered_at else None,
    }

