"""``dpo:POLICY``: the implicit reward of a DPO-trained policy against its reference.

``r(x, y) = beta * (log pi(y|x) - log pi_ref(y|x))``, summed over response tokens only (prompt
tokens are masked; each prompt is tokenized once and shared by its responses). With
``length_normalize`` the log-ratio is averaged over response tokens; with ``reference_free`` the
reference term is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.errors import ConfigError
from rewardkit.models.hf_common import (
    as_messages,
    check_weights,
    folder_fingerprint,
    load_pretrained,
    options_fingerprint,
    prompt_as_text,
    require_transformers,
    resolve_device,
    single_bos,
    torch_dtype,
)
from rewardkit.models.options import DPOOptions
from rewardkit.models.spec import ModelSpec
from rewardkit.models.tokenized import LengthInfo


class DPOImplicitModel:
    """Implicit reward of a causal LM policy relative to a reference model."""

    def __init__(self, path: str, options: DPOOptions) -> None:
        transformers = require_transformers()
        import torch

        if options.reference is None and not options.reference_free:
            raise ConfigError("dpo: needs --reference REF (or --reference-free)")
        self.options = options
        self.device = resolve_device(options)
        self._torch = torch
        policy_dir = check_weights(path, options)
        self.tokenizer = load_pretrained(
            transformers.AutoTokenizer, str(policy_dir), trust_remote_code=options.trust_remote_code
        )
        self.policy = self._load(transformers, str(policy_dir))
        self.reference = None
        parts = [folder_fingerprint(policy_dir)]
        if not options.reference_free and options.reference is not None:
            ref_dir = check_weights(options.reference, options)
            self.reference = self._load(transformers, str(ref_dir))
            parts.append(folder_fingerprint(ref_dir))
        template = getattr(self.tokenizer, "chat_template", None)
        self.template = template if isinstance(template, str) else None
        pad = self.tokenizer.pad_token_id
        self.pad_id = int(pad if pad is not None else (self.tokenizer.eos_token_id or 0))
        self._prompt_ids: dict[Prompt, list[int]] = {}
        self._fingerprint = (
            "dpo/v1:"
            + "/".join(parts)
            + "/"
            + options_fingerprint(
                options, ("beta", "length_normalize", "reference_free", "max_length", "dtype")
            )
        )

    def _load(self, transformers: Any, folder: str) -> Any:
        return (
            load_pretrained(
                transformers.AutoModelForCausalLM,
                folder,
                dtype=torch_dtype(self.options),
                use_safetensors=not self.options.allow_pickle,
                trust_remote_code=self.options.trust_remote_code,
            )
            .to(self.device)
            .eval()
        )

    def prompt_ids(self, prompt: Prompt) -> list[int]:
        """Token ids of the prompt (with the generation prompt), tokenized once per prompt."""
        cached = self._prompt_ids.get(prompt)
        if cached is None:
            tok = self.tokenizer
            if self.template is not None:
                text = tok.apply_chat_template(
                    as_messages(prompt), add_generation_prompt=True, tokenize=False
                )
                ids = tok(text, add_special_tokens=False)["input_ids"]
            else:
                ids = tok(prompt_as_text(prompt) + "\n\n", add_special_tokens=False)["input_ids"]
            cached = self._prompt_ids[prompt] = single_bos(list(ids), tok)
        return cached

    def encode(self, prompt: Prompt, response: str) -> tuple[list[int], int, bool]:
        """(ids, number of prompt tokens, truncated): prompt ids then response ids."""
        p = self.prompt_ids(prompt)
        r = list(self.tokenizer(response, add_special_tokens=False)["input_ids"])
        if self.template is not None and self.tokenizer.eos_token_id is not None:
            r.append(self.tokenizer.eos_token_id)  # the end of the assistant turn is scored
        limit = self.options.max_length
        truncated = len(p) + len(r) > limit
        if truncated:
            r = r[: max(1, limit - 1)]
            keep = max(1, limit - len(r))
            p = [p[0], *p[len(p) - keep + 1 :]] if keep > 1 else p[:1]
        return p + r, len(p), truncated

    def token_lengths(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> LengthInfo:
        enc = [self.encode(p, r) for p, r in zip(prompts, responses, strict=True)]
        return LengthInfo(
            lengths=np.array([len(e[0]) for e in enc], dtype=np.int64),
            truncated=np.array([e[2] for e in enc], dtype=bool),
        )

    def response_logprobs(
        self, model: Any, encoded: list[tuple[list[int], int, bool]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sum of log-probabilities of response tokens, and their count, per input."""
        torch = self._torch
        width = max(len(ids) for ids, _, _ in encoded)
        ids = torch.full((len(encoded), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(encoded), width), dtype=torch.long)
        target = torch.zeros((len(encoded), width), dtype=torch.bool)
        for row, (seq, n_prompt, _) in enumerate(encoded):
            ids[row, : len(seq)] = torch.tensor(seq)
            mask[row, : len(seq)] = 1
            target[row, n_prompt : len(seq)] = True
        ids, mask, target = ids.to(self.device), mask.to(self.device), target.to(self.device)
        with torch.inference_mode():
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
            logp = torch.log_softmax(logits, dim=-1).gather(-1, ids[:, 1:, None])[..., 0]
            keep = target[:, 1:]
            total = (logp * keep).sum(-1)
        return total.double().cpu().numpy(), keep.sum(-1).cpu().numpy()

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        encoded = [self.encode(p, r) for p, r in zip(prompts, responses, strict=True)]
        policy, count = self.response_logprobs(self.policy, encoded)
        ratio = policy
        if self.reference is not None:
            ratio = policy - self.response_logprobs(self.reference, encoded)[0]
        if self.options.length_normalize:
            ratio = ratio / np.maximum(count, 1)
        return np.asarray(self.options.beta * ratio, dtype=np.float64)

    def fingerprint(self) -> str:
        return self._fingerprint

    def describe(self) -> str:
        return json.dumps({"template": self.template is not None})


def from_spec(spec: ModelSpec) -> DPOImplicitModel:
    """The implicit reward of the policy folder ``dpo:DIR`` names."""
    return DPOImplicitModel(spec.location, spec.options_as(DPOOptions))
