"""Krippendorff's alpha with missing data, from the coincidence matrix (Krippendorff 2011).

A unit ``u`` with ``m_u >= 2`` ratings, ``c_uv`` of them equal to value ``v``, adds
``(c_uv c_uw - [v = w] c_uv) / (m_u - 1)`` to the coincidence matrix ``o_vw``; units with fewer
than two ratings are not pairable and add nothing. With ``n_v = sum_w o_vw`` and ``n = sum n_v``,

    alpha = 1 - (n - 1) * sum_vw o_vw d_vw / sum_vw n_v n_w d_vw

where ``d`` is the squared difference function of the level of measurement: nominal
``[v != w]``; interval ``(v - w)^2``; ratio ``((v - w) / (v + w))^2``; ordinal
``(sum_{g=v..w} n_g - (n_v + n_w) / 2)^2``, which is ``(M_w - M_v)^2`` on the mid-ranks
``M_k = sum_{g<k} n_g + n_k / 2`` of the coincidence marginals (as the ``krippendorff`` package
computes it). Alpha is NaN when undefined (no pairable unit, or all pairable ratings equal).

Because ``o`` is a sum of per-unit contributions, a bootstrap over units only re-weights them:
:func:`alpha_ci` compresses the units into their distinct contribution patterns once and gets
every resample's coincidence matrix as ``pattern counts @ contributions``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rewardkit.annotations.agreement._resample import compress_rows, unit_bootstrap
from rewardkit.annotations.agreement._values import (
    FloatArray,
    IntArray,
    Level,
    check_level,
    count_matrix,
)
from rewardkit.metrics import Estimate

__all__ = ["alpha", "alpha_ci", "alpha_from_coincidences", "coincidence_matrix"]


def _scale(c: FloatArray) -> FloatArray:
    """Per unit ``1 / (m_u - 1)`` for pairable units (``m_u >= 2`` ratings), else 0."""
    m = c @ np.ones(c.shape[1])  # row sums; faster than sum(axis=1) on narrow rows
    out = np.zeros(m.shape, dtype=np.float64)
    np.divide(1.0, m - 1.0, out=out, where=m >= 2)
    return out


def _coincidences(counts: IntArray) -> FloatArray:
    """The ``(V, V)`` coincidence matrix of per-unit value counts (one matrix product)."""
    c = counts.astype(np.float64)
    scaled = c * _scale(c)[:, None]
    return np.asarray(scaled.T @ c - np.diag(scaled.sum(axis=0)), dtype=np.float64)


def _unit_contributions(counts: IntArray) -> FloatArray:
    """Each unit's contribution to the coincidence matrix, flattened: ``(n_units, V * V)``."""
    c = counts.astype(np.float64)
    n_vals = c.shape[1]
    outer = c[:, :, None] * c[:, None, :]
    outer[:, np.arange(n_vals), np.arange(n_vals)] -= c
    return np.asarray((outer * _scale(c)[:, None, None]).reshape(len(c), n_vals * n_vals))


def _distances(domain: FloatArray, level: Level) -> FloatArray:
    """Fixed ``(V, V)`` difference matrix of the nominal, interval and ratio levels."""
    v, w = domain[:, None], domain[None, :]
    if level == "nominal":
        return np.asarray(v != w, dtype=np.float64)
    if level == "interval":
        return np.asarray((v - w) ** 2, dtype=np.float64)
    total = v + w
    ratio = np.divide(v - w, total, out=np.zeros(total.shape), where=total != 0)
    return np.asarray(ratio**2, dtype=np.float64)


def alpha_from_coincidences(o: FloatArray, domain: FloatArray, level: Level) -> FloatArray:
    """Alpha of a batch of coincidence matrices ``o`` of shape ``(B, V, V)``; NaN if undefined."""
    n_v = o.sum(axis=2)
    n = n_v.sum(axis=1)
    if level == "ordinal":
        mid = np.cumsum(n_v, axis=1) - n_v / 2.0
        d = (mid[:, :, None] - mid[:, None, :]) ** 2
        observed = (o * d).sum(axis=(1, 2))
        expected = np.einsum("bv,bvw,bw->b", n_v, d, n_v)
    else:
        fixed = _distances(domain, level)
        observed = o.reshape(o.shape[0], -1) @ fixed.ravel()
        expected = ((n_v @ fixed) * n_v).sum(axis=1)
    out = np.full(o.shape[0], np.nan)
    ok = expected > 0
    out[ok] = 1.0 - (n[ok] - 1.0) * observed[ok] / expected[ok]
    return out


def _prepare(
    data: npt.ArrayLike, level: str, values: npt.ArrayLike | None
) -> tuple[IntArray, FloatArray, Level]:
    lvl = check_level(level)
    counts, domain = count_matrix(data, values)
    if lvl == "ratio" and domain.size and domain[0] < 0:
        raise ValueError(f"ratio level needs non-negative values, got {domain.tolist()}")
    return counts, domain, lvl


