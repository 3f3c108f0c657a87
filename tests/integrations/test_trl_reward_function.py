"""The TRL bridge's contract: TRL 1.16's call (keyword arguments, extra columns), text and
conversational inputs, None for what cannot be scored, calibration by hand, the async variant
against a real ``rewardkit serve``."""

from __future__ import annotations

import asyncio
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from rewardkit.calibration import IsotonicCalibrator, PlattScaling, TemperatureScaling
from rewardkit.calibration.serialize import CALIBRATOR_FILE, save_calibrator
from rewardkit.data.records import ChatMessage
from rewardkit.errors import ConfigError, DataError, RewardkitError
from rewardkit.integrations.scorer import LOGIT_EPS
from rewardkit.integrations.trl import (
    AsyncRewardFunction,
    async_reward_function,
    reward_function,
    to_rewardkit_inputs,
)
from rewardkit.models import load_model

AWARE = "python:bridge_rms:prompt_aware"


def trl_kwargs(n: int) -> dict[str, object]:
    """What GRPOTrainer._calculate_rewards passes besides prompts and completions."""
    return {
        "completion_ids": [[5, 6]] * n,
        "trainer_state": object(),
        "log_extra": lambda column, values: None,
        "log_metric": lambda name, value: None,
        "solution": ["x"] * n,  # any other dataset column
    }


def test_trl_call_with_text_prompts_gives_one_float_per_completion() -> None:
    f = reward_function(AWARE, no_cache=True)
    prompts = ["2+2?", "Name a colour.", "2+2?"]
    completions = ["4", "blue", "four"]
    out = f(prompts=prompts, completions=completions, **trl_kwargs(3))
    assert out == [4001.0, 14004.0, 4004.0]
    assert all(type(v) is float for v in out)


def test_conversational_prompts_reach_the_model_as_messages() -> None:
    f = reward_function(AWARE, no_cache=True)
    prompts = [
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}],
        [{"role": "user", "content": "Hi"}],
    ]
    completions = [
        [{"role": "assistant", "content": "4"}],
        [
            {
                "role": "assistant",
                "content": [{"type": "text", "text": "Hel"}, {"type": "text", "text": "lo"}],
            }
        ],
    ]
    out = f(prompts=prompts, completions=completions, **trl_kwargs(2))
    model = load_model(AWARE)
    expected = model.score(
        [
            (ChatMessage("system", "Be brief."), ChatMessage("user", "2+2?")),
            (ChatMessage("user", "Hi"),),
        ],
        ["4", "Hello"],
    )
    assert out == expected.tolist()
    # "system: Be brief.\nuser: 2+2?" is 28 characters: 28_000 + len("4")
    assert out[0] == 28001.0


def test_tool_turns_of_a_completion_are_context_and_its_last_message_the_response() -> None:
    prompts, responses = to_rewardkit_inputs(
        [[{"role": "user", "content": "Weather?"}]],
        [
            [
                {"role": "assistant", "content": None, "tool_calls": [{"name": "w"}]},
                {"role": "tool", "content": "sunny"},
                {"role": "assistant", "content": "It is sunny."},
            ]
        ],
    )
    assert responses == ["It is sunny."]
    assert prompts == [
        (
            ChatMessage("user", "Weather?"),
            ChatMessage("assistant", ""),
            ChatMessage("tool", "sunny"),
        )
    ]


def test_bad_inputs_name_the_row_and_field() -> None:
    f = reward_function(AWARE, no_cache=True)
    with pytest.raises(DataError, match=r"row 2: field 'completions': .*non-empty list"):
        f(prompts=["a", "b"], completions=["ok", []])
    with pytest.raises(DataError, match=r"row 1: field 'prompts'"):
        f(prompts=[7], completions=["ok"])
    with pytest.raises(DataError, match="2 prompts but 1 completions"):
        f(prompts=["a", "b"], completions=["ok"])


def test_name_is_what_trl_logs_and_sync_async_are_told_apart() -> None:
    trl_utils = pytest.importorskip("trl.trainer.utils")
    sync = reward_function(AWARE, no_cache=True)
    named = reward_function(AWARE, name="helpfulness", no_cache=True)
    asynchronous = async_reward_function(AWARE, no_cache=True)
    assert trl_utils.get_callable_name(sync) == "python_prompt_aware"
    assert trl_utils.get_callable_name(named) == "helpfulness"
    assert not trl_utils.is_async_callable(sync)
    assert trl_utils.is_async_callable(asynchronous)


def test_unscorable_completions_get_none_and_the_rest_their_scores() -> None:
    f = reward_function("python:bridge_rms:nan_on_bad", batch_size=4, no_cache=True)
    completions = ["abc", "BAD one", "abcdef", "ab", "BAD", "a"]
    out = f(prompts=["q"] * 6, completions=completions)
    assert out == [3.0, None, 6.0, 2.0, None, 1.0]
    assert f.scorer.n_failed == 2
    strict = reward_function("python:bridge_rms:nan_on_bad", on_error="raise", no_cache=True)
    with pytest.raises(RewardkitError, match="non-finite"):
        strict(prompts=["q"] * 2, completions=["ok", "BAD"])


