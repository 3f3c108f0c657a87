"""``rewardkit bon``: best-of-N overoptimization of proxy RMs against a gold signal (gamma)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.cli import options
from rewardkit.cli.app import ALLOW_PYTHON, app, console, data_notes, warn
from rewardkit.config import load_config
from rewardkit.report.html.svg import fmt
from rewardkit.rl.bon.config import BonConfig
from rewardkit.runs import default_run_dir


def _ci(est: dict[str, Any], digits: int = 4, none: str = "n/a") -> str:
    lo, hi = (none if x is None else fmt(x, digits) for x in est["ci"])
    return escape(f"[{lo}, {hi}]")


def _peak(fit: dict[str, Any]) -> tuple[str, str, str]:
    """A null peak (or CI end) is unbounded: beta <= 0, the fitted curve never turns over."""
    peak = fit["peak_d"]
    n = fit.get("peak_n")
    value = "inf" if peak["value"] is None else fmt(peak["value"], 3)
    if n is None:
        return value, _ci(peak, 3, none="inf"), "-"
    # A peak far beyond the data (n in the millions and up) is an extrapolation: say so.
    return value, _ci(peak, 3, none="inf"), f"{n:.3g}" if n < 1e6 else ">1e6"


def gamma_table(
    title: str, rows: list[tuple[str, dict[str, Any]]], label: str, confidence: float
) -> Table:
    table = Table(title=title, title_justify="left")
    for column in (label, "prompts", "gamma", f"{confidence:.0%} CI", "peak d*", "CI", "peak n"):
        table.add_column(column, justify="left" if column == label else "right")
    for name, entry in rows:
        gamma = entry["gamma"]
        table.add_row(
            escape(name),
            str(gamma["n"]),
            fmt(gamma["value"]),
            _ci(gamma),
            *_peak(entry["fits"]["proxy"]),
        )
    return table


@app.command("bon")
def bon_command(
    data: Path = typer.Option(
        ..., "--data", help="Candidates: items with N >= 2 responses each (any preference layout)."
    ),
    proxy: list[str] = typer.Option(
        ..., "--proxy", help=options.model_help("Proxy RM spec (repeat to compare several)")
    ),
    gold: str | None = typer.Option(None, "--gold", help=options.model_help("Gold RM spec")),
    gold_scores: str | None = typer.Option(
        None,
        "--gold-scores",
        help="Gold scores: a file (item_id, response_index or response, score; or item_id, "
        "scores), 'from-data' (the items' chosen_scores/rejected_scores) or 'from-labels' "
        "(1 chosen, 0 rejected).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/bon-<time>]."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Bootstrap seed [default: 0]."),
    bootstrap: int | None = typer.Option(
        None, "--bootstrap", help="Bootstrap resamples of the prompts [default: 1000]."
    ),
    confidence: float | None = typer.Option(None, "--confidence", help="CI level [default: 0.95]."),
    n_max: int | None = typer.Option(
        None, "--n-max", help="Largest n of the curves [default: the largest N]."
    ),
    group_by: list[str] | None = typer.Option(
        None, "--group-by", help="domain and/or subset (repeat) [default: both]."
    ),
    batch_size: int | None = options.BATCH_SIZE,
    max_tokens: int | None = options.MAX_TOKENS,
    cache: str | None = options.CACHE,
    no_cache: bool | None = options.NO_CACHE,
    executor: str | None = options.EXECUTOR,
    layout: str | None = options.LAYOUT,
    split: str | None = options.SPLIT,
    skip_invalid: bool | None = options.SKIP_INVALID,
    max_length: int | None = options.MAX_LENGTH,
    dtype: str | None = options.DTYPE,
    device: str | None = options.DEVICE,
    trust_remote_code: bool | None = options.TRUST_REMOTE_CODE,
    allow_python: bool | None = ALLOW_PYTHON,
    config: Path | None = typer.Option(None, "--config", help="YAML file of the bon options."),
) -> None:
    """Best-of-n curves (unbiased estimator over the N candidates), fits of
    R(d) = d(alpha - beta d), the proxy's peak and gamma, with bootstrap CIs over prompts;
    writes manifest.json, results.json, bon_scores.parquet and report.html."""
    from rewardkit.jobs.bon import run_bon

    cfg = load_config(
        BonConfig,
        config,
        {
            "seed": seed,
            "bootstrap": bootstrap,
            "confidence": confidence,
            "n_max": n_max,
            "group_by": tuple(group_by) if group_by else None,
            "batch_size": batch_size,
            "max_tokens": max_tokens,
            "cache": cache,
            "no_cache": no_cache,
            "executor": executor,
            "layout": layout,
            "split": split,
            "skip_invalid": skip_invalid,
        },
    )
    model_options = {
        "max_length": max_length,
        "dtype": dtype,
        "device": device,
        "trust_remote_code": trust_remote_code,
        "allow_python": allow_python,
    }
    run = run_bon(
        data,
        proxy,
        out or default_run_dir("bon"),
        gold=gold,
        gold_scores=gold_scores,
        config=cfg,
        model_options=model_options,
    )
    res = run.results_json
    data_notes(res["data"].get("warnings", []))
    for name, scoring in run.scoring.items():
        if scoring.n_truncated:
            warn(f"{scoring.n_truncated} input(s) scored by {name} were truncated to --max-length")
    entries = res["proxies"]
    console.print(
        gamma_table(
            f"best-of-n on {data.name}: {res['data']['n_prompts']} prompts, "
            f"N up to {len(res['curves']['n'])}",
            [(e["spec"], e) for e in entries],
            "proxy",
            cfg.confidence,
        )
    )
    for c in res["comparisons"]:
        diff = c["gamma_difference"]
        console.print(
            f"gamma({escape(c['a'])}) - gamma({escape(c['b'])}): {fmt(diff['value'])} "
            f"{_ci(diff)} (paired)",
            highlight=False,
        )
    for e in entries:
        for kind, by_name in e["groups"].items():
            console.print(
                gamma_table(f"{e['spec']} by {kind}", list(by_name.items()), kind, cfg.confidence)
            )
    console.print(f"run directory: {run.run_dir}", soft_wrap=True)
