"""A small world for the API tests: two teams' cases, watches, records and alerts, and tokens.

Team "red" (ana analyst, sam and sue supervisors) and team "blue" (bob analyst,
bea supervisor) each have a case with one watch, one record and one alert; aud
is an auditor and admin an admin. Blue's case is full of distinctive strings
(``BLUE_SECRETS``) that must never appear in an answer to a red user.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from casewatch.auth import create_user, issue_token
from casewatch.auth.users import get_user
from casewatch.cases import add_watch, build_subject, create_case
from casewatch.db.engine import transaction
from casewatch.db.models import Alert, Record, utcnow

PEOPLE = {
    "admin": ("admin", "default"),
    "ana": ("analyst", "red"),
    "sam": ("supervisor", "red"),
    "sue": ("supervisor", "red"),
    "bob": ("analyst", "blue"),
    "bea": ("supervisor", "blue"),
    "aud": ("auditor", None),
}
RED_TITLE = "Red Harbour inquiry"
BLUE_TITLE = "Operation Quillfeather"
BLUE_BASIS = "Sanctions Act s.99 (blue mandate)"
BLUE_SUBJECT = "Zebulon Marchetti-Okafor"
BLUE_SUBJECT_ID = "blue-secret-subject"
BLUE_SECRETS = (BLUE_TITLE, BLUE_BASIS, BLUE_SUBJECT, BLUE_SUBJECT_ID)


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)
    red_case: int = 0
    blue_case: int = 0
    red_watch: int = 0
    blue_watch: int = 0
    red_alert: int = 0
    blue_alert: int = 0
    red_record: int = 0
    blue_record: int = 0
    #: (case, watch, alert) ids of blue objects made later by a test
    extra_blue: list[tuple[int, int, int]] = field(default_factory=list)

    def headers(self, who: str | None) -> dict[str, str]:
        return {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}

    @property
    def blue_ids(self) -> dict[str, set[int]]:
        ids = {"case_id": {self.blue_case}, "watch_id": {self.blue_watch},
               "alert_id": {self.blue_alert}}
        for case, watch, alert_id in self.extra_blue:
            ids["case_id"].add(case)
            ids["watch_id"].add(watch)
            ids["alert_id"].add(alert_id)
        return ids


def record(session: Any, entity_id: str, name: str, source: str = "ftm",
           schema: str = "Person") -> Record:
    row = Record(
        source=source, source_id=entity_id, entity_id=entity_id, schema=schema, caption=name,
        properties={"name": [name]},
        content_hash=hashlib.sha256(f"{source}:{entity_id}:{name}".encode()).hexdigest(),
        fetched_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def alert(session: Any, watch: Any, rec: Record, score: float = 0.91) -> Alert:
    row = Alert(
        watch_id=watch.id, case_id=watch.case_id, record_id=rec.id, subject_id=watch.subject_id,
        record_entity_id=rec.entity_id,
        dedup_key=hashlib.sha256(f"{watch.id}:{rec.id}".encode()).hexdigest(), score=score,
        explanation={"features": {"name_similarity": score}}, status="new",
    )
    session.add(row)
    session.flush()
    return row


def build_world(engine: Engine) -> World:
    world = World()
    review = utcnow().date() + timedelta(days=90)
    with transaction(engine) as s:
        for name, (role, team) in PEOPLE.items():
            user = create_user(s, name, role, team, actor="system")
            world.tokens[name] = issue_token(s, user, actor="system")
        ana, bob = get_user(s, "ana"), get_user(s, "bob")
        red = create_case(s, ana, title=RED_TITLE, legal_basis="AML Act s.12", review_date=review)
        blue = create_case(s, bob, title=BLUE_TITLE, legal_basis=BLUE_BASIS, review_date=review)
        red_w = add_watch(s, ana, red.id, build_subject("Person", "Ivan Petrov",
                                                        subject_id="red-subject"), retro=False)
        blue_w = add_watch(s, bob, blue.id, build_subject("Person", BLUE_SUBJECT,
                                                          subject_id=BLUE_SUBJECT_ID), retro=False)
        red_r = record(s, "rec-ivan", "Ivan Petrov")
        blue_r = record(s, "rec-zeb", "Zebulon Marchetti Okafor")
        world.red_case, world.blue_case = red.id, blue.id
        world.red_watch, world.blue_watch = red_w.id, blue_w.id
        world.red_record, world.blue_record = red_r.id, blue_r.id
        world.red_alert = alert(s, red_w, red_r).id
        world.blue_alert = alert(s, blue_w, blue_r).id
    return world
