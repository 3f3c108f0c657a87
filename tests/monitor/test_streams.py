"""Must-show: seeded simulation of 500 monitored streams (vectorised, a few seconds).

* stationary streams: the share of streams with any alert is at most the configured alpha;
* a 0.3 sd score shift in one domain is alerted on that domain within the configured number
  of consecutive windows (at the earliest window possible) in >= 95% of streams;
* a 10-point accuracy drop in one domain is alerted there in >= 95% of streams, and the other
  domains' accuracy alerts stay at the false-alarm level.
"""

from __future__ import annotations

import numpy as np
import pytest

from rewardkit.errors import ConfigError
from rewardkit.monitor import AlertRule, MonitorConfig
from rewardkit.monitor.streams import simulate_streams

ALPHA = 0.05
CONSECUTIVE = 2
CONFIG = MonitorConfig(
    alpha=ALPHA,
    correction="holm",
    rules=[
        AlertRule(metric="score_mean_shift", threshold=0.1, consecutive=CONSECUTIVE),
        AlertRule(metric="accuracy_drop", threshold=0.05, consecutive=1, min_n=50),
    ],
)
STREAMS = dict(n_streams=500, n_windows=8, n_domains=4, n_per_domain=500, n_reference=2000)
DRIFT_AT = 4


def test_stationary_false_alarm_rate_is_at_most_alpha() -> None:
    res = simulate_streams(CONFIG, **STREAMS, drift_at=DRIFT_AT, seed=11)
    rate = res.any_alert().mean()
    # 500 streams: the binomial sd at 0.05 is 0.0097; the bound is on the true rate.
    assert rate <= ALPHA


def test_stationary_false_alarm_rate_without_correction_exceeds_alpha() -> None:
    """The correction is what keeps the rate: the same streams uncorrected alarm far more."""
    loose = CONFIG.model_copy(update={"correction": "none"})
    res = simulate_streams(loose, **STREAMS, drift_at=DRIFT_AT, seed=11)
    assert res.any_alert().mean() > 3 * ALPHA


def test_score_shift_of_0_3_sd_is_alerted_within_the_configured_windows() -> None:
    res = simulate_streams(CONFIG, **STREAMS, drift_at=DRIFT_AT, shift_sd=0.3, seed=12)
    deadline = DRIFT_AT + CONSECUTIVE - 1
    found = res.alerted("score_mean_shift", "d0", by_window=deadline)
    assert found.mean() >= 0.95
    others = [res.alerted("score_mean_shift", f"d{k}").mean() for k in (1, 2, 3)]
    assert max(others) <= ALPHA


def test_accuracy_drop_of_10_points_is_found_in_its_domain_only() -> None:
    res = simulate_streams(CONFIG, **STREAMS, drift_at=DRIFT_AT, accuracy_drop=0.1, seed=13)
    assert res.alerted("accuracy_drop", "d0").mean() >= 0.95
    others = np.array([res.alerted("accuracy_drop", f"d{k}").mean() for k in (1, 2, 3)])
    assert others.max() <= ALPHA


def test_unsupported_rule_metric_is_refused() -> None:
    cfg = MonitorConfig(rules=[AlertRule(metric="score_psi", threshold=0.1)])
    with pytest.raises(ConfigError, match="score_psi"):
        simulate_streams(cfg, n_streams=2)


@pytest.mark.slow
def test_false_alarm_rate_holds_with_the_ks_rule_too() -> None:
    """The distribution rules (PSI, Wasserstein, KS D) all gate on the KS p-value."""
    cfg = CONFIG.model_copy(
        update={"rules": [*CONFIG.rules, AlertRule(metric="score_ks", threshold=0.05)]}
    )
    res = simulate_streams(cfg, **STREAMS, drift_at=DRIFT_AT, seed=14)
    assert res.any_alert().mean() <= ALPHA
