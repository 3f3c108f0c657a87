"""The scalar reward of a finished response: a rewardkit RM's score of the final text, raw or
calibrated, clipped to a range."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.errors import ConfigError
from rewardkit.models.protocol import RewardModel

__all__ = ["RewardFunction"]

ToProbability = Callable[[np.ndarray], np.ndarray]
_EPS = 1e-6


@dataclass
class RewardFunction:
    """Scores ``(prompt, response)`` pairs with ``model``.

    Args:
        model: Any rewardkit reward model.
        clip: The reward range (OpenRLHF's default: [-10, 10]).
        to_probability: A fitted calibrator's ``predict_proba``: the reward is then the
            calibrated log-odds ``logit(p(score))`` of the score read as a difference from 0
            (for temperature scaling, ``score / T``).
        name: What the model is called in errors.
        penalty: A guard (e.g. :func:`rewardkit.guard.apply_guard` bound to a policy): the
            penalty of each response, subtracted from its reward before clipping.

    Example:
        >>> class Len:
        ...     def score(self, prompts, responses):
        ...         return np.array([len(r) for r in responses], dtype=float)
        ...     def fingerprint(self):
        ...         return "len"
        >>> fn = RewardFunction(Len(), clip=(-10.0, 3.0))
        >>> raw, reward = fn(["p", "p"], ["ab", "abcdef"])
        >>> raw.tolist(), reward.tolist()
        ([2.0, 6.0], [2.0, 3.0])
    """

    model: RewardModel
    clip: tuple[float, float] = (-10.0, 10.0)
    to_probability: ToProbability | None = None
    name: str = "reward model"
    penalty: Callable[[Sequence[Prompt], Sequence[str]], Any] | None = None

    def raw(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        """The model's scores (after calibration when a calibrator is given), unclipped."""
        scores = np.asarray(self.model.score(list(prompts), list(responses)), dtype=np.float64)
        if scores.shape != (len(responses),):
            raise ConfigError(
                f"{self.name} returned {scores.shape} scores for {len(responses)} responses"
            )
        bad = np.flatnonzero(~np.isfinite(scores))
        if bad.size:
            raise ConfigError(
                f"{self.name} returned a non-finite score ({scores[bad[0]]}) for response "
                f"{int(bad[0])}: {responses[bad[0]][:80]!r}"
            )
        if self.to_probability is not None:
            p = np.clip(np.asarray(self.to_probability(scores), dtype=np.float64), _EPS, 1 - _EPS)
            scores = np.log(p) - np.log1p(-p)
        return scores

    def __call__(
        self, prompts: Sequence[Prompt], responses: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(raw, clipped)`` rewards (a guard's penalty already subtracted from both)."""
        raw = self.raw(prompts, responses)
        if self.penalty is not None:
            raw = raw - np.asarray(self.penalty(prompts, responses), dtype=np.float64)
        return raw, np.clip(raw, self.clip[0], self.clip[1])
