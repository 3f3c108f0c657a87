"""Evaluate reward-model scores on preference items: every metric with its bootstrap CI."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rewardkit.data.records import PreferenceItem
from rewardkit.data.score_layout import ScoreLayout
from rewardkit.metrics.bootstrap import bootstrap_mean, bootstrap_weighted, rng_for
from rewardkit.metrics.calibration import ProbFn, brier, ece, pair_neg_log_lik, preference_probs
from rewardkit.metrics.calibration_sums import (
    brier_from_counts,
    calibration_sums,
    ece_from_counts,
    log_loss_from_counts,
)
from rewardkit.metrics.correlation import (
    WeightedKendall,
    kendall_tau_b,
    spearman,
    weighted_spearman,
)
from rewardkit.metrics.estimate import Estimate
from rewardkit.metrics.pairwise import best_of_n_outcomes, pair_differences, pairwise_outcomes
from rewardkit.metrics.results import EvaluationResult, GroupResult, MetricConfig, MetricSet
from rewardkit.metrics.tie_agreement import tie_agreement_outcomes

__all__ = ["evaluate"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_ALL = "all"


@dataclass(frozen=True)
class _Layout:
    """Flat response arrays of a list of items (chosen first, then rejected, item by item)."""

    item_index: IntArray
    is_chosen: npt.NDArray[np.bool_]
    n_chosen: IntArray
    n_rejected: IntArray

    @staticmethod
    def of(items: Sequence[PreferenceItem]) -> _Layout:
        n_c = np.fromiter((len(it.chosen) for it in items), dtype=np.int64, count=len(items))
        n_r = np.fromiter((len(it.rejected) for it in items), dtype=np.int64, count=len(items))
        bad = np.flatnonzero((n_c == 0) | (n_r == 0))
        if bad.size:
            raise ValueError(f"item {items[bad[0]].id!r} needs >= 1 chosen and >= 1 rejected")
        flat = ScoreLayout.of(items)
        return _Layout(flat.item_index, flat.is_chosen, n_c, n_r)


def _check_scores(
    scores: npt.ArrayLike, items: Sequence[PreferenceItem], lay: _Layout
) -> FloatArray:
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 1 or s.size != lay.item_index.size:
        raise ValueError(
            f"scores must be a flat array of {lay.item_index.size} responses "
            f"(chosen then rejected, item by item), got shape {s.shape}"
        )
    nan = np.flatnonzero(np.isnan(s))
    if nan.size:
        it = int(lay.item_index[nan[0]])
        pos = int(nan[0] - np.searchsorted(lay.item_index, it))
        raise ValueError(f"score of item {items[it].id!r}, response {pos} is NaN")
    return s


def _human_scores(items: Sequence[PreferenceItem]) -> FloatArray | None:
    """Flat human scores when every item has them (lengths checked), else ``None``."""
    flat: list[float] = []
    for it in items:
        if it.chosen_scores is None or it.rejected_scores is None:
            return None
        if len(it.chosen_scores) != len(it.chosen) or len(it.rejected_scores) != len(it.rejected):
            raise ValueError(f"item {it.id!r}: human scores do not match its responses")
        flat.extend(it.chosen_scores)
        flat.extend(it.rejected_scores)
    return np.asarray(flat, dtype=np.float64)


def _weighted_estimate(
    value: float,
    stat: Callable[[FloatArray], FloatArray],
    n_units: int,
    cfg: MetricConfig,
    name: str,
    group: str,
    chunk_size: int | None = None,
) -> Estimate:
    lo, hi = bootstrap_weighted(
        stat,
        n_units,
        n_resamples=cfg.n_resamples,
        confidence=cfg.confidence,
        rng=rng_for(cfg.seed, name, group),
        chunk_size=chunk_size,
        label=f"{name} ({group})",
    )
    return Estimate(value, lo, hi, n_units)


def _mean_estimate(values: FloatArray, cfg: MetricConfig, name: str, group: str) -> Estimate:
    rng = rng_for(cfg.seed, name, group)
    return bootstrap_mean(values, n_resamples=cfg.n_resamples, confidence=cfg.confidence, rng=rng)


@dataclass(frozen=True)
class _Outcomes:
    """Per-item outcomes shared by the overall metrics and every group."""

    keep: npt.NDArray[np.bool_]  # not labelled a tie
    acc: FloatArray
    bon: FloatArray | None  # some kept item has several rejected responses
    with_ties: FloatArray | None  # some item is labelled a tie


def _accuracy_set(
    members: IntArray, out: _Outcomes, lay: _Layout, cfg: MetricConfig, group: str
) -> MetricSet:
    """Accuracy on the untied items of ``members`` (and best-of-N where one of them has several
    rejected); agreement with ties over all of ``members`` when one of them is a labelled tie."""
    sel = members[out.keep[members]]
    best = with_ties = None
    if out.bon is not None and bool((lay.n_rejected[sel] > 1).any()):
        best = _mean_estimate(out.bon[sel], cfg, "best_of_n_accuracy", group)
    if out.with_ties is not None and sel.size < members.size:
        with_ties = _mean_estimate(out.with_ties[members], cfg, "accuracy_with_ties", group)
    return MetricSet(
        accuracy=_mean_estimate(out.acc[sel], cfg, "accuracy", group),
        accuracy_with_ties=with_ties,
        best_of_n_accuracy=best,
    )


def _calibration(
    s: FloatArray,
    lay: _Layout,
    keep: npt.NDArray[np.bool_],
    cfg: MetricConfig,
    prob: ProbFn | None,
) -> tuple[Estimate, Estimate, Estimate]:
    """ECE, Brier and log-loss over both orientations of every pair of the kept items."""
    resp = keep[lay.item_index]
    pair_item, diff = pair_differences(s[resp], lay.item_index[resp], lay.is_chosen[resp])
    unit = (np.cumsum(keep) - 1)[pair_item]
    n_units = int(keep.sum())
    probs, labels = preference_probs(diff, prob)
    sums = calibration_sums(diff, unit, n_units, cfg.n_bins, prob=prob)
    return (
        _weighted_estimate(
            ece(probs, labels, cfg.n_bins),
            lambda c: ece_from_counts(sums, c),
            n_units,
            cfg,
            "ece",
            _ALL,
        ),
        _weighted_estimate(
            brier(probs, labels), lambda c: brier_from_counts(sums, c), n_units, cfg, "brier", _ALL
        ),
        _weighted_estimate(
            float(np.mean(pair_neg_log_lik(diff, prob))) if diff.size else float("nan"),
            lambda c: log_loss_from_counts(sums, c),
            n_units,
            cfg,
            "log_loss",
            _ALL,
        ),
    )


def _correlations(
    s: FloatArray, human: FloatArray, lay: _Layout, cfg: MetricConfig
) -> tuple[Estimate, Estimate]:
    """Spearman and Kendall tau-b pooled over all responses, bootstrapped over items."""
    idx = lay.item_index
    n_units = lay.n_chosen.size
    rows = max(1, (1 << 20) // max(1, idx.size))
    kendall = WeightedKendall(s, human)  # sorts and plans once for all resamples
    rho = _weighted_estimate(
        spearman(s, human),
        lambda c: weighted_spearman(s, human, c[:, idx]),
        n_units,
        cfg,
        "spearman",
        _ALL,
        chunk_size=rows,
    )
    tau = _weighted_estimate(
        kendall_tau_b(s, human),
        lambda c: kendall(c[:, idx]),
        n_units,
        cfg,
        "kendall_tau_b",
        _ALL,
        chunk_size=rows,
    )
    return rho, tau


def _groups(
    labels: list[str | None], kind: str, outcomes: _Outcomes, lay: _Layout, cfg: MetricConfig
) -> dict[str, GroupResult]:
    """Accuracy per distinct label, sorted by name; items without a label join no group."""
    members: dict[str, list[int]] = {}
    for i, lab in enumerate(labels):
        if lab is not None:
            members.setdefault(lab, []).append(i)
    out: dict[str, GroupResult] = {}
    for name in sorted(members):
        idx = np.asarray(members[name], dtype=np.int64)
        metrics = _accuracy_set(idx, outcomes, lay, cfg, f"{kind}:{name}")
        out[name] = GroupResult(int(idx.size), metrics)
    return out


def evaluate(
    items: Sequence[PreferenceItem],
    scores: npt.ArrayLike,
    config: MetricConfig | None = None,
    *,
    prob: ProbFn | None = None,
    calibration: bool = True,
) -> EvaluationResult:
    """Score-based metrics of a reward model on preference items, each with a bootstrap CI.

    Accuracy is the mean per-item pairwise outcome; best-of-N accuracy (RewardBench 2 rule) is
    added when some item has more than one rejected response; ECE, Brier and log-loss are over
    both orientations of every pair (each pair weighs 1); Spearman and Kendall tau-b (pooled over
    all responses) are added when every item carries human scores. Items labelled ``tie=True``
    are left out of accuracy and calibration and counted in ``n_ties_excluded``; when there are
    any, ``accuracy_with_ties`` scores every item, a labelled tie being correct only when its
    scores tie within ``config.tie_margin`` (see
    :func:`~rewardkit.metrics.tie_agreement.tie_agreement_outcomes`). All intervals resample
    items; each (metric, group) has its own random stream.

    Args:
        items: The preference items.
        scores: Flat model scores: items[0]'s chosen then rejected responses, then items[1]'s...
        config: Bootstrap and metric settings (defaults: ``MetricConfig()``).
        prob: Preference probability of a score difference for ECE, Brier and log-loss
            (default ``sigmoid``; a fitted calibrator's ``predict_proba``).
        calibration: Whether ECE, Brier and log-loss apply: ``False`` when the scores are not
            log-odds of preference (e.g. response length) and no ``prob`` maps them; the three
            are then ``None`` (not applicable) rather than numbers.

    Returns:
        The overall metrics and per-subset / per-domain accuracy.

    Example:
        >>> items = [PreferenceItem("a", "p", ("good",), ("bad",), subset="chat"),
        ...          PreferenceItem("b", "p", ("good",), ("bad", "worse"), subset="math")]
        >>> res = evaluate(items, [1.0, 0.0, 0.2, 0.5, 0.1], MetricConfig(n_resamples=200))
        >>> res.metrics.accuracy.value, res.metrics.best_of_n_accuracy.value, list(res.by_subset)
        (0.75, 0.5, ['chat', 'math'])
    """
    cfg = config if config is not None else MetricConfig()
    lay = _Layout.of(items)
    s = _check_scores(scores, items, lay)
    n = len(items)
    keep = ~np.fromiter((it.tie for it in items), dtype=bool, count=n)
    multi = bool((lay.n_rejected[keep] > 1).any())
    outcomes = _Outcomes(
        keep=keep,
        acc=pairwise_outcomes(s, lay.item_index, lay.is_chosen, n, cfg.tie_value),
        bon=best_of_n_outcomes(s, lay.item_index, lay.is_chosen, n) if multi else None,
        with_ties=None
        if keep.all()
        else tie_agreement_outcomes(s, lay.item_index, lay.is_chosen, ~keep, n, cfg.tie_margin),
    )
    sel = np.flatnonzero(keep)
    base = _accuracy_set(np.arange(n, dtype=np.int64), outcomes, lay, cfg, _ALL)
    cal: tuple[Estimate | None, Estimate | None, Estimate | None] = (None, None, None)
    if sel.size and calibration:
        cal = _calibration(s, lay, keep, cfg, prob)
    human = _human_scores(items)
    corr = _correlations(s, human, lay, cfg) if human is not None and n else (None, None)
    metrics = MetricSet(
        accuracy=base.accuracy,
        accuracy_with_ties=base.accuracy_with_ties,
        best_of_n_accuracy=base.best_of_n_accuracy,
        ece=cal[0],
        brier=cal[1],
        log_loss=cal[2],
        spearman=corr[0],
        kendall_tau_b=corr[1],
    )
    return EvaluationResult(
        n_items=n,
        n_pairs=int((lay.n_chosen * lay.n_rejected)[keep].sum()),
        metrics=metrics,
        by_subset=_groups([it.subset for it in items], "subset", outcomes, lay, cfg),
        by_domain=_groups([it.domain for it in items], "domain", outcomes, lay, cfg),
        n_ties_excluded=int(n - sel.size),
    )
