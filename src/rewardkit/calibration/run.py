"""``rewardkit calibrate``: fit a calibrator on held-out pairs and save it beside the model."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rewardkit.calibration.base import Calibrator
from rewardkit.calibration.isotonic import IsotonicCalibrator
from rewardkit.calibration.platt import PlattScaling
from rewardkit.calibration.report import CalibrationReport, calibration_report
from rewardkit.calibration.serialize import CALIBRATOR_FILE, model_folder, save_calibrator
from rewardkit.config import EvalConfig
from rewardkit.errors import ConfigError, DataError
from rewardkit.evaluate import EvalRun, item_previews, run_eval
from rewardkit.metrics import pair_differences
from rewardkit.metrics.layout import response_layout, without_labelled_ties
from rewardkit.report import write_json
from rewardkit.report.html import write_run_report

METHODS = ("temperature", "isotonic", "platt")


def make_calibrator(method: str) -> Calibrator:
    from rewardkit.calibration.temperature import TemperatureScaling

    if method == "temperature":
        return TemperatureScaling()
    if method == "isotonic":
        return IsotonicCalibrator(eps=1e-6)
    if method == "platt":
        return PlattScaling(l2=1e-6)
    raise ConfigError(f"unknown calibration method {method!r}; available: {', '.join(METHODS)}")


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
    # The "before" figures are the raw model's, even when a calibrator is already saved.
    run = run_eval(
        data,
        model_spec,
        config.model_copy(update={"calibration": False}),
        out,
        model_options=model_options,
        progress=progress,
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
