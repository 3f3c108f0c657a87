"""Published worked examples (tests/golden/agreement_*.json): alpha, Fleiss' and Cohen's kappa."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rewardkit.annotations.agreement import (
    alpha,
    cohen_kappa,
    cohen_kappa_table,
    coincidence_matrix,
    counts_from_matrix,
    fleiss_kappa,
)

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
LEVELS = ("nominal", "ordinal", "interval", "ratio")
WEIGHTS: dict[str, Any] = {"none": None, "linear": "linear", "quadratic": "quadratic"}


def _load(name: str) -> dict[str, Any]:
    return dict(json.loads((GOLDEN / f"agreement_{name}.json").read_text(encoding="utf-8")))


def _c4() -> tuple[dict[str, Any], np.ndarray]:
    case = _load("krippendorff")
    coders = np.array(case["ratings_by_coder"], dtype=np.float64)  # null -> nan
    return case, coders.T  # units x coders


@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_c4(level: str) -> None:
    case, data = _c4()
    got = alpha(data, level, values=case["values"])  # type: ignore[arg-type]
    assert round(got, case["published_decimals"]) == case["published"][level]
    assert got == pytest.approx(case["reference_krippendorff_package"][level], abs=1e-9)
    # Without the declared values (observed domain): same number.
    assert alpha(data, level) == pytest.approx(got, abs=1e-12)  # type: ignore[arg-type]


def test_krippendorff_c4_coincidences() -> None:
    """The coincidence matrix printed in Krippendorff (2011), C.4 (values 1..5)."""
    _, data = _c4()
    published = [
        [7, 4 / 3, 1 / 3, 1 / 3, 0],
        [4 / 3, 10, 4 / 3, 1 / 3, 0],
        [1 / 3, 4 / 3, 8, 1 / 3, 0],
        [1 / 3, 1 / 3, 1 / 3, 4, 0],
        [0, 0, 0, 0, 3],
    ]
    o = coincidence_matrix(data, values=[1, 2, 3, 4, 5])
    np.testing.assert_allclose(o, published, atol=1e-12)
    assert o.sum() == pytest.approx(40.0)  # n.. = 40 pairable values


@pytest.mark.parametrize("name", ["fleiss_1971_diagnoses", "wikipedia_example"])
def test_fleiss_published(name: str) -> None:
    case = next(c for c in _load("fleiss")["cases"] if c["name"] == name)
    got = fleiss_kappa(case["counts"])
    assert round(got, case["published_decimals"]) == case["published"]
    assert got == pytest.approx(case["reference_statsmodels"], abs=1e-12)


def test_fleiss_1971_from_rating_matrix() -> None:
    """The same table as a 30 x 6 rating matrix (raters in arbitrary order) gives 0.430."""
    counts = np.array(next(c for c in _load("fleiss")["cases"])["counts"])
    data = np.array([np.repeat(np.arange(1.0, 6.0), row) for row in counts])
    np.testing.assert_array_equal(counts_from_matrix(data, [1, 2, 3, 4, 5]), counts)
    assert round(fleiss_kappa(counts_from_matrix(data, [1, 2, 3, 4, 5])), 3) == 0.430


@pytest.mark.parametrize("case", _load("cohen")["cases"], ids=lambda c: c["name"])
def test_cohen_published(case: dict[str, Any]) -> None:
    table = np.array(case["table"])
    labels = list(range(len(table)))
    a = np.repeat(np.repeat(labels, table.sum(axis=1)), 1).astype(float)
    b = np.concatenate([np.repeat(labels, row) for row in table]).astype(float)
    for name, published in case["published"].items():
        got = cohen_kappa_table(table, WEIGHTS[name])
        assert round(got, case["published_decimals"]) == pytest.approx(published, abs=1e-12)
        assert cohen_kappa(a, b, labels, WEIGHTS[name]) == pytest.approx(got, abs=1e-12)
    for name, ref in case["reference_sklearn"].items():
        assert cohen_kappa_table(table, WEIGHTS[name]) == pytest.approx(ref, abs=1e-12)
