"""Configure a case's webhook and see how its deliveries are doing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casewatch.alerts.webhooks import delivery_dict
from casewatch.audit.log import append
from casewatch.auth.access import require_case, require_role, visible_case_ids
from casewatch.cases.cases import WRITER_ROLES, check_webhook_url
from casewatch.db.models import User, WebhookDelivery
from casewatch.errors import CasewatchError


def set_webhook(session: Session, actor: User, case_id: int, url: str | None,
                secret: str | None = None) -> str | None:
    """Set (or, with ``url=None``, remove) a case's webhook; returns the signing secret.

    A new random secret is made unless one is given. The secret is returned once
    to show to the user; it is never listed again. Audited as ``case.webhook``.
    """
    require_role(actor, *WRITER_ROLES, action="case.webhook", session=session)
    case = require_case(session, actor, case_id, action="case.webhook", write=True)
    if url is None:
        case.webhook_url, case.webhook_secret = None, None
    else:
        if secret is not None and len(secret) < 16:
            raise CasewatchError("--secret is too short: use at least 16 characters")
        case.webhook_url = check_webhook_url(url)
        case.webhook_secret = secret or secrets.token_urlsafe(32)
    append(session, actor=actor.name, action="case.webhook", object_type="case",
           object_id=case.id, case_id=case.id,
           params={"url": case.webhook_url, "removed": url is None})
    return case.webhook_secret


@dataclass
class WebhookStatus:
    """Counts of deliveries by status, and the ones that failed or are retrying."""

    counts: dict[str, int]
    problems: list[dict[str, Any]] = field(default_factory=list)


def webhook_status(session: Session, actor: User, case_id: int | None = None,
                   limit: int = 50) -> WebhookStatus:
    """Delivery counts and problem deliveries of the cases the actor may see."""
    cond = []
    if case_id is not None:
        require_case(session, actor, case_id, action="webhook.status")
        cond.append(WebhookDelivery.case_id == case_id)
    else:
        ids = visible_case_ids(session, actor)
        if ids is not None:
            cond.append(WebhookDelivery.case_id.in_(ids))
    counts = {status: n for status, n in session.execute(
        select(WebhookDelivery.status, func.count()).where(*cond).group_by(WebhookDelivery.status)
    )}
    problems = session.scalars(
        select(WebhookDelivery)
        .where(*cond, WebhookDelivery.last_error.is_not(None),
               WebhookDelivery.status != "delivered")
        .order_by(WebhookDelivery.id.desc()).limit(limit)
    )
    append(session, actor=actor.name, action="webhook.status", object_type="case",
           case_id=case_id, params={"case_id": case_id})
    return WebhookStatus(counts, [delivery_dict(row) for row in problems])
