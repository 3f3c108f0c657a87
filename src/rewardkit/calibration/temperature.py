"""Temperature scaling: ``p = sigmoid(d / T)`` with one parameter ``T > 0`` and no bias."""

from __future__ import annotations

import math
from typing import Self

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_expit

from rewardkit.calibration._json import dump_payload, fitted_number, load_payload
from rewardkit.calibration.base import NotFittedError, check_diffs, check_pairs, symmetrise
from rewardkit.calibration.methods import CalibrationMethod

__all__ = ["METHOD", "TemperatureScaling"]

FloatArray = npt.NDArray[np.float64]


class TemperatureScaling:
    """Divide reward differences by a learned temperature: ``p = sigmoid(d / T)``.

    There is no bias term, so ``p(a > b) = 1 - p(b > a)`` holds exactly. ``T`` minimises the
    log-loss of the (held-out) symmetrised pairs, searched on ``log T`` within
    ``[t_min, t_max]``. When the data are separable the optimum lies at ``t_min``; when the
    differences are anti-correlated with the labels it lies at ``t_max`` (``p`` near 0.5).

    Args:
        t_min: Smallest temperature searched.
        t_max: Largest temperature searched.

    Attributes:
        temperature_: The fitted temperature ``T``.

    Example:
        >>> cal = TemperatureScaling().fit([2.0, 4.0, -1.0, 3.0], [1, 1, 0, 0])
        >>> round(cal.temperature_, 3)
        3.476
        >>> cal.predict_proba([0.0])
        array([0.5])
    """

    kind = "temperature"

    def __init__(self, t_min: float = 1e-3, t_max: float = 1e3) -> None:
        self.t_min = t_min
        self.t_max = t_max

    def fit(self, diffs: npt.ArrayLike, labels: npt.ArrayLike | None = None) -> Self:
        """Fit ``T`` on pairs ``diffs`` (``labels`` default to 1: chosen minus rejected).

        Returns:
            ``self``.
        """
        if not 0 < self.t_min < self.t_max:
            raise ValueError(f"need 0 < t_min < t_max, got {self.t_min}, {self.t_max}")
        x, y = symmetrise(*check_pairs(diffs, labels))

        def loss(log_t: float) -> float:
            z = x * math.exp(-log_t)
            return float(-np.mean(y * log_expit(z) + (1.0 - y) * log_expit(-z)))

        bounds = (math.log(self.t_min), math.log(self.t_max))
        res = minimize_scalar(loss, bounds=bounds, method="bounded", options={"xatol": 1e-10})
        self.temperature_ = float(math.exp(res.x))
        return self

    def predict_proba(self, diffs: npt.ArrayLike) -> FloatArray:
        """``sigmoid(d / T)`` for each difference ``d``.

        Example:
            >>> TemperatureScaling().fit([1.0, 2.0, -1.0], [1, 0, 0]).predict_proba([0.0, 0.0])
            array([0.5, 0.5])
        """
        if not hasattr(self, "temperature_"):
            raise NotFittedError(type(self).__name__)
        out: FloatArray = expit(check_diffs(diffs) / self.temperature_)
        return out

    def to_json(self) -> str:
        """JSON with ``"kind": "temperature"``, the parameters and ``temperature_``.

        Example:
            >>> import json
            >>> json.loads(TemperatureScaling().fit([1.0, -0.5]).to_json())["kind"]
            'temperature'
        """
        if not hasattr(self, "temperature_"):
            raise NotFittedError(type(self).__name__)
        params = {"t_min": self.t_min, "t_max": self.t_max}
        return dump_payload(self.kind, params, {"temperature_": self.temperature_})

    @classmethod
    def from_json(cls, text: str) -> Self:
        """Rebuild a fitted calibrator from :meth:`to_json` output.

        Example:
            >>> cal = TemperatureScaling().fit([1.0, -0.5])
            >>> TemperatureScaling.from_json(cal.to_json()).temperature_ == cal.temperature_
            True
        """
        payload = load_payload(text, cls.kind)
        cal = cls(**payload["params"])
        cal.temperature_ = fitted_number(payload, "temperature_", positive=True)
        return cal


#: ``--method temperature`` of ``rewardkit calibrate`` (see :mod:`rewardkit.calibration.methods`).
METHOD = CalibrationMethod(make=TemperatureScaling, load=TemperatureScaling.from_json)
