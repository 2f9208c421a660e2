"""The synthetic data generator: determinism, valid FtM, realistic mixes, honest ground truth."""

from __future__ import annotations

import collections
import hashlib
import re
from pathlib import Path

import normality
import orjson
import pytest
from rapidfuzz.distance import Levenshtein
from typer.testing import CliRunner

from casewatch.cli import app
from casewatch.ftm.io import parse_entity
from casewatch.generate import VARIANT_KINDS, generate_records, generate_watchlist
from casewatch.generate.identifiers import B58, is_valid_imo
from casewatch.generate.negatives import NEGATIVE_KINDS
from casewatch.generate.pool import COMMON_NAMES, IDENTIFIER_PROPS
from casewatch.generate.variants import split_form

SCRIPTS = {
    "cyrillic": re.compile("[\u0400-\u04ff]"),
    "arabic": re.compile("[\u0600-\u06ff]"),
    "han": re.compile("[\u4e00-\u9fff]"),
    "devanagari": re.compile("[\u0900-\u097f]"),
}
NON_LATIN = re.compile("[\u0370-\u1fff\u3000-\u9fff]")


@pytest.fixture(scope="module")
def watchlist() -> list[dict]:
    return list(generate_watchlist(3000, seed=11))


@pytest.fixture(scope="module")
def records(watchlist) -> list[tuple[dict, object]]:
    return list(generate_records(watchlist, 4000, seed=12, variant_fraction=0.5))


def _names(entity: dict) -> set[str]:
    props = entity["properties"]
    return set(props.get("name", [])) | set(props.get("alias", []))


def _assert_valid_ftm(entity: dict) -> None:
    """Parses with casewatch's reader, and every value survives FtM's own cleaning."""
    proxy = parse_entity(entity)
    for prop_name, values in entity["properties"].items():
        prop = proxy.schema.get(prop_name)
        assert prop is not None, prop_name
        for value in values:
            assert prop.type.clean(value) is not None, (entity["id"], prop_name, value)


# --- watchlist ------------------------------------------------------------------------------


def test_watchlist_is_deterministic_by_seed():
    first = [orjson.dumps(e) for e in generate_watchlist(500, seed=3)]
    again = [orjson.dumps(e) for e in generate_watchlist(500, seed=3)]
    other = [orjson.dumps(e) for e in generate_watchlist(500, seed=4)]
    assert first == again
    assert first != other
    assert [orjson.dumps(e) for e in generate_watchlist(200, seed=3)] == first[:200]


def test_every_watchlist_entity_is_valid_ftm(watchlist):
    for entity in watchlist:
        _assert_valid_ftm(entity)
    assert len({e["id"] for e in watchlist}) == len(watchlist)


def test_schema_mix(watchlist):
    counts = collections.Counter(e["schema"] for e in watchlist)
    shares = {k: v / len(watchlist) for k, v in counts.items()}
    for schema, expected in {"Person": 0.45, "Company": 0.35, "Vessel": 0.1, "CryptoWallet": 0.1}.items():
        assert abs(shares[schema] - expected) < 0.04, (schema, shares)


def test_person_names_are_diverse_but_common_names_recur():
    people = [e for e in generate_watchlist(20000, seed=5) if e["schema"] == "Person"]
    names = collections.Counter(e["properties"]["name"][0] for e in people)
    assert len(names) / len(people) > 0.8  # mostly distinct
    assert names.most_common(1)[0][1] >= 3  # but the commonest names recur
    given = collections.Counter(e["properties"]["firstName"][0] for e in people)
    assert given.most_common(1)[0][1] > 100


def test_native_scripts_and_romanisations(watchlist):
    aliases = [a for e in watchlist if e["schema"] == "Person" for a in e["properties"].get("alias", [])]
    for script, pattern in SCRIPTS.items():
        assert any(pattern.search(a) for a in aliases), script
    people = [e for e in watchlist if e["schema"] == "Person"]
    # every primary name is in Latin script; diacritics appear on some (Müller, Yılmaz)
    assert not any(NON_LATIN.search(e["properties"]["name"][0]) for e in people)
    assert any(not e["properties"]["name"][0].isascii() for e in people)
    assert any("ogrnCode" in e["properties"] for e in watchlist)


def test_vessel_and_wallet_identifiers(watchlist):
    imos = [e["properties"]["imoNumber"][0] for e in watchlist if e["schema"] == "Vessel"]
    assert imos and all(is_valid_imo(i) for i in imos)
    assert len(set(imos)) == len(imos)
    keys = [e["properties"]["publicKey"][0] for e in watchlist if e["schema"] == "CryptoWallet"]
    assert len(set(keys)) == len(keys)
    for key in keys:
        if key.startswith("0x"):
            assert re.fullmatch("0x[0-9a-f]{40}", key)
        elif key.startswith("bc1"):
            assert re.fullmatch("bc1q[02-9ac-hj-np-z]{38}", key)
        else:
            assert key[0] in "13T" and all(c in B58 for c in key)
            _assert_base58check(key)


