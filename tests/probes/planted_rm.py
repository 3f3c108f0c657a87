"""Planted reward models for the probe tests (loaded as ``python:planted_rm:...``)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from rewardkit.data.records import Prompt, prompt_text
from rewardkit.probes.text import bullet_count


def bullets(prompts: Sequence[Prompt], responses: Sequence[str]) -> list[float]:
    """A prompt-dependent constant plus 0.5 per markdown bullet of the response."""
    return [
        (zlib.crc32(prompt_text(p).encode()) % 100) / 100 + 0.5 * bullet_count(r)
        for p, r in zip(prompts, responses, strict=True)
    ]
