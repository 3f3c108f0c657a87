"""Deterministic reward functions for ``python:bon_models:...`` specs in the best-of-n tests.

Responses of the test data look like ``"quality=0.731 padding..."``: ``quality`` reads the
number back (the gold signal), ``noisy_quality`` adds a deterministic, hash-seeded error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def _quality(response: str) -> float:
    return float(response.split()[0].removeprefix("quality="))


def quality(prompts: Sequence[object], responses: Sequence[str]) -> list[float]:
    return [_quality(r) for r in responses]


def noisy_quality(prompts: Sequence[object], responses: Sequence[str]) -> list[float]:
    out = []
    for r in responses:
        h = int.from_bytes(hashlib.sha256(r.encode()).digest()[:4], "big") / 2**32
        out.append(_quality(r) + 2.0 * (h - 0.5))
    return out
