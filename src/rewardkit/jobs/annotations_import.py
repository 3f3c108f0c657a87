"""``rewardkit annotations import``: an annotation tool's export to rewardkit's long forms.

Writes ``ratings.csv`` (DESIGN "Ratings" plus ``created_at, updated_at, lead_time``),
``comparisons.csv`` (DESIGN "Comparisons" plus the same), ``skipped.csv`` (cancelled,
discarded or draft annotations: task, annotator, reason, time), ``results.json`` (counts and
the codes given to text labels) and ``manifest.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rewardkit.annotations.importers import (
    SOURCES,
    Imported,
    import_argilla,
    import_label_studio,
    import_wide,
)
from rewardkit.annotations.layouts import WideColumns
from rewardkit.errors import ConfigError, DataError
from rewardkit.runs import RunDir, build_manifest, now_iso, write_json, write_text
from rewardkit.runs.output import staged_job

__all__ = ["ImportRun", "run_import"]


@dataclass(frozen=True)
class ImportRun:
    run_dir: Path
    ratings: pd.DataFrame
    comparisons: pd.DataFrame
    skipped: pd.DataFrame
    results_json: dict[str, Any]


def _read(
    source: str,
    paths: Sequence[Path],
    layout: str | None,
    columns: WideColumns | None,
    criterion: str | None,
    separator: str | None,
) -> Imported:
    if source not in SOURCES:
        raise ConfigError(f"unknown --from {source!r}; available: {', '.join(SOURCES)}")
    for p in paths:
        if not p.exists():
            raise DataError("file not found", path=p)
    if source == "wide-csv":
        return import_wide(
            paths, layout=layout, columns=columns, criterion=criterion, separator=separator
        )
    if len(paths) != 1:
        raise ConfigError(f"--from {source} reads one export file, got {len(paths)}")
    return import_label_studio(paths[0]) if source == "label-studio" else import_argilla(paths[0])


@staged_job("annotations")
def run_import(
    source: str,
    paths: Sequence[Path],
    out: Path,
    *,
    layout: str | None = None,
    columns: WideColumns | None = None,
    criterion: str | None = None,
    separator: str | None = None,
) -> ImportRun:
    """Import ``paths`` exported by ``source`` (label-studio, argilla, wide-csv) into ``out``.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "w.csv").write_text("item_id,a1,a2\\ni1,4,5\\n")
        >>> run = run_import("wide-csv", [d / "w.csv"], d / "out", criterion="safety")
        >>> run.results_json["n_ratings"], sorted(p.name for p in (d / "out").glob("*.csv"))
        (2, ['comparisons.csv', 'ratings.csv', 'skipped.csv'])
    """
    run = RunDir(out)
    manifest = build_manifest(
        command="annotations import",
        config={"from": source, "layout": layout, "criterion": criterion, "separator": separator},
        seed=0,
        inputs={f"export_{i}": p for i, p in enumerate(paths, start=1)},
        started_at=now_iso(),
    )
    run.write_manifest(manifest)
    imported = _read(source, paths, layout, columns, criterion, separator)
    ratings, comparisons, skipped = imported.frames()
    if ratings.empty and comparisons.empty:
        raise DataError("no ratings or comparisons found", path=paths[0])
    for name, frame in (("ratings", ratings), ("comparisons", comparisons), ("skipped", skipped)):
        write_text(run.file(f"{name}.csv"), frame.to_csv(index=False))
    results = {
        "schema_version": 1,
        "command": "annotations import",
        "from": source,
        "n_ratings": len(ratings),
        "n_comparisons": len(comparisons),
        "n_skipped": len(skipped),
        "annotators": sorted(
            set(ratings["annotator_id"].astype(str)) | set(comparisons["annotator_id"].astype(str))
        ),
        "criteria": sorted(set(ratings["criterion"].astype(str))),
        "label_codes": imported.codes,
    }
    write_json(run.file("results.json"), results)
    run.log("done", n_ratings=len(ratings), n_comparisons=len(comparisons))
    run.finish_manifest(manifest)
    return ImportRun(out, ratings, comparisons, skipped, results)
