"""A model spec parsed once: scheme, location and that scheme's own typed options.

The string form (``baseline:length``, ``hf:DIR``, ``http://host/``, ``judge:NAME``, or a YAML
file naming one with its options) is read at the edge (the CLI or a job's entry) into a
:class:`ModelSpec`; loaders, executors, calibrator lookup and the score cache key read its fields.
``str(spec)`` is the resolved string that results and logs show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from rewardkit.errors import ConfigError
from rewardkit.models.judge_options import JudgeOptions
from rewardkit.models.options import (
    AdapterOptions,
    DPOOptions,
    HTTPOptions,
    LocalOptions,
    ModelOptions,
    read_spec_file,
)

__all__ = [
    "SCHEME_OPTIONS",
    "ModelSpec",
    "SchemeOptions",
    "as_model_spec",
    "parse_model_spec",
]

SchemeOptions = AdapterOptions | JudgeOptions

#: The options class each built-in scheme reads (a plugin scheme gets the whole
#: :class:`ModelOptions`).
SCHEME_OPTIONS: dict[str, type[AdapterOptions]] = {
    "baseline": AdapterOptions,
    "python": AdapterOptions,
    "scores": AdapterOptions,
    "hf": LocalOptions,
    "embed": LocalOptions,
    "builtin": LocalOptions,
    "dpo": DPOOptions,
    "http": HTTPOptions,
}

OptionsT = TypeVar("OptionsT", bound=BaseModel)


def _split(text: str) -> tuple[str, str]:
    """(scheme, location) of a spec string; a bare ``http(s)://`` URL is the ``http:`` scheme."""
    if text.lower().startswith(("http://", "https://")):
        return "http", text  # a URL as written is the http: scheme
    scheme, _, location = text.partition(":")
    return scheme, location


def _scheme_options(scheme: str, settings: ModelOptions) -> SchemeOptions:
    if scheme == "judge":
        return settings.judge if settings.judge is not None else JudgeOptions()
    kind = SCHEME_OPTIONS.get(scheme)
    if kind is None:
        return settings
    return kind.model_construct(
        _fields_set=settings.model_fields_set & set(kind.model_fields),
        **{name: getattr(settings, name) for name in kind.model_fields},
    )


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model spec.

    Attributes:
        text: The resolved spec string (a YAML file's ``model:`` with its folder resolved), as
            results, logs and the score-cache tables show it.
        scheme: ``hf``, ``embed``, ``judge``, ... (``http`` for a bare URL).
        location: What follows the scheme: a folder, file, URL, name or ``module:function``.
        options: The scheme's own typed options (:data:`SCHEME_OPTIONS`; ``judge:`` reads
            :class:`~rewardkit.models.judge_options.JudgeOptions`).
        settings: Every option as given (CLI over YAML over defaults), as the manifest records.

    Example:
        >>> spec = ModelSpec.of("dpo:policy", ModelOptions(beta=0.5, timeout=5))
        >>> spec.scheme, spec.location, type(spec.options).__name__, spec.options.beta
        ('dpo', 'policy', 'DPOOptions', 0.5)
        >>> str(ModelSpec.of("https://rm.example.org/v1")), ModelSpec.of("http://h/").scheme
        ('https://rm.example.org/v1', 'http')
    """

    text: str
    scheme: str
    location: str
    options: SchemeOptions
    settings: ModelOptions

    @classmethod
    def of(cls, text: str, settings: ModelOptions | None = None) -> ModelSpec:
        """The spec ``text`` (never a YAML file) with ``settings`` (the defaults if None)."""
        settings = settings if settings is not None else ModelOptions()
        scheme, location = _split(text)
        return cls(text, scheme, location, _scheme_options(scheme, settings), settings)

    def __str__(self) -> str:
        return self.text

    def options_as(self, kind: type[OptionsT]) -> OptionsT:
        """The options, checked to be a ``kind`` (what an adapter's ``from_spec`` reads).

        Example:
            >>> ModelSpec.of("hf:rm").options_as(LocalOptions).max_length
            2048
        """
        if not isinstance(self.options, kind):
            raise ConfigError(
                f"model {self.text!r}: its options are {type(self.options).__name__}, "
                f"not {kind.__name__}"
            )
        return self.options

    def retarget(self, text: str) -> ModelSpec:
        """The same settings for another spec string (``builtin:NAME`` -> ``embed:DIR``).

        Example:
            >>> ModelSpec.of("builtin:x", ModelOptions(max_length=64)).retarget("hf:d").options
            LocalOptions(seed=0, max_length=64, truncation_side='left', padding_side=None, \
dtype='float32', device=None, trust_remote_code=False, allow_pickle=False)
        """
        return ModelSpec.of(text, self.settings)

    def with_judge(self, judge: JudgeOptions) -> ModelSpec:
        """A ``judge:`` spec whose judge options are ``judge`` (e.g. with CLI overrides)."""
        settings = self.settings.model_copy(update={"judge": judge})
        return replace(self, options=_scheme_options(self.scheme, settings), settings=settings)


def _settings(values: dict[str, Any]) -> ModelOptions:
    try:
        return ModelOptions(**values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid model options: {problems}") from exc


def parse_model_spec(
    text: str,
    overrides: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> ModelSpec:
    """Parse a spec (or a YAML spec file) plus options into a :class:`ModelSpec`.

    Precedence: ``overrides`` (CLI options given; None values ignored) over the YAML file over
    ``defaults`` (e.g. the run's seed) over the option defaults. A YAML file that names a
    ``python:`` model (code that runs on this machine) needs ``allow_python`` in ``overrides``
    (``--allow-python``); a ``python:`` spec typed on the command line runs as given. A spec
    without ``SCHEME:`` parses (its loader reports it, once the run has its manifest).

    Example:
        >>> spec = parse_model_spec("baseline:random", {"max_length": None}, {"seed": 3})
        >>> spec.scheme, spec.location, spec.options
        ('baseline', 'random', AdapterOptions(seed=3))
    """
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    base = dict(defaults or {})
    path = Path(text)
    if path.suffix in {".yaml", ".yml"} and path.is_file():
        model, file_options = read_spec_file(path)
        settings = _settings({**base, **file_options, **given})
        if _split(model)[0] == "python" and not settings.allow_python:
            raise ConfigError(
                f"{path}: names the model {model!r}, which runs Python code on this machine; a "
                "model spec file may come from someone else, so rewardkit runs the python: "
                "models it names only with --allow-python"
            )
        return ModelSpec.of(model, settings)
    return ModelSpec.of(text, _settings({**base, **given}))


def as_model_spec(
    model: str | ModelSpec,
    overrides: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> ModelSpec:
    """``model`` as a :class:`ModelSpec`: parsed if a string, else as given (a parsed spec
    takes no further options).

    Example:
        >>> spec = as_model_spec("baseline:length")
        >>> as_model_spec(spec) is spec
        True
    """
    if isinstance(model, ModelSpec):
        if any(v is not None for v in (overrides or {}).values()):
            raise ConfigError(f"model {model.text!r} is already parsed; pass its options there")
        return model
    return parse_model_spec(model, overrides, defaults)
