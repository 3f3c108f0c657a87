"""Load any fitted calibrator from its JSON (dispatch on the ``"kind"`` field)."""

from __future__ import annotations

from pathlib import Path

from rewardkit.calibration._json import load_payload
from rewardkit.calibration.base import Calibrator
from rewardkit.calibration.methods import CALIBRATION_METHODS
from rewardkit.models.spec import ModelSpec

__all__ = [
    "CALIBRATOR_FILE",
    "calibrator_beside",
    "calibrator_from_document",
    "from_json",
    "load_calibrator",
    "model_folder",
    "save_calibrator",
]


def from_json(text: str) -> Calibrator:
    """The fitted calibrator that ``to_json()`` wrote, whatever its kind (the
    :data:`~rewardkit.calibration.methods.CALIBRATION_METHODS` entry of its ``"kind"`` loads it).

    Example:
        >>> from rewardkit.calibration import TemperatureScaling
        >>> cal = from_json(TemperatureScaling().fit([1.0, -0.5]).to_json())
        >>> type(cal).__name__
        'TemperatureScaling'
    """
    kind = load_payload(text)["kind"]
    known = CALIBRATION_METHODS.names()
    if kind not in known:
        raise ValueError(f"unknown calibrator kind {kind!r}; known kinds: {', '.join(known)}")
    return CALIBRATION_METHODS.get(kind).load(text)


def save_calibrator(calibrator: Calibrator, path: str | Path) -> Path:
    """Write a fitted calibrator's JSON to ``path`` atomically (temporary file, then rename).

    Example:
        >>> import tempfile
        >>> from rewardkit.calibration import PlattScaling
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     p = save_calibrator(PlattScaling().fit([1.0, -0.5]), Path(tmp) / "cal.json")
        ...     type(load_calibrator(p)).__name__
        'PlattScaling'
    """
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(calibrator.to_json() + "\n", encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        # ENOSPC on write carries no file name: name the file being saved.
        raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from exc
    return target


def load_calibrator(path: str | Path) -> Calibrator:
    """Read a calibrator written by :func:`save_calibrator`.

    Example:
        >>> load_calibrator.__name__
        'load_calibrator'
    """
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text ({exc.reason})") from None
    return from_json(text)


def calibrator_from_document(doc: object, path: Path) -> Calibrator:
    """The calibrator stored (as its JSON object) in a run document, e.g. the ``calibrator``
    of ``calibration.json``; a damaged one is a :class:`~rewardkit.errors.DataError`.

    Example:
        >>> import json
        >>> from rewardkit.calibration import TemperatureScaling
        >>> doc = json.loads(TemperatureScaling().fit([1.0, -0.5]).to_json())
        >>> type(calibrator_from_document(doc, Path("calibration.json"))).__name__
        'TemperatureScaling'
        >>> doc["fitted"]["temperature_"] = -1.0
        >>> calibrator_from_document(doc, Path("calibration.json"))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        rewardkit.errors.DataError: ...: temperature_ must be a finite number > 0, got -1.0
    """
    import json

    from rewardkit.errors import DataError

    try:
        return from_json(json.dumps(doc, allow_nan=True))
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(f"not a valid calibrator: {exc}", path=path, field="calibrator") from None


CALIBRATOR_FILE = "calibrator.json"
MODEL_FOLDER_SCHEMES = ("embed", "hf", "dpo")


def model_folder(spec: ModelSpec | str) -> Path | None:
    """The folder a model spec names (``embed:DIR``, ``hf:DIR``, ``dpo:DIR``,
    ``builtin:NAME``), if it is one; a string is read as a resolved spec (e.g. the ``model``
    of a results document).

    Example:
        >>> model_folder("baseline:length") is None
        True
    """
    if isinstance(spec, str):
        spec = ModelSpec.of(spec)
    if spec.scheme == "builtin":
        from rewardkit.models.builtin import resolve_builtin

        spec = spec.retarget(resolve_builtin(spec.location))
    folder = Path(spec.location)
    return folder if spec.scheme in MODEL_FOLDER_SCHEMES and folder.is_dir() else None


def calibrator_beside(spec: ModelSpec | str) -> tuple[Calibrator, Path] | None:
    """The calibrator saved in the model's folder by ``rewardkit calibrate``, if any."""
    folder = model_folder(spec)
    if folder is None or not (folder / CALIBRATOR_FILE).is_file():
        return None
    path = folder / CALIBRATOR_FILE
    try:
        return load_calibrator(path), path
    except (ValueError, KeyError, TypeError, OSError) as exc:
        from rewardkit.errors import ConfigError

        raise ConfigError(f"{path}: not a valid calibrator: {exc}") from exc
