"""Agreement with tie-aware labels: golden cases by hand, and its place in ``evaluate``."""

from __future__ import annotations

import numpy as np
import pytest
from golden_cases import assert_close, load_cases

from rewardkit.data.records import PreferenceItem
from rewardkit.metrics import MetricConfig, evaluate, tie_agreement_outcomes


@pytest.mark.parametrize("case", load_cases("tie_agreement.json"), ids=lambda c: c["name"])
def test_golden_cases(case: dict[str, object]) -> None:
    expected = case["expected"]
    assert isinstance(expected, dict)
    n = len(case["is_tie"])  # type: ignore[arg-type]
    for margin, want in expected.items():
        got = tie_agreement_outcomes(
            case["scores"],  # type: ignore[arg-type]
            case["item_index"],  # type: ignore[arg-type]
            case["is_chosen"],  # type: ignore[arg-type]
            case["is_tie"],  # type: ignore[arg-type]
            n,
            margin=float(margin),
        )
        assert_close(got, want)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="margin"):
        tie_agreement_outcomes([1.0, 0.0], [0, 0], [True, False], [False], 1, margin=-1.0)
    with pytest.raises(ValueError, match="is_tie"):
        tie_agreement_outcomes([1.0, 0.0], [0, 0], [True, False], [False, True], 1)


def _items() -> tuple[list[PreferenceItem], list[float]]:
    """Six items in two subsets; items t1, t2 are labelled ties."""
    rows = [
        ("w1", "a", False, 2.0, 1.0),  # win
        ("w2", "a", False, 1.0, 1.0),  # predicted tie on a winner: wrong with ties
        ("l1", "b", False, 0.0, 1.0),  # loss
        ("w3", "b", False, 3.0, 1.0),  # win
        ("t1", "a", True, 1.0, 1.0),  # labelled tie, predicted tie: right
        ("t2", "b", True, 1.5, 1.0),  # labelled tie, 0.5 apart: right only with margin 0.5
    ]
    items = [PreferenceItem(i, "p", ("c",), ("r",), subset=s, tie=t) for i, s, t, _, _ in rows]
    return items, [x for *_, c, r in rows for x in (c, r)]


def test_evaluate_reports_both_accuracies_when_ties_are_labelled() -> None:
    items, scores = _items()
    res = evaluate(items, scores, MetricConfig(n_resamples=200))
    assert res.n_ties_excluded == 2
    assert res.metrics.accuracy.value == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    assert res.metrics.accuracy.n == 4
    with_ties = res.metrics.accuracy_with_ties
    assert with_ties is not None
    assert with_ties.value == pytest.approx((1 + 0 + 0 + 1 + 1 + 0) / 6)
    assert with_ties.n == 6
    assert with_ties.ci_low <= with_ties.value <= with_ties.ci_high
    by_a = res.by_subset["a"].metrics.accuracy_with_ties
    by_b = res.by_subset["b"].metrics.accuracy_with_ties
    assert by_a is not None
    assert by_b is not None
    assert (by_a.value, by_b.value) == (pytest.approx(2 / 3), pytest.approx(1 / 3))
    margin = evaluate(items, scores, MetricConfig(n_resamples=200, tie_margin=0.5))
    assert margin.metrics.accuracy_with_ties is not None
    assert margin.metrics.accuracy_with_ties.value == pytest.approx(4 / 6)
    # the ties-excluded accuracy and its interval do not move
    assert margin.metrics.accuracy == res.metrics.accuracy
    assert list(res.metrics.as_dict())[:2] == ["accuracy", "accuracy_with_ties"]


def test_no_with_ties_metric_without_labelled_ties() -> None:
    items, scores = _items()
    untied = [it for it in items if not it.tie]
    res = evaluate(untied, scores[:8], MetricConfig(n_resamples=50))
    assert res.metrics.accuracy_with_ties is None
    assert "accuracy_with_ties" not in res.to_json()["metrics"]  # type: ignore[operator]


def test_calibration_metrics_can_be_declared_not_applicable() -> None:
    items, scores = _items()
    res = evaluate(items, scores, MetricConfig(n_resamples=50), calibration=False)
    assert (res.metrics.ece, res.metrics.brier, res.metrics.log_loss) == (None, None, None)
    on = evaluate(items, scores, MetricConfig(n_resamples=50))
    assert on.metrics.ece is not None
    assert np.isfinite(on.metrics.log_loss.value)  # type: ignore[union-attr]
