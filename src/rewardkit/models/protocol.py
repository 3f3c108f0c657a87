"""The RewardModel protocol: what every adapter implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from rewardkit.data.records import PreferenceItem, Prompt


@runtime_checkable
class RewardModel(Protocol):
    """Scores (prompt, response) pairs; higher is better.

    ``score`` must return one finite float per response, and a response's score must not depend
    on what else is in the batch. ``fingerprint`` identifies everything that changes scores
    (configuration, weights, seed) and keys the score cache.
    """

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray: ...

    def fingerprint(self) -> str: ...


@runtime_checkable
class ItemScoringModel(Protocol):
    """A model that needs item identity (e.g. precomputed scores joined on item id).

    ``score_items`` returns the flat scores of ``items``: the responses of ``items[0]`` (chosen
    then rejected), then ``items[1]``, and so on.
    """

    def score_items(self, items: Sequence[PreferenceItem]) -> np.ndarray: ...

    def fingerprint(self) -> str: ...
