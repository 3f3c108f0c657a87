"""The policy with its value estimate: a causal LM plus a value head on its last hidden state,
or (``critic="separate"``) a second copy of the LM with its own head.

Example:
    >>> import torch
    >>> from transformers import LlamaConfig, LlamaForCausalLM
    >>> lm = LlamaForCausalLM(LlamaConfig(vocab_size=16, hidden_size=8, intermediate_size=16,
    ...     num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1))
    >>> pv = PolicyWithValue(lm)
    >>> logits, values = pv(torch.tensor([[1, 2, 3]]), torch.ones(1, 3, dtype=torch.long))
    >>> tuple(logits.shape), tuple(values.shape)
    ((1, 3, 16), (1, 3))
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

__all__ = ["PolicyWithValue", "position_ids", "response_logprobs"]


def position_ids(attention_mask: torch.Tensor) -> torch.Tensor:
    """Positions that skip left padding (the same in sampling and in training forwards).

    Example:
        >>> position_ids(torch.tensor([[0, 1, 1]])).tolist()
        [[0, 0, 1]]
    """
    return (attention_mask.long().cumsum(-1) - 1).clamp(min=0)


def _hidden_size(lm: Any) -> int:
    config = lm.config
    text = config.get_text_config() if hasattr(config, "get_text_config") else config
    return int(text.hidden_size)


class PolicyWithValue(nn.Module):
    """A causal LM (``policy``) and its value estimate of every prefix.

    Args:
        policy: A transformers causal LM (optionally wrapped by peft).
        critic: None for a value head on the policy's last hidden state; or a second causal
            LM whose last hidden state feeds the head (a separate critic).
    """

    def __init__(self, policy: nn.Module, critic: nn.Module | None = None) -> None:
        super().__init__()
        self.policy = policy
        self.critic = critic
        hidden = _hidden_size(critic if critic is not None else policy)
        self.value_head = nn.Linear(hidden, 1)
        # OpenRLHF's critic head initialisation.
        nn.init.normal_(self.value_head.weight, std=1.0 / (hidden + 1))
        nn.init.zeros_(self.value_head.bias)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits ``(B, T, V)`` and values ``(B, T)`` (the value of the prefix up to each
        position, i.e. of the state before the token that position predicts)."""
        pos = position_ids(attention_mask)
        out = self.policy(
            input_ids=input_ids,
            attention_mask=attention_mask,
            position_ids=pos,
            output_hidden_states=self.critic is None,
            use_cache=False,
        )
        if self.critic is None:
            hidden = out.hidden_states[-1]
        else:
            hidden = self.critic(
                input_ids=input_ids,
                attention_mask=attention_mask,
                position_ids=pos,
                output_hidden_states=True,
                use_cache=False,
            ).hidden_states[-1]
        values = self.value_head(hidden.to(self.value_head.weight.dtype)).squeeze(-1)
        return out.logits, values


def response_logprobs(
    logits: torch.Tensor, response_ids: torch.Tensor, prompt_len: int, temperature: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Log-probabilities of the response tokens under ``logits / temperature`` and the logits
    that predicted them (``(B, R)`` and ``(B, R, V)``), for sequences laid out as
    ``[prompt (length prompt_len) ; response]``.

    Example:
        >>> lp, _ = response_logprobs(torch.zeros(1, 3, 4), torch.tensor([[2, 1]]), 1, 1.0)
        >>> [round(x, 4) for x in lp[0].tolist()]
        [-1.3863, -1.3863]
    """
    length = response_ids.size(1)
    step_logits = logits[:, prompt_len - 1 : prompt_len - 1 + length].float() / temperature
    logp = torch.log_softmax(step_logits, dim=-1)
    return logp.gather(-1, response_ids.unsqueeze(-1)).squeeze(-1), step_logits
