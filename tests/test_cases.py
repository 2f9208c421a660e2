"""Cases and watches through the service layer (and a few real CLI runs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casewatch.cases import (
    active_watches_filter,
    build_subject,
    close_case,
    get_case,
    import_watches,
    list_cases,
    list_watches,
    remove_watch,
)
from casewatch.cases.watches import is_active
from casewatch.db.engine import transaction
from casewatch.db.models import Alert, AuditEvent, Review, Watch, WebhookDelivery, utcnow
from casewatch.errors import CasewatchError, Denied, NotFound
from casewatch.lifecycle.purpose import end_of_day
from casewatch.lifecycle.reviews import renew_watch
from casewatch.settings import get_settings
from tests.cases_util import audit_actions, in_days, make_people, new_case, new_watch, user

FIXTURES = Path(__file__).parent / "fixtures" / "cases"


@pytest.fixture()
def people(engine):
    make_people(engine)
    return engine


def count_watches(engine) -> int:
    with transaction(engine) as s:
        return s.scalar(select(func.count()).select_from(Watch)) or 0


def test_create_case_records_legal_basis_and_audits(people):
    with transaction(people) as s:
        case = new_case(s, threshold=0.8)
        assert case.team_id == user(s, "ana").team_id and case.owner_id == user(s, "ana").id
        [event] = audit_actions(s, "case.create")
        assert event.case_id == case.id and event.purpose == "AML Act s.12"
        assert event.actor == "ana"


@pytest.mark.parametrize("kw,message", [
    ({"legal_basis": "  "}, "--legal-basis is empty"),
    ({"review_date": in_days(0)}, "is not in the future"),
    ({"title": ""}, "--title is empty"),
    ({"threshold": 1.5}, "out of range"),
    ({"webhook_url": "ftp://x"}, "webhook URL"),
    ({"team": "nope"}, "no team 'nope'"),
])
def test_create_case_refuses_bad_input(people, kw, message):
    with transaction(people) as s, pytest.raises(CasewatchError, match=message):
        new_case(s, **kw)


def test_only_admins_open_cases_for_other_teams(people):
    with pytest.raises(Denied, match="own team"):
        with transaction(people) as s:
            new_case(s, "ana", team="blue")
    with transaction(people) as s:
        assert [e.outcome for e in audit_actions(s, "case.create")] == ["denied"]
        assert new_case(s, "admin", team="blue").team_id == user(s, "bob").team_id
    with pytest.raises(Denied, match="needs the analyst or supervisor or admin role"):
        with transaction(people) as s:
            new_case(s, "aud", team="red")


def test_watch_defaults_threshold_and_expiry(people, monkeypatch):
    with transaction(people) as s:
        case = new_case(s, review_date=in_days(30))
        watch = new_watch(s, case)
        assert watch.threshold == get_settings().threshold
        assert watch.expires_at == end_of_day(in_days(30))
        case2 = new_case(s, review_date=in_days(900), threshold=0.85)
        watch2 = new_watch(s, case2)
        assert watch2.threshold == 0.85
        assert watch2.expires_at == end_of_day(in_days(get_settings().max_watch_days))
        watch3 = new_watch(s, case2, "Anna Schmidt", threshold=0.6, expires=in_days(10))
        assert (watch3.threshold, watch3.expires_at) == (0.6, end_of_day(in_days(10)))
        [event, *_] = audit_actions(s, "watch.add")
        assert event.case_id == case.id and "Ivan Petrov" not in (event.params_digest or "x")


@pytest.mark.parametrize("expires,message", [
    (in_days(31), "after case"),
    (in_days(-1), "in the past"),
])
def test_watch_expiry_is_bounded_by_the_case(people, expires, message):
    with transaction(people) as s:
        case = new_case(s, review_date=in_days(30))
        with pytest.raises(CasewatchError, match=message):
            new_watch(s, case, expires=expires)


def test_subject_validation():
    with pytest.raises(ValueError, match="refused"):
        build_subject("Email", "x")
    with pytest.raises(ValueError, match="cannot be watched"):
        build_subject("Address", "1 Main St")
    with pytest.raises(ValueError, match="not a known country"):
        build_subject("Person", "Ivan", country="Atlantis")
    subject = build_subject("Vessel", "Sea Star", identifier="IMO9187629", country="pa")
    assert subject.entity["properties"]["imoNumber"] == ["IMO9187629"]


def test_same_subject_is_not_watched_twice_in_a_case(people):
    with transaction(people) as s:
        case = new_case(s)
        new_watch(s, case)
        with pytest.raises(CasewatchError, match="already watched"):
            new_watch(s, case)


def test_active_filter_stops_at_the_expiry_instant(people):
    with transaction(people) as s:
        case = new_case(s)
        expiry = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5)
        watch = new_watch(s, case, expires=expiry)
        other = new_watch(s, case, "Anna Schmidt")
        remove_watch(s, user(s, "ana"), other.id, "cleared")

        def active(at: datetime) -> list[int]:
            return list(s.scalars(select(Watch.id).where(active_watches_filter(at))))

        assert active(expiry - timedelta(microseconds=1)) == [watch.id]
        assert active(expiry) == []
        assert is_active(watch, expiry - timedelta(seconds=1)) and not is_active(watch, expiry)


def test_other_teams_get_not_found_and_the_attempt_is_logged(people):
    with transaction(people) as s:
        case = new_case(s)
        watch = new_watch(s, case)
    for call in (
        lambda s: get_case(s, user(s, "bob"), case.id),
        lambda s: list_watches(s, user(s, "bob"), case.id),
        lambda s: remove_watch(s, user(s, "bob"), watch.id),
    ):
        with pytest.raises(NotFound) as info:
            with transaction(people) as s:
                call(s)
        assert str(case.id) in str(info.value) or f"watch {watch.id}" in str(info.value)
    with transaction(people) as s:
        denied = s.scalars(select(AuditEvent.action).where(AuditEvent.outcome == "denied"))
        assert sorted(denied) == ["case.view", "watch.list", "watch.remove"]
        assert [c.case.id for c in list_cases(s, user(s, "bob"))] == []
        assert [c.case.id for c in list_cases(s, user(s, "aud"))] == [case.id]
        with pytest.raises(Denied):
            remove_watch(s, user(s, "aud"), watch.id)


def test_case_summary_and_close_ends_watches(people):
    with transaction(people) as s:
        case = new_case(s)
        new_watch(s, case)
        new_watch(s, case, "Anna Schmidt")
        summary = get_case(s, user(s, "sam"), case.id)
        assert (summary.watches_active, summary.team) == (2, "red")
        assert "webhook_secret" not in summary.as_dict()
        with pytest.raises(CasewatchError, match="reason"):
            close_case(s, user(s, "sam"), case.id, " ")
        _, ended = close_case(s, user(s, "sam"), case.id, "investigation finished")
        assert ended == 2
        assert s.scalar(select(func.count()).select_from(Watch)
                        .where(active_watches_filter(utcnow()))) == 0
        with pytest.raises(CasewatchError, match="closed: watches need an open case"):
            new_watch(s, case, "Li Wei")


def test_renewing_a_watch_needs_a_supervisors_review(people):
    with transaction(people) as s:
        case = new_case(s, review_date=in_days(200))
        watch = new_watch(s, case, expires=in_days(10))
        with pytest.raises(CasewatchError, match="needs a supervisor's review"):
            renew_watch(s, user(s, "ana"), watch.id)
        s.add(Review(object_type="watch", object_id=watch.id, reviewer_id=user(s, "sam").id,
                     explanation="still justified by new filings", new_date=in_days(60),
                     at=utcnow()))
        s.flush()
        assert renew_watch(s, user(s, "ana"), watch.id).expires_at == end_of_day(in_days(60))


def test_import_watches_all_subjects_with_drops_and_repeats(people):
    with transaction(people) as s:
        case = new_case(s)
        result = import_watches(s, user(s, "ana"), case.id, FIXTURES / "subjects.jsonl",
                                threshold=0.75, batch_size=2)
        assert (result.imported, result.skipped_repeated, result.properties_dropped) == (4, 1, 1)
        rows = {w.subject_id: w for w in s.scalars(select(Watch))}
        assert set(rows) == {"p-ivan", "co-nord", "v-sea", "w-1"}
        assert "religion" not in rows["p-ivan"].entity["properties"]
        assert rows["w-1"].caption == "0x7f367cc41522ce07553e823bf3be79a889debe1b"
        assert {w.threshold for w in rows.values()} == {0.75}
        assert sorted(result.watch_ids) == sorted(w.id for w in rows.values())
        [event] = audit_actions(s, "watch.import")
        assert event.case_id == case.id and result.file_sha256 in (event.params_digest or "")
        again = import_watches(s, user(s, "ana"), case.id, FIXTURES / "subjects.jsonl")
        assert (again.imported, again.skipped_existing) == (0, 5)


@pytest.mark.parametrize("name,line,reason", [
    ("bad_line.jsonl", 3, "unexpected"),
    ("refused.jsonl", 2, "schema 'Email' is refused"),
])
def test_import_with_a_bad_line_imports_nothing(people, name, line, reason):
    with transaction(people) as s:
        case_id = new_case(s).id
    with pytest.raises(CasewatchError) as info:
        with transaction(people) as s:
            import_watches(s, user(s, "ana"), case_id, FIXTURES / name)
    message = str(info.value)
    assert f"{name}, line {line}:" in message and "nothing was imported" in message
    assert reason.lower() in message.lower()
    assert count_watches(people) == 0
    with transaction(people) as s:
        assert audit_actions(s, "watch.import") == []


def test_import_validates_on_worker_processes_in_file_order(people, monkeypatch):
    """Big files are validated by 2 worker processes; results and errors keep file order."""
    import casewatch.cases.validation as validation

    monkeypatch.setattr(validation, "CHUNK_LINES", 2)
    with transaction(people) as s:
        case_id = new_case(s).id
    with pytest.raises(CasewatchError, match=r"bad_line.jsonl, line 3: .*nothing was imported"):
        with transaction(people) as s:
            import_watches(s, user(s, "ana"), case_id, FIXTURES / "bad_line.jsonl", workers=2)
    assert count_watches(people) == 0
    with transaction(people) as s:
        result = import_watches(s, user(s, "ana"), case_id, FIXTURES / "subjects.jsonl",
                                workers=2)
        assert (result.imported, result.skipped_repeated, result.properties_dropped) == (4, 1, 1)
        order = list(s.scalars(select(Watch.subject_id).order_by(Watch.id)))
        assert order == ["p-ivan", "co-nord", "v-sea", "w-1"]


def test_import_missing_and_empty_files(people, tmp_path):
    with transaction(people) as s:
        case = new_case(s)
        with pytest.raises(CasewatchError, match="file not found"):
            import_watches(s, user(s, "ana"), case.id, tmp_path / "nope.jsonl")
        (tmp_path / "empty.jsonl").write_text("\n\n")
        with pytest.raises(CasewatchError, match="no subjects found"):
            import_watches(s, user(s, "ana"), case.id, tmp_path / "empty.jsonl")


# --- the real command line -------------------------------------------------------------


def test_cli_case_create_prints_only_the_id(people, cli):
    review = in_days(60).isoformat()
    result = cli("--as", "ana", "case", "create", "--title", "Port fraud", "--legal-basis",
                 "Customs Act", "--review-date", review)
    assert result.code == 0, result.stderr
    case_id = int(result.stdout.strip())
    added = cli("--as", "ana", "watch", "add", "--case", str(case_id), "--schema", "Company",
                "--name", "Nordwind Trading GmbH", "--identifier", "HRB 12345", "--country", "de")
    assert added.code == 0, added.stderr
    assert int(added.stdout.strip()) > 0
    bad = cli("--as", "ana", "case", "create", "--title", "X", "--legal-basis", "",
              "--review-date", review)
    assert bad.code != 0 and bad.stderr.count("\n") == 1 and "legal-basis" in bad.stderr


def test_cli_watch_import_bad_line_is_one_error_and_nothing_imported(people, cli):
    with transaction(people) as s:
        case_id = new_case(s).id
    result = cli("--as", "ana", "watch", "import", "--case", str(case_id),
                 str(FIXTURES / "bad_line.jsonl"))
    assert result.code == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "bad_line.jsonl, line 3" in errors[0]
    assert "Traceback" not in result.stderr
    assert count_watches(people) == 0
    good = cli("--as", "ana", "watch", "import", "--case", str(case_id),
               str(FIXTURES / "subjects.jsonl"), "--expires", in_days(20).isoformat())
    assert good.code == 0, good.stderr
    assert "imported 4 watches" in good.stdout
    listed = cli("--as", "bob", "watch", "list", "--case", str(case_id), "--format", "jsonl")
    assert listed.code == 3 and f"case {case_id} not found" in listed.stderr


def test_new_watches_are_retro_screened_against_stored_records(people, tmp_path):
    """Adding or importing watches screens them against stored records at once (monitor)."""
    from casewatch.monitor.ingest import ingest

    records = tmp_path / "records.jsonl"
    records.write_text(
        '{"id": "s1", "schema": "Person", "properties": {"name": ["Abdul Rahman Khalil"]}}\n'
        '{"id": "s2", "schema": "Company", "properties": {"name": ["Northwind Maritime Ltd"]}}\n'
        '{"id": "s3", "schema": "Person", "properties": {"name": ["Maria Gonzalez"]}}\n'
    )
    assert ingest(people, "ftm", [records]) is not None
    subjects = tmp_path / "subjects.jsonl"
    subjects.write_text(
        '{"id": "w2", "schema": "Company", "properties": {"name": ["Northwind Maritime Limited"]}}\n'
    )
    with transaction(people) as s:
        case = new_case(s, webhook_url="http://127.0.0.1:9/hook")
        watch = new_watch(s, case, "Abdul Rahman Khalil")
        [alert] = s.scalars(select(Alert).where(Alert.watch_id == watch.id))
        assert (alert.retro, alert.record_entity_id, alert.status) == (True, "s1", "new")
        result = import_watches(s, user(s, "ana"), case.id, subjects)
        assert result.retro_alerts == 1
        assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == 2
