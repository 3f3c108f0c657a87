"""The eval run: results schema, byte-identical results, scores table and manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rewardkit.config import EvalConfig
from rewardkit.jobs.evaluate import run_eval


def _data(tmp_path: Path) -> Path:
    rows = []
    for i in range(60):
        rows.append(
            {
                "id": f"i{i}",
                "prompt": f"q{i}",
                "chosen": "c" * (10 + i % 7),
                "rejected": ["r" * (5 + i % 11), "s" * (3 + i % 5)],
                "subset": ["easy", "hard"][i % 2],
                "domain": f"d{i % 3}",
                "chosen_scores": [4 + (i % 2)],
                "rejected_scores": [2, 1 + (i % 3)],
            }
        )
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_results_schema_and_determinism(tmp_path: Path) -> None:
    data = _data(tmp_path)
    cfg = EvalConfig(seed=7, bootstrap=300)
    a = run_eval(data, "baseline:length", cfg, tmp_path / "a")
    b = run_eval(data, "baseline:length", cfg, tmp_path / "b")
    bytes_a = (tmp_path / "a" / "results.json").read_bytes()
    assert bytes_a == (tmp_path / "b" / "results.json").read_bytes()
    res = a.results_json
    assert res["schema_version"] == 1
    assert res["n_items"] == 60
    assert res["n_pairs"] == 120
    for name in (
        "accuracy",
        "best_of_n_accuracy",
        "spearman",
        "kendall_tau_b",
    ):
        metric = res["metrics"][name]
        assert metric["ci"][0] <= metric["value"] <= metric["ci"][1], name
    # Response lengths are no log-odds: ECE, Brier and log-loss do not apply and say why.
    assert not {"ece", "brier", "log_loss"} & set(res["metrics"])
    assert res["calibration_metrics"]["probabilities"] is None
    assert "n/a" in res["calibration_metrics"]["note"]
    assert set(res["by_subset"]) == {"easy", "hard"}
    assert res["by_subset"]["easy"]["n"] == 30
    assert set(res["by_subset"]["easy"]["accuracy"]) == {"value", "ci", "n"}
    assert set(res["by_domain"]) == {"d0", "d1", "d2"}
    other_seed = run_eval(
        data, "baseline:length", EvalConfig(seed=8, bootstrap=300), tmp_path / "c"
    ).results_json
    assert other_seed["metrics"]["accuracy"]["value"] == res["metrics"]["accuracy"]["value"]
    assert other_seed["metrics"]["accuracy"]["ci"] != res["metrics"]["accuracy"]["ci"]
    assert b.results_json == res


def test_scores_table_and_manifest(tmp_path: Path) -> None:
    data = _data(tmp_path)
    run_eval(data, "baseline:length", EvalConfig(bootstrap=50), tmp_path / "r")
    scores = pd.read_parquet(tmp_path / "r" / "scores.parquet")
    assert list(scores.columns) == [
        "item_id",
        "response_index",
        "is_chosen",
        "score",
        "subset",
        "domain",
    ]
    assert len(scores) == 180
    first = scores[scores.item_id == "i3"].sort_values("response_index")
    assert first.score.tolist() == [13.0, 8.0, 6.0]
    assert first.is_chosen.tolist() == [True, False, False]
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["inputs"]["data"]["sha256"]
    assert manifest["ended_at"]
    assert manifest["config"]["model"] == "baseline:length"
    assert manifest["versions"]["numpy"]
    # A precomputed scores table reproduces the run exactly.
    rerun = run_eval(
        data,
        f"scores:{tmp_path / 'r' / 'scores.parquet'}",
        EvalConfig(bootstrap=50),
        tmp_path / "r2",
    )
    first_metrics = json.loads((tmp_path / "r" / "results.json").read_text())["metrics"]
    rerun_metrics = rerun.results_json["metrics"]
    assert {k: v for k, v in rerun_metrics.items() if k in first_metrics} == first_metrics
    # A scores table may hold log-odds, so its run adds what length scores cannot have.
    assert set(rerun_metrics) - set(first_metrics) == {"ece", "brier", "log_loss"}
    for name in ("ece", "brier", "log_loss"):
        metric = rerun_metrics[name]
        assert metric["ci"][0] <= metric["value"] <= metric["ci"][1], name


def test_skipped_rows_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(
        '{"prompt": "p", "chosen": "aa", "rejected": "b"}\n{"prompt": "p", "chosen": "aa"}\n'
    )
    with pytest.raises(Exception, match="row 2: field 'rejected': missing field"):
        run_eval(path, "baseline:length", EvalConfig(bootstrap=20), tmp_path / "strict")
    run = run_eval(
        path, "baseline:length", EvalConfig(bootstrap=20, skip_invalid=True), tmp_path / "r"
    )
    assert run.results_json["data"]["n_skipped"] == 1
    assert run.results_json["data"]["skipped_by_reason"] == {"missing field": 1}
    skipped = json.loads((tmp_path / "r" / "skipped.json").read_text())
    assert skipped == [{"row": 2, "field": "rejected", "reason": "missing field"}]
