"""`rewardkit eval --benchmark ...`: several benchmarks, the robustness gap, warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli.main import main
from rewardkit.curation.curate import CurateConfig, run_curate
from rewardkit.curation.splits import SplitConfig
from rewardkit.data.demo import DemoConfig, generate_demo, write_demo


@pytest.fixture(scope="module")
def splits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("suite")
    write_demo(generate_demo(DemoConfig(n_prompts=120, seed=5)), root / "data")
    run_curate(
        root / "data", root / "cur", CurateConfig(split=SplitConfig(n_holdout_domains=3, seed=1))
    )
    return root / "cur" / "splits"


def test_suite_with_a_custom_spec_and_a_shifted_benchmark(
    splits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "mine.yaml"
    spec.write_text(
        "name: mine\nitem_format: pairwise\nmetric: accuracy\ngroup_by: subset\n"
        "overall:\n  - name: mean\n"
    )
    argv = [
        "eval",
        "--model",
        "baseline:length",
        "--bootstrap",
        "100",
        "--out",
        str(tmp_path / "suite"),
        "--benchmark",
        "demo",
        "--data",
        str(splits / "test" / "preferences.jsonl"),
        "--benchmark",
        "demo-holdout",
        "--data",
        str(splits / "holdout" / "preferences.jsonl"),
        "--benchmark",
        str(spec),
        "--data",
        str(splits / "train" / "preferences.jsonl"),
    ]
    assert main(argv) == 0
    out = capsys.readouterr()
    assert "robustness gap of demo-holdout" in out.out
    assert "warning" not in out.err
    suite = json.loads((tmp_path / "suite" / "suite.json").read_text())
    assert set(suite["benchmarks"]) == {"demo", "demo-holdout", "mine"}
    demo = json.loads((tmp_path / "suite" / "demo" / "results.json").read_text())
    holdout = json.loads((tmp_path / "suite" / "demo-holdout" / "results.json").read_text())
    gap = suite["robustness_gap"]["demo-holdout"]
    assert gap["value"] == pytest.approx(
        demo["metrics"]["accuracy"]["value"] - holdout["metrics"]["accuracy"]["value"]
    )
    assert gap["ci"][0] <= gap["value"] <= gap["ci"][1]
    assert "demo" in suite["reweighted_accuracy"]


def test_suite_warnings_and_errors(
    splits: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(splits / "test" / "preferences.jsonl")
    assert (
        main(
            [
                "eval",
                "--model",
                "baseline:random",
                "--benchmark",
                "demo",
                "--data",
                data,
                "--out",
                str(tmp_path / "one"),
                "--bootstrap",
                "50",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "only 1 benchmark(s)" in err
    assert "no domain-shifted benchmark" in err
    assert (
        main(
            [
                "eval",
                "--model",
                "baseline:random",
                "--benchmark",
                "demo",
                "--benchmark",
                "judgebench",
                "--data",
                data,
            ]
        )
        == 2
    )
    assert "2 --benchmark but 1 --data" in capsys.readouterr().err
    assert main(["eval", "--model", "baseline:random", "--benchmark", "nope", "--data", data]) == 2
    assert "unknown benchmark 'nope'" in capsys.readouterr().err
