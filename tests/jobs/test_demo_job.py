"""The demo job (:func:`rewardkit.jobs.demo.run_demo`) runs the pipeline without printing: each
stage's outcome goes to its observer, in stage order; ``rewardkit demo`` only prints them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from rewardkit.jobs.demo import DemoObserver, DemoOptions, run_demo


class Recorder(DemoObserver):
    def __init__(self) -> None:
        self.events: list[str] = []
        self.warnings: list[str] = []

    def data(self, data_dir: Path, written: Mapping[str, Path]) -> None:
        self.events.append("data")

    def curated(self, run: Any, dedup: Mapping[str, Any], split: Mapping[str, Any]) -> None:
        self.events.append("curated")

    def agreement(self, run: Any) -> None:
        self.events.append("agreement")

    def truth(self, check: Mapping[str, Mapping[str, Any]]) -> None:
        self.events.append("truth")

    def aggregated(self, run: Any) -> None:
        self.events.append("aggregated")

    def trained(self, run: Any, manifest: Mapping[str, Any]) -> None:
        self.events.append("trained")

    def evaluated(self, headline: Any, title: str, models: Any, gap_reference: Any) -> None:
        self.events.append(f"evaluated {title}: {[m.spec for m in models]}")

    def bon(self, results: Mapping[str, Any]) -> None:
        self.events.append(f"bon {[p['spec'] for p in results['proxies']]}")

    def probed(self, results: Mapping[str, Any]) -> None:
        self.events.append(f"probed {[m['spec'] for m in results['models']]}")

    def guarded(self, results: Mapping[str, Any]) -> None:
        self.events.append(f"guarded {results['n_items']}")

    def abtested(self, results: Mapping[str, Any]) -> None:
        self.events.append(f"abtested {results['decision']['decision']}")

    def drifted(
        self, results: Mapping[str, Any], planted: Mapping[str, Any], found: Mapping[str, Any]
    ) -> None:
        self.events.append(f"drifted {len(results['alerts'])} alerts")

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def test_demo_job_reports_each_stage_to_its_observer_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder = Recorder()
    run = run_demo(DemoOptions(tmp_path, prompts=60, bootstrap=50, embed=False), recorder)
    baselines = ["baseline:length", "baseline:random"]
    n_responses = len((tmp_path / "data" / "responses.jsonl").read_text().splitlines())
    decision = json.loads((tmp_path / "runs" / "abtest" / "results.json").read_text())["decision"]
    alerts = json.loads((tmp_path / "runs" / "drift" / "monitor" / "results.json").read_text())[
        "alerts"
    ]
    assert recorder.events == [
        "data",
        "curated",
        "agreement",
        "truth",
        "aggregated",
        f"evaluated baseline:length on the held-out prompts: {baselines}",
        f"bon {baselines}",
        f"probed {baselines}",
        f"guarded {n_responses}",
        f"abtested {decision['decision']}",
        f"drifted {len(alerts)} alerts",
    ]
    assert run.report == tmp_path / "report.html"
    assert run.report.is_file()
    assert list(run.suites) == baselines
    assert (tmp_path / "demo.json").is_file()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


# The files the probe, guard and A/B stages write (relative to the demo's output).
CHECK_FILES = (
    "data/preferences.probe.jsonl",
    "runs/probe/results.json",
    "runs/probe/probe_pairs.parquet",
    "guard-policy.yaml",
    "runs/guard/results.json",
    "runs/guard/items.parquet",
    "abtest/prereg.yaml",
    "abtest/random.jsonl",
    "abtest/best_of_4.jsonl",
    "runs/abtest/results.json",
    "runs/drift/traffic/reference.jsonl",
    "runs/drift/traffic/current.jsonl",
    "runs/drift/traffic/truth.json",
    "runs/drift/monitor/results.json",
    "runs/drift/monitor/alerts.jsonl",
)


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two --no-embed demos with the same seed."""
    outs = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(name)
        run_demo(DemoOptions(out, prompts=60, bootstrap=50, embed=False))
        outs.append(out)
    return outs[0], outs[1]


def test_new_stages_are_deterministic(twice: tuple[Path, Path]) -> None:
    first, second = twice
    for name in CHECK_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    stages = json.loads((first / "demo.json").read_text())["stages"]
    assert (stages["probe"], stages["guard"], stages["abtest"], stages["drift"]) == (
        "runs/probe",
        "runs/guard",
        "runs/abtest",
        "runs/drift/monitor",
    )


