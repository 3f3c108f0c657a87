"""Seeded, vectorized percentile bootstrap over independent units (items).

Conventions shared by every function here:

* The unit of resampling is the *item* (a prompt with its responses), never a single pair or
  response, because the responses of one item are not independent.
* The confidence interval is the percentile interval
  ``np.quantile(stats, [alpha / 2, 1 - alpha / 2])`` with ``alpha = 1 - confidence`` and numpy's
  default (linear) interpolation, the same numbers as ``scipy.stats.bootstrap(...,
  method="percentile")``.
* Randomness comes only from the ``rng`` argument; :func:`rng_for` derives a stable, independent
  stream per (seed, metric, group) so that adding a metric never changes another one's interval.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

from rewardkit.metrics.estimate import Estimate

__all__ = [
    "FAST_PATH_MAX_UNIQUE",
    "BootstrapWarning",
    "bootstrap_mean",
    "bootstrap_weighted",
    "percentile_ci",
    "resample_counts",
    "rng_for",
]

FloatArray = npt.NDArray[np.float64]

#: ``bootstrap_mean`` uses the multinomial fast path when the data has at most this many distinct
#: values (accuracy outcomes take 2 or 3).
FAST_PATH_MAX_UNIQUE = 64
#: Upper bound on the number of resampled indices (or counts) held in memory at once.
_MAX_CHUNK_ELEMENTS = 1 << 24
#: Default entries per count-matrix chunk of ``bootstrap_weighted`` (8 MB of float64; measured
#: ~1.7x faster than 4M-entry chunks, whose ``bincount`` target no longer fits in cache).
_COUNT_CHUNK_ELEMENTS = 1 << 20
#: Units per block of the index path (4096 float64 = 32 KB, an L1/L2-resident slice).
_BLOCK = 4096


class BootstrapWarning(RuntimeWarning):
    """Raised (as a warning) when some bootstrap resamples gave an undefined (NaN) statistic."""


def rng_for(seed: int, *names: str) -> np.random.Generator:
    """Return a random generator for one (seed, name, name, ...) combination.

    The names are hashed with ``zlib.crc32`` (stable across processes and platforms, unlike
    Python's ``hash()``) and passed, together with their count, as the ``spawn_key`` of a
    ``numpy.random.SeedSequence``; streams for different names are statistically independent.

    Args:
        seed: Non-negative base seed of the run.
        *names: Labels that select the stream, e.g. the metric and the group.

    Returns:
        A fresh ``numpy.random.Generator`` (PCG64).

    Example:
        >>> a = rng_for(0, "accuracy", "all").integers(0, 1000, 3)
        >>> b = rng_for(0, "accuracy", "all").integers(0, 1000, 3)
        >>> bool((a == b).all())
        True
    """
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    key = (len(names), *(zlib.crc32(name.encode("utf-8")) for name in names))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def _check_settings(n_resamples: int, confidence: float) -> None:
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def percentile_ci(stats: npt.ArrayLike, confidence: float = 0.95) -> tuple[float, float]:
    """Percentile interval ``np.quantile(stats, [alpha/2, 1 - alpha/2])``, ``alpha = 1 - conf``.

    Args:
        stats: Bootstrap replicates of the statistic (finite values).
        confidence: Coverage of the interval, in (0, 1).

    Returns:
        ``(ci_low, ci_high)``; ``(nan, nan)`` when ``stats`` is empty.

    Example:
        >>> percentile_ci([0.0, 1.0, 2.0, 3.0, 4.0], confidence=0.5)
        (1.0, 3.0)
    """
    arr = np.asarray(stats, dtype=np.float64)
    if arr.size == 0:
        return float("nan"), float("nan")
    alpha = 1.0 - confidence
    lo, hi = np.quantile(arr, [alpha / 2.0, 1.0 - alpha / 2.0])
    return float(lo), float(hi)


def bootstrap_mean(
    values: npt.ArrayLike,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    rng: np.random.Generator,
    method: Literal["auto", "multinomial", "index"] = "auto",
) -> Estimate:
    """Mean of per-unit values with a percentile bootstrap confidence interval.

    Fast path: when ``values`` has at most :data:`FAST_PATH_MAX_UNIQUE` distinct values (e.g.
    accuracy outcomes in {0, 0.5, 1}), each resample is summarised by how many of its ``n``
    draws landed on each distinct value. Drawing ``n`` units uniformly with replacement makes
    that count vector exactly ``Multinomial(n, freqs)``, where ``freqs`` are the observed
    proportions of the distinct values, and the resample mean depends on the draws only through
    it. So ``rng.multinomial(n, freqs, size=n_resamples)`` gives resample means with exactly the
    same distribution as resampling units, at a cost independent of ``n``.

    Otherwise units are resampled by index: per-block draw counts first, then int32 indices
    within each block of 4096 units (exactly equivalent, see ``_index_resample_means``), at
    most ~16M indices in memory at once.

    Args:
        values: One number per unit (1-D, no NaN).
        n_resamples: Number of bootstrap resamples.
        confidence: Coverage of the interval, in (0, 1).
        rng: Source of randomness (see :func:`rng_for`).
        method: ``"auto"`` picks the fast path when it applies; ``"multinomial"`` forces it
            (exact for any data, but its cost grows with the number of distinct values);
            ``"index"`` forces index resampling.

    Returns:
        ``Estimate(mean, ci_low, ci_high, n)``; all NaN with ``n=0`` for empty input.

    Example:
        >>> est = bootstrap_mean([1.0, 0.0, 1.0, 1.0], rng=rng_for(0, "doc"))
        >>> est.value, est.n, 0.0 <= est.ci_low <= est.ci_high <= 1.0
        (0.75, 4, True)
    """
    _check_settings(n_resamples, confidence)
    x = np.asarray(values, dtype=np.float64).ravel()
    n = x.size
    if n == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    if np.isnan(x).any():
        raise ValueError("bootstrap_mean: values contain NaN")
    value = float(x.mean())
    if method not in ("auto", "multinomial", "index"):
        raise ValueError(f"unknown method {method!r}")
    lo, hi = percentile_ci(resample_means(x, n_resamples, rng, method=method), confidence)
    return Estimate(value, lo, hi, n)


def resample_means(
    values: npt.ArrayLike,
    n_resamples: int,
    rng: np.random.Generator,
    *,
    method: Literal["auto", "multinomial", "index"] = "auto",
) -> FloatArray:
    """Means of ``n_resamples`` bootstrap resamples of ``values`` (the replicates behind
    :func:`bootstrap_mean`): multinomial counts over the distinct values when there are few of
    them (or ``method="multinomial"``), else blocked index resampling.

    Example:
        >>> resample_means([1.0, 1.0, 1.0], 4, rng_for(0, "doc")).tolist()
        [1.0, 1.0, 1.0, 1.0]
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    n = x.size
    uniq, counts = np.unique(x, return_counts=True)
    fast = uniq.size <= FAST_PATH_MAX_UNIQUE if method == "auto" else method == "multinomial"
    if fast:
        draws = rng.multinomial(n, counts / n, size=n_resamples)
        return np.asarray((draws @ uniq) / n, dtype=np.float64)
    return _index_resample_means(x, n_resamples, rng)


def _index_resample_means(x: FloatArray, n_resamples: int, rng: np.random.Generator) -> FloatArray:
    """Resample means by explicit index draws, block by block so the gathers stay in cache.

    Each of a resample's ``n`` uniform draws picks block ``k`` (``_BLOCK`` consecutive units)
    with probability ``size_k / n`` and then a uniform unit inside it. So the per-block draw
    counts are ``Multinomial(n, sizes / n)`` and, given them, the draws inside each block are
    i.i.d. uniform there: drawing in that order is exactly ordinary resampling, but every
    gather reads a 32 KB slice (measured ~2x faster than one gather over all of ``x``).
    """
    n = x.size
    starts = np.arange(0, n, _BLOCK)
    sizes = np.minimum(_BLOCK, n - starts)
    per_block = rng.multinomial(n, sizes / n, size=n_resamples)  # (B, n_blocks)
    sums = np.zeros(n_resamples, dtype=np.float64)
    rows = max(1, min(n_resamples, _MAX_CHUNK_ELEMENTS // _BLOCK))
    for k, (start, size) in enumerate(zip(starts.tolist(), sizes.tolist(), strict=True)):
        block = x[start : start + size]
        for lo in range(0, n_resamples, rows):
            c = per_block[lo : lo + rows, k]
            total = int(c.sum())
            if total == 0:
                continue
            vals = block[rng.integers(0, size, size=total, dtype=np.int32)]
            owner = np.repeat(np.arange(c.size), c)  # which resample each draw belongs to
            sums[lo : lo + rows] += np.bincount(owner, weights=vals, minlength=c.size)
    return sums / n


def resample_counts(n_units: int, n_rows: int, rng: np.random.Generator) -> FloatArray:
    """Draw ``n_rows`` bootstrap resamples of ``n_units`` units as a count matrix.

    Entry ``[b, i]`` is how many times unit ``i`` was drawn in resample ``b``; every row sums to
    ``n_units``. Implemented as uniform integer draws plus one ``bincount`` (measured 2-3x faster
    than ``rng.multinomial(n_units, uniform, size=n_rows)``, with the same distribution).

    Args:
        n_units: Number of units in the sample.
        n_rows: Number of resamples to draw.
        rng: Source of randomness.

    Returns:
        Float64 array of shape ``(n_rows, n_units)``.

    Example:
        >>> resample_counts(5, 2, rng_for(0, "doc")).sum(axis=1)
        array([5., 5.])
    """
    total = n_rows * n_units
    dtype = np.int32 if total < 2**31 else np.int64
    idx = rng.integers(0, n_units, size=(n_rows, n_units), dtype=dtype)
    idx += np.arange(0, total, n_units, dtype=np.int64).astype(idx.dtype)[:, None]
    counts = np.bincount(idx.ravel(), minlength=total)
    return counts.reshape(n_rows, n_units).astype(np.float64)


def bootstrap_weighted(
    statistic: Callable[[FloatArray], FloatArray],
    n_units: int,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    rng: np.random.Generator,
    chunk_size: int | None = None,
    label: str = "statistic",
) -> tuple[float, float]:
    """Percentile bootstrap interval of a statistic expressed through unit resample counts.

    ``statistic`` receives a ``(B, n_units)`` float matrix of resample counts (how many times
    each unit was drawn; each row sums to ``n_units``) and returns the ``(B,)`` statistic of
    each resample. Count matrices are drawn ``chunk_size`` rows at a time (default: about 1M
    entries per chunk). Resamples whose statistic is NaN (e.g. a correlation of a constant
    resample) are dropped from the percentile; a :class:`BootstrapWarning` reports how many.

    Args:
        statistic: Vectorized statistic of count-weighted resamples.
        n_units: Number of units (items).
        n_resamples: Number of bootstrap resamples.
        confidence: Coverage of the interval, in (0, 1).
        rng: Source of randomness (see :func:`rng_for`).
        chunk_size: Rows of the count matrix per call of ``statistic``.
        label: Name used in the warning message.

    Returns:
        ``(ci_low, ci_high)``; ``(nan, nan)`` when ``n_units == 0`` or every resample is NaN.

    Example:
        >>> x = np.array([0.2, 0.4, 0.9])
        >>> lo, hi = bootstrap_weighted(lambda w: w @ x / 3, 3, rng=rng_for(0, "doc"))
        >>> bool(0.2 <= lo <= hi <= 0.9)
        True
    """
    _check_settings(n_resamples, confidence)
    if n_units <= 0:
        return float("nan"), float("nan")
    rows = chunk_size or max(1, _COUNT_CHUNK_ELEMENTS // n_units)
    rows = max(1, min(rows, n_resamples))
    stats = np.empty(n_resamples, dtype=np.float64)
    for start in range(0, n_resamples, rows):
        stop = min(start + rows, n_resamples)
        counts = resample_counts(n_units, stop - start, rng)
        out = np.asarray(statistic(counts), dtype=np.float64)
        if out.shape != (stop - start,):
            raise ValueError(f"statistic returned shape {out.shape}, expected ({stop - start},)")
        stats[start:stop] = out
    valid = stats[~np.isnan(stats)]
    n_dropped = n_resamples - valid.size
    if n_dropped:
        warnings.warn(
            f"bootstrap of {label}: dropped {n_dropped} of {n_resamples} resamples with an "
            "undefined (NaN) value",
            BootstrapWarning,
            stacklevel=2,
        )
    return percentile_ci(valid, confidence)
