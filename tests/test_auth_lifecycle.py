"""Purpose and lifecycle: justifications, watch expiry rules, reviews and renewals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from casewatch.auth import get_user
from casewatch.db.engine import transaction
from casewatch.db.models import AuditEvent, Case, Review, Watch, utcnow
from casewatch.errors import CasewatchError, Denied, NotFound
from casewatch.lifecycle import (
    check_watch_expiry,
    record_review,
    renew_case,
    renew_watch,
    require_purpose,
)
from casewatch.lifecycle.purpose import PURPOSE_MISSING
from casewatch.settings import Settings
from tests.helpers_accountability import make_case, make_watch, seed_users

TODAY = utcnow().date()


def test_require_purpose():
    assert require_purpose(7, None) == "case:7"
    assert require_purpose(None, "  tip from FIU report 22  ") == "tip from FIU report 22"
    for case_id, text in [(None, None), (None, ""), (None, "   ")]:
        with pytest.raises(CasewatchError) as info:
            require_purpose(case_id, text)
        assert str(info.value) == PURPOSE_MISSING
    with pytest.raises(CasewatchError, match="positive"):
        require_purpose(0, None)


def _case(**kw):
    values = dict(id=3, title="t", legal_basis="AML Act", status="open",
                  review_date=TODAY + timedelta(days=100))
    values.update(kw)
    return Case(**values)


def test_check_watch_expiry_accepts_a_date_through_the_review_date():
    settings = Settings(max_watch_days=365)
    case = _case()
    when = check_watch_expiry(case, case.review_date, settings)
    assert when == datetime.combine(case.review_date + timedelta(days=1), datetime.min.time(), UTC)
    naive = datetime.combine(TODAY + timedelta(days=10), datetime.min.time())
    assert check_watch_expiry(case, naive, settings).tzinfo is not None


@pytest.mark.parametrize(
    "case_kw,expires,message",
    [
        ({}, None, "a watch needs an expiry: give --expires DATE, no later than case 3's review"),
        ({}, TODAY - timedelta(days=1), "is in the past"),
        ({}, TODAY + timedelta(days=101), "is after case 3's review date"),
        ({"review_date": TODAY + timedelta(days=900)}, TODAY + timedelta(days=400),
         "more than 365 days away"),
        ({"status": "closed"}, TODAY + timedelta(days=5), "case 3 is closed"),
        ({"legal_basis": "  "}, TODAY + timedelta(days=5), "has no legal basis"),
    ],
)
def test_check_watch_expiry_refuses(case_kw, expires, message):
    with pytest.raises(CasewatchError, match=message):
        check_watch_expiry(_case(**case_kw), expires, Settings(max_watch_days=365))


@pytest.fixture()
def world(engine, env):
    with transaction(engine) as session:
        users = seed_users(session)
        red = make_case(session, users["ana"], review=TODAY + timedelta(days=20))
        watch = make_watch(session, red, expires=utcnow() + timedelta(days=5))
        return {"case": red.id, "watch": watch.id}


def test_only_a_supervisor_of_the_team_records_reviews(engine, world):
    for name, error in [("ana", Denied), ("aud", Denied), ("admin", Denied), ("sue", NotFound)]:
        with pytest.raises(error):
            with transaction(engine) as session:
                record_review(session, get_user(session, name), "case", world["case"],
                              "still under investigation", TODAY + timedelta(days=60))
    with transaction(engine) as session:
        sam = get_user(session, "sam")
        with pytest.raises(CasewatchError, match="at least 10 characters"):
            record_review(session, sam, "case", world["case"], "ok", None)
        with pytest.raises(CasewatchError, match="must be after today"):
            record_review(session, sam, "case", world["case"], "still needed here", TODAY)
        with pytest.raises(CasewatchError, match="a case or a watch"):
            record_review(session, sam, "record", 1, "still needed here", None)
        review = record_review(session, sam, "case", world["case"],
                               "suspect still active in the scheme", TODAY + timedelta(days=60))
        assert review.reviewer_id == sam.id
    with transaction(engine) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "review.record", AuditEvent.outcome == "success")).one()
        assert (event.actor, event.case_id, event.purpose) == (
            "sam", world["case"], "suspect still active in the scheme")
        denied = session.scalars(select(AuditEvent.actor).where(AuditEvent.outcome == "denied"))
        assert sorted(denied) == ["admin", "ana", "aud", "sue"]


def test_renewing_a_case_needs_a_recent_supervisor_review(engine, world):
    with transaction(engine) as session:
        with pytest.raises(CasewatchError, match="needs a supervisor's review"):
            renew_case(session, get_user(session, "ana"), world["case"])
    with transaction(engine) as session:
        record_review(session, get_user(session, "sam"), "case", world["case"],
                      "suspect still active in the scheme", TODAY + timedelta(days=200))
    with transaction(engine) as session:
        with pytest.raises(NotFound):
            renew_case(session, get_user(session, "bob"), world["case"])
        case = renew_case(session, get_user(session, "ana"), world["case"])
        assert case.review_date == TODAY + timedelta(days=200)
    with transaction(engine) as session:
        review = session.scalars(select(Review)).one()
        review.at = utcnow() - timedelta(days=31)
    with transaction(engine) as session:
        with pytest.raises(CasewatchError, match="older than 30 days"):
            renew_case(session, get_user(session, "ana"), world["case"])
    with transaction(engine) as session:
        rows = session.execute(
            select(AuditEvent.actor, AuditEvent.outcome).where(AuditEvent.action == "case.renew")
        ).all()
        assert sorted(rows) == [("ana", "success"), ("bob", "denied")]


def test_renewing_a_watch_is_bounded_by_the_case_review_date(engine, world):
    with transaction(engine) as session:
        sam = get_user(session, "sam")
        too_far = record_review(session, sam, "watch", world["watch"], "still relevant: new leads",
                                TODAY + timedelta(days=40))
    with transaction(engine) as session:
        with pytest.raises(CasewatchError, match="after case .* review date"):
            renew_watch(session, get_user(session, "ana"), world["watch"], review_id=too_far.id)
    with transaction(engine) as session:
        ok = record_review(session, get_user(session, "sam"), "watch", world["watch"],
                           "still relevant: new leads", TODAY + timedelta(days=15))
    with transaction(engine) as session:
        with pytest.raises(NotFound, match="review 999"):
            renew_watch(session, get_user(session, "ana"), world["watch"], review_id=999)
        watch = renew_watch(session, get_user(session, "ana"), world["watch"], review_id=ok.id)
        assert watch.expires_at.date() == TODAY + timedelta(days=16)
    with transaction(engine) as session:
        assert session.get(Watch, world["watch"]).expires_at.date() == date.fromordinal(
            (TODAY + timedelta(days=16)).toordinal())


def test_cli_review_records_a_review(engine, world, cli):
    new_date = (TODAY + timedelta(days=90)).isoformat()
    done = cli("--as", "sam", "review", "case", str(world["case"]),
               "--explanation", "ring still shipping goods", "--new-date", new_date)
    assert done.code == 0, done.stderr
    with transaction(engine) as session:
        review = session.scalars(select(Review)).one()
        assert (review.object_id, review.new_date.isoformat()) == (world["case"], new_date)
    bad = cli("--as", "ana", "review", "case", str(world["case"]), "--explanation", "x" * 20)
    assert bad.code == 4 and "review.record needs the supervisor role" in bad.stderr
