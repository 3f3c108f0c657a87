"""``rewardkit monitor``: drift of a scored log against a reference, alerts, continuous eval.

* :func:`run_monitor` reads both logs, analyses every window
  (:func:`rewardkit.monitor.analyse`) and writes a run directory transactionally:
  ``manifest.json``, ``results.json``, ``alerts.jsonl`` (one alert per line, empty file when
  none), ``report.html`` and ``log.jsonl``.
* :func:`run_monitor_evaluate` runs a benchmark suite (:func:`rewardkit.jobs.suite.run_suite`)
  once and appends one line to a history file (JSONL), so the robustness gap of each model
  version is tracked over time (call it from cron for a schedule).
* :func:`run_monitor_demo` simulates deployment traffic with planted drift
  (:mod:`rewardkit.monitor.simulate`) and monitors it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rewardkit.config import EvalConfig
from rewardkit.errors import ConfigError
from rewardkit.jobs.suite import SuiteEntry, SuiteRun, run_suite
from rewardkit.monitor import MonitorConfig, analyse, read_scored_log
from rewardkit.monitor.simulate import TrafficConfig, simulate_traffic, write_traffic
from rewardkit.report.html.monitor_page import write_monitor_page
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json, write_text
from rewardkit.runs.output import StagedOutput

__all__ = [
    "HISTORY_SCHEMA",
    "MonitorRun",
    "history_entry",
    "run_monitor",
    "run_monitor_demo",
    "run_monitor_evaluate",
]

HISTORY_SCHEMA = 1


@dataclass(frozen=True)
class MonitorRun:
    """What a monitor run produced: its folder, the results document and the alerts."""

    run_dir: Path
    results_json: dict[str, Any]

    @property
    def alerts(self) -> list[dict[str, Any]]:
        """The alerts (also in ``alerts.jsonl``)."""
        return list(self.results_json["alerts"])


def run_monitor(
    reference: Path, current: Path, out: Path, config: MonitorConfig | None = None
) -> MonitorRun:
    """Monitor ``current`` against ``reference``; write the run directory ``out``.

    Example:
        >>> import tempfile
        >>> from rewardkit.monitor.simulate import TrafficConfig, simulate_traffic
        >>> tmp = Path(tempfile.mkdtemp())
        >>> paths = write_traffic(simulate_traffic(TrafficConfig(n_windows=2,
        ...     window_size=100, n_reference=200, drift_at=2)), tmp / "logs")
        >>> run = run_monitor(paths["reference"], paths["current"], tmp / "run",
        ...                   MonitorConfig(window_size=100, bootstrap=50))
        >>> sorted(p.name for p in run.run_dir.iterdir() if not p.name.startswith("."))
        ['alerts.jsonl', 'log.jsonl', 'manifest.json', 'report.html', 'results.json']
    """
    cfg = config or MonitorConfig()
    with StagedOutput(out, "monitor") as stage:
        run = _monitor_into(stage.path, reference, current, cfg)
    return replace(run, run_dir=out)


def _monitor_into(out: Path, reference: Path, current: Path, cfg: MonitorConfig) -> MonitorRun:
    run = RunDir(out)
    manifest = build_manifest(
        command="monitor",
        config=cfg.model_dump(mode="json"),
        seed=cfg.seed,
        inputs={"reference": reference, "current": current},
        started_at=now_iso(),
    )
    run.write_manifest(manifest)
    ref_log, cur_log = read_scored_log(reference), read_scored_log(current)
    run.log("loaded", reference_rows=len(ref_log), current_rows=len(cur_log))
    doc = analyse(ref_log, cur_log, cfg)
    doc["data"] = {
        "reference": {"file": reference.name, "n_rows": len(ref_log)},
        "current": {"file": current.name, "n_rows": len(cur_log)},
    }
    write_json(run.file("results.json"), doc)
    lines = "".join(json.dumps(a, sort_keys=True, allow_nan=False) + "\n" for a in doc["alerts"])
    write_text(run.file("alerts.jsonl"), lines)
    write_monitor_page(out, doc)
    run.log("done", n_windows=len(doc["windows"]), n_alerts=len(doc["alerts"]))
    run.finish_manifest(manifest)
    return MonitorRun(run_dir=out, results_json=doc)


def history_entry(suite: SuiteRun, model: str, timestamp: str) -> dict[str, Any]:
    """One history line: each benchmark's overall scores and each robustness gap.

    Example:
        >>> from rewardkit.metrics import Estimate
        >>> s = SuiteRun({}, {}, {"held": Estimate(0.1, 0.0, 0.2, 50)}, {}, (), {})
        >>> history_entry(s, "m", "t")["robustness_gap"]["held"]["value"]
        0.1
    """
    return {
        "schema_version": HISTORY_SCHEMA,
        "timestamp": timestamp,
        "model": model,
        "benchmarks": {
            name: {label: est.to_json() for label, est in score.overall.items()}
            for name, score in suite.scores.items()
        },
        "robustness_gap": {name: g.to_json() for name, g in suite.gaps.items()},
        "warnings": list(suite.warnings),
    }


def _append_line(path: Path, line: str) -> None:
    """Append one line through an atomic rewrite (a crash never leaves half a line)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    write_text(path, old + line + "\n")


def run_monitor_evaluate(
    entries: Sequence[SuiteEntry],
    model: str,
    config: EvalConfig,
    out: Path,
    history: Path,
    *,
    model_options: Mapping[str, Any] | None = None,
    progress: bool | None = None,
) -> tuple[SuiteRun, dict[str, Any]]:
    """Run the benchmark suite once into ``out`` and append its line to ``history``.

    Returns:
        The suite run and the history entry appended.
    """
    if not entries:
        raise ConfigError("give at least one --benchmark with its --data")
    if history.exists() and not history.is_file():
        raise ConfigError(f"{history}: history must be a file")
    suite = run_suite(entries, model, config, out, model_options=model_options, progress=progress)
    entry = history_entry(suite, model, now_iso())
    entry["run_dir"] = str(out)
    _append_line(history, json.dumps(entry, sort_keys=True))
    return suite, entry


def run_monitor_demo(
    out: Path,
    traffic: TrafficConfig | None = None,
    config: MonitorConfig | None = None,
) -> tuple[MonitorRun, dict[str, Any]]:
    """Simulate traffic with planted drift, write it under ``out/traffic`` and monitor it
    into ``out/monitor``; returns the run and the planted truth (also in
    ``out/traffic/truth.json``)."""
    tcfg = traffic or TrafficConfig()
    sim = simulate_traffic(tcfg)
    paths = write_traffic(sim, out / "traffic")
    write_json(out / "traffic" / "truth.json", sim.truth)
    cfg = config or MonitorConfig(window_by="count", window_size=tcfg.window_size, seed=tcfg.seed)
    run = run_monitor(paths["reference"], paths["current"], out / "monitor", cfg)
    return run, sim.truth
