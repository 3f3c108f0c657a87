"""The demo's checks around its trained RM: bias probes, a guard policy over the generated
responses, an offline A/B replay of two response policies on the test prompts, and drift
monitoring of simulated deployment traffic with planted drift.

Each check runs through its own job (:func:`~rewardkit.jobs.probe.run_probe`,
:func:`~rewardkit.jobs.guard.run_guard`, :func:`~rewardkit.jobs.abtest.run_replay`,
:func:`~rewardkit.jobs.monitor.run_monitor_demo`), which writes its run directory
transactionally; the functions here only choose the inputs and return the run's
``results.json`` document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from rewardkit.config import EvalConfig
from rewardkit.runs import write_text

__all__ = [
    "ABTEST_INPUTS",
    "PREREG_RECORDED_AT",
    "TOXICITY_AVAILABLE",
    "demo_policy",
    "probe_models",
    "run_demo_drift",
    "run_demo_guard",
    "run_demo_probes",
    "run_demo_replay",
]

#: Folder (under the demo's output) of the A/B replay's inputs: the pre-registration and each
#: policy's outcomes.
ABTEST_INPUTS = "abtest"
#: The pre-registration's recorded time. The demo pins it so that the same seed gives
#: byte-identical files (the replay's results quote it); the order is guaranteed by the code:
#: the pre-registration is written before any candidate is scored.
PREREG_RECORDED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def _toxicity_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("profanity_check") is not None


TOXICITY_AVAILABLE = _toxicity_available()


def probe_models(specs: Sequence[str]) -> list[str]:
    """The RMs the demo probes: its best model and ``baseline:length`` (the length probe's
    reference), or both baselines when no RM was trained.

    Example:
        >>> probe_models(["builtin:demo", "baseline:length", "baseline:random"])
        ['builtin:demo', 'baseline:length']
        >>> probe_models(["baseline:length", "baseline:random"])
        ['baseline:length', 'baseline:random']
    """
    if specs and not specs[0].startswith("baseline:"):
        return [specs[0], "baseline:length"]
    return list(dict.fromkeys(["baseline:length", *specs]))[:2]


def run_demo_probes(
    data: Path, specs: Sequence[str], out: Path, config: EvalConfig
) -> dict[str, Any]:
    """Every default probe on ``data`` (the held-out preference pairs) for each of ``specs``,
    with ``config``'s seed, bootstrap and score cache; ``results.json`` of the run at ``out``."""
    from rewardkit.jobs.probe import run_probe
    from rewardkit.probes import ProbeConfig

    cfg = ProbeConfig(seed=config.seed, bootstrap=max(config.bootstrap, 10), cache=config.cache)
    return run_probe(data, list(specs), cfg, out, progress=False).results_json


def demo_policy(toxicity: bool = TOXICITY_AVAILABLE) -> dict[str, Any]:
    """The demo's guard policy: a rule-based refusal flag, PII, compliance rules and (when
    ``profanity_check`` is importable) toxicity.

    Example:
        >>> [c["name"] for c in demo_policy(toxicity=False)["checks"]]
        ['refusal', 'pii', 'compliance']
    """
    checks: list[dict[str, Any]] = [
        {"name": "refusal", "type": "refusal", "action": "flag", "options": {"trip_on": "any"}},
        {"name": "pii", "type": "pii", "action": "block"},
        {
            "name": "compliance",
            "type": "compliance",
            "action": "block",
            "options": {
                "rules": [
                    {
                        "name": "no_guarantees",
                        "kind": "regex",
                        "pattern": r"\bguarantee[ds]?\b",
                        "allow": [r"\bno guarantees?\b", r"\bnot guaranteed\b"],
                    },
                    {
                        "name": "no_dosage_advice",
                        "kind": "keyword",
                        "keywords": ["mg/kg", "overdose"],
                        "domains": ["medical", "chemistry-safety"],
                    },
                    {"name": "min_length", "kind": "min_length", "value": 40},
                ]
            },
        },
    ]
    if toxicity:
        checks.insert(
            1,
            {
                "name": "toxicity",
                "type": "toxicity",
                "action": "block",
                "options": {"threshold": 0.8},
            },
        )
    return {"penalty": 1.0, "checks": checks}


