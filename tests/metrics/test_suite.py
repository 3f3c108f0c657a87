from __future__ import annotations

import dataclasses
import math

import metrics_reference as ref
import numpy as np
import pytest
from golden_cases import assert_close
from scipy import stats

from rewardkit.data.records import PreferenceItem
from rewardkit.metrics import (
    BootstrapWarning,
    Estimate,
    EvaluationResult,
    MetricConfig,
    MetricSet,
    evaluate,
    percentile_ci,
    resample_counts,
    rng_for,
)

CFG = MetricConfig(n_resamples=200, seed=3)


def _item(
    id_: str,
    n_c: int,
    n_r: int,
    *,
    subset: str | None = None,
    domain: str | None = None,
    tie: bool = False,
    chosen_scores: tuple[float, ...] | None = None,
    rejected_scores: tuple[float, ...] | None = None,
) -> PreferenceItem:
    return PreferenceItem(
        id_,
        "prompt",
        tuple(f"c{i}" for i in range(n_c)),
        tuple(f"r{i}" for i in range(n_r)),
        subset=subset,
        domain=domain,
        tie=tie,
        chosen_scores=chosen_scores,
        rejected_scores=rejected_scores,
    )


# Hand-worked example (scores listed chosen first, then rejected):
#   a: [1.0 | 0.0]             pairwise 1,    best-of-N 1,     diffs [1]
#   b: [0.5 | 0.5, 0.2, 0.5]   pairwise 2/3,  best-of-N 1/3 (tied with 2 rejected at the max)
#   c: tie=True                excluded from accuracy and calibration
#   d: [2.0, -1.0 | 0.0]       pairwise 1/2,  best-of-N 1/2,   diffs [2, -1]
ITEMS = [
    _item("a", 1, 1, subset="chat", domain="general"),
    _item("b", 1, 3, subset="math"),
    _item("c", 1, 1, subset="chat", tie=True),
    _item("d", 2, 1, subset="chat", domain="general"),
]
SCORES = np.array([1.0, 0.0, 0.5, 0.5, 0.2, 0.5, 0.0, 1.0, 2.0, -1.0, 0.0])
DIFFS = [1.0, 0.0, 0.3, 0.0, 2.0, -1.0]


def test_hand_worked_example() -> None:
    res = evaluate(ITEMS, SCORES, CFG)
    assert (res.n_items, res.n_pairs, res.n_ties_excluded) == (4, 6, 1)
    m = res.metrics
    assert_close(m.accuracy.value, (1 + 2 / 3 + 1 / 2) / 3)
    assert m.best_of_n_accuracy is not None
    assert_close(m.best_of_n_accuracy.value, (1 + 1 / 3 + 1 / 2) / 3)
    probs, labels = ref.both_orientations(DIFFS)
    assert m.ece is not None
    assert m.brier is not None
    assert m.log_loss is not None
    assert_close(m.ece.value, ref.ece(probs, labels, 15))
    assert_close(m.brier.value, ref.brier(probs, labels))
    assert_close(m.log_loss.value, ref.log_loss(DIFFS))
    assert m.spearman is None
    assert m.kendall_tau_b is None
    assert m.accuracy.n == 3
    assert list(res.by_subset) == ["chat", "math"]
    chat, math_ = res.by_subset["chat"], res.by_subset["math"]
    assert (chat.n, chat.metrics.accuracy.n) == (3, 2)
    assert_close(chat.metrics.accuracy.value, 0.75)
    assert chat.metrics.best_of_n_accuracy is None  # no chat item has several rejected
    assert chat.metrics.ece is None
    assert math_.metrics.best_of_n_accuracy is not None
    assert_close(math_.metrics.best_of_n_accuracy.value, 1 / 3)
    assert list(res.by_domain) == ["general"]  # items without a domain join no group
    assert res.by_domain["general"].n == 2
    for est in m.as_dict().values():
        assert est.ci_low <= est.ci_high
    assert m.accuracy.ci_low <= m.accuracy.value <= m.accuracy.ci_high


def test_intervals_equal_a_brute_force_bootstrap_on_the_same_draws() -> None:
    cfg = MetricConfig(n_resamples=150, seed=11)
    m = evaluate(ITEMS, SCORES, cfg).metrics
    # accuracy: multinomial path over the distinct per-item outcomes
    outcomes = np.array([1.0, 2 / 3, 0.5])
    uniq, counts = np.unique(outcomes, return_counts=True)
    draws = rng_for(11, "accuracy", "all").multinomial(3, counts / 3, size=150)
    assert_close([m.accuracy.ci_low, m.accuracy.ci_high], list(percentile_ci(draws @ uniq / 3)))
    # ECE: expand every resample of the kept items (a, b, d) and run the plain-loop reference
    pair_unit = np.array([0, 1, 1, 1, 2, 2])
    rows = resample_counts(3, 150, rng_for(11, "ece", "all"))
    eces = []
    for row in rows:
        d = np.repeat(DIFFS, row.astype(int)[pair_unit])
        eces.append(ref.ece(*ref.both_orientations(d.tolist()), 15))
    assert m.ece is not None
    assert_close([m.ece.ci_low, m.ece.ci_high], list(percentile_ci(eces)))


def _human_items(n: int, seed: int) -> tuple[list[PreferenceItem], np.ndarray]:
    rng = np.random.default_rng(seed)
    items: list[PreferenceItem] = []
    scores: list[float] = []
    for i in range(n):
        n_r = 1 + i % 3
        human = rng.integers(1, 6, 1 + n_r).astype(float)
        items.append(
            _item(
                f"i{i}",
                1,
                n_r,
                subset=["zeta", "alpha"][i % 2],
                chosen_scores=tuple(human[:1]),
                rejected_scores=tuple(human[1:]),
            )
        )
        scores.extend((human + rng.normal(0, 1.5, 1 + n_r).round(1)).tolist())
    return items, np.asarray(scores)


