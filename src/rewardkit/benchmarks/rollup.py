"""Roll per-item outcomes up into subset, section and overall scores with joint bootstrap CIs.

Resampling is stratified by subset: each subset's items are resampled within the subset, so
subset sizes stay fixed exactly as in the official formulas. Every subset draws ``B`` resample
means (multinomial counts over its distinct outcome values, seeded per (seed, benchmark,
subset)); row ``b`` of every subset belongs to the same joint resample, so sections and overall
formulas (linear combinations of subset accuracies) get their bootstrap distributions by the
same linear combinations of those rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

import numpy as np
import numpy.typing as npt

from rewardkit.benchmarks.spec import BenchmarkSpec, SectionSpec
from rewardkit.errors import ConfigError
from rewardkit.metrics import Estimate, EstimateJSON, percentile_ci, resample_means, rng_for

__all__ = ["BenchmarkScore", "SubsetDraws", "rollup", "subset_draws"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SubsetDraws:
    """A subset's score on the full data and its ``(B,)`` bootstrap replicates."""

    value: float
    draws: FloatArray
    n: int


@dataclass(frozen=True)
class BenchmarkScore:
    """Scores of one benchmark run: per subset, per section and per overall formula."""

    benchmark: str
    subsets: dict[str, Estimate]
    sections: dict[str, Estimate]
    overall: dict[str, Estimate]
    n_items: int
    n_excluded: int = 0
    section_subsets: dict[str, list[str]] = field(default_factory=dict)
    #: Sections with no subset present that score 0 by the spec's ``if_empty: zero``.
    empty_sections: list[str] = field(default_factory=list)
    #: Per overall formula with ``missing: mask``, the sections it left out (absent).
    masked_sections: dict[str, list[str]] = field(default_factory=dict)
    #: Credit given to a predicted score tie (``None`` when the metric has its own rule).
    tie_value: float | None = None

    def to_json(self) -> dict[str, object]:
        """Plain-JSON form (NaN as ``None``).

        Example:
            >>> e = Estimate(1.0, 1.0, 1.0, 2)
            >>> BenchmarkScore("b", {"s": e}, {"S": e}, {"mean": e}, 2).to_json()["n_items"]
            2
        """

        def block(d: dict[str, Estimate]) -> dict[str, EstimateJSON]:
            return {k: v.to_json() for k, v in d.items()}

        return {
            "benchmark": self.benchmark,
            "n_items": self.n_items,
            "n_excluded": self.n_excluded,
            "subsets": block(self.subsets),
            "sections": block(self.sections),
            "overall": block(self.overall),
            "section_subsets": {k: list(v) for k, v in self.section_subsets.items()},
            "empty_sections": list(self.empty_sections),
            "masked_sections": {k: list(v) for k, v in self.masked_sections.items()},
            "tie_value": self.tie_value,
        }


def subset_draws(
    outcomes: npt.ArrayLike, n_resamples: int, rng: np.random.Generator
) -> SubsetDraws:
    """Resample means of one subset's outcomes via multinomial counts over distinct values.

    Args:
        outcomes: Per-item outcomes of the subset (1-D, no NaN, non-empty).
        n_resamples: Number of bootstrap resamples ``B``.
        rng: Source of randomness.

    Returns:
        The mean and its ``(B,)`` replicates (exactly the distribution of item resampling).

    Example:
        >>> d = subset_draws([1.0, 0.0, 1.0, 1.0], 5, rng_for(0, "doc"))
        >>> d.value, d.draws.shape, d.n
        (0.75, (5,), 4)
    """
    x = np.asarray(outcomes, dtype=np.float64).ravel()
    if x.size == 0 or np.isnan(x).any():
        raise ValueError("subset outcomes must be non-empty and free of NaN")
    draws = resample_means(x, n_resamples, rng, method="multinomial")
    return SubsetDraws(float(x.mean()), draws, int(x.size))


def _members(section: SectionSpec, observed: Sequence[str]) -> list[str]:
    return [s for s in observed if any(fnmatchcase(s, pat) for pat in section.subsets)]


def _weight(section: SectionSpec, subset: str, n: int) -> float:
    if section.weighting == "equal":
        return 1.0
    if section.weighting == "examples":
        return float(n)
    weights = section.weights or {}
    if subset not in weights:
        raise ConfigError(f"section {section.name!r} has no weight for subset {subset!r}")
    return float(weights[subset])


def _combine(
    parts: Sequence[tuple[float, SubsetDraws]], confidence: float
) -> tuple[Estimate, SubsetDraws]:
    total = sum(w for w, _ in parts)
    if total <= 0:
        raise ConfigError("weights of a section or overall formula sum to zero")
    value = sum(w * p.value for w, p in parts) / total
    draws = np.sum([w * p.draws for w, p in parts], axis=0) / total
    n = sum(p.n for _, p in parts)
    lo, hi = percentile_ci(draws, confidence)
    return Estimate(float(value), lo, hi, n), SubsetDraws(float(value), draws, n)


def _nan(n: int = 0) -> Estimate:
    return Estimate(float("nan"), float("nan"), float("nan"), n)


