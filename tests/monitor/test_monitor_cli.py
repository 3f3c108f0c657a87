"""`rewardkit monitor`: run directory, planted drift found at its window, alerts on stdout and
in alerts.jsonl, --fail-on-alert exit code, one-line errors; `monitor evaluate` history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli.main import main
from rewardkit.curation.splits import SplitConfig
from rewardkit.data.demo import DemoConfig, generate_demo, write_demo
from rewardkit.jobs.curate import CurateConfig, run_curate
from rewardkit.monitor.simulate import (
    TrafficConfig,
    planted_found,
    simulate_traffic,
    write_traffic,
)

DRIFT_AT = 3


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    traffic = simulate_traffic(
        TrafficConfig(
            seed=4, n_windows=5, window_size=800, n_reference=2400, drift_at=DRIFT_AT, shift_sd=0.8
        )
    )
    return write_traffic(traffic, tmp_path_factory.mktemp("logs"))


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cfg") / "monitor.yaml"
    path.write_text(
        "window_size: 800\nbootstrap: 100\nrules:\n"
        "  - {metric: score_mean_shift, threshold: 0.1, min_n: 100}\n"
        "  - {metric: domain_mix_psi, threshold: 0.1, segments: all}\n"
        "  - {metric: accuracy_drop, threshold: 0.05, min_n: 50}\n"
    )
    return path


def _run(logs: dict[str, Path], config: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "monitor",
            "--reference",
            str(logs["reference"]),
            "--current",
            str(logs["current"]),
            "--config",
            str(config),
            "--out",
            str(out),
            *extra,
        ]
    )


def test_planted_drift_is_alerted_at_its_window(
    logs: dict[str, Path], config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(logs, config, tmp_path / "run") == 0
    out = capsys.readouterr().out
    doc = json.loads((tmp_path / "run" / "results.json").read_text())
    alerts = [
        json.loads(line) for line in (tmp_path / "run" / "alerts.jsonl").read_text().splitlines()
    ]
    assert alerts == doc["alerts"]
    found = {(a["metric"], a["segment"]) for a in alerts}
    assert ("score_mean_shift", "medical") in found
    assert ("domain_mix_psi", "all") in found
    assert all(a["window"] >= DRIFT_AT for a in alerts)  # nothing before the drift
    first = {(a["metric"], a["segment"]): a["window"] for a in reversed(alerts)}
    assert first[("score_mean_shift", "medical")] == DRIFT_AT
    assert first[("domain_mix_psi", "all")] == DRIFT_AT
    # the shifted domain (and possibly the pooled window), never another domain
    assert {seg for m, seg in found if m == "score_mean_shift"} <= {"medical", "all"}
    assert out.count("ALERT window") == len(alerts)
    assert doc["multiplicity"]["method"] == "holm"
    html = (tmp_path / "run" / "report.html").read_text()
    assert html.count("<svg") >= 3
    assert "threshold 0.1" in html


def test_fail_on_alert_exit_code(
    logs: dict[str, Path], config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(logs, config, tmp_path / "run", "--fail-on-alert") == 1
    quiet = tmp_path / "quiet.yaml"
    quiet.write_text(
        "window_size: 800\nbootstrap: 50\nrules:\n  - {metric: score_psi, threshold: 50}\n"
    )
    assert _run(logs, quiet, tmp_path / "run2", "--fail-on-alert") == 0
    assert "no alert" in capsys.readouterr().out


def test_same_inputs_give_identical_results(
    logs: dict[str, Path], config: Path, tmp_path: Path
) -> None:
    assert _run(logs, config, tmp_path / "a") == 0
    assert _run(logs, config, tmp_path / "b") == 0
    a = (tmp_path / "a" / "results.json").read_bytes()
    assert a == (tmp_path / "b" / "results.json").read_bytes()


def test_bad_log_row_is_one_line_naming_file_row_field(
    logs: dict[str, Path], config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    lines = logs["current"].read_text().splitlines()[:5]
    row = json.loads(lines[2])
    row["score"] = "high"
    lines[2] = json.dumps(row)
    bad.write_text("\n".join(lines) + "\n")
    code = main(
        ["monitor", "--reference", str(logs["reference"]), "--current", str(bad),
         "--config", str(config), "--out", str(tmp_path / "x")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "bad.jsonl: row 3: field 'score': expected a finite number" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_inputs_and_bad_config_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["monitor", "--out", str(tmp_path / "x")]) == 2
    assert "--reference" in capsys.readouterr().err
    cfg = tmp_path / "c.yaml"
    cfg.write_text("rules:\n  - {metric: nope, threshold: 1}\n")
    ref = tmp_path / "r.jsonl"
    ref.write_text('{"timestamp": 0, "prompt": "p", "response": "r", "score": 1}\n')
    code = main(["monitor", "--reference", str(ref), "--current", str(ref), "--config", str(cfg)])
    assert code == 2
    assert "invalid configuration" in capsys.readouterr().err


def test_simulate_command_finds_the_planted_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["monitor", "simulate", "--out", str(tmp_path / "sim"), "--n-windows", "4",
            "--window-size", "800", "--drift-at", "2", "--shift-sd", "0.8"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "planted at window 2" in out
    truth = json.loads((tmp_path / "sim" / "traffic" / "truth.json").read_text())
    doc = json.loads((tmp_path / "sim" / "monitor" / "results.json").read_text())
    hits = {(a["metric"], a["segment"], a["window"]) for a in doc["alerts"]}
    assert ("score_mean_shift", truth["shift_domain"], 2) in hits
    assert ("domain_mix_psi", "all", 2) in hits
    found = planted_found(doc, truth)
    assert (found["score_shift"], found["domain_mix"]) == (2, 2)
    assert found["alerts_before_drift"] == 0
    assert found["alerts_elsewhere"] == 0


@pytest.fixture(scope="module")
def splits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("suite")
    write_demo(generate_demo(DemoConfig(n_prompts=120, seed=5)), root / "data")
    run_curate(
        root / "data", root / "cur", CurateConfig(split=SplitConfig(n_holdout_domains=3, seed=1))
    )
    return root / "cur" / "splits"


def test_evaluate_appends_one_history_line_per_call(splits: Path, tmp_path: Path) -> None:
    history = tmp_path / "history.jsonl"
    for k, model in enumerate(["baseline:length", "baseline:random"]):
        argv = ["monitor", "evaluate", "--model", model, "--bootstrap", "50", "--no-cache",
                "--history", str(history), "--out", str(tmp_path / f"eval{k}"),
                "--benchmark", "demo", "--data", str(splits / "test" / "preferences.jsonl"),
                "--benchmark", "demo-holdout",
                "--data", str(splits / "holdout" / "preferences.jsonl")]  # fmt: skip
        assert main(argv) == 0
    lines = [json.loads(x) for x in history.read_text().splitlines()]
    assert [x["model"] for x in lines] == ["baseline:length", "baseline:random"]
    for entry in lines:
        assert set(entry["benchmarks"]) == {"demo", "demo-holdout"}
        gap = entry["robustness_gap"]["demo-holdout"]
        assert gap["ci"][0] <= gap["value"] <= gap["ci"][1]
        suite = json.loads((Path(entry["run_dir"]) / "suite.json").read_text())
        assert suite["robustness_gap"]["demo-holdout"] == gap


def test_default_demo_traffic_finds_every_planted_drift_at_its_window(tmp_path: Path) -> None:
    """What the demo's drift page shows: the default traffic and monitor settings."""
    from rewardkit.jobs.monitor import run_monitor_demo

    run, truth = run_monitor_demo(tmp_path / "demo")
    found = planted_found(run.results_json, truth)
    at = truth["drift_at"]
    assert (found["score_shift"], found["domain_mix"], found["accuracy_drop"]) == (at, at, at)
    assert found["alerts_before_drift"] == 0
    assert found["alerts_elsewhere"] == 0
    assert (tmp_path / "demo" / "monitor" / "report.html").is_file()