def test_clip_bounds_rewards() -> None:
    f = reward_function(AWARE, clip=(0.0, 4002.5), no_cache=True)
    assert f(prompts=["", "abcd", "abcd"], completions=["x", "y", "yyyy"]) == [1.0, 4001.0, 4002.5]
    with pytest.raises(ConfigError, match="clip"):
        reward_function(AWARE, clip=(1.0, 1.0))


@pytest.fixture
def rm_copy(embed_rm: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "rm"
    shutil.copytree(embed_rm, folder)
    return folder


PROMPTS = ["How do I bake bread?", "Capital of France?", "Hi"]
COMPLETIONS = ["Mix flour, water and yeast.", "Paris.", "Go away."]


def test_calibrated_rewards_follow_the_calibrator_beside_the_model(rm_copy: Path) -> None:
    spec = f"embed:{rm_copy}"
    raw = reward_function(spec)(prompts=PROMPTS, completions=COMPLETIONS)
    assert len(set(raw)) == 3
    with pytest.raises(ConfigError, match=CALIBRATOR_FILE):
        reward_function(spec, calibrated="probability")

    cal = TemperatureScaling()
    cal.temperature_ = 2.5
    save_calibrator(cal, rm_copy / CALIBRATOR_FILE)
    logit = reward_function(spec, calibrated="logit")(prompts=PROMPTS, completions=COMPLETIONS)
    prob = reward_function(spec, calibrated="probability", reference=0.3)(
        prompts=PROMPTS, completions=COMPLETIONS
    )
    for r, lg, p in zip(raw, logit, prob, strict=True):
        assert r is not None
        assert lg is not None
        assert p is not None
        assert lg == pytest.approx(r / 2.5, rel=1e-9)
        assert p == pytest.approx(1.0 / (1.0 + math.exp(-(r - 0.3) / 2.5)), rel=1e-9)

    platt = PlattScaling()
    platt.a_, platt.b_ = 0.8, -0.1
    save_calibrator(platt, rm_copy / CALIBRATOR_FILE)
    logit = reward_function(spec, calibrated="logit")(prompts=PROMPTS, completions=COMPLETIONS)
    for r, lg in zip(raw, logit, strict=True):
        assert r is not None
        assert lg is not None
        assert lg == pytest.approx(0.8 * r - 0.1, rel=1e-7, abs=1e-9)


def test_logit_of_a_saturated_isotonic_calibrator_stays_finite(rm_copy: Path) -> None:
    iso = IsotonicCalibrator().fit(np.array([-1.0, 1.0, 2.0]), np.array([0.0, 1.0, 1.0]))
    save_calibrator(iso, rm_copy / CALIBRATOR_FILE)
    f = reward_function(f"embed:{rm_copy}", calibrated="logit", reference=-100.0)
    out = f(prompts=PROMPTS, completions=COMPLETIONS)
    bound = math.log((1 - LOGIT_EPS) / LOGIT_EPS)
    assert out == [pytest.approx(bound)] * 3  # every score is far above the reference: p = 1


def test_the_score_cache_serves_a_second_call(
    embed_rm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = str(tmp_path / "scores.sqlite")
    first = reward_function(f"embed:{embed_rm}", cache=cache)
    before = first(prompts=PROMPTS, completions=COMPLETIONS)
    second = reward_function(f"embed:{embed_rm}", cache=cache)

    def no_model_pass(*args: object) -> np.ndarray:
        raise AssertionError("scored again instead of read from the cache")

    monkeypatch.setattr(second.scorer.model, "score", no_model_pass)
    assert second(prompts=PROMPTS, completions=COMPLETIONS) == before


def test_async_function_matches_the_sync_one_on_a_local_spec() -> None:
    f = async_reward_function(AWARE, no_cache=True)
    assert isinstance(f, AsyncRewardFunction)
    out = asyncio.run(f(prompts=["ab"], completions=["xyz"], **trl_kwargs(1)))
    assert out == reward_function(AWARE, no_cache=True)(prompts=["ab"], completions=["xyz"])


def test_async_http_function_scores_through_rewardkit_serve(start_server) -> None:  # type: ignore[no-untyped-def]
    server = start_server("--model", AWARE, "--no-cache", "--max-wait-ms", "1")
    prompts: list[object] = [
        "line one\nline two",  # a newline in the prompt: the server splits it exactly
        [{"role": "user", "content": "Hi"}],
        "q",
    ]
    completions: list[object] = ["resp", [{"role": "assistant", "content": "Hello"}], "r"]
    f = async_reward_function(server.url, batch_size=2, name="remote")
    out = asyncio.run(f(prompts=prompts, completions=completions, **trl_kwargs(3)))
    local = reward_function(AWARE, no_cache=True)(prompts=prompts, completions=completions)
    assert out == local == [17004.0, 8005.0, 1001.0]


def test_async_http_function_gives_none_when_the_server_is_gone(tmp_path: Path) -> None:
    pytest.importorskip("httpx")
    spec = tmp_path / "rm.yaml"
    spec.write_text("model: http://127.0.0.1:9\nretries: 0\ntimeout: 2\n", encoding="utf-8")
    f = async_reward_function(str(spec))
    assert asyncio.run(f(prompts=["q", "q"], completions=["a", "b"])) == [None, None]
    assert f.scorer.n_failed == 2
    strict = async_reward_function(str(spec), on_error="raise")
    with pytest.raises(RewardkitError, match=r"127\.0\.0\.1:9"):
        asyncio.run(strict(prompts=["q"], completions=["a"]))
