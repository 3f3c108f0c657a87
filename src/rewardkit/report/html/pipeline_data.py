"""The demo's documents as text tables, shared by its console output and its one-page report.

``rewardkit demo`` writes ``demo.json`` (its settings, the folder of every stage's run, the
check of the aggregated reward against the simulated ground truth) beside the runs it made.
:func:`load_pipeline` reads it and every stage's own document; the functions below turn those
documents into :class:`Grid` tables of already formatted cells. The demo prints the same grids
(or, for the tables a stage's own command prints, the same formats), so every number on the
page is the console's. Nothing here computes a statistic or loads a model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DEMO_DOCUMENT",
    "Grid",
    "ModelRuns",
    "Pipeline",
    "agreement_grid",
    "audit_grid",
    "calibration_grid",
    "calibration_summary",
    "ci_text",
    "curation_summary",
    "history_grid",
    "load_pipeline",
    "metrics_grid",
    "num",
    "train_summary",
    "truth_grid",
    "value_ci",
]

DEMO_DOCUMENT = "demo.json"


@dataclass(frozen=True)
class Grid:
    """A table of formatted cells; ``links`` holds an href per cell ("" for none)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    links: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class ModelRuns:
    """One model's benchmark suite: ``suite.json`` and each benchmark's ``results.json``."""

    spec: str
    folder: str
    suite: Mapping[str, Any]
    runs: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Pipeline:
    """Every document the demo's stages wrote (``None`` for a stage that did not run)."""

    demo: Mapping[str, Any]
    dedup: Mapping[str, Any] | None = None
    split: Mapping[str, Any] | None = None
    audit: Mapping[str, Any] | None = None
    agreement: Mapping[str, Any] | None = None
    aggregation: Mapping[str, Any] | None = None
    train: Mapping[str, Any] | None = None
    calibration: Mapping[str, Any] | None = None
    models: tuple[ModelRuns, ...] = field(default=())
    bon: Mapping[str, Any] | None = None
    probe: Mapping[str, Any] | None = None
    guard: Mapping[str, Any] | None = None
    abtest: Mapping[str, Any] | None = None
    drift: Mapping[str, Any] | None = None


def num(x: float | None, digits: int = 3, sign: bool = False) -> str:
    """A number with fixed digits (``+`` shown when ``sign``); ``None`` and NaN print ``n/a``.

    Example:
        >>> num(0.78824), num(0.16824, sign=True), num(None), num(float("nan"), 4)
        ('0.788', '+0.168', 'n/a', 'n/a')
    """
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    return f"{float(x):+.{digits}f}" if sign else f"{float(x):.{digits}f}"


def ci_text(est: Mapping[str, Any], digits: int = 3, sign: bool = False) -> str:
    """An estimate's CI as ``[low, high]`` (``n/a`` without one).

    Example:
        >>> ci_text({"value": 0.5, "ci": [0.25, 0.75]}), ci_text({"value": 0.5})
        ('[0.250, 0.750]', 'n/a')
    """
    low, high = [*(est.get("ci") or []), None, None][:2]
    if low is None and high is None:
        return "n/a"
    return f"[{num(low, digits, sign)}, {num(high, digits, sign)}]"


def value_ci(est: Mapping[str, Any] | None, digits: int = 3, sign: bool = False) -> str:
    """An estimate's value and CI (``n/a`` for a missing estimate).

    Example:
        >>> value_ci({"value": 0.1, "ci": [-0.1, 0.3]}, sign=True), value_ci(None)
        ('+0.100 [-0.100, +0.300]', 'n/a')
    """
    if not est:
        return "n/a"
    return f"{num(est.get('value'), digits, sign)} {ci_text(est, digits, sign)}"


