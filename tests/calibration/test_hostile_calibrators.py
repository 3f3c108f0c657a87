"""A damaged calibrator.json is one clear error on load (issue 14): NaN, zero or negative
temperatures (a negative one silently flips every probability), non-finite Platt parameters,
decreasing or out-of-range isotonic steps, deep JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.calibration import PlattScaling, TemperatureScaling
from rewardkit.calibration.isotonic import IsotonicCalibrator
from rewardkit.calibration.serialize import (
    calibrator_beside,
    calibrator_from_document,
    from_json,
)
from rewardkit.errors import ConfigError, DataError


def _payload(cal: object, **fitted: object) -> str:
    doc = json.loads(cal.to_json())  # type: ignore[attr-defined]
    doc["fitted"].update(fitted)
    return json.dumps(doc, allow_nan=True)


@pytest.mark.parametrize("value", [-1.0, 0.0, float("nan"), float("inf"), "2.0", True, None])
def test_temperature_must_be_a_finite_positive_number(value: object) -> None:
    text = _payload(TemperatureScaling().fit([1.0, -0.5, 2.0]), temperature_=value)
    with pytest.raises(ValueError, match="temperature_ must be a finite number > 0"):
        from_json(text)


def test_platt_and_isotonic_damage() -> None:
    platt = PlattScaling().fit([1.0, -0.5, 2.0])
    with pytest.raises(ValueError, match="a_ must be a finite number"):
        from_json(_payload(platt, a_=float("nan")))
    iso = IsotonicCalibrator().fit([1.0, -2.0, 3.0, 0.5])
    doc = json.loads(iso.to_json())
    x, y = doc["fitted"]["x_"], doc["fitted"]["y_"]
    for fitted, message in (
        ({"x_": x[::-1] if len(x) > 1 else x, "y_": y[::-1]}, "non-decreasing"),
        ({"x_": x, "y_": [2.0] * len(y)}, r"probabilities in \[0, 1\]"),
        ({"x_": [float("nan")] * len(x), "y_": y}, "finite"),
    ):
        with pytest.raises(ValueError, match=message):
            from_json(_payload(iso, **fitted))


def test_deep_or_garbage_calibrator_json() -> None:
    with pytest.raises(ValueError, match="nested deeper than 100 levels"):
        from_json('{"kind": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(ValueError, match="invalid JSON"):
        from_json('{"kind": "temperature"')


def test_calibrator_beside_a_model_and_in_a_run_document(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    good = TemperatureScaling().fit([1.0, -0.5, 2.0])
    (folder / "calibrator.json").write_text(_payload(good, temperature_=-2.0))
    with pytest.raises(ConfigError, match=r"calibrator\.json: not a valid calibrator"):
        calibrator_beside(f"embed:{folder}")
    (folder / "calibrator.json").write_bytes(b"\xff\xfe garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        calibrator_beside(f"embed:{folder}")
    doc = json.loads(_payload(good, temperature_=float("nan")))
    with pytest.raises(DataError, match="field 'calibrator': not a valid calibrator"):
        calibrator_from_document(doc, tmp_path / "calibration.json")
    assert calibrator_from_document(json.loads(good.to_json()), tmp_path / "c.json")
