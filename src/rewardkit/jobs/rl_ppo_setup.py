"""What a PPO run (:mod:`rewardkit.jobs.rl_ppo`) trains and scores with: the device, the
policy with its value head, the frozen reference, and the proxy or gold reward (calibrated,
clipped, with a guard policy's penalty)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.errors import ConfigError
from rewardkit.models.hf_common import prompt_as_text, require_transformers
from rewardkit.models.protocol import RewardModel
from rewardkit.models.registry import load_spec
from rewardkit.models.spec import parse_model_spec
from rewardkit.rl.ppo.config import PPOConfig
from rewardkit.runs.manifest import sha256_path

__all__ = ["device_of", "guarded", "load_models", "reward_function"]


def device_of(name: str) -> Any:
    """The torch device ``auto`` (CUDA when present), ``cpu`` or ``cuda[:N]`` names."""
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def load_models(
    policy: Path, reference: Path | None, config: PPOConfig, device: Any
) -> tuple[Any, Any, Any]:
    """The policy with its value head (or critic), the frozen reference and the tokenizer."""
    import torch

    transformers = require_transformers()
    from rewardkit.rl.ppo.policy import PolicyWithValue

    for folder, _what in ((policy, "policy"), (reference, "reference")):
        if folder is not None and not (folder / "config.json").is_file():
            raise ConfigError(f"{folder}: not a Hugging Face model folder (no config.json)")
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(policy))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    load = transformers.AutoModelForCausalLM.from_pretrained
    torch.manual_seed(config.seed)  # the value head's initial weights
    lm = load(str(policy), dtype=torch.float32).to(device)
    critic = (
        load(str(policy), dtype=torch.float32).to(device) if config.critic == "separate" else None
    )
    if config.lora_r is not None:
        try:
            import peft
        except ImportError as exc:
            from rewardkit.errors import MissingExtraError

            raise MissingExtraError("peft", "train") from exc
        lora = peft.LoraConfig(
            r=config.lora_r,
            lora_alpha=config.lora_alpha,
            lora_dropout=config.lora_dropout,
            target_modules="all-linear",
            task_type="CAUSAL_LM",
        )
        lm = peft.get_peft_model(lm, lora)
    model = PolicyWithValue(lm, critic).to(device)
    ref = load(str(reference or policy), dtype=torch.float32).to(device).eval()
    for p in ref.parameters():
        p.requires_grad_(False)
    return tokenizer, model, ref


def reward_function(
    spec_text: str,
    config: PPOConfig,
    model_options: dict[str, Any] | None,
    calibrated: bool,
    clip: bool = True,
) -> tuple[Any, str]:
    """The proxy (or gold) reward of a spec, raw or calibrated, clipped to ``reward_clip``
    (``clip``), and its model's fingerprint."""
    from rewardkit.rl.ppo.reward import RewardFunction

    spec = parse_model_spec(spec_text, model_options, defaults={"seed": config.seed})
    model = load_spec(spec)
    if not isinstance(model, RewardModel):
        raise ConfigError(f"{spec.text}: PPO needs a model that scores (prompt, response) pairs")
    to_probability = None
    if calibrated:
        from rewardkit.calibration.serialize import calibrator_beside

        found = calibrator_beside(spec)
        if found is None:
            raise ConfigError(
                f"{spec.text}: calibrated rewards need a calibrator.json beside the model "
                "(run rewardkit calibrate), or set calibrated: false"
            )
        to_probability = found[0].predict_proba
    bounds = config.reward_clip if clip else (-math.inf, math.inf)
    return RewardFunction(model, bounds, to_probability, name=spec.text), model.fingerprint()


def guarded(reward_fn: Any, reward_fp: str, policy_path: Path) -> tuple[Any, str]:
    """The reward with a guard policy's penalty subtracted for blocked responses."""
    from rewardkit.guard import apply_guard
    from rewardkit.guard.policy import load_policy

    policy = load_policy(policy_path)

    def penalty(prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        texts = [p if isinstance(p, str) else prompt_as_text(p) for p in prompts]
        return apply_guard(policy, list(responses), prompts=texts)

    reward_fn.penalty = penalty
    return reward_fn, f"{reward_fp}/guard={sha256_path(policy_path)[:16]}"
