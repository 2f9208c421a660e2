"""Webhook notifications against a real HTTP server on 127.0.0.1: signed, retried, visible."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest
from sqlalchemy import select

from casewatch.alerts import deliver_pending, enqueue_notifications, set_webhook, webhook_status
from casewatch.alerts.webhooks import BACKOFF_BASE, MAX_ATTEMPTS, _claim, sign, verify_signature
from casewatch.db.engine import transaction
from casewatch.db.models import AuditEvent, WebhookDelivery, utcnow
from casewatch.errors import CasewatchError
from tests.cases_util import make_people, new_alert, new_case, new_record, new_watch, user

SECRET = "test-secret-0123456789"


class Receiver:
    """A local webhook receiver that fails the first ``failures`` requests with HTTP 503."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = verify_signature(SECRET, self.headers["X-Casewatch-Timestamp"], body,
                                         self.headers["X-Casewatch-Signature"], now=time.time())
                receiver.requests.append({"body": orjson.loads(body), "valid": valid})
                fail = len(receiver.requests) <= receiver.failures or not valid
                self.send_response(503 if fail else 200)
                self.end_headers()
                self.wfile.write(b"busy" if fail else b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    server = Receiver(failures=2)
    yield server
    server.close()


def setup_alert(engine, url: str | None) -> int:
    make_people(engine)
    with transaction(engine) as s:
        case = new_case(s)
        if url:
            set_webhook(s, user(s, "ana"), case.id, url, SECRET)
        alert = new_alert(s, new_watch(s, case), new_record(s, "rec-1"))
        assert enqueue_notifications(s, [alert.id]) == (1 if url else 0)
        return alert.id


def test_fails_twice_then_delivers_signed(engine, receiver):
    alert_id = setup_alert(engine, receiver.url)
    t0 = utcnow()
    first = deliver_pending(engine, now=t0)
    assert (first.delivered, first.retrying) == (0, 1)
    assert deliver_pending(engine, now=t0 + BACKOFF_BASE / 2).retrying == 0  # not due yet
    second = deliver_pending(engine, now=t0 + BACKOFF_BASE)
    assert second.retrying == 1
    early = t0 + BACKOFF_BASE + 2 * BACKOFF_BASE  # the 2nd backoff is twice as long
    assert deliver_pending(engine, now=early - timedelta(seconds=1)).delivered == 0
    third = deliver_pending(engine, now=early)
    assert third.delivered == 1
    assert len(receiver.requests) == 3 and all(r["valid"] for r in receiver.requests)
    body = receiver.requests[-1]["body"]
    assert body["alert"]["alert_id"] == alert_id and body["alert"]["record_id"] == "rec-1"
    assert body["event"] == "alert.new" and isinstance(body["timestamp"], int)
    with transaction(engine) as s:
        row = s.scalars(select(WebhookDelivery)).one()
        assert (row.status, row.attempts, row.delivered_at is not None) == ("delivered", 3, True)
        outcomes = s.scalars(select(AuditEvent.outcome)
                             .where(AuditEvent.action == "webhook.deliver")).all()
        assert outcomes == ["error", "error", "success"]
    assert deliver_pending(engine, now=early + timedelta(hours=9)).delivered == 0


def test_signature_covers_timestamp_and_body():
    body = b'{"a":1}'
    header = sign(SECRET, 1700000000, body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify_signature(SECRET, "1700000000", body, header)
    assert not verify_signature(SECRET, "1700000001", body, header)
    assert not verify_signature(SECRET, "1700000000", b'{"a":2}', header)
    assert not verify_signature("other", "1700000000", body, header)
    assert not verify_signature(SECRET, "1700000000", body, header, now=1700000000 + 3600)


def test_gives_up_after_max_attempts_and_shows_the_failure(engine):
    dead = Receiver(failures=1000)
    try:
        setup_alert(engine, dead.url)
        now = utcnow()
        for _ in range(MAX_ATTEMPTS):
            deliver_pending(engine, now=now)
            now += timedelta(hours=2)
        assert len(dead.requests) == MAX_ATTEMPTS
    finally:
        dead.close()
    with transaction(engine) as s:
        status = webhook_status(s, user(s, "sam"))
        assert status.counts == {"failed": 1}
        [problem] = status.problems
        assert problem["attempts"] == MAX_ATTEMPTS and "HTTP 503" in problem["last_error"]
        assert webhook_status(s, user(s, "bob")).counts == {}


def test_unreachable_receiver_is_retried(engine):
    setup_alert(engine, "http://127.0.0.1:9/nothing-listens-here")
    report = deliver_pending(engine)
    assert report.retrying == 1
    with transaction(engine) as s:
        row = s.scalars(select(WebhookDelivery)).one()
        assert row.last_error and row.next_attempt_at > utcnow()


def test_a_claimed_delivery_is_not_sent_twice(engine, receiver):
    setup_alert(engine, receiver.url)
    now = utcnow()
    assert len(_claim(engine, now, 10)) == 1
    assert _claim(engine, now, 10) == []  # the lease holds it


def test_no_webhook_no_delivery_and_bad_urls_refused(engine):
    setup_alert(engine, None)
    with transaction(engine) as s:
        case_id = s.scalar(select(WebhookDelivery.case_id))
        assert case_id is None
        with pytest.raises(CasewatchError, match="not valid"):
            set_webhook(s, user(s, "ana"), 1, "file:///etc/passwd")
        with pytest.raises(CasewatchError, match="too short"):
            set_webhook(s, user(s, "ana"), 1, "https://example.org/h", "short")


def test_cli_webhook_set_prints_the_secret_once(engine, cli):
    make_people(engine)
    with transaction(engine) as s:
        case_id = new_case(s).id
    result = cli("--as", "ana", "webhook", "set", "--case", str(case_id), "--url",
                 "https://hooks.example.org/casewatch")
    assert result.code == 0, result.stderr
    secret = result.stdout.strip()
    assert len(secret) >= 32
    status = cli("--as", "ana", "webhook", "status", "--format", "jsonl")
    assert status.code == 0 and secret not in status.stdout + status.stderr


def test_monitor_cycle_delivers_due_webhooks(engine, tmp_path):
    """The long-running monitor sends due notifications on every pass (no cron needed)."""
    from casewatch.monitor.worker import Monitor

    server = Receiver(failures=0)
    try:
        alert_id = setup_alert(engine, server.url)
        monitor = Monitor(engine, tmp_path / "inbox", tmp_path / "home", poll=0.05)
        monitor.run(once=True, install_signals=False)
        assert [r["body"]["alert"]["alert_id"] for r in server.requests] == [alert_id]
        assert all(r["valid"] for r in server.requests)
        with transaction(engine) as s:
            delivery = s.scalars(select(WebhookDelivery)).one()
            assert delivery.status == "delivered"
    finally:
        server.close()
