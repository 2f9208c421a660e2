"""Foundation: migrations, the FtM extension, storage constraints, CLI errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from casewatch.audit import append
from casewatch.db.engine import make_engine, transaction
from casewatch.db.migrate import alembic_config
from casewatch.db.models import AuditEvent, Base, Case, Record, utcnow
from casewatch.ftm import make_entity
from casewatch.ftm.io import parse_entity
from tests.conftest import backend


def test_migrations_create_every_model_table(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_migrations_match_models(engine):
    """The migration history produces exactly the schema the models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert alembic_config(engine).get_main_option("script_location")


def test_shipment_round_trips_through_json():
    shipment = make_entity(
        "Shipment",
        id="bol-1",
        billOfLading="MAEU123",
        shipper="co-1",
        consignee="co-2",
        notifyParty="co-3",
        vessel="v-1",
        hsCode="847130",
        quantity="12",
        declaredValue="15000",
        currency="USD",
        originCountry="cn",
        portOfLoading="Shanghai",
        portOfDischarge="Long Beach",
        date="2024-03-01",
    )
    data = shipment.to_dict()
    again = parse_entity(data)
    assert again.schema.name == "Shipment"
    assert again.to_dict() == data
    assert again.get("consignee") == ["co-2"]


@pytest.mark.parametrize(
    "data,reason",
    [
        ({"id": "x", "schema": "Spaceship", "properties": {}}, "unknown schema"),
        ({"id": "x", "properties": {}}, "missing 'schema'"),
        ({"schema": "Person", "properties": {"name": ["A"]}}, "missing 'id'"),
        (["not", "an", "object"], "expected a JSON object"),
    ],
)
def test_parse_entity_rejects_bad_input(data, reason):
    with pytest.raises(ValueError, match=reason):
        parse_entity(data)


def test_record_identity_is_unique_by_source_id_and_hash(engine):
    now = utcnow()
    row = dict(
        source="ftm", source_id="a", entity_id="a", schema="Person", caption="A",
        properties={"name": ["A"]}, content_hash="h1", fetched_at=now,
    )
    with transaction(engine) as session:
        session.add(Record(**row))
    with pytest.raises(IntegrityError):
        with transaction(engine) as session:
            session.add(Record(**row))


def test_audit_rows_cannot_be_changed_or_deleted(engine):
    with transaction(engine) as session:
        append(session, actor="alice", action="case.view", object_type="case", object_id=1)
        append(session, actor="alice", action="case.view", object_type="case", object_id=2)
    for statement in (
        "UPDATE audit_events SET actor = 'mallory' WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    with transaction(engine) as session:
        events = session.query(AuditEvent).order_by(AuditEvent.seq).all()
    assert [e.actor for e in events] == ["alice", "alice"]
    assert events[1].prev_hash == events[0].hash


def test_datetimes_come_back_in_utc(engine):
    with transaction(engine) as session:
        case = Case(title="T", legal_basis="B", review_date=date.today() + timedelta(days=30))
        session.add(case)
    with transaction(engine) as session:
        stored = session.get(Case, case.id)
        assert stored is not None
        assert stored.opened_at.utcoffset() == timedelta(0)


def test_backend_is_the_one_under_test(engine):
    assert engine.dialect.name == backend()


def test_init_and_upgrade_are_idempotent(cli):
    first = cli("init")
    assert first.code == 0, first.stderr
    again = cli("db", "upgrade")
    assert again.code == 0, again.stderr


@pytest.mark.parametrize(
    "url,expected",
    [
        ("mysql://x/y", "unsupported database 'mysql'"),
        ("not a url", "is not valid"),
        ("postgresql://nobody@127.0.0.1:1/none", "cannot connect to database"),
    ],
)
def test_wrong_database_url_is_one_clear_line(cli, env, url, expected):
    env["CASEWATCH_DATABASE_URL"] = url
    result = cli("init")
    assert result.code != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_commands_on_uninitialised_database_say_run_init(cli, env, tmp_path):
    env["CASEWATCH_DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.db'}"
    result = cli("export")
    assert result.code == 2
    assert "casewatch init" in result.stderr
    assert "Traceback" not in result.stderr


def test_make_engine_enables_wal_on_sqlite(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
