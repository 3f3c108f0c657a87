"""The scoring engine: length-sorted batching, the score cache, executors (local, Ray)."""

from rewardkit.scoring.batching import BatchPlan, plan_batches
from rewardkit.scoring.cache import (
    ScoreCache,
    cache_path,
    default_cache_path,
    input_hash,
    open_score_cache,
)
from rewardkit.scoring.engine import Scored, ScoringReport, flatten, score_items, scores_frame
from rewardkit.scoring.executors import EXECUTORS, Executor, LocalExecutor, make_executor

__all__ = [
    "EXECUTORS",
    "BatchPlan",
    "Executor",
    "LocalExecutor",
    "ScoreCache",
    "Scored",
    "ScoringReport",
    "cache_path",
    "default_cache_path",
    "flatten",
    "input_hash",
    "make_executor",
    "open_score_cache",
    "plan_batches",
    "score_items",
    "scores_frame",
]
