"""Typed options of the model adapters, and the flat set of them a user writes.

Each scheme reads its own options class: ``baseline:``, ``python:`` and ``scores:`` read
:class:`AdapterOptions`; ``hf:``, ``embed:`` and ``builtin:`` read :class:`LocalOptions` (the
options shared by every model whose weights load in this process); ``dpo:`` reads
:class:`DPOOptions`; ``http:`` reads :class:`HTTPOptions`; ``judge:`` reads
:class:`~rewardkit.models.judge_options.JudgeOptions`. :class:`ModelOptions` is the flat union
that the CLI options and a YAML model spec set (a key another scheme reads is accepted and
ignored), and what a run's manifest records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rewardkit.errors import ConfigError
from rewardkit.models.judge_options import JudgeOptions

__all__ = [
    "AdapterOptions",
    "DPOOptions",
    "HTTPOptions",
    "LocalOptions",
    "ModelOptions",
    "ModelSpecFile",
    "read_spec_file",
]


class AdapterOptions(BaseModel):
    """The base of every adapter's options: the seed (of ``baseline:random``).

    Example:
        >>> AdapterOptions(seed=3).seed
        3
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0


class LocalOptions(AdapterOptions):
    """Options shared by the models whose weights load here (``hf:``, ``embed:``, ``dpo:``).

    Example:
        >>> LocalOptions(max_length=512, device="cpu").dtype
        'float32'
    """

    max_length: int = Field(default=2048, ge=8, description="tokens per input (hf, dpo)")
    truncation_side: Literal["left", "right"] = "left"
    padding_side: Literal["left", "right"] | None = None
    dtype: Literal["float32", "bfloat16", "float16"] = "float32"
    device: str | None = None
    trust_remote_code: bool = False
    allow_pickle: bool = False


class DPOOptions(LocalOptions):
    """``dpo:``: the reference model and how the implicit reward is formed.

    Example:
        >>> DPOOptions(reference_free=True, beta=0.5).beta
        0.5
    """

    reference: str | None = None
    beta: float = Field(default=0.1, gt=0)
    length_normalize: bool = False
    reference_free: bool = False


class HTTPOptions(AdapterOptions):
    """``http:``: how to reach a remote reward model.

    Example:
        >>> HTTPOptions(retries=0).timeout
        30.0
    """

    timeout: float = Field(
        default=30.0, gt=0, allow_inf_nan=False, description="seconds per request"
    )
    retries: int = Field(default=3, ge=0)
    query_separator: str = "\n"
    token_env: str | None = Field(default=None, description="env variable holding the token")
    token_file: str | None = Field(default=None, description="file holding the token")


class ModelOptions(HTTPOptions, DPOOptions):
    """Every option any scheme reads: what the CLI and a YAML spec set, and the manifest
    records. An adapter reads only its own class's fields (a ``ModelOptions`` is one of each).

    Example:
        >>> list(ModelOptions.model_fields)[:3]
        ['seed', 'max_length', 'truncation_side']
    """

    # judge: the endpoint, mode and prompt of an LLM judge (a ``judge:`` mapping in a YAML spec)
    judge: JudgeOptions | None = None
    # python: specs read from a YAML file run code only with --allow-python (never set by YAML)
    allow_python: bool = False


class ModelSpecFile(BaseModel):
    """A YAML model spec: ``model: hf:path`` plus any :class:`ModelOptions` keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    options: dict[str, Any] = Field(default_factory=dict)


def read_spec_file(path: Path) -> tuple[str, dict[str, Any]]:
    """Read ``model:`` and option keys from a YAML file (options at top level or under
    ``options:``); relative model paths are resolved against the file's folder.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "m.yaml"
        >>> _ = p.write_text("model: baseline:length\\nmax_length: 512\\n")
        >>> read_spec_file(p)
        ('baseline:length', {'max_length': 512})
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read model spec: {exc}") from exc
    if not isinstance(raw, dict) or "model" not in raw:
        raise ConfigError(f"{path}: a model spec file needs a 'model:' key, e.g. 'model: hf:DIR'")
    if not isinstance(raw.get("options") or {}, dict):
        raise ConfigError(f"{path}: 'options:' must be a mapping of option names to values")
    options = dict(raw.get("options") or {})
    options.update({k: v for k, v in raw.items() if k not in {"model", "options"}})
    if "allow_python" in options:
        raise ConfigError(
            f"{path}: allow_python cannot be set in a model spec file; pass --allow-python "
            "on the command line to run the python: code a YAML file names"
        )
    try:
        spec = ModelSpecFile(model=str(raw["model"]), options=options)
        ModelOptions(**spec.options)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: invalid model spec: {problems}") from exc
    scheme, _, arg = spec.model.partition(":")
    if scheme in {"hf", "embed", "dpo", "scores"} and arg and not Path(arg).is_absolute():
        candidate = path.parent / arg
        if candidate.exists():
            return f"{scheme}:{candidate}", spec.options
    return spec.model, spec.options
