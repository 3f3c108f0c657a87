"""Pure metric functions with seeded, vectorized bootstrap confidence intervals.

``evaluate`` computes every applicable metric of a reward model's scores on preference items;
the modules below hold the building blocks (all numpy/scipy, typed, no I/O).
"""

from rewardkit.metrics.bootstrap import (
    FAST_PATH_MAX_UNIQUE,
    BootstrapWarning,
    bootstrap_mean,
    bootstrap_weighted,
    percentile_ci,
    resample_counts,
    resample_means,
    rng_for,
)
from rewardkit.metrics.calibration import bin_index, brier, ece, log_loss, preference_probs
from rewardkit.metrics.calibration_sums import (
    CalibrationSums,
    brier_from_counts,
    calibration_sums,
    ece_from_counts,
    log_loss_from_counts,
)
from rewardkit.metrics.correlation import (
    WeightedKendall,
    kendall_tau_b,
    spearman,
    weighted_kendall_tau_b,
    weighted_spearman,
)
from rewardkit.metrics.estimate import Estimate, EstimateJSON
from rewardkit.metrics.multiplicity import (
    ADJUST_METHODS,
    AdjustMethod,
    adjust_pvalues,
    describe_adjustment,
)
from rewardkit.metrics.pairwise import best_of_n_outcomes, pair_differences, pairwise_outcomes
from rewardkit.metrics.rank_ci import spearman_ci
from rewardkit.metrics.results import EvaluationResult, GroupResult, MetricConfig, MetricSet
from rewardkit.metrics.suite import evaluate
from rewardkit.metrics.tie_agreement import tie_agreement_outcomes

__all__ = [
    "ADJUST_METHODS",
    "FAST_PATH_MAX_UNIQUE",
    "AdjustMethod",
    "BootstrapWarning",
    "CalibrationSums",
    "Estimate",
    "EstimateJSON",
    "EvaluationResult",
    "GroupResult",
    "MetricConfig",
    "MetricSet",
    "WeightedKendall",
    "adjust_pvalues",
    "best_of_n_outcomes",
    "bin_index",
    "bootstrap_mean",
    "bootstrap_weighted",
    "brier",
    "brier_from_counts",
    "calibration_sums",
    "describe_adjustment",
    "ece",
    "ece_from_counts",
    "evaluate",
    "kendall_tau_b",
    "log_loss",
    "log_loss_from_counts",
    "pair_differences",
    "pairwise_outcomes",
    "percentile_ci",
    "preference_probs",
    "resample_counts",
    "resample_means",
    "rng_for",
    "spearman",
    "spearman_ci",
    "tie_agreement_outcomes",
    "weighted_kendall_tau_b",
    "weighted_spearman",
]
