"""Agreement coefficients against reference implementations and their known pitfalls."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from rewardkit.annotations.agreement import (
    alpha,
    cohen_kappa,
    counts_from_matrix,
    fleiss_kappa,
    pair_tables,
    pairwise_cohen,
)

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _ratings(seed: int, n_units: int, n_raters: int, n_values: int, missing: float) -> np.ndarray:
    """Correlated random ratings on 1..n_values with a share of NaN."""
    rng = np.random.default_rng(seed)
    true = rng.integers(1, n_values + 1, size=(n_units, 1))
    noisy = true + np.rint(rng.normal(0.0, 1.0, size=(n_units, n_raters)))
    data = np.clip(noisy, 1, n_values).astype(np.float64)
    data[rng.random(data.shape) < missing] = np.nan
    return data


@pytest.mark.parametrize(
    ("seed", "n_units", "n_raters", "n_values", "missing"),
    [(0, 50, 3, 5, 0.2), (1, 300, 5, 5, 0.4), (2, 17, 2, 3, 0.1), (3, 200, 8, 7, 0.6)],
)
@pytest.mark.parametrize("level", LEVELS)
def test_alpha_matches_krippendorff_package(
    seed: int, n_units: int, n_raters: int, n_values: int, missing: float, level: str
) -> None:
    data = _ratings(seed, n_units, n_raters, n_values, missing)
    ref = krippendorff.alpha(reliability_data=data.T, level_of_measurement=level)
    assert alpha(data, level) == pytest.approx(ref, abs=1e-9)  # type: ignore[arg-type]
    declared = np.arange(1.0, n_values + 1)
    ref_declared = krippendorff.alpha(
        reliability_data=data.T, level_of_measurement=level, value_domain=declared
    )
    assert alpha(data, level, declared) == pytest.approx(ref_declared, abs=1e-9)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_uneven_values(level: str) -> None:
    """Non-integer, unevenly spaced scale points (the general search path)."""
    rng = np.random.default_rng(5)
    points = np.array([0.0, 0.5, 2.0, 3.5, 10.0])
    data = points[rng.integers(0, 5, size=(80, 4))]
    data[rng.random(data.shape) < 0.3] = np.nan
    ref = krippendorff.alpha(reliability_data=data.T, level_of_measurement=level)
    assert alpha(data, level, points) == pytest.approx(ref, abs=1e-9)  # type: ignore[arg-type]


def test_alpha_drops_units_with_one_rating() -> None:
    data = _ratings(7, 60, 4, 5, 0.3)
    lonely = np.array([[3.0, np.nan, np.nan, np.nan], [np.nan] * 4])
    assert alpha(np.vstack([data, lonely]), "interval") == pytest.approx(alpha(data, "interval"))


def test_alpha_undefined_is_nan() -> None:
    assert np.isnan(alpha([[1, 1], [1, 1]], "nominal", [1, 2]))  # no variation
    assert np.isnan(alpha([[1, np.nan], [np.nan, 2]], "interval", [1, 2]))  # nothing pairable


def test_values_outside_declared_set_are_listed() -> None:
    data = [[1, 2, 7], [0, 2, np.nan]]
    with pytest.raises(ValueError, match=r"outside the declared values \[1, 2, 3\]: 0, 7"):
        alpha(data, "ordinal", [1, 2, 3])
    with pytest.raises(ValueError, match=r"2\.5"):
        counts_from_matrix([[1.0, 2.5]], [1, 2, 3])
    with pytest.raises(ValueError, match="outside"):
        cohen_kappa([1, 9], [1, 2], [1, 2])
    with pytest.raises(ValueError, match="unknown level"):
        alpha([[1, 2]], "cardinal")  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fleiss_matches_statsmodels_with_constant_raters(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_raters, n_cats = int(rng.integers(2, 9)), int(rng.integers(2, 6))
    ratings = rng.integers(0, n_cats, size=(int(rng.integers(10, 200)), n_raters))
    table, _ = aggregate_raters(ratings, n_cat=n_cats)
    assert fleiss_kappa(table) == pytest.approx(sm_fleiss_kappa(table), abs=1e-12)


def test_fleiss_varying_raters_formula() -> None:
    """P_i per unit over its own n_i, P_bar over units with n_i >= 2, p_j over their ratings."""
    counts = np.array([[2, 1, 0], [0, 4, 0], [1, 0, 1], [1, 0, 0], [0, 2, 3]])
    keep = counts[counts.sum(axis=1) >= 2]
    n_i = keep.sum(axis=1)
    p_i = (keep * (keep - 1)).sum(axis=1) / (n_i * (n_i - 1))
    p_j = keep.sum(axis=0) / keep.sum()
    p_e = (p_j**2).sum()
    assert fleiss_kappa(counts) == pytest.approx((p_i.mean() - p_e) / (1 - p_e), abs=1e-12)


def test_counts_from_matrix_never_counts_nan() -> None:
    data = np.array([[1.0, 2.0, np.nan], [3.0, np.nan, np.nan], [2.0, 2.0, 2.0]])
    counts = counts_from_matrix(data, [1, 2, 3])
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 0, 1], [0, 3, 0]])
    pitfall, cats = aggregate_raters(data)  # statsmodels makes NaN a category of its own
    assert np.isnan(cats).any()
    assert pitfall.shape[1] == 4


def test_cohen_declared_labels_vs_sklearn() -> None:
    """An unused middle label moves weighted kappa (label positions); sklearn drops it."""
    a = np.array([1, 1, 2, 4, 4, 2, 1, 4, 2, 2, 1, 4], dtype=float)
    b = np.array([1, 2, 2, 4, 2, 2, 1, 4, 1, 1, 4, 2], dtype=float)
    labels = [1, 2, 3, 4]  # 3 is declared but nobody used it
    for weights in ("linear", "quadratic"):
        ours = cohen_kappa(a, b, labels, weights)
        assert abs(ours - cohen_kappa_score(a, b, weights=weights)) > 0.02
        assert ours == pytest.approx(
            cohen_kappa_score(a, b, weights=weights, labels=labels), abs=1e-12
        )
    # Unweighted kappa ignores unused labels.
    assert cohen_kappa(a, b, labels) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_equals_sklearn_when_all_labels_occur(weights: str | None) -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(1, 6, 200).astype(float)
    b = np.clip(a + rng.integers(-1, 2, 200), 1, 5)
    assert cohen_kappa(a, b, [1, 2, 3, 4, 5], weights) == pytest.approx(  # type: ignore[arg-type]
        cohen_kappa_score(a, b, weights=weights), abs=1e-12
    )


def test_cohen_drops_missing_pairs() -> None:
    a = np.array([1, 2, np.nan, 3, 1, 2])
    b = np.array([1, 2, 3, np.nan, 2, 2])
    both = ~np.isnan(a) & ~np.isnan(b)
    assert cohen_kappa(a, b, [1, 2, 3]) == pytest.approx(
        cohen_kappa_score(a[both], b[both], labels=[1, 2, 3]), abs=1e-12
    )


def test_pairwise_cohen_matches_sklearn_per_pair() -> None:
    data = _ratings(11, 150, 5, 5, 0.4)
    data[:, 4] = np.nan
    data[0, 4] = 3.0  # rater 4 shares at most one unit with each other rater
    names = ["a", "b", "c", "d", "e"]
    result = pairwise_cohen(data, [1, 2, 3, 4, 5], "quadratic", names)
    assert [(p.rater_a, p.rater_b) for p in result][:2] == [("a", "b"), ("a", "c")]
    assert len(result) == 10
    for p in result:
        i, j = names.index(p.rater_a), names.index(p.rater_b)
        both = ~np.isnan(data[:, i]) & ~np.isnan(data[:, j])
        assert p.n == int(both.sum())
        if p.n < 2:
            continue
        ref = cohen_kappa_score(
            data[both, i], data[both, j], labels=[1, 2, 3, 4, 5], weights="quadratic"
        )
        assert p.kappa == pytest.approx(ref, abs=1e-12, nan_ok=True)


def test_pair_tables_only_lists_overlapping_pairs() -> None:
    data = np.array([[1, 2, np.nan], [np.nan, 1, np.nan], [np.nan, np.nan, 2]])
    pairs, tables = pair_tables(data, [1, 2])
    assert pairs.tolist() == [[0, 1]]
    assert tables.tolist() == [[[0.0, 1.0], [0.0, 0.0]]]


def test_fleiss_rejects_bad_counts() -> None:
    with pytest.raises(ValueError, match="non-negative integers"):
        fleiss_kappa([[1.0, np.nan], [2.0, 0.0]])
    with pytest.raises(ValueError, match="non-negative integers"):
        fleiss_kappa([[1.5, 1.0]])
    with pytest.raises(ValueError, match="2-D"):
        fleiss_kappa([1, 2])
    assert np.isnan(fleiss_kappa([[3, 0], [2, 0]]))  # one category only: undefined
    assert np.isnan(fleiss_kappa([[1, 0], [0, 1]]))  # no unit with two ratings
