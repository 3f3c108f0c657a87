"""Built-in specs on the real datasets in ../shared/data (skipped when absent)."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from rewardkit.benchmarks import load_spec, score_benchmark
from rewardkit.data.load import load_preferences
from shared_data import shared_path

pytestmark = pytest.mark.shared_data


def test_judgebench_skywork_reproduces_published_accuracy() -> None:
    data = shared_path("judgebench", "judgebench_gpt-4o-2024-05-13.jsonl")
    outputs = shared_path("judgebench", "rm_outputs", "gpt-4o_Skywork-Reward-Llama-3.1-8B.jsonl")
    by_id: dict[str, tuple[float, float]] = {}
    for line in outputs.read_text().splitlines():
        row = json.loads(line)
        a, b = row["judgments"][0]["judgment"]["scores"]  # trial 1: A shown first
        by_id[row["pair_id"]] = (a, b) if row["label"] == "A>B" else (b, a)
    spec = load_spec("judgebench")
    items = load_preferences(data, layout=spec.layout).items
    scores = np.array([s for it in items for s in by_id[it.id]], dtype=float)
    res = score_benchmark(spec, items, scores, tie_value=0.0, n_resamples=200)
    assert res.overall["accuracy"].value == pytest.approx(218 / 350, abs=1e-12)
    # The spec's own tie rule (a predicted tie is wrong) gives the published figure unasked.
    own = score_benchmark(spec, items, scores, n_resamples=200)
    assert own.tie_value == 0.0
    assert own.overall["accuracy"].value == pytest.approx(218 / 350, abs=1e-12)
    assert res.overall["accuracy"].n == 350
    assert {k: res.sections[k].n for k in ["mmlu-pro", "livebench", "livecodebench"]} == {
        "mmlu-pro": 154,
        "livebench": 154,
        "livecodebench": 42,
    }
    half = score_benchmark(spec, items, scores, tie_value=0.5, n_resamples=200)
    assert half.overall["accuracy"].value == pytest.approx(218.5 / 350, abs=1e-12)


def test_rmb_bon_length_scores_match_hand_computation() -> None:
    folder = shared_path("rmb-bon", "BoN_set")
    credit: dict[str, list[float]] = {"Helpfulness": [], "Harmlessness": []}
    for path in sorted(folder.rglob("*.json.gz")):
        domain = path.relative_to(folder).parts[0]
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows = json.load(fh)
        for row in rows:
            best = len(row["bon_best"]["answer"])
            losers = [len(x["answer"]) for x in row["loser_list"]]
            if best > max(losers):
                credit[domain].append(1.0)
            elif best == max(losers):
                credit[domain].append(1.0 / (1 + losers.count(best)))
            else:
                credit[domain].append(0.0)
    spec = load_spec("rmb-bon")
    items = load_preferences(folder, layout=spec.layout).items
    scores = np.array([len(r) for it in items for r in it.responses], dtype=float)
    res = score_benchmark(spec, items, scores, n_resamples=200)
    assert res.n_items == 3786
    for domain, values in credit.items():
        assert res.sections[domain].value == pytest.approx(np.mean(values), abs=1e-12)
        assert res.sections[domain].n == len(values)
    want = (np.mean(credit["Helpfulness"]) + np.mean(credit["Harmlessness"])) / 2
    assert res.overall["mean"].value == pytest.approx(want, abs=1e-12)
