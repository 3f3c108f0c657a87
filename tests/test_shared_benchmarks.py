"""RMB best-of-N and PandaLM through their own layouts (skipped without ../shared/data)."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from rewardkit.config import EvalConfig
from rewardkit.jobs.evaluate import run_eval
from shared_data import shared_path

pytestmark = pytest.mark.shared_data


def test_rmb_best_of_n_length_baseline_matches_hand_computation(tmp_path: Path) -> None:
    folder = shared_path("rmb-bon", "BoN_set")
    credit, n = 0.0, 0
    for path in sorted(folder.rglob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows = json.load(fh)
        for row in rows:
            best = len(row["bon_best"]["answer"])
            losers = [len(x["answer"]) for x in row["loser_list"]]
            n += 1
            if best > max(losers):
                credit += 1.0
            elif best == max(losers):  # tied at the top: 1/k credit, as RewardBench 2
                credit += 1.0 / (1 + losers.count(best))
    run = run_eval(folder, "baseline:length", EvalConfig(bootstrap=200), tmp_path / "run")
    res = run.results_json
    assert res["data"]["layout"] == "rmb-bon"
    assert res["n_items"] == n == 3786
    assert res["metrics"]["best_of_n_accuracy"]["value"] == pytest.approx(credit / n, abs=1e-12)
    assert set(res["by_domain"]) == {"Harmlessness", "Helpfulness"}


def test_pandalm_majority_labels_and_ties(tmp_path: Path) -> None:
    path = shared_path("pandalm-testset", "testset-v1.json")
    rows = json.loads(path.read_text())
    wins, n, ties, skipped = 0.0, 0, 0, 0
    agree = 0  # three-way: a labelled tie needs equal lengths, a winner a strictly longer one
    for r in rows:
        texts = (r["instruction"], r["response1"], r["response2"])
        if not all(isinstance(t, str) for t in texts) or not r["instruction"].strip():
            skipped += 1  # a JSON true where a response should be, or no instruction
            continue
        label, count = Counter([r["annotator1"], r["annotator2"], r["annotator3"]]).most_common(1)[
            0
        ]
        if count < 2 or label == 0:
            ties += 1
            agree += len(r["response1"]) == len(r["response2"])
            continue
        chosen, rejected = (
            (r["response1"], r["response2"]) if label == 1 else (r["response2"], r["response1"])
        )
        n += 1
        wins += 1.0 if len(chosen) > len(rejected) else 0.5 if len(chosen) == len(rejected) else 0
        agree += len(chosen) > len(rejected)
    run = run_eval(
        path, "baseline:length", EvalConfig(bootstrap=200, skip_invalid=True), tmp_path / "run"
    )
    res = run.results_json
    assert res["data"]["layout"] == "pandalm"
    assert res["data"]["n_skipped"] == skipped
    assert res["n_ties_excluded"] == ties
    assert res["metrics"]["accuracy"]["value"] == pytest.approx(wins / n, abs=1e-12)
    with_ties = res["metrics"]["accuracy_with_ties"]
    assert with_ties["n"] == n + ties
    assert with_ties["value"] == pytest.approx(agree / (n + ties), abs=1e-12)
