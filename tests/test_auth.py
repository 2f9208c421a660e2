"""Access: users, passwords, tokens, roles and case-level access (404 for other teams' cases)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casewatch.auth import (
    authenticate,
    can_see_case,
    create_user,
    ensure_admin,
    get_user,
    issue_token,
    require_case,
    require_role,
    revoke_token,
    visible_case_ids,
)
from casewatch.auth.passwords import verify_password
from casewatch.auth.users import SYSTEM, set_active
from casewatch.db.engine import transaction
from casewatch.db.models import ApiToken, AuditEvent, Case, Team, utcnow
from casewatch.errors import CasewatchError, Denied, NotFound
from tests.helpers_accountability import make_case, seed_users


@pytest.fixture()
def world(engine, env):
    """Users of two teams plus an auditor and an admin; one case per team."""
    with transaction(engine) as session:
        users = seed_users(session)
        red = make_case(session, users["ana"], title="Red case")
        blue = make_case(session, users["bob"], title="Blue case")
        return {"red": red.id, "blue": blue.id}


def events(engine, **where):
    with transaction(engine) as session:
        stmt = select(AuditEvent).order_by(AuditEvent.seq)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, key) == value)
        return list(session.scalars(stmt))


def test_create_user_hashes_password_creates_team_and_is_audited(engine, env):
    with transaction(engine) as session:
        ensure_admin(session)
        user = create_user(session, "ana", "analyst", "red", "correct horse", actor="admin")
        assert user.password_hash and user.password_hash.startswith("$argon2id$")
        assert "correct horse" not in user.password_hash
        assert verify_password(user.password_hash, "correct horse")
        assert not verify_password(user.password_hash, "wrong horse")
        assert session.scalar(select(Team.name).where(Team.id == user.team_id)) == "red"
    created = events(engine, action="user.create")
    assert [e.actor for e in created] == [SYSTEM, "admin"]
    assert "correct horse" not in (created[1].params_digest or "")


@pytest.mark.parametrize(
    "args,message",
    [
        (("x", "boss", "red"), "role 'boss' is not one of"),
        (("bad name", "analyst", "red"), "is not allowed"),
        (("system", "admin", None), "is not allowed"),
        (("ana", "analyst", None), "needs a team"),
        (("admin", "admin", None), "already exists"),
    ],
)
def test_create_user_rejects_bad_input(engine, env, args, message):
    with transaction(engine) as session:
        ensure_admin(session)
        with pytest.raises(CasewatchError, match=message):
            create_user(session, *args, actor="admin")


def test_only_admins_add_users_and_the_refusal_survives_rollback(engine, env):
    with transaction(engine) as session:
        seed_users(session)
    with pytest.raises(Denied, match="only an admin"):
        with transaction(engine) as session:
            create_user(session, "eve", "admin", None, actor="ana")
    with transaction(engine) as session:
        with pytest.raises(NotFound, match="casewatch user add eve"):
            get_user(session, "eve")
    denied = events(engine, outcome="denied")
    assert [(e.actor, e.action) for e in denied] == [("ana", "user.create")]


def test_ensure_admin_is_idempotent(engine, env):
    with transaction(engine) as session:
        first = ensure_admin(session)
    with transaction(engine) as session:
        again = ensure_admin(session)
        assert again.id == first.id and again.role == "admin"
        assert again.team is not None and again.team.name == "default"


def test_tokens_are_stored_as_hashes_and_authenticate(engine, world):
    with transaction(engine) as session:
        ana = get_user(session, "ana")
        token = issue_token(session, ana, days=7, label="laptop", actor="admin")
    assert token.startswith("cw_") and len(token) > 40
    with transaction(engine) as session:
        rows = list(session.scalars(select(ApiToken)))
        assert len(rows) == 1 and token not in rows[0].token_hash and len(rows[0].token_hash) == 64
        user = authenticate(session, token)
        assert user is not None and user.name == "ana"
        assert authenticate(session, token + "x") is None
        assert authenticate(session, "") is None
        assert authenticate(session, "Bearer nonsense") is None
    assert all(token not in (e.params_digest or "") for e in events(engine))


def test_expired_revoked_and_inactive_tokens_are_refused(engine, world):
    with transaction(engine) as session:
        ana, bob = get_user(session, "ana"), get_user(session, "bob")
        expired = issue_token(session, ana, days=1, actor="admin")
        revoked = issue_token(session, ana, actor="ana")  # users may issue their own
        inactive = issue_token(session, bob, actor="admin")
        by_id = issue_token(session, bob, actor="admin")
    with transaction(engine) as session:
        row = session.scalar(select(ApiToken).order_by(ApiToken.id).limit(1))
        row.expires_at = utcnow() - timedelta(seconds=1)
        revoke_token(session, revoked, actor="ana")
        revoke_token(session, str(session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()))), actor="admin")
        set_active(session, "bob", False, actor="admin")
    with transaction(engine) as session:
        assert authenticate(session, expired) is None
        assert authenticate(session, revoked) is None
        assert authenticate(session, inactive) is None
        assert authenticate(session, by_id) is None
    assert [e.action for e in events(engine, object_type="token")][-2:] == ["token.revoke"] * 2


def test_only_admins_manage_other_users_tokens(engine, world):
    with pytest.raises(Denied, match="another user"):
        with transaction(engine) as session:
            issue_token(session, get_user(session, "bob"), actor="ana")
    with transaction(engine) as session:
        token = issue_token(session, get_user(session, "bob"), actor="bob")
    with pytest.raises(Denied):
        with transaction(engine) as session:
            revoke_token(session, token, actor="ana")
    with transaction(engine) as session:
        with pytest.raises(CasewatchError, match="neither a token"):
            revoke_token(session, "hello", actor="admin")
        with pytest.raises(CasewatchError, match="between 1 and"):
            issue_token(session, get_user(session, "bob"), days=0, actor="admin")
    assert [e.action for e in events(engine, outcome="denied")] == ["token.issue", "token.revoke"]


# role -> (sees own team's case, writes it, sees other team's case, writes it)
MATRIX = {
    "ana": (True, True, False, False),
    "sam": (True, True, False, False),
    "aud": (True, False, True, False),
    "admin": (True, True, True, True),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access_matrix(engine, world, name):
    own_sees, own_writes, other_sees, other_writes = MATRIX[name]
    own, other = (world["blue"], world["red"]) if name == "aud" else (world["red"], world["blue"])
    expected = {
        (own, False): own_sees, (own, True): own_writes,
        (other, False): other_sees, (other, True): other_writes,
    }
    for (case_id, write), allowed in expected.items():
        with transaction(engine) as session:
            user = get_user(session, name)
            if allowed:
                case = require_case(session, user, case_id, action="case.view", write=write)
                assert case.id == case_id
                continue
            visible = can_see_case(user, session.get(Case, case_id))
            error = Denied if visible else NotFound
            with pytest.raises(error) as info:
                require_case(session, user, case_id, action="case.edit", write=write)
            if error is NotFound:
                assert str(info.value) == f"case {case_id} not found"
    with transaction(engine) as session:
        user = get_user(session, name)
        with pytest.raises(NotFound, match="case 999 not found"):
            require_case(session, user, 999, action="case.view")


def test_another_teams_case_looks_exactly_like_a_missing_one_and_is_logged(engine, world):
    messages = []
    for case_id in (world["red"], 424242):
        with pytest.raises(NotFound) as info:
            with transaction(engine) as session:
                require_case(session, get_user(session, "bob"), case_id, action="case.view",
                             purpose="curious")
        messages.append(str(info.value).replace(str(case_id), "N"))
    assert messages[0] == messages[1] == "case N not found"
    denied = events(engine, outcome="denied")
    assert [(e.actor, e.action, e.case_id, e.purpose) for e in denied] == [
        ("bob", "case.view", world["red"], "curious"),
        ("bob", "case.view", 424242, "curious"),
    ]


def test_denial_is_logged_even_when_the_caller_already_holds_the_audit_lock(engine, world):
    """The caller appended first (holding the chain lock): no deadlock, the denial is kept."""
    with transaction(engine) as session:
        bob = get_user(session, "bob")
        from casewatch.audit import append

        append(session, actor="bob", action="search", purpose="case:1")
        with pytest.raises(NotFound):
            require_case(session, bob, world["red"], action="case.view")
    assert [e.action for e in events(engine, actor="bob")] == ["search", "case.view"]


def test_visible_case_ids(engine, world):
    with transaction(engine) as session:
        def ids(name):
            stmt = visible_case_ids(session, get_user(session, name))
            if stmt is None:
                return "all"
            return set(session.scalars(stmt))

        assert ids("ana") == {world["red"]}
        assert ids("sue") == {world["blue"]}
        assert ids("aud") == "all" and ids("admin") == "all"
        set_active(session, "ana", False, actor="admin")
        assert ids("ana") == set()


def test_require_role(engine, world):
    with transaction(engine) as session:
        require_role(get_user(session, "aud"), "auditor", action="audit.read")
    with pytest.raises(Denied, match="audit.read needs the auditor role; 'admin' is admin"):
        with transaction(engine) as session:
            require_role(get_user(session, "admin"), "auditor", action="audit.read")
    assert [(e.actor, e.action) for e in events(engine, outcome="denied")] == [
        ("admin", "audit.read")
    ]


def test_cli_user_and_token_commands(cli):
    assert cli("init").code == 0
    added = cli("user", "add", "ana", "--role", "analyst", "--team", "red", "--password-stdin",
                input="a good password\n")
    assert added.code == 0, added.stderr
    issued = cli("token", "issue", "ana", "--days", "5")
    assert issued.code == 0 and issued.stdout.strip().startswith("cw_")
    refused = cli("--as", "ana", "user", "add", "eve", "--role", "admin")
    assert refused.code == 4
    assert refused.stderr.strip() == "error: user.create: only an admin may do this; 'ana' is analyst"
    assert "Traceback" not in refused.stderr
