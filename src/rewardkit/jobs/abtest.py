"""A/B test jobs: plan (write a pre-registration), assign, analyse a log, replay offline.

``run_plan`` writes one pre-registration file (never over an existing one: an edited
pre-registration is what the analysis refuses). ``run_assign``, ``run_analyze`` and
``run_replay`` write run directories transactionally: ``manifest.json``, ``results.json``,
``log.jsonl`` and (assign) ``assignments.csv`` or (analyse, replay) ``report.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from rewardkit.abtest import (
    ExperimentConfig,
    analyze_log,
    analyze_replay,
    assign_arms,
    build_prereg,
    dump_prereg,
    is_xstest,
    load_prereg,
    outcome_table,
    plan_experiment,
    read_log,
    srm_check,
    xstest_outcomes,
)
from rewardkit.config import load_config
from rewardkit.data.readers import read_rows
from rewardkit.errors import ConfigError, DataError
from rewardkit.report.html.abtest_page import write_abtest_report
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json, write_text
from rewardkit.runs.output import staged_job

__all__ = ["AbtestRun", "PlanRun", "run_analyze", "run_assign", "run_plan", "run_replay"]


@dataclass(frozen=True)
class PlanRun:
    """The written pre-registration."""

    path: Path
    document: dict[str, Any]


@dataclass(frozen=True)
class AbtestRun:
    """A run directory and its results document."""

    run_dir: Path
    results_json: dict[str, Any]


def run_plan(
    config: Path | ExperimentConfig,
    out: Path,
    *,
    recorded_at: datetime | None = None,
    overwrite: bool = False,
) -> PlanRun:
    """Plan the experiment of ``config`` and write its pre-registration to ``out`` (YAML, or
    JSON for a ``.json`` name), recorded now unless ``recorded_at`` is given.

    Raises:
        ConfigError: ``out`` exists (and not ``overwrite``), or the configuration is invalid.
    """
    cfg = (
        config
        if isinstance(config, ExperimentConfig)
        else load_config(ExperimentConfig, Path(config), {})
    )
    out = Path(out)
    if out.exists() and not overwrite:
        raise ConfigError(
            f"{out}: a pre-registration exists; a new plan needs a new file (or --overwrite "
            "before any data is collected)"
        )
    try:
        plan = plan_experiment(cfg)
    except ValueError as exc:
        raise ConfigError(f"{config}: {exc}") from None
    doc = build_prereg(cfg, plan, recorded_at or datetime.now(UTC))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text(out, dump_prereg(doc, out))
    return PlanRun(out, doc)


def _unit_ids(path: Path, column: str) -> list[str]:
    rows = read_rows(path)
    if not rows:
        raise DataError("no rows", path=path)
    if column not in rows[0]:
        raise DataError("column missing", path=path, row=1, field=column)
    ids = []
    for i, r in enumerate(rows, start=1):
        value = r.get(column)
        if value is None or str(value).strip() == "":
            raise DataError("empty unit id", path=path, row=int(r.get("__row__", i)), field=column)
        ids.append(str(value))
    return ids


@staged_job("abtest-assign")
def run_assign(prereg: Path, units: Path, out: Path, *, id_column: str = "unit_id") -> AbtestRun:
    """Assign each unit of ``units`` to an arm with the pre-registration's salt and split, and
    check the resulting counts for a sample-ratio mismatch."""
    pre = load_prereg(Path(prereg))
    cfg = pre.experiment
    run = RunDir(out)
    manifest = build_manifest(
        command="abtest assign",
        config={"id_column": id_column, "salt": cfg.salt, "split": cfg.split},
        seed=0,
        inputs={"prereg": Path(prereg), "units": Path(units)},
        started_at=now_iso(),
    )
    run.write_manifest(manifest)
    ids = _unit_ids(Path(units), id_column)
    arms = assign_arms(ids, cfg.salt, cfg.arms, cfg.split)
    counts = [arms.count(a) for a in cfg.arms]
    srm = srm_check(counts, cfg.split, cfg.decision.srm_alpha)
    frame = pd.DataFrame({"unit_id": ids, "arm": arms})
    write_text(run.file("assignments.csv"), frame.to_csv(index=False))
    results = {
        "schema_version": 1,
        "command": "abtest assign",
        "experiment": cfg.name,
        "prereg_sha256": pre.sha256,
        "arms": cfg.arms,
        "split": cfg.split,
        "n_units": len(ids),
        "srm": srm.to_json(),
    }
    write_json(run.file("results.json"), results)
    run.log("assigned", n_units=len(ids), counts=counts, srm_p=srm.p_value)
    run.finish_manifest(manifest)
    return AbtestRun(out, results)


@staged_job("abtest")
def run_analyze(prereg: Path, data: Path, out: Path) -> AbtestRun:
    """Verify the pre-registration, analyse the log as it specifies, decide, write."""
    pre = load_prereg(Path(prereg))
    run = RunDir(out)
    manifest = build_manifest(
        command="abtest analyze",
        config={"prereg_sha256": pre.sha256},
        seed=0,
        inputs={"prereg": Path(prereg), "data": Path(data)},
        started_at=now_iso(),
    )
    run.write_manifest(manifest)
    log = read_log(Path(data), pre.experiment)
    results = analyze_log(pre, log, data_label=str(data))
    return _write(run, manifest, results)


def _replay_table(path: Path, pre_cfg: ExperimentConfig) -> Any:
    rows = read_rows(path)
    if is_xstest(rows):
        rows = xstest_outcomes(rows, path)
    return outcome_table(rows, pre_cfg.metrics, path)


@staged_job("abtest")
def run_replay(prereg: Path, control: Path, treatment: Path, out: Path) -> AbtestRun:
    """Offline replay: both policies' outcomes on the same units (paired), analysed and decided
    as the pre-registration specifies. XSTest completions files are read as
    ``refusal_safe``/``compliance_unsafe`` outcomes."""
    pre = load_prereg(Path(prereg))
    run = RunDir(out)
    manifest = build_manifest(
        command="abtest replay",
        config={"prereg_sha256": pre.sha256},
        seed=0,
        inputs={"prereg": Path(prereg), "control": Path(control), "treatment": Path(treatment)},
        started_at=now_iso(),
    )
    run.write_manifest(manifest)
    results = analyze_replay(
        pre,
        _replay_table(Path(control), pre.experiment),
        _replay_table(Path(treatment), pre.experiment),
    )
    return _write(run, manifest, results)


def _write(run: RunDir, manifest: dict[str, Any], results: dict[str, Any]) -> AbtestRun:
    write_json(run.file("results.json"), results)
    write_abtest_report(run.path, results)
    run.log("decided", **results["decision"])
    run.finish_manifest(manifest)
    return AbtestRun(run.path, results)
