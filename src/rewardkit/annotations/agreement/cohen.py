"""Cohen's kappa (unweighted, linear, quadratic) over a declared label set.

With the ``K x K`` confusion matrix ``O`` of two raters over the declared labels (in their
sorted order), ``E = outer(row sums, column sums) / n`` and disagreement weights ``w_ij``
(``[i != j]``, ``|i - j|`` or ``(i - j)^2`` on label positions, Cohen 1968):

    kappa = 1 - sum w O / sum w E

Every declared label keeps its position even when nobody used it, so an unused middle label
changes weighted kappa (``sklearn.metrics.cohen_kappa_score`` without ``labels=`` drops it).
Pairs where either rating is missing (NaN) are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from rewardkit.annotations.agreement._values import (
    FloatArray,
    IntArray,
    as_matrix,
    resolve_values,
    value_index,
)

__all__ = [
    "PairwiseKappa",
    "Weights",
    "cohen_kappa",
    "cohen_kappa_table",
    "kappa_of_tables",
    "pair_tables",
    "pairwise_cohen",
]

Weights = Literal["linear", "quadratic"] | None


class PairwiseKappa(NamedTuple):
    """Cohen's kappa of one pair of raters over the units both rated (``n`` of them)."""

    rater_a: str
    rater_b: str
    kappa: float
    n: int


def _weight_matrix(k: int, weights: Weights) -> FloatArray:
    pos = np.arange(k, dtype=np.float64)
    diff = np.abs(pos[:, None] - pos[None, :])
    if weights is None:
        return (diff > 0).astype(np.float64)
    if weights == "linear":
        return diff
    if weights == "quadratic":
        return diff**2
    raise ValueError(f"unknown weights {weights!r}; expected None, 'linear' or 'quadratic'")


def kappa_of_tables(tables: FloatArray, weights: Weights = None) -> FloatArray:
    """Cohen's kappa of a batch of ``(P, K, K)`` confusion matrices; NaN where undefined."""
    w = _weight_matrix(tables.shape[-1], weights)
    n = tables.sum(axis=(1, 2))
    rows, cols = tables.sum(axis=2), tables.sum(axis=1)
    out = np.full(tables.shape[0], np.nan)
    ok = n > 0
    chance = np.einsum("pi,ij,pj->p", rows[ok], w, cols[ok]) / n[ok]
    observed = (tables[ok] * w).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(chance > 0, 1.0 - observed / chance, np.nan)
    out[ok] = kappa
    return out


def cohen_kappa_table(table: npt.ArrayLike, weights: Weights = None) -> float:
    """Cohen's kappa of a square confusion matrix (rows: rater a, columns: rater b).

    Args:
        table: ``K x K`` counts over the declared labels, in order.
        weights: ``None`` (unweighted), ``"linear"`` or ``"quadratic"``.

    Returns:
        Kappa; NaN when undefined (empty table, or chance disagreement of zero).

    Example:
        >>> round(cohen_kappa_table([[20, 5], [10, 15]]), 10)
        0.4
    """
    o = np.asarray(table, dtype=np.float64)
    if o.ndim != 2 or o.shape[0] != o.shape[1]:
        raise ValueError(f"table must be square, got shape {o.shape}")
    return float(kappa_of_tables(o[None], weights)[0])


def _table(ia: npt.NDArray[np.int64], ib: npt.NDArray[np.int64], k: int) -> FloatArray:
    both = (ia >= 0) & (ib >= 0)
    flat = np.bincount(ia[both] * k + ib[both], minlength=k * k)
    return flat.reshape(k, k).astype(np.float64)


def cohen_kappa(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    labels: npt.ArrayLike,
    weights: Weights = None,
) -> float:
    """Cohen's kappa of two raters' labels over a declared label set.

    Args:
        a: First rater's labels (numbers, NaN for missing).
        b: Second rater's labels, same length.
        labels: Declared label set (sorted internally); weights use label positions.
        weights: ``None`` (unweighted), ``"linear"`` or ``"quadratic"``.

    Returns:
        Kappa over the pairs where both rated; NaN when undefined.

    Raises:
        ValueError: Lengths differ, or a label outside ``labels`` (all listed).

    Example:
        >>> a = [1, 1, 2, 3, 3, 2, float("nan")]
        >>> b = [1, 2, 2, 3, 3, 1, 3]
        >>> round(cohen_kappa(a, b, labels=[1, 2, 3]), 4)
        0.5
        >>> round(cohen_kappa(a, b, labels=[1, 2, 3, 4, 5], weights="quadratic"), 4)
        0.75
    """
    x = as_matrix(np.stack([np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel()]))
    domain = resolve_values(labels, x)
    idx = value_index(x, domain)
    return cohen_kappa_table(_table(idx[0], idx[1], domain.size), weights)


