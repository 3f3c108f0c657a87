"""Calibration of preference probabilities ``p = sigmoid(s_a - s_b)``: ECE, Brier, log-loss.

Each pair enters in both orientations: (chosen, rejected) with probability ``sigmoid(d)`` and
label 1, and (rejected, chosen) with ``sigmoid(-d) = 1 - sigmoid(d)`` and label 0, where
``d = s_chosen - s_rejected``. Brier and log-loss take the same value in both orientations;
ECE does not, and the symmetric form is the one reported.

For the bootstrap over items see :mod:`rewardkit.metrics.calibration_sums`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy.special import expit, log_expit

__all__ = ["bin_index", "brier", "ece", "log_loss", "preference_probs"]

FloatArray = npt.NDArray[np.float64]


ProbFn = Callable[[FloatArray], FloatArray]


def preference_probs(
    diffs: npt.ArrayLike, prob: ProbFn | None = None
) -> tuple[FloatArray, FloatArray]:
    """Both orientations of every pair: ``(p(d), 1)`` then ``(p(-d), 0)``.

    Args:
        diffs: ``s_chosen - s_rejected`` per pair.
        prob: ``p(first preferred | d)``; default ``sigmoid`` (a fitted calibrator's
            ``predict_proba`` when the model has one).

    Returns:
        ``(probs, labels)``, each of length ``2 * len(diffs)``.

    Example:
        >>> preference_probs([0.0, 2.0])[1]
        array([1., 1., 0., 0.])
    """
    d = np.asarray(diffs, dtype=np.float64).ravel()
    if prob is None:
        probs = np.concatenate((expit(d), expit(-d)))
    else:
        probs = np.clip(np.concatenate((prob(d), prob(-d))), 0.0, 1.0)
    labels = np.concatenate((np.ones(d.size), np.zeros(d.size)))
    return probs, labels


def bin_index(probs: npt.ArrayLike, n_bins: int = 15) -> npt.NDArray[np.int64]:
    """Equal-width bin of each probability: bin ``k`` is ``[k/n, (k+1)/n)``, the last bin also
    holds 1.0. Edges are ``k / n_bins`` exactly as Python computes them.

    Args:
        probs: Probabilities in [0, 1] (anything else is an error).
        n_bins: Number of bins.

    Returns:
        The bin of each probability, integers in ``[0, n_bins)``.

    Example:
        >>> bin_index([0.0, 0.1, 0.5, 0.99, 1.0], n_bins=10)
        array([0, 1, 5, 9, 9])
    """
    p = np.asarray(probs, dtype=np.float64).ravel()
    if n_bins < 1:
        raise ValueError(f"n_bins must be >= 1, got {n_bins}")
    if p.size and (np.isnan(p).any() or p.min() < 0.0 or p.max() > 1.0):
        raise ValueError("probabilities must lie in [0, 1]")
    edges = np.arange(n_bins + 1, dtype=np.float64) / n_bins
    idx = np.searchsorted(edges, p, side="right") - 1
    return np.clip(idx, 0, n_bins - 1).astype(np.int64)


def check_weights(weights: npt.ArrayLike | None, n: int) -> FloatArray:
    """Validated per-sample weights (ones when ``None``); shared with ``calibration_sums``.

    Example:
        >>> check_weights(None, 2)
        array([1., 1.])
    """
    if weights is None:
        return np.ones(n, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.size != n:
        raise ValueError(f"weights has length {w.size}, expected {n}")
    if np.isnan(w).any() or (w < 0).any():
        raise ValueError("weights must be non-negative numbers")
    return w


def _prob_label(probs: npt.ArrayLike, labels: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    p = np.asarray(probs, dtype=np.float64).ravel()
    y = np.asarray(labels, dtype=np.float64).ravel()
    if p.size != y.size:
        raise ValueError(f"probs and labels differ in length: {p.size} != {y.size}")
    return p, y


def ece(
    probs: npt.ArrayLike,
    labels: npt.ArrayLike,
    n_bins: int = 15,
    weights: npt.ArrayLike | None = None,
) -> float:
    """Expected calibration error ``sum_b (W_b / W) * |mean_label_b - mean_prob_b|``.

    Bins are equal-width on [0, 1] (see :func:`bin_index`); means and bin masses are weighted.

    Args:
        probs: Predicted probabilities in [0, 1].
        labels: Outcomes (0/1, or soft labels in [0, 1]).
        n_bins: Number of bins.
        weights: Optional non-negative per-sample weights.

    Returns:
        The ECE; NaN when there is no sample or the total weight is 0.

    Example:
        >>> ece([0.9, 0.9, 0.2], [1, 0, 0], n_bins=10)
        0.3333333333333333
    """
    p, y = _prob_label(probs, labels)
    w = check_weights(weights, p.size)
    total = w.sum()
    if p.size == 0 or total <= 0:
        return float("nan")
    b = bin_index(p, n_bins)
    gap = np.bincount(b, weights=w * (y - p), minlength=n_bins)
    return float(np.abs(gap).sum() / total)


def brier(
    probs: npt.ArrayLike, labels: npt.ArrayLike, weights: npt.ArrayLike | None = None
) -> float:
    """Brier score: the weighted mean of ``(p - y)^2``.

    Args:
        probs: Predicted probabilities.
        labels: Outcomes (0/1 or soft labels).
        weights: Optional non-negative per-sample weights.

    Returns:
        The Brier score; NaN when there is no sample or the total weight is 0.

    Example:
        >>> brier([0.9, 0.2], [1, 0])
        0.025
    """
    p, y = _prob_label(probs, labels)
    w = check_weights(weights, p.size)
    total = w.sum()
    if p.size == 0 or total <= 0:
        return float("nan")
    return float(np.dot(w, (p - y) ** 2) / total)


def log_loss(diffs: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float:
    """Weighted mean negative log-likelihood of the preferred response, ``-log sigmoid(d)``.

    Computed from the score differences with ``log_expit`` so large ``|d|`` neither overflows
    nor loses precision. Both orientations of a pair give the same term (``-log sigmoid(d)``
    for ``(sigmoid(d), 1)`` and ``-log(1 - sigmoid(-d))`` for ``(sigmoid(-d), 0)``), so this is
    also the two-orientation log-loss.

    Args:
        diffs: ``s_chosen - s_rejected`` per pair.
        weights: Optional non-negative per-pair weights.

    Returns:
        The log-loss (natural log); NaN when there is no pair or the total weight is 0.

    Example:
        >>> round(log_loss([0.0, 1000.0]), 12)
        0.34657359028
    """
    d = np.asarray(diffs, dtype=np.float64).ravel()
    w = check_weights(weights, d.size)
    total = w.sum()
    if d.size == 0 or total <= 0:
        return float("nan")
    return float(-np.dot(w, log_expit(d)) / total)


PROB_CLIP = 1e-15


def pair_neg_log_lik(diffs: npt.ArrayLike, prob: ProbFn | None = None) -> FloatArray:
    """Per pair, the mean over both orientations of ``-log p(observed)``: ``-log sigmoid(d)``
    by default, else ``(-log p(d) - log(1 - p(-d))) / 2`` with ``p`` clipped to
    ``[1e-15, 1 - 1e-15]`` (a 0/1 step of an isotonic map stays finite).

    Example:
        >>> pair_neg_log_lik([0.0]).round(6).tolist()
        [0.693147]
    """
    d = np.asarray(diffs, dtype=np.float64).ravel()
    if prob is None:
        return np.asarray(-log_expit(d), dtype=np.float64)
    p_first = np.clip(prob(d), PROB_CLIP, 1 - PROB_CLIP)
    p_second = np.clip(prob(-d), PROB_CLIP, 1 - PROB_CLIP)
    return np.asarray(-(np.log(p_first) + np.log1p(-p_second)) / 2.0, dtype=np.float64)