def _assert_base58check(address: str) -> None:
    num = 0
    for ch in address:
        num = num * 58 + B58.index(ch)
    raw = num.to_bytes(25, "big")
    digest = hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()
    assert raw[21:] == digest[:4], address


def test_lei_check_digits(watchlist):
    leis = [e["properties"]["leiCode"][0] for e in watchlist if "leiCode" in e["properties"]]
    assert leis
    for lei in leis:
        assert int("".join(str(int(c, 36)) for c in lei)) % 97 == 1


def test_library_rejects_bad_sizes():
    with pytest.raises(ValueError):
        next(generate_watchlist(0))
    with pytest.raises(ValueError):
        next(generate_records([], 10))


# --- records and truth ----------------------------------------------------------------------


def test_records_are_deterministic_and_valid(watchlist, records):
    again = list(generate_records(watchlist, 4000, seed=12, variant_fraction=0.5))
    assert [orjson.dumps(e) for e, _ in again] == [orjson.dumps(e) for e, _ in records]
    assert [t.to_dict() for _, t in again] == [t.to_dict() for _, t in records]
    for entity, truth in records:
        _assert_valid_ftm(entity)
        assert entity["id"] == truth.record_id
    assert len({e["id"] for e, _ in records}) == len(records)
    watched_ids = {e["id"] for e in watchlist}
    assert not watched_ids & {e["id"] for e, _ in records}


def test_variant_fraction_is_exact_and_every_kind_present(records):
    variants = [t for _, t in records if t.subject_id is not None]
    assert len(variants) == 2000
    kinds = collections.Counter(t.kind for t in variants)
    assert set(kinds) == set(VARIANT_KINDS)
    assert min(kinds.values()) > 100  # roughly equal shares
    negatives = collections.Counter(t.kind for _, t in records if t.subject_id is None)
    assert set(negatives) == set(NEGATIVE_KINDS)
    sources = collections.Counter(t.source for _, t in records)
    assert set(sources) == {"registry", "court", "property", "shipment", "wallet_transfer", "sanctions_list"}
    assert [t.subject_id for _, t in generate_records(records_watch(), 50, seed=1, variant_fraction=0.0)].count(None) == 50


def records_watch() -> list[dict]:
    return list(generate_watchlist(50, seed=1))


def _fold(text: str) -> str:
    """Compare names as a registry printing in capitals would (Yıldırım -> YILDIRIM)."""
    return text.upper().casefold()


def test_truth_is_consistent_with_the_records(watchlist, records):
    subjects = {e["id"]: e for e in watchlist}
    checked = collections.Counter()
    for record, truth in records:
        if truth.subject_id is None:
            continue
        subject = subjects[truth.subject_id]
        assert record["schema"] == subject["schema"]
        got = _fold((record["properties"].get("name") or [""])[0])
        names = {_fold(n) for n in _names(subject)}
        primary = _fold(subject["properties"].get("name", [""])[0])
        kind = truth.kind
        if kind == "identifier":
            shared = [p for p in ("passportNumber", "registrationNumber", "leiCode", "ogrnCode",
                                  "innCode", "imoNumber", "publicKey") if p in record["properties"]]
            assert shared, record
            for prop in shared:
                assert record["properties"][prop] == subject["properties"][prop][:1]
        elif kind == "exact":
            assert record["properties"]["name"][0] == subject["properties"]["name"][0]
        elif kind == "alias":
            assert got in names
        elif kind == "transliteration":
            assert got not in names
            if "script" in truth.note:
                assert NON_LATIN.search(got) and not NON_LATIN.search(primary)
        elif kind == "typo":
            assert 1 <= Levenshtein.distance(got, primary) <= 4
        elif kind == "reorder":
            assert sorted(got.replace(",", "").split()) == sorted(primary.split())
            assert got.replace(",", "") != primary
        elif kind == "dropped_middle":
            middle = _fold(subject["properties"]["middleName"][0])
            assert got == " ".join(primary.replace(middle, " ").split())
        elif kind == "initials":
            assert _fold(subject["properties"]["lastName"][0]) in got and len(got) < len(primary)
        elif kind == "legal_form":
            words, form = split_form(subject["properties"]["name"][0])
            assert got != primary and _fold(" ".join(words)) in got
        elif kind == "joined_split":
            squash = re.compile(r"[\s\-]")
            assert got != primary and squash.sub("", got) == squash.sub("", primary)
        checked[kind] += 1
    assert set(checked) == set(VARIANT_KINDS)


