"""``casewatch demo --size small`` runs the main job end to end, twice."""

from __future__ import annotations

import re


def test_small_demo_runs_and_reruns(cli) -> None:
    first = cli("demo", "--size", "small", timeout=600)
    assert first.code == 0, first.stderr
    out = first.stdout
    assert "300 active watches (300 imported now)" in out
    assert "alerts per source" in out and "ofac" in out and "ftm" in out
    assert "top alerts" in out and "name_similarity" in out
    recall = re.search(r"alerted \((\d+\.\d)%\)", out)
    assert recall is not None and float(recall.group(1)) > 70.0
    quarantined = re.search(r"(\d+) quarantined", out)
    assert quarantined is not None and int(quarantined.group(1)) > 0
    second = cli("demo", "--size", "small", timeout=600)
    assert second.code == 0, second.stderr
    assert "(run 2)" in second.stdout and "(0 imported now)" in second.stdout
    listed = cli("alerts", "list", "--format", "jsonl")
    assert listed.code == 0 and '"score"' in listed.stdout
