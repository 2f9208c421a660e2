"""The audit log's RFC 9162 Merkle tree: heads, stored nodes, proofs, the documented witness code."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from casewatch.api import create_app
from casewatch.audit import append_many
from casewatch.audit.checkpoint import checkpoint_message, checkpoint_now, export_checkpoints
from casewatch.audit.keys import key_id, signing_key
from casewatch.audit.log import GENESIS, event_hash
from casewatch.audit.merkle import (
    Frontier,
    StoredTree,
    consistency_ok,
    consistency_proof,
    inclusion_path,
    node_hash,
    root_from_path,
    split,
)
from casewatch.audit.read import consistency, inclusion_proof
from casewatch.audit.verify import verify
from casewatch.db.engine import make_engine, session_factory, transaction
from casewatch.db.migrate import upgrade
from casewatch.db.models import AuditCheckpoint, AuditEvent, AuditMerkleNode, utcnow
from casewatch.errors import CasewatchError, NotFound
from casewatch.settings import Settings, get_settings
from tests.api_world import build_world
from tests.helpers_accountability import seed_users, tamper

DOCS = Path(__file__).parents[1] / "docs" / "accountability.md"


def reference_root(event_hashes: list[str]) -> bytes:
    """RFC 9162 MTH written the slow, obvious way (the spec's recursion over leaves)."""
    leaves = [hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in event_hashes]

    def mth(items: list[bytes]) -> bytes:
        if not items:
            return hashlib.sha256(b"").digest()
        if len(items) == 1:
            return items[0]
        k = 1
        while k * 2 < len(items):
            k *= 2
        return node_hash(mth(items[:k]), mth(items[k:]))

    return mth(leaves)


def documented(marker: str) -> dict[str, Any]:
    """Run the Python block that follows ``<!-- marker -->`` in docs/accountability.md."""
    match = re.search(rf"<!-- {marker} -->\n```python\n(.*?)```", DOCS.read_text(), re.S)
    assert match, f"no {marker} block in {DOCS}"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(DOCS), "exec"), namespace)  # noqa: S102 - our own docs
    return namespace


def fill(engine, n: int, text_of=lambda i: f"case:{i}") -> None:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        append_many(session, (dict(actor="ana", action="search", purpose=text_of(i),
                                   params={"q": f"name {i}"}) for i in range(n)))


def check(engine):  # type: ignore[no-untyped-def]
    with session_factory(engine)() as session:
        return verify(session)


def hashes(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return list(session.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq)))


@pytest.fixture()
def every(env, monkeypatch):  # type: ignore[no-untyped-def]
    def _set(n: int) -> None:
        monkeypatch.setenv("CASEWATCH_CHECKPOINT_EVERY", str(n))
        get_settings.cache_clear()
    yield _set
    get_settings.cache_clear()


def test_proof_algorithms_agree_with_the_rfc_recursion_for_every_small_tree() -> None:
    leaves = [hashlib.sha256(bytes([i])).digest() for i in range(40)]

    def mth(lo: int, hi: int) -> bytes:
        if hi - lo == 1:
            return leaves[lo]
        k = split(hi - lo)
        return node_hash(mth(lo, lo + k), mth(lo + k, hi))

    frontier = Frontier()
    for n in range(1, len(leaves) + 1):
        frontier.push(leaves[n - 1])
        root = mth(0, n)
        assert frontier.root() == root
        assert Frontier.from_bytes(n, frontier.to_bytes()).root() == root
        for i in range(n):
            path = inclusion_path(i, n, mth)
            assert root_from_path(i, n, leaves[i], path) == root
            assert root_from_path(i, n, leaves[(i + 1) % n], path) != root or n == 1
            if path:
                assert root_from_path(i, n, leaves[i], path[:-1]) != root
        for m in range(1, n + 1):
            proof = consistency_proof(m, n, mth)
            assert consistency_ok(m, n, mth(0, m), root, proof)
            if m < n:
                assert not consistency_ok(m, n, mth(0, m), leaves[0], proof)
                assert not consistency_ok(m, n, leaves[0], root, proof) or m == 1


def test_checkpoints_sign_the_merkle_root_and_store_subtrees(engine, every) -> None:
    every(50)
    fill(engine, 700)
    all_hashes = hashes(engine)
    with transaction(engine) as session:
        cps = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)).all()
        nodes = session.execute(select(AuditMerkleNode.level, AuditMerkleNode.idx,
                                       AuditMerkleNode.hash)).all()
        public = signing_key().public_key()
        for cp in cps:
            assert cp.version == 2 and cp.key_id == key_id(public)
            assert cp.root_hash == reference_root(all_hashes[:cp.seq]).hex()
            public.verify(cp.signature, checkpoint_message(cp.seq, cp.root_hash, cp.at, 2))
    assert [cp.seq for cp in cps] == list(range(50, 701, 50))
    # subtrees of 256+ leaves: [0,256), [256,512) and [0,512)
    assert sorted((lv, ix) for lv, ix, _ in nodes) == [(8, 0), (8, 1), (9, 0)]
    for level, idx, digest in nodes:
        size = 1 << level
        assert digest == reference_root(all_hashes[idx * size:(idx + 1) * size])
    result = check(engine)
    assert result.ok and result.merkle_root == reference_root(all_hashes).hex()
    for sql in ("UPDATE audit_merkle_nodes SET hash = hash", "DELETE FROM audit_merkle_nodes"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))


