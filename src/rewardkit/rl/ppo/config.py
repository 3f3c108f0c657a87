"""Options of ``rewardkit rl ppo`` (``configs/ppo.yaml``; every field is also settable there).

Defaults follow OpenRLHF's PPO (``openrlhf/cli/train_ppo_ray.py`` at commit
3c3be6234e0cb353e76bb8019947db9dfe99fca7): KL coefficient 0.01, fixed, k1 estimator; GAE
gamma 1, lambda 1; eps_clip 0.2; value_clip 0.5; rewards clipped to [-10, 10]; advantages
whitened; gradient norm clipped at 1.0.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["PPOConfig"]


class PPOConfig(BaseModel):
    """Hyperparameters of a PPO run.

    Example:
        >>> cfg = PPOConfig()
        >>> cfg.kl_coef, cfg.kl_estimator, cfg.gamma, cfg.lam, cfg.eps_clip, cfg.value_clip
        (0.01, 'k1', 1.0, 1.0, 0.2, 0.5)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(default=0, ge=0)
    steps: int = Field(default=100, ge=1, description="PPO steps (one rollout batch each)")
    rollout_batch_size: int = Field(default=16, ge=1, description="prompts per rollout batch")
    minibatch_size: int = Field(default=8, ge=1, description="sequences per optimizer step")
    ppo_epochs: int = Field(default=1, ge=1, description="passes over each rollout batch")
    learning_rate: float = Field(default=1e-6, gt=0.0)
    critic_learning_rate: float | None = Field(
        default=None, gt=0.0, description="value head / critic lr (default: learning_rate)"
    )
    max_grad_norm: float | None = Field(default=1.0, gt=0.0)
    # sampling
    max_new_tokens: int = Field(default=64, ge=1)
    temperature: float = Field(default=1.0, gt=0.0)
    stop: tuple[str, ...] = Field(
        default=(), description="stop strings; each must be one token of the policy's vocab"
    )
    max_prompt_tokens: int = Field(default=512, ge=1, description="prompts are cut on the left")
    # KL penalty
    kl_coef: float = Field(default=0.01, ge=0.0, description="initial KL coefficient")
    kl_target: float | None = Field(
        default=None, gt=0.0, description="adaptive KL target (nats per sequence); None: fixed"
    )
    kl_horizon: int = Field(default=10000, ge=1)
    kl_estimator: Literal["k1", "k2", "k3"] = "k1"
    # advantages and losses
    gamma: float = Field(default=1.0, ge=0.0, le=1.0)
    lam: float = Field(default=1.0, ge=0.0, le=1.0)
    whiten_advantages: bool = True
    eps_clip: float = Field(default=0.2, gt=0.0)
    value_clip: float | None = Field(default=0.5, gt=0.0)
    vf_coef: float = Field(default=1.0, ge=0.0, description="weight of the value loss")
    # reward
    reward_clip: tuple[float, float] = (-10.0, 10.0)
    calibrated: bool = Field(
        default=False, description="reward = log-odds of the RM's calibrator (if it has one)"
    )
    guard: str | None = Field(
        default=None,
        description="guard policy YAML (rewardkit guard): a blocked response's reward loses the "
        "policy's penalty",
    )
    # model
    critic: Literal["head", "separate"] = Field(
        default="head", description="value head on the policy, or a separate critic model"
    )
    lora_r: int | None = Field(default=None, ge=1, description="LoRA rank (needs peft)")
    lora_alpha: int = Field(default=16, ge=1)
    lora_dropout: float = Field(default=0.0, ge=0.0, lt=1.0)
    bf16: bool = Field(default=True, description="bf16 autocast when a capable GPU is used")
    device: str = Field(default="auto", description="auto, cpu, cuda, cuda:N")
    # checkpoints, overoptimization watch
    checkpoint_every: int = Field(default=10, ge=1, description="steps between checkpoints")
    eval_every: int = Field(default=10, ge=1, description="steps between gold evaluations")
    eval_prompts: int = Field(default=32, ge=1, description="held-out prompts scored per eval")
    early_stop_patience: int | None = Field(
        default=None,
        ge=1,
        description="stop after this many evaluations past the gold peak with gold below it "
        "and proxy above its value there (None: never stop early)",
    )

    @model_validator(mode="after")
    def _check(self) -> PPOConfig:
        lo, hi = self.reward_clip
        if not lo < hi:
            raise ValueError(f"reward_clip: low {lo} must be below high {hi}")
        if self.minibatch_size > self.rollout_batch_size:
            raise ValueError("minibatch_size must not exceed rollout_batch_size")
        return self
