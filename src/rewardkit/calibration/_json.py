"""JSON payloads of fitted calibrators: ``{"kind", "version", "params", "fitted"}``."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["FORMAT_VERSION", "dump_payload", "load_payload"]

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
    payload = json.loads(text)
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
