"""The calibration-method registry: the built-in methods, and a new method added by one module
plus one registration line, used end to end by ``rewardkit calibrate`` and by ``from_json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Self

import numpy as np
import numpy.typing as npt
import pytest
from scipy.special import expit

from rewardkit.calibration import (
    CALIBRATION_METHODS,
    CalibrationMethod,
    IsotonicCalibrator,
    PlattScaling,
    TemperatureScaling,
    from_json,
    load_calibrator,
)
from rewardkit.calibration._json import dump_payload, fitted_number, load_payload
from rewardkit.calibration.base import check_diffs, check_pairs
from rewardkit.calibration.serialize import calibrator_from_document
from rewardkit.config import EvalConfig
from rewardkit.errors import ConfigError
from rewardkit.jobs.calibrate import make_calibrator, run_calibrate


class ShiftCalibrator:
    """A toy method: ``p = sigmoid(d - shift_)`` with ``shift_`` the negated mean difference,
    written as a third party would, outside the package."""

    kind = "shift"

    def __init__(self, damping: float = 1.0) -> None:
        self.damping = damping

    def fit(self, diffs: npt.ArrayLike, labels: npt.ArrayLike | None = None) -> Self:
        d, _ = check_pairs(diffs, labels)
        self.shift_ = -float(np.mean(d)) * self.damping
        return self

    def predict_proba(self, diffs: npt.ArrayLike) -> npt.NDArray[np.float64]:
        out: npt.NDArray[np.float64] = expit(check_diffs(diffs) - self.shift_)
        return out

    def to_json(self) -> str:
        return dump_payload(self.kind, {"damping": self.damping}, {"shift_": self.shift_})

    @classmethod
    def from_json(cls, text: str) -> Self:
        payload = load_payload(text, cls.kind)
        cal = cls(**payload["params"])
        cal.shift_ = fitted_number(payload, "shift_")
        return cal


# What the toy's module adds besides the class: the method entry ...
METHOD = CalibrationMethod(
    make=lambda: ShiftCalibrator(damping=0.5), load=ShiftCalibrator.from_json
)


@pytest.fixture
def shift_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    # ... and the one registration line, as a lazy "module:object" string (undone after the test)
    monkeypatch.setitem(CALIBRATION_METHODS._entries, "shift", f"{__name__}:METHOD")


def test_builtin_methods_make_what_calibrate_fitted_before() -> None:
    assert CALIBRATION_METHODS.names() == ["isotonic", "platt", "temperature"]
    made = {name: make_calibrator(name) for name in CALIBRATION_METHODS.names()}
    assert type(made["temperature"]) is TemperatureScaling
    assert (made["temperature"].t_min, made["temperature"].t_max) == (1e-3, 1e3)
    assert type(made["isotonic"]) is IsotonicCalibrator
    assert made["isotonic"].eps == 1e-6
    assert type(made["platt"]) is PlattScaling
    assert (made["platt"].l2, made["platt"].max_iter) == (1e-6, 100)
    for name, cal in made.items():
        assert cal.kind == name  # the registered name is the kind its JSON carries
        assert type(from_json(cal.fit([1.0, -0.5, 2.0]).to_json())) is type(cal)


def test_unknown_method_lists_the_registered_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown calibration method 'beta'; available: iso"):
        make_calibrator("beta")
    text = TemperatureScaling().fit([1.0]).to_json().replace('"temperature"', '"beta"')
    with pytest.raises(ValueError, match=r"known kinds: isotonic, platt, temperature$"):
        from_json(text)


def test_a_registered_method_runs_end_to_end(shift_registered: None, tmp_path: Path) -> None:
    rows = [{"prompt": "q", "chosen": "a" * (i % 7 + 1), "rejected": "bbb"} for i in range(30)]
    data = tmp_path / "pairs.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    cfg = EvalConfig(bootstrap=20, no_cache=True)

    run = run_calibrate("baseline:length", data, "shift", tmp_path / "run", cfg)

    diffs = np.array([i % 7 + 1 - 3.0 for i in range(30)])  # length(chosen) - length(rejected)
    assert isinstance(run.calibrator, ShiftCalibrator)
    assert run.calibrator.shift_ == pytest.approx(-0.5 * diffs.mean())
    saved = json.loads((tmp_path / "run" / "calibrator.json").read_text(encoding="utf-8"))
    assert saved == {
        "kind": "shift",
        "version": 1,
        "params": {"damping": 0.5},
        "fitted": {"shift_": run.calibrator.shift_},
    }
    assert run.results_json["method"] == "shift"
    assert run.results_json["calibrator"] == saved
    grid = np.linspace(-5.0, 5.0, 11)
    expected = expit(grid - run.calibrator.shift_)
    loaded = load_calibrator(tmp_path / "run" / "calibrator.json")
    documented = calibrator_from_document(run.results_json["calibrator"], Path("calibration.json"))
    for cal in (loaded, documented):
        assert isinstance(cal, ShiftCalibrator)
        np.testing.assert_array_equal(cal.predict_proba(grid), expected)


def test_a_registered_entry_must_be_a_calibration_method(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CALIBRATION_METHODS._entries, "shift", f"{__name__}:ShiftCalibrator")
    with pytest.raises(ConfigError, match=r"calibration method 'shift' .* has the wrong type"):
        make_calibrator("shift")
