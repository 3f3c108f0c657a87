"""Model specs (``scheme:argument`` or a YAML file) and the registry of adapters behind them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rewardkit.errors import ConfigError
from rewardkit.models.options import ModelOptions, read_spec_file
from rewardkit.models.protocol import ItemScoringModel, RewardModel
from rewardkit.registry import Registry

AnyModel = RewardModel | ItemScoringModel

ModelFactory = Callable[[str, ModelOptions], AnyModel]

MODEL_SCHEMES: Registry[ModelFactory] = Registry(
    "model scheme", check=callable, plugin_prefix="models"
)


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
MODEL_SCHEMES.register("hf", "rewardkit.models.hf_classifier:from_spec")
MODEL_SCHEMES.register("embed", "rewardkit.models.embed_head:from_spec")
MODEL_SCHEMES.register("dpo", "rewardkit.models.dpo:from_spec")
MODEL_SCHEMES.register("http", "rewardkit.models.http_rm:from_spec")
MODEL_SCHEMES.register("builtin", "rewardkit.models.builtin:from_spec")
MODEL_SCHEMES.register("judge", "rewardkit.models.judge:from_spec")


def options_from(values: dict[str, Any]) -> ModelOptions:
    try:
        return ModelOptions(**values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid model options: {problems}") from exc


def resolve_spec(
    spec: str,
    overrides: dict[str, Any] | None = None,
    defaults: dict[str, Any] | None = None,
) -> tuple[str, ModelOptions]:
    """Turn a spec (or a YAML spec file) plus options into (spec, options).

    Precedence: ``overrides`` (CLI options given; None values ignored) over the YAML file over
    ``defaults`` (e.g. the run's seed) over the option defaults. A YAML file that names a
    ``python:`` model (code that runs on this machine) needs ``allow_python`` in ``overrides``
    (``--allow-python``); a ``python:`` spec typed on the command line runs as given.
    """
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    base = dict(defaults or {})
    path = Path(spec)
    if path.suffix in {".yaml", ".yml"} and path.is_file():
        model, file_options = read_spec_file(path)
        options = options_from({**base, **file_options, **given})
        if model.partition(":")[0] == "python" and not options.allow_python:
            raise ConfigError(
                f"{path}: names the model {model!r}, which runs Python code on this machine; a "
                "model spec file may come from someone else, so rewardkit runs the python: "
                "models it names only with --allow-python"
            )
        return model, options
    return spec, options_from({**base, **given})


def load_model(spec: str, options: ModelOptions | None = None) -> AnyModel:
    """Build a model from a spec such as ``baseline:length`` or ``scores:run/scores.parquet``
    (a bare ``http://`` or ``https://`` URL is the ``http:`` scheme).

    Example:
        >>> load_model("baseline:length").fingerprint()
        'baseline:length/v1'
    """
    if options is None:
        spec, options = resolve_spec(spec)
    if spec.lower().startswith(("http://", "https://")):
        scheme, sep, arg = "http", ":", spec  # a URL as written is the http: scheme
    else:
        scheme, sep, arg = spec.partition(":")
    if not sep or not arg:
        raise ConfigError(
            f"model spec {spec!r} must look like SCHEME:ARGUMENT (or be a .yaml spec file); "
            f"schemes: {', '.join(MODEL_SCHEMES.names())}"
        )
    factory = MODEL_SCHEMES.get(scheme)
    return factory(arg, options)
