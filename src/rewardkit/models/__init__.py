"""The RewardModel protocol, the model registry and the framework-free adapters."""

from rewardkit.models.baselines import LengthBaseline, RandomBaseline
from rewardkit.models.options import ModelOptions
from rewardkit.models.protocol import (
    CachingModel,
    DeclaresCacheable,
    ItemScoringModel,
    RewardModel,
    uses_score_cache,
)
from rewardkit.models.registry import MODEL_SCHEMES, AnyModel, load_model, resolve_spec

__all__ = [
    "MODEL_SCHEMES",
    "AnyModel",
    "CachingModel",
    "DeclaresCacheable",
    "ItemScoringModel",
    "LengthBaseline",
    "ModelOptions",
    "RandomBaseline",
    "RewardModel",
    "load_model",
    "resolve_spec",
    "uses_score_cache",
]
