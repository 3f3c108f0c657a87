"""The RewardModel protocol, the model registry and the framework-free adapters."""

from rewardkit.models.baselines import LengthBaseline, RandomBaseline
from rewardkit.models.options import ModelOptions
from rewardkit.models.protocol import ItemScoringModel, RewardModel
from rewardkit.models.registry import MODEL_SCHEMES, AnyModel, load_model, resolve_spec

__all__ = [
    "MODEL_SCHEMES",
    "AnyModel",
    "ItemScoringModel",
    "LengthBaseline",
    "ModelOptions",
    "RandomBaseline",
    "RewardModel",
    "load_model",
    "resolve_spec",
]
