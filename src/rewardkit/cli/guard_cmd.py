"""``rewardkit guard run|eval|variants`` and ``rewardkit redteam``: guardrail checks with
measured error rates, and red-team evaluation of models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.cli.app import ALLOW_PYTHON, app, console
from rewardkit.runs import default_run_dir

guard_app = typer.Typer(
    help="Guardrails: run a guard policy (refusal, toxicity, PII, compliance rules, RM gate) "
    "over responses, measure its checks against human labels, make adversarial prompt variants.",
    no_args_is_help=True,
)
app.add_typer(guard_app, name="guard")

CONFIG = typer.Option(None, "--config", help="YAML file of the options (see configs/guard.yaml).")
BOOTSTRAP = typer.Option(None, "--bootstrap", help="Resamples [default: 1000].")
CONFIDENCE = typer.Option(None, "--confidence", help="CI level [default: 0.95].")
SEED = typer.Option(None, "--seed", help="Seed of the bootstrap and the variants [default: 0].")
TEXT_COLUMN = typer.Option(
    None,
    "--text-column",
    help="Column of the response text [default: the first of response, completion, text, output].",
)


def _cfg(config: Path | None, values: dict[str, Any]) -> Any:
    from rewardkit.config import load_config
    from rewardkit.guard.config import GuardConfig

    text = values.pop("text_column", None)
    if text is not None:
        values["text_columns"] = [text]
    return load_config(GuardConfig, config, values)


def _pct(est: dict[str, Any]) -> str:
    v, (lo, hi) = est["value"], est["ci"]
    if v is None:
        return "n/a"
    ci = "" if lo is None else f" [{100 * lo:.1f}, {100 * hi:.1f}]"
    return f"{100 * v:.1f}%{ci}"


@guard_app.command("run")
def run_command(
    policy: Path = typer.Option(
        ..., "--policy", help="Guard policy YAML (see configs/guard.yaml)."
    ),
    data: list[Path] = typer.Option(..., "--data", help="Responses table (repeat for more files)."),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/guard-<time>]."
    ),
    text_column: str | None = TEXT_COLUMN,
    bootstrap: int | None = BOOTSTRAP,
    confidence: float | None = CONFIDENCE,
    seed: int | None = SEED,
    allow_python: bool | None = ALLOW_PYTHON,
    config: Path | None = CONFIG,
) -> None:
    """Check every response with the policy: block and flag rates per check and overall, with
    CIs, by file, domain and type; every blocked item with its reasons (results.json)."""
    from rewardkit.jobs.guard import run_guard

    cfg = _cfg(
        config,
        {
            "bootstrap": bootstrap,
            "confidence": confidence,
            "seed": seed,
            "text_column": text_column,
            "allow_python": allow_python,
        },
    )
    res = run_guard(policy, data, cfg, out or default_run_dir("guard"))
    doc = res.results_json
    table = Table(
        title=f"{doc['n_items']} responses ({cfg.confidence:.0%} CIs)", title_justify="left"
    )
    for col in ("check", "type", "action", "tripped", "rate"):
        table.add_column(col, justify="right" if col in ("tripped", "rate") else "left")
    for c in doc["checks"]:
        table.add_row(
            escape(c["name"]),
            c["type"],
            c["action"],
            str(c["n_tripped"]),
            _pct(c["trip_rate"]["all"]),
        )
    o = doc["overall"]
    table.add_row("policy: blocked", "", "", str(o["n_blocked"]), _pct(o["block_rate"]["all"]))
    table.add_row("policy: flagged", "", "", str(o["n_flagged"]), _pct(o["flag_rate"]["all"]))
    console.print(table)
    console.print(f"run directory: {escape(str(res.run_dir))}", highlight=False)


@guard_app.command("eval")
def eval_command(
    policy: Path = typer.Option(..., "--policy", help="Guard policy YAML."),
    data: list[Path] = typer.Option(
        ..., "--data", help="Responses with a human label column (repeat: one group per file)."
    ),
    label_column: str | None = typer.Option(
        None, "--label-column", help="Column of the human label (required here)."
    ),
    positive: list[str] | None = typer.Option(
        None,
        "--positive",
        help="Label value meaning the check should trip (repeat) [default: 1, true, yes, "
        "unsafe, block, blocked, toxic].",
    ),
    check: list[str] | None = typer.Option(
        None, "--check", help="Evaluate only this check of the policy (repeat) [default: all]."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/guard-eval-<time>]."
    ),
    text_column: str | None = TEXT_COLUMN,
    bootstrap: int | None = BOOTSTRAP,
    confidence: float | None = CONFIDENCE,
    seed: int | None = SEED,
    allow_python: bool | None = ALLOW_PYTHON,
    config: Path | None = CONFIG,
) -> None:
    """Each check against human labels: precision, recall, false-block rate on safe items and
    miss rate on unsafe items with CIs (per file and group), ROC/PR sweeps of scored checks,
    and paired comparisons (McNemar) of every two checks."""
    from rewardkit.jobs.guard import eval_guard

    cfg = _cfg(
        config,
        {
            "bootstrap": bootstrap,
            "confidence": confidence,
            "seed": seed,
            "text_column": text_column,
            "allow_python": allow_python,
            "label_column": label_column,
            "positive_labels": positive or None,
        },
    )
    res = eval_guard(policy, data, cfg, out or default_run_dir("guard-eval"), checks=check)
    doc = res.results_json
    table = Table(
        title=f"{doc['n_items']} items, {doc['n_positive']} positive ({cfg.confidence:.0%} CIs)",
        title_justify="left",
    )
    for col in ("check", "precision", "recall", "false block (safe)", "miss (unsafe)", "ROC AUC"):
        table.add_column(col, justify="left" if col == "check" else "right")
    for c in doc["checks"]:
        m = c["metrics"]["all"]
        auc = c["sweep"]["roc"]["auc"] if c["sweep"] else None
        table.add_row(
            escape(c["name"]),
            _pct(m["precision"]),
            _pct(m["recall"]),
            _pct(m["false_block_rate"]),
            _pct(m["miss_rate"]),
            "n/a" if auc is None else f"{auc:.3f}",
        )
    console.print(table)
    for comp in doc["comparisons"]:
        acc = comp["accuracy"]
        console.print(
            f"{escape(comp['a'])} vs {escape(comp['b'])}: accuracy difference "
            f"{_pct(acc['difference'])}, McNemar p = {acc['mcnemar']['p_value']:.3g}: "
            f"{escape(comp['verdict'])}",
            highlight=False,
        )
    console.print(f"run directory: {escape(str(res.run_dir))}", highlight=False)


@guard_app.command("variants")
def variants_command(
    prompts: Path = typer.Option(..., "--prompts", help="Prompts table (id, prompt, ...)."),
    out: Path = typer.Option(..., "--out", help="Variants file to write (.csv, .jsonl, .parquet)."),
    kind: list[str] | None = typer.Option(
        None,
        "--kind",
        help="Variant kind (repeat): typos, roleplay, leetspeak, spaced, base64 [default: all].",
    ),
    seed: int | None = SEED,
    config: Path | None = CONFIG,
) -> None:
    """Deterministic adversarial variants of red-team prompts (same seed, same variants)."""
    from rewardkit.jobs.guard import write_variants

    cfg = _cfg(config, {"seed": seed})
    frame = write_variants(prompts, out, cfg, kinds=kind)
    console.print(f"{len(frame)} variants written to {escape(str(out))}", highlight=False)


@app.command("redteam")
def redteam_command(
    responses: list[Path] = typer.Option(
        ..., "--responses", help="One model's responses per file (repeat for more models)."
    ),
    prompts: Path | None = typer.Option(
        None, "--prompts", help="Prompts table (id, label safe/unsafe, type) the responses answer."
    ),
    label_column: str | None = typer.Option(
        None,
        "--label-column",
        help="Human label of refusal in the responses (e.g. final_label) [default: decide with "
        "a refusal check].",
    ),
    policy: Path | None = typer.Option(
        None, "--policy", help="Guard policy whose refusal check decides refusal."
    ),
    refusal_check: str | None = typer.Option(
        None, "--refusal-check", help="Name of that check [default: the policy's only one]."
    ),
    strip_id_prefix: str | None = typer.Option(
        None, "--strip-id-prefix", help="Removed from response ids before joining --prompts."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/redteam-<time>]."
    ),
    text_column: str | None = TEXT_COLUMN,
    bootstrap: int | None = BOOTSTRAP,
    confidence: float | None = CONFIDENCE,
    seed: int | None = SEED,
    allow_python: bool | None = ALLOW_PYTHON,
    config: Path | None = CONFIG,
) -> None:
    """Per model: violation rate (complied with unsafe prompts) and over-refusal rate (refused
    safe prompts) with CIs; paired comparisons of every two models (McNemar, Holm-adjusted)."""
    from rewardkit.jobs.redteam import run_redteam

    cfg = _cfg(
        config,
        {
            "bootstrap": bootstrap,
            "confidence": confidence,
            "seed": seed,
            "text_column": text_column,
            "allow_python": allow_python,
            "label_column": label_column,
            "refusal_check": refusal_check,
            "strip_id_prefix": strip_id_prefix,
        },
    )
    res = run_redteam(
        responses, cfg, out or default_run_dir("redteam"), prompts=prompts, policy=policy
    )
    doc = res.results_json
    table = Table(
        title=f"refusal by {doc['refusal_decided_by']} ({cfg.confidence:.0%} CIs)",
        title_justify="left",
    )
    for col in ("model", "refused safe", "over-refusal", "complied unsafe", "violation"):
        table.add_column(col, justify="left" if col == "model" else "right")
    for m in doc["models"]:
        table.add_row(
            escape(m["model"]),
            f"{m['safe']['refused']}/{m['safe']['n']}",
            _pct(m["over_refusal_rate"]),
            f"{m['unsafe']['complied']}/{m['unsafe']['n']}",
            _pct(m["violation_rate"]),
        )
    console.print(table)
    for c in doc["comparisons"]:
        parts = []
        for metric in ("over_refusal_rate", "violation_rate"):
            comp = c[metric]
            if comp is not None:
                parts.append(
                    f"{metric.replace('_', ' ')} diff {_pct(comp['difference'])} "
                    f"(Holm p = {comp['mcnemar']['p_holm']:.3g})"
                )
        console.print(
            f"{escape(c['a'])} - {escape(c['b'])}: {escape('; '.join(parts))}", highlight=False
        )
    console.print(f"run directory: {escape(str(res.run_dir))}", highlight=False)
