"""Alerts after they are raised: triage, suppressions, the feed and webhook notifications.

The monitor raises alerts and then calls :func:`enqueue_notifications` (same
transaction) and consults :func:`is_suppressed` / :func:`suppressed_pairs`
before raising one.
"""

from casewatch.alerts.feed import list_alerts, show_alert
from casewatch.alerts.suppress import is_suppressed, suppress_alert, suppressed_pairs
from casewatch.alerts.triage import (
    STATUSES,
    add_note,
    assign,
    confirm,
    dismiss,
    escalate,
    propose,
    return_alert,
)
from casewatch.alerts.webhook_config import set_webhook, webhook_status
from casewatch.alerts.webhooks import deliver_pending, enqueue_notifications, verify_signature

__all__ = [
    "STATUSES",
    "add_note",
    "assign",
    "confirm",
    "deliver_pending",
    "dismiss",
    "enqueue_notifications",
    "escalate",
    "is_suppressed",
    "list_alerts",
    "propose",
    "return_alert",
    "set_webhook",
    "show_alert",
    "suppress_alert",
    "suppressed_pairs",
    "verify_signature",
    "webhook_status",
]
