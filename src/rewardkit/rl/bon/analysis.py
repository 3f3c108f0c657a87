"""Best-of-n curves, fits and gamma with seeded, vectorised bootstrap CIs over prompts.

Everything here is pure numpy on per-prompt score arrays; :func:`rewardkit.jobs.bon.run_bon`
adds loading, scoring and the run directory. A bootstrap resample draws prompts with
replacement, so each resampled curve is a count-weighted mean of the rows of the
prompts x n contribution matrix and each resampled fit a batched 2 x 2 solve. Several proxies
analysed together share the same resamples, so their gammas can be compared pairwise.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from rewardkit.metrics.bootstrap import resample_counts, rng_for
from rewardkit.metrics.estimate import Estimate
from rewardkit.rl.bon.contributions import Contributions, contribution_matrix
from rewardkit.rl.bon.estimator import FloatArray, d_bon, kl_bon
from rewardkit.rl.bon.fit import QuadraticFit, fit_curves, peak_d
from rewardkit.rl.bon.gamma import gamma_from_fits

__all__ = [
    "BonAnalysis",
    "BonWarning",
    "Curve",
    "FitEstimate",
    "analyse",
    "gamma_difference",
]

#: Count-matrix entries per bootstrap chunk (8 MB of float64).
_CHUNK_ELEMENTS = 1 << 20
#: Stand-in for an unbounded peak (beta <= 0) inside percentile interpolation.
_BIG = np.finfo(np.float64).max / 4


class BonWarning(RuntimeWarning):
    """An undefined best-of-n quantity (e.g. gamma when the gold score never varies)."""


@dataclass(frozen=True)
class Curve:
    """Mean normalised gold score at each n, with per-point percentile CIs."""

    value: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray


@dataclass(frozen=True)
class FitEstimate:
    """``R(d) = d (alpha - beta d)`` fitted to one curve; ``peak_d = alpha / (2 beta)`` is
    ``inf`` when ``beta <= 0`` (the curve never turns over)."""

    alpha: Estimate
    beta: Estimate
    peak_d: Estimate


@dataclass(frozen=True)
class BonAnalysis:
    """Curves, fits and gamma of one proxy against the gold signal.

    Attributes:
        n: ``1 .. n_max``.
        kl: ``KL_bon(n) = log n - (n - 1) / n``.
        d: ``sqrt(KL_bon(n))``.
        n_prompts: How many prompts reach each n (the points' weights in the fits).
        k: The largest d reached (upper limit of the gamma integrals).
        proxy: The proxy-selected curve; ``oracle``: the gold-selected curve.
        proxy_fit / oracle_fit: Their quadratic fits.
        gamma: The overoptimization measure with its CI; ``n`` counts prompts.
    """

    n: npt.NDArray[np.int64]
    kl: FloatArray
    d: FloatArray
    n_prompts: npt.NDArray[np.int64]
    k: float
    proxy: Curve
    oracle: Curve
    proxy_fit: FitEstimate
    oracle_fit: FitEstimate
    gamma: Estimate
    gamma_replicates: FloatArray = field(repr=False, compare=False)


def _ci(reps: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Column-wise percentile interval of ``(B, ...)`` replicates; NaN replicates dropped,
    ``+inf`` kept as an unbounded end."""
    alpha = 1.0 - confidence
    flat = reps.reshape(reps.shape[0], -1)
    lo = np.full(flat.shape[1], np.nan)
    hi = np.full(flat.shape[1], np.nan)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        col = col[~np.isnan(col)]
        if col.size:
            capped = np.clip(col, -_BIG, _BIG)
            q = np.quantile(capped, [alpha / 2, 1 - alpha / 2])
            lo[j], hi[j] = (x if abs(x) <= _BIG / 2 else math.copysign(math.inf, x) for x in q)
    return lo.reshape(reps.shape[1:]), hi.reshape(reps.shape[1:])


def _estimate(value: float, reps: FloatArray, confidence: float, n: int) -> Estimate:
    lo, hi = _ci(reps[:, None], confidence)
    return Estimate(float(value), float(lo[0]), float(hi[0]), n)


def _fit(d: FloatArray, curves: FloatArray, weights: FloatArray) -> QuadraticFit:
    return fit_curves(d, curves, weights)


def _fit_estimate(
    point: QuadraticFit, alphas: FloatArray, betas: FloatArray, confidence: float, n: int
) -> FitEstimate:
    rep = QuadraticFit(alphas, betas)
    return FitEstimate(
        alpha=_estimate(float(point.alpha), alphas, confidence, n),
        beta=_estimate(float(point.beta), betas, confidence, n),
        peak_d=_estimate(float(peak_d(point)), peak_d(rep), confidence, n),
    )


def _check(proxies: Sequence[Sequence[FloatArray]], gold: Sequence[FloatArray]) -> None:
    for j, proxy in enumerate(proxies):
        if len(proxy) != len(gold):
            raise ValueError(f"proxy {j}: {len(proxy)} prompts but gold has {len(gold)}")
        for p, (s, g) in enumerate(zip(proxy, gold, strict=True)):
            if len(s) != len(g):
                raise ValueError(f"prompt {p}: {len(s)} proxy scores but {len(g)} gold scores")
    small = [p for p, g in enumerate(gold) if len(g) < 2]
    if small:
        raise ValueError(f"best-of-n needs at least 2 candidates per prompt; prompt {small[0]}")


def _gold_is_flat(gold: Sequence[FloatArray]) -> bool:
    """Whether the gold score is constant within every prompt, up to floating-point rounding
    (relative 1e-12), so no pick can gain anything and gamma is undefined.

    Example:
        >>> _gold_is_flat([np.full(3, 0.1), np.array([2.0, 2.0])])
        True
        >>> _gold_is_flat([np.array([0.0, 1e-6])])
        False
    """
    for g in gold:
        scale = max(1.0, float(np.max(np.abs(g))))
        if float(np.ptp(g)) > 1e-12 * scale:
            return False
    return True


def analyse(
    proxies: Sequence[Sequence[npt.ArrayLike]],
    gold: Sequence[npt.ArrayLike],
    *,
    n_max: int | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    stream: Sequence[str] = ("bon", "all"),
) -> list[BonAnalysis]:
    """Best-of-n curves, fits and gamma for each proxy against ``gold``, on shared resamples.

    Args:
        proxies: Per proxy, per prompt, the proxy's score of each candidate.
        gold: Per prompt, the gold score of each candidate.
        n_max: Largest n (default, and at most: the largest number of candidates of any
            prompt; a larger value is capped there, so k never extrapolates).
        n_resamples: Bootstrap resamples of the prompts.
        confidence: Coverage of the percentile intervals.
        seed: Bootstrap seed; the stream is ``rng_for(seed, *stream)``.
        stream: Names selecting the random stream (one per group keeps groups independent).

    Returns:
        One :class:`BonAnalysis` per proxy.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> gold = [rng.normal(size=8) for _ in range(50)]
        >>> same, = analyse([gold], gold, n_resamples=50)
        >>> same.gamma.value, bool(np.array_equal(same.proxy.value, same.oracle.value))
        (0.0, True)
    """
    gold_arrays = [np.asarray(g, dtype=np.float64) for g in gold]
    proxy_arrays = [[np.asarray(s, dtype=np.float64) for s in proxy] for proxy in proxies]
    _check(proxy_arrays, gold_arrays)
    oracle_c = contribution_matrix(gold_arrays, gold_arrays, n_max)
    proxy_cs = [contribution_matrix(p, gold_arrays, n_max) for p in proxy_arrays]
    top = oracle_c.n_max
    n = np.arange(1, top + 1, dtype=np.int64)
    d = d_bon(n)
    k = float(d[-1])
    counts_n = oracle_c.mask.sum(axis=0)
    n_units = len(gold_arrays)
    if top < 3:
        warnings.warn(
            f"curves stop at n = {top}: a two-parameter fit needs n up to at least 3 "
            "(prompts with 3 or more candidates); fits and gamma are undefined (NaN)",
            BonWarning,
            stacklevel=2,
        )
    elif _gold_is_flat(gold_arrays):
        warnings.warn(
            "the gold score is constant within every prompt: the oracle curve is flat and "
            "gamma is undefined (NaN)",
            BonWarning,
            stacklevel=2,
        )

    flat = top >= 3 and _gold_is_flat(gold_arrays)

    def summarise(c: Contributions, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
        mass = weights @ c.mask
        with np.errstate(invalid="ignore", divide="ignore"):
            return (weights @ c.values) / mass, mass

    ones = np.ones(n_units)
    oracle_point, _ = summarise(oracle_c, ones)
    oracle_fit = _fit(d, oracle_point, counts_n)
    rng = rng_for(seed, *stream)
    rows = max(1, min(n_resamples, _CHUNK_ELEMENTS // max(n_units, 1)))
    o_curves = np.empty((n_resamples, top))
    o_alpha = np.empty(n_resamples)
    o_beta = np.empty(n_resamples)
    p_curves = [np.empty((n_resamples, top)) for _ in proxy_cs]
    p_alpha = [np.empty(n_resamples) for _ in proxy_cs]
    p_beta = [np.empty(n_resamples) for _ in proxy_cs]
    p_gamma = [np.empty(n_resamples) for _ in proxy_cs]
    for start in range(0, n_resamples, rows):
        stop = min(start + rows, n_resamples)
        w = resample_counts(n_units, stop - start, rng)
        oc, mass = summarise(oracle_c, w)
        of = _fit(d, oc, mass)
        o_curves[start:stop], o_alpha[start:stop], o_beta[start:stop] = oc, of.alpha, of.beta
        for j, pc in enumerate(proxy_cs):
            curve, _ = summarise(pc, w)
            pf = _fit(d, curve, mass)
            p_curves[j][start:stop] = curve
            p_alpha[j][start:stop], p_beta[j][start:stop] = pf.alpha, pf.beta
            p_gamma[j][start:stop] = gamma_from_fits(of, pf, k)
    o_lo, o_hi = _ci(o_curves, confidence)
    oracle_curve = Curve(oracle_point, o_lo, o_hi)
    oracle_est = _fit_estimate(oracle_fit, o_alpha, o_beta, confidence, n_units)
    out: list[BonAnalysis] = []
    for j, pc in enumerate(proxy_cs):
        point, _ = summarise(pc, ones)
        pfit = _fit(d, point, counts_n)
        lo, hi = _ci(p_curves[j], confidence)
        g = float(gamma_from_fits(oracle_fit, pfit, k))
        if flat:  # rounding can leave a tiny positive oracle integral: gamma is undefined
            g = float("nan")
            p_gamma[j][:] = np.nan
        dropped = int(np.isnan(p_gamma[j]).sum())
        if dropped and not np.isnan(g):
            warnings.warn(
                f"gamma bootstrap: dropped {dropped} of {n_resamples} resamples where gamma was "
                "undefined (a flat oracle curve, or too few curve points to fit)",
                BonWarning,
                stacklevel=2,
            )
        out.append(
            BonAnalysis(
                n=n,
                kl=kl_bon(n),
                d=d,
                n_prompts=counts_n.astype(np.int64),
                k=k,
                proxy=Curve(point, lo, hi),
                oracle=oracle_curve,
                proxy_fit=_fit_estimate(pfit, p_alpha[j], p_beta[j], confidence, n_units),
                oracle_fit=oracle_est,
                gamma=_estimate(g, p_gamma[j], confidence, n_units),
                gamma_replicates=p_gamma[j],
            )
        )
    return out


def gamma_difference(a: BonAnalysis, b: BonAnalysis, confidence: float = 0.95) -> Estimate:
    """Paired bootstrap estimate of ``gamma(a) - gamma(b)`` for two proxies analysed together
    (same :func:`analyse` call, hence the same resamples).

    Example:
        >>> rng = np.random.default_rng(1)
        >>> gold = [rng.normal(size=6) for _ in range(80)]
        >>> noisy = [g + rng.normal(size=6) for g in gold]
        >>> a, b = analyse([noisy, gold], gold, n_resamples=200)
        >>> diff = gamma_difference(a, b)
        >>> bool(diff.value > 0 and diff.ci_low > 0)
        True
    """
    if a.gamma_replicates.shape != b.gamma_replicates.shape:
        raise ValueError("the two analyses do not share bootstrap resamples")
    reps = a.gamma_replicates - b.gamma_replicates
    return _estimate(a.gamma.value - b.gamma.value, reps, confidence, a.gamma.n)
