"""``rewardkit data dedup|split|audit|curate``: curation commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.cli import options
from rewardkit.cli.app import console, data_notes, warn
from rewardkit.cli.data_cmd import data_app
from rewardkit.config import load_config
from rewardkit.runs import default_run_dir

SeedOption = typer.Option(None, "--seed", help="Seed of the split [default: 0].")


def audit_table(report: Any) -> Table:
    table = Table(title="audit", title_justify="left")
    for name in ("check", "value", "threshold", "result", "detail"):
        table.add_column(name, justify="right" if name == "value" else "left")
    for check in report.checks:
        table.add_row(
            escape(check.name),
            f"{check.value:.3f}",
            escape(str(check.threshold)),
            "pass" if check.passed else "[yellow]FLAG[/yellow]",
            escape(check.detail),
        )
    return table


@data_app.command("dedup")
def dedup_command(
    data: Path = typer.Option(..., "--data", help="Preference data (any layout rewardkit reads)."),
    out: Path = typer.Option(..., "--out", help="Folder for the kept items and dedup.json."),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Jaccard threshold [default: 0.8]."
    ),
    shingle: str | None = typer.Option(None, "--shingle", help="word or char [default: word]."),
    shingle_size: int | None = typer.Option(None, "--shingle-size", help="Shingle n [default: 3]."),
    num_perm: int | None = typer.Option(
        None, "--num-perm", help="MinHash permutations [default: 128]."
    ),
    layout: str | None = options.LAYOUT,
    split: str | None = options.SPLIT,
    skip_invalid: bool | None = options.SKIP_INVALID,
) -> None:
    """Remove exact (after normalisation) and near-duplicate prompts (MinHash LSH); every
    removed item is listed in dedup.json with what it duplicates and how similar it is."""
    from rewardkit.curation.dedup import DedupConfig
    from rewardkit.jobs.curate import run_dedup

    cfg = load_config(
        DedupConfig,
        None,
        {
            "threshold": threshold,
            "shingle": shingle,
            "shingle_size": shingle_size,
            "num_perm": num_perm,
        },
    )
    run = run_dedup(data, out, cfg, layout=layout, split=split, skip_invalid=bool(skip_invalid))
    data_notes(run.warnings)
    console.print(
        f"{run.n_items} items, {run.n_kept} kept; prompts removed: {run.result.n_exact} "
        f"exact and {run.result.n_near} near duplicates (dedup.json)",
        highlight=False,
    )
    console.print(f"output: {out}", soft_wrap=True)


@data_app.command("split")
def split_command(
    data_dir: Path = typer.Option(
        ...,
        "--data-dir",
        help="Demo-style folder (prompts.jsonl "
        "with prompt_id, domain, prompt; responses, ratings, ...).",
    ),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    test_share: float | None = typer.Option(None, "--test-share", help="[default: 0.2]"),
    validation_share: float | None = typer.Option(None, "--validation-share", help="[default: 0]"),
    seed: int | None = SeedOption,
    holdout_domain: list[str] | None = typer.Option(
        None, "--holdout-domain", help="Domain held out entirely (repeatable)."
    ),
    holdout_domains: int | None = typer.Option(
        None, "--holdout-domains", help="Number of further domains drawn by the seed to hold out."
    ),
    leak_check: bool = typer.Option(
        True,
        "--leak-check/--no-leak-check",
        help="Move test prompts that near-duplicate a training prompt to train.",
    ),
) -> None:
    """Group-aware, domain-stratified split with domain holdouts; writes the split files and a
    manifest of their ids and hashes."""
    from rewardkit.curation.splits import SplitConfig
    from rewardkit.jobs.curate import run_split

    cfg = load_config(
        SplitConfig,
        None,
        {
            "test_share": test_share,
            "validation_share": validation_share,
            "seed": seed,
            "holdout_domains": holdout_domain or None,
            "n_holdout_domains": holdout_domains,
        },
    )
    manifest = run_split(data_dir, out, cfg, leak_check=leak_check)
    console.print(f"split manifest: {manifest}", soft_wrap=True)


@data_app.command("audit")
def audit_command(
    data_dir: Path = typer.Option(..., "--data-dir", help="Demo-style folder to audit."),
    out: Path | None = typer.Option(None, "--out", help="Write audit.json here."),
) -> None:
    """Coverage, source mix, annotator load and leniency, label distributions and length bias;
    each check states its threshold and passes or flags."""
    from rewardkit.jobs.curate import run_audit

    report = run_audit(data_dir, out)
    console.print(audit_table(report))
    if not report.passed:
        warn(
            f"{len(report.flagged)} check(s) flagged: " + ", ".join(c.name for c in report.flagged)
        )


@data_app.command("curate")
def curate_command(
    config: Path | None = typer.Option(
        None,
        "--config",
        help="curate.yaml (see configs/curate.yaml); its relative paths start at the current "
        "directory.",
    ),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Folder to curate [default: data_dir of the config]."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Output folder [default: out of the config, else runs/curate-<time>]."
    ),
) -> None:
    """Dedup, split and audit in order, writing a provenance manifest (sources with sha256 and
    row counts, each step's parameters and counts in and out, software versions)."""
    from rewardkit.errors import ConfigError
    from rewardkit.jobs.curate import CurateConfig, run_curate

    cfg = load_config(
        CurateConfig,
        config,
        {"data_dir": str(data_dir) if data_dir else None, "out": str(out) if out else None},
    )
    if cfg.data_dir is None:
        raise ConfigError("no folder to curate: pass --data-dir or set data_dir in the config")
    # Relative paths, from the command line or the config file, start at the current
    # directory (as --out always did), not at the config file's folder.
    source = Path(cfg.data_dir)
    target = Path(cfg.out) if cfg.out else default_run_dir("curate")
    run = run_curate(source, target, cfg)
    console.print(
        f"dedup: {run.dedup.n_exact} exact and {run.dedup.n_near} near-duplicate prompts removed",
        highlight=False,
    )
    console.print(audit_table(run.audit))
    if not run.audit.passed:
        warn(
            f"{len(run.audit.flagged)} audit check(s) flagged: "
            + ", ".join(c.name for c in run.audit.flagged)
        )
    console.print(
        f"curated data: {run.out} (curation_manifest.json, splits/, dedup.json, audit.json)",
        soft_wrap=True,
    )
