"""Model specs (``scheme:argument``) and the registry of adapters behind them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rewardkit.errors import ConfigError
from rewardkit.models.protocol import ItemScoringModel, RewardModel
from rewardkit.registry import Registry

AnyModel = RewardModel | ItemScoringModel


@dataclass(frozen=True)
class ModelOptions:
    """Options every factory receives (adapters ignore what they do not use)."""

    seed: int = 0


ModelFactory = Callable[[str, ModelOptions], AnyModel]

MODEL_SCHEMES: Registry[ModelFactory] = Registry("model scheme", check=callable)


def _baseline(arg: str, options: ModelOptions) -> AnyModel:
    from rewardkit.models.baselines import LengthBaseline, RandomBaseline

    if arg == "length":
        return LengthBaseline()
    if arg == "random":
        return RandomBaseline(seed=options.seed)
    raise ConfigError(f"unknown baseline {arg!r}; available: length, random")


def _python(arg: str, options: ModelOptions) -> AnyModel:
    from rewardkit.models.python_callable import PythonCallableModel

    return PythonCallableModel(arg)


def _scores(arg: str, options: ModelOptions) -> AnyModel:
    from rewardkit.models.scores_file import ScoresFileModel

    return ScoresFileModel(arg)


MODEL_SCHEMES.register("baseline", _baseline)
MODEL_SCHEMES.register("python", _python)
MODEL_SCHEMES.register("scores", _scores)


def load_model(spec: str, options: ModelOptions | None = None) -> AnyModel:
    """Build a model from a spec such as ``baseline:length`` or ``scores:run/scores.parquet``.

    Example:
        >>> load_model("baseline:length").fingerprint()
        'baseline:length/v1'
    """
    scheme, sep, arg = spec.partition(":")
    if not sep or not arg:
        raise ConfigError(
            f"model spec {spec!r} must look like SCHEME:ARGUMENT; schemes: "
            f"{', '.join(MODEL_SCHEMES.names())}"
        )
    factory = MODEL_SCHEMES.get(scheme)
    return factory(arg, options or ModelOptions())
