"""``rewardkit judge rate|agree``: LLM judges as annotators, and judge-vs-human agreement."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.cli.app import app, console, warn
from rewardkit.errors import ConfigError
from rewardkit.metrics import Estimate
from rewardkit.runs import default_run_dir

judge_app = typer.Typer(
    help="LLM judges over an OpenAI-compatible endpoint: ratings and both-orders comparisons "
    "as an annotator, position bias, and agreement of judge labels with human labels.",
    no_args_is_help=True,
)
app.add_typer(judge_app, name="judge")


def _num(x: float) -> str:
    return "n/a" if x != x else f"{x:.4f}"


def _ci(est: Estimate) -> str:
    return "" if est.ci_low != est.ci_low else f"[{_num(est.ci_low)}, {_num(est.ci_high)}]"


def _usage_line(usage: dict[str, Any]) -> str:
    parts = [
        f"{usage['n_questions']} questions",
        f"{usage['n_requests']} HTTP requests",
        f"{usage['n_cached']} answers from cache",
        f"{usage['n_repairs']} repair questions",
        f"{usage['n_unreadable']} unreadable",
        f"{usage['prompt_tokens']} + {usage['completion_tokens']} tokens sent + received",
    ]
    if usage["cost_usd"] is not None:
        parts.append(f"cost ${usage['cost_usd']:.4f}")
    return "judge: " + ", ".join(parts)


@judge_app.command("rate")
def rate_command(
    data: Path = typer.Option(
        ...,
        "--data",
        help="Responses table (item_id, response or text, prompt or prompt_id with --prompts) "
        "or preference data (chosen/rejected, any layout eval reads).",
    ),
    model: str = typer.Option(
        ...,
        "--model",
        help="judge:NAME (NAME: the model the endpoint serves) or a YAML model spec naming one "
        "(its judge: mapping sets the options below).",
    ),
    out: Path = typer.Option(
        ...,
        "--out",
        help="CSV to write: ratings long form (absolute) or comparisons long form (pairwise), "
        "with the judge as annotator.",
    ),
    run_dir: Path | None = typer.Option(
        None, "--run-dir", help="Run directory [default: runs/judge-<time>]."
    ),
    prompts: Path | None = typer.Option(
        None, "--prompts", help="Prompts table (prompt_id, prompt[, domain]) of --data."
    ),
    human_ratings: Path | None = typer.Option(
        None,
        "--human-ratings",
        help="Human ratings (long form) to write into --out beside the judge's, so "
        "'annotations agree --ratings OUT' gives judge-vs-human alpha and kappa.",
    ),
    judge_url: str | None = typer.Option(
        None, "--judge-url", help="Base URL of the API [default: http://127.0.0.1:8000/v1]."
    ),
    api_key_env: str | None = typer.Option(
        None,
        "--api-key-env",
        help="Environment variable holding the API key (its value is never written).",
    ),
    mode: str | None = typer.Option(
        None, "--mode", help="pairwise (both orders) or absolute (1-5 rubric) [default: pairwise]."
    ),
    criterion: list[str] | None = typer.Option(
        None,
        "--criterion",
        help="Criterion to rate, absolute mode (repeat) [default: usefulness, factuality, "
        "safety, alignment].",
    ),
    template: str | None = typer.Option(
        None, "--template", help="YAML prompt template [default: the shipped one]."
    ),
    structured: str | None = typer.Option(
        None,
        "--structured",
        help="auto (JSON schema, pattern when the server ignores it), json or pattern "
        "[default: auto].",
    ),
    logprobs: bool | None = typer.Option(
        None,
        "--logprobs/--no-logprobs",
        help="Ask for log-probabilities: expected 1-5 score (G-Eval) [default: --logprobs].",
    ),
    temperature: float | None = typer.Option(
        None, "--temperature", help="Sampling temperature [default: 0]."
    ),
    max_tokens: int | None = typer.Option(
        None, "--max-tokens", help="Tokens per answer [default: 512]."
    ),
    concurrency: int | None = typer.Option(
        None, "--concurrency", help="Requests in flight at most [default: 4]."
    ),
    retries: int | None = typer.Option(
        None, "--retries", help="Retries after 429, 5xx and timeouts [default: 4]."
    ),
    timeout: float | None = typer.Option(
        None, "--timeout", help="Seconds per request [default: 120]."
    ),
    annotator: str | None = typer.Option(
        None, "--annotator", help="The judge's annotator_id [default: judge:NAME]."
    ),
    tie_value: float | None = typer.Option(
        None,
        "--tie-value",
        min=0.0,
        max=1.0,
        help="Credit of a tie (or inconsistent) outcome in pairwise accuracy [default: 0].",
    ),
    bootstrap: int | None = typer.Option(None, "--bootstrap", help="Resamples [default: 1000]."),
    confidence: float | None = typer.Option(None, "--confidence", help="CI level [default: 0.95]."),
    seed: int | None = typer.Option(None, "--seed", help="Bootstrap seed [default: 0]."),
    cache: str | None = typer.Option(
        None,
        "--cache",
        help="Score cache file, which also keeps the judge's answers [default: "
        "$REWARDKIT_CACHE or ~/.cache/rewardkit/scores.sqlite].",
    ),
    no_cache: bool | None = typer.Option(
        None, "--no-cache", help="Ask every question afresh and keep no answer."
    ),
    layout: str | None = typer.Option(None, "--layout", help="Layout of preference data."),
    split: str | None = typer.Option(None, "--split", help="Split of a dataset folder."),
    config: Path | None = typer.Option(
        None, "--config", help="YAML file of these options (see configs/judge.yaml)."
    ),
) -> None:
    """Ask an LLM judge to rate responses (absolute: one 1-5 score per criterion) or compare
    them (pairwise: both orders, inconsistent verdicts are ties); writes the ratings or
    comparisons with the judge as annotator, the raw judge text of every verdict
    (judgments.parquet), the position bias and accuracy with CIs, tokens and cost."""
    from rewardkit.config import load_config
    from rewardkit.jobs.judge import run_rate
    from rewardkit.judges import JudgeConfig

    overrides: dict[str, Any] = {
        "seed": seed,
        "bootstrap": bootstrap,
        "confidence": confidence,
        "criteria": criterion or None,
        "tie_value": tie_value,
        "annotator": annotator,
        "cache": cache,
        "no_cache": no_cache,
        "layout": layout,
        "split": split,
    }
    cfg = load_config(JudgeConfig, config, overrides)
    judge_overrides = {
        "url": judge_url,
        "api_key_env": api_key_env,
        "mode": mode,
        "template": template,
        "structured": structured,
        "logprobs": logprobs,
        "temperature": temperature,
        "max_tokens": max_tokens,
        "concurrency": concurrency,
        "retries": retries,
        "timeout": timeout,
    }
    folder = run_dir or default_run_dir("judge")
    if out.resolve().is_relative_to(folder.resolve()):
        raise ConfigError(
            f"--out {out}: put it outside --run-dir {folder} (a run directory is replaced "
            "as a whole when the run completes)"
        )
    run = run_rate(
        data,
        model,
        cfg,
        out,
        folder,
        prompts=prompts,
        human_ratings=human_ratings,
        judge_overrides=judge_overrides,
    )
    results = run.results_json
    if run.ratings is not None:
        table = Table(title=f"{results['model']}: 1-5 ratings", title_justify="left")
        for column in ("criterion", "rated", "unreadable", "mean score", "mean expected"):
            table.add_column(column, justify="left" if column == "criterion" else "right")
        for name, row in run.ratings.by_criterion.items():
            mean, expected = row["mean_score"], row["mean_expected"]
            table.add_row(
                escape(name),
                str(row["n_rated"]),
                str(row["n_unreadable"]),
                "n/a" if mean is None else f"{mean:.3f}",
                "n/a" if expected is None else f"{expected:.3f}",
            )
        console.print(table)
    if run.pairwise is not None:
        pw = run.pairwise
        table = Table(title=f"{results['model']}: both-orders verdicts", title_justify="left")
        for column in ("measure", "value", f"{cfg.confidence:.0%} CI", "n"):
            table.add_column(column, justify="left" if column == "measure" else "right")
        rows: list[tuple[str, Estimate]] = []
        if pw.accuracy is not None:
            rows.append((f"accuracy (a tie earns {pw.tie_value:g})", pw.accuracy))
        pos = pw.position
        rows += [
            ("position-consistent", pos.consistency),
            ("position bias (verdict follows the position)", pos.position_bias),
            ("  prefers the first position", pos.prefers_first),
            ("  prefers the second position", pos.prefers_second),
        ]
        for label, est in rows:
            table.add_row(label, _num(est.value), _ci(est), str(est.n))
        console.print(table)
        counts = pw.outcomes
        console.print(
            f"outcomes: {counts['x']} first response, {counts['y']} second, {counts['tie']} tie "
            f"(inconsistent verdicts count as ties); {pos.n_invalid} pair(s) unreadable",
            highlight=False,
        )
    console.print(_usage_line(run.usage), highlight=False)
    if run.usage["unsupported_fields"]:
        warn(
            "the endpoint refused "
            + ", ".join(run.usage["unsupported_fields"])
            + "; asked without (no JSON schema / no expected score)"
        )
    console.print(f"written: {run.out}", soft_wrap=True)
    console.print(f"run directory: {run.run_dir}", soft_wrap=True)


@judge_app.command("agree")
def agree_command(
    labels: list[Path] = typer.Option(
        ...,
        "--labels",
        help="Table with a judge and a human label per row (repeat: one group per file, e.g. "
        "one per model that answered).",
    ),
    judge_column: str = typer.Option(..., "--judge-column", help="Column of the judge's label."),
    human_column: str = typer.Option(..., "--human-column", help="Column of the human label."),
    category_column: str | None = typer.Option(
        None, "--category-column", help="Column to break agreement down by (e.g. prompt type)."
    ),
    id_column: str | None = typer.Option(
        None,
        "--id-column",
        help="Column of the unit the bootstrap resamples (e.g. a prompt id shared across "
        "files) [default: each row].",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/judge-agree-<time>]."
    ),
    bootstrap: int | None = typer.Option(None, "--bootstrap", help="Resamples [default: 1000]."),
    confidence: float | None = typer.Option(None, "--confidence", help="CI level [default: 0.95]."),
    seed: int | None = typer.Option(None, "--seed", help="Bootstrap seed [default: 0]."),
    config: Path | None = typer.Option(
        None, "--config", help="YAML file of these options (see configs/judge.yaml)."
    ),
) -> None:
    """Agreement of existing judge labels with human labels: accuracy (share of equal labels),
    Cohen's kappa and the confusion matrix, overall, per file and per category, with CIs. A
    judge label outside the human label set counts as a disagreement (invalid)."""
    from rewardkit.config import load_config
    from rewardkit.jobs.judge_agree import run_agree
    from rewardkit.judges import INVALID, JudgeConfig

    cfg = load_config(
        JudgeConfig, config, {"bootstrap": bootstrap, "confidence": confidence, "seed": seed}
    )
    run = run_agree(
        labels,
        judge_column,
        human_column,
        cfg,
        out or default_run_dir("judge-agree"),
        category_column=category_column,
        id_column=id_column,
    )
    agreement = run.agreement
    table = Table(
        title=f"{judge_column} vs {human_column} ({cfg.confidence:.0%} CIs)", title_justify="left"
    )
    for column in ("scope", "name", "n", "agree", "accuracy", "CI", "kappa", "CI", "invalid"):
        table.add_column(column, justify="left" if column in ("scope", "name") else "right")
    scoped = [("all", agreement.overall)]
    scoped += [("file", g) for g in agreement.by_group]
    scoped += [(category_column or "category", g) for g in agreement.by_category]
    for scope, g in scoped:
        table.add_row(
            escape(scope),
            escape(g.name),
            str(g.n),
            str(g.n_matches),
            _num(g.accuracy.value),
            _ci(g.accuracy),
            _num(g.kappa.value),
            _ci(g.kappa),
            str(g.n_invalid),
        )
    console.print(table)
    confusion = Table(title="confusion (rows: human, columns: judge)", title_justify="left")
    confusion.add_column("human \\ judge")
    for name in (*agreement.labels, INVALID):
        confusion.add_column(escape(name), justify="right")
    for name, row in zip(agreement.labels, agreement.overall.confusion, strict=True):
        confusion.add_row(escape(name), *(str(v) for v in row))
    console.print(confusion)
    if agreement.overall.n_invalid:
        warn(
            f"{agreement.overall.n_invalid} judge label(s) are not one of the human labels "
            "(counted as disagreements)"
        )
    console.print(f"run directory: {run.run_dir}", soft_wrap=True)
