"""Alert triage, suppressions and the alert feed through the services (and the real CLI)."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from sqlalchemy import select

from casewatch.alerts import (
    add_note,
    assign,
    confirm,
    dismiss,
    escalate,
    is_suppressed,
    list_alerts,
    propose,
    return_alert,
    show_alert,
    suppress_alert,
    suppressed_pairs,
)
from casewatch.db.engine import transaction
from casewatch.db.models import Alert, AlertEvent, utcnow
from casewatch.errors import CasewatchError, Denied, NotFound
from casewatch.settings import get_settings
from tests.cases_util import (
    audit_actions,
    in_days,
    make_people,
    new_alert,
    new_case,
    new_record,
    new_watch,
    user,
)


@pytest.fixture()
def world(engine):
    """Two teams' cases, each with one watch and one alert; returns (engine, red id, blue id)."""
    make_people(engine)
    with transaction(engine) as s:
        red = new_case(s, "ana")
        red_alert = new_alert(s, new_watch(s, red), new_record(s, "rec-ivan"))
        blue = new_case(s, "bob", title="Blue case")
        blue_alert = new_alert(s, new_watch(s, blue, "Li Wei", actor="bob"),
                               new_record(s, "rec-li", "Li Wei"), score=0.8)
    return engine, red_alert.id, blue_alert.id


def history(s, alert_id):
    return [(e.action, e.from_status, e.to_status)
            for e in s.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert_id)
                               .order_by(AlertEvent.id))]


def test_four_eyes_confirmation(world):
    engine, alert_id, _ = world
    with transaction(engine) as s:
        assign(s, user(s, "sam"), alert_id, user(s, "ana"))
        add_note(s, user(s, "ana"), alert_id, "same birth date as the listing")
        propose(s, user(s, "ana"), alert_id, "strong match")
        with pytest.raises(Denied, match="supervisor"):
            confirm(s, user(s, "ana"), alert_id)
        alert = confirm(s, user(s, "sam"), alert_id, "agreed")
        assert alert.status == "confirmed" and alert.assignee_id == user(s, "ana").id
        assert history(s, alert_id) == [
            ("assign", "new", "assigned"), ("note", "assigned", "assigned"),
            ("propose", "assigned", "proposed"), ("confirm", "proposed", "confirmed"),
        ]
        assert [(e.actor, e.outcome) for e in audit_actions(s, "alert.confirm")] == [
            ("ana", "denied"), ("sam", "success")]
        with pytest.raises(CasewatchError, match="is confirmed"):
            dismiss(s, user(s, "sam"), alert_id, "changed my mind")
        add_note(s, user(s, "sue"), alert_id, "notes still allowed after the decision")


def test_the_proposer_cannot_confirm_their_own_proposal(world):
    engine, alert_id, _ = world
    with transaction(engine) as s:
        propose(s, user(s, "sam"), alert_id)
    with pytest.raises(Denied, match="two different people"):
        with transaction(engine) as s:
            confirm(s, user(s, "sam"), alert_id)
    with transaction(engine) as s:
        assert [e.outcome for e in audit_actions(s, "alert.confirm")] == ["denied"]
        assert confirm(s, user(s, "sue"), alert_id).status == "confirmed"


def test_return_goes_back_to_the_proposer(world):
    engine, alert_id, _ = world
    with transaction(engine) as s:
        escalate(s, user(s, "ana"), alert_id, "not sure about the spelling")
        propose(s, user(s, "ana"), alert_id)
        with pytest.raises(CasewatchError, match="needs a reason"):
            return_alert(s, user(s, "sam"), alert_id, "")
        alert = return_alert(s, user(s, "sam"), alert_id, "check the registry number")
        assert (alert.status, alert.assignee_id) == ("returned", user(s, "ana").id)
        assert dismiss(s, user(s, "ana"), alert_id, "different registry number").status == \
            "dismissed"
        [*_, last] = s.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert_id)
                               .order_by(AlertEvent.id))
        assert last.note == "different registry number"


@pytest.mark.parametrize("call,error", [
    (lambda s, a: dismiss(s, user(s, "ana"), a, "  "), "needs a reason"),
    (lambda s, a: confirm(s, user(s, "sam"), a), "'confirm' works only on proposed"),
    (lambda s, a: return_alert(s, user(s, "sam"), a, "why"), "works only on proposed"),
    (lambda s, a: assign(s, user(s, "ana"), a, user(s, "bob")), "cannot assign to 'bob'"),
    (lambda s, a: assign(s, user(s, "ana"), a, user(s, "aud")), "cannot assign to 'aud'"),
    (lambda s, a: add_note(s, user(s, "ana"), a, ""), "needs a reason"),
])
def test_refused_steps_say_what_to_do(world, call, error):
    engine, alert_id, _ = world
    with transaction(engine) as s, pytest.raises(CasewatchError, match=error):
        call(s, alert_id)


