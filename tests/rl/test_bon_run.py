"""``run_bon``: loading, gold sources, scoring through the engine, the run directory."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bon_data import write_candidates

from rewardkit.data.records import PreferenceItem
from rewardkit.errors import ConfigError, DataError
from rewardkit.jobs.bon import run_bon
from rewardkit.rl import BonConfig

QUALITY = "python:bon_models:quality"
NOISY = "python:bon_models:noisy_quality"
FAST = BonConfig(bootstrap=200, no_cache=True)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "cands.jsonl"
    write_candidates(path)
    return path


def test_proxy_equal_to_gold_model(data: Path, tmp_path: Path) -> None:
    run = run_bon(data, [QUALITY, NOISY], tmp_path / "run", gold=QUALITY, config=FAST)
    res = run.results_json
    assert res["gamma"] == {"value": 0.0, "ci": [0.0, 0.0], "n": 60}
    assert res["proxies"][0]["curves"]["proxy"] == res["proxies"][0]["curves"]["oracle"]
    assert res["proxies"][1]["gamma"]["value"] > 0.1
    assert res["comparisons"][0]["gamma_difference"]["ci"][1] < 0
    assert res["curves"]["n"] == [1, 2, 3, 4, 5, 6]
    assert res["curves"]["proxy"]["value"][0] == 0.0
    assert set(res["proxies"][1]["groups"]) == {"domain", "subset"}
    assert set(res["proxies"][1]["groups"]["subset"]) == {"s0", "s1", "s2"}
    assert res["gold"]["source"] == "model"
    assert res["data"]["n_candidates"] == {
        str(k): v
        for k, v in sorted(
            pd.Series([len(it.responses) for it in run.items]).value_counts().items()
        )
    }
    files = {p.name for p in (tmp_path / "run").iterdir()}
    assert {
        "manifest.json",
        "results.json",
        "report.html",
        "bon_scores.parquet",
        "log.jsonl",
    } <= files
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html
    assert "gamma" in html
    assert "src=" not in html
    assert "http://" not in html
    assert "https://" not in html
    scores = pd.read_parquet(tmp_path / "run" / "bon_scores.parquet")
    assert list(scores.columns) == [
        "item_id",
        "response_index",
        "subset",
        "domain",
        "gold",
        "proxy_0",
        "proxy_1",
    ]
    assert np.array_equal(scores["gold"].to_numpy(), scores["proxy_0"].to_numpy())


def test_results_are_byte_identical_for_same_inputs_and_seed(data: Path, tmp_path: Path) -> None:
    cfg = BonConfig(bootstrap=100, cache=str(tmp_path / "cache.sqlite"), seed=5)
    a = run_bon(data, ["baseline:length"], tmp_path / "a", gold_scores="from-data", config=cfg)
    b = run_bon(data, ["baseline:length"], tmp_path / "b", gold_scores="from-data", config=cfg)
    assert (tmp_path / "a" / "results.json").read_bytes() == (
        tmp_path / "b" / "results.json"
    ).read_bytes()
    assert (tmp_path / "a" / "report.html").read_bytes() == (
        tmp_path / "b" / "report.html"
    ).read_bytes()
    other = run_bon(
        data,
        ["baseline:length"],
        tmp_path / "c",
        gold_scores="from-data",
        config=cfg.model_copy(update={"seed": 6}),
    )
    assert other.results_json["gamma"]["value"] == a.results_json["gamma"]["value"]
    assert other.results_json["gamma"]["ci"] != b.results_json["gamma"]["ci"]


def test_gold_score_files_long_wide_and_by_text_agree(data: Path, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in data.read_text().splitlines()]
    long, wide, text = [], [], []
    for r in rows:
        values = r["chosen_scores"] + r["rejected_scores"]
        responses = r["chosen"] + r["rejected"]
        wide.append({"item_id": r["id"], "scores": values})
        for i, (v, t) in enumerate(zip(values, responses, strict=True)):
            long.append({"item_id": r["id"], "response_index": i, "score": v})
            text.append({"item_id": r["id"], "response": t, "score": v})
    pd.DataFrame(long).to_csv(tmp_path / "long.csv", index=False)
    pd.DataFrame(long).to_parquet(tmp_path / "long.parquet")
    (tmp_path / "wide.jsonl").write_text("".join(json.dumps(w) + "\n" for w in wide))
    (tmp_path / "text.jsonl").write_text("".join(json.dumps(w) + "\n" for w in text))
    ref = run_bon(
        data, ["baseline:length"], tmp_path / "ref", gold_scores="from-data", config=FAST
    ).results_json
    for name in ("long.csv", "long.parquet", "wide.jsonl", "text.jsonl"):
        got = run_bon(
            data,
            ["baseline:length"],
            tmp_path / f"run-{name}",
            gold_scores=tmp_path / name,
            config=FAST,
        ).results_json
        assert got["proxies"][0]["curves"] == ref["proxies"][0]["curves"], name
        assert got["gamma"] == ref["gamma"], name


def test_in_memory_items_with_labels_and_arrays(tmp_path: Path) -> None:
    items = [
        PreferenceItem(
            id=str(i),
            prompt="q",
            chosen=("a" * (i % 4 + 1),),
            rejected=("bb", "c", "dddd"),
            subset="x",
        )
        for i in range(20)
    ]
    labels = run_bon(
        items, ["baseline:length"], tmp_path / "a", gold_scores="from-labels", config=FAST
    )
    arrays = run_bon(
        items,
        ["baseline:length"],
        tmp_path / "b",
        gold_scores=[[1.0, 0.0, 0.0, 0.0]] * 20,
        config=FAST,
    )
    assert labels.results_json["curves"] == arrays.results_json["curves"]
    assert labels.results_json["data"] == {"n_prompts": 20, "n_candidates": {"4": 20}}
    assert "subset" not in labels.results_json["proxies"][0]["groups"]  # one group: skipped


def test_missing_gold_score_names_file_item_and_field(data: Path, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in data.read_text().splitlines()]
    long = [
        {"item_id": r["id"], "response_index": i, "score": 0.5}
        for r in rows
        for i in range(len(r["chosen"]) + len(r["rejected"]))
    ]
    dropped = long.pop(7)
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in long))
    with pytest.raises(DataError) as err:
        run_bon(data, ["baseline:length"], tmp_path / "r", gold_scores=path, config=FAST)
    msg = str(err.value)
    assert str(path) in msg
    assert "field 'score'" in msg
    assert f"response {dropped['response_index']} of item {dropped['item_id']!r}" in msg
    long.insert(7, {**dropped, "score": "high"})
    path.write_text("".join(json.dumps(x) + "\n" for x in long))
    with pytest.raises(DataError, match=r"gold.jsonl: row 8: field 'score': expected a number"):
        run_bon(data, ["baseline:length"], tmp_path / "r", gold_scores=path, config=FAST)


def test_bad_inputs(data: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        run_bon(
            tmp_path / "nope.jsonl",
            ["baseline:length"],
            tmp_path / "r",
            gold_scores="from-labels",
            config=FAST,
        )
    with pytest.raises(ConfigError, match="unknown baseline"):
        run_bon(data, ["baseline:nope"], tmp_path / "r", gold_scores="from-labels", config=FAST)
    with pytest.raises(ConfigError, match="exactly one gold"):
        run_bon(data, ["baseline:length"], tmp_path / "r", config=FAST)
    with pytest.raises(ConfigError, match="exactly one gold"):
        run_bon(
            data,
            ["baseline:length"],
            tmp_path / "r",
            gold=QUALITY,
            gold_scores="from-data",
            config=FAST,
        )
    one = [PreferenceItem(id="a", prompt="q", chosen=("x",), rejected=())]
    with pytest.raises(DataError, match="item 'a' has 1 candidate"):
        run_bon(one, ["baseline:length"], tmp_path / "r", gold_scores="from-labels", config=FAST)
    pairs = [PreferenceItem(id="a", prompt="q", chosen=("x",), rejected=("yy",))]
    with pytest.raises(DataError, match="need at least 3"):
        run_bon(pairs, ["baseline:length"], tmp_path / "r", gold_scores="from-labels", config=FAST)
    no_scores = [PreferenceItem(id="a", prompt="q", chosen=("x",), rejected=("yy", "z"))]
    with pytest.raises(DataError, match="has no chosen_scores"):
        run_bon(
            no_scores, ["baseline:length"], tmp_path / "r", gold_scores="from-data", config=FAST
        )
