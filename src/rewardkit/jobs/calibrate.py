"""``rewardkit calibrate``: fit a calibrator on held-out pairs and save it beside the model."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rewardkit.calibration.base import Calibrator
from rewardkit.calibration.methods import CALIBRATION_METHODS
from rewardkit.calibration.report import CalibrationReport, calibration_report
from rewardkit.calibration.serialize import CALIBRATOR_FILE, model_folder, save_calibrator
from rewardkit.config import EvalConfig
from rewardkit.errors import DataError
from rewardkit.jobs.evaluate import EvalRun, eval_into, item_previews
from rewardkit.jobs.run_page import write_run_report
from rewardkit.metrics import pair_differences
from rewardkit.metrics.layout import response_layout, without_labelled_ties
from rewardkit.runs import write_json
from rewardkit.runs.output import StagedOutput


def make_calibrator(method: str) -> Calibrator:
    """A new calibrator of ``method``, a name in
    :data:`~rewardkit.calibration.methods.CALIBRATION_METHODS`; an unknown name is a
    :class:`~rewardkit.errors.ConfigError` that lists the known ones.

    Example:
        >>> type(make_calibrator("isotonic")).__name__, make_calibrator("isotonic").eps
        ('IsotonicCalibrator', 1e-06)
    """
    return CALIBRATION_METHODS.get(method).make()


@dataclass(frozen=True)
class CalibrateRun:
    """What a calibration produced.

    Attributes:
        calibrator: The fitted calibrator.
        report: ECE, Brier and log-loss before and after.
        saved_to: Where ``calibrator.json`` was saved last (the model's folder when the spec
            names one, else the run directory).
        results_json: The document written to ``calibration.json``.
        eval_run: The evaluation of the held-out pairs (load report with skipped rows,
            scoring report with truncations).
        n_ties_excluded: Items labelled a tie, left out of the fit.
    """

    calibrator: Calibrator
    report: CalibrationReport
    saved_to: Path
    results_json: dict[str, Any]
    eval_run: EvalRun
    n_ties_excluded: int


def run_calibrate(
    model_spec: str,
    data: Path,
    method: str,
    out: Path,
    config: EvalConfig,
    *,
    model_options: dict[str, Any] | None = None,
    progress: bool | None = None,
) -> CalibrateRun:
    """Score ``data`` (held-out pairs), fit ``method`` on chosen-minus-rejected differences,
    report ECE/Brier/log-loss before and after, and save the calibrator: as
    ``calibrator.json`` in the model's folder when the spec names one, and in ``out``.

    Example:
        >>> import tempfile, json
        >>> d = Path(tempfile.mkdtemp())
        >>> rows = [{"prompt": "q", "chosen": "a" * (i % 7 + 1), "rejected": "bbb"}
        ...         for i in range(40)] + [{"prompt": "q", "chosen": "x", "rejected": "y",
        ...         "tie": True}]
        >>> _ = (d / "p.jsonl").write_text("\\n".join(json.dumps(r) for r in rows))
        >>> cfg = EvalConfig(bootstrap=20, no_cache=True)
        >>> run = run_calibrate("baseline:length", d / "p.jsonl", "platt", d / "run", cfg)
        >>> run.report["n_pairs"], run.n_ties_excluded, run.results_json["n_ties_excluded"]
        (40, 1, 1)
    """
    with StagedOutput(out, "calibrate") as stage:  # replaces an earlier run only when complete
        done = _calibrate_into(
            stage.path, model_spec, data, method, config, model_options, progress
        )
    saved = done.saved_to
    if saved.parent == stage.path:
        saved = out / saved.name
    return replace(done, saved_to=saved, eval_run=replace(done.eval_run, run_dir=out))


def _calibrate_into(
    out: Path,
    model_spec: str,
    data: Path,
    method: str,
    config: EvalConfig,
    model_options: dict[str, Any] | None,
    progress: bool | None,
) -> CalibrateRun:
    # The "before" figures are the raw model's, even when a calibrator is already saved.
    run = eval_into(
        out,
        data,
        model_spec,
        config.model_copy(update={"calibration": False}),
        model_options,
        progress,
    )
    items, scores = without_labelled_ties(run.loaded.items, run.scores)
    n_ties = len(run.loaded.items) - len(items)
    if not items:
        raise DataError("no untied preference pairs to calibrate on", path=data)
    item_index, is_chosen = response_layout(items)
    _, diffs = pair_differences(scores, item_index, is_chosen)
    calibrator = make_calibrator(method).fit(diffs)
    report = calibration_report(calibrator, diffs, n_bins=config.n_bins)
    saved = save_calibrator(calibrator, out / CALIBRATOR_FILE)
    folder = model_folder(run.results_json["model"]["spec"])  # a YAML spec file resolved
    if folder is not None:
        saved = save_calibrator(calibrator, folder / CALIBRATOR_FILE)
    results = {
        "schema_version": 1,
        "command": "calibrate",
        "model": model_spec,
        "method": method,
        "calibrator": json.loads(calibrator.to_json()),
        "report": dict(report),
        "n_items": len(run.loaded.items),
        "n_ties_excluded": n_ties,
        "n_skipped": len(run.loaded.report.skipped),
        "n_truncated": run.scoring.n_truncated,
    }
    write_json(out / "calibration.json", results)
    write_run_report(out, texts=item_previews(run.loaded.items), calibrator=calibrator)
    return CalibrateRun(
        calibrator=calibrator,
        report=report,
        saved_to=saved,
        results_json=results,
        eval_run=run,
        n_ties_excluded=n_ties,
    )
