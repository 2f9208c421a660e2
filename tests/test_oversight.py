"""The oversight report on a small seeded database, as JSON and as one self-contained HTML page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casewatch.audit import append
from casewatch.auth import get_user
from casewatch.auth.access import require_case
from casewatch.db.engine import transaction
from casewatch.db.models import AuditEvent, Review, utcnow
from casewatch.errors import Denied, NotFound
from casewatch.oversight import generate_report, render_html, render_json
from tests.helpers_accountability import make_alert, make_case, make_record, make_watch, seed_users

NOW = utcnow()
START = datetime.combine(NOW.date() - timedelta(days=7), datetime.min.time(), UTC)
END = datetime.combine(NOW.date() + timedelta(days=1), datetime.min.time(), UTC)


@pytest.fixture()
def seeded(engine, env):
    with transaction(engine) as session:
        users = seed_users(session)
        red = make_case(session, users["ana"], title="Red shipping ring", legal_basis="AML Act s.12")
        overdue = make_case(session, users["bob"], title="Blue wallets", legal_basis="Court order 7",
                            review=NOW.date() - timedelta(days=3))
        make_watch(session, red, name="Soon Gone", expires=NOW + timedelta(days=10))
        make_watch(session, red, name="Long Watch", expires=NOW + timedelta(days=90))
        make_watch(session, overdue, name="Expired Yesterday", expires=NOW - timedelta(days=1))
        watch = make_watch(session, overdue, name="Hit", expires=NOW + timedelta(days=60))
        for i, (status, events) in enumerate([
            ("new", []),
            ("dismissed", [("dismiss", "dismissed")]),
            ("confirmed", [("propose", "proposed"), ("confirm", "confirmed")]),
        ]):
            make_alert(session, watch, make_record(session, f"r{i}"), status=status, events=events)
        session.add(Review(object_type="case", object_id=red.id, reviewer_id=users["sam"].id,
                           explanation="ring still shipping", new_date=NOW.date() + timedelta(days=90)))
        for actor, purpose in [("ana", "case:1"), ("ana", "case:1"), ("ana", "tip from FIU"),
                               ("bob", "case:2")]:
            append(session, actor=actor, action="search", purpose=purpose, params={"q": "x"})
        append(session, actor="bob", action="match", purpose="sanctions check")
        ids = {"red": red.id, "overdue": overdue.id}
    with pytest.raises(NotFound):
        with transaction(engine) as session:
            require_case(session, get_user(session, "bob"), ids["red"], action="case.view")
    return ids


def report(engine, name="aud", fmt="json"):
    with transaction(engine) as session:
        return generate_report(session, get_user(session, name), START, END, fmt=fmt)


def test_report_content(engine, seeded):
    r = report(engine)
    by_case = {c["case_id"]: c for c in r["watches_by_case"]}
    assert by_case[seeded["red"]]["legal_basis"] == "AML Act s.12"
    assert (by_case[seeded["red"]]["active_watches"], by_case[seeded["overdue"]]["active_watches"]) == (2, 1)
    assert by_case[seeded["overdue"]]["watches"] == 2
    expiry = r["watch_expiry"]
    assert expiry["expiring_by_case"] == {str(seeded["red"]): 1}
    assert [w["caption"] for w in expiry["expiring"]] == ["Soon Gone"]
    assert expiry["expired_in_period_by_case"] == {str(seeded["overdue"]): 1}
    assert [v["reviewer"] for v in r["reviews"]["done"]] == ["sam"]
    assert [(c["case_id"], c["days_overdue"]) for c in r["reviews"]["overdue_cases"]] == [
        (seeded["overdue"], 3)]
    assert (r["alerts"]["raised"], r["alerts"]["dismissed"], r["alerts"]["confirmed"]) == (3, 1, 1)
    searches = {s["user"]: s for s in r["searches"]}
    assert searches["ana"]["searches"] == 3
    assert searches["ana"]["justifications"] == [
        {"purpose": "case:1", "count": 2}, {"purpose": "tip from FIU", "count": 1}]
    assert {j["purpose"] for j in searches["bob"]["justifications"]} == {"case:2", "sanctions check"}
    assert r["denied"]["count"] == 1 and r["denied"]["by_user"] == {"bob": 1}
    assert r["denied"]["events"][0]["case_id"] == seeded["red"]
    assert r["audit_chain"]["ok"] is True and r["audit_chain"]["events"] >= 12


def test_report_is_for_auditors_and_generating_it_is_audited(engine, seeded):
    for name in ("ana", "sam", "admin"):
        with pytest.raises(Denied):
            report(engine, name)
    report(engine, "aud", fmt="html")
    with transaction(engine) as session:
        rows = session.execute(
            select(AuditEvent.actor, AuditEvent.outcome, AuditEvent.params_digest)
            .where(AuditEvent.action == "oversight.report").order_by(AuditEvent.seq)
        ).all()
    assert [(a, o) for a, o, _ in rows] == [
        ("ana", "denied"), ("sam", "denied"), ("admin", "denied"), ("aud", "success")]
    assert json.loads(rows[-1][2])["format"] == "html"


def test_json_and_html_carry_the_same_content(engine, seeded):
    r = report(engine)
    assert json.loads(render_json(r)) == json.loads(json.dumps(r, default=str))
    page = render_html(r)
    assert page.startswith("<!doctype html>") and "<style>" in page and "<svg" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "must be self-contained"
    for text in ("Red shipping ring", "AML Act s.12", "Court order 7", "Soon Gone",
                 "ring still shipping", "tip from FIU", "sanctions check", "intact"):
        assert text in page
    assert page.count("<svg") >= 4


def test_cli_oversight_report_writes_html_and_json(cli, seeded, tmp_path):
    out = tmp_path / "report.html"
    day = NOW.date().isoformat()
    done = cli("--as", "aud", "oversight", "report", "--from", day, "--to", day, "--out", str(out))
    assert done.code == 0, done.stderr
    assert "Blue wallets" in out.read_text()
    bad = cli("--as", "aud", "oversight", "report", "--from", "yesterday", "--to", day)
    assert bad.code == 2 and "--from 'yesterday' is not a date" in bad.stderr
