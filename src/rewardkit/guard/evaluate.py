"""How often a check is wrong: detection metrics against human labels, with bootstrap CIs,
threshold sweeps (ROC and PR) for scored checks, and paired comparisons of two detectors.

Positive = the human says the check *should* trip (unsafe content, a refusal, ...):

* ``precision`` = TP / (TP + FP), ``recall`` = TP / (TP + FN);
* ``false_block_rate`` = FP / (FP + TN), the share of safe items the check trips on;
* ``miss_rate`` = FN / (TP + FN) = 1 - recall, the share of unsafe items it lets through;
* ``accuracy`` = (TP + TN) / n.

Intervals are percentile bootstraps over items (``rewardkit.metrics``): a ratio is
recomputed on each resample of the items (resamples where its denominator is empty are
dropped and reported as a warning).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from rewardkit.metrics import Estimate, bootstrap_weighted, rng_for
from rewardkit.metrics.paired import PairedComparison, paired_comparison

__all__ = [
    "DetectionMetrics",
    "DetectorComparison",
    "Sweep",
    "compare_detectors",
    "detection_metrics",
    "threshold_sweep",
]

FloatArray = npt.NDArray[np.float64]


def _ratio(
    num: FloatArray, den: FloatArray, *, n_resamples: int, confidence: float, seed: int, name: str
) -> Estimate:
    total = float(den.sum())
    value = float(num.sum()) / total if total > 0 else float("nan")
    if total == 0:
        return Estimate(value, float("nan"), float("nan"), 0)

    def stat(w: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray((w @ num) / (w @ den), dtype=np.float64)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # resamples without a denominator: dropped
        lo, hi = bootstrap_weighted(
            stat,
            num.size,
            n_resamples=n_resamples,
            confidence=confidence,
            rng=rng_for(seed, "guard-detection", name),
            label=name,
        )
    return Estimate(value, lo, hi, int(total))


@dataclass(frozen=True)
class DetectionMetrics:
    """A detector's confusion counts and rates against human labels (see the module)."""

    n: int
    tp: int
    fp: int
    tn: int
    fn: int
    precision: Estimate
    recall: Estimate
    false_block_rate: Estimate
    miss_rate: Estimate
    accuracy: Estimate

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "confusion": {"tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn},
            "precision": self.precision.to_json(),
            "recall": self.recall.to_json(),
            "false_block_rate": self.false_block_rate.to_json(),
            "miss_rate": self.miss_rate.to_json(),
            "accuracy": self.accuracy.to_json(),
        }


def detection_metrics(
    predicted: npt.ArrayLike,
    truth: npt.ArrayLike,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    label: str = "all",
) -> DetectionMetrics:
    """Confusion counts and rates of boolean predictions against boolean human labels.

    Each rate's ``n`` is the size of its denominator (e.g. the predicted positives for
    precision).

    Example:
        >>> m = detection_metrics([1, 1, 0, 0, 1], [1, 0, 0, 1, 1])
        >>> m.tp, m.fp, m.fn, m.precision.value, m.recall.value, m.false_block_rate.value
        (2, 1, 1, 0.6666666666666666, 0.6666666666666666, 0.5)
    """
    p = np.asarray(predicted, dtype=bool).ravel()
    t = np.asarray(truth, dtype=bool).ravel()
    if p.shape != t.shape:
        raise ValueError(f"{p.size} predictions for {t.size} labels")
    tp = (p & t).astype(np.float64)
    fp = (p & ~t).astype(np.float64)
    tn = (~p & ~t).astype(np.float64)
    fn = (~p & t).astype(np.float64)
    kw: dict[str, Any] = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
    return DetectionMetrics(
        n=int(p.size),
        tp=int(tp.sum()),
        fp=int(fp.sum()),
        tn=int(tn.sum()),
        fn=int(fn.sum()),
        precision=_ratio(tp, tp + fp, name=f"precision/{label}", **kw),
        recall=_ratio(tp, tp + fn, name=f"recall/{label}", **kw),
        false_block_rate=_ratio(fp, fp + tn, name=f"false_block/{label}", **kw),
        miss_rate=_ratio(fn, tp + fn, name=f"miss/{label}", **kw),
        accuracy=_ratio(tp + tn, np.ones_like(tp), name=f"accuracy/{label}", **kw),
    )


