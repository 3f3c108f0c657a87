"""``rewardkit annotations agree|aggregate|simulate``: human labels to one reward signal
(``annotations import``: :mod:`rewardkit.cli.annotations_import_cmd`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from rewardkit.annotations.agreement import AgreementReport
from rewardkit.cli.app import app, console, warn
from rewardkit.errors import ConfigError
from rewardkit.runs import default_run_dir

annotations_app = typer.Typer(
    help="Agreement, quorum and aggregation of human annotations.", no_args_is_help=True
)
app.add_typer(annotations_app, name="annotations")


def _likert(text: str) -> tuple[int, int]:
    """An integer Likert scale LOW-HIGH (aggregation and simulation map integer points)."""
    from rewardkit.annotations.tables import Scale

    parsed = Scale.parse(text)
    if parsed.low != int(parsed.low) or parsed.high != int(parsed.high):
        raise ConfigError(f"--scale {text!r}: expected an integer Likert scale such as 1-5")
    return int(parsed.low), int(parsed.high)


def _num(value: float) -> str:
    return "n/a" if value != value else f"{value:.3f}"


def _interval(low: float, high: float) -> str:
    return "n/a" if low != low else f"[{low:.3f}, {high:.3f}]"


def agreement_table(report: AgreementReport) -> Table:
    """One row per criterion (and the pooled alpha): alpha with CI, verdict, Fleiss' kappa."""
    table = Table(
        title=f"agreement ({report.level} alpha, target {report.target:g})", title_justify="left"
    )
    for name in (
        "criterion",
        "alpha",
        f"{report.confidence:.0%} CI",
        "verdict",
        "Fleiss",
        "items",
        "flagged",
    ):
        left = name in {"criterion", "verdict"}
        table.add_column(name, justify="left" if left else "right", no_wrap=True)
    for c in report.criteria:
        a = c.alpha
        table.add_row(
            escape(c.criterion),
            _num(a.value),
            _interval(a.ci_low, a.ci_high),
            c.verdict,
            "omitted" if c.fleiss_kappa is None else _num(c.fleiss_kappa.value),
            str(c.n_items),
            str(len(c.disagreements)),
        )
    o = report.overall
    table.add_row(
        "all criteria",
        _num(o.value),
        _interval(o.ci_low, o.ci_high),
        report.overall_verdict,
        "",
        "",
        "",
    )
    return table


def omission_notes(report: AgreementReport) -> list[str]:
    """One line per coefficient the report left out, with the reason (criteria share them)."""
    notes: dict[str, str] = {}
    for c in report.criteria:
        for name, reason in c.omitted:
            notes.setdefault(name, reason)
    return list(notes.values())


def leniency_table(report: AgreementReport) -> Table:
    """Mean offset of each annotator from the other annotators, per criterion."""
    table = Table(title="annotator leniency (mean offset from the others)", title_justify="left")
    table.add_column("annotator")
    names = [c.criterion for c in report.criteria]
    for name in names:
        table.add_column(escape(name), justify="right")
    offsets: dict[str, dict[str, float]] = {}
    for c in report.criteria:
        for entry in c.leniency:
            offsets.setdefault(entry.annotator_id, {})[c.criterion] = entry.mean_offset
    for annotator in sorted(offsets)[:40]:
        row = offsets[annotator]
        table.add_row(escape(annotator), *(f"{row[n]:+.2f}" if n in row else "" for n in names))
    return table


