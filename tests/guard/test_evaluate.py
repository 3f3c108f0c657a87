"""Detection metrics, threshold sweeps and paired comparisons against scikit-learn,
statsmodels and hand computations."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from rewardkit.guard import compare_detectors, detection_metrics, threshold_sweep


def test_detection_metrics_match_sklearn_and_their_intervals_cover() -> None:
    rng = np.random.default_rng(3)
    truth = rng.random(400) < 0.3
    pred = np.where(rng.random(400) < 0.8, truth, ~truth)
    m = detection_metrics(pred, truth, n_resamples=400, seed=1)
    tn, fp, fn, tp = confusion_matrix(truth, pred).ravel()
    assert (m.tp, m.fp, m.tn, m.fn) == (tp, fp, tn, fn)
    assert m.precision.value == pytest.approx(precision_score(truth, pred))
    assert m.recall.value == pytest.approx(recall_score(truth, pred))
    assert m.false_block_rate.value == pytest.approx(fp / (fp + tn))
    assert m.miss_rate.value == pytest.approx(1 - recall_score(truth, pred))
    assert m.accuracy.value == pytest.approx((tp + tn) / 400)
    assert m.precision.n == tp + fp
    assert m.false_block_rate.n == fp + tn
    for est in (m.precision, m.recall, m.false_block_rate, m.miss_rate, m.accuracy):
        assert est.ci_low < est.value < est.ci_high
    again = detection_metrics(pred, truth, n_resamples=400, seed=1)
    assert again.to_json() == m.to_json()


def test_detection_metrics_without_positives_are_undefined_not_zero() -> None:
    m = detection_metrics([0, 0, 0], [0, 0, 0], n_resamples=50)
    assert np.isnan(m.precision.value)
    assert np.isnan(m.recall.value)
    assert m.false_block_rate.value == 0.0
    assert m.to_json()["recall"] == {"value": None, "ci": [None, None], "n": 0}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_threshold_sweep_matches_sklearn_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    truth = rng.random(300) < 0.4
    scores = np.round(rng.normal(size=300) + truth, 1)  # rounding makes ties
    sweep = threshold_sweep(scores, truth)
    fpr, tpr, thr = roc_curve(truth, scores, drop_intermediate=False)
    np.testing.assert_allclose(sweep.fpr, fpr)
    np.testing.assert_allclose(sweep.tpr, tpr)
    np.testing.assert_allclose(sweep.roc_thresholds[1:], thr[1:])
    assert np.isinf(sweep.roc_thresholds[0])
    assert np.isinf(thr[0])
    assert sweep.roc_auc == pytest.approx(roc_auc_score(truth, scores))
    precision, recall, pthr = precision_recall_curve(truth, scores, drop_intermediate=False)
    np.testing.assert_allclose(sweep.precision, precision[:-1])
    np.testing.assert_allclose(sweep.recall, recall[:-1])
    np.testing.assert_allclose(sweep.pr_thresholds, pthr)
    assert sweep.average_precision == pytest.approx(average_precision_score(truth, scores))


def test_sweep_json_has_no_infinities() -> None:
    doc = threshold_sweep([0.2, 0.9, 0.5], [0, 1, 1]).to_json()
    assert doc["roc"]["threshold"][0] is None
    assert doc["roc"]["auc"] == 1.0


def test_compare_detectors_hand_counts_and_statsmodels_mcnemar() -> None:
    rng = np.random.default_rng(5)
    truth = rng.random(200) < 0.5
    a = np.where(rng.random(200) < 0.9, truth, ~truth)
    b = np.where(rng.random(200) < 0.75, truth, ~truth)
    comp = compare_detectors(a, b, truth, names=("a", "b"), n_resamples=500)
    ca, cb = a == truth, b == truth
    table = [[np.sum(ca & cb), np.sum(ca & ~cb)], [np.sum(~ca & cb), np.sum(~ca & ~cb)]]
    ref = sm_mcnemar(table, exact=False, correction=True)
    assert comp.accuracy.mcnemar.p_value == pytest.approx(ref.pvalue)
    assert comp.accuracy.difference.value == pytest.approx(ca.mean() - cb.mean())
    assert comp.recall.difference.value == pytest.approx(a[truth].mean() - b[truth].mean())
    fb = a[~truth].mean() - b[~truth].mean()
    assert comp.false_block_rate.difference.value == pytest.approx(fb)
    assert comp.verdict == "a better"
