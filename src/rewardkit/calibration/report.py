"""Before/after calibration metrics (ECE, Brier, log-loss) of a fitted calibrator."""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import numpy.typing as npt
from scipy.special import logit

from rewardkit.calibration.base import Calibrator, check_pairs
from rewardkit.metrics.calibration import brier, ece, log_loss, preference_probs

__all__ = ["CalibrationReport", "calibration_report"]

_PROB_CLIP = 1e-15


class CalibrationReport(TypedDict):
    """Metrics over both orientations of every evaluation pair, raw (``sigmoid(d)``) and
    calibrated."""

    n_pairs: int
    n_bins: int
    ece_before: float
    ece_after: float
    brier_before: float
    brier_after: float
    log_loss_before: float
    log_loss_after: float


def calibration_report(
    calibrator: Calibrator,
    diffs: npt.ArrayLike,
    labels: npt.ArrayLike | None = None,
    n_bins: int = 15,
) -> CalibrationReport:
    """ECE, Brier and log-loss before (``p = sigmoid(d)``) and after calibration.

    Use pairs held out from the calibrator's training data. Each pair enters in both
    orientations, as in :mod:`rewardkit.metrics.calibration`: ``(p(d), 1)`` and
    ``(p(-d), 0)`` for a pair whose first response is preferred. Calibrated probabilities are
    clipped to ``[1e-15, 1 - 1e-15]`` for the log-loss so a 0/1 step of an isotonic map gives a
    large but finite value.

    Args:
        calibrator: A fitted calibrator.
        diffs: ``r_a - r_b`` per evaluation pair, uncalibrated.
        labels: 1 when ``a`` is preferred, 0 when ``b`` is (default: all 1, i.e. chosen minus
            rejected); must be 0 or 1.
        n_bins: Number of equal-width ECE bins.

    Returns:
        The metrics as a :class:`CalibrationReport`.

    Example:
        >>> from rewardkit.calibration import TemperatureScaling
        >>> rng = np.random.default_rng(0)
        >>> d = 5 * rng.normal(size=4000)
        >>> y = rng.random(4000) < 1 / (1 + np.exp(-d / 5))
        >>> cal = TemperatureScaling().fit(d[:2000], y[:2000])
        >>> rep = calibration_report(cal, d[2000:], y[2000:])
        >>> rep["ece_after"] < rep["ece_before"], rep["log_loss_after"] < rep["log_loss_before"]
        (True, True)
    """
    d, y = check_pairs(diffs, labels)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("calibration_report needs labels of 0 or 1")
    d = np.where(y == 1.0, d, -d)  # orient every pair as (preferred, other)

    probs_before, both_labels = preference_probs(d)
    p_pref = np.clip(calibrator.predict_proba(d), _PROB_CLIP, 1.0 - _PROB_CLIP)
    p_other = np.clip(calibrator.predict_proba(-d), _PROB_CLIP, 1.0 - _PROB_CLIP)
    probs_after = np.concatenate((p_pref, p_other))
    # log-loss of the preferred response in both orientations, written as logits for log_loss
    logits_after = np.concatenate((logit(p_pref), -logit(p_other)))
    return CalibrationReport(
        n_pairs=int(d.size),
        n_bins=n_bins,
        ece_before=ece(probs_before, both_labels, n_bins),
        ece_after=ece(probs_after, both_labels, n_bins),
        brier_before=brier(probs_before, both_labels),
        brier_after=brier(probs_after, both_labels),
        log_loss_before=log_loss(d),
        log_loss_after=log_loss(logits_after),
    )
