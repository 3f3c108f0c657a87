"""``rewardkit data curate``: dedup, split and audit a demo-style folder, with provenance.

The folder holds ``prompts.jsonl`` (prompt_id, domain, prompt) and, optionally,
``responses``, ``ratings``, ``comparisons`` and ``preferences``. Steps, in order:

1. dedup: exact and near-duplicate prompts; a removed prompt takes all its rows with it;
2. split: group-aware, domain-stratified, with domain holdouts; a test or validation prompt
   that is a (near-)duplicate of a training prompt moves to train (no leakage);
3. audit: coverage, source mix, annotators, labels and length bias of the curated data.

Outputs: ``dedup.json``, ``splits/`` (with ``split_manifest.json``), ``audit.json`` and
``curation_manifest.json`` (every source with its sha256 and row count, every step with its
parameters and counts in and out, the software versions). A rerun on the same inputs gives the
same files, and the same manifest apart from its timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from rewardkit.curation.audit import AuditConfig, AuditReport, audit
from rewardkit.curation.dedup import DedupConfig, DedupResult, dedup, find_leaks
from rewardkit.curation.provenance import ProvenanceLog
from rewardkit.curation.splits import (
    DEMO_TABLES,
    SplitConfig,
    assign_splits,
    check_holdout_domains,
    partition_tables,
    preference_prompt_ids,
    read_table,
    split_demo_folder,
    text_leak_finder,
    write_split,
)
from rewardkit.errors import DataError
from rewardkit.runs.atomic import write_json
from rewardkit.runs.output import StagedOutput
from rewardkit.scoring.progress import phase


class CurateConfig(BaseModel):
    """Options of ``rewardkit data curate`` (see ``configs/curate.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data_dir: str | None = Field(default=None, description="demo-style folder to curate")
    out: str | None = Field(default=None, description="output folder")
    dedup: DedupConfig = Field(default_factory=DedupConfig)
    split: SplitConfig = Field(default_factory=SplitConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    leak_check: bool = True


@dataclass(frozen=True)
class CurateRun:
    out: Path
    dedup: DedupResult
    split_manifest: Path
    audit: AuditReport
    manifest: dict[str, Any]


def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    """A DataError naming the missing columns of a table."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}",
            path=path,
        )


def check_prompt_ids(tables: dict[str, pd.DataFrame], paths: dict[str, Path]) -> None:
    """Every row of every table must belong to a prompt of prompts.jsonl (nothing is dropped
    silently later because its prompt is unknown)."""
    known = set(tables["prompts"]["prompt_id"].astype(str))
    for name, frame in tables.items():
        require_columns(frame, ("prompt_id",), paths[name])
        ids = frame["prompt_id"].astype(str)
        orphans = sorted(set(ids[~ids.isin(known)]))
        if orphans:
            shown = ", ".join(orphans[:5]) + (" ..." if len(orphans) > 5 else "")
            raise DataError(
                f"{int((~ids.isin(known)).sum())} row(s) belong to prompt ids "
                f"missing from prompts.jsonl: {shown}",
                path=paths[name],
            )


def _counts(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    return {name: len(frame) for name, frame in tables.items()}


def run_curate(
    data_dir: Path, out: Path, config: CurateConfig, *, progress: bool | None = None
) -> CurateRun:
    """Run dedup, split and audit on ``data_dir``; write everything under ``out``. Each step
    shows its progress on a terminal (``progress``: force on or off). ``out`` is written
    transactionally (:mod:`rewardkit.runs.output`): a failed run leaves an earlier one there
    intact."""
    with StagedOutput(out, "curate") as stage:
        run = _curate(data_dir, stage.path, config, progress)
    moved = out / run.split_manifest.relative_to(stage.path)
    return replace(run, out=out, split_manifest=moved)


def _curate(data_dir: Path, out: Path, config: CurateConfig, progress: bool | None) -> CurateRun:
    log = ProvenanceLog()
    paths = {n: data_dir / f"{n}.jsonl" for n in DEMO_TABLES if (data_dir / f"{n}.jsonl").is_file()}
    if "prompts" not in paths:
        raise DataError(
            "a folder to curate needs prompts.jsonl (prompt_id, domain, prompt)",
            path=data_dir / "prompts.jsonl",
        )
    tables = {name: read_table(path) for name, path in paths.items()}
    for name, path in paths.items():
        log.add_source(name, path, rows=len(tables[name]))
    prompts = tables["prompts"]
    require_columns(prompts, ("prompt_id", "domain", "prompt"), paths["prompts"])
    if "preferences" in tables:
        prefs = tables["preferences"].copy()
        prefs["prompt_id"] = preference_prompt_ids(
            prefs, tables.get("responses"), prompts
        ).to_numpy()
        tables["preferences"] = prefs
    check_prompt_ids(tables, paths)

    log.begin_step()
    before = _counts(tables)
    ids = prompts["prompt_id"].astype(str).tolist()
    texts = prompts["prompt"].astype(str).tolist()
    with phase(f"dedup: {len(ids)} prompts", enabled=progress):
        found = dedup(ids, texts, config.dedup)
    kept = set(found.kept_ids)
    tables = {
        name: frame[frame["prompt_id"].astype(str).isin(kept)].reset_index(drop=True)
        for name, frame in tables.items()
    }
    write_json(out / "dedup.json", found.to_json())
    log.add_step(
        "dedup",
        config.dedup.model_dump(),
        before,
        _counts(tables),
        {"n_exact": found.n_exact, "n_near": found.n_near},
    )

    log.begin_step()
    before = _counts(tables)
    check_holdout_domains(config.split, tables["prompts"]["domain"].astype(str))
    text_of = dict(
        zip(
            tables["prompts"]["prompt_id"].astype(str),
            tables["prompts"]["prompt"].astype(str),
            strict=True,
        )
    )
    finder = (
        text_leak_finder(text_of, partial(find_leaks, config=config.dedup))
        if config.leak_check
        else None
    )
    leaks = " with the leak check" if finder is not None else ""
    with phase(f"split: {len(tables['prompts'])} prompts{leaks}", enabled=progress):
        assignment = assign_splits(
            tables["prompts"], config.split, leaks=finder, group_col="prompt_id"
        )
        partitions = partition_tables(assignment, tables, key="prompt_id")
        split_manifest = write_split(
            out / "splits", partitions, assignment, config.split, inputs=paths
        )
    split_counts = {
        f"{split}/{name}": len(frame)
        for split, named in partitions.items()
        for name, frame in named.items()
    }
    log.add_step(
        "split",
        config.split.model_dump(),
        before,
        split_counts,
        {
            "holdout_domains": list(assignment.holdout_domains),
            "moved_to_train": len(assignment.moved),
        },
    )

    log.begin_step()
    with phase("audit", enabled=progress):
        report = audit(
            tables.get("prompts"),
            tables.get("responses"),
            tables.get("ratings"),
            tables.get("preferences"),
            config=config.audit,
        )
    write_json(out / "audit.json", report.to_dict())
    log.add_step(
        "audit",
        config.audit.model_dump(),
        _counts(tables),
        _counts(tables),
        {"passed": report.passed, "flagged": [c.name for c in report.flagged]},
    )
    manifest = log.to_json()
    write_json(out / "curation_manifest.json", manifest)
    return CurateRun(
        out=out, dedup=found, split_manifest=split_manifest, audit=report, manifest=manifest
    )


@dataclass(frozen=True)
class DedupRun:
    """What ``rewardkit data dedup`` wrote: the kept items' file and the dedup result."""

    out: Path
    kept_file: Path
    n_items: int
    n_kept: int
    result: DedupResult
    warnings: tuple[str, ...]


def run_dedup(
    data: Path,
    out: Path,
    config: DedupConfig,
    *,
    layout: str | None = None,
    split: str | None = None,
    skip_invalid: bool = False,
) -> DedupRun:
    """Drop exact and near-duplicate prompts of preference data; write the kept items
    (``<stem>.dedup.jsonl``) and ``dedup.json`` to ``out``, transactionally."""
    from rewardkit.curation.dedup import dedup_preferences
    from rewardkit.data.load import load_preferences
    from rewardkit.data.writers import write_preferences

    loaded = load_preferences(data, layout=layout, split=split, skip_invalid=skip_invalid)
    kept, result = dedup_preferences(loaded.items, config)
    name = f"{data.name.split('.')[0]}.dedup.jsonl"
    with StagedOutput(out, "dedup") as stage:
        write_preferences(kept, stage.path / name)
        write_json(stage.path / "dedup.json", result.to_json())
    return DedupRun(
        out, out / name, len(loaded.items), len(kept), result, tuple(loaded.report.warnings)
    )


def run_split(data_dir: Path, out: Path, config: SplitConfig, *, leak_check: bool = True) -> Path:
    """Split a demo-style folder (group-aware, domain-stratified, domain holdouts; with
    ``leak_check``, test prompts that near-duplicate a training prompt move to train) into
    ``out``, transactionally; returns the split manifest's path."""
    finder = None
    if leak_check:
        prompts = read_table(data_dir / "prompts.jsonl")
        require_columns(prompts, ("prompt_id", "domain", "prompt"), data_dir / "prompts.jsonl")
        text_of = dict(
            zip(prompts["prompt_id"].astype(str), prompts["prompt"].astype(str), strict=True)
        )
        finder = text_leak_finder(text_of, partial(find_leaks, config=DedupConfig()))
    with StagedOutput(out, "split") as stage:
        manifest = Path(split_demo_folder(data_dir, stage.path, config, leaks=finder))
    return out / manifest.relative_to(stage.path)


def run_audit(data_dir: Path, out: Path | None = None) -> AuditReport:
    """Audit a demo-style folder; with ``out``, write ``audit.json`` there transactionally."""
    from rewardkit.curation.audit import audit_demo_folder

    report = audit_demo_folder(data_dir)
    if out is not None:
        with StagedOutput(out, "audit") as stage:
            write_json(stage.path / "audit.json", report.to_dict())
    return report
