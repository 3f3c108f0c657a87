"""Isotonic calibration: a monotone step map from differences to probabilities, antisymmetric."""

from __future__ import annotations

from typing import Self

import numpy as np
import numpy.typing as npt

from rewardkit.calibration._json import dump_payload, load_payload
from rewardkit.calibration.base import NotFittedError, check_diffs, check_pairs, symmetrise
from rewardkit.calibration.methods import CalibrationMethod
from rewardkit.calibration.pava import isotonic_fit

__all__ = ["METHOD", "IsotonicCalibrator"]

FloatArray = npt.NDArray[np.float64]


class IsotonicCalibrator:
    """Isotonic regression of labels on differences, made exactly antisymmetric.

    The fit is pool-adjacent-violators (:func:`~rewardkit.calibration.pava.isotonic_fit`) on
    the symmetrised pairs, giving a non-decreasing ``f``; the stored map is
    ``p(d) = (f(d) + 1 - f(-d)) / 2`` on knots symmetric about 0, so ``p(-d) = 1 - p(d)``.
    Between knots ``p`` is linearly interpolated, beyond them it is constant, and it is clipped
    to ``[eps, 1 - eps]`` (use ``eps > 0`` to keep log-loss finite).

    Args:
        eps: Clipping margin for the predicted probabilities, in ``[0, 0.5)``.

    Attributes:
        x_: Knots (differences), strictly increasing and symmetric about 0.
        y_: Calibrated probability at each knot.

    Example:
        >>> cal = IsotonicCalibrator().fit([1.0, 2.0, -1.0, 3.0], [1, 1, 0, 1])
        >>> cal.x_
        array([-3., -2., -1.,  1.,  2.,  3.])
        >>> cal.predict_proba([-5.0, 0.0, 0.5, 5.0])
        array([0.  , 0.5 , 0.75, 1.  ])
    """

    kind = "isotonic"

    def __init__(self, eps: float = 0.0) -> None:
        self.eps = eps

    def fit(self, diffs: npt.ArrayLike, labels: npt.ArrayLike | None = None) -> Self:
        """Fit on pairs ``diffs`` (``labels`` default to 1: chosen minus rejected).

        Returns:
            ``self``.
        """
        if not 0.0 <= self.eps < 0.5:
            raise ValueError(f"eps must lie in [0, 0.5), got {self.eps}")
        xs, ys = isotonic_fit(*symmetrise(*check_pairs(diffs, labels)))
        knots = np.union1d(xs, -xs)
        f_pos = np.interp(knots, xs, ys)
        f_neg = np.interp(-knots, xs, ys)
        self.x_: FloatArray = knots
        self.y_: FloatArray = (f_pos + 1.0 - f_neg) / 2.0
        return self

    def predict_proba(self, diffs: npt.ArrayLike) -> FloatArray:
        """Calibrated ``p(a preferred over b)`` for each difference.

        Example:
            >>> IsotonicCalibrator(eps=0.01).fit([1.0, 2.0]).predict_proba([3.0, -3.0])
            array([0.99, 0.01])
        """
        if not hasattr(self, "x_"):
            raise NotFittedError(type(self).__name__)
        p = np.interp(check_diffs(diffs), self.x_, self.y_)
        out: FloatArray = np.clip(p, self.eps, 1.0 - self.eps)
        return out

    def to_json(self) -> str:
        """JSON with ``"kind": "isotonic"``, ``eps`` and the knots ``x_``, ``y_``.

        Example:
            >>> import json
            >>> json.loads(IsotonicCalibrator().fit([1.0]).to_json())["fitted"]
            {'x_': [-1.0, 1.0], 'y_': [0.0, 1.0]}
        """
        if not hasattr(self, "x_"):
            raise NotFittedError(type(self).__name__)
        fitted = {"x_": self.x_.tolist(), "y_": self.y_.tolist()}
        return dump_payload(self.kind, {"eps": self.eps}, fitted)

    @classmethod
    def from_json(cls, text: str) -> Self:
        """Rebuild a fitted calibrator from :meth:`to_json` output.

        Example:
            >>> cal = IsotonicCalibrator().fit([1.0, -2.0, 3.0])
            >>> bool((IsotonicCalibrator.from_json(cal.to_json()).y_ == cal.y_).all())
            True
        """
        payload = load_payload(text, cls.kind)
        cal = cls(**payload["params"])
        cal.x_ = np.asarray(payload["fitted"]["x_"], dtype=np.float64)
        cal.y_ = np.asarray(payload["fitted"]["y_"], dtype=np.float64)
        if cal.x_.ndim != 1 or cal.x_.size == 0 or cal.x_.shape != cal.y_.shape:
            raise ValueError("isotonic calibrator JSON: x_ and y_ must be equal-length lists")
        if not (np.isfinite(cal.x_).all() and np.isfinite(cal.y_).all()):
            raise ValueError("isotonic calibrator JSON: x_ and y_ must be finite numbers")
        if (np.diff(cal.x_) < 0).any() or (np.diff(cal.y_) < 0).any():
            raise ValueError("isotonic calibrator JSON: x_ and y_ must be non-decreasing")
        if cal.y_.min() < 0.0 or cal.y_.max() > 1.0:
            raise ValueError("isotonic calibrator JSON: y_ must be probabilities in [0, 1]")
        return cal


#: ``--method isotonic`` of ``rewardkit calibrate``: ``eps`` keeps the log-loss finite.
METHOD = CalibrationMethod(
    make=lambda: IsotonicCalibrator(eps=1e-6), load=IsotonicCalibrator.from_json
)
