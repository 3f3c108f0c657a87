"""Aggregation: human ratings and comparisons to one reward per response.

Criterion weights, a Likert-to-[0, 1] mapping, a quorum, Borda or Bradley-Terry preference
scores (or another method registered in :data:`PREFERENCE_METHODS`), their blend
``final = alpha * criterion + (1 - alpha) * preference``, ranking with deterministic
tie-breaks, and training labels (pairs with margins, regression targets).

Example:
    >>> import pandas as pd
    >>> r = pd.DataFrame({"item_id": ["x", "y"], "prompt_id": ["p", "p"],
    ...                   "annotator_id": ["a", "a"], "criterion": ["safety"] * 2,
    ...                   "value": [5, 1]})
    >>> cfg = AggregationConfig(weights={"safety": 1.0}, min_annotations=1)
    >>> aggregate(r, None, cfg).pairs.values.tolist()
    [['p', 'x', 'y', 1.0]]
"""

from rewardkit.annotations.aggregate.aggregator import RewardAggregator, aggregate
from rewardkit.annotations.aggregate.blend import blend
from rewardkit.annotations.aggregate.bradley_terry import (
    bradley_terry_log_likelihood,
    bradley_terry_mm,
    bradley_terry_scores,
)
from rewardkit.annotations.aggregate.config import DEFAULT_WEIGHTS, AggregationConfig
from rewardkit.annotations.aggregate.criteria import (
    ExcludedItem,
    criterion_table,
    normalise_likert,
    split_quorum,
)
from rewardkit.annotations.aggregate.methods import PREFERENCE_METHODS, PreferenceMethod
from rewardkit.annotations.aggregate.pairs import build_pairs, build_targets
from rewardkit.annotations.aggregate.preference import (
    borda_scores,
    minmax_within,
    points_matrix,
    tally,
)
from rewardkit.annotations.aggregate.ranking import (
    TIE_BREAK_RULES,
    rank_within_prompts,
    seeded_hash,
)
from rewardkit.annotations.aggregate.result import AggregationResult

__all__ = [
    "DEFAULT_WEIGHTS",
    "PREFERENCE_METHODS",
    "TIE_BREAK_RULES",
    "AggregationConfig",
    "AggregationResult",
    "ExcludedItem",
    "PreferenceMethod",
    "RewardAggregator",
    "aggregate",
    "blend",
    "borda_scores",
    "bradley_terry_log_likelihood",
    "bradley_terry_mm",
    "bradley_terry_scores",
    "build_pairs",
    "build_targets",
    "criterion_table",
    "minmax_within",
    "normalise_likert",
    "points_matrix",
    "rank_within_prompts",
    "seeded_hash",
    "split_quorum",
    "tally",
]
