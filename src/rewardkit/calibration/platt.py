"""Platt scaling: ``p = sigmoid(a * d + b)`` fitted by logistic regression (Newton's method)."""

from __future__ import annotations

import warnings
from typing import Self

import numpy as np
import numpy.typing as npt
from scipy.special import expit, log_expit

from rewardkit.calibration._json import dump_payload, fitted_number, load_payload
from rewardkit.calibration.base import NotFittedError, check_diffs, check_pairs, symmetrise
from rewardkit.calibration.methods import CalibrationMethod

__all__ = ["METHOD", "PlattScaling", "logistic_fit"]

FloatArray = npt.NDArray[np.float64]


def _objective(x: FloatArray, y: FloatArray, a: float, b: float, l2: float) -> float:
    z = a * x + b
    return float(-np.mean(y * log_expit(z) + (1.0 - y) * log_expit(-z)) + 0.5 * l2 * a * a)


def logistic_fit(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    l2: float = 0.0,
    max_iter: int = 100,
    tol: float = 1e-12,
) -> tuple[float, float]:
    """One-feature logistic regression ``sigmoid(a * x + b)`` by damped Newton steps.

    Minimises the mean log-loss plus ``l2 / 2 * a**2`` (the intercept is not penalised). With
    ``l2 = 0`` this is ``sklearn.linear_model.LogisticRegression(penalty=None)``. Separable data
    have no finite optimum: the fit stops after ``max_iter`` steps with a ``RuntimeWarning``.

    Args:
        x: The feature.
        y: Labels in [0, 1].
        l2: Ridge penalty on the slope.
        max_iter: Maximum number of Newton steps.
        tol: Stop when the largest parameter change falls below this.

    Returns:
        ``(a, b)``: slope and intercept.

    Example:
        >>> a, b = logistic_fit([0.0, 0.0, 1.0, 1.0, 1.0], [0, 1, 0, 1, 1])
        >>> round(a, 6), abs(round(b, 6))
        (0.693147, 0.0)
    """
    xv = np.asarray(x, dtype=np.float64).ravel()
    yv = np.asarray(y, dtype=np.float64).ravel()
    a, b = 1.0, 0.0
    current = _objective(xv, yv, a, b, l2)
    for _ in range(max_iter):
        p = expit(a * xv + b)
        r = p - yv
        grad = np.array([np.mean(r * xv) + l2 * a, np.mean(r)])
        w = p * (1.0 - p)
        hess = np.array(
            [[np.mean(w * xv * xv) + l2, np.mean(w * xv)], [np.mean(w * xv), np.mean(w)]]
        )
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        scale = 1.0
        while True:
            a_new, b_new = a - scale * float(step[0]), b - scale * float(step[1])
            new = _objective(xv, yv, a_new, b_new, l2)
            if new <= current or scale < 1e-10:
                break
            scale /= 2.0
        change = scale * float(np.abs(step).max())
        a, b, current = a_new, b_new, new
        if change < tol * max(1.0, abs(a), abs(b)):
            return a, b
    warnings.warn(
        f"logistic_fit did not converge in {max_iter} Newton steps (separable data?); "
        "set l2 > 0 for a finite fit",
        RuntimeWarning,
        stacklevel=2,
    )
    return a, b


class PlattScaling:
    """Logistic calibration ``p = sigmoid(a * d + b)`` on the symmetrised pairs.

    On symmetrised data the optimal ``b`` is 0 (up to rounding), so ``p(-d) = 1 - p(d)``
    holds to optimiser precision rather than exactly; ``b`` is kept so the model is the usual
    Platt scaling and so that a non-zero value reveals an asymmetric use.

    Args:
        l2: Ridge penalty on the slope ``a`` (0: none, as ``penalty=None`` in scikit-learn);
            use a small value when the pairs are separable.
        max_iter: Maximum number of Newton steps.

    Attributes:
        a_: Slope.
        b_: Intercept.

    Example:
        >>> cal = PlattScaling().fit([2.0, 1.0, -1.0, 0.5], [1, 1, 1, 0])
        >>> round(cal.a_, 4), abs(round(cal.b_, 12))
        (0.509, 0.0)
    """

    kind = "platt"

    def __init__(self, l2: float = 0.0, max_iter: int = 100) -> None:
        self.l2 = l2
        self.max_iter = max_iter

    def fit(self, diffs: npt.ArrayLike, labels: npt.ArrayLike | None = None) -> Self:
        """Fit ``a`` and ``b`` on pairs ``diffs`` (``labels`` default to 1).

        Returns:
            ``self``.
        """
        if self.l2 < 0:
            raise ValueError(f"l2 must be >= 0, got {self.l2}")
        x, y = symmetrise(*check_pairs(diffs, labels))
        self.a_, self.b_ = logistic_fit(x, y, l2=self.l2, max_iter=self.max_iter)
        return self

    def predict_proba(self, diffs: npt.ArrayLike) -> FloatArray:
        """``sigmoid(a * d + b)`` for each difference ``d``.

        Example:
            >>> PlattScaling().fit([1.0, 2.0, -1.0], [1, 0, 0]).predict_proba([0.0]).round(6)
            array([0.5])
        """
        if not hasattr(self, "a_"):
            raise NotFittedError(type(self).__name__)
        out: FloatArray = expit(self.a_ * check_diffs(diffs) + self.b_)
        return out

    def to_json(self) -> str:
        """JSON with ``"kind": "platt"``, the parameters and ``a_``, ``b_``.

        Example:
            >>> import json
            >>> json.loads(PlattScaling().fit([1.0, -0.5]).to_json())["kind"]
            'platt'
        """
        if not hasattr(self, "a_"):
            raise NotFittedError(type(self).__name__)
        params = {"l2": self.l2, "max_iter": self.max_iter}
        return dump_payload(self.kind, params, {"a_": self.a_, "b_": self.b_})

    @classmethod
    def from_json(cls, text: str) -> Self:
        """Rebuild a fitted calibrator from :meth:`to_json` output.

        Example:
            >>> cal = PlattScaling().fit([1.0, -0.5, 2.0])
            >>> PlattScaling.from_json(cal.to_json()).a_ == cal.a_
            True
        """
        payload = load_payload(text, cls.kind)
        cal = cls(**payload["params"])
        cal.a_ = fitted_number(payload, "a_")
        cal.b_ = fitted_number(payload, "b_")
        return cal


#: ``--method platt`` of ``rewardkit calibrate``: a tiny ridge keeps separable pairs finite.
METHOD = CalibrationMethod(make=lambda: PlattScaling(l2=1e-6), load=PlattScaling.from_json)
