"""Calibrators for preference probabilities ``p(a preferred over b)`` from reward differences.

Temperature, isotonic and Platt scaling, with scikit-learn conventions (``__init__`` stores
parameters, ``fit`` returns ``self``, learned attributes end in ``_``), a before/after report,
and JSON save/load so a fitted calibrator can be stored beside its model. Methods are looked up
by name in :data:`CALIBRATION_METHODS` (see :mod:`rewardkit.calibration.methods`).
"""

from rewardkit.calibration.base import Calibrator, NotFittedError, symmetrise
from rewardkit.calibration.isotonic import IsotonicCalibrator
from rewardkit.calibration.methods import CALIBRATION_METHODS, CalibrationMethod
from rewardkit.calibration.pava import isotonic_fit, pava
from rewardkit.calibration.platt import PlattScaling, logistic_fit
from rewardkit.calibration.report import CalibrationReport, calibration_report
from rewardkit.calibration.serialize import from_json, load_calibrator, save_calibrator
from rewardkit.calibration.temperature import TemperatureScaling

__all__ = [
    "CALIBRATION_METHODS",
    "CalibrationMethod",
    "CalibrationReport",
    "Calibrator",
    "IsotonicCalibrator",
    "NotFittedError",
    "PlattScaling",
    "TemperatureScaling",
    "calibration_report",
    "from_json",
    "isotonic_fit",
    "load_calibrator",
    "logistic_fit",
    "pava",
    "save_calibrator",
    "symmetrise",
]
