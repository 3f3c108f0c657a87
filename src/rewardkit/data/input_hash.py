"""The stable hash of one (prompt, response) input: the key of every cached score, embedding
and judge answer."""

from __future__ import annotations

import hashlib
import json

from rewardkit.data.records import Prompt

__all__ = ["input_hash"]


def input_hash(prompt: Prompt, response: str) -> str:
    """A stable hash of one (prompt, response) input.

    Example:
        >>> input_hash("q", "a") == input_hash("q", "a") != input_hash("q", "b")
        True
    """
    if isinstance(prompt, str):
        prompt_part: object = prompt
    else:
        prompt_part = [[m.role, m.content] for m in prompt]
    payload = json.dumps([prompt_part, response], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