@dataclass(frozen=True)
class Sweep:
    """ROC and precision-recall curves of a score against boolean labels.

    ``roc_thresholds[i]`` gives ``(fpr[i], tpr[i])`` for "trip when score >= threshold" (the
    first point is ``+inf``: nothing trips), the points of ``sklearn.metrics.roc_curve(...,
    drop_intermediate=False)``. ``pr_thresholds[i]`` gives ``(precision[i], recall[i])``,
    thresholds increasing, as ``precision_recall_curve`` without its final (1, 0) point.
    """

    roc_thresholds: FloatArray
    fpr: FloatArray
    tpr: FloatArray
    roc_auc: float
    pr_thresholds: FloatArray
    precision: FloatArray
    recall: FloatArray
    average_precision: float

    def to_json(self) -> dict[str, Any]:
        def nums(a: FloatArray) -> list[float | None]:
            return [None if not np.isfinite(x) else float(x) for x in a]

        return {
            "roc": {
                "threshold": nums(self.roc_thresholds),
                "fpr": nums(self.fpr),
                "tpr": nums(self.tpr),
                "auc": self.roc_auc,
            },
            "pr": {
                "threshold": nums(self.pr_thresholds),
                "precision": nums(self.precision),
                "recall": nums(self.recall),
                "average_precision": self.average_precision,
            },
        }


def threshold_sweep(scores: npt.ArrayLike, truth: npt.ArrayLike) -> Sweep:
    """ROC and PR curves, ROC AUC and average precision of ``scores`` (higher = trip).

    Example:
        >>> s = threshold_sweep([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
        >>> s.roc_auc, round(s.average_precision, 4)
        (0.75, 0.8333)
    """
    x = np.asarray(scores, dtype=np.float64).ravel()
    t = np.asarray(truth, dtype=bool).ravel()
    if x.shape != t.shape:
        raise ValueError(f"{x.size} scores for {t.size} labels")
    if np.isnan(x).any():
        raise ValueError("scores contain NaN")
    order = np.argsort(-x, kind="mergesort")
    xs, ts = x[order], t[order]
    last = np.r_[np.flatnonzero(np.diff(xs)), xs.size - 1]  # last index of each distinct score
    tps = np.cumsum(ts)[last].astype(np.float64)
    fps = (last + 1 - tps).astype(np.float64)
    thresholds = xs[last]
    n_pos, n_neg = tps[-1] if tps.size else 0.0, fps[-1] if fps.size else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        fpr = np.r_[0.0, fps / n_neg]
        tpr = np.r_[0.0, tps / n_pos]
        precision = tps / (tps + fps)
    recall = tps / n_pos if n_pos else np.full(tps.size, np.nan)
    auc = float(np.trapezoid(tpr, fpr)) if n_pos and n_neg else float("nan")
    ap = float(np.sum(np.diff(np.r_[0.0, recall]) * precision)) if n_pos else float("nan")
    return Sweep(
        roc_thresholds=np.r_[np.inf, thresholds],
        fpr=fpr,
        tpr=tpr,
        roc_auc=auc,
        pr_thresholds=thresholds[::-1].copy(),
        precision=precision[::-1].copy(),
        recall=recall[::-1].copy(),
        average_precision=ap,
    )


@dataclass(frozen=True)
class DetectorComparison:
    """Two detectors on the same items: paired differences (A - B) of accuracy (all items),
    recall (on human positives) and false-block rate (on human negatives), each with a paired
    bootstrap CI and McNemar's test."""

    name_a: str
    name_b: str
    accuracy: PairedComparison
    recall: PairedComparison
    false_block_rate: PairedComparison

    @property
    def verdict(self) -> str:
        """Which detector is more accurate (the paired CI of the accuracy difference)."""
        v = self.accuracy.verdict
        return {"A better": f"{self.name_a} better", "B better": f"{self.name_b} better"}.get(v, v)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.name_a,
            "b": self.name_b,
            "accuracy": self.accuracy.to_json(),
            "recall": self.recall.to_json(),
            "false_block_rate": self.false_block_rate.to_json(),
            "verdict": self.verdict,
        }


def compare_detectors(
    pred_a: npt.ArrayLike,
    pred_b: npt.ArrayLike,
    truth: npt.ArrayLike,
    *,
    names: tuple[str, str] = ("a", "b"),
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    label: str = "all",
) -> DetectorComparison:
    """Paired comparison of two detectors' predictions on the same items.

    Example:
        >>> t = [1, 1, 1, 0, 0, 0] * 10
        >>> c = compare_detectors([1, 1, 1, 0, 0, 0] * 10, [1, 0, 0, 0, 0, 1] * 10, t,
        ...     names=("mine", "theirs"))
        >>> c.verdict, round(c.recall.difference.value, 3), c.accuracy.mcnemar.b
        ('mine better', 0.667, 30)
    """
    a = np.asarray(pred_a, dtype=bool).ravel()
    b = np.asarray(pred_b, dtype=bool).ravel()
    t = np.asarray(truth, dtype=bool).ravel()
    if not a.shape == b.shape == t.shape:
        raise ValueError("predictions and labels differ in length")
    kw: dict[str, Any] = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
    return DetectorComparison(
        names[0],
        names[1],
        accuracy=paired_comparison(a == t, b == t, label=f"accuracy/{label}", **kw),
        recall=paired_comparison(a[t], b[t], label=f"recall/{label}", **kw),
        false_block_rate=paired_comparison(a[~t], b[~t], label=f"false_block/{label}", **kw),
    )
