"""Reward functions for the server tests, served as ``python:slow_rm:NAME``.

``score`` waits ``SLOW_RM_DELAY`` seconds per batch (default 0.3), then scores by response
length; ``picky`` scores by length too, fails on the responses ``"nan"`` (a non-finite score)
and ``"boom"``, and takes half a second over a batch holding ``"wait"``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence


def score(prompts: Sequence[object], responses: Sequence[str]) -> list[float]:
    time.sleep(float(os.environ.get("SLOW_RM_DELAY", "0.3")))
    return [float(len(r)) for r in responses]


def picky(prompts: Sequence[object], responses: Sequence[str]) -> list[float]:
    if "wait" in responses:
        time.sleep(0.5)
    if "boom" in responses:
        raise RuntimeError("boom")
    return [float("nan") if r == "nan" else float(len(r)) for r in responses]


def prompt_aware(prompts: Sequence[object], responses: Sequence[str]) -> list[float]:
    """1000 per prompt character plus the response length: a split in the wrong place shows."""
    return [1000.0 * len(str(p)) + len(r) for p, r in zip(prompts, responses, strict=True)]
