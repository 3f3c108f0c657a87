"""JSON payloads of fitted calibrators: ``{"kind", "version", "params", "fitted"}``."""

from __future__ import annotations

import json
import math
from typing import Any

from rewardkit.data.safe_json import parse_json
from rewardkit.errors import DataError

__all__ = ["FORMAT_VERSION", "dump_payload", "fitted_number", "load_payload"]

FORMAT_VERSION = 1


def dump_payload(kind: str, params: dict[str, float], fitted: dict[str, Any]) -> str:
    """Serialise one calibrator (floats round-trip exactly through ``repr``).

    Example:
        >>> dump_payload("temperature", {}, {"temperature_": 2.0})
        '{"kind": "temperature", "version": 1, "params": {}, "fitted": {"temperature_": 2.0}}'
    """
    payload = {"kind": kind, "version": FORMAT_VERSION, "params": params, "fitted": fitted}
    return json.dumps(payload, allow_nan=False)


def load_payload(text: str, kind: str | None = None) -> dict[str, Any]:
    """Parse and check a payload; ``kind`` (when given) must match its ``"kind"`` field.

    Example:
        >>> load_payload('{"kind": "platt", "version": 1, "params": {}, "fitted": {}}')["kind"]
        'platt'
    """
    try:
        payload = parse_json(text, surrogates="reject").value
    except DataError as exc:
        raise ValueError(f"not a rewardkit calibrator: {exc.message}") from None
    if not isinstance(payload, dict) or "kind" not in payload:
        raise ValueError("not a rewardkit calibrator: JSON object with a 'kind' field expected")
    if kind is not None and payload["kind"] != kind:
        raise ValueError(f"expected a {kind!r} calibrator, got kind {payload['kind']!r}")
    if payload.get("version") != FORMAT_VERSION:
        raise ValueError(f"unsupported calibrator format version {payload.get('version')!r}")
    for key in ("params", "fitted"):
        if not isinstance(payload.get(key), dict):
            raise ValueError(f"calibrator JSON lacks the {key!r} object")
    return payload


def fitted_number(payload: dict[str, Any], key: str, *, positive: bool = False) -> float:
    """A fitted parameter of a payload: a finite number (and > 0 when ``positive``).

    A damaged calibrator fails here, on load, instead of giving NaN probabilities or (a
    negative temperature) silently flipping every probability.

    Example:
        >>> fitted_number({"fitted": {"temperature_": 2.0}}, "temperature_", positive=True)
        2.0
        >>> fitted_number({"fitted": {"temperature_": -1.0}}, "temperature_", positive=True)
        Traceback (most recent call last):
        ...
        ValueError: calibrator JSON: temperature_ must be a finite number > 0, got -1.0
    """
    value = payload["fitted"].get(key)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = ok and math.isfinite(float(value)) and (not positive or float(value) > 0)
    if not ok:
        need = "a finite number > 0" if positive else "a finite number"
        raise ValueError(f"calibrator JSON: {key} must be {need}, got {value!r}")
    return float(value)
