"""Judges as annotators: ratings and comparisons in the long forms of ``rewardkit
annotations``, with the judge as one more annotator, and the raw judge text of every verdict.

- :func:`rate_responses` (absolute mode): ``item_id, prompt_id, annotator_id, criterion,
  value[, domain]``, one row per response and criterion the judge scored (an answer that stays
  unreadable after the repair question gives no row: a missing rating, counted);
- :func:`compare_pairs` (pairwise mode): ``prompt_id, item_a, item_b, annotator_id,
  preference`` (a, b or tie: the both-orders outcome), the position bias with CIs and, when
  the pairs are labelled, the judge's accuracy (a tie earns ``tie_value``; JudgeBench: 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rewardkit.judges._bootstrap import mean_estimate, unit_index
from rewardkit.judges.position import PositionBias, position_bias
from rewardkit.judges.tasks import PairTask, ResponseTask
from rewardkit.metrics import Estimate, rng_for
from rewardkit.models.judge import PairJudgment, PairwiseJudge, RubricJudge
from rewardkit.models.judge_engine import Judgment

__all__ = ["PairwiseResult", "RatingResult", "compare_pairs", "rate_responses"]

_PREFERENCE = {"x": "a", "y": "b", "tie": "tie"}


@dataclass(frozen=True)
class RatingResult:
    """The judge's ratings (long form), every judgment with its raw text, and a summary per
    criterion (``n``, ``n_unreadable``, mean score, mean expected score)."""

    ratings: pd.DataFrame
    judgments: pd.DataFrame
    by_criterion: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class PairwiseResult:
    """The judge's comparisons (long form), both judgments of every pair, the outcome counts,
    the position bias and (labelled pairs) the accuracy."""

    comparisons: pd.DataFrame
    judgments: pd.DataFrame
    outcomes: dict[str, int]
    position: PositionBias
    accuracy: Estimate | None
    tie_value: float


def _judgment_columns(j: Judgment) -> dict[str, Any]:
    return {
        "how": j.how,
        "cached": j.cached,
        "prompt_tokens": j.prompt_tokens,
        "completion_tokens": j.completion_tokens,
        "text": j.text,
        "repair_text": j.repair_text,
        "request_hash": j.key,
    }


def rate_responses(
    judge: RubricJudge,
    tasks: Sequence[ResponseTask],
    criteria: Sequence[str],
    *,
    annotator: str,
    progress: bool | None = None,
) -> RatingResult:
    """Rate every response on every criterion.

    Args:
        judge: An absolute-mode judge.
        tasks: The responses.
        criteria: Criteria to rate (each needs a rubric in the judge's template).
        annotator: The judge's ``annotator_id`` in the ratings.
        progress: Show a progress bar [default: when stderr is a terminal].
    """
    ratings: list[dict[str, Any]] = []
    judgments: list[dict[str, Any]] = []
    summary: dict[str, dict[str, Any]] = {}
    has_domain = any(t.domain is not None for t in tasks)
    criteria = list(dict.fromkeys(criteria))  # a criterion named twice is rated once
    judged = judge.rate_criteria(
        [t.prompt for t in tasks], [t.response for t in tasks], criteria, progress
    )
    for criterion in criteria:
        answers = judged[criterion]
        scores, expected = [], []
        for task, j in zip(tasks, answers, strict=True):
            if isinstance(j.value, int):
                row = {
                    "item_id": task.item_id,
                    "prompt_id": task.prompt_id,
                    "annotator_id": annotator,
                    "criterion": criterion,
                    "value": j.value,
                }
                if has_domain:
                    row["domain"] = task.domain or ""
                ratings.append(row)
                scores.append(j.value)
            if j.expected is not None:
                expected.append(j.expected)
            probs = j.probabilities or (None,) * 5
            judgments.append(
                {
                    "item_id": task.item_id,
                    "prompt_id": task.prompt_id,
                    "criterion": criterion,
                    "score": j.value,
                    "expected": j.expected,
                    **{f"p{k}": p for k, p in enumerate(probs, start=1)},
                    **_judgment_columns(j),
                }
            )
        summary[criterion] = {
            "n": len(tasks),
            "n_rated": len(scores),
            "n_unreadable": len(tasks) - len(scores),
            "mean_score": float(np.mean(scores)) if scores else None,
            "mean_expected": float(np.mean(expected)) if expected else None,
            "n_expected": len(expected),
        }
    columns = ["item_id", "prompt_id", "annotator_id", "criterion", "value"]
    columns += ["domain"] if has_domain else []
    return RatingResult(
        ratings=pd.DataFrame(ratings, columns=columns),
        judgments=pd.DataFrame(judgments),
        by_criterion=summary,
    )


def _pair_rows(task: PairTask, pj: PairJudgment) -> list[dict[str, Any]]:
    rows = []
    for order, j, (a, b) in (
        ("x_first", pj.first, (task.id_x, task.id_y)),
        ("y_first", pj.second, (task.id_y, task.id_x)),
    ):
        rows.append(
            {
                "unit": task.unit,
                "item_x": task.id_x,
                "item_y": task.id_y,
                "order": order,
                "shown_a": a,
                "shown_b": b,
                "verdict": j.value,
                **_judgment_columns(j),
                "pattern": pj.pattern,
                "outcome": pj.outcome,
            }
        )
    return rows


def compare_pairs(
    judge: PairwiseJudge,
    tasks: Sequence[PairTask],
    *,
    annotator: str,
    tie_value: float = 0.0,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    progress: bool | None = None,
) -> PairwiseResult:
    """Judge every pair in both orders.

    Args:
        judge: A pairwise judge.
        tasks: The pairs.
        annotator: The judge's ``annotator_id`` in the comparisons.
        tie_value: Credit of a tie outcome on a pair labelled ``x`` (JudgeBench: 0).
        n_resamples: Bootstrap resamples (units: each pair's ``unit``).
        confidence: Coverage of the intervals.
        seed: Seed of the bootstrap streams.
        progress: Show a progress bar [default: when stderr is a terminal].
    """
    judged = judge.judge_pairs([(t.prompt, t.x, t.y) for t in tasks], progress)
    comparisons = pd.DataFrame(
        [
            {
                "prompt_id": t.unit,
                "item_a": t.id_x,
                "item_b": t.id_y,
                "annotator_id": annotator,
                "preference": _PREFERENCE[pj.outcome],
            }
            for t, pj in zip(tasks, judged, strict=True)
        ],
        columns=["prompt_id", "item_a", "item_b", "annotator_id", "preference"],
    )
    rows = [r for t, pj in zip(tasks, judged, strict=True) for r in _pair_rows(t, pj)]
    position = position_bias(
        [pj.pattern for pj in judged],
        [t.unit for t in tasks],
        n_resamples=n_resamples,
        confidence=confidence,
        seed=seed,
    )
    labelled = [(t, pj) for t, pj in zip(tasks, judged, strict=True) if t.label in ("x", "y")]
    accuracy = None
    if labelled:
        credit = [
            tie_value if pj.outcome == "tie" else float(pj.outcome == t.label) for t, pj in labelled
        ]
        accuracy = mean_estimate(
            np.asarray(credit),
            unit_index([t.unit for t, _ in labelled], len(labelled)),
            n_resamples=n_resamples,
            confidence=confidence,
            rng=rng_for(seed, "judge-pairwise", "accuracy"),
        )
    outcomes = {k: sum(pj.outcome == k for pj in judged) for k in ("x", "y", "tie")}
    return PairwiseResult(
        comparisons=comparisons,
        judgments=pd.DataFrame(rows),
        outcomes=outcomes,
        position=position,
        accuracy=accuracy,
        tie_value=tie_value,
    )
