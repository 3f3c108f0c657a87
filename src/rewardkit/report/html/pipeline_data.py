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
from collections.abc import Mapping, Sequence
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
    "curation_summary",
    "gamma_grid",
    "history_grid",
    "load_pipeline",
    "metrics_grid",
    "num",
    "overall_grid",
    "pair_accuracy_grid",
    "train_summary",
    "truth_grid",
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


def num(x: float | None, digits: int = 3, sign: bool = False) -> str:
    """A number with fixed digits (``+`` shown when ``sign``); ``None`` and NaN print ``n/a``.

    Example:
        >>> num(0.78824), num(0.16824, sign=True), num(None), num(float("nan"), 4)
        ('0.788', '+0.168', 'n/a', 'n/a')
    """
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    return f"{float(x):+.{digits}f}" if sign else f"{float(x):.{digits}f}"


def _ci(est: Mapping[str, Any], digits: int = 3, sign: bool = False) -> str:
    low, high = [*(est.get("ci") or []), None, None][:2]
    if low is None and high is None:
        return "n/a"
    return f"[{num(low, digits, sign)}, {num(high, digits, sign)}]"


def _value_ci(est: Mapping[str, Any] | None, digits: int = 3, sign: bool = False) -> str:
    if not est:
        return "n/a"
    return f"{num(est.get('value'), digits, sign)} {_ci(est, digits, sign)}"


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
                _ci(alpha),
                str(c.get("verdict", "")),
                num((c.get("fleiss_kappa") or {}).get("value")),
                str(c.get("n_items", "")),
                str(len(c.get("disagreements") or [])),
            )
        )
    overall = agreement.get("overall") or {}
    alpha = overall.get("alpha") or {}
    rows.append(
        ("all criteria", num(alpha.get("value")), _ci(alpha), str(overall.get("verdict", "")))
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
        (str(name), num(est.get("value")), _ci(est), str(est.get("n", "")))
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
        (str(name), num(est.get("value"), 4), _ci(est, 4), str(est.get("n", "")))
        for name, est in (results.get("metrics") or {}).items()
    )
    return Grid(title, ("metric", "value", f"{conf:.0%} CI", "n"), rows, (False, True, True, True))


def _benchmarks(models: Sequence[ModelRuns]) -> list[str]:
    return [str(name) for name in (models[0].suite.get("benchmarks") or {})] if models else []


def pair_accuracy_grid(models: Sequence[ModelRuns], gap_reference: Mapping[str, str]) -> Grid:
    """Each model's pair accuracy per benchmark (the metric of each run's own report and of the
    headline table) and the robustness gap, which is the difference of two of these columns.

    Args:
        models: The models' suites, best model first.
        gap_reference: For each domain-shifted benchmark, the in-domain benchmark its gap is
            measured against.

    Returns:
        The grid; every accuracy cell links to its run's ``report.html``.

    Example:
        >>> est = lambda v: {"value": v, "ci": [v - 0.1, v + 0.1], "n": 10}
        >>> m = ModelRuns("m", "runs/m", {"benchmarks": {"a": {}, "b": {}},
        ...     "robustness_gap": {"b": est(0.2)}},
        ...     {"a": {"n_items": 10, "metrics": {"accuracy": est(0.8)}},
        ...      "b": {"n_items": 10, "metrics": {"accuracy": est(0.6)}}})
        >>> g = pair_accuracy_grid([m], {"b": "a"})
        >>> g.header[-1] == "gap a \u2212 b", g.rows[0][-1]
        (True, '+0.200 [+0.100, +0.300]')
    """
    names = _benchmarks(models)
    shifted = [s for s in names if s in gap_reference]
    header = ["model"]
    for name in names:
        n = (models[0].runs.get(name) or {}).get("n_items", "")
        header.append(f"{name} ({n} items)")
    header += [f"gap {gap_reference[s]} \u2212 {s}" for s in shifted]
    rows, links = [], []
    for m in models:
        row, link = [m.spec], [""]
        for name in names:
            row.append(_value_ci(((m.runs.get(name) or {}).get("metrics") or {}).get("accuracy")))
            link.append(f"{m.folder}/{name}/report.html")
        for s in shifted:
            row.append(_value_ci((m.suite.get("robustness_gap") or {}).get(s), sign=True))
            link.append(f"{m.folder}/suite.json")
        rows.append(tuple(row))
        links.append(tuple(link))
    title = (
        "pair accuracy by benchmark (95% CI): share of each benchmark's items ranked right, "
        "pooled over its items; the gap is the difference of two of these columns"
    )
    numeric = (False,) + (True,) * (len(header) - 1)
    return Grid(title, tuple(header), tuple(rows), numeric, tuple(links))