def test_cross_script_transliterations_exist(records):
    notes = [t.note for _, t in records if t.kind == "transliteration"]
    assert any("script" in n for n in notes) and any("romanisation" in n for n in notes)


def _spelling_key(name: str) -> str:
    """Independent of the generator's own key: ASCII, lower case, umlaut spellings folded."""
    text = normality.ascii_text(name.replace("-", " ")).lower()
    return " ".join(text.replace("ue", "u").replace("oe", "o").replace("ae", "a").split())


def test_hard_negatives_are_not_watched_names(watchlist, records):
    watched = {_spelling_key(n) for e in watchlist for n in _names(e)}
    common = {_fold(n) for n in COMMON_NAMES}
    people = [e for e in watchlist if e["schema"] == "Person"]
    given = {_fold(e["properties"]["firstName"][0]) for e in people}
    family = {_fold(e["properties"]["lastName"][0]) for e in people}
    wallets = {e["properties"]["publicKey"][0] for e in watchlist if e["schema"] == "CryptoWallet"}
    identifiers = {v for e in watchlist for p in IDENTIFIER_PROPS for v in e["properties"].get(p, [])}
    for record, truth in records:
        if truth.subject_id is not None:
            continue
        props = record["properties"]
        assert not {v for p in IDENTIFIER_PROPS for v in props.get(p, [])} & identifiers
        name = _fold(props.get("name", [""])[0])
        if truth.kind == "common_name":
            assert name in common
            continue
        if name:
            assert _spelling_key(name) not in watched or truth.note, (truth, name)
        if truth.kind == "hard_negative_given":
            assert any(name.startswith(g + " ") for g in given)
        elif truth.kind == "hard_negative_family":
            assert any(name.endswith(" " + f) for f in family)
        elif truth.kind == "hard_negative_wallet":
            key = props["publicKey"][0]
            assert key not in wallets and any(w[:4] == key[:4] and w[-4:] == key[-4:] for w in wallets)


def test_common_name_birth_years_differ_from_watched_namesakes(watchlist, records):
    years = collections.defaultdict(set)
    for e in watchlist:
        if e["schema"] == "Person" and e["properties"].get("birthDate"):
            years[_fold(e["properties"]["name"][0])].add(e["properties"]["birthDate"][0][:4])
    for record, truth in records:
        if truth.kind == "common_name":
            name = _fold(record["properties"]["name"][0])
            if len(years[name]) < 60:
                assert record["properties"]["birthDate"][0][:4] not in years[name]


# --- the command line -----------------------------------------------------------------------

runner = CliRunner()


def test_cli_output_is_byte_identical_for_the_same_arguments(tmp_path: Path):
    outputs = []
    for run in ("a", "b"):
        wl, rec, truth = tmp_path / f"w{run}.jsonl", tmp_path / f"r{run}.jsonl", tmp_path / f"t{run}.jsonl"
        result = runner.invoke(app, ["generate", "watchlist", "--size", "300", "--seed", "9", "--out", str(wl)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, [
            "generate", "records", "--watchlist", str(wl), "--size", "400", "--seed", "9",
            "--out", str(rec), "--truth", str(truth), "--variant-fraction", "0.25",
        ])
        assert result.exit_code == 0, result.output
        outputs.append((wl.read_bytes(), rec.read_bytes(), truth.read_bytes()))
    assert outputs[0] == outputs[1]
    wl_bytes, rec_bytes, truth_bytes = outputs[0]
    assert len(rec_bytes.splitlines()) == 400
    rows = [orjson.loads(line) for line in truth_bytes.splitlines()]
    assert sum(r["subject_id"] is not None for r in rows) == 100
    assert set(rows[0]) == {"record_id", "subject_id", "kind", "source", "note"}
    for line in wl_bytes.splitlines() + rec_bytes.splitlines():
        parse_entity(orjson.loads(line))


@pytest.mark.parametrize("size", ["0", "-5"])
def test_cli_rejects_non_positive_sizes(tmp_path: Path, size: str):
    out = tmp_path / "w.jsonl"
    result = runner.invoke(app, ["generate", "watchlist", "--size", size, "--out", str(out)])
    assert result.exit_code != 0
    assert "--size must be a positive number" in str(result.exception)
    assert not out.exists()


def test_cli_missing_watchlist_is_one_clear_line(cli, tmp_path: Path):
    out, truth = tmp_path / "r.jsonl", tmp_path / "t.jsonl"
    result = cli("generate", "records", "--watchlist", str(tmp_path / "nope.jsonl"),
                 "--size", "10", "--out", str(out), "--truth", str(truth))
    assert result.code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"error: {tmp_path / 'nope.jsonl'}: file not found"]
    assert "Traceback" not in result.stderr
    assert not out.exists() and not truth.exists()


