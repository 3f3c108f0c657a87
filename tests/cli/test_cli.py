"""The command line: bad input gives one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rewardkit.cli.main import main


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rewardkit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _pairs(path: Path, n: int = 20) -> Path:
    rows = [
        {"id": str(i), "prompt": f"q{i}", "chosen": "a" * (i + 2), "rejected": "b" * 3}
        for i in range(n)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (
            '{"prompt": "p", "chosen": "a", "rejected": "b"}\n{"prompt": "p", "cho',
            "trunc.jsonl",
            "trunc.jsonl: row 2: invalid JSON",
        ),
        (
            '{"prompt": "p", "chosen": "a"}\n',
            "missing.jsonl",
            "missing.jsonl: row 1: field 'rejected': missing field",
        ),
        (
            '{"prompt": "p", "chosen": ["a", 1], "rejected": "b"}\n',
            "type.jsonl",
            "type.jsonl: row 1: field 'chosen[1]': expected a string, got number",
        ),
        ("", "empty.jsonl", "empty.jsonl: no rows (empty file)"),
        ("a,b\n", "data.txt", "data.txt: unknown format '.txt'; supported: .jsonl"),
    ],
)
def test_bad_input_exits_with_one_clear_line(
    tmp_path: Path, content: str, name: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    proc = _cli(
        "eval", "--data", str(path), "--model", "baseline:length", "--out", str(tmp_path / "run")
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert expected in " ".join(proc.stderr.split())
    assert proc.stderr.strip().startswith("error:")


def test_unknown_model_scheme_lists_available(tmp_path: Path) -> None:
    proc = _cli(
        "eval",
        "--data",
        str(_pairs(tmp_path / "p.jsonl")),
        "--model",
        "magic:x",
        "--out",
        str(tmp_path / "run"),
    )
    assert proc.returncode == 2
    assert (
        "unknown model scheme 'magic'; available: baseline, builtin, dpo, embed, hf, http, judge, "
        "python, scores" in proc.stderr
    )
    assert "Traceback" not in proc.stderr


def test_invalid_option_value_is_a_clear_error(tmp_path: Path) -> None:
    code = main(
        [
            "eval",
            "--data",
            str(_pairs(tmp_path / "p.jsonl")),
            "--model",
            "baseline:length",
            "--tie-value",
            "2",
            "--out",
            str(tmp_path / "r"),
        ]
    )
    assert code == 2


def test_eval_prints_table_and_writes_run_dir(tmp_path: Path) -> None:
    data = _pairs(tmp_path / "p.jsonl")
    proc = _cli(
        "eval",
        "--data",
        str(data),
        "--model",
        "baseline:length",
        "--out",
        str(tmp_path / "run"),
        "--bootstrap",
        "200",
    )
    assert proc.returncode == 0, proc.stderr
    assert "accuracy" in proc.stdout
    assert "95% CI" in proc.stdout
    assert f"run directory: {tmp_path / 'run'}" in " ".join(proc.stdout.split())
    for name in ("manifest.json", "results.json", "scores.parquet", "log.jsonl"):
        assert (tmp_path / "run" / name).exists()
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    # chosen has i + 2 characters, rejected 3: ties at i = 1, chosen wins for i >= 2.
    assert results["metrics"]["accuracy"]["value"] == pytest.approx((18 + 0.5) / 20)


def test_config_file_and_cli_override(tmp_path: Path) -> None:
    cfg = tmp_path / "eval.yaml"
    cfg.write_text("bootstrap: 123\ntie_value: 0.0\n")
    data = _pairs(tmp_path / "p.jsonl")
    assert (
        main(
            [
                "eval",
                "--data",
                str(data),
                "--model",
                "baseline:length",
                "--config",
                str(cfg),
                "--tie-value",
                "1.0",
                "--out",
                str(tmp_path / "r"),
            ]
        )
        == 0
    )
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert results["config"]["n_resamples"] == 123
    assert results["metrics"]["accuracy"]["value"] == pytest.approx(19 / 20)
    cfg.write_text("bootstrapp: 5\n")
    assert (
        main(
            [
                "eval",
                "--data",
                str(data),
                "--model",
                "baseline:length",
                "--config",
                str(cfg),
                "--out",
                str(tmp_path / "r2"),
            ]
        )
        == 2
    )


def test_help_lists_commands() -> None:
    proc = _cli("--help")
    assert proc.returncode == 0
    for command in ("eval", "demo", "data"):
        assert command in proc.stdout


def test_environment_errors_are_one_line(tmp_path: Path) -> None:
    data = _pairs(tmp_path / "p.jsonl")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    (tmp_path / "cachedir").mkdir()
    hf_dir = tmp_path / "broken-hf"
    hf_dir.mkdir()
    (hf_dir / "config.json").write_text("{}")
    (hf_dir / "model.safetensors").write_bytes(b"not weights")
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "dataset_dict.json").write_text("{broken")
    cases = [
        (["--seed", "-1"], "seed"),
        (["--out", str(blocker / "run")], "a-file"),
        (["--cache", str(tmp_path / "cachedir")], "cachedir"),
        (["--model", f"hf:{hf_dir}"], "broken-hf"),
    ]
    for extra, needle in cases:
        args = [
            "eval",
            "--data",
            str(data),
            "--model",
            "baseline:length",
            "--out",
            str(tmp_path / "r"),
            *extra,
        ]
        if extra[0] == "--cache":
            args[4] = "python:math:dist"  # a cacheable model, so the cache is opened
        proc = _cli(*args)
        assert proc.returncode == 2, (extra, proc.stderr)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.startswith("error:")
        assert needle in proc.stderr
    proc = _cli("eval", "--data", str(ds), "--model", "baseline:length")
    assert proc.returncode == 2
    assert "dataset_dict.json" in proc.stderr
    assert "Traceback" not in proc.stderr


def _table_rows(stdout: str) -> dict[str, list[str]]:
    """The cells of each body row of the console's metrics table, by metric name."""
    rows: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        if line.startswith("│"):
            name, *cells = (c.strip() for c in line.strip().strip("│").split("│"))
            rows[name] = cells
    return rows


