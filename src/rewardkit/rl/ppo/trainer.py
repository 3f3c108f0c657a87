"""One PPO step: sample a rollout batch, score it, compute KL-penalised per-token rewards,
GAE advantages and returns, then several epochs of clipped policy and value updates over
minibatches.

``PPOTrainer.step(prompts, step)`` is a pure function of the weights, the optimizer state, the
KL coefficient, the seed and the step number: sampling and minibatch order draw from
generators seeded by ``(seed, step)``, so a run resumed from a checkpoint repeats the
uninterrupted run exactly.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from rewardkit.data.records import Prompt
from rewardkit.rl.ppo.config import PPOConfig
from rewardkit.rl.ppo.core import (
    approx_kl,
    clipped_policy_loss,
    clipped_value_loss,
    entropy_from_logits,
    explained_variance,
    gae,
    masked_mean,
    masked_whiten,
    token_rewards,
)
from rewardkit.rl.ppo.kl_control import KLController
from rewardkit.rl.ppo.policy import PolicyWithValue, position_ids, response_logprobs
from rewardkit.rl.ppo.reward import RewardFunction
from rewardkit.rl.ppo.rollout import Rollout, encode_prompts, sample

__all__ = ["Experience", "PPOTrainer", "Samples", "prompt_text", "step_seed"]


def step_seed(seed: int, step: int, stream: int = 0) -> int:
    """The seed of one step's generator (``stream`` 0: sampling, 1: minibatch order,
    2: evaluation sampling).

    Example:
        >>> step_seed(0, 3), step_seed(0, 3, 1)
        (3, 1000003003)
    """
    return (seed * 1_000_003 + step + stream * 1_000_003_000) % (2**63 - 1)


def prompt_text(tokenizer: Any, prompt: Prompt) -> str:
    """A prompt as the text the policy continues: plain text as is, a conversation through
    the tokenizer's chat template (with the generation prompt)."""
    if isinstance(prompt, str):
        return prompt
    messages = [{"role": m.role, "content": m.content} for m in prompt]
    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return str(text)
    return "\n\n".join(f"{m['role']}: {m['content']}" for m in messages) + "\n\nassistant:"


@dataclass(frozen=True)
class Samples:
    """Sampled responses with their texts and the reference log-probs."""

    rollout: Rollout
    texts: list[str]
    logp: torch.Tensor
    ref_logp: torch.Tensor
    values: torch.Tensor
    entropy: torch.Tensor


@dataclass(frozen=True)
class Experience:
    """What PPO trains on for one rollout batch."""

    rollout: Rollout
    logp: torch.Tensor
    values: torch.Tensor
    advantages: torch.Tensor
    returns: torch.Tensor


