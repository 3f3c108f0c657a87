"""Record types at the API edge: frozen dataclasses with documented fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    """One turn of a conversation."""

    role: str
    content: str


Prompt = str | tuple[ChatMessage, ...]


def prompt_text(prompt: Prompt) -> str:
    """Render a prompt as plain text (conversations as ``role: content`` lines).

    Example:
        >>> prompt_text((ChatMessage("user", "Hi"), ChatMessage("assistant", "Hello")))
        'user: Hi\\nassistant: Hello'
    """
    if isinstance(prompt, str):
        return prompt
    return "\n".join(f"{m.role}: {m.content}" for m in prompt)


@dataclass(frozen=True)
class PreferenceItem:
    """A prompt with one or more preferred and one or more dispreferred responses.

    A *pair* is the case of one chosen and one rejected response. Response index ``i`` in the
    scores table is ``chosen[i]`` for ``i < len(chosen)`` and ``rejected[i - len(chosen)]`` after.
    ``chosen_scores``/``rejected_scores`` carry human (or ground-truth) scores when the data has
    them; they feed the rank-correlation metrics.
    """

    id: str
    prompt: Prompt
    chosen: tuple[str, ...]
    rejected: tuple[str, ...]
    subset: str | None = None
    domain: str | None = None
    tie: bool = False
    margin: float | None = None
    source: str | None = None
    chosen_model: str | None = None
    rejected_model: str | None = None
    chosen_scores: tuple[float, ...] | None = None
    rejected_scores: tuple[float, ...] | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def responses(self) -> tuple[str, ...]:
        return self.chosen + self.rejected

    @property
    def human_scores(self) -> tuple[float, ...] | None:
        if self.chosen_scores is None or self.rejected_scores is None:
            return None
        return self.chosen_scores + self.rejected_scores
