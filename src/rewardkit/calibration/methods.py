"""Calibration methods by name: what ``rewardkit calibrate --method NAME`` fits, and what
:func:`~rewardkit.calibration.serialize.from_json` rebuilds from a saved ``"kind"``.

Adding a method takes one module and one line: the module holds the calibrator class (a
:class:`~rewardkit.calibration.base.Calibrator` whose ``to_json`` writes ``"kind": NAME``) and a
:class:`CalibrationMethod` for it named ``METHOD``; the line registers ``"module:METHOD"`` under
``NAME`` below. Third-party packages register through the ``rewardkit.plugins`` entry-point
group as ``calibrators.NAME = "pkg.module:METHOD"``.

Example:
    >>> CALIBRATION_METHODS.names()
    ['isotonic', 'platt', 'temperature']
    >>> type(CALIBRATION_METHODS.get("platt").make()).__name__
    'PlattScaling'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rewardkit.calibration.base import Calibrator
from rewardkit.registry import Registry

__all__ = ["CALIBRATION_METHODS", "CalibrationMethod"]


@dataclass(frozen=True)
class CalibrationMethod:
    """One calibration method: how to make an unfitted calibrator and how to load a fitted one.

    Attributes:
        make: A new, unfitted calibrator with the parameters ``rewardkit calibrate`` fits.
        load: The fitted calibrator of a ``to_json()`` document of this kind.

    Example:
        >>> from rewardkit.calibration.temperature import TemperatureScaling
        >>> m = CalibrationMethod(make=TemperatureScaling, load=TemperatureScaling.from_json)
        >>> m.load(m.make().fit([1.0, -0.5]).to_json()).predict_proba([0.0])
        array([0.5])
    """

    make: Callable[[], Calibrator]
    load: Callable[[str], Calibrator]


def _is_method(entry: object) -> bool:
    return isinstance(entry, CalibrationMethod)


CALIBRATION_METHODS: Registry[CalibrationMethod] = Registry(
    "calibration method", check=_is_method, plugin_prefix="calibrators"
)
CALIBRATION_METHODS.register("temperature", "rewardkit.calibration.temperature:METHOD")
CALIBRATION_METHODS.register("isotonic", "rewardkit.calibration.isotonic:METHOD")
CALIBRATION_METHODS.register("platt", "rewardkit.calibration.platt:METHOD")
