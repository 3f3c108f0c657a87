"""The command line: bad input gives one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
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
        "unknown model scheme 'magic'; available: baseline, builtin, dpo, embed, hf, http, "
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
