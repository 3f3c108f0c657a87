"""`rewardkit cache info|clear` and `rewardkit data demo`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli.main import main
from rewardkit.scoring import ScoreCache


def test_cache_info_and_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.sqlite"
    assert main(["cache", "info", "--cache", str(path)]) == 0
    assert "no file yet" in capsys.readouterr().out
    with ScoreCache(path) as cache:
        cache.put_scores("model-a", ["h1", "h2"], [1.0, 2.0])
        cache.put_scores("model-b", ["h1"], [3.0])
    assert main(["cache", "info", "--cache", str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 scores" in out
    assert "model-a" in out
    assert main(["cache", "clear", "--cache", str(path), "--fingerprint", "model-a"]) == 0
    assert "removed 2 entries" in capsys.readouterr().out
    assert main(["cache", "clear", "--cache", str(path)]) == 0
    with ScoreCache(path) as cache:
        assert cache.info().n_scores == 0


def test_data_demo_writes_every_file(tmp_path: Path) -> None:
    assert main(["data", "demo", "--out", str(tmp_path), "--seed", "3", "--prompts", "25"]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "prompts.jsonl",
        "responses.jsonl",
        "ratings.jsonl",
        "comparisons.jsonl",
        "preferences.jsonl",
        "annotators.json",
        "demo.json",
    } <= names
    meta = json.loads((tmp_path / "demo.json").read_text())
    assert meta["config"]["seed"] == 3