def test_cli_corrupt_watchlist_line_leaves_no_partial_output(cli, tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir()
    wl = work / "w.jsonl"
    good = [orjson.dumps(e) for e in generate_watchlist(20, seed=1)]
    wl.write_bytes(b"\n".join(good[:5] + [b'{"id": "x", "schema": "Persn", "properties": {}}'] + good[5:]))
    out, truth = work / "r.jsonl", work / "t.jsonl"
    result = cli("generate", "records", "--watchlist", str(wl), "--size", "10",
                 "--out", str(out), "--truth", str(truth))
    assert result.code == 2
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert error_lines == [f"error: {wl}, line 6: unknown schema 'Persn'"]
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["w.jsonl"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"id": "x", "schema": "Person", "properties": {"name": "Bob"}}', "'name' must be a list"),
        (b'{"id": "x", "schema": "Person", "properties": {"imoNumber": ["1"]}}', "not defined for Person"),
        (b'{"schema": "Person", "properties": {}}', "missing 'id'"),
    ],
)
def test_corrupt_lines_are_named(tmp_path: Path, line: bytes, reason: str):
    from casewatch.errors import CasewatchError
    from casewatch.generate.io import load_pool

    wl = tmp_path / "w.jsonl"
    wl.write_bytes(orjson.dumps(next(generate_watchlist(1, seed=1))) + b"\n\n" + line + b"\n")
    with pytest.raises(CasewatchError, match=rf"w\.jsonl, line 3: .*{re.escape(reason)}"):
        load_pool(wl)


def test_cli_rejects_bad_variant_fraction(tmp_path: Path):
    wl = tmp_path / "w.jsonl"
    runner.invoke(app, ["generate", "watchlist", "--size", "5", "--out", str(wl)])
    result = runner.invoke(app, ["generate", "records", "--watchlist", str(wl), "--size", "5",
                                 "--variant-fraction", "1.5", "--out", str(tmp_path / "r"),
                                 "--truth", str(tmp_path / "t")])
    assert "between 0 and 1" in str(result.exception)
    assert not (tmp_path / "r").exists()


def test_sigterm_mid_run_leaves_no_file(env, tmp_path: Path):
    """A generator killed politely (SIGTERM) removes its temporary output on the way out."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "big.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from casewatch.cli import main; main()",
         "generate", "watchlist", "--size", "50000000", "--out", str(out)],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not any(p.name.endswith(".part") for p in tmp_path.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert [p.name for p in tmp_path.iterdir() if p.name != "home" and not p.name.startswith("casewatch")] == []


def test_foreign_watchlist_schemata(tmp_path: Path):
    """Organisations get company variants; non-subject entities (addresses...) are skipped."""
    subjects = [
        {"id": "org-1", "schema": "Organization", "properties": {"name": ["Harbour Logistics Ltd"]}},
        {"id": "le-1", "schema": "LegalEntity", "properties": {"name": ["Zentrix Trading LLC"],
                                                               "registrationNumber": ["555"]}},
        {"id": "addr-1", "schema": "Address", "properties": {"full": ["1 Main Street"]}},
    ]
    made = list(generate_records(subjects, 200, seed=1, variant_fraction=1.0))
    assert {t.subject_id for _, t in made} == {"org-1", "le-1"}
    assert "legal_form" in {t.kind for _, t in made}
    for entity, _ in made:
        _assert_valid_ftm(entity)
    only_addresses = tmp_path / "a.jsonl"
    only_addresses.write_bytes(orjson.dumps(subjects[2]) + b"\n")
    result = runner.invoke(app, ["generate", "records", "--watchlist", str(only_addresses),
                                 "--out", str(tmp_path / "r"), "--truth", str(tmp_path / "t")])
    assert "only 1 entities that are not persons, companies" in str(result.exception)


def test_output_path_that_is_a_directory(tmp_path: Path):
    result = runner.invoke(app, ["generate", "watchlist", "--size", "5", "--out", str(tmp_path)])
    assert "is a directory" in str(result.exception)
    assert list(tmp_path.iterdir()) == []


def test_output_does_not_depend_on_the_hash_seed():
    """Byte-identical across processes, whatever PYTHONHASHSEED (no set-order leaks)."""
    import os
    import subprocess
    import sys

    code = (
        "import hashlib, orjson\n"
        "from casewatch.generate import generate_records, generate_watchlist\n"
        "w = list(generate_watchlist(800, 5))\n"
        "h = hashlib.sha256(b''.join(orjson.dumps(e) for e in w))\n"
        "for e, t in generate_records(w, 800, 6, 0.5):\n"
        "    h.update(orjson.dumps(e) + orjson.dumps(t.to_dict()))\n"
        "print(h.hexdigest())\n"
    )
    digests = {
        subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed},
                       capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1