def _read(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def load_pipeline(out: Path) -> Pipeline:
    """Read ``OUT/demo.json`` and the documents of the stage runs it names.

    Args:
        out: The demo's output folder.

    Returns:
        The documents; a stage that did not run (or a missing file) is ``None``.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "demo.json").write_text('{"stages": {}}')
        >>> load_pipeline(d).agreement is None
        True
    """
    out = Path(out)
    demo = json.loads((out / DEMO_DOCUMENT).read_text(encoding="utf-8"))
    stages = demo.get("stages") or {}

    def doc(stage: str, name: str) -> dict[str, Any] | None:
        folder = stages.get(stage)
        return _read(out / folder / name) if folder else None

    models = []
    for spec, folder in (stages.get("eval") or {}).items():
        suite = _read(out / folder / "suite.json") or {}
        runs = {
            name: _read(out / folder / name / "results.json") or {}
            for name in suite.get("benchmarks") or {}
        }
        models.append(ModelRuns(spec, folder, suite, runs))
    curated = stages.get("curation")
    return Pipeline(
        demo=demo,
        dedup=doc("curation", "dedup.json"),
        split=_read(out / curated / "splits" / "split_manifest.json") if curated else None,
        audit=doc("curation", "audit.json"),
        agreement=doc("agreement", "results.json"),
        aggregation=doc("aggregation", "results.json"),
        train=doc("train", "train_manifest.json"),
        calibration=doc("calibration", "calibration.json"),
        models=tuple(models),
        bon=doc("bon", "results.json"),
        probe=doc("probe", "results.json"),
        guard=doc("guard", "results.json"),
        abtest=doc("abtest", "results.json"),
        drift=doc("drift", "results.json"),
    )


def curation_summary(dedup: Mapping[str, Any], split: Mapping[str, Any]) -> str:
    """One line: prompts removed as duplicates, prompts per split, the held-out domains.

    Example:
        >>> line = curation_summary({"n_exact": 1, "n_near": 0},
        ...     {"splits": {"train": {"n_groups": 8}}, "holdout_domains": ["a"]})
        >>> for part in line.split("; "): print(part)
        curated: 1 exact and 0 near-duplicate prompts removed
        prompts per split: train 8
        held-out domains: a
    """
    sizes = ", ".join(
        f"{name} {int(s['n_groups'])}" for name, s in (split.get("splits") or {}).items()
    )
    held = ", ".join(str(d) for d in split.get("holdout_domains") or []) or "none"
    return (
        f"curated: {int(dedup.get('n_exact', 0))} exact and {int(dedup.get('n_near', 0))} "
        f"near-duplicate prompts removed; prompts per split: {sizes}; held-out domains: {held}"
    )


def audit_grid(audit: Mapping[str, Any]) -> Grid:
    """The audit checks as ``rewardkit data audit`` prints them (value to 3 decimals).

    Example:
        >>> g = audit_grid({"checks": [{"name": "x", "value": 0.5, "threshold": {"rule": "<= 1"},
        ...     "passed": False, "detail": "d"}]})
        >>> g.rows
        (('x', '0.500', '<= 1', 'FLAG', 'd'),)
    """
    rows = tuple(
        (
            str(c["name"]),
            num(c.get("value")),
            str((c.get("threshold") or {}).get("rule", "")),
            "pass" if c.get("passed") else "FLAG",
            str(c.get("detail", "")),
        )
        for c in audit.get("checks") or []
    )
    header = ("check", "value", "threshold", "result", "detail")
    return Grid("audit", header, rows, (False, True, False, False, False))


def agreement_grid(agreement: Mapping[str, Any]) -> Grid:
    """Alpha per criterion with its CI and verdict, Fleiss' kappa, items and flagged items,
    then the pooled alpha, as ``rewardkit annotations agree`` prints them.

    Example:
        >>> est = {"value": 0.7, "ci": [0.65, 0.75], "n": 9}
        >>> g = agreement_grid({"level": "ordinal", "target": 0.6, "confidence": 0.95,
        ...     "overall": {"alpha": est, "verdict": "meets target"},
        ...     "criteria": {"c": {"alpha": est, "verdict": "meets target", "fleiss_kappa": est,
        ...                        "n_items": 9, "disagreements": [1]}}})
        >>> g.title
        'agreement (ordinal alpha, target 0.6)'
        >>> g.rows[0]
        ('c', '0.700', '[0.650, 0.750]', 'meets target', '0.700', '9', '1')
    """
    conf = float(agreement.get("confidence", 0.95))
    rows = []
    for name, c in (agreement.get("criteria") or {}).items():
        alpha = c.get("alpha") or {}
        rows.append(
            (
                str(name),
                num(alpha.get("value")),
                ci_text(alpha),
                str(c.get("verdict", "")),
                num((c.get("fleiss_kappa") or {}).get("value")),
                str(c.get("n_items", "")),
                str(len(c.get("disagreements") or [])),
            )
        )
    overall = agreement.get("overall") or {}
    alpha = overall.get("alpha") or {}
    rows.append(
        ("all criteria", num(alpha.get("value")), ci_text(alpha), str(overall.get("verdict", "")))
        + ("",) * 3
    )
    title = f"agreement ({agreement.get('level', '')} alpha, target {float(agreement['target']):g})"
    header = ("criterion", "alpha", f"{conf:.0%} CI", "verdict", "Fleiss", "items", "flagged")
    return Grid(title, header, tuple(rows), (False, True, True, False, True, True, True))


def truth_grid(truth: Mapping[str, Mapping[str, Any]]) -> Grid:
    """Spearman rho of each aggregated score with the simulated ground truth, with its CI.

    Example:
        >>> truth_grid({"final": {"value": 0.9, "ci": [0.8, 0.95], "n": 5}}).rows
        (('final', '0.900', '[0.800, 0.950]', '5'),)
    """
    rows = tuple(
        (str(name), num(est.get("value")), ci_text(est), str(est.get("n", "")))
        for name, est in truth.items()
    )
    return Grid(
        "aggregated reward vs the simulated ground truth (Spearman)",
        ("score", "rho", "95% CI", "items"),
        rows,
        (False, True, True, True),
    )


def train_summary(manifest: Mapping[str, Any]) -> str:
    """One line: how many aggregated pairs trained the RM, how many validated it, best epoch.

    Example:
        >>> line = train_summary({"n_train": 9, "n_validation": 1, "best_epoch": 3,
        ...     "epochs_run": 4})
        >>> for part in line.split(" on ", 1)[1].split(" ("): print(part)
        9 of the 10 aggregated annotation pairs of the training prompts
        1 held out to pick the epoch); best epoch 3 of 4
    """
    n_train, n_val = int(manifest.get("n_train", 0)), int(manifest.get("n_validation", 0))
    return (
        "trained the demo embedding RM (MiniLM + linear Bradley-Terry head) on "
        f"{n_train} of the {n_train + n_val} aggregated annotation pairs of the training "
        f"prompts ({n_val} held out to pick the epoch); best epoch "
        f"{manifest.get('best_epoch')} of {manifest.get('epochs_run')}"
    )


def history_grid(manifest: Mapping[str, Any]) -> Grid:
    """The training history as ``rewardkit train`` prints it (``*`` marks the best epoch).

    Example:
        >>> h = {"epoch": 1, "train_loss": 0.7, "grad_norm": 0.1, "val_loss": None,
        ...      "val_accuracy": None, "learning_rate": 0.01, "seconds": 0.5}
        >>> history_grid({"history": [h], "best_epoch": 1}).rows
        (('1 *', '0.7000', '0.100', '-', '-', '1.00e-02', '0.50'),)
    """

    def cell(row: Mapping[str, Any], key: str, digits: int = 4) -> str:
        value = row.get(key)
        return "-" if value is None else f"{float(value):.{digits}f}"

    best = manifest.get("best_epoch")
    rows = tuple(
        (
            f"{row['epoch']}{' *' if row['epoch'] == best else ''}",
            cell(row, "train_loss"),
            cell(row, "grad_norm", 3),
            cell(row, "val_loss"),
            cell(row, "val_accuracy"),
            f"{float(row['learning_rate']):.2e}",
            cell(row, "seconds", 2),
        )
        for row in manifest.get("history") or []
    )
    header = ("epoch", "train loss", "grad norm", "val loss", "val accuracy", "lr", "seconds")
    return Grid("training", header, rows, (True,) * 7)


def calibration_summary(calibration: Mapping[str, Any]) -> str:
    """One line: the fitted calibrator and ECE, Brier and log-loss before -> after.

    Example:
        >>> line = calibration_summary({"method": "temperature", "calibrator": {"fitted":
        ...     {"temperature_": 0.5}}, "report": {"n_pairs": 9, "ece_before": 0.1,
        ...     "ece_after": 0.05, "brier_before": 0.2, "brier_after": 0.19,
        ...     "log_loss_before": 0.6, "log_loss_after": 0.55}})
        >>> for part in line.split(", "): print(part)
        calibrated on 9 validation pairs: temperature 0.500
        ECE 0.100 -> 0.050
        Brier 0.200 -> 0.190
        log-loss 0.600 -> 0.550
    """
    r = calibration.get("report") or {}
    fitted = (calibration.get("calibrator") or {}).get("fitted") or {}
    params = ", ".join(f"{k.rstrip('_')} {num(v)}" for k, v in fitted.items() if _is_num(v))
    method = str(calibration.get("method", ""))
    fit = params if params.startswith(method) else f"{method} {params}".strip()
    changes = ", ".join(
        f"{label} {num(r.get(key + '_before'))} -> {num(r.get(key + '_after'))}"
        for key, label in _CALIBRATION_METRICS
    )
    return f"calibrated on {r.get('n_pairs')} validation pairs: {fit}, {changes}"


_CALIBRATION_METRICS = (("ece", "ECE"), ("brier", "Brier"), ("log_loss", "log-loss"))


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def calibration_grid(calibration: Mapping[str, Any]) -> Grid:
    """ECE, Brier and log-loss on the validation pairs before and after the calibrator.

    Example:
        >>> calibration_grid({"report": {"n_pairs": 9, "ece_before": 0.1, "ece_after": 0.05}}
        ...     ).rows[0]
        ('ECE', '0.100', '0.050')
    """
    r = calibration.get("report") or {}
    rows = tuple(
        (label, num(r.get(key + "_before")), num(r.get(key + "_after")))
        for key, label in _CALIBRATION_METRICS
    )
    title = f"calibration on {r.get('n_pairs')} validation pairs"
    return Grid(title, ("metric", "before", "after"), rows, (False, True, True))


def metrics_grid(results: Mapping[str, Any], title: str) -> Grid:
    """An eval run's metrics as ``rewardkit eval`` prints them (4 decimals).

    Example:
        >>> metrics_grid({"metrics": {"accuracy": {"value": 0.75, "ci": [0.5, 1.0], "n": 4}}},
        ...     "t").rows
        (('accuracy', '0.7500', '[0.5000, 1.0000]', '4'),)
    """
    conf = float((results.get("config") or {}).get("confidence", 0.95))
    rows = tuple(
        (str(name), num(est.get("value"), 4), ci_text(est, 4), str(est.get("n", "")))
        for name, est in (results.get("metrics") or {}).items()
    )
    return Grid(title, ("metric", "value", f"{conf:.0%} CI", "n"), rows, (False, True, True, True))