def run_demo_guard(
    responses: Path, policy_file: Path, out: Path, seed: int, bootstrap: int
) -> dict[str, Any]:
    """Write :func:`demo_policy` to ``policy_file`` and run it over every generated response;
    ``results.json`` of the run at ``out`` (rates by domain)."""
    import yaml

    from rewardkit.guard.config import GuardConfig
    from rewardkit.jobs.guard import run_guard

    write_text(policy_file, yaml.safe_dump(demo_policy(), sort_keys=False))
    config = GuardConfig(
        seed=seed, bootstrap=bootstrap, id_column="item_id", group_columns=["domain"]
    )
    return run_guard(policy_file, [responses], config, out).results_json


def _experiment() -> Any:
    from rewardkit.abtest import ExperimentConfig, MetricSpec

    return ExperimentConfig(
        name="demo-best-of-4-vs-random",
        design="paired",
        arms=["random", "best_of_4"],
        salt="rewardkit-demo",
        metrics=[
            MetricSpec(name="above_median", kind="binary", role="primary", baseline=0.5, mde=0.2),
            MetricSpec(name="rm_score", kind="continuous", role="primary", sd=1.0, mde=0.5),
        ],
    )


def _outcomes(
    candidates: Path, spec: str, config: EvalConfig
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per test prompt: the random candidate's and the RM's best-of-4's outcomes."""
    from rewardkit.data.load import load_preferences
    from rewardkit.metrics import rng_for
    from rewardkit.models.registry import load_spec
    from rewardkit.models.spec import parse_model_spec
    from rewardkit.scoring import ScoreCache, score_items

    items = load_preferences(candidates).items
    model = load_spec(parse_model_spec(spec, {}, defaults={"seed": config.seed}))
    if config.cache:
        with ScoreCache(Path(config.cache)) as cache:
            flat = score_items(model, items, cache=cache).scores
    else:
        flat = score_items(model, items).scores
    rng = rng_for(config.seed, "demo-abtest", "policies")
    control: list[dict[str, Any]] = []
    treatment: list[dict[str, Any]] = []
    at = 0
    for item in items:
        truth = np.array(item.human_scores or (), dtype=np.float64)
        scores = np.asarray(flat[at : at + len(truth)], dtype=np.float64)
        at += len(truth)
        median = float(np.median(truth))
        tiebreak = rng.random(len(truth))
        best = int(np.lexsort((tiebreak, scores))[-1])  # highest score, ties at random
        pick = int(rng.integers(len(truth)))
        for rows, i in ((control, pick), (treatment, best)):
            rows.append(
                {
                    "unit_id": item.id,
                    "above_median": int(truth[i] > median),
                    "rm_score": float(scores[i]),
                    "true_reward": float(truth[i]),
                }
            )
    return control, treatment


def _jsonl(rows: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)


def run_demo_replay(
    candidates: Path, spec: str, inputs: Path, out: Path, config: EvalConfig
) -> dict[str, Any]:
    """Pre-register, then replay offline: control = a random candidate of each test prompt,
    treatment = the best of its four by ``spec``; outcomes: true reward above the prompt's
    median (binary) and the RM score (continuous). Writes ``inputs/prereg.yaml``,
    ``inputs/random.jsonl`` and ``inputs/best_of_4.jsonl``; ``results.json`` of the run at
    ``out``."""
    from rewardkit.jobs.abtest import run_plan, run_replay

    prereg = inputs / "prereg.yaml"
    run_plan(_experiment(), prereg, recorded_at=PREREG_RECORDED_AT, overwrite=True)
    control, treatment = _outcomes(candidates, spec, config)
    write_text(inputs / "random.jsonl", _jsonl(control))
    write_text(inputs / "best_of_4.jsonl", _jsonl(treatment))
    return run_replay(prereg, inputs / "random.jsonl", inputs / "best_of_4.jsonl", out).results_json


def run_demo_drift(
    out: Path, seed: int, bootstrap: int
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Simulate deployment traffic with planted drift (the monitor's default simulation, this
    seed) into ``out/traffic`` and monitor it into ``out/monitor``.

    Returns:
        The monitor run's ``results.json``, the planted truth (``truth.json`` without the
        simulation's config) and which planted drifts the alerts found, at which window.
    """
    from rewardkit.jobs.monitor import run_monitor_demo
    from rewardkit.monitor import MonitorConfig
    from rewardkit.monitor.simulate import TrafficConfig, planted_found

    traffic = TrafficConfig(seed=seed)
    config = MonitorConfig(
        window_by="count", window_size=traffic.window_size, seed=seed, bootstrap=bootstrap
    )
    run, truth = run_monitor_demo(out, traffic, config)
    found = planted_found(run.results_json, truth)
    planted = {k: v for k, v in truth.items() if k != "config"}
    return run.results_json, planted, found