def _overall(
    weights: Mapping[str, float],
    missing: str,
    sec_draws: Mapping[str, SubsetDraws],
    members: Mapping[str, list[str]],
    draws: Mapping[str, SubsetDraws],
    confidence: float,
) -> tuple[Estimate, list[str]]:
    """One overall formula and the sections it masked (``missing: mask``)."""
    absent = [name for name in weights if name not in sec_draws]
    present = {name: w for name, w in weights.items() if name in sec_draws}
    if not weights or not present or (absent and missing == "nan"):
        return _nan(), absent if missing == "mask" else []
    est, _ = _combine([(w, sec_draws[name]) for name, w in present.items()], confidence)
    n_units = sum(draws[s].n for s in {m for name in present for m in members[name]})
    return Estimate(est.value, est.ci_low, est.ci_high, n_units), absent


def rollup(
    spec: BenchmarkSpec,
    outcomes: npt.ArrayLike,
    subsets: Sequence[str],
    *,
    seed: int = 0,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    n_excluded: int = 0,
    special: Mapping[str, SubsetDraws] | None = None,
) -> BenchmarkScore:
    """Subset accuracies, section scores and overall formulas with joint stratified bootstrap CIs.

    Args:
        spec: The benchmark (sections, weighting, overall formulas).
        outcomes: Per-item outcome in [0, 1] (1-D, no NaN).
        subsets: Subset of each item (same length as ``outcomes``).
        seed: Base seed; each subset draws from ``rng_for(seed, spec.name, subset)``.
        n_resamples: Bootstrap resamples ``B`` shared by all subsets.
        confidence: Coverage of the percentile intervals.
        n_excluded: Items left out before scoring (reported only).
        special: Subsets scored by their own formula (value and ``(B,)`` replicates); their
            items need not appear in ``outcomes``.

    Returns:
        A :class:`BenchmarkScore`. A section with no observed subset is absent, or 0 with
        ``n=0`` under ``if_empty: zero``; an overall formula naming an absent section is NaN
        with ``n=0``, or under ``missing: mask`` the weighted mean of the sections present.

    Example:
        >>> from rewardkit.benchmarks.spec import OverallFormula, SectionSpec
        >>> spec = BenchmarkSpec(name="toy", sections=[
        ...     SectionSpec(name="A", subsets=["a1", "a2"], weighting="equal"),
        ...     SectionSpec(name="B", subsets=["b"])], overall=[OverallFormula(name="mean")])
        >>> res = rollup(spec, [1.0, 0.0, 1.0, 1.0, 0.0], ["a1", "a1", "a2", "b", "b"])
        >>> res.sections["A"].value, res.sections["B"].value, res.overall["mean"].value
        (0.75, 0.5, 0.625)
    """
    x = np.asarray(outcomes, dtype=np.float64).ravel()
    labels = np.asarray(list(subsets), dtype=object)
    if labels.size != x.size:
        raise ValueError(f"{x.size} outcomes but {labels.size} subset labels")
    draws: dict[str, SubsetDraws] = {}
    for name in sorted({str(s) for s in labels.tolist()}):
        rng = rng_for(seed, spec.name, name)
        draws[name] = subset_draws(x[labels == name], n_resamples, rng)
    for name, special_draws in (special or {}).items():
        draws[name] = special_draws
    observed = sorted(draws)
    sub_est = {
        k: Estimate(d.value, *percentile_ci(d.draws, confidence), d.n) for k, d in draws.items()
    }

    sec_est: dict[str, Estimate] = {}
    sec_draws: dict[str, SubsetDraws] = {}
    members: dict[str, list[str]] = {}
    assigned: set[str] = set()
    empty: list[str] = []
    for section in spec.sections:
        names = _members(section, observed)
        assigned.update(names)
        if not names and section.if_empty == "zero":
            empty.append(section.name)
            sec_est[section.name] = Estimate(0.0, float("nan"), float("nan"), 0)
            sec_draws[section.name] = SubsetDraws(0.0, np.zeros(n_resamples), 0)
            members[section.name] = []
            continue
        if not names:
            continue
        parts = [(_weight(section, s, draws[s].n), draws[s]) for s in names]
        sec_est[section.name], sec_draws[section.name] = _combine(parts, confidence)
        members[section.name] = names
    if spec.unassigned == "own_section":
        for s in observed:
            if s not in assigned and s not in sec_est:
                sec_est[s], sec_draws[s], members[s] = sub_est[s], draws[s], [s]

    overall: dict[str, Estimate] = {}
    masked: dict[str, list[str]] = {}
    for formula in spec.overall:
        weights = formula.sections or {name: 1.0 for name in sec_est}
        overall[formula.name], left_out = _overall(
            weights, formula.missing, sec_draws, members, draws, confidence
        )
        if left_out:
            masked[formula.name] = left_out
    return BenchmarkScore(
        benchmark=spec.name,
        subsets=sub_est,
        sections=sec_est,
        overall=overall,
        n_items=int(x.size) + sum(d.n for d in (special or {}).values()),
        n_excluded=n_excluded,
        section_subsets=members,
        empty_sections=empty,
        masked_sections=masked,
    )
