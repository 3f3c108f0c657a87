"""Distribution-drift statistics of one current sample against a reference sample.

* **PSI** (population stability index), own implementation: bins are cut at the reference's
  quantiles (``n_bins`` equal-mass bins, duplicate edges merged, the outer bins open to
  ``-inf``/``+inf`` so current values outside the reference range still count); each sample's
  share per bin is its count over its size; an empty bin's share is replaced by ``floor``
  (default ``1e-4``, no renormalisation, the same rule as Evidently while every non-empty share
  exceeds the floor); ``PSI = sum((cur - ref) * ln(cur / ref))``.
* **KS**: ``scipy.stats.ks_2samp`` (two-sided, exact or asymptotic p-value as scipy picks).
* **Normalised Wasserstein**: ``scipy.stats.wasserstein_distance(ref, cur) / max(sd_ref,
  1e-3)`` with the population sd (``ddof=0``), Evidently's "normed" figure.
* **Categorical drift**: chi-square test of the 2 x K table (reference vs current counts) and
  the PSI of the category shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

__all__ = [
    "PSI_FLOOR",
    "SD_FLOOR",
    "CategoryDrift",
    "KsResult",
    "bin_shares",
    "category_drift",
    "ks_test",
    "psi",
    "psi_from_shares",
    "quantile_edges",
    "wasserstein_normed",
]

FloatArray = npt.NDArray[np.float64]

#: Share given to an empty bin before the logarithm (PSI is infinite otherwise).
PSI_FLOOR = 1e-4
#: Smallest reference sd the Wasserstein distance is divided by (a constant reference).
SD_FLOOR = 1e-3


def _finite(values: npt.ArrayLike, what: str) -> FloatArray:
    x = np.asarray(values, dtype=np.float64).ravel()
    if x.size == 0:
        raise ValueError(f"{what} sample is empty")
    if not np.isfinite(x).all():
        raise ValueError(f"{what} sample has a NaN or infinite value")
    return x


def quantile_edges(reference: npt.ArrayLike, n_bins: int = 10) -> FloatArray:
    """Inner bin edges at the reference's ``1/n_bins, ..., (n_bins-1)/n_bins`` quantiles.

    Duplicate edges (a reference with repeated values) are merged, so fewer bins may result.
    The outer bins are open (``-inf``, ``+inf``).

    Example:
        >>> quantile_edges([1.0, 2.0, 3.0, 4.0], n_bins=2).tolist()
        [2.5]
    """
    if n_bins < 2:
        raise ValueError(f"n_bins must be >= 2, got {n_bins}")
    ref = _finite(reference, "reference")
    inner = np.quantile(ref, np.arange(1, n_bins) / n_bins)
    return np.unique(inner)


def bin_shares(values: npt.ArrayLike, inner_edges: npt.ArrayLike) -> FloatArray:
    """Share of ``values`` per bin ``(-inf, e1), [e1, e2), ..., [ek, inf)``.

    Example:
        >>> bin_shares([0.0, 1.0, 2.0, 3.0], [1.0, 2.5]).tolist()
        [0.25, 0.5, 0.25]
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    edges = np.asarray(inner_edges, dtype=np.float64).ravel()
    counts = np.bincount(np.searchsorted(edges, x, side="right"), minlength=edges.size + 1)
    return counts / max(x.size, 1)


