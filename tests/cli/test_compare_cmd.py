"""`rewardkit compare`: two runs on shared items, overall and by subset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli.main import main
from rewardkit.config import EvalConfig
from rewardkit.evaluate import run_eval


def test_compare_length_with_random_and_with_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {
            "id": f"i{i}",
            "prompt": "q",
            "chosen": "c" * (20 + i % 9),
            "rejected": "r" * 10,
            "subset": ["x", "y"][i % 2],
        }
        for i in range(300)
    ]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    run_eval(data, "baseline:length", EvalConfig(bootstrap=100), tmp_path / "len")
    run_eval(data, "baseline:random", EvalConfig(bootstrap=100), tmp_path / "rnd")
    assert (
        main(
            [
                "compare",
                str(tmp_path / "len"),
                str(tmp_path / "rnd"),
                "--out",
                str(tmp_path / "cmp"),
                "--bootstrap",
                "300",
            ]
        )
        == 0
    )
    result = json.loads((tmp_path / "cmp" / "results.json").read_text())
    assert result["n_shared"] == 300
    assert result["overall"]["accuracy_a"] == 1.0
    assert result["overall"]["verdict"] == "A better"
    assert set(result["by_subset"]) == {"x", "y"}
    assert main(["compare", str(tmp_path / "len"), str(tmp_path / "len")]) == 0
    assert "no significant difference" in capsys.readouterr().out
    assert main(["compare", str(tmp_path / "len"), str(tmp_path)]) == 2


def test_planted_five_point_gain_on_3000_items_is_significant(tmp_path: Path) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(11)
    n = 3000
    rows = [{"id": f"i{i}", "prompt": "q", "chosen": "a", "rejected": "b"} for i in range(n)]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    correct_b = rng.random(n) < 0.70
    correct_a = correct_b.copy()
    wrong = np.flatnonzero(~correct_b)
    correct_a[rng.choice(wrong, size=150, replace=False)] = True  # +5 points for A
    for name, correct in (("a", correct_a), ("b", correct_b)):
        table = pd.DataFrame(
            {
                "item_id": np.repeat([r["id"] for r in rows], 2),
                "response_index": np.tile([0, 1], n),
                "score": np.stack([np.where(correct, 1.0, 0.0), np.full(n, 0.5)], 1).ravel(),
            }
        )
        table.to_parquet(tmp_path / f"{name}.parquet")
        run_eval(
            data,
            f"scores:{tmp_path / f'{name}.parquet'}",
            EvalConfig(bootstrap=100),
            tmp_path / f"run-{name}",
        )
    assert (
        main(
            [
                "compare",
                str(tmp_path / "run-a"),
                str(tmp_path / "run-b"),
                "--out",
                str(tmp_path / "cmp"),
            ]
        )
        == 0
    )
    result = json.loads((tmp_path / "cmp" / "results.json").read_text())["overall"]
    assert result["difference"]["value"] == pytest.approx(0.05)
    assert result["verdict"] == "A better"
    assert result["mcnemar"]["p_value"] < 1e-6
    assert (result["mcnemar"]["b"], result["mcnemar"]["c"]) == (150, 0)
