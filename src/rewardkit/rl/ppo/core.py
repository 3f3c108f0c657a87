"""PPO's pure tensor pieces: masked statistics, KL estimators, per-token rewards, GAE and the
clipped losses.

Every function takes ``(batch, response_length)`` tensors and a 0/1 ``mask`` of the response
tokens (1 up to and including a sequence's last token, 0 on padding). The formulas follow
OpenRLHF (``openrlhf/models/utils.py`` ``compute_approx_kl``/``compute_reward``,
``openrlhf/trainer/ppo_utils/experience_maker.py`` ``get_advantages_and_returns``,
``openrlhf/models/loss.py`` ``PolicyLoss``/``ValueLoss`` at commit
3c3be6234e0cb353e76bb8019947db9dfe99fca7). Losses are token-level means (OpenRLHF's default
``token_level_loss``); an episode ends at each sequence's last response token (values and
rewards past it are masked out, so that token bootstraps from 0).
"""

from __future__ import annotations

from typing import Literal

import torch

__all__ = [
    "KLEstimator",
    "approx_kl",
    "clipped_policy_loss",
    "clipped_value_loss",
    "entropy_from_logits",
    "explained_variance",
    "gae",
    "masked_mean",
    "masked_whiten",
    "token_rewards",
]

KLEstimator = Literal["k1", "k2", "k3"]
KL_CLAMP = 10.0  # OpenRLHF clamps every per-token estimate to [-10, 10]


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``x`` over the positions where ``mask`` is 1.

    Example:
        >>> masked_mean(torch.tensor([[1.0, 2.0, 9.0]]), torch.tensor([[1.0, 1.0, 0.0]]))
        tensor(1.5000)
    """
    return (x * mask).sum() / mask.sum().clamp(min=1.0)


def masked_whiten(x: torch.Tensor, mask: torch.Tensor, shift_mean: bool = True) -> torch.Tensor:
    """``(x - mean) / std`` over the masked positions (population variance, clamped at 1e-8 as
    OpenRLHF does); masked positions come out 0. ``shift_mean=False`` only rescales.

    Example:
        >>> w = masked_whiten(torch.tensor([[1.0, 3.0, 7.0]]), torch.tensor([[1.0, 1.0, 0.0]]))
        >>> w.tolist()
        [[-1.0, 1.0, 0.0]]
    """
    mean = masked_mean(x, mask)
    var = masked_mean((x - mean) ** 2, mask)
    out = (x - mean) if shift_mean else x
    return out * var.clamp(min=1e-8).rsqrt() * mask


def approx_kl(
    logp: torch.Tensor, logp_ref: torch.Tensor, estimator: KLEstimator = "k1"
) -> torch.Tensor:
    """Per-token estimate of KL(policy || reference) from the sampled tokens' log-probs
    (Schulman's k1 = log r, k2 = (log r)^2 / 2, k3 = exp(-log r) - 1 + log r, with
    ``log r = logp - logp_ref``), each clamped to [-10, 10].

    Example:
        >>> approx_kl(torch.tensor([0.0]), torch.tensor([-1.0]), "k3")
        tensor([0.3679])
    """
    dtype = torch.promote_types(torch.promote_types(logp.dtype, logp_ref.dtype), torch.float32)
    log_ratio = logp.to(dtype) - logp_ref.to(dtype)  # bf16 in, float32 out (float64 stays)
    if estimator == "k1":
        kl = log_ratio
    elif estimator == "k2":
        kl = log_ratio**2 / 2.0
    elif estimator == "k3":
        kl = (-log_ratio).exp() - 1.0 + log_ratio
    else:
        raise ValueError(f"unknown KL estimator {estimator!r}; known: k1, k2, k3")
    return kl.clamp(min=-KL_CLAMP, max=KL_CLAMP)


def token_rewards(
    score: torch.Tensor, kl: torch.Tensor, kl_coef: float, mask: torch.Tensor
) -> torch.Tensor:
    """Per-token rewards: ``-kl_coef * kl`` on every response token plus the sequence's score
    on its last token (the score is clipped by the caller).

    Example:
        >>> token_rewards(
        ...     torch.tensor([2.0]), torch.tensor([[0.5, 1.0, 0.0]]), 0.1,
        ...     torch.tensor([[1.0, 1.0, 0.0]]),
        ... ).tolist()
        [[-0.05000000074505806, 1.899999976158142, 0.0]]
    """
    coef = max(kl_coef, 0.0)
    length = mask.size(1)
    last = length - 1 - mask.long().fliplr().argmax(dim=1, keepdim=True)
    final = torch.zeros_like(kl).scatter_(1, last, score.unsqueeze(1).to(kl.dtype))
    has_tokens = (mask.sum(dim=1, keepdim=True) > 0).to(kl.dtype)
    return (final * has_tokens - coef * kl) * mask


def gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    mask: torch.Tensor,
    gamma: float = 1.0,
    lam: float = 1.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimates and returns (Schulman et al. 2016).

    ``delta_t = r_t + gamma V_{t+1} - V_t``, ``A_t = delta_t + gamma lam A_{t+1}``, with
    ``V`` and ``r`` zero past each sequence's end (the episode ends there) and
    ``returns = A + V``. Padding positions come out 0.

    Example:
        >>> adv, ret = gae(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.25]]),
        ...                torch.ones(1, 2), gamma=1.0, lam=1.0)
        >>> adv.tolist(), ret.tolist()
        ([[0.5, 0.75]], [[1.0, 1.0]])
    """
    values = values * mask
    rewards = rewards * mask
    length = rewards.size(1)
    last = torch.zeros_like(rewards[:, 0])
    out = []
    for t in reversed(range(length)):
        next_value = values[:, t + 1] if t < length - 1 else torch.zeros_like(last)
        delta = rewards[:, t] + gamma * next_value - values[:, t]
        last = delta + gamma * lam * last
        out.append(last)
    advantages = torch.stack(out[::-1], dim=1) * mask
    return advantages, (advantages + values) * mask


