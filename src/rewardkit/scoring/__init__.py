"""The scoring engine: batching and progress (cache and executors come with the scoring issue)."""

from rewardkit.scoring.engine import flatten, score_items, scores_frame

__all__ = ["flatten", "score_items", "scores_frame"]
