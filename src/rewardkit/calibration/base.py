"""The :class:`Calibrator` protocol and the input handling that every calibrator shares.

A calibrator maps reward differences ``d = r_a - r_b`` to ``p(a preferred over b)``. Training
data are preference pairs: by default each difference is "chosen minus rejected" (label 1).
Calibrators *symmetrise* it, adding each pair in the other orientation ``(-d, 1 - label)``, so
that ``p(-d) = 1 - p(d)`` wherever the method allows.
"""

from __future__ import annotations

from typing import Protocol, Self, runtime_checkable

import numpy as np
import numpy.typing as npt

from rewardkit.errors import RewardkitError

__all__ = ["Calibrator", "NotFittedError", "check_diffs", "check_pairs", "symmetrise"]

FloatArray = npt.NDArray[np.float64]


@runtime_checkable
class Calibrator(Protocol):
    """Maps reward differences to calibrated preference probabilities (scikit-learn style).

    ``__init__`` stores parameters only, ``fit`` learns attributes ending in ``_`` and returns
    ``self``; ``predict_proba`` before ``fit`` raises :class:`NotFittedError`.

    Example:
        >>> from rewardkit.calibration import TemperatureScaling
        >>> isinstance(TemperatureScaling(), Calibrator)
        True
    """

    def fit(self, diffs: npt.ArrayLike, labels: npt.ArrayLike | None = None) -> Self:
        """Learn the calibration map from pairs ``diffs`` (label 1 = first response preferred)."""
        ...

    def predict_proba(self, diffs: npt.ArrayLike) -> FloatArray:
        """``p(a preferred over b)`` for each difference ``r_a - r_b``."""
        ...

    def to_json(self) -> str:
        """The fitted calibrator as a JSON document with a ``"kind"`` field."""
        ...


class NotFittedError(RewardkitError, ValueError):
    """A calibrator was used before :meth:`Calibrator.fit` was called.

    Example:
        >>> str(NotFittedError("TemperatureScaling"))
        'TemperatureScaling is not fitted yet: call fit(diffs, labels) first'
    """

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not fitted yet: call fit(diffs, labels) first")


def check_diffs(diffs: npt.ArrayLike) -> FloatArray:
    """Reward differences as a flat float array; NaN or infinite values are an error.

    Example:
        >>> check_diffs([[1, 2]])
        array([1., 2.])
    """
    d = np.asarray(diffs, dtype=np.float64).ravel()
    if not np.isfinite(d).all():
        raise ValueError("diffs must be finite numbers")
    return d


def check_pairs(
    diffs: npt.ArrayLike, labels: npt.ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """Validated ``(diffs, labels)`` for fitting; labels default to 1 (chosen minus rejected).

    Args:
        diffs: ``r_a - r_b`` per pair (at least one pair).
        labels: 1 when ``a`` is preferred, 0 when ``b`` is; soft labels in [0, 1] are allowed.

    Returns:
        Two flat float arrays of the same length.

    Example:
        >>> check_pairs([0.5, -1.0])[1]
        array([1., 1.])
    """
    d = check_diffs(diffs)
    if d.size == 0:
        raise ValueError("cannot fit a calibrator on zero pairs")
    if labels is None:
        return d, np.ones(d.size, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64).ravel()
    if y.size != d.size:
        raise ValueError(f"diffs and labels differ in length: {d.size} != {y.size}")
    if np.isnan(y).any() or (y < 0).any() or (y > 1).any():
        raise ValueError("labels must lie in [0, 1]")
    return d, y


def symmetrise(diffs: FloatArray, labels: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Every pair in both orientations: ``(d, y)`` then ``(-d, 1 - y)``.

    Example:
        >>> symmetrise(np.array([2.0]), np.array([1.0]))
        (array([ 2., -2.]), array([1., 0.]))
    """
    return np.concatenate((diffs, -diffs)), np.concatenate((labels, 1.0 - labels))
