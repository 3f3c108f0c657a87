"""`rewardkit eval --benchmark ...`: several benchmarks, the robustness gap, warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli.main import main
from rewardkit.curation.splits import SplitConfig
from rewardkit.data.demo import DemoConfig, generate_demo, write_demo
from rewardkit.jobs.curate import CurateConfig, run_curate


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


def _judgebench_file(path: Path) -> Path:
    """Six JudgeBench pairs scored by length: 3 right, 2 predicted ties (equal lengths), 1
    wrong, in two source families."""
    pairs = [
        ("mmlu-pro-law", "aaaa", "bb", "A>B"),
        ("mmlu-pro-law", "cc", "dddd", "B>A"),
        ("mmlu-pro-law", "eee", "fff", "A>B"),  # tie
        ("livebench-math", "gg", "hhhhh", "A>B"),  # wrong
        ("livebench-math", "iii", "jjj", "B>A"),  # tie
        ("livebench-math", "kkkkk", "l", "A>B"),
    ]
    rows = [
        {
            "pair_id": f"p{i}",
            "original_id": i,
            "source": source,
            "question": f"q{i}",
            "response_model": "m",
            "response_A": a,
            "response_B": b,
            "label": label,
        }
        for i, (source, a, b, label) in enumerate(pairs)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_judgebench_counts_a_predicted_tie_as_wrong_without_tie_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _judgebench_file(tmp_path / "jb.jsonl")
    argv = ["eval", "--model", "baseline:length", "--bootstrap", "50", "--benchmark", "judgebench"]
    assert main([*argv, "--data", str(data), "--out", str(tmp_path / "own")]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    suite = json.loads((tmp_path / "own" / "suite.json").read_text())["benchmarks"]["judgebench"]
    assert suite["overall"]["accuracy"]["value"] == pytest.approx(3 / 6)  # 4/6 at 0.5 credit
    assert suite["tie_value"] == 0.0
    assert suite["tie_rule"] == "benchmark rule"
    assert "ScalerLab/JudgeBench" in suite["source"]
    run = json.loads((tmp_path / "own" / "judgebench" / "results.json").read_text())
    assert run["config"]["tie_value"] == 0.0  # the run directory agrees with the benchmark
    assert run["metrics"]["accuracy"]["value"] == pytest.approx(3 / 6)
    assert "[1/1] judgebench: jb.jsonl" in printed
    assert "a predicted score tie earns 0 (benchmark rule)" in printed
    assert "judgebench: data: 6 rows, 0 skipped, 6 items, 0 labelled ties excluded" in printed
    argv += ["--tie-value", "0.5"]
    assert main([*argv, "--data", str(data), "--out", str(tmp_path / "half")]) == 0
    assert "earns 0.5 (--tie-value)" in " ".join(capsys.readouterr().out.split())
    half = json.loads((tmp_path / "half" / "suite.json").read_text())["benchmarks"]["judgebench"]
    assert half["overall"]["accuracy"]["value"] == pytest.approx(4 / 6)


def test_rewardbench_notes_empty_and_masked_sections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"prompt": "q", "chosen": "long answer", "rejected": "no", "subset": s, "id": f"{s}{i}"}
        for s in ("xstest-should-refuse", "donotanswer")
        for i in range(3)
    ]
    data = tmp_path / "rb.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    argv = ["eval", "--model", "baseline:length", "--bootstrap", "50", "--benchmark"]
    assert main([*argv, "rewardbench", "--data", str(data), "--out", str(tmp_path / "s")]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "no items in Chat, Chat Hard, Reasoning: scored 0" in printed
    assert "overall (historical) leaves out the absent Prior Sets" in printed
    suite = json.loads((tmp_path / "s" / "suite.json").read_text())["benchmarks"]["rewardbench"]
    assert suite["overall"]["historical"]["value"] == pytest.approx(0.25)  # was NaN
    assert suite["overall"]["current"]["value"] == pytest.approx(0.25)