def pairwise_cohen(
    data: npt.ArrayLike,
    labels: npt.ArrayLike,
    weights: Weights = None,
    rater_names: Sequence[str] | None = None,
) -> list[PairwiseKappa]:
    """Cohen's kappa of every pair of raters (columns) of a reliability matrix.

    Args:
        data: Ratings of shape ``(n_units, n_raters)``, NaN for missing.
        labels: Declared label set.
        weights: ``None``, ``"linear"`` or ``"quadratic"``.
        rater_names: One name per column; default ``"0"``, ``"1"``, ...

    Returns:
        One :class:`PairwiseKappa` per pair ``(i, j)``, ``i < j``, in column order.

    Example:
        >>> data = [[1, 1, 2], [2, 2, 2], [3, 3, 1], [1, 2, float("nan")]]
        >>> [(p.rater_a, p.rater_b, round(p.kappa, 3), p.n)
        ...  for p in pairwise_cohen(data, [1, 2, 3], rater_names=["x", "y", "z"])]
        [('x', 'y', 0.636, 4), ('x', 'z', 0.0, 3), ('y', 'z', 0.0, 3)]
    """
    x = as_matrix(data)
    n_raters = x.shape[1]
    names = [str(i) for i in range(n_raters)] if rater_names is None else list(rater_names)
    if len(names) != n_raters:
        raise ValueError(f"{len(names)} rater names for {n_raters} raters")
    pairs, tables = pair_tables(x, labels)
    kappas = kappa_of_tables(tables, weights)
    found = {(int(i), int(j)): k for k, (i, j) in enumerate(pairs)}
    out: list[PairwiseKappa] = []
    for i, j in combinations(range(n_raters), 2):
        k = found.get((i, j))
        if k is None:
            out.append(PairwiseKappa(names[i], names[j], float("nan"), 0))
        else:
            out.append(PairwiseKappa(names[i], names[j], float(kappas[k]), int(tables[k].sum())))
    return out


def pair_tables(data: npt.ArrayLike, labels: npt.ArrayLike) -> tuple[IntArray, FloatArray]:
    """Confusion matrices of the pairs of raters (columns) that share at least one unit.

    Built from the co-rated units only (a self-join of each unit's ratings), so a sparse
    crowd matrix costs ``O(sum_u m_u^2)``, not ``O(n_units * n_raters^2)``.

    Args:
        data: Ratings of shape ``(n_units, n_raters)``, NaN for missing.
        labels: Declared label set.

    Returns:
        ``(pairs, tables)``: ``(P, 2)`` column pairs ``i < j`` in sorted order and their
        ``(P, K, K)`` confusion matrices (rows: column ``i``'s labels).

    Example:
        >>> pairs, tables = pair_tables([[1, 2, np.nan], [2, 2, np.nan]], labels=[1, 2])
        >>> pairs.tolist(), tables[0].tolist()
        ([[0, 1]], [[0.0, 1.0], [0.0, 1.0]])
    """
    x = as_matrix(data)
    domain = resolve_values(labels, x)
    idx = value_index(x, domain)
    k, n_raters = domain.size, x.shape[1]
    unit, rater = np.nonzero(idx >= 0)  # row-major: sorted by unit, then rater
    label = idx[unit, rater]
    per_unit = np.bincount(unit, minlength=x.shape[0])
    end = np.cumsum(per_unit)[unit]  # one past the unit's last rating
    partners = end - 1 - np.arange(unit.size)  # later ratings of the same unit
    left = np.repeat(np.arange(unit.size), partners)
    first = np.cumsum(partners) - partners
    right = left + 1 + np.arange(left.size) - np.repeat(first, partners)
    pair_key = rater[left] * n_raters + rater[right]
    keys, pair_of = np.unique(pair_key, return_inverse=True)
    cells = (pair_of.ravel() * k + label[left]) * k + label[right]
    tables = np.bincount(cells, minlength=keys.size * k * k).reshape(keys.size, k, k)
    pairs = np.stack([keys // n_raters, keys % n_raters], axis=1).astype(np.int64)
    return pairs, tables.astype(np.float64)
