"""The registry of model adapters behind the spec schemes, and loading a parsed spec."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rewardkit.errors import ConfigError
from rewardkit.models.options import AdapterOptions, ModelOptions
from rewardkit.models.protocol import ItemScoringModel, RewardModel
from rewardkit.models.spec import ModelSpec, as_model_spec, parse_model_spec
from rewardkit.registry import Registry
from rewardkit.runs.output import refuse_incomplete

__all__ = [
    "MODEL_SCHEMES",
    "AnyModel",
    "ModelFactory",
    "load_model",
    "load_spec",
    "resolve_spec",
]

AnyModel = RewardModel | ItemScoringModel

#: Builds a model from its parsed spec (``spec.location`` and ``spec.options``).
ModelFactory = Callable[[ModelSpec], AnyModel]

MODEL_SCHEMES: Registry[ModelFactory] = Registry(
    "model scheme", check=callable, plugin_prefix="models"
)


def _baseline(spec: ModelSpec) -> AnyModel:
    from rewardkit.models.baselines import LengthBaseline, RandomBaseline

    if spec.location == "length":
        return LengthBaseline()
    if spec.location == "random":
        return RandomBaseline(seed=spec.options_as(AdapterOptions).seed)
    raise ConfigError(f"unknown baseline {spec.location!r}; available: length, random")


def _python(spec: ModelSpec) -> AnyModel:
    from rewardkit.models.python_callable import PythonCallableModel

    return PythonCallableModel(spec.location)


def _scores(spec: ModelSpec) -> AnyModel:
    from rewardkit.models.scores_file import ScoresFileModel

    return ScoresFileModel(spec.location)


MODEL_SCHEMES.register("baseline", _baseline)
MODEL_SCHEMES.register("python", _python)
MODEL_SCHEMES.register("scores", _scores)
MODEL_SCHEMES.register("hf", "rewardkit.models.hf_classifier:from_spec")
MODEL_SCHEMES.register("embed", "rewardkit.models.embed_head:from_spec")
MODEL_SCHEMES.register("dpo", "rewardkit.models.dpo:from_spec")
MODEL_SCHEMES.register("http", "rewardkit.models.http_rm:from_spec")
MODEL_SCHEMES.register("builtin", "rewardkit.models.builtin:from_spec")
MODEL_SCHEMES.register("judge", "rewardkit.models.judge:from_spec")


def load_spec(spec: ModelSpec) -> AnyModel:
    """Build the model a parsed spec names.

    Example:
        >>> load_spec(parse_model_spec("baseline:length")).fingerprint()
        'baseline:length/v1'
    """
    if not spec.location:  # no ``SCHEME:`` or nothing after it
        raise ConfigError(
            f"model spec {spec.text!r} must look like SCHEME:ARGUMENT (or be a .yaml spec file); "
            f"schemes: {', '.join(MODEL_SCHEMES.names())}"
        )
    if spec.scheme in _FOLDER_SCHEMES and Path(spec.location).is_dir():
        refuse_incomplete(Path(spec.location))  # e.g. the staging folder of a killed training
    return MODEL_SCHEMES.get(spec.scheme)(spec)


_FOLDER_SCHEMES = frozenset({"embed", "hf", "dpo"})


def resolve_spec(
    spec: str,
    overrides: dict[str, object] | None = None,
    defaults: dict[str, object] | None = None,
) -> tuple[str, ModelOptions]:
    """(resolved spec string, every option) of a spec or YAML spec file: the string form of
    :func:`~rewardkit.models.spec.parse_model_spec`.

    Example:
        >>> resolve_spec("baseline:random", defaults={"seed": 2})[1].seed
        2
    """
    parsed = parse_model_spec(spec, overrides, defaults)
    return parsed.text, parsed.settings


def load_model(spec: str | ModelSpec, options: ModelOptions | None = None) -> AnyModel:
    """Build a model from a spec such as ``baseline:length`` or ``scores:run/scores.parquet``
    (a bare ``http://`` or ``https://`` URL is the ``http:`` scheme); with ``options`` the
    spec string is taken as resolved (no YAML file is read).

    Example:
        >>> load_model("baseline:length").fingerprint()
        'baseline:length/v1'
    """
    if options is not None and isinstance(spec, str):
        return load_spec(ModelSpec.of(spec, options))
    return load_spec(as_model_spec(spec))