def psi_from_shares(
    reference_shares: npt.ArrayLike, current_shares: npt.ArrayLike, floor: float = PSI_FLOOR
) -> float:
    """PSI of two share vectors over the same bins; zero shares become ``floor``.

    Example:
        >>> round(psi_from_shares([0.5, 0.5], [0.25, 0.75]), 6)
        0.274653
    """
    ref = np.asarray(reference_shares, dtype=np.float64).copy()
    cur = np.asarray(current_shares, dtype=np.float64).copy()
    if ref.shape != cur.shape:
        raise ValueError(f"share vectors differ in shape: {ref.shape} vs {cur.shape}")
    if not floor > 0.0:
        raise ValueError(f"floor must be > 0, got {floor}")
    ref[ref == 0.0] = floor
    cur[cur == 0.0] = floor
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def psi(
    reference: npt.ArrayLike,
    current: npt.ArrayLike,
    *,
    n_bins: int = 10,
    edges: npt.ArrayLike | None = None,
    floor: float = PSI_FLOOR,
) -> float:
    """Population stability index of ``current`` against ``reference`` (module docstring).

    Args:
        reference: Reference sample (finite numbers).
        current: Current sample.
        n_bins: Number of reference-quantile bins (ignored when ``edges`` is given).
        edges: Inner bin edges to use instead (e.g. another tool's binning).
        floor: Share given to an empty bin.

    Returns:
        The PSI (0 for identical shares; > 0.1 is Evidently's drift threshold, > 0.25 the
        credit-scoring "major shift").

    Example:
        >>> psi([1, 2, 3, 4], [1, 2, 3, 4], n_bins=2)
        0.0
        >>> round(psi([1, 2, 3, 4], [3, 4, 5, 6], n_bins=2), 4)
        4.6043
    """
    ref = _finite(reference, "reference")
    cur = _finite(current, "current")
    inner = quantile_edges(ref, n_bins) if edges is None else np.asarray(edges, dtype=np.float64)
    return psi_from_shares(bin_shares(ref, inner), bin_shares(cur, inner), floor)


@dataclass(frozen=True)
class KsResult:
    """Two-sample Kolmogorov-Smirnov test: statistic ``D`` and its two-sided p-value."""

    statistic: float
    p_value: float


def ks_test(reference: npt.ArrayLike, current: npt.ArrayLike) -> KsResult:
    """Two-sided two-sample KS test (``scipy.stats.ks_2samp``).

    Example:
        >>> ks_test([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]).statistic
        0.0
    """
    res = stats.ks_2samp(_finite(reference, "reference"), _finite(current, "current"))
    return KsResult(float(res.statistic), float(res.pvalue))


def wasserstein_normed(reference: npt.ArrayLike, current: npt.ArrayLike) -> float:
    """Wasserstein-1 distance divided by the reference sd (``ddof=0``, at least ``1e-3``).

    Example:
        >>> round(wasserstein_normed([0.0, 2.0], [1.0, 3.0]), 4)
        1.0
    """
    ref = _finite(reference, "reference")
    cur = _finite(current, "current")
    norm = max(float(np.std(ref)), SD_FLOOR)
    return float(stats.wasserstein_distance(ref, cur)) / norm


@dataclass(frozen=True)
class CategoryDrift:
    """Drift of a categorical variable (e.g. the domain mix).

    Attributes:
        categories: The categories, sorted (union of both samples).
        reference_shares: Reference share per category.
        current_shares: Current share per category.
        psi: PSI of the shares (empty shares floored).
        chi2: Chi-square statistic of the 2 x K contingency table.
        p_value: Its p-value (1.0 when fewer than two categories occur).
    """

    categories: tuple[str, ...]
    reference_shares: tuple[float, ...]
    current_shares: tuple[float, ...]
    psi: float
    chi2: float
    p_value: float


def category_drift(
    reference: Sequence[str], current: Sequence[str], floor: float = PSI_FLOOR
) -> CategoryDrift:
    """Chi-square test and PSI of category shares, current against reference.

    Example:
        >>> d = category_drift(["a", "a", "b", "b"], ["a", "b", "b", "b"])
        >>> d.categories, d.current_shares
        (('a', 'b'), (0.25, 0.75))
    """
    if len(reference) == 0 or len(current) == 0:
        raise ValueError("category_drift needs two non-empty samples")
    cats = sorted(set(reference) | set(current))
    index = {c: i for i, c in enumerate(cats)}
    ref_counts = np.bincount([index[c] for c in reference], minlength=len(cats))
    cur_counts = np.bincount([index[c] for c in current], minlength=len(cats))
    ref_shares = ref_counts / ref_counts.sum()
    cur_shares = cur_counts / cur_counts.sum()
    if len(cats) < 2:
        chi2, p = 0.0, 1.0
    else:
        res = stats.chi2_contingency(np.vstack([ref_counts, cur_counts]), correction=False)
        chi2, p = float(res.statistic), float(res.pvalue)
    return CategoryDrift(
        categories=tuple(cats),
        reference_shares=tuple(float(x) for x in ref_shares),
        current_shares=tuple(float(x) for x in cur_shares),
        psi=psi_from_shares(ref_shares, cur_shares, floor),
        chi2=chi2,
        p_value=p,
    )
