"""The cache capabilities a model may declare (``DeclaresCacheable``, ``CachingModel``): every
adapter that declares one satisfies the protocol, and the scoring engine acts on the protocol."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import rewardkit.models
from rewardkit.data import PreferenceItem, Prompt
from rewardkit.models.protocol import (
    CachingModel,
    DeclaresCacheable,
    ItemScoringModel,
    RewardModel,
    uses_score_cache,
)
from rewardkit.scoring import ScoreCache, score_items

ITEMS = [PreferenceItem(id="i1", prompt="q", chosen=("long answer",), rejected=("no",))]


class Plain:
    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        return np.array([float(len(r)) for r in responses])

    def fingerprint(self) -> str:
        return "plain/v1"


class Cheap(Plain):
    cacheable = False

    def fingerprint(self) -> str:
        return "cheap/v1"


class Remembers(Plain):
    def __init__(self) -> None:
        self.attached: list[object] = []

    def attach_cache(self, cache: object) -> None:
        self.attached.append(cache)

    def fingerprint(self) -> str:
        return "remembers/v1"


class CheapRemembers(Remembers):
    cacheable = False


def _adapter_classes() -> list[type]:
    """Every class defined in a rewardkit.models module that scores (an adapter)."""
    found: list[type] = []
    for info in pkgutil.iter_modules(rewardkit.models.__path__, "rewardkit.models."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            scores = hasattr(cls, "score") or hasattr(cls, "score_items")
            if cls.__module__ == info.name and scores and hasattr(cls, "fingerprint"):
                found.append(cls)
    return found


def test_every_adapter_declaring_a_capability_satisfies_its_protocol() -> None:
    adapters = _adapter_classes()
    names = {cls.__name__ for cls in adapters}
    assert {"LengthBaseline", "HTTPRewardModel", "EmbedHeadModel", "RubricJudge"} <= names
    declaring = [cls for cls in adapters if "cacheable" in dir(cls)]
    assert {cls.__name__ for cls in declaring} >= {"LengthBaseline", "RandomBaseline"}
    for cls in declaring:
        assert isinstance(cls.cacheable, bool), cls  # type: ignore[attr-defined]
    caching = [cls for cls in adapters if "attach_cache" in dir(cls)]
    assert {cls.__name__ for cls in caching} >= {"EmbedHeadModel", "RubricJudge", "PairwiseJudge"}
    for cls in caching:
        params = list(inspect.signature(cls.attach_cache).parameters)  # type: ignore[attr-defined]
        assert len(params) == 2, (cls, params)  # self, cache


def test_protocols_and_default() -> None:
    assert isinstance(Cheap(), DeclaresCacheable)
    assert not uses_score_cache(Cheap())
    assert not isinstance(Plain(), DeclaresCacheable)
    assert uses_score_cache(Plain())  # the default when a model declares nothing
    assert isinstance(Remembers(), CachingModel)
    assert not isinstance(Plain(), CachingModel)
    assert all(isinstance(m(), RewardModel) for m in (Plain, Cheap, Remembers))
    assert not isinstance(Plain(), ItemScoringModel)


def test_engine_caches_only_cacheable_models(tmp_path: Path) -> None:
    with ScoreCache(tmp_path / "scores.sqlite") as cache:
        for model in (Plain(), Cheap()):
            assert score_items(model, ITEMS, cache=cache).scores.tolist() == [11.0, 2.0]
        assert len(cache.get_scores("plain/v1", ["x"])) == 0
        stored = cache.info()
    assert stored.n_scores == 2  # the plain model's two responses, none of the cheap one's


def test_engine_attaches_the_cache_only_when_it_is_used(tmp_path: Path) -> None:
    remembers, cheap = Remembers(), CheapRemembers()
    score_items(remembers, ITEMS)  # no cache this run: nothing to attach
    assert remembers.attached == []
    with ScoreCache(tmp_path / "scores.sqlite") as cache:
        score_items(remembers, ITEMS, cache=cache)
        score_items(cheap, ITEMS, cache=cache)
    assert remembers.attached == [cache]
    assert cheap.attached == []  # not cacheable: the engine skips the cache altogether