def test_proofs_use_stored_subtrees_and_check_with_the_documented_code(engine, every) -> None:
    """Every event at several sizes, and every pair of heads, verified by the docs' code."""
    every(100)
    fill(engine, 700, text_of=lambda i: f"Ünïcödé \u2028 \"quoted\" \\ \x01 tab\t {i} 漢字")
    witness = documented("witness-verifier")
    signature = documented("witness-signature")
    with transaction(engine) as session:
        pem = export_checkpoints(session)["public_key_pem"]
        for size in (100, 300, 700):
            for seq in [*range(1, size + 1, 7), size]:
                proof = orjson.loads(orjson.dumps(inclusion_proof(session, seq, size)))
                head = proof["checkpoint"]
                signature["check_signature"](head, pem)
                assert witness["check_inclusion"](proof, head), (seq, size)
                forged = {**proof, "event": {**proof["event"], "actor": "someone else"}}
                assert not witness["check_inclusion"](forged, head)
                if proof["audit_path"]:
                    proof["audit_path"][0] = "00" * 32
                    assert not witness["check_inclusion"](proof, head)
        tree = StoredTree(session, 700)
        tree.prefetch(lambda mth: inclusion_path(0, 700, mth))
        path = inclusion_path(0, 700, tree.mth)
        assert len(tree._blocks) == 2 and tree.node_reads == 1  # 1 query for [256,512), 2 blocks
        assert path == inclusion_path(0, 700, StoredTree(session, 700).mth)
        sizes = [100 * i for i in range(1, 8)]
        for m in sizes:
            for n in sizes[sizes.index(m):]:
                proof = orjson.loads(orjson.dumps(consistency(session, m, n)))
                check = witness["check_consistency"]
                assert check(proof["first"], proof["second"], proof["proof"]), (m, n)
                if m < n:
                    assert not check(proof["first"], proof["second"], proof["proof"][1:])
                    assert not check(proof["second"], proof["first"], proof["proof"])


def test_old_chain_head_checkpoints_survive_the_migration(tmp_path, every) -> None:
    """A database at 0004 with a version-1 checkpoint upgrades, verifies, and gets Merkle heads."""
    every(1000)
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0004_access")  # the audit tables as they were before 0005_merkle
    key = signing_key()
    prev, at = GENESIS, utcnow()
    with engine.begin() as conn:
        for seq in range(1, 11):
            values = dict(seq=seq, at=at, actor="ana", action="search", object_type=None,
                          object_id=None, case_id=None, purpose=None, params_digest=None,
                          outcome="success")
            digest = event_hash(prev, values)
            conn.execute(text(
                "INSERT INTO audit_events (seq, at, actor, action, outcome, prev_hash, hash) "
                "VALUES (:seq, :at, 'ana', 'search', 'success', :prev, :hash)"),
                {"seq": seq, "at": at.strftime("%Y-%m-%d %H:%M:%S.%f"), "prev": prev,
                 "hash": digest})
            prev = digest
        conn.execute(text(
            "INSERT INTO audit_checkpoints (seq, root_hash, at, key_id, signature) "
            "VALUES (10, :root, :at, :kid, :sig)"),
            {"root": prev, "at": at.strftime("%Y-%m-%d %H:%M:%S.%f"),
             "kid": key_id(key.public_key()), "sig": key.sign(checkpoint_message(10, prev, at))})
    upgrade(engine)
    with transaction(engine) as session:
        [old] = session.scalars(select(AuditCheckpoint)).all()
        assert (old.version, old.frontier) == (1, None)
        with pytest.raises(NotFound, match="no signed Merkle checkpoint yet"):
            inclusion_proof(session, 3)
    fill(engine, 5)
    with transaction(engine) as session:
        new = checkpoint_now(session, actor="aud")
        assert new.version == 2 and new.seq == 16
    assert new.root_hash == reference_root(hashes(engine)).hex()
    with transaction(engine) as session:
        with pytest.raises(NotFound, match="no signed Merkle checkpoint of size 10"):
            inclusion_proof(session, 3, 10)
        assert inclusion_proof(session, 3)["tree_size"] == 16
    result = check(engine)
    assert result.ok and result.checkpoints == 2, result.problem
    tamper(engine, "UPDATE audit_events SET actor = 'x' WHERE seq = 4")
    assert str(check(engine).problem).startswith("audit event seq 4: hash")
    engine.dispose()


