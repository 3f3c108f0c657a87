"""AggregationConfig: YAML defaults, CLI-style overrides and clear validation errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rewardkit.annotations.aggregate import (
    DEFAULT_WEIGHTS,
    AggregationConfig,
    RewardAggregator,
    aggregate,
)
from rewardkit.config import load_config
from rewardkit.errors import ConfigError

YAML = Path(__file__).resolve().parents[2] / "configs" / "aggregate.yaml"


def _ratings(criteria: tuple[str, ...] = tuple(DEFAULT_WEIGHTS)) -> pd.DataFrame:
    rows = [
        (item, "p", ann, c, 3)
        for item in ("x", "y")
        for ann in ("a1", "a2", "a3")
        for c in criteria
    ]
    return pd.DataFrame(
        rows, columns=["item_id", "prompt_id", "annotator_id", "criterion", "value"]
    )


def test_yaml_states_the_defaults() -> None:
    loaded = load_config(AggregationConfig, YAML, {})
    assert loaded == AggregationConfig()
    assert loaded.weights == {
        "usefulness": 0.3,
        "factuality": 0.3,
        "safety": 0.25,
        "alignment": 0.15,
    }
    assert (loaded.alpha, loaded.preference_method, loaded.min_annotations) == (0.6, "borda", 3)
    assert (loaded.scale_min, loaded.scale_max, loaded.pair_min_margin) == (1, 5, 0.05)
    assert loaded.top_criterion == "usefulness"  # equal top weights: the first listed


def test_overrides_win_over_the_file() -> None:
    cfg = load_config(AggregationConfig, YAML, {"alpha": 0.25, "seed": None})
    assert (cfg.alpha, cfg.seed) == (0.25, 0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weights": {"usefulness": -0.2, "safety": 1.2}}, "non-negative, got usefulness=-0.2"),
        ({"weights": {"usefulness": 0.5, "safety": 0.4}}, "must sum to 1"),
        ({"weights": {}}, "at least one criterion"),
        ({"alpha": 1.5}, "alpha"),
        ({"alpha": -0.1}, "alpha"),
        ({"scale_min": 5, "scale_max": 5}, "scale_min (5) must be below scale_max (5)"),
        ({"min_annotations": 0}, "min_annotations"),
        ({"preference_method": "elo"}, "preference_method"),
        ({"weightz": {"usefulness": 1.0}}, "weightz"),
    ],
)
def test_invalid_options_raise_config_error(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match="invalid configuration") as info:
        load_config(AggregationConfig, YAML, overrides)
    assert message in str(info.value)
    assert str(YAML) in str(info.value)


def test_weights_sum_within_tolerance() -> None:
    AggregationConfig(weights={"usefulness": 0.7, "safety": 0.3 + 5e-10})
    with pytest.raises(ValueError, match="sum to 1"):
        AggregationConfig(weights={"usefulness": 0.7, "safety": 0.3 + 5e-9})


def test_config_is_frozen() -> None:
    with pytest.raises(ValueError, match="frozen"):
        AggregationConfig().alpha = 0.3  # type: ignore[misc]


def test_unknown_criterion_is_listed() -> None:
    ratings = _ratings(("usefulness", "safety"))
    cfg = AggregationConfig(weights={"usefulness": 0.5, "safety": 0.3, "helpfulness": 0.2})
    with pytest.raises(ConfigError, match="absent from the ratings: helpfulness") as info:
        aggregate(ratings, None, cfg)
    assert "criteria in the ratings: safety, usefulness" in str(info.value)
    # the defaults name alignment etc., which these ratings lack
    with pytest.raises(ConfigError, match="factuality, alignment"):
        RewardAggregator().fit(ratings)


def test_extra_criteria_get_weight_zero_but_are_reported() -> None:
    ratings = _ratings(("usefulness", "safety", "style"))
    result = aggregate(ratings, None, AggregationConfig(weights={"usefulness": 0.6, "safety": 0.4}))
    assert result.criteria == ("usefulness", "safety", "style")
    assert "score_style" in result.items.columns
