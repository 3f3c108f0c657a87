"""``rewardkit monitor``: drift of a deployed RM's scored log, alerts, continuous evaluation.

``rewardkit monitor --reference REF --current LOG --config monitor.yaml --out DIR`` writes
results.json, alerts.jsonl and report.html and prints each alert; with ``--fail-on-alert`` it
exits with code 1 when there is one (for cron and CI). ``rewardkit monitor evaluate`` runs the
benchmark suite once and appends to a history file; ``rewardkit monitor simulate`` writes
simulated traffic with planted drift and monitors it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from rewardkit.cli import options
from rewardkit.cli.app import ALLOW_PYTHON, app, console, warn
from rewardkit.config import EvalConfig, load_config
from rewardkit.errors import ConfigError
from rewardkit.monitor import MonitorConfig
from rewardkit.report.html.svg import fmt
from rewardkit.runs import default_run_dir

EXIT_ALERT = 1

monitor_app = typer.Typer(
    help="Drift monitoring of a deployed RM: windows of a scored log against a reference "
    "(PSI, KS, Wasserstein, shifts with CIs, accuracy per domain), alert rules with "
    "multiplicity control; 'evaluate' tracks benchmark results over versions.",
    invoke_without_command=True,
)
app.add_typer(monitor_app, name="monitor")


def alert_line(alert: dict[str, Any]) -> str:
    """One printed line per alert.

    Example:
        >>> alert_line({"window": 3, "start": "t", "metric": "score_psi", "segment": "math",
        ...     "effect": 0.31, "threshold": 0.1, "p_adjusted": 0.001, "n": 500})
        'ALERT window 3 (t): score_psi on math = 0.3100 >= 0.1 (adjusted p 0.0010, n 500)'
    """
    return (
        f"ALERT window {alert['window']} ({alert['start']}): {alert['metric']} on "
        f"{alert['segment']} = {fmt(alert['effect'])} >= {alert['threshold']:g} "
        f"(adjusted p {fmt(alert['p_adjusted'])}, n {alert['n']})"
    )


def _report(run_dir: Path, doc: dict[str, Any], fail_on_alert: bool) -> None:
    alerts = doc["alerts"]
    console.print(
        f"{len(doc['windows'])} window(s), {len(doc['segments']) - 1} domain(s); "
        f"{doc['multiplicity']['statement']}",
        highlight=False,
        soft_wrap=True,
    )
    for a in alerts:
        console.print(escape(alert_line(a)), highlight=False, soft_wrap=True)
    if not alerts:
        console.print("no alert", highlight=False)
    console.print(f"run directory: {run_dir}", soft_wrap=True)
    if alerts and fail_on_alert:
        raise typer.Exit(code=EXIT_ALERT)


@monitor_app.callback()
def monitor_command(
    ctx: typer.Context,
    reference: Path | None = typer.Option(
        None, "--reference", help="Reference scored log (JSONL, CSV or Parquet)."
    ),
    current: Path | None = typer.Option(None, "--current", help="Scored log to monitor."),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/monitor-<time>]."
    ),
    window_by: str | None = typer.Option(
        None, "--window-by", help="count or time [default: count]."
    ),
    window_size: int | None = typer.Option(
        None, "--window-size", help="Rows per window with --window-by count [default: 1000]."
    ),
    window_every: str | None = typer.Option(
        None,
        "--window-every",
        help="Window length with --window-by time, e.g. 1D, 6h [default: 1D].",
    ),
    alpha: float | None = typer.Option(
        None, "--alpha", help="False-alarm rate of a run (any alert) [default: 0.05]."
    ),
    correction: str | None = typer.Option(
        None, "--correction", help="holm, bh or none [default: holm]."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Bootstrap seed [default: 0]."),
    bootstrap: int | None = typer.Option(
        None, "--bootstrap", help="Bootstrap resamples [default: 1000]."
    ),
    fail_on_alert: bool = typer.Option(
        False, "--fail-on-alert", help=f"Exit with code {EXIT_ALERT} when an alert fires."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="YAML file of the monitor options and alert rules."
    ),
) -> None:
    """Compare each window of --current with --reference and raise the alerts of the rules;
    writes manifest.json, results.json, alerts.jsonl and report.html."""
    if ctx.invoked_subcommand is not None:
        return
    if reference is None or current is None:
        raise ConfigError("give --reference REF and --current LOG (or a subcommand)")
    from rewardkit.jobs.monitor import run_monitor

    cfg = load_config(
        MonitorConfig,
        config,
        {
            "window_by": window_by,
            "window_size": window_size,
            "window_every": window_every,
            "alpha": alpha,
            "correction": correction,
            "seed": seed,
            "bootstrap": bootstrap,
        },
    )
    run = run_monitor(reference, current, out or default_run_dir("monitor"), cfg)
    _report(run.run_dir, run.results_json, fail_on_alert)


@monitor_app.command("evaluate")
def evaluate_command(
    model: str = typer.Option(..., "--model", help=options.model_help()),
    benchmark: list[str] = typer.Option(
        ..., "--benchmark", help="A built-in benchmark or a YAML spec; repeat for several."
    ),
    data: list[Path] = typer.Option(
        ..., "--data", help="One --data per --benchmark, in the same order."
    ),
    history: Path = typer.Option(
        Path("runs/monitor-history.jsonl"),
        "--history",
        help="History file (JSONL) the run is appended to.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory of this evaluation [default: runs/eval-<time>]."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Bootstrap seed [default: 0]."),
    bootstrap: int | None = typer.Option(
        None, "--bootstrap", help="Bootstrap resamples [default: 1000]."
    ),
    batch_size: int | None = options.BATCH_SIZE,
    cache: str | None = options.CACHE,
    no_cache: bool | None = options.NO_CACHE,
    max_length: int | None = options.MAX_LENGTH,
    device: str | None = options.DEVICE,
    allow_python: bool | None = ALLOW_PYTHON,
    config: Path | None = typer.Option(None, "--config", help="YAML file of the eval options."),
) -> None:
    """Run the benchmarks once (call it from cron for a schedule) and append each benchmark's
    overall score and robustness gap, with CIs, to --history."""
    from rewardkit.benchmarks import load_spec
    from rewardkit.jobs.monitor import run_monitor_evaluate
    from rewardkit.jobs.suite import SuiteEntry

    if len(benchmark) != len(data):
        raise ConfigError(f"{len(benchmark)} --benchmark but {len(data)} --data")
    cfg = load_config(
        EvalConfig,
        config,
        {
            "seed": seed,
            "bootstrap": bootstrap,
            "batch_size": batch_size,
            "cache": cache,
            "no_cache": no_cache,
        },
    )
    entries = [SuiteEntry(spec=load_spec(n), data=d) for n, d in zip(benchmark, data, strict=True)]
    model_options = {"max_length": max_length, "device": device, "allow_python": allow_python}
    suite, entry = run_monitor_evaluate(
        entries,
        model,
        cfg,
        out or default_run_dir("eval"),
        history,
        model_options=model_options,
    )
    for name, overall in entry["benchmarks"].items():
        for label, est in overall.items():
            lo, hi = (fmt(x) for x in est["ci"])
            console.print(
                escape(f"{name} {label}: {fmt(est['value'])} [{lo}, {hi}] (n {est['n']})"),
                highlight=False,
            )
    for name, gap in entry["robustness_gap"].items():
        lo, hi = (fmt(x) for x in gap["ci"])
        console.print(
            escape(f"robustness gap of {name}: {fmt(gap['value'])} [{lo}, {hi}]"), highlight=False
        )
    for message in suite.warnings:
        warn(message)
    console.print(f"appended to {history}", soft_wrap=True)


@monitor_app.command("simulate")
def simulate_command(
    out: Path = typer.Option(..., "--out", help="Folder for traffic/ and monitor/."),
    seed: int = typer.Option(0, "--seed", help="Seed of the traffic."),
    n_windows: int = typer.Option(10, "--n-windows", help="Windows of the current log."),
    window_size: int = typer.Option(1000, "--window-size", help="Rows per window."),
    drift_at: int = typer.Option(6, "--drift-at", help="First drifted window."),
    shift_sd: float = typer.Option(0.5, "--shift-sd", help="Score shift in reference sds."),
    accuracy_drop: float = typer.Option(0.1, "--accuracy-drop", help="Accuracy drop."),
    mix_share: float = typer.Option(0.5, "--mix-share", help="Share of the rising domain."),
    fail_on_alert: bool = typer.Option(False, "--fail-on-alert", help="Exit 1 on an alert."),
) -> None:
    """Simulated deployment traffic (demo prompts and responses) with a domain-mix shift, a
    score shift and an accuracy drop planted at --drift-at, then monitored."""
    from rewardkit.jobs.monitor import run_monitor_demo
    from rewardkit.monitor.simulate import TrafficConfig

    traffic = TrafficConfig(
        seed=seed,
        n_windows=n_windows,
        window_size=window_size,
        drift_at=drift_at,
        shift_sd=shift_sd,
        accuracy_drop=accuracy_drop,
        mix_share=mix_share,
    )
    run, truth = run_monitor_demo(out, traffic)
    console.print(
        escape(
            f"planted at window {truth['drift_at']}: {truth['mix_domain']} share -> "
            f"{truth['mix_share']:g}, {truth['shift_domain']} scores +{truth['shift_sd']:g} sd, "
            f"accuracy -{truth['accuracy_drop']:g}"
        ),
        highlight=False,
        soft_wrap=True,
    )
    _report(run.run_dir, run.results_json, fail_on_alert)