def test_probes_run_on_one_held_out_pair_per_test_prompt(twice: tuple[Path, Path]) -> None:
    out = twice[0]
    test_pairs = [
        json.loads(line)
        for line in (out / "curated" / "splits" / "test" / "preferences.jsonl")
        .read_text()
        .splitlines()
    ]
    firsts: dict[str, str] = {}
    for row in test_pairs:
        firsts.setdefault(row["prompt_id"], row["id"])
    source = [json.loads(line) for line in (out / CHECK_FILES[0]).read_text().splitlines()]
    assert [r["id"] for r in source] == list(firsts.values())
    results = json.loads((out / "runs" / "probe" / "results.json").read_text())
    assert results["data"]["n_items"] == len(firsts) > 0
    assert [m["spec"] for m in results["models"]] == ["baseline:length", "baseline:random"]
    assert results["config"]["bootstrap"] == 50
    # baseline:length prefers every lengthened variant: the length probe flags it.
    length = results["models"][0]["probes"]["length"]
    assert length["preference"]["value"] == 1.0
    assert length["flagged"]


def test_guard_policy_runs_over_every_response(twice: tuple[Path, Path]) -> None:
    import importlib.util

    out = twice[0]
    results = json.loads((out / "runs" / "guard" / "results.json").read_text())
    responses = (out / "data" / "responses.jsonl").read_text().splitlines()
    assert results["n_items"] == len(responses)
    names = [c["name"] for c in results["checks"]]
    has_toxicity = importlib.util.find_spec("profanity_check") is not None
    assert names == ["refusal", *(["toxicity"] if has_toxicity else []), "pii", "compliance"]
    # The near-empty-answer rule: a response under 40 characters is blocked, by hand.
    short = sum(len(json.loads(r)["text"]) < 40 for r in responses)
    compliance = next(c for c in results["checks"] if c["name"] == "compliance")
    assert compliance["n_tripped"] >= short
    blocked = results["overall"]["n_blocked"]
    assert results["overall"]["block_rate"]["all"]["value"] == pytest.approx(
        blocked / len(responses)
    )


def test_abtest_replay_outcomes_match_a_hand_computation(twice: tuple[Path, Path]) -> None:
    """--no-embed: the treatment is best-of-4 by baseline:length (the longest candidate); the
    binary outcome is the picked candidate's true reward above the prompt's median."""
    import statistics

    from rewardkit.abtest import load_prereg

    out = twice[0]
    candidates = [
        json.loads(line) for line in (out / "data" / "candidates.jsonl").read_text().splitlines()
    ]
    treatment = {
        r["unit_id"]: r
        for r in map(json.loads, (out / "abtest" / "best_of_4.jsonl").read_text().splitlines())
    }
    control = {
        r["unit_id"]: r
        for r in map(json.loads, (out / "abtest" / "random.jsonl").read_text().splitlines())
    }
    assert set(treatment) == set(control) == {c["id"] for c in candidates}
    for c in candidates:
        texts = c["chosen"] + c["rejected"]
        truth = c["chosen_scores"] + c["rejected_scores"]
        median = statistics.median(truth)
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))
        assert treatment[c["id"]]["true_reward"] == truth[longest]
        assert treatment[c["id"]]["above_median"] == int(truth[longest] > median)
        assert control[c["id"]]["true_reward"] in truth
        picked = truth.index(control[c["id"]]["true_reward"])
        assert control[c["id"]]["above_median"] == int(truth[picked] > median)
    results = json.loads((out / "runs" / "abtest" / "results.json").read_text())
    assert (
        results["preregistration"]["sha256"] == load_prereg(out / "abtest" / "prereg.yaml").sha256
    )
    binary = next(m for m in results["metrics"] if m["name"] == "above_median")
    assert binary["n_pairs"] == len(candidates)
    assert binary["mean_treatment"] == pytest.approx(
        statistics.mean(r["above_median"] for r in treatment.values())
    )
    assert binary["difference"]["value"] == pytest.approx(
        binary["mean_treatment"] - binary["mean_control"]
    )


def test_drift_check_in_demo_json_is_the_monitor_run(twice: tuple[Path, Path]) -> None:
    """demo.json's drift check names what the traffic simulation planted (its truth.json) and,
    for each planted drift, the first window at or after the drift whose alerts match it."""
    out = twice[0]
    drift = json.loads((out / "demo.json").read_text())["drift"]
    truth = json.loads((out / drift["traffic"] / "truth.json").read_text())
    assert drift["planted"] == {k: v for k, v in truth.items() if k != "config"}
    alerts = json.loads((out / "runs" / "drift" / "monitor" / "results.json").read_text())["alerts"]
    at = truth["drift_at"]
    score = [
        a["window"]
        for a in alerts
        if a["window"] >= at
        and a["segment"] == truth["shift_domain"]
        and a["metric"].startswith("score_")
    ]
    mix = [a["window"] for a in alerts if a["window"] >= at and a["metric"] == "domain_mix_psi"]
    assert drift["found"]["score_shift"] == (min(score) if score else None)
    assert drift["found"]["domain_mix"] == (min(mix) if mix else None)
    assert drift["found"]["alerts_before_drift"] == sum(a["window"] < at for a in alerts)