@annotations_app.command("agree")
def agree_command(
    ctx: typer.Context,
    files: list[Path] | None = typer.Argument(
        None,
        metavar="FILE",
        help="Ratings file(s) (the same as --ratings; the eks layout takes one per annotator).",
        show_default=False,
    ),
    ratings: Path | None = typer.Option(
        None,
        "--ratings",
        help="Ratings: long form (item_id, "
        "prompt_id, annotator_id, criterion, value), a wide table, or a --layout.",
    ),
    layout: str | None = typer.Option(
        None,
        "--layout",
        help="Shape of the ratings: long, wide, or a shipped study read as published: pandalm, "
        "qags, squality, eks (these also set --level, --scale and the criteria) "
        "[default: long if the table has annotator_id/value, else wide].",
    ),
    item_column: str | None = typer.Option(
        None, "--item-column", help="Wide layout: the item id column [default: item_id]."
    ),
    prompt_column: str | None = typer.Option(
        None,
        "--prompt-column",
        help="Wide layout: the prompt id column [default: prompt_id, else the item].",
    ),
    annotator_columns: str | None = typer.Option(
        None,
        "--annotator-columns",
        help="Wide layout: annotator columns, comma-separated names or patterns such as "
        "'annotator*' [default: every other column].",
    ),
    domain_column: str | None = typer.Option(
        None, "--domain-column", help="Wide layout: the domain column [default: domain]."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/agree-<time>]."
    ),
    level: str | None = typer.Option(
        None, "--level", help="nominal, ordinal, interval or ratio [default: ordinal]."
    ),
    scale: str | None = typer.Option(
        None, "--scale", help="Declared scale LOW-HIGH [default: 1-5]."
    ),
    min_annotations: int | None = typer.Option(
        None, "--min-annotations", help="Quorum: distinct annotators per item [default: 3]."
    ),
    target: float | None = typer.Option(None, "--target", help="Agreement target [default: 0.6]."),
    any_criteria: bool = typer.Option(
        False,
        "--any-criteria",
        help="Accept criteria other than usefulness, factuality, safety, alignment.",
    ),
    criterion: str | None = typer.Option(
        None, "--criterion", help="Criterion of a wide table without a criterion column."
    ),
    bootstrap: int | None = typer.Option(None, "--bootstrap", help="Resamples [default: 1000]."),
    seed: int | None = typer.Option(None, "--seed", help="Bootstrap seed [default: 0]."),
    spread_threshold: float | None = typer.Option(
        None, "--spread-threshold", help="Flag items whose ratings spread this much [default: 2]."
    ),
    config: Path | None = typer.Option(None, "--config", help="YAML file of these options."),
) -> None:
    """Krippendorff's alpha, Fleiss' and Cohen's kappa per criterion and domain, with CIs, a
    verdict against the target, flagged items and annotator leniency. Coefficients that do not
    fit the scale (Fleiss' kappa on a 0-100 scale, leniency on nominal codes) are omitted with
    the reason."""
    from rewardkit.annotations.layouts import LAYOUT_DEFAULTS, RATING_LAYOUTS, WideColumns
    from rewardkit.config import AgreeConfig, load_config
    from rewardkit.jobs.annotations import run_agree

    paths = [*([ratings] if ratings is not None else []), *(files or [])]
    if not paths:
        ctx.fail("Missing option '--ratings' (or the ratings FILE argument).")
    if layout is not None and layout not in RATING_LAYOUTS:
        raise ConfigError(f"--layout {layout!r}: expected one of {', '.join(RATING_LAYOUTS)}")
    wide_options = (item_column, prompt_column, annotator_columns, domain_column)
    columns = None
    if any(v is not None for v in wide_options):
        if layout not in (None, "wide"):
            raise ConfigError(
                "--item-column, --prompt-column, --annotator-columns and --domain-column "
                f"describe the wide layout, not {layout}"
            )
        columns = WideColumns.parse(*wide_options)

    overrides: dict[str, object] = {
        "level": level,
        "scale": scale,
        "min_annotations": min_annotations,
        "target": target,
        "criterion": criterion,
        "bootstrap": bootstrap,
        "seed": seed,
        "spread_threshold": spread_threshold,
    }
    if any_criteria:
        overrides["criteria"] = None
    cfg = load_config(AgreeConfig, config, overrides)
    implied = {
        k: v
        for k, v in LAYOUT_DEFAULTS.get(layout or "", {}).items()
        if k not in cfg.model_fields_set
    }
    if any_criteria:
        implied["criteria"] = None
    cfg = AgreeConfig(**{**cfg.model_dump(), **implied})
    run = run_agree(paths, cfg, out or default_run_dir("agree"), layout=layout, columns=columns)
    if run.excluded:
        warn(
            f"{len(run.excluded)} item(s) below the quorum of {cfg.min_annotations} "
            "annotators were excluded (listed in results.json)"
        )
    console.print(agreement_table(run.report))
    for note in omission_notes(run.report):
        warn(note)
    if any(c.leniency for c in run.report.criteria):
        console.print(leniency_table(run.report))
    low = [c.criterion for c in run.report.criteria if c.verdict == "below target"]
    if low:
        warn(f"agreement below the target {cfg.target:g} on: {', '.join(low)}")
    console.print(f"run directory: {run.run_dir}", soft_wrap=True)