def _unguard_nodes(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_merkle_nodes_no_update"))
        else:
            conn.execute(text(
                "ALTER TABLE audit_merkle_nodes DISABLE TRIGGER audit_merkle_nodes_append_only"))


def test_changed_subtree_node_is_named_and_refuses_proofs(engine, every) -> None:
    every(100)
    fill(engine, 600)
    _unguard_nodes(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_merkle_nodes SET hash = :h WHERE level = 8 AND idx = 1"),
                     {"h": b"\x07" * 32})
    result = check(engine)
    assert (result.problem.seq, result.problem.kind) == (512, "merkle node mismatch")
    assert "events 257..512 differs" in result.problem.detail
    with transaction(engine) as session:
        with pytest.raises(CasewatchError, match="does not lead to the signed root"):
            inclusion_proof(session, 5, 600)
        assert inclusion_proof(session, 590, 600)["tree_size"] == 600  # its path avoids [256,512)


def test_changed_frontier_is_named(engine, every) -> None:
    every(8)
    fill(engine, 24)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_checkpoints_no_update"))
        else:
            conn.execute(text(
                "ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_append_only"))
        conn.execute(text("UPDATE audit_checkpoints SET frontier = :f WHERE seq = 16"),
                     {"f": b"\x05" * 32})
    result = check(engine)
    assert str(result.problem) == (
        "audit event seq 16: merkle frontier mismatch: the checkpoint's stored frontier "
        "differs from the events' tree")


def test_rewritten_log_breaks_the_merkle_head_and_its_proofs(engine, every) -> None:
    every(8)
    fill(engine, 16)
    tamper(engine, "UPDATE audit_events SET hash = :h, prev_hash = prev_hash WHERE seq = 16",
           h="ab" * 32)
    result = check(engine)
    assert (result.problem.seq, result.problem.kind) == (16, "hash mismatch")
    with transaction(engine) as session:
        with pytest.raises(CasewatchError, match="checkpoint at seq 16"):
            inclusion_proof(session, 16, 16)
        assert inclusion_proof(session, 3, 8)["tree_size"] == 8  # the earlier head still proves
        with pytest.raises(CasewatchError, match="does not lead to the signed root"):
            consistency(session, 8, 16)
        with pytest.raises(CasewatchError, match="larger than --to"):
            consistency(session, 16, 8)
        with pytest.raises(NotFound, match="not in the tree head of size 8"):
            inclusion_proof(session, 9, 8)


def test_api_proofs_are_for_auditors_and_logged(engine, env, tmp_path) -> None:
    world = build_world(engine)
    with transaction(engine) as session:
        first = checkpoint_now(session, actor="aud").seq
        second = checkpoint_now(session, actor="aud").seq
    client = TestClient(create_app(Settings(home=tmp_path), engine))
    witness = documented("witness-verifier")
    resp = client.get("/audit/proof?event=2", headers=world.headers("aud"))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["tree_size"] == second and witness["check_inclusion"](body, body["checkpoint"])
    resp = client.get(f"/audit/consistency?from={first}&to={second}", headers=world.headers("aud"))
    proof = resp.json()
    assert witness["check_consistency"](proof["first"], proof["second"], proof["proof"])
    for who in ("ana", "admin"):
        denied = client.get("/audit/proof?event=2", headers=world.headers(who))
        assert denied.status_code == 403 and "auditor" in denied.json()["detail"]
    missing = client.get(f"/audit/proof?event=2&size={second + 5}", headers=world.headers("aud"))
    assert missing.status_code == 404 and "no signed Merkle checkpoint of size" in missing.text
    with transaction(engine) as session:
        logged = session.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.outcome)
                                 .where(AuditEvent.action.like("audit.%"))
                                 .order_by(AuditEvent.seq)).all()
    assert [tuple(r) for r in logged][-6:] == [
        ("aud", "audit.checkpoint", "success"), ("aud", "audit.proof", "success"),
        ("aud", "audit.consistency", "success"), ("ana", "audit.proof", "denied"),
        ("admin", "audit.proof", "denied"), ("aud", "audit.proof", "denied")]


def test_cli_prove_and_consistency(engine, cli) -> None:
    with transaction(engine) as session:
        seed_users(session)
    fill(engine, 20)
    with transaction(engine) as session:
        m = checkpoint_now(session, actor="aud").seq
    fill(engine, 9)
    with transaction(engine) as session:
        n = checkpoint_now(session, actor="aud").seq
    proof = cli("--as", "aud", "audit", "prove", "--event", "7", "--json")
    assert proof.code == 0, proof.stderr
    data = orjson.loads(proof.stdout)
    assert data["tree_size"] == n and data["event"]["seq"] == 7
    assert documented("witness-verifier")["check_inclusion"](data, data["checkpoint"])
    cons = cli("audit", "consistency", "--from", str(m), "--to", str(n))  # admins may
    assert cons.code == 0 and f"tree head {m} " in cons.stdout, cons.stderr
    refused = cli("audit", "prove", "--event", "7")  # admin: inclusion proofs show the event
    assert refused.code != 0 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == "error: audit.proof needs the auditor role; 'admin' is admin"
    late = cli("--as", "aud", "audit", "prove", "--event", "7", "--size", str(m + 1))
    assert late.code != 0 and f"no signed Merkle checkpoint of size {m + 1}" in late.stderr
    assert len(late.stderr.strip().splitlines()) == 1