def clipped_policy_loss(
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    eps_clip: float = 0.2,
) -> tuple[torch.Tensor, torch.Tensor]:
    """PPO's clipped surrogate ``mean(-min(r A, clip(r, 1-eps, 1+eps) A))`` over the response
    tokens (``r = exp(logp - old_logp)``, log-ratio clamped to [-20, 20]), and the share of
    tokens where the clipped term is the smaller one (the clip fraction).

    Example:
        >>> loss, frac = clipped_policy_loss(torch.tensor([[0.0]]), torch.tensor([[0.0]]),
        ...                                  torch.tensor([[2.0]]), torch.ones(1, 1))
        >>> float(loss), float(frac)
        (-2.0, 0.0)
    """
    ratio = (logp - old_logp).clamp(min=-20.0, max=20.0).exp()
    surr1 = ratio * advantages
    surr2 = ratio.clamp(1.0 - eps_clip, 1.0 + eps_clip) * advantages
    loss = masked_mean(-torch.min(surr1, surr2), mask)
    clipped = (surr2 < surr1).to(logp.dtype)
    return loss, masked_mean(clipped, mask).detach()


def clipped_value_loss(
    values: torch.Tensor,
    old_values: torch.Tensor,
    returns: torch.Tensor,
    mask: torch.Tensor,
    value_clip: float | None = 0.5,
) -> torch.Tensor:
    """``0.5 * mean(max((V - R)^2, (V_clip - R)^2))`` over the response tokens, with
    ``V_clip = old + clip(V - old, -value_clip, value_clip)`` (no clipping when None).

    Example:
        >>> float(clipped_value_loss(torch.tensor([[2.0]]), torch.tensor([[0.0]]),
        ...                          torch.tensor([[0.0]]), torch.ones(1, 1)))
        2.0
    """
    err = (values - returns) ** 2
    if value_clip is not None:
        clipped = old_values + (values - old_values).clamp(-value_clip, value_clip)
        err = torch.max(err, (clipped - returns) ** 2)
    return 0.5 * masked_mean(err, mask)


def explained_variance(values: torch.Tensor, returns: torch.Tensor, mask: torch.Tensor) -> float:
    """``1 - Var(R - V) / Var(R)`` over the response tokens (NaN when the returns are constant).

    Example:
        >>> explained_variance(torch.tensor([[1.0, 2.0]]), torch.tensor([[1.0, 3.0]]),
        ...                    torch.ones(1, 2))
        0.75
    """
    var_r = masked_mean((returns - masked_mean(returns, mask)) ** 2, mask)
    resid = returns - values
    var_e = masked_mean((resid - masked_mean(resid, mask)) ** 2, mask)
    if float(var_r) == 0.0:
        return float("nan")
    return float(1.0 - var_e / var_r)


def entropy_from_logits(logits: torch.Tensor) -> torch.Tensor:
    """Entropy (nats) of each position's next-token distribution.

    Example:
        >>> round(float(entropy_from_logits(torch.zeros(1, 4))), 4)
        1.3863
    """
    logp = torch.log_softmax(logits.float(), dim=-1)
    return -(logp.exp() * logp).sum(dim=-1)