def test_correlations_pooled_over_responses_with_item_bootstrap() -> None:
    items, scores = _human_items(60, 0)
    cfg = MetricConfig(n_resamples=120, seed=5)
    m = evaluate(items, scores, cfg).metrics
    human = np.array([h for it in items for h in it.human_scores or ()])
    assert m.spearman is not None
    assert m.kendall_tau_b is not None
    assert_close(m.spearman.value, stats.spearmanr(scores, human).statistic)
    assert_close(m.kendall_tau_b.value, stats.kendalltau(scores, human).statistic)
    assert m.spearman.n == 60
    # Brute force: expand each resample of items and ask scipy.
    item_of = np.repeat(np.arange(60), [len(it.responses) for it in items])
    for name, fn in (("spearman", stats.spearmanr), ("kendall_tau_b", stats.kendalltau)):
        rows = resample_counts(60, 120, rng_for(5, name, "all"))
        reps = [row.astype(int)[item_of] for row in rows]
        boot = [fn(np.repeat(scores, r), np.repeat(human, r)).statistic for r in reps]
        est = getattr(m, name)
        assert_close([est.ci_low, est.ci_high], list(percentile_ci(boot)))


def test_adding_a_metric_never_changes_another_ones_interval() -> None:
    items, scores = _human_items(40, 1)
    plain = [dataclasses.replace(it, chosen_scores=None, rejected_scores=None) for it in items]
    with_h = evaluate(items, scores, CFG)
    without = evaluate(plain, scores, CFG)
    assert with_h.metrics.spearman is not None
    assert without.metrics.spearman is None
    for name in ("accuracy", "best_of_n_accuracy", "ece", "brier", "log_loss"):
        assert getattr(with_h.metrics, name) == getattr(without.metrics, name)
    assert with_h.by_subset == without.by_subset


def test_deterministic_for_a_seed_and_groups_sorted() -> None:
    items, scores = _human_items(30, 2)
    a, b = evaluate(items, scores, CFG), evaluate(items, scores, CFG)
    assert a == b
    assert a.to_json() == b.to_json()
    c = evaluate(items, scores, dataclasses.replace(CFG, seed=4))
    assert c.metrics.accuracy.value == a.metrics.accuracy.value
    assert c.metrics.accuracy.ci_low != a.metrics.accuracy.ci_low
    assert list(a.by_subset) == ["alpha", "zeta"]
    assert a.by_domain == {}
    # The same group name in subset and domain breakdowns draws from its own stream.
    assert (
        rng_for(3, "accuracy", "subset:x").random() != rng_for(3, "accuracy", "domain:x").random()
    )


def test_metric_set_as_dict_order_and_json() -> None:
    e = Estimate(0.5, 0.4, 0.6, 10)
    ms = MetricSet(accuracy=e, ece=e, kendall_tau_b=e)
    assert list(ms.as_dict()) == ["accuracy", "ece", "kendall_tau_b"]
    assert ms.to_json()["ece"] == {"value": 0.5, "ci": [0.4, 0.6], "n": 10}
    res = evaluate(ITEMS, SCORES, CFG)
    js = res.to_json()
    assert isinstance(res, EvaluationResult)
    assert js["n_ties_excluded"] == 1
    assert js["by_subset"] == {
        name: {"n": g.n, "metrics": g.metrics.to_json()} for name, g in res.by_subset.items()
    }
    assert list(res.by_subset) == ["chat", "math"]


def test_tie_value_and_all_tie_group() -> None:
    items = [_item("x", 1, 1, subset="s"), _item("y", 1, 1, subset="t", tie=True)]
    res = evaluate(items, [1.0, 1.0, 0.0, 2.0], MetricConfig(n_resamples=50, tie_value=0.0))
    assert res.metrics.accuracy.value == 0.0
    t = res.by_subset["t"]
    assert t.n == 1
    assert t.metrics.accuracy.n == 0
    assert math.isnan(t.metrics.accuracy.value)


def test_constant_human_scores_give_nan_correlation() -> None:
    items = [_item(f"k{i}", 1, 1, chosen_scores=(3.0,), rejected_scores=(3.0,)) for i in range(5)]
    with pytest.warns(BootstrapWarning) as record:
        res = evaluate(items, np.arange(10.0), MetricConfig(n_resamples=20))
    messages = sorted(str(w.message) for w in record)
    assert len(messages) == 2
    assert messages[0].startswith("bootstrap of kendall_tau_b (all): dropped 20 of 20")
    assert messages[1].startswith("bootstrap of spearman (all): dropped 20 of 20")
    assert res.metrics.spearman is not None
    assert math.isnan(res.metrics.spearman.value)
    assert res.metrics.spearman.to_json()["value"] is None


def test_input_validation() -> None:
    with pytest.raises(ValueError, match="flat array of 11 responses"):
        evaluate(ITEMS, SCORES[:-1], CFG)
    bad = SCORES.copy()
    bad[7] = np.nan
    with pytest.raises(ValueError, match=r"item 'c', response 1 is NaN"):
        evaluate(ITEMS, bad, CFG)
    with pytest.raises(ValueError, match="human scores"):
        evaluate([_item("h", 1, 2, chosen_scores=(1.0,), rejected_scores=(1.0,))], [0, 1, 2], CFG)
    with pytest.raises(ValueError, match="invalid MetricConfig"):
        MetricConfig(confidence=1.5)
    with pytest.raises(ValueError, match="needs >= 1 chosen"):
        evaluate([_item("e", 1, 0)], [1.0], CFG)
