"""``rewardkit annotations import``: annotation-tool exports (Label Studio, Argilla, wide
tables) to rewardkit's ratings and comparisons tables."""

from __future__ import annotations

from pathlib import Path

import typer

from rewardkit.cli.annotations_cmd import annotations_app
from rewardkit.cli.app import console
from rewardkit.runs import default_run_dir


@annotations_app.command("import")
def import_command(
    files: list[Path] = typer.Argument(..., metavar="FILE", help="The export file(s)."),
    source: str = typer.Option(
        ..., "--from", help="The tool that wrote the export: label-studio, argilla, wide-csv."
    ),
    out: Path | None = typer.Option(None, "--out", help="Output folder [default: runs/...]."),
    layout: str | None = typer.Option(
        None, "--layout", help="wide-csv: a study as published: pandalm, qags, squality, eks."
    ),
    item_column: str | None = typer.Option(None, "--item-column", help="wide-csv: item column."),
    prompt_column: str | None = typer.Option(
        None, "--prompt-column", help="wide-csv: prompt column."
    ),
    annotator_columns: str | None = typer.Option(
        None, "--annotator-columns", help="wide-csv: annotator columns (names or patterns)."
    ),
    criterion: str | None = typer.Option(
        None, "--criterion", help="wide-csv: the criterion the columns rate."
    ),
    separator: str | None = typer.Option(
        None, "--separator", help="wide-csv: columns are <annotator><SEP><criterion>."
    ),
) -> None:
    """Turn an annotation tool's export into ratings.csv / comparisons.csv (long forms, with
    annotator ids, timestamps and lead times) and skipped.csv."""
    from rewardkit.annotations.layouts import WideColumns
    from rewardkit.jobs.annotations_import import run_import

    columns = None
    if item_column or prompt_column or annotator_columns:
        columns = WideColumns.parse(item_column, prompt_column, annotator_columns)
    run = run_import(
        source,
        files,
        out or default_run_dir("annotations-import"),
        layout=layout,
        columns=columns,
        criterion=criterion,
        separator=separator,
    )
    res = run.results_json
    console.print(
        f"{res['n_ratings']} ratings, {res['n_comparisons']} comparisons, {res['n_skipped']} "
        f"skipped, {len(res['annotators'])} annotators",
        highlight=False,
    )
    console.print(f"run directory: {run.run_dir}", soft_wrap=True)
