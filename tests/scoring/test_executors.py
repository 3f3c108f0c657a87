"""Executors are built from a parsed ModelSpec and read its scheme, not the string."""

from __future__ import annotations

import pytest

from rewardkit.errors import ConfigError
from rewardkit.models.options import ModelOptions
from rewardkit.models.spec import parse_model_spec
from rewardkit.scoring.executors import LocalExecutor, RayExecutor, make_executor


def test_ray_is_built_from_the_parsed_spec() -> None:
    spec = parse_model_spec("hf:rm", {"max_length": 64})
    executor = make_executor("ray", spec, actors=2)
    assert isinstance(executor, RayExecutor)
    assert executor.spec is spec
    assert executor.actors == 2
    assert isinstance(make_executor("local", spec), LocalExecutor)


def test_a_string_with_options_is_taken_as_resolved() -> None:
    executor = make_executor("ray", "dpo:policy", ModelOptions(beta=0.5))
    assert isinstance(executor, RayExecutor)
    assert executor.spec.scheme == "dpo"
    assert executor.spec.settings.beta == 0.5


def test_scores_files_stay_local() -> None:
    with pytest.raises(ConfigError, match="executor 'ray' cannot run a scores: model"):
        make_executor("ray", parse_model_spec("scores:s.parquet"))
    assert isinstance(make_executor("local", parse_model_spec("scores:s.parquet")), LocalExecutor)
