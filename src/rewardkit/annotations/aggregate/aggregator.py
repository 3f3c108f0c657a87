"""The aggregation stage end to end, as a function and as a scikit-learn style estimator.

Steps: validate ratings; quorum (items with fewer than ``min_annotations`` distinct annotators
are excluded and listed); per-criterion means of the ratings mapped onto [0, 1] and their
weighted sum; preference scores from the comparisons among the kept items (Borda,
Bradley-Terry or another method of
:data:`~rewardkit.annotations.aggregate.methods.PREFERENCE_METHODS`, normalised within each
prompt); ``final = alpha * criterion + (1 - alpha) *
preference`` (the criterion score alone for an item without comparisons, with the reason
recorded); ranking within each prompt with deterministic tie-breaks; training pairs and targets.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from rewardkit.annotations.aggregate.blend import blend
from rewardkit.annotations.aggregate.config import AggregationConfig
from rewardkit.annotations.aggregate.criteria import (
    ExcludedItem,
    check_ratings,
    criterion_table,
    split_quorum,
)
from rewardkit.annotations.aggregate.methods import PREFERENCE_METHODS
from rewardkit.annotations.aggregate.pairs import build_pairs, build_targets
from rewardkit.annotations.aggregate.preference import check_comparisons, tally
from rewardkit.annotations.aggregate.ranking import rank_within_prompts
from rewardkit.annotations.aggregate.result import AggregationResult

__all__ = ["RewardAggregator", "aggregate"]

NO_COMPARISONS = "no comparisons supplied"
NOT_COMPARED = "item has no comparisons"


def _preference(
    items: pd.DataFrame, comparisons: pd.DataFrame, config: AggregationConfig
) -> pd.DataFrame:
    counts = tally(comparisons).reindex(items["item_id"])
    items["n_comparisons"] = counts["n_comparisons"].fillna(0).to_numpy(dtype=np.int64)
    items["pairwise_wins"] = counts["points"].fillna(0.0).to_numpy(dtype=np.float64)
    scores = PREFERENCE_METHODS.get(config.preference_method)(comparisons)
    items["preference_score"] = scores.reindex(items["item_id"]).to_numpy(dtype=np.float64)
    return items


def aggregate(
    ratings: pd.DataFrame,
    comparisons: pd.DataFrame | None = None,
    config: AggregationConfig | None = None,
) -> AggregationResult:
    """Turn ratings (and optional comparisons) into one reward per response.

    Args:
        ratings: Long form ``item_id, prompt_id, annotator_id, criterion, value`` (+ ``domain``).
        comparisons: ``prompt_id, item_a, item_b, annotator_id, preference`` (a, b, tie), or
            ``None``: then ``final`` is the criterion score (alpha effectively 1), as the
            result's ``notes`` and ``preference_used`` say.
        config: The options (defaults of ``configs/aggregate.yaml`` when ``None``).

    Raises:
        ConfigError: ``weights`` names a criterion absent from the ratings.
        DataError: Malformed ratings or comparisons, or an item lacking a weighted criterion.

    Example:
        >>> r = pd.DataFrame({"item_id": ["x", "x", "y", "y"], "prompt_id": ["p"] * 4,
        ...                   "annotator_id": ["a", "b"] * 2, "criterion": ["safety"] * 4,
        ...                   "value": [5, 4, 2, 3]})
        >>> c = pd.DataFrame({"prompt_id": ["p"], "item_a": ["x"], "item_b": ["y"],
        ...                   "annotator_id": ["a"], "preference": ["a"]})
        >>> cfg = AggregationConfig(weights={"safety": 1.0}, min_annotations=2, alpha=0.5)
        >>> aggregate(r, c, cfg).items[["item_id", "final", "rank_in_prompt"]].values.tolist()
        [['x', 0.9375, 1], ['y', 0.1875, 2]]
    """
    cfg = config if config is not None else AggregationConfig()
    clean = check_ratings(ratings, cfg)
    prompt_of = dict(zip(clean["item_id"], clean["prompt_id"], strict=True))
    kept, excluded = split_quorum(clean, cfg.min_annotations)
    pairs_in = None
    if comparisons is not None and len(comparisons) > 0:
        pairs_in = check_comparisons(comparisons, prompt_of)
    if kept.empty:
        note = f"every item misses the quorum of {cfg.min_annotations} annotators"
        return replace(AggregationResult.empty(cfg), excluded=excluded, notes=(note,))
    items = criterion_table(kept, cfg)
    notes: list[str] = []
    dropped = 0
    if pairs_in is None:
        items["n_comparisons"] = np.zeros(len(items), dtype=np.int64)
        items["pairwise_wins"] = np.zeros(len(items), dtype=np.float64)
        items["preference_score"] = np.full(len(items), np.nan)
        notes.append(f"{NO_COMPARISONS}: final = criterion score (alpha effectively 1)")
    else:
        keep = set(items["item_id"])
        inside = pairs_in["item_a"].isin(keep) & pairs_in["item_b"].isin(keep)
        dropped = int((~inside).sum())
        pairs_in = pairs_in[inside].reset_index(drop=True)
        items = _preference(items, pairs_in, cfg)
        if dropped:
            notes.append(f"{dropped} comparison(s) involve an item below the quorum: dropped")
    reason = NO_COMPARISONS if pairs_in is None else NOT_COMPARED
    missing = items["preference_score"].isna().to_numpy()
    items["final"] = blend(items["criterion_score"], items["preference_score"], cfg.alpha)
    reasons: list[str | None] = [reason if m else None for m in missing]
    items["fallback_reason"] = pd.Series(reasons, dtype="object")
    if pairs_in is not None and missing.any():
        notes.append(f"{int(missing.sum())} item(s) without comparisons: final = criterion score")
    ranked = rank_within_prompts(
        items, top_criterion=cfg.top_criterion, tie_tolerance=cfg.tie_tolerance, seed=cfg.seed
    )
    column_order = [c for c in ranked.columns if c != "fallback_reason"] + ["fallback_reason"]
    ranked = ranked[column_order]
    return AggregationResult(
        items=ranked,
        excluded=excluded,
        pairs=build_pairs(ranked, min_margin=cfg.pair_min_margin, tie_tolerance=cfg.tie_tolerance),
        targets=build_targets(ranked),
        config=cfg,
        criteria=tuple(c.removeprefix("score_") for c in ranked.columns if c.startswith("score_")),
        preference_used=pairs_in is not None,
        n_comparisons=0 if pairs_in is None else len(pairs_in),
        n_comparisons_dropped=dropped,
        notes=tuple(notes),
    )


class RewardAggregator:
    """Scikit-learn style aggregator: ``__init__`` stores the options, ``fit`` learns.

    Attributes:
        config: The options (stored as given; ``None`` means the defaults).
        result_: The full :class:`AggregationResult` (after ``fit``).
        scores_: The per-item table (``result_.items``).
        pairs_: Training pairs (``result_.pairs``).
        targets_: Regression targets (``result_.targets``).
        excluded_: Items below the quorum (``result_.excluded``).
        criteria_: Criteria found in the ratings.

    Example:
        >>> r = pd.DataFrame({"item_id": ["x", "x", "y", "y"], "prompt_id": ["p"] * 4,
        ...                   "annotator_id": ["a", "b"] * 2, "criterion": ["safety"] * 4,
        ...                   "value": [5, 4, 2, 3]})
        >>> cfg = AggregationConfig(weights={"safety": 1.0}, min_annotations=2)
        >>> RewardAggregator(cfg).fit(r).scores_["final"].tolist()
        [0.875, 0.375]
    """

    def __init__(self, config: AggregationConfig | None = None) -> None:
        self.config = config

    def fit(
        self, ratings: pd.DataFrame, comparisons: pd.DataFrame | None = None
    ) -> RewardAggregator:
        """Aggregate ``ratings`` (and ``comparisons``); see :func:`aggregate`. Returns ``self``.

        Example:
            >>> r = pd.DataFrame({"item_id": ["x"], "prompt_id": ["p"], "annotator_id": ["a"],
            ...                   "criterion": ["safety"], "value": [3]})
            >>> agg = RewardAggregator(AggregationConfig(weights={"safety": 1.0}))
            >>> [e.item_id for e in agg.fit(r).excluded_]
            ['x']
        """
        result = aggregate(ratings, comparisons, self.config)
        self.result_: AggregationResult = result
        self.scores_: pd.DataFrame = result.items
        self.pairs_: pd.DataFrame = result.pairs
        self.targets_: pd.DataFrame = result.targets
        self.excluded_: tuple[ExcludedItem, ...] = result.excluded
        self.criteria_: tuple[str, ...] = result.criteria
        return self
