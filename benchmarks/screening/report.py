"""Tables of the screening benchmark: printed with rich, and as Markdown for the docs."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.common import markdown_table, print_table
from benchmarks.screening.exhaustive import ExhaustiveResult
from benchmarks.screening.peer import PeerResult

#: Recall targets per variant kind (issue 3); kinds without a target show "—".
RECALL_TARGETS = {
    "typo": 0.98, "reorder": 0.98, "initials": 0.98, "legal_form": 0.98, "alias": 0.98,
    "joined_split": 0.98, "transliteration": 0.90,
}
Table = tuple[str, list[str], list[list[Any]]]


def _rate(hits: Sequence[bool]) -> float:
    return sum(hits) / len(hits) if hits else float("nan")


def exhaustive_dict(scan: ExhaustiveResult) -> dict[str, Any]:
    hits = [h for v in scan.scan_top10_hits.values() for h in v]
    return {
        "queries": scan.queries,
        "scan_mean_ms": 1000 * statistics.fmean(scan.scan_seconds) if scan.scan_seconds else None,
        "scan_top10_recall": {k: _rate(v) for k, v in scan.scan_top10_hits.items()},
        "scan_top10_recall_all": _rate(hits),
        "scorer_accepted": scan.scorer_accepted,
        "scorer_accepted_in_candidates": scan.scorer_accepted_in_candidates,
        "all_subjects_candidate_recall": (
            scan.scorer_accepted_in_candidates / scan.scorer_accepted
            if scan.scorer_accepted else None),
    }


def peer_dict(result: PeerResult) -> dict[str, Any]:
    hits = [h for v in result.hits.values() for h in v]
    unwatched = sum(result.unwatched.values())
    return {
        "pairs": result.pairs, "ms_per_pair": result.ms_per_pair,
        "candidates_per_query": result.candidates_per_query,
        "ms_per_query": result.ms_per_pair * result.candidates_per_query,
        "recall": {k: _rate(v) for k, v in result.hits.items()},
        "recall_all": _rate(hits),
        "false_alerts_per_1000": {k: 1000 * result.false_alerts.get(k, 0) / n
                                  for k, n in result.unwatched.items()},
        "false_alerts_per_1000_all": (1000 * sum(result.false_alerts.values()) / unwatched
                                      if unwatched else None),
    }


def _met(value: float | None, target: float, higher_is_better: bool) -> str:
    if value is None or value != value:
        return "—"
    ok = value >= target if higher_is_better else value <= target
    return "yes" if ok else "NO"


def targets_table(r: dict[str, Any]) -> Table:
    b, t, u, acc = r["build"], r["timing"], r["updates"], r["accuracy"]
    scale = r["size"] / 1_000_000
    rows: list[list[Any]] = [
        ["index build, s (wall)", b["build_seconds"], f"≤ {60 * scale:g}",
         _met(b["build_seconds"], 60 * scale, False)],
        ["index build, CPU s", b.get("build_cpu_seconds"), None, None],
        ["peak RSS of the build, MiB", b["peak_rss_mb"], f"≤ {2048 * scale:g}",
         _met(b["peak_rss_mb"], 2048 * scale, False)],
        ["snapshot size, MiB", b["snapshot_mb"], None, None],
        ["snapshot load, s", b["load_seconds"], None, None],
        ["latency p50, ms (one thread)", t["p50_ms"], "≤ 0.5", _met(t["p50_ms"], 0.5, False)],
        ["latency p99, ms (one thread)", t["p99_ms"], "≤ 5", _met(t["p99_ms"], 5, False)],
        ["records/s, one core", t["one_core_rps"], "≥ 2,000", _met(t["one_core_rps"], 2000, True)],
        ["records per CPU-second, one thread", t.get("one_core_cpu_rps"), None, None],
        ["records/s, two cores", t["two_core_rps"], "≥ 4,000", _met(t["two_core_rps"], 4000, True)],
        ["1-min load average after the timing (2 = cores full)", t.get("load_average"), None, None],
        ["candidate recall vs exhaustive same-scorer scan", r["candidate_recall"]["recall"],
         "≥ 0.995", _met(r["candidate_recall"]["recall"], 0.995, True)],
    ]
    for kind, target in RECALL_TARGETS.items():
        value = acc["recall"].get(kind)
        rows.append([f"recall at threshold: {kind}", value, f"≥ {target}", _met(value, target, True)])
    fa = acc["false_alerts_per_1000_all"]
    rows.append(["false alerts per 1,000 unwatched", fa, "≤ 5", _met(fa, 5, False)])
    rows.append(["add one watch, p99 ms", u["add_p99_ms"], "≤ 2", _met(u["add_p99_ms"], 2, False)])
    rows.append(["remove one watch, p99 ms", u["remove_p99_ms"], "≤ 2",
                 _met(u["remove_p99_ms"], 2, False)])
    title = (f"casewatch screening: {r['size']:,} subjects, {r['queries']:,} records, "
             f"threshold {r['threshold']} (targets scaled to the size where they scale)")
    return title, ["figure", "measured", "target", "met"], rows


def kinds_table(r: dict[str, Any]) -> Table:
    acc, sample, ex = r["accuracy"], r["sample_accuracy"], r["exhaustive"]
    lv2 = r.get("logic_v2") or {}
    cand = r["candidate_recall"]["per_kind"]
    rows = []
    for kind in sorted(acc["recall"]):
        found, kept = cand.get(kind, (0, 0))
        rows.append([
            kind, acc["watched"].get(kind), acc["recall"][kind], RECALL_TARGETS.get(kind),
            kept / found if found else None, sample["recall"].get(kind),
            (lv2.get("recall") or {}).get(kind), ex["scan_top10_recall"].get(kind),
        ])
    rows.append(["all watched", sum(acc["watched"].values()), acc["recall_all"], None,
                 r["candidate_recall"]["recall"], sample["recall_all"], lv2.get("recall_all"),
                 ex["scan_top10_recall_all"]])
    cols = ["variant kind", "records", "casewatch recall", "target", "candidate recall",
            "casewatch (sample)", "logic-v2 on cw candidates (sample)", "rapidfuzz scan top-10 (sample)"]
    return "Recall by variant kind (true subject among the alerts)", cols, rows


def negatives_table(r: dict[str, Any]) -> Table:
    acc, sample = r["accuracy"], r["sample_accuracy"]
    lv2 = r.get("logic_v2") or {}
    rows = [[kind, acc["unwatched"][kind], acc["false_alerts_per_1000"][kind],
             acc["alerted_records"].get(kind, 0), sample["false_alerts_per_1000"].get(kind),
             (lv2.get("false_alerts_per_1000") or {}).get(kind)]
            for kind in sorted(acc["unwatched"])]
    rows.append(["all unwatched", sum(acc["unwatched"].values()), acc["false_alerts_per_1000_all"],
                 sum(acc["alerted_records"].values()), sample["false_alerts_per_1000_all"],
                 lv2.get("false_alerts_per_1000_all")])
    cols = ["unwatched kind", "records", "casewatch false alerts / 1,000", "records alerted",
            "casewatch (sample)", "logic-v2 on cw candidates (sample)"]
    return "False alerts on unwatched records (target ≤ 5 per 1,000)", cols, rows


def side_by_side_table(r: dict[str, Any]) -> Table:
    t, ex, sample = r["timing"], r["exhaustive"], r["sample_accuracy"]
    lv2 = r.get("logic_v2")
    rows: list[list[Any]] = [
        ["casewatch (candidates + scorer)", 1000.0 / t["one_core_rps"], sample["recall_all"],
         sample["false_alerts_per_1000_all"], "whole pipeline, one thread"],
        ["rapidfuzz exhaustive scan", ex["scan_mean_ms"], ex["scan_top10_recall_all"], None,
         "top-10 by token-sort ratio over every name; no threshold"],
    ]
    if lv2:
        rows.append(["nomenklatura logic-v2", lv2["ms_per_query"], lv2["recall_all"],
                     lv2["false_alerts_per_1000_all"],
                     f"scoring only, {lv2['candidates_per_query']:.1f} cw candidates/query "
                     f"at {lv2['ms_per_pair']:.3f} ms/pair, threshold 0.70"])
    cols = ["tool", "ms per query", "recall (watched)", "false alerts / 1,000", "notes"]
    return f"Side by side on the same {r['sample']:,}-query sample", cols, rows


TABLES: list[Callable[[dict[str, Any]], Table]] = [
    targets_table, kinds_table, negatives_table, side_by_side_table,
]


def print_all(r: dict[str, Any]) -> None:
    for make in TABLES:
        print_table(*make(r))
    ex = r["exhaustive"]
    if ex.get("all_subjects_candidate_recall") is not None:
        print(f"all subjects the scorer accepts (sample, rapidfuzz top-200 ∪ candidates ∪ truth): "
              f"{ex['scorer_accepted_in_candidates']}/{ex['scorer_accepted']} in candidates "
              f"= {ex['all_subjects_candidate_recall']:.4f}")


def markdown(r: dict[str, Any]) -> str:
    parts = []
    for make in TABLES:
        title, cols, rows = make(r)
        parts.append(f"**{title}**\n\n{markdown_table(cols, rows)}\n")
    ex = r["exhaustive"]
    if ex.get("all_subjects_candidate_recall") is not None:
        parts.append(f"All subjects the scorer accepts on the sample (rapidfuzz top 200 ∪ "
                     f"candidates ∪ true subject, scored): {ex['scorer_accepted_in_candidates']:,} "
                     f"of {ex['scorer_accepted']:,} were among casewatch's candidates "
                     f"({ex['all_subjects_candidate_recall']:.3f}).\n")
    return "\n".join(parts)