def overall_grid(models: Sequence[ModelRuns]) -> Grid:
    """Each model's official benchmark score: the spec's overall roll-up of its sections.

    Example:
        >>> est = {"value": 0.7, "ci": [0.6, 0.8], "n": 10}
        >>> m = ModelRuns("m", "runs/m", {"benchmarks": {"a": {"sections": {"x": est, "y": est},
        ...     "overall": {"mean": est}}}}, {"a": {}})
        >>> g = overall_grid([m])
        >>> g.header[1], g.rows[0][1]
        ('a (mean of 2 sections)', '0.700 [0.600, 0.800]')
    """
    names = _benchmarks(models)
    header = ["model"]
    for name in names:
        score = (models[0].suite.get("benchmarks") or {}).get(name) or {}
        formula = next(iter(score.get("overall") or {}), "overall")
        header.append(f"{name} ({formula} of {len(score.get('sections') or {})} sections)")
    rows, links = [], []
    for m in models:
        row, link = [m.spec], [""]
        for name in names:
            score = (m.suite.get("benchmarks") or {}).get(name) or {}
            row.append(_value_ci(next(iter((score.get("overall") or {}).values()), None)))
            link.append(f"{m.folder}/suite.json")
        rows.append(tuple(row))
        links.append(tuple(link))
    title = (
        "overall accuracy by benchmark (95% CI): each benchmark's official score, its spec's "
        "roll-up of per-domain section accuracies (each domain counts the same)"
    )
    numeric = (False,) + (True,) * (len(header) - 1)
    return Grid(title, tuple(header), tuple(rows), numeric, tuple(links))


def _peak(fit: Mapping[str, Any]) -> tuple[str, str, str]:
    """A null peak (or CI end) is unbounded: the fitted curve never turns over."""
    peak = fit.get("peak_d") or {}
    low, high = [*(peak.get("ci") or []), None, None][:2]
    value = "inf" if peak.get("value") is None else num(peak["value"])
    ci = f"[{'inf' if low is None else num(low)}, {'inf' if high is None else num(high)}]"
    n = fit.get("peak_n")
    if n is None:
        return value, ci, "-"
    return value, ci, f"{float(n):.3g}" if float(n) < 1e6 else ">1e6"


def gamma_grid(bon: Mapping[str, Any]) -> Grid:
    """Each proxy's gamma and peak as ``rewardkit bon`` prints them.

    Example:
        >>> est = {"value": 0.35, "ci": [0.2, 0.5], "n": 40}
        >>> p = {"spec": "m", "gamma": est, "fits": {"proxy": {"peak_d": {"value": None,
        ...     "ci": [1.0, None], "n": 40}, "peak_n": None}}}
        >>> gamma_grid({"config": {"confidence": 0.95}, "proxies": [p]}).rows
        (('m', '40', '0.3500', '[0.2000, 0.5000]', 'inf', '[1.000, inf]', '-'),)
    """
    conf = float((bon.get("config") or {}).get("confidence", 0.95))
    rows = []
    for p in bon.get("proxies") or []:
        gamma = p.get("gamma") or {}
        rows.append(
            (
                str(p["spec"]),
                str(gamma.get("n", "")),
                num(gamma.get("value"), 4),
                _ci(gamma, 4),
                *_peak((p.get("fits") or {}).get("proxy") or {}),
            )
        )
    n_prompts = (bon.get("data") or {}).get("n_prompts")
    title = (
        f"best-of-N overoptimization on {n_prompts} test prompts "
        "(gold: simulated true reward; gamma 0 = picks like the gold)"
    )
    header = ("proxy", "prompts", "gamma", f"{conf:.0%} CI", "peak d*", "CI", "peak n")
    return Grid(title, header, tuple(rows), (False,) + (True,) * 6)
