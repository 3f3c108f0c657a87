from __future__ import annotations

import json
import math

import numpy as np
import pytest

from rewardkit.metrics import Estimate


def test_to_json_gives_plain_python_floats() -> None:
    est = Estimate(np.float64(0.75), np.float64(0.5), np.float64(0.875), 40)
    out = est.to_json()
    assert out == {"value": 0.75, "ci": [0.5, 0.875], "n": 40}
    assert type(out["value"]) is float
    assert all(type(v) is float for v in out["ci"])
    assert type(out["n"]) is int
    assert json.loads(json.dumps(out)) == out


def test_to_json_maps_nan_to_none() -> None:
    est = Estimate(math.nan, math.nan, math.nan, 0)
    assert est.to_json() == {"value": None, "ci": [None, None], "n": 0}
    assert json.dumps(est.to_json(), allow_nan=False)  # strict JSON


def test_estimate_is_frozen() -> None:
    est = Estimate(1.0, 1.0, 1.0, 1)
    with pytest.raises(AttributeError):
        est.value = 2.0  # type: ignore[misc]
