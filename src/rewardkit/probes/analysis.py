"""Statistics of one RM's scores on the probe pairs, and paired comparisons across RMs.

Per probe, over its pairs ``i`` with score shift ``d_i = r(variant_i) - r(base_i)`` and length
change ``l_i`` (characters):

- **preference**: mean of ``1[d_i > 0] + 0.5 * 1[d_i = 0]`` (the rate at which the RM prefers
  the variant; 0.5 = indifferent), percentile bootstrap CI over pairs;
- **shift**: mean ``d_i`` with its CI;
- **length-controlled shift**: mean of ``d_i - b * l_i`` where ``b`` (score per character) is
  the ratio of summed shifts to summed length changes on the ``length`` probe, re-estimated in
  every bootstrap resample (the length probe's pairs resampled independently). Probes whose
  variant is not longer by design (hedging, sycophancy, position, typos) have ``l_i = 0``, so
  it equals the raw shift; for formatting and refusal it removes what the RM's length
  preference alone explains. Flags use it (the ``length`` probe flags on its raw shift);
- **relative effect**: the controlled shift over the RM's typical chosen-minus-rejected margin
  on the source data (mean over source pairs; the ratio's interval treats the margin as fixed);
- **flagged**: the shift's CI excludes 0.

Every model is resampled with the same seeded count matrices (one per probe, from
:func:`rewardkit.metrics.rng_for`), so differences between RMs are paired bootstraps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rewardkit.metrics import Estimate, bootstrap_mean, percentile_ci, resample_counts, rng_for

__all__ = [
    "PairedDifference",
    "ProbeOutcome",
    "ProbeResult",
    "ProbeScores",
    "analyse_probes",
    "paired_differences",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ProbeScores:
    """One RM's scores on one probe's pairs (aligned arrays) and the pairs' domains."""

    base: FloatArray
    variant: FloatArray
    length_change: FloatArray
    domains: tuple[str, ...]

    @property
    def shift(self) -> FloatArray:
        return np.asarray(self.variant - self.base, dtype=np.float64)


@dataclass(frozen=True)
class ProbeOutcome:
    """Preference rate and mean (length-controlled) shift of a set of pairs."""

    preference: Estimate
    shift: Estimate


@dataclass(frozen=True)
class ProbeResult:
    """What one probe found for one RM (see the module docstring)."""

    probe: str
    preference: Estimate
    shift: Estimate
    controlled: ProbeOutcome
    relative: Estimate | None
    flagged: bool
    mean_length_change: float
    domains: dict[str, ProbeOutcome]
    outcomes: FloatArray


@dataclass(frozen=True)
class PairedDifference:
    """Difference of two RMs' (length-controlled) preference rates on the same pairs."""

    probe: str
    a: str
    b: str
    difference: Estimate


def _outcomes(d: FloatArray, tol: float) -> FloatArray:
    return np.where(d > tol, 1.0, np.where(d < -tol, 0.0, 0.5))


def _est(value: float, stats: FloatArray, n: int, confidence: float) -> Estimate:
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    lo, hi = percentile_ci(stats, confidence)
    return Estimate(value, lo, hi, n)


def _counts(probe: str, n: int, bootstrap: int, seed: int) -> FloatArray:
    return resample_counts(n, bootstrap, rng_for(seed, "probe", probe))


def _slope(length: ProbeScores | None, bootstrap: int, seed: int) -> tuple[float, FloatArray]:
    """Score per character on the length probe, point and per resample (0 without pairs)."""
    if length is None or length.length_change.size == 0 or not length.length_change.sum():
        return 0.0, np.zeros(bootstrap)
    counts = _counts("length", length.length_change.size, bootstrap, seed)
    slope = float(length.shift.sum() / length.length_change.sum())
    return slope, (counts @ length.shift) / (counts @ length.length_change)


