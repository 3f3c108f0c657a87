"""The RewardModel protocol: what every adapter implements, and the optional capabilities the
scoring engine looks for (:class:`DeclaresCacheable`, :class:`CachingModel`)."""

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


@runtime_checkable
class DeclaresCacheable(Protocol):
    """A model that says whether the score cache should keep its scores.

    ``cacheable = False`` (the baselines: a score is cheaper to compute than to look up) makes
    the scoring engine neither read nor write the cache for it, nor attach the cache (see
    :class:`CachingModel`). A model without the attribute is cacheable: see
    :func:`uses_score_cache`.

    Example:
        >>> from rewardkit.models.baselines import LengthBaseline
        >>> isinstance(LengthBaseline(), DeclaresCacheable), LengthBaseline.cacheable
        (True, False)
    """

    cacheable: bool


@runtime_checkable
class CachingModel(Protocol):
    """A model with intermediate results of its own (an encoder's embeddings, a judge's
    answers) that it keeps in the score cache's file.

    Before scoring, the engine calls ``attach_cache(cache)`` with the run's score cache
    (:class:`rewardkit.scoring.cache.ScoreCache`; typed ``object`` here because models sit
    below scoring) when the run has one and the model's scores are cacheable. A model without
    the method keeps nothing beyond its scores.

    Example:
        >>> class Remembers:
        ...     def attach_cache(self, cache: object) -> None:
        ...         self.cache = cache
        >>> isinstance(Remembers(), CachingModel), isinstance(object(), CachingModel)
        (True, False)
    """

    def attach_cache(self, cache: object) -> None: ...


def uses_score_cache(model: object) -> bool:
    """Whether the score cache keeps ``model``'s scores: its ``cacheable``
    (:class:`DeclaresCacheable`), True when it declares none.

    Example:
        >>> from rewardkit.models.baselines import LengthBaseline
        >>> uses_score_cache(LengthBaseline()), uses_score_cache(object())
        (False, True)
    """
    return model.cacheable if isinstance(model, DeclaresCacheable) else True
