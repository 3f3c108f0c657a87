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
