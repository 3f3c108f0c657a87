"""Best-of-n overoptimization: unbiased curves, quadratic fits and the gamma measure.

Example:
    >>> import numpy as np
    >>> gold = [np.array([0.0, 1.0, 2.0, 3.0])] * 10
    >>> analyse([gold], gold, n_resamples=20)[0].gamma.value
    0.0
"""

from rewardkit.rl.bon.analysis import (
    BonAnalysis,
    BonWarning,
    Curve,
    FitEstimate,
    analyse,
    gamma_difference,
)
from rewardkit.rl.bon.config import BonConfig
from rewardkit.rl.bon.contributions import Contributions, contribution_matrix
from rewardkit.rl.bon.estimator import bon_weights, d_bon, expected_best_of_n, kl_bon
from rewardkit.rl.bon.fit import QuadraticFit, fit_curves, peak_d, predict
from rewardkit.rl.bon.gamma import gamma_from_fits
from rewardkit.rl.bon.gold import FROM_DATA, FROM_LABELS, read_gold_scores

__all__ = [
    "FROM_DATA",
    "FROM_LABELS",
    "BonAnalysis",
    "BonConfig",
    "BonWarning",
    "Contributions",
    "Curve",
    "FitEstimate",
    "QuadraticFit",
    "analyse",
    "bon_weights",
    "contribution_matrix",
    "d_bon",
    "expected_best_of_n",
    "fit_curves",
    "gamma_difference",
    "gamma_from_fits",
    "kl_bon",
    "peak_d",
    "predict",
    "read_gold_scores",
]