class PPOTrainer:
    """Single-process PPO (one GPU or the CPU).

    Args:
        model: The policy with its value head (trainable).
        reference: The frozen reference LM.
        tokenizer: The policy's tokenizer (left padding is done here).
        reward: The reward function (proxy RM).
        config: Hyperparameters.
        device: Where the models live.
    """

    def __init__(
        self,
        model: PolicyWithValue,
        reference: Any,
        tokenizer: Any,
        reward: RewardFunction,
        config: PPOConfig,
        device: torch.device,
    ) -> None:
        self.model = model
        self.reference = reference
        self.tokenizer = tokenizer
        self.reward = reward
        self.config = config
        self.device = device
        self.kl = KLController(config.kl_coef, config.kl_target, config.kl_horizon)
        value_params = [p for n, p in model.named_parameters() if p.requires_grad and _is_value(n)]
        policy_params = [
            p for n, p in model.named_parameters() if p.requires_grad and not _is_value(n)
        ]
        critic_lr = config.critic_learning_rate or config.learning_rate
        self.optimizer = torch.optim.AdamW(
            [
                {"params": policy_params, "lr": config.learning_rate},
                {"params": value_params, "lr": critic_lr},
            ],
            betas=(0.9, 0.95),
            weight_decay=0.0,
        )
        self.stop_ids = _stop_ids(tokenizer, config.stop)
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    # -- sampling -------------------------------------------------------------------------
    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.config.bf16 and self.device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    @torch.no_grad()
    def generate(self, prompts: Sequence[Prompt], seed: int) -> Samples:
        """Sample one response per prompt and compute the log-probs the update needs."""
        cfg = self.config
        texts_in = [prompt_text(self.tokenizer, p) for p in prompts]
        ids, mask = encode_prompts(self.tokenizer, texts_in, cfg.max_prompt_tokens, self.device)
        generator = torch.Generator().manual_seed(seed)
        with self._autocast():
            rollout = sample(
                self.model.policy,
                ids,
                mask,
                max_new_tokens=cfg.max_new_tokens,
                stop_ids=self.stop_ids,
                pad_id=self.pad_id,
                temperature=cfg.temperature,
                generator=generator,
            )
            logits, values = self.model(rollout.input_ids, rollout.attention_mask)
            logp, step_logits = response_logprobs(
                logits, rollout.response_ids, rollout.prompt_len, cfg.temperature
            )
            ref_logits = self.reference(
                input_ids=rollout.input_ids,
                attention_mask=rollout.attention_mask,
                position_ids=position_ids(rollout.attention_mask),
                use_cache=False,
            ).logits
            ref_logp, _ = response_logprobs(
                ref_logits, rollout.response_ids, rollout.prompt_len, cfg.temperature
            )
        values = _action_values(values, rollout).float()
        texts = self.decode(rollout)
        return Samples(rollout, texts, logp, ref_logp, values, entropy_from_logits(step_logits))

    def decode(self, rollout: Rollout) -> list[str]:
        """The response texts (stop and special tokens dropped)."""
        out = []
        for row, keep in zip(
            rollout.response_ids.tolist(), rollout.response_mask.tolist(), strict=True
        ):
            tokens = [t for t, k in zip(row, keep, strict=True) if k and t not in self.stop_ids]
            out.append(self.tokenizer.decode(tokens, skip_special_tokens=True))
        return out

    # -- one step ---------------------------------------------------------------------------
    def step(self, prompts: Sequence[Prompt], step: int) -> dict[str, Any]:
        """One PPO step on ``prompts``; returns the step's metrics."""
        cfg = self.config
        started = time.perf_counter()
        self.model.eval()  # no dropout: the ratio of the first epoch is exactly 1
        samples = self.generate(prompts, step_seed(cfg.seed, step))
        rollout = samples.rollout
        mask = rollout.response_mask.float()
        raw, clipped = self.reward(prompts, samples.texts)
        score = torch.tensor(clipped, dtype=torch.float32, device=self.device)
        kl = approx_kl(samples.logp, samples.ref_logp, cfg.kl_estimator) * mask
        kl_coef = self.kl.value
        rewards = token_rewards(score, kl, kl_coef, mask)
        advantages, returns = gae(rewards, samples.values, mask, cfg.gamma, cfg.lam)
        if cfg.whiten_advantages:
            advantages = masked_whiten(advantages, mask)
        exp = Experience(rollout, samples.logp, samples.values, advantages, returns)
        train = self._update(exp, step)
        seq_kl = kl.sum(dim=1)
        mean_kl = float(seq_kl.mean())
        self.kl.update(mean_kl, len(prompts))
        lengths = rollout.response_mask.sum(dim=1).float()
        seconds = time.perf_counter() - started
        return {
            "step": step,
            "reward": float(np.mean(raw)),
            "reward_clipped": float(np.mean(clipped)),
            "kl": mean_kl,
            "kl_k1": float((samples.logp - samples.ref_logp).mul(mask).sum(dim=1).mean()),
            "kl_coef": kl_coef,
            "non_score_reward": float((-kl_coef * seq_kl).mean()),
            "entropy": float(masked_mean(samples.entropy, mask)),
            "response_length": float(lengths.mean()),
            "explained_variance": explained_variance(samples.values, returns, mask),
            **train,
            "tokens_per_s": float(lengths.sum()) / seconds if seconds > 0 else float("nan"),
        }

    def _update(self, exp: Experience, step: int) -> dict[str, float]:
        cfg = self.config
        n = exp.rollout.response_ids.size(0)
        order = torch.Generator().manual_seed(step_seed(cfg.seed, step, 1))
        sums: dict[str, float] = {"policy_loss": 0.0, "value_loss": 0.0, "clip_frac": 0.0}
        sums.update({"approx_kl_old": 0.0, "grad_norm": 0.0})
        count = 0
        for _ in range(cfg.ppo_epochs):
            perm = torch.randperm(n, generator=order)
            for index in _chunks(perm, cfg.minibatch_size):
                index = index.to(self.device)
                mb = exp.rollout.select(index)
                mask = mb.response_mask.float()
                with self._autocast():
                    logits, values = self.model(mb.input_ids, mb.attention_mask)
                    logp, _ = response_logprobs(
                        logits, mb.response_ids, mb.prompt_len, cfg.temperature
                    )
                values = _action_values(values, mb).float()
                pg_loss, clip_frac = clipped_policy_loss(
                    logp, exp.logp[index], exp.advantages[index], mask, cfg.eps_clip
                )
                v_loss = clipped_value_loss(
                    values, exp.values[index], exp.returns[index], mask, cfg.value_clip
                )
                loss = pg_loss + cfg.vf_coef * v_loss
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()  # type: ignore[no-untyped-call]
                params = [p for g in self.optimizer.param_groups for p in g["params"]]
                norm = torch.nn.utils.clip_grad_norm_(
                    params, cfg.max_grad_norm if cfg.max_grad_norm is not None else float("inf")
                )
                self.optimizer.step()
                sums["policy_loss"] += float(pg_loss.detach())
                sums["value_loss"] += float(v_loss.detach())
                sums["clip_frac"] += float(clip_frac)
                sums["approx_kl_old"] += float(
                    masked_mean(0.5 * (logp.detach() - exp.logp[index]) ** 2, mask)
                )
                sums["grad_norm"] += float(norm)
                count += 1
        return {k: v / count for k, v in sums.items()}

    # -- evaluation ---------------------------------------------------------------------------
    @torch.no_grad()
    def evaluate(self, prompts: Sequence[Prompt], seed: int) -> tuple[list[str], float]:
        """Sample held-out responses; returns their texts and the mean sequence KL to the
        reference (k1, the unbiased estimate of KL(policy || reference) per sequence)."""
        self.model.eval()
        samples = self.generate(prompts, seed)
        mask = samples.rollout.response_mask.float()
        kl = float(((samples.logp - samples.ref_logp) * mask).sum(dim=1).mean())
        return samples.texts, kl


def _is_value(name: str) -> bool:
    return name.startswith(("value_head.", "critic."))


def _action_values(values: torch.Tensor, rollout: Rollout) -> torch.Tensor:
    start = rollout.prompt_len - 1
    return values[:, start : start + rollout.response_ids.size(1)]


def _chunks(perm: torch.Tensor, size: int) -> Iterator[torch.Tensor]:
    for i in range(0, perm.numel(), size):
        yield perm[i : i + size]


def _stop_ids(tokenizer: Any, stop: Sequence[str]) -> list[int]:
    ids = [] if tokenizer.eos_token_id is None else [int(tokenizer.eos_token_id)]
    for text in stop:
        tokens = tokenizer(text, add_special_tokens=False)["input_ids"]
        if len(tokens) != 1:
            from rewardkit.errors import ConfigError

            raise ConfigError(
                f"stop {text!r} is {len(tokens)} tokens of the policy's tokenizer; each stop "
                "must be one token"
            )
        ids.append(int(tokens[0]))
    return sorted(set(ids))
