"""Typed command configurations: YAML defaults under ``configs/``, overridden by CLI options."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rewardkit.errors import ConfigError

C = TypeVar("C", bound=BaseModel)


class ScoringOptions(BaseModel):
    """Loading and scoring options shared by the commands that score data with a model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    batch_size: int = Field(default=32, ge=1, description="inputs per scoring batch")
    max_tokens: int | None = Field(default=None, ge=1, description="padded tokens per batch")
    cache: str | None = Field(default=None, description="score cache file (default per user)")
    no_cache: bool = False
    executor: str = "local"
    skip_invalid: bool = False
    layout: str | None = None
    split: str | None = None


#: Credit for a predicted score tie when neither the user nor a benchmark names one.
DEFAULT_TIE_VALUE = 0.5


class EvalConfig(ScoringOptions):
    """Options of ``rewardkit eval`` (see ``configs/eval.yaml``).

    Example:
        >>> EvalConfig().resolved_tie_value(), EvalConfig(tie_value=0.0).resolved_tie_value(1.0)
        (0.5, 0.0)
    """

    seed: int = Field(default=0, ge=0)
    bootstrap: int = Field(default=1000, ge=10, description="bootstrap resamples")
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)
    tie_value: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="credit for a predicted score tie on a pair that is not labelled a tie; "
        "null = the benchmark's published rule (--benchmark), else 0.5",
    )
    tie_margin: float = Field(
        default=0.0,
        ge=0.0,
        description="largest |score difference| read as a predicted tie in the with-ties "
        "agreement on data with labelled ties",
    )
    n_bins: int = Field(default=15, ge=2, description="ECE bins")
    calibration: bool = Field(
        default=True, description="apply the calibrator.json saved beside the model"
    )

    def resolved_tie_value(self, benchmark_rule: float | None = None) -> float:
        """The tie credit in force: the user's, else the benchmark's rule, else 0.5."""
        if self.tie_value is not None:
            return self.tie_value
        return DEFAULT_TIE_VALUE if benchmark_rule is None else benchmark_rule


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """A YAML file of ``option: value`` pairs (an empty file is an empty mapping). Only a
    regular file is read: a FIFO or a device such as ``/dev/zero`` is refused before reading."""
    try:
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            raise ConfigError(f"{path}: cannot read config: not a regular file")
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path}: expected a mapping of option: value")
    return loaded


def validation_problems(exc: ValidationError) -> str:
    """pydantic's errors as one line: ``field.path: message; ...``."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}" for e in exc.errors()
    )


def load_config(cls: type[C], path: Path | None, overrides: dict[str, Any]) -> C:
    """Defaults, then the YAML file (if any), then the CLI overrides that were given.

    Example:
        >>> load_config(EvalConfig, None, {"seed": 3, "bootstrap": None}).seed
        3
    """
    values: dict[str, Any] = read_yaml_mapping(path) if path is not None else {}
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return cls(**values)
    except ValidationError as exc:
        where = f"{path}: " if path is not None else ""
        raise ConfigError(f"{where}invalid configuration: {validation_problems(exc)}") from exc


class AgreeConfig(BaseModel):
    """Options of ``rewardkit annotations agree`` (see ``configs/agree.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Literal["nominal", "ordinal", "interval", "ratio"] = "ordinal"
    scale: str = "1-5"
    criteria: list[str] | None = Field(
        default_factory=lambda: ["usefulness", "factuality", "safety", "alignment"],
        description="accepted criteria; null accepts any",
    )
    criterion: str | None = Field(default=None, description="criterion of a wide table")
    min_annotations: int = Field(default=3, ge=1)
    target: float = 0.6
    bootstrap: int = Field(default=1000, ge=10)
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)
    seed: int = Field(default=0, ge=0)
    spread_threshold: float = Field(default=3.0, gt=0)
    by_domain: bool = True