def test_other_teams_and_auditors(world):
    engine, red_id, blue_id = world
    with pytest.raises(NotFound) as info:
        with transaction(engine) as s:
            dismiss(s, user(s, "bob"), red_id, "not mine")
    assert str(info.value) == f"alert {red_id} not found"  # no case id leaks
    with transaction(engine) as s:
        with pytest.raises(Denied):
            add_note(s, user(s, "aud"), red_id, "auditors only read")
        assert show_alert(s, user(s, "aud"), red_id)["alert_id"] == red_id
        with pytest.raises(NotFound, match=f"alert {red_id + 1000} not found"):
            show_alert(s, user(s, "ana"), red_id + 1000)
        assert s.get(Alert, red_id).status == "new"


def test_feed_shows_only_visible_alerts_with_the_fields(world):
    engine, red_id, blue_id = world
    with transaction(engine) as s:
        items = list(list_alerts(s, user(s, "ana")))
        assert [i["alert_id"] for i in items] == [red_id]
        item = items[0]
        for key in ("alert_id", "record_id", "subject_id", "score", "status", "case_id",
                    "watch_id", "created_at", "retro", "explanation"):
            assert key in item
        assert item["record_id"] == "rec-ivan" and item["status"] == "new"
        assert {i["alert_id"] for i in list_alerts(s, user(s, "aud"))} == {red_id, blue_id}
        assert list(list_alerts(s, user(s, "ana"), status="dismissed")) == []
        assert list(list_alerts(s, user(s, "ana"), since_id=red_id)) == []
        with pytest.raises(CasewatchError, match="not one of"):
            list_alerts(s, user(s, "ana"), status="bogus")
        assert len(audit_actions(s, "alert.list")) == 4
    with pytest.raises(NotFound):
        with transaction(engine) as s:
            list_alerts(s, user(s, "ana"), case_id=s.get(Alert, blue_id).case_id)


def test_show_alert_has_provenance_and_history(world):
    engine, red_id, _ = world
    with transaction(engine) as s:
        assign(s, user(s, "ana"), red_id)
        item = show_alert(s, user(s, "ana"), red_id, purpose="triage")
        assert item["record"]["source"] == "ftm" and len(item["record"]["content_hash"]) == 64
        assert item["watch"]["caption"] == "Ivan Petrov" and item["assignee"] == "ana"
        assert item["history"][0]["action"] == "assign" and item["case"]["legal_basis"]
        [view] = audit_actions(s, "alert.view")
        assert (view.object_id, view.purpose) == (str(red_id), "triage")


def test_suppression_has_a_bounded_expiry(world):
    engine, red_id, _ = world
    now = utcnow()
    with transaction(engine) as s:
        alert = s.get(Alert, red_id)
        days = get_settings().max_watch_days
        with pytest.raises(CasewatchError, match="too far away"):
            suppress_alert(s, user(s, "ana"), red_id, until=in_days(days + 2), reason="x")
        with pytest.raises(CasewatchError, match="in the past"):
            suppress_alert(s, user(s, "ana"), red_id, until=in_days(-1), reason="x")
        with pytest.raises(CasewatchError, match="needs a reason"):
            suppress_alert(s, user(s, "ana"), red_id, until=in_days(5), reason="")
        row = suppress_alert(s, user(s, "ana"), red_id, until=now + timedelta(days=5),
                             reason="cleared: different person")
        pair = (alert.watch_id, alert.record_entity_id)
        assert is_suppressed(s, *pair, now)
        assert not is_suppressed(s, *pair, row.expires_at)
        assert not is_suppressed(s, alert.watch_id, "other-entity", now)
        assert suppressed_pairs(s, [pair, (alert.watch_id, "x")], now) == {pair}
        assert history(s, red_id)[-1] == ("suppress", "new", "new")


def test_cli_alerts_list_jsonl_and_triage(world, cli):
    engine, red_id, _ = world
    listed = cli("--as", "ana", "alerts", "list", "--format", "jsonl")
    assert listed.code == 0, listed.stderr
    [item] = [orjson.loads(line) for line in listed.stdout.splitlines()]
    assert (item["alert_id"], item["record_id"], item["status"]) == (red_id, "rec-ivan", "new")
    assert item["score"] == pytest.approx(0.9) and item["subject_id"]
    dismissed = cli("--as", "ana", "alerts", "dismiss", str(red_id))
    assert dismissed.code == 2 and "--reason" in dismissed.stderr
    done = cli("--as", "ana", "alerts", "dismiss", str(red_id), "--reason", "other person",
               "--suppress-until", in_days(30).isoformat())
    assert done.code == 0, done.stderr
    with transaction(engine) as s:
        assert s.get(Alert, red_id).status == "dismissed"
        assert [a for a, _, _ in history(s, red_id)] == ["dismiss", "suppress"]


def test_a_step_taken_on_a_stale_status_is_refused(world):
    """The status moves by compare-and-set: a step based on an old status changes nothing."""
    from casewatch.alerts.triage import _move

    engine, alert_id, _ = world
    with transaction(engine) as s:
        alert = s.get(Alert, alert_id)
        dismiss(s, user(s, "ana"), alert_id, "other person")
        with pytest.raises(CasewatchError, match="changed by someone else"):
            _move(s, alert, "new", "proposed", None)
        assert s.get(Alert, alert_id).status == "dismissed"
