"""Loading of the ``tests/golden/metrics_*.json`` cases (``null`` stands for NaN)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
TOL = 1e-9


def load_cases(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((GOLDEN / name).read_text(encoding="utf-8"))["cases"]
    return cases


def floats(values: list[float | None] | None) -> np.ndarray:
    """A float array with ``None`` as NaN."""
    return np.array([math.nan if v is None else v for v in values or []], dtype=np.float64)


def assert_close(actual: Any, expected: Any, tol: float = TOL) -> None:
    """Elementwise ``|a - e| <= tol``, NaN matching NaN (``None`` in the golden file)."""
    a = np.atleast_1d(np.asarray(actual, dtype=np.float64))
    if isinstance(expected, list):
        e = floats(expected)
    else:
        e = np.atleast_1d(np.asarray(math.nan if expected is None else expected, dtype=float))
    assert a.shape == e.shape, (a.shape, e.shape)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(e))
    np.testing.assert_allclose(a[~np.isnan(a)], e[~np.isnan(e)], rtol=0, atol=tol)
