"""Generative judges as a stage: judge ratings and comparisons in the annotation long forms,
position bias with CIs, and agreement of judge labels with human labels."""

from rewardkit.judges.agree import INVALID, AgreementGroup, LabelAgreement, label_agreement
from rewardkit.judges.config import DEFAULT_CRITERIA, JudgeConfig
from rewardkit.judges.position import PositionBias, position_bias
from rewardkit.judges.rate import PairwiseResult, RatingResult, compare_pairs, rate_responses
from rewardkit.judges.tasks import (
    PairTask,
    ResponseTask,
    is_preference_data,
    pair_tasks_from_items,
    pair_tasks_from_responses,
    read_response_tasks,
    response_tasks_from_items,
)

__all__ = [
    "DEFAULT_CRITERIA",
    "INVALID",
    "AgreementGroup",
    "JudgeConfig",
    "LabelAgreement",
    "PairTask",
    "PairwiseResult",
    "PositionBias",
    "RatingResult",
    "ResponseTask",
    "compare_pairs",
    "is_preference_data",
    "label_agreement",
    "pair_tasks_from_items",
    "pair_tasks_from_responses",
    "position_bias",
    "rate_responses",
    "read_response_tasks",
    "response_tasks_from_items",
]
