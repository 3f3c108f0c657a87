"""Calibrators: recovery of known parameters, antisymmetry, scikit-learn references, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from rewardkit.calibration import (
    Calibrator,
    IsotonicCalibrator,
    NotFittedError,
    PlattScaling,
    TemperatureScaling,
    calibration_report,
    from_json,
    isotonic_fit,
    load_calibrator,
    logistic_fit,
    pava,
    save_calibrator,
    symmetrise,
)

CALIBRATORS = [TemperatureScaling, IsotonicCalibrator, PlattScaling]
CalibratorClass = type[TemperatureScaling | IsotonicCalibrator | PlattScaling]


# LogisticRegression(C=np.inf) is the unpenalised fit (penalty=None is deprecated in 1.8)


def synthetic_pairs(
    n: int, t_true: float, seed: int, scale: float = 3.0
) -> tuple[np.ndarray, np.ndarray]:
    """Differences d ~ N(0, scale^2) and labels ~ Bernoulli(sigmoid(d / t_true))."""
    rng = np.random.default_rng(seed)
    d = scale * rng.normal(size=n)
    y = (rng.random(n) < expit(d / t_true)).astype(np.float64)
    return d, y


@pytest.mark.parametrize("t_true", [0.5, 2.0, 5.0])
def test_temperature_recovers_known_t(t_true: float) -> None:
    d, y = synthetic_pairs(100_000, t_true, seed=1, scale=2.0 * t_true)
    cal = TemperatureScaling().fit(d, y)
    assert cal.temperature_ == pytest.approx(t_true, rel=0.05)


def test_temperature_minimises_log_loss() -> None:
    d, y = synthetic_pairs(2000, 2.0, seed=2)
    cal = TemperatureScaling().fit(d, y)

    def loss(t: float) -> float:
        p = expit(d / t)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))

    t = cal.temperature_
    assert loss(t) <= min(loss(t * 0.999), loss(t * 1.001))


def test_temperature_default_labels_mean_chosen_minus_rejected() -> None:
    d, y = synthetic_pairs(5000, 2.0, seed=3)
    oriented = np.where(y == 1, d, -d)
    a = TemperatureScaling().fit(d, y).temperature_
    b = TemperatureScaling().fit(oriented).temperature_
    assert a == pytest.approx(b, rel=1e-8)


@pytest.mark.parametrize("cls", [TemperatureScaling, IsotonicCalibrator])
def test_antisymmetry_exact(cls: type[Calibrator]) -> None:
    d, y = synthetic_pairs(3000, 2.0, seed=4)
    cal = cls().fit(d, y)
    grid = np.concatenate((np.linspace(-30, 30, 2001), d, [0.0, 1e-9, -1e-9]))
    np.testing.assert_allclose(cal.predict_proba(grid) + cal.predict_proba(-grid), 1.0, atol=1e-12)


def test_isotonic_antisymmetric_even_with_asymmetric_labels() -> None:
    # labels that are not a function of |d| alone still give an antisymmetric map
    rng = np.random.default_rng(5)
    d = rng.normal(size=500) + 0.7
    y = (rng.random(500) < 0.8).astype(np.float64)
    cal = IsotonicCalibrator().fit(d, y)
    np.testing.assert_allclose(cal.y_ + cal.y_[::-1], 1.0, atol=1e-12)
    np.testing.assert_array_equal(cal.x_, -cal.x_[::-1])
    assert (np.diff(cal.y_) >= 0).all()


def test_platt_near_antisymmetric() -> None:
    d, y = synthetic_pairs(3000, 2.0, seed=6)
    cal = PlattScaling().fit(d, y)
    assert abs(cal.b_) < 1e-10
    grid = np.linspace(-20, 20, 101)
    np.testing.assert_allclose(cal.predict_proba(grid) + cal.predict_proba(-grid), 1.0, atol=1e-9)


def test_pava_matches_sklearn_unweighted_with_ties() -> None:
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(size=400), 1)  # many ties
    y = (rng.random(400) < expit(2 * x)).astype(np.float64)
    xs, ys = isotonic_fit(x, y)
    ref = IsotonicRegression(out_of_bounds="clip").fit(x, y)
    grid = np.linspace(-5, 5, 3001)
    np.testing.assert_allclose(np.interp(grid, xs, ys), ref.predict(grid), atol=1e-9)
    np.testing.assert_allclose(np.interp(x, xs, ys), ref.predict(x), atol=1e-9)


def test_pava_matches_sklearn_weighted_continuous() -> None:
    rng = np.random.default_rng(8)
    x = rng.normal(size=300)
    y = rng.normal(size=300) + x
    w = rng.random(300) * 3
    w[:10] = 0.0
    xs, ys = isotonic_fit(x, y, w)
    ref = IsotonicRegression(out_of_bounds="clip").fit(x, y, sample_weight=w)
    grid = np.concatenate((np.linspace(-6, 6, 2001), x))
    np.testing.assert_allclose(np.interp(grid, xs, ys), ref.predict(grid), atol=1e-9)


def test_pava_core() -> None:
    np.testing.assert_allclose(pava([3.0, 1.0, 2.0]), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(pava([1.0, 3.0, 2.0], [1.0, 1.0, 3.0]), [1.0, 2.25, 2.25])
    assert pava([]).size == 0
    with pytest.raises(ValueError, match="positive"):
        pava([1.0], [0.0])


def test_isotonic_calibrator_is_pava_on_symmetrised_data() -> None:
    d, y = synthetic_pairs(1000, 1.5, seed=9)
    cal = IsotonicCalibrator().fit(d, y)
    ref = IsotonicRegression(out_of_bounds="clip").fit(*symmetrise(d, y))
    grid = np.linspace(-12, 12, 1001)
    # the symmetrised fit is antisymmetric in exact arithmetic, so the two agree
    np.testing.assert_allclose(cal.predict_proba(grid), ref.predict(grid), atol=1e-9)


def test_isotonic_eps_clipping() -> None:
    cal = IsotonicCalibrator(eps=1e-3).fit([1.0, 2.0, 3.0])
    p = cal.predict_proba([-10.0, 10.0])
    np.testing.assert_allclose(p, [1e-3, 1 - 1e-3])


def test_logistic_fit_matches_sklearn_with_intercept() -> None:
    rng = np.random.default_rng(10)
    x = rng.normal(size=2000) * 2
    y = (rng.random(2000) < expit(0.8 * x + 0.4)).astype(np.float64)
    a, b = logistic_fit(x, y)
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(x[:, None], y)
    assert a == pytest.approx(ref.coef_[0, 0], abs=1e-4)
    assert b == pytest.approx(ref.intercept_[0], abs=1e-4)


def test_platt_matches_sklearn_on_symmetrised_pairs() -> None:
    d, y = synthetic_pairs(3000, 2.5, seed=11)
    cal = PlattScaling().fit(d, y)
    x2, y2 = symmetrise(d, y)
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(x2[:, None], y2)
    assert cal.a_ == pytest.approx(ref.coef_[0, 0], abs=1e-4)
    assert cal.b_ == pytest.approx(ref.intercept_[0], abs=1e-4)


def test_platt_separable_warns_and_l2_fixes_it() -> None:
    d = np.array([1.0, 2.0, 3.0])  # every pair correctly ordered: separable
    with pytest.warns(RuntimeWarning, match="did not converge"):
        PlattScaling(max_iter=20).fit(d)
    cal = PlattScaling(l2=1e-2).fit(d)
    assert np.isfinite(cal.a_)
    assert cal.a_ > 0


@pytest.mark.parametrize("cls", CALIBRATORS)
def test_calibration_lowers_ece_and_log_loss(cls: type[Calibrator]) -> None:
    # the RM is overconfident: its scores are 5x the calibrated ones
    d, y = synthetic_pairs(20_000, 1.0, seed=12, scale=1.5)
    d = 5 * d
    cal = cls().fit(d[:10_000], y[:10_000])
    rep = calibration_report(cal, d[10_000:], y[10_000:])
    assert rep["n_pairs"] == 10_000
    assert rep["ece_after"] < 0.5 * rep["ece_before"]
    assert rep["log_loss_after"] < rep["log_loss_before"]
    assert rep["brier_after"] < rep["brier_before"]


def test_report_before_matches_metrics_definition() -> None:
    d, y = synthetic_pairs(500, 1.0, seed=13)
    cal = TemperatureScaling().fit(d, y)
    rep = calibration_report(cal, d, y)
    oriented = np.where(y == 1, d, -d)
    assert rep["log_loss_before"] == pytest.approx(np.mean(np.log1p(np.exp(-oriented))))
    t = cal.temperature_
    assert rep["log_loss_after"] == pytest.approx(np.mean(np.log1p(np.exp(-oriented / t))))
    with pytest.raises(ValueError, match="0 or 1"):
        calibration_report(cal, d, np.full(d.size, 0.5))


@pytest.mark.parametrize("cls", CALIBRATORS)
def test_json_round_trip(cls: CalibratorClass, tmp_path: Path) -> None:
    d, y = synthetic_pairs(800, 2.0, seed=14)
    cal = cls().fit(d, y)
    text = cal.to_json()
    assert json.loads(text)["kind"] in {"temperature", "isotonic", "platt"}
    grid = np.linspace(-10, 10, 201)
    for loaded in (from_json(text), cls.from_json(text)):
        assert type(loaded) is cls
        np.testing.assert_array_equal(loaded.predict_proba(grid), cal.predict_proba(grid))
    path = save_calibrator(cal, tmp_path / "calibrator.json")
    np.testing.assert_array_equal(
        load_calibrator(path).predict_proba(grid), cal.predict_proba(grid)
    )


def test_from_json_rejects_wrong_kind() -> None:
    text = TemperatureScaling().fit([1.0, -0.5]).to_json()
    with pytest.raises(ValueError, match="expected a 'platt'"):
        PlattScaling.from_json(text)
    with pytest.raises(ValueError, match="unknown calibrator kind"):
        from_json(text.replace('"temperature"', '"beta"'))
    with pytest.raises(ValueError, match="'kind'"):
        from_json("[1, 2]")


@pytest.mark.parametrize("cls", CALIBRATORS)
def test_fit_returns_self_and_unfitted_raises(cls: type[Calibrator]) -> None:
    cal = cls()
    assert isinstance(cal, Calibrator)
    with pytest.raises(NotFittedError, match="not fitted"):
        cal.predict_proba([0.0])
    with pytest.raises(NotFittedError):
        cal.to_json()
    assert cal.fit([1.0, -0.5, 2.0]) is cal
    assert not [k for k in vars(cls()) if k.endswith("_")]  # __init__ learns nothing


@pytest.mark.parametrize("cls", CALIBRATORS)
def test_input_validation(cls: type[Calibrator]) -> None:
    with pytest.raises(ValueError, match="zero pairs"):
        cls().fit([])
    with pytest.raises(ValueError, match="length"):
        cls().fit([1.0, 2.0], [1])
    with pytest.raises(ValueError, match="finite"):
        cls().fit([1.0, np.nan])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        cls().fit([1.0], [2])
