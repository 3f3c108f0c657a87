"""``python:`` reward models for the bridge tests (tests/integrations is put on sys.path)."""

from __future__ import annotations

from collections.abc import Sequence

from rewardkit.data.records import Prompt, prompt_text


def prompt_aware(prompts: Sequence[Prompt], responses: Sequence[str]) -> list[float]:
    """1000 x the prompt's rendered length + the response's length: a score that changes if
    either the prompt or the response reaches the model altered."""
    return [1000.0 * len(prompt_text(p)) + len(r) for p, r in zip(prompts, responses, strict=True)]


def nan_on_bad(prompts: Sequence[Prompt], responses: Sequence[str]) -> list[float]:
    """The response's length, but NaN (no reward) for a response containing ``BAD``."""
    return [float("nan") if "BAD" in r else float(len(r)) for r in responses]