def coincidence_matrix(data: npt.ArrayLike, values: npt.ArrayLike | None = None) -> FloatArray:
    """Krippendorff's coincidence matrix of a reliability matrix.

    Args:
        data: Ratings of shape ``(n_units, n_raters)``, NaN for missing.
        values: Declared value set (sorted internally); default: the observed values.

    Returns:
        ``(V, V)`` matrix ``o``; entry ``[v, w]`` counts the pairable (v, w) value pairs.

    Example:
        >>> coincidence_matrix([[1, 1, np.nan], [1, 2, 2]], values=[1, 2])
        array([[2., 1.],
               [1., 1.]])
    """
    counts, _ = count_matrix(data, values)
    return _coincidences(counts)


def alpha(
    data: npt.ArrayLike,
    level: Level,
    values: npt.ArrayLike | None = None,
) -> float:
    """Krippendorff's alpha of a reliability matrix with missing data.

    Args:
        data: Ratings of shape ``(n_units, n_raters)``, NaN for missing (the transpose of the
            ``krippendorff`` package's ``reliability_data``).
        level: Level of measurement: ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.
        values: Declared value set (sorted internally; the ordinal order is the numeric one);
            default: the observed values. Unused values change nothing.

    Returns:
        Alpha; NaN when undefined (no pairable unit, or no variation among pairable ratings).

    Raises:
        ValueError: A rating outside ``values`` (all listed), a bad shape or an unknown level.

    Example:
        >>> nan = float("nan")
        >>> data = np.array([[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
        ...                  [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
        ...                  [2, 2, 2, 2], [nan, 5, 5, 5], [nan, nan, 1, 1], [nan, 3, nan, nan]])
        >>> round(alpha(data, "nominal"), 3), round(alpha(data, "interval"), 3)
        (0.743, 0.849)
    """
    counts, domain, lvl = _prepare(data, level, values)
    return float(alpha_from_coincidences(_coincidences(counts)[None], domain, lvl)[0])


def alpha_ci(
    data: npt.ArrayLike,
    level: Level,
    values: npt.ArrayLike | None = None,
    *,
    clusters: npt.ArrayLike | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    rng: np.random.Generator,
    label: str = "",
) -> Estimate:
    """Krippendorff's alpha with a percentile bootstrap interval over units.

    Pairable units (two or more ratings) are resampled with replacement; each resample's
    coincidence matrix is the count-weighted sum of the unit contributions, computed for all
    resamples at once. Resamples with an undefined alpha are dropped (with a
    :class:`~rewardkit.metrics.BootstrapWarning`).

    Args:
        data: Ratings of shape ``(n_units, n_raters)``, NaN for missing.
        level: Level of measurement (see :func:`alpha`).
        values: Declared value set; default: the observed values.
        clusters: Optional label per row; rows with the same label are resampled together (e.g.
            one item rated on several criteria). Default: every row is its own unit.
        n_resamples: Number of bootstrap resamples.
        confidence: Coverage of the interval, in (0, 1).
        rng: Source of randomness (see :func:`rewardkit.metrics.rng_for`).
        label: What is being estimated (e.g. the criterion), for warnings.

    Returns:
        ``Estimate(alpha, ci_low, ci_high, n)`` with ``n`` the pairable units (or clusters).

    Example:
        >>> from rewardkit.metrics import rng_for
        >>> data = [[1, 1, 2], [2, 2, 2], [3, 3, 4], [4, 4, 4], [5, 4, 5], [1, 2, 1]]
        >>> est = alpha_ci(data, "interval", [1, 2, 3, 4, 5], rng=rng_for(0, "doc"))
        >>> round(est.value, 3), est.n, bool(est.ci_low <= est.value <= est.ci_high)
        (0.886, 6, True)
    """
    counts, domain, lvl = _prepare(data, level, values)
    value = float(alpha_from_coincidences(_coincidences(counts)[None], domain, lvl)[0])
    n_vals = domain.size
    if clusters is None:
        pairable = counts[counts.sum(axis=1) >= 2]
        patterns, unit_pattern = compress_rows(pairable)
        contrib = _unit_contributions(np.asarray(patterns, dtype=np.int64))
    else:
        labels = np.asarray(clusters).ravel()
        if labels.size != counts.shape[0]:
            raise ValueError(f"clusters has {labels.size} labels for {counts.shape[0]} rows")
        _, cluster = np.unique(labels, return_inverse=True)
        cluster = cluster.ravel()
        keep = counts.sum(axis=1) >= 2
        rows = _unit_contributions(counts[keep])
        used, cluster = np.unique(cluster[keep], return_inverse=True)
        summed = np.zeros((used.size, n_vals * n_vals))
        np.add.at(summed, cluster.ravel(), rows)
        patterns_f, unit_pattern = compress_rows(summed)
        contrib = np.asarray(patterns_f, dtype=np.float64)

    def statistic(weights: FloatArray) -> FloatArray:
        o = (weights @ contrib).reshape(-1, n_vals, n_vals)
        return alpha_from_coincidences(o, domain, lvl)

    lo, hi = unit_bootstrap(
        unit_pattern,
        statistic,
        n_resamples=n_resamples,
        confidence=confidence,
        rng=rng,
        label=f"alpha ({lvl}{', ' + label if label else ''})",
    )
    return Estimate(value, lo, hi, int(unit_pattern.size))
