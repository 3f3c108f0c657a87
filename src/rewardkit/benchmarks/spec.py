"""Benchmark specifications: which items form which sections and how scores roll up.

A spec is declared in YAML (built-in ones live in ``rewardkit/benchmarks/specs/``) and
validated by pydantic; :func:`load_spec` accepts a built-in name or a path to a user's file.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rewardkit.errors import ConfigError
from rewardkit.registry import Registry

__all__ = ["BENCHMARKS", "BenchmarkSpec", "OverallFormula", "SectionSpec", "load_spec"]

_SPEC_PACKAGE = "rewardkit.benchmarks.specs"


class SectionSpec(BaseModel):
    """A named group of subsets whose accuracies combine into one section score.

    ``subsets`` entries may be exact names or shell-style patterns (``"mmlu-pro-*"``).
    ``weighting``: ``"examples"`` weights each subset by its number of scored items,
    ``"equal"`` takes the plain mean of subset accuracies, ``"custom"`` uses ``weights``
    (keyed by exact subset name, e.g. the official RewardBench example counts); subsets absent
    from the data are skipped and the others' weights renormalised. ``if_empty``: a section none
    of whose subsets is present is ``"absent"`` from the results, or scores ``"zero"`` (with
    ``n = 0`` and no interval), as RewardBench's ``calculate_scores_per_section`` does.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    subsets: list[str] = Field(min_length=1)
    weighting: Literal["examples", "equal", "custom"] = "examples"
    weights: dict[str, float] | None = None
    if_empty: Literal["absent", "zero"] = "absent"

    @model_validator(mode="after")
    def _check_weights(self) -> SectionSpec:
        if self.weighting == "custom":
            if not self.weights:
                raise ValueError(f"section {self.name!r}: weighting 'custom' needs weights")
            if any(w < 0 for w in self.weights.values()):
                raise ValueError(f"section {self.name!r}: weights must be non-negative")
        elif self.weights is not None:
            raise ValueError(f"section {self.name!r}: weights need weighting 'custom'")
        return self


class OverallFormula(BaseModel):
    """A named overall score: the weighted mean of section scores.

    ``sections`` maps section name to weight; ``None`` means every section with weight 1.
    The result is ``sum(w_s * score_s) / sum(w_s)``. ``missing``: when a named section is
    absent the formula is ``"nan"`` (undefined), or ``"mask"``: the absent sections are left out
    and the others' weights renormalised, as ``np.ma.average`` over masked sections (NaN only
    when every section is absent).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    sections: dict[str, float] | None = None
    missing: Literal["nan", "mask"] = "nan"


class BenchmarkSpec(BaseModel):
    """A benchmark: item format, reader layout, metric and the roll-up of subsets.

    Example:
        >>> spec = BenchmarkSpec(name="toy", item_format="pairwise",
        ...     sections=[SectionSpec(name="A", subsets=["a1", "a2"])],
        ...     overall=[OverallFormula(name="mean")])
        >>> spec.metric, spec.unassigned, spec.group_by, spec.tie_value
        ('accuracy', 'own_section', 'subset', 0.5)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str = ""
    #: Where the scoring rules come from (upstream repository, file and commit).
    source: str = ""
    item_format: Literal["pairwise", "best_of_n", "rated", "style_matrix"] = "pairwise"
    layout: str | None = None
    metric: Literal["accuracy", "best_of_n_accuracy"] = "accuracy"
    #: Credit for a predicted score tie on a pair not labelled a tie (``metric: accuracy``):
    #: the benchmark's published convention (0 where only ``chosen > rejected`` counts).
    #: ``--tie-value`` overrides it.
    tie_value: float = Field(default=0.5, ge=0.0, le=1.0)
    group_by: Literal["subset", "domain"] = "subset"
    sections: list[SectionSpec] = Field(default_factory=list)
    overall: list[OverallFormula] = Field(default_factory=list)
    special_subsets: dict[str, Literal["rewardbench2_ties"]] = Field(default_factory=dict)
    domain_shifted: bool = False
    #: For a domain-shifted benchmark: the in-domain benchmark it is held out from; the
    #: robustness gap is measured against it when both run (else against all in-domain ones).
    shifted_from: str | None = None
    unassigned: Literal["ignore", "own_section"] = "own_section"

    @model_validator(mode="after")
    def _check_names(self) -> BenchmarkSpec:
        names = [s.name for s in self.sections]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate section names: {', '.join(dupes)}")
        formulas = [f.name for f in self.overall]
        if len(set(formulas)) != len(formulas):
            raise ValueError("duplicate overall formula names")
        if self.unassigned == "ignore":
            for formula in self.overall:
                unknown = sorted(set(formula.sections or {}) - set(names))
                if unknown:
                    raise ValueError(
                        f"overall {formula.name!r} names unknown sections: {', '.join(unknown)}"
                    )
        return self


def _validate(data: object, where: str) -> BenchmarkSpec:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of benchmark fields")
    try:
        return BenchmarkSpec(**data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(spec)'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{where}: invalid benchmark spec: {problems}") from exc


def _parse_yaml(text: str, where: str) -> BenchmarkSpec:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: cannot parse YAML: {exc}") from exc
    return _validate(data, where)


def _builtin_names() -> list[str]:
    root = resources.files(_SPEC_PACKAGE)
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def _load_builtin(name: str) -> BenchmarkSpec:
    text = resources.files(_SPEC_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return _parse_yaml(text, f"built-in benchmark {name!r}")


#: Built-in benchmark specs by name (entries resolve lazily to a parsed :class:`BenchmarkSpec`).
BENCHMARKS: Registry[BenchmarkSpec] = Registry(
    "benchmark", check=lambda obj: isinstance(obj, BenchmarkSpec)
)
for _name in _builtin_names():
    BENCHMARKS.register(_name, f"rewardkit.benchmarks.spec:_builtin_{_name.replace('-', '_')}")


def __getattr__(attr: str) -> BenchmarkSpec:
    """Resolve ``_builtin_<name>`` lazily (the registry's ``module:object`` entries)."""
    prefix = "_builtin_"
    if attr.startswith(prefix):
        wanted = attr[len(prefix) :]
        for name in _builtin_names():
            if name.replace("-", "_") == wanted:
                return _load_builtin(name)
    raise AttributeError(attr)


def load_spec(path_or_name: str | Path) -> BenchmarkSpec:
    """Load a benchmark spec from a YAML file or by built-in name.

    Args:
        path_or_name: A path to a YAML file (``.yaml``/``.yml`` or an existing file), or the
            name of a built-in benchmark (see ``BENCHMARKS.names()``).

    Returns:
        The validated spec.

    Raises:
        ConfigError: The file cannot be read or parsed, the spec is invalid (every problem is
            listed), or the name is unknown (the available names are listed).

    Example:
        >>> load_spec("rewardbench").sections[0].name
        'Chat'
        >>> "demo" in BENCHMARKS.names()
        True
    """
    text = str(path_or_name)
    path = Path(text)
    if isinstance(path_or_name, Path) or path.suffix in (".yaml", ".yml") or path.is_file():
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read benchmark spec: {exc}") from exc
        return _parse_yaml(content, str(path))
    return BENCHMARKS.get(text)
