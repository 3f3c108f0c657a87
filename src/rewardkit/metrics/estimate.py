"""A point estimate with its bootstrap confidence interval."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypedDict


class EstimateJSON(TypedDict):
    """The JSON form of an :class:`Estimate`; undefined (NaN) numbers become ``None``."""

    value: float | None
    ci: list[float | None]
    n: int


def _json_float(x: float) -> float | None:
    """A plain Python float, or ``None`` for NaN (JSON has no NaN)."""
    x = float(x)
    return None if math.isnan(x) else x


@dataclass(frozen=True)
class Estimate:
    """A metric value with a confidence interval.

    Attributes:
        value: The metric on the full data (not the bootstrap mean). NaN when undefined, e.g. a
            rank correlation of a constant input.
        ci_low: Lower end of the confidence interval (NaN when undefined).
        ci_high: Upper end of the confidence interval (NaN when undefined).
        n: Number of independent units (items) behind the estimate; the bootstrap resamples these.

    Example:
        >>> Estimate(0.75, 0.6, 0.9, 40).to_json()
        {'value': 0.75, 'ci': [0.6, 0.9], 'n': 40}
    """

    value: float
    ci_low: float
    ci_high: float
    n: int

    def to_json(self) -> EstimateJSON:
        """Return ``{"value": v, "ci": [lo, hi], "n": n}`` with plain floats, NaN as ``None``.

        Example:
            >>> Estimate(float("nan"), float("nan"), float("nan"), 3).to_json()
            {'value': None, 'ci': [None, None], 'n': 3}
        """
        return {
            "value": _json_float(self.value),
            "ci": [_json_float(self.ci_low), _json_float(self.ci_high)],
            "n": int(self.n),
        }
