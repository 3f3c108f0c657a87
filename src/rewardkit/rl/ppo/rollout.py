"""Sampling responses from the policy with a seeded generator.

The loop is written out (KV cache, explicit positions) rather than ``generate()``: it samples
from exactly ``softmax(logits / temperature)`` (no default top-k or top-p), which is the
distribution PPO's ratios assume, and it draws from a ``torch.Generator`` so a step's samples
depend only on the seed, the step and the weights (a resumed run samples what the
uninterrupted run sampled).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from rewardkit.rl.ppo.policy import position_ids

__all__ = ["Rollout", "encode_prompts", "sample"]


@dataclass(frozen=True)
class Rollout:
    """A batch of prompts with their sampled responses.

    Attributes:
        prompt_ids: ``(B, P)`` left-padded prompt tokens.
        prompt_mask: ``(B, P)`` 1 on prompt tokens.
        response_ids: ``(B, R)`` sampled tokens (padding after a stop token).
        response_mask: ``(B, R)`` 1 up to and including the first stop token.
    """

    prompt_ids: torch.Tensor
    prompt_mask: torch.Tensor
    response_ids: torch.Tensor
    response_mask: torch.Tensor

    @property
    def input_ids(self) -> torch.Tensor:
        return torch.cat([self.prompt_ids, self.response_ids], dim=1)

    @property
    def attention_mask(self) -> torch.Tensor:
        return torch.cat([self.prompt_mask, self.response_mask], dim=1)

    @property
    def prompt_len(self) -> int:
        return int(self.prompt_ids.size(1))

    def select(self, index: torch.Tensor) -> Rollout:
        return Rollout(
            self.prompt_ids[index],
            self.prompt_mask[index],
            self.response_ids[index],
            self.response_mask[index],
        )


def encode_prompts(
    tokenizer: Any, texts: Sequence[str], max_tokens: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """Tokenize prompt texts, cut each to its last ``max_tokens`` tokens and left-pad them."""
    rows = [list(tokenizer(t, add_special_tokens=True)["input_ids"])[-max_tokens:] for t in texts]
    width = max(1, max(len(r) for r in rows))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        if r:
            ids[i, width - len(r) :] = torch.tensor(r, dtype=torch.long)
            mask[i, width - len(r) :] = 1
    return ids.to(device), mask.to(device)


def _cache_argument(model: Any) -> str:
    """``cache`` (transformers >= 5.2x) or ``past_key_values`` (older): the forward's name for
    the KV cache."""
    import inspect

    base = getattr(model, "get_base_model", lambda: model)()
    params = inspect.signature(base.forward).parameters
    return "cache" if "cache" in params else "past_key_values"


def _cache_of(out: Any) -> Any:
    cache = getattr(out, "past_key_values", None)
    return cache if cache is not None else getattr(out, "cache", None)


@torch.no_grad()
def sample(
    model: Any,
    prompt_ids: torch.Tensor,
    prompt_mask: torch.Tensor,
    *,
    max_new_tokens: int,
    stop_ids: Sequence[int],
    pad_id: int,
    temperature: float = 1.0,
    generator: torch.Generator | None = None,
) -> Rollout:
    """Sample up to ``max_new_tokens`` per prompt; a sequence ends at its first stop token
    (which belongs to the response).

    Example:
        >>> from transformers import LlamaConfig, LlamaForCausalLM
        >>> _ = torch.manual_seed(0)
        >>> lm = LlamaForCausalLM(LlamaConfig(vocab_size=16, hidden_size=8,
        ...     intermediate_size=16, num_hidden_layers=1, num_attention_heads=2,
        ...     num_key_value_heads=1)).eval()
        >>> g = torch.Generator().manual_seed(1)
        >>> r = sample(lm, torch.tensor([[1, 2]]), torch.ones(1, 2, dtype=torch.long),
        ...            max_new_tokens=4, stop_ids=[], pad_id=0, generator=g)
        >>> tuple(r.response_ids.shape), r.response_mask.tolist()
        ((1, 4), [[1, 1, 1, 1]])
    """
    batch = prompt_ids.size(0)
    device = prompt_ids.device
    cache_arg = _cache_argument(model)
    stops = torch.tensor(sorted(set(stop_ids)), dtype=torch.long, device=device)
    mask = prompt_mask
    out = model(
        input_ids=prompt_ids,
        attention_mask=mask,
        position_ids=position_ids(mask),
        use_cache=True,
    )
    past = _cache_of(out)
    logits = out.logits[:, -1]
    pos = position_ids(mask)[:, -1:]
    done = torch.zeros(batch, dtype=torch.bool, device=device)
    tokens: list[torch.Tensor] = []
    alive: list[torch.Tensor] = []
    for t in range(max_new_tokens):
        probs = torch.softmax(logits.float() / temperature, dim=-1)
        nxt = torch.multinomial(probs.cpu(), 1, generator=generator).squeeze(1).to(device)
        nxt = torch.where(done, torch.full_like(nxt, pad_id), nxt)
        alive.append(~done)
        tokens.append(nxt)
        done = done | torch.isin(nxt, stops)
        if bool(done.all()) or t == max_new_tokens - 1:
            break
        mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)
        pos = pos + 1
        out = model(
            input_ids=nxt.unsqueeze(1),
            attention_mask=mask,
            position_ids=pos,
            use_cache=True,
            **{cache_arg: past},
        )
        past = _cache_of(out)
        logits = out.logits[:, -1]
    response = torch.stack(tokens, dim=1)
    response_mask = torch.stack(alive, dim=1).long()
    return Rollout(prompt_ids, prompt_mask, response, response_mask)