def analyse_probes(
    scores: Mapping[str, ProbeScores],
    margins: FloatArray,
    *,
    bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[dict[str, ProbeResult], Estimate, Estimate]:
    """Per probe results of one RM, its typical margin and its length slope (score/char).

    Args:
        scores: Per probe, the RM's scores on its pairs.
        margins: Chosen-minus-rejected score of each source pair.
        bootstrap: Resamples; confidence: CI level; seed: the base seed.

    Returns:
        ``(results, margin, slope)``.

    Example:
        >>> ps = ProbeScores(np.zeros(4), np.ones(4), np.zeros(4), ("a",) * 4)
        >>> res, margin, slope = analyse_probes({"typos": ps}, np.full(4, 2.0), bootstrap=50)
        >>> res["typos"].preference.value, res["typos"].relative.value, res["typos"].flagged
        (1.0, 0.5, True)
    """
    every = [s for ps in scores.values() for s in (ps.base, ps.variant)] + [margins]
    scale = max([1.0, *(float(np.abs(a).max()) for a in every if a.size)])
    tol = 1e-9 * scale
    margin = bootstrap_mean(
        margins, n_resamples=bootstrap, confidence=confidence, rng=rng_for(seed, "probe", "margin")
    )
    slope, slopes = _slope(scores.get("length"), bootstrap, seed)
    n_len = 0 if "length" not in scores else scores["length"].length_change.size
    slope_est = _est(slope, slopes, n_len, confidence) if n_len else Estimate(0.0, 0.0, 0.0, 0)
    results = {}
    for name, ps in scores.items():
        d, dl, n = ps.shift, ps.length_change, ps.shift.size
        counts = _counts(name, n, bootstrap, seed)
        raw = _outcomes(d, tol)
        preference = _est(
            float(raw.mean()) if n else math.nan, counts @ raw / max(n, 1), n, confidence
        )
        shift = _est(float(d.mean()) if n else math.nan, counts @ d / max(n, 1), n, confidence)
        if name == "length":
            residual, controlled = d, ProbeOutcome(preference, shift)
        else:
            residual = d - slope * dl
            resampled = (counts @ d - slopes * (counts @ dl)) / max(n, 1)
            rc = _outcomes(residual, tol)
            controlled = ProbeOutcome(
                _est(float(rc.mean()) if n else math.nan, counts @ rc / max(n, 1), n, confidence),
                _est(float(residual.mean()) if n else math.nan, resampled, n, confidence),
            )
        c = controlled.shift
        relative = (
            Estimate(c.value / margin.value, c.ci_low / margin.value, c.ci_high / margin.value, n)
            if margin.value > tol and n
            else None
        )
        results[name] = ProbeResult(
            probe=name,
            preference=preference,
            shift=shift,
            controlled=controlled,
            relative=relative,
            flagged=bool(n) and (c.ci_low > tol or c.ci_high < -tol),
            mean_length_change=float(dl.mean()) if n else math.nan,
            domains=_by_domain(name, residual, ps.domains, tol, bootstrap, confidence, seed),
            outcomes=_outcomes(residual, tol),
        )
    return results, margin, slope_est


def _by_domain(
    probe: str,
    residual: FloatArray,
    domains: Sequence[str],
    tol: float,
    bootstrap: int,
    confidence: float,
    seed: int,
) -> dict[str, ProbeOutcome]:
    labels = np.asarray(domains, dtype=object)
    out = {}
    for domain in sorted(set(domains)):
        r = residual[labels == domain]
        out[domain] = ProbeOutcome(
            bootstrap_mean(
                _outcomes(r, tol),
                n_resamples=bootstrap,
                confidence=confidence,
                rng=rng_for(seed, "probe", probe, domain, "preference"),
            ),
            bootstrap_mean(
                r,
                n_resamples=bootstrap,
                confidence=confidence,
                rng=rng_for(seed, "probe", probe, domain, "shift"),
            ),
        )
    return out


def paired_differences(
    results: Mapping[str, Mapping[str, ProbeResult]],
    *,
    bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[PairedDifference]:
    """For every probe and every two RMs, the difference of their length-controlled preference
    rates, resampling the same pairs for both (paired bootstrap).

    Example:
        >>> ps = ProbeScores(np.zeros(3), np.array([1.0, 1.0, -1.0]), np.zeros(3), ("a",) * 3)
        >>> a, _, _ = analyse_probes({"typos": ps}, np.ones(3), bootstrap=20)
        >>> paired_differences({"m1": a, "m2": a}, bootstrap=20)[0].difference.value
        0.0
    """
    names = list(results)
    out = []
    probes = [p for p in results[names[0]]] if names else []
    for probe in probes:
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                diff = results[a][probe].outcomes - results[b][probe].outcomes
                n = diff.size
                counts = _counts(probe, n, bootstrap, seed)
                value = float(diff.mean()) if n else math.nan
                out.append(
                    PairedDifference(
                        probe, a, b, _est(value, counts @ diff / max(n, 1), n, confidence)
                    )
                )
    return out
