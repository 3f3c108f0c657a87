"""The verl bridge, called as verl calls a custom reward function: keyword arguments, with
``custom_reward_function.reward_kwargs`` merged in (verl/trainer/ppo/reward.py
``_call_with_kwargs``: ``{**kwargs, **extra_kwargs}``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pytest

from rewardkit.errors import ConfigError, DataError
from rewardkit.integrations import verl
from rewardkit.models import load_model

AWARE = "python:bridge_rms:prompt_aware"


def as_verl_loads(fn: Callable[..., Any], reward_kwargs: dict[str, Any]) -> Callable[..., Any]:
    """What verl's get_custom_reward_fn returns for a synchronous function."""

    def call_with_kwargs(raw_fn: Callable[..., Any], extra: dict[str, Any], **kwargs: Any) -> Any:
        return raw_fn(**{**kwargs, **extra})

    return partial(call_with_kwargs, fn, reward_kwargs)


def test_compute_score_through_reward_kwargs_scores_prompt_and_response() -> None:
    fn = as_verl_loads(verl.compute_score, {"model": AWARE})
    score = fn(
        data_source="openai/gsm8k",
        solution_str="#### 4",
        ground_truth="4",
        extra_info={"split": "train", "index": 0, "question": "2+2?", "num_turns": None},
        reward_router_address=None,  # the reward loop passes these; they are ignored
        reward_model_tokenizer=None,
    )
    assert score == load_model(AWARE).score(["2+2?"], ["#### 4"])[0] == 4006.0
    assert type(score) is float


def test_model_from_the_environment_and_conversation_prompts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(verl.MODEL_ENV, AWARE)
    messages = np.array([{"role": "user", "content": "Hi"}], dtype=object)  # as parquet gives it
    score = verl.compute_score("src", "Hello", None, {"prompt": messages})
    assert score == 8005.0  # "user: Hi" is 8 characters


def test_clip_calibrated_and_prompt_key_come_from_reward_kwargs() -> None:
    fn = as_verl_loads(
        verl.compute_score, {"model": AWARE, "clip": [0.0, 2500.0], "prompt_key": "text"}
    )
    assert fn(data_source="d", solution_str="x", ground_truth=None, extra_info={"text": "a"}) == (
        1001.0
    )
    assert fn(data_source="d", solution_str="x", ground_truth=None, extra_info={"text": "abc"}) == (
        2500.0
    )
    with pytest.raises(ConfigError, match=r"calibrator\.json"):
        verl.compute_score("d", "x", None, {"prompt": "a"}, model=AWARE, calibrated="logit")


def test_batch_form_equals_the_single_form() -> None:
    infos = [{"question": q} for q in ("2+2?", "Name a colour.", "")]
    responses = ["4", "blue", "empty prompt"]
    batch = as_verl_loads(verl.compute_score_batch, {"model": AWARE})(
        data_sources=["a"] * 3, solution_strs=responses, ground_truths=[None] * 3, extra_infos=infos
    )
    single = [
        verl.compute_score("a", r, None, i, model=AWARE)
        for r, i in zip(responses, infos, strict=True)
    ]
    assert batch == single == [4001.0, 14004.0, 12.0]


def test_make_compute_score_binds_a_model() -> None:
    score = verl.make_compute_score(AWARE, prompt_key="q")
    assert score(data_source="a", solution_str="yz", ground_truth="", extra_info={"q": "p"}) == (
        1002.0
    )


def test_missing_model_or_prompt_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(verl.MODEL_ENV, raising=False)
    with pytest.raises(ConfigError, match=verl.MODEL_ENV):
        verl.compute_score("a", "x", None, {"question": "q"})
    with pytest.raises(DataError, match=r"field 'extra_info': no prompt .*'index', 'split'"):
        verl.compute_score("a", "x", None, {"split": "train", "index": 1}, model=AWARE)


def test_unscorable_sample_raises_in_verl() -> None:
    with pytest.raises(Exception, match="non-finite"):
        verl.compute_score("a", "BAD", None, {"prompt": "q"}, model="python:bridge_rms:nan_on_bad")
