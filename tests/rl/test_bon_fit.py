"""Fits of R(d) = d (alpha - beta d), the peak and the gamma integrals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from rewardkit.rl.bon import QuadraticFit, d_bon, fit_curves, gamma_from_fits, peak_d
from rewardkit.rl.bon.results import n_at_d


@pytest.mark.parametrize(("alpha", "beta"), [(1.3, 0.4), (0.25, 0.1), (2.0, 1.5)])
def test_synthetic_curve_recovered_within_one_percent(alpha: float, beta: float) -> None:
    n = np.arange(1, 257)
    d = d_bon(n)
    rng = np.random.default_rng(3)
    scale = alpha * alpha / (4 * beta)  # the curve's maximum
    y = d * (alpha - beta * d) + rng.normal(scale=0.002 * scale, size=d.size)
    fit = fit_curves(d, y)
    assert float(fit.alpha) == pytest.approx(alpha, rel=0.01)
    assert float(fit.beta) == pytest.approx(beta, rel=0.01)
    assert float(peak_d(fit)) == pytest.approx(alpha / (2 * beta), rel=0.01)
    # the n at the peak, back through KL_bon
    d_star = alpha / (2 * beta)
    n_star = n_at_d(d_star)
    assert float(np.sqrt(np.log(n_star) - (n_star - 1) / n_star)) == pytest.approx(d_star)


def test_weighted_batched_fit_equals_lstsq() -> None:
    rng = np.random.default_rng(0)
    d = d_bon(np.arange(1, 9))
    y = rng.normal(size=(5, 8))
    w = rng.integers(1, 50, size=(5, 8)).astype(float)
    fit = fit_curves(d, y, w)
    for b in range(5):
        x = np.stack([d, -(d**2)], axis=1) * np.sqrt(w[b])[:, None]
        ref, *_ = np.linalg.lstsq(x, y[b] * np.sqrt(w[b]), rcond=None)
        assert fit.alpha[b] == pytest.approx(ref[0], rel=1e-9)
        assert fit.beta[b] == pytest.approx(ref[1], rel=1e-9)


def test_fit_undefined_with_one_point() -> None:
    fit = fit_curves(np.array([0.0, 0.5]), np.array([0.0, 1.0]))
    assert np.isnan(fit.alpha)
    assert np.isnan(fit.beta)


def test_gamma_matches_numerical_integration() -> None:
    rng = np.random.default_rng(1)
    k = 1.7
    for _ in range(20):
        fa, fb, ga, gb = rng.uniform(-1, 2, size=4)
        fa = abs(fa) + 0.5
        f = QuadraticFit(np.float64(fa), np.float64(fb))
        g = QuadraticFit(np.float64(ga), np.float64(gb))

        def diff(x: float, fa: float = fa, fb: float = fb, ga: float = ga, gb: float = gb) -> float:
            return abs(x * (fa - fb * x) - x * (ga - gb * x))

        def oracle(x: float, fa: float = fa, fb: float = fb) -> float:
            return x * (fa - fb * x)

        num = integrate.quad(diff, 0, k, limit=200)[0]
        den = integrate.quad(oracle, 0, k)[0]
        expected = num / den if den > 0 else np.nan
        got = float(gamma_from_fits(f, g, k))
        if np.isnan(expected):
            assert np.isnan(got)
        else:
            assert got == pytest.approx(expected, rel=1e-7)


def test_peak_clamped_at_zero_when_selection_never_helps() -> None:
    # alpha < 0 < beta: the fitted curve is negative for every d > 0, so it peaks at d = 0
    assert peak_d(QuadraticFit(np.array([-0.2]), np.array([0.5]))).tolist() == [0.0]


def test_peak_unbounded_when_beta_not_positive() -> None:
    assert peak_d(QuadraticFit(np.array([1.0, 1.0]), np.array([0.0, -0.3]))).tolist() == [
        np.inf,
        np.inf,
    ]