@annotations_app.command("aggregate")
def aggregate_command(
    ratings: Path = typer.Option(..., "--ratings", help="Ratings (long form or wide)."),
    comparisons: Path | None = typer.Option(
        None,
        "--comparisons",
        help="Pairwise comparisons (prompt_id, item_a, item_b, annotator_id, preference).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Run directory [default: runs/aggregate-<time>]."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="YAML aggregation config (see configs/aggregate.yaml)."
    ),
    alpha: float | None = typer.Option(
        None, "--alpha", help="final = alpha * criteria + (1 - alpha) * preference [default: 0.6]."
    ),
    method: str | None = typer.Option(
        None, "--method", help="borda or bradley_terry [default: borda]."
    ),
    weight: list[str] | None = typer.Option(
        None, "--weight", help="Criterion weight as NAME=VALUE (repeat for each criterion)."
    ),
    scale: str | None = typer.Option(None, "--scale", help="Likert scale LOW-HIGH [default: 1-5]."),
    min_annotations: int | None = typer.Option(
        None, "--min-annotations", help="Quorum [default: 3]."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the last tie-break rule."),
    criterion: str | None = typer.Option(
        None, "--criterion", help="Criterion of a wide table without a criterion column."
    ),
    responses: Path | None = typer.Option(
        None,
        "--responses",
        help="Responses table (item_id, prompt_id, text): also write training data with texts.",
    ),
    prompts: Path | None = typer.Option(
        None, "--prompts", help="Prompts table (prompt_id, prompt[, domain]); with --responses."
    ),
    any_criteria: bool = typer.Option(
        False,
        "--any-criteria",
        help="Accept criteria other than usefulness, factuality, safety, alignment and those "
        "the weights name (as agree's --any-criteria).",
    ),
) -> None:
    """Weighted criteria, Borda or Bradley-Terry from comparisons, their blend, deterministic
    tie-breaking; writes items.parquet, pairs.jsonl, targets.jsonl and excluded.json, and with
    --responses/--prompts preferences.jsonl (pairs with margins) and scored.jsonl (regression
    targets) for rewardkit train."""
    from rewardkit.annotations.aggregate import AggregationConfig
    from rewardkit.annotations.tables import CRITERIA
    from rewardkit.config import load_config
    from rewardkit.jobs.annotations import run_aggregate

    overrides: dict[str, object] = {
        "alpha": alpha,
        "preference_method": method,
        "min_annotations": min_annotations,
        "seed": seed,
    }
    if scale is not None:
        low, high = _likert(scale)
        overrides.update(scale_min=low, scale_max=high)
    if weight:
        weights: dict[str, float] = {}
        for entry in weight:
            name, sep, value = entry.partition("=")
            try:
                weights[name.strip()] = float(value)
            except ValueError:
                raise ConfigError(f"--weight {entry!r}: expected NAME=NUMBER") from None
            if not sep:
                raise ConfigError(f"--weight {entry!r}: expected NAME=NUMBER")
        overrides["weights"] = weights
    cfg = load_config(AggregationConfig, config, overrides)
    if (responses is None) != (prompts is None):
        raise ConfigError("--responses and --prompts go together (texts for the training data)")
    # The ratings are validated as agree validates them: known criteria only (the standard
    # four and those the weights name) unless --any-criteria; points of the scale only.
    known = None if any_criteria else list(dict.fromkeys([*CRITERIA, *cfg.weights]))
    run = run_aggregate(
        ratings,
        comparisons,
        cfg,
        out or default_run_dir("aggregate"),
        criteria=known,
        default_criterion=criterion,
        texts=None if responses is None or prompts is None else (responses, prompts),
    )
    summary = run.results_json
    if run.result.excluded:
        warn(f"{len(run.result.excluded)} item(s) below the quorum were excluded (excluded.json)")
    for note in run.result.notes:
        warn(note)
    console.print(
        f"aggregated {summary['n_items']} items over {summary['n_prompts']} prompts "
        f"into {summary['n_pairs']} training pairs; tie-breaks: "
        + ", ".join(f"{k} {v}" for k, v in summary["tie_breaks"].items()),
        highlight=False,
    )
    for name in (summary.get("training_data") or {}).values():
        console.print(f"training data: {run.run_dir / name}", soft_wrap=True)
    console.print(f"run directory: {run.run_dir}", soft_wrap=True)


@annotations_app.command("simulate")
def simulate_command(
    annotators: list[int] = typer.Option(
        [3, 5, 7], "--annotators", help="Annotators per item (repeat to compare several)."
    ),
    items: int = typer.Option(1000, "--items", min=2, help="Items in the campaign."),
    noise: float = typer.Option(0.8, "--noise", min=0.0, help="Annotator noise sd (scale points)."),
    bias_sd: float = typer.Option(0.3, "--bias-sd", min=0.0, help="Spread of annotator leniency."),
    scale: str = typer.Option("1-5", "--scale", help="Likert scale LOW-HIGH."),
    level: str = typer.Option("interval", "--level", help="Alpha level."),
    target: float = typer.Option(0.6, "--target", help="Agreement target."),
    simulations: int = typer.Option(200, "--simulations", min=10, help="Simulated campaigns."),
    seed: int = typer.Option(0, "--seed", help="Seed."),
) -> None:
    """Expected alpha and the chance of reaching the target, by simulation, to size a
    campaign before paying for it."""
    from rewardkit.annotations.agreement import simulate_campaign

    low, high = _likert(scale)
    if min(annotators) < 2:
        raise ConfigError("--annotators: agreement needs at least 2 annotators per item")
    if level not in {"nominal", "ordinal", "interval", "ratio"}:
        raise ConfigError(f"--level {level!r}: expected nominal, ordinal, interval or ratio")
    table = Table(
        title=f"simulated campaigns: {items} items, noise sd {noise:g}, bias sd "
        f"{bias_sd:g}, {simulations} runs each",
        title_justify="left",
    )
    for name in ("annotators", "expected alpha", "5% / 50% / 95%", f"P(alpha >= {target:g})"):
        table.add_column(name, justify="right")
    for n in annotators:
        res = simulate_campaign(
            n,
            items,
            noise,
            scale=(low, high),
            bias_sd=bias_sd,
            level=level,  # type: ignore[arg-type]  # checked above
            target=target,
            n_simulations=simulations,
            seed=seed,
        )
        q = res.alpha_quantiles
        table.add_row(
            str(n),
            f"{res.expected_alpha:.3f}",
            f"{q[0]:.3f} / {q[1]:.3f} / {q[2]:.3f}",
            f"{res.p_reach_target:.2f}",
        )
    console.print(table)