def _planted(path: Path) -> Path:
    """Five rows: one invalid (no responses), one labelled a tie; lengths decide baseline:length."""
    rows = [
        {"id": "a", "prompt": "q", "chosen": "aaaa", "rejected": "bb"},
        {"id": "b", "prompt": "q", "chosen": "aaa", "rejected": "bb"},
        {"id": "c", "prompt": "q"},
        {"id": "d", "prompt": "q", "chosen": "aa", "rejected": "bbb", "tie": True},
        {"id": "e", "prompt": "q", "chosen": "a", "rejected": "bbbb"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def _planted_scores(path: Path) -> Path:
    """Log-odds scores for :func:`_planted`: chosen - rejected is 2, 0.2, -0.1 (tie item), -1."""
    scores = {"a": (2.0, 0.0), "b": (0.5, 0.3), "d": (1.0, 1.1), "e": (0.0, 1.0)}
    rows = [
        {"item_id": item, "response_index": index, "score": value}
        for item, pair in scores.items()
        for index, value in enumerate(pair)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


@pytest.mark.parametrize("model", ["baseline:length", "baseline:random"])
def test_eval_baseline_calibration_metrics_are_not_applicable(tmp_path: Path, model: str) -> None:
    proc = _cli(
        "eval",
        "--data",
        str(_pairs(tmp_path / "p.jsonl")),
        "--model",
        model,
        "--out",
        str(tmp_path / "run"),
        "--bootstrap",
        "50",
    )
    assert proc.returncode == 0, proc.stderr
    rows = _table_rows(proc.stdout)
    for name in ("ece", "brier", "log_loss"):
        assert rows[name] == ["n/a", "", ""], proc.stdout
    note = (
        f"ECE, Brier and log-loss: n/a ({model} scores are not log-odds of preference, so "
        "sigmoid(score difference) is no probability)"
    )
    assert note in " ".join(proc.stdout.split())
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["calibration_metrics"] == {"probabilities": None, "note": note}
    assert not {"ece", "brier", "log_loss"} & set(results["metrics"])


def test_eval_scores_model_keeps_calibration_metrics(tmp_path: Path) -> None:
    data = _planted(tmp_path / "d.jsonl")
    scores = _planted_scores(tmp_path / "s.jsonl")
    out = tmp_path / "run"
    proc = _cli(
        "eval", "--data", str(data), "--model", f"scores:{scores}", "--skip-invalid",
        "--out", str(out), "--bootstrap", "50",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    results = json.loads((out / "results.json").read_text())
    assert results["calibration_metrics"]["probabilities"] == "sigmoid(score difference)"
    # The three non-tie items, with p = sigmoid(chosen - rejected) of 2, 0.2 and -1.
    p = [1 / (1 + math.exp(-d)) for d in (2.0, 0.2, -1.0)]
    brier = sum((1 - x) ** 2 for x in p) / 3
    log_loss = -sum(math.log(x) for x in p) / 3
    assert results["metrics"]["brier"]["value"] == pytest.approx(brier)
    assert results["metrics"]["log_loss"]["value"] == pytest.approx(log_loss)
    assert "ECE, Brier and log-loss of sigmoid(score difference)" in " ".join(proc.stdout.split())
    rows = _table_rows(proc.stdout)
    assert rows["brier"][0] == f"{brier:.4f}"
    assert rows["log_loss"][0] == f"{log_loss:.4f}"


def test_eval_prints_one_line_data_summary(tmp_path: Path) -> None:
    data = _planted(tmp_path / "d.jsonl")
    proc = _cli(
        "eval", "--data", str(data), "--model", "baseline:length", "--skip-invalid",
        "--out", str(tmp_path / "run"), "--bootstrap", "50",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # baseline:length has no tokenizer, so nothing is said about truncation.
    expected = (
        "data: 5 rows, 1 skipped (missing field: 1), 4 items, "
        "1 labelled ties excluded from accuracy"
    )
    assert expected in proc.stdout.splitlines()


def test_eval_data_summary_counts_truncated_inputs(
    tmp_path: Path, tiny_classifier: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[dict[str, object]] = [
        {"id": f"i{i}", "prompt": "q", "chosen": "word " * (40 + i), "rejected": "no"}
        for i in range(3)
    ]
    rows += [{"id": "bad", "prompt": "q", "chosen": "x"}]
    rows += [{"id": "t", "prompt": "q", "chosen": "a", "rejected": "b", "tie": True}]
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    argv = ["eval", "--data", str(data), "--model", f"hf:{tiny_classifier}", "--skip-invalid"]
    argv += ["--max-length", "64", "--bootstrap", "20", "--out", str(tmp_path / "run")]
    assert main(argv) == 0
    out = capsys.readouterr().out
    # Identical inputs are scored once: three distinct long chosen responses (about 220 tokens
    # each with the tiny tokenizer) are truncated; "no", "a" and "b" (about 24) are not.
    expected = (
        "data: 5 rows, 1 skipped (missing field: 1), 4 items, "
        "1 labelled ties excluded from accuracy, 3 inputs truncated"
    )
    assert expected in out.splitlines()
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["data"]["n_truncated"] == 3


@pytest.mark.parametrize(
    ("margin", "expected"),
    [
        # Items a (diff 2), b (0.2), d (tie label, -0.1), e (-1).
        ("0", 2 / 4),  # a, b right; d is no exact tie; e wrong
        ("0.15", 3 / 4),  # |-0.1| <= 0.15 makes d a predicted tie: right
        ("0.25", 2 / 4),  # b (0.2) also becomes a predicted tie: wrong on a non-tie item
    ],
)
def test_eval_tie_margin_sets_accuracy_with_ties(
    tmp_path: Path, margin: str, expected: float
) -> None:
    data = _planted(tmp_path / "d.jsonl")
    scores = _planted_scores(tmp_path / "s.jsonl")
    out = tmp_path / "run"
    proc = _cli(
        "eval", "--data", str(data), "--model", f"scores:{scores}", "--skip-invalid",
        "--tie-margin", margin, "--out", str(out), "--bootstrap", "50",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    results = json.loads((out / "results.json").read_text())
    assert results["config"]["tie_margin"] == float(margin)
    with_ties = results["metrics"]["accuracy_with_ties"]
    assert with_ties["value"] == pytest.approx(expected)
    assert with_ties["n"] == 4
    # Accuracy leaves the labelled tie out and ignores the margin: a, b right, e wrong.
    assert results["metrics"]["accuracy"]["value"] == pytest.approx(2 / 3)
    assert _table_rows(proc.stdout)["accuracy_with_ties"][0] == f"{expected:.4f}"


def test_eval_help_shows_tie_defaults_layouts_and_schemes() -> None:
    from rewardkit.data.layouts import LAYOUTS
    from rewardkit.models.registry import MODEL_SCHEMES

    proc = _cli("eval", "--help")
    assert proc.returncode == 0, proc.stderr
    text = " ".join(re.sub(r"(?<=\w)-\n\s*", "-", proc.stdout).split())
    assert (
        "--tie-value <float range> Credit for a predicted score tie on a pair not labelled a "
        "tie [default: each --benchmark's published rule (0 for rewardbench, judgebench, "
        "pandalm, rm-bench), else 0.5]." in text
    )
    assert "labels ties [default: 0, exact equality]." in text
    assert "--tie-margin" in text
    assert f"Force a data layout: {', '.join(LAYOUTS)} [default: detect" in text
    assert {"pandalm", "rmb-bon"} <= set(LAYOUTS)
    schemes = MODEL_SCHEMES.names()
    assert {"baseline", "builtin", "scores"} <= set(schemes)
    for scheme in schemes:
        assert f"{scheme}:" in text, scheme
    assert "baseline:length|random, builtin:NAME, dpo:DIR" in text
