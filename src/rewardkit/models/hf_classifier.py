"""``hf:PATH``: a Hugging Face sequence-classification reward model with a single logit."""

from __future__ import annotations

import hashlib
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
from rewardkit.models.options import LocalOptions
from rewardkit.models.spec import ModelSpec
from rewardkit.models.tokenized import EncodedStore, LengthInfo, truncate_ids


class ClassifierInputs:
    """How ``hf:`` turns (prompt, response) inputs into model tensors; the ``hf`` trainer uses
    the same object, so a trained model is scored on exactly the inputs it was trained on.

    With a chat template the prompt becomes the user turn(s) and the response the assistant
    turn, rendered by the template and tokenized without adding special tokens again (exactly
    one BOS). Without one, prompt and response are encoded as a text pair. Inputs longer than
    ``max_length`` are truncated on ``truncation_side`` (default left: the oldest context goes
    first) and counted. Padding is explicit, with attention masks and position ids, so a score
    does not depend on batch size, order or padding side.

    Sets ``model.config.pad_token_id`` to the pad id it uses (the model's own, else the
    tokenizer's pad, else its EOS).
    """

    def __init__(self, tokenizer: Any, model: Any, options: LocalOptions, name: str) -> None:
        import torch

        self.tokenizer = tokenizer
        self.options = options
        # The pad id the model was trained with decides which token HF's head pools (the last
        # one that is not padding), so keep the model's own; fall back to the tokenizer's pad,
        # then its EOS (with pad == EOS a trailing EOS is not pooled, as in HF training).
        pad = model.config.pad_token_id
        for candidate in (tokenizer.pad_token_id, tokenizer.eos_token_id):
            pad = candidate if pad is None else pad
        if pad is None:
            raise ConfigError(f"{name}: the tokenizer has neither a pad nor an eos token")
        self.pad_id = int(pad)
        model.config.pad_token_id = self.pad_id
        positions = getattr(model.config, "max_position_embeddings", None)
        self.max_length = min(options.max_length, int(positions or options.max_length))
        # Decoder heads pool the last real token (either padding side works); encoder heads
        # pool position 0, so they need right padding.
        self.pools_last = hasattr(model, "score")
        side = options.padding_side or tokenizer.padding_side or "right"
        if side == "left" and not self.pools_last:
            raise ConfigError(f"{name}: this model pools its first token; use right padding")
        self.padding_side = side
        template = getattr(tokenizer, "chat_template", None)
        self.template = template if isinstance(template, str) else None
        self.segments = (
            self.template is None
            and getattr(model.config, "type_vocab_size", 1) > 1
            and tokenizer.sep_token_id is not None
        )
        self._torch = torch

    def encode(self, prompt: Prompt, response: str) -> tuple[list[int], bool]:
        """Token ids of one input and whether it was truncated."""
        if self.template is not None:
            text = self.tokenizer.apply_chat_template(
                [*as_messages(prompt), {"role": "assistant", "content": response}], tokenize=False
            )
            ids = single_bos(
                self.tokenizer(text, add_special_tokens=False)["input_ids"], self.tokenizer
            )
        else:
            ids = self.tokenizer(prompt_as_text(prompt), response, add_special_tokens=True)[
                "input_ids"
            ]
        truncated = len(ids) > self.max_length
        special_first = bool(ids) and ids[0] in self.tokenizer.all_special_ids
        ids = truncate_ids(
            list(ids),
            self.max_length,
            self.options.truncation_side,
            keep_first=special_first,
        )
        return ids, truncated

    def batch_tensors(self, encoded: Sequence[Sequence[int]], device: Any) -> dict[str, Any]:
        """Pad to the batch's longest input on the configured side, with masks and positions."""
        torch = self._torch
        width = max(len(ids) for ids in encoded)
        input_ids = torch.full((len(encoded), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(encoded), width), dtype=torch.long)
        for row, ids in enumerate(encoded):
            span = (
                slice(width - len(ids), width)
                if self.padding_side == "left"
                else slice(0, len(ids))
            )
            input_ids[row, span] = torch.tensor(ids, dtype=torch.long)
            mask[row, span] = 1
        tensors = {"input_ids": input_ids, "attention_mask": mask}
        if self.segments:
            # Text pairs: segment 0 up to and including the first separator, 1 after it.
            sep = (input_ids == self.tokenizer.sep_token_id) & (mask == 1)
            after = (sep.long().cumsum(-1) - sep.long()) > 0
            tensors["token_type_ids"] = (after & (mask == 1)).long()
        if self.pools_last:
            tensors["position_ids"] = (mask.cumsum(-1) - 1).clamp(min=0)
        return {k: v.to(device) for k, v in tensors.items()}


class HFClassifierModel:
    """A local sequence-classification RM (``num_labels == 1``); inputs are formatted by
    :class:`ClassifierInputs`."""

    def __init__(self, path: str, options: LocalOptions) -> None:
        transformers = require_transformers()
        import torch

        self.options = options
        self.folder = check_weights(path, options)
        self.device = resolve_device(options)
        self.tokenizer = load_pretrained(
            transformers.AutoTokenizer,
            str(self.folder),
            trust_remote_code=options.trust_remote_code,
        )
        self.model = (
            load_pretrained(
                transformers.AutoModelForSequenceClassification,
                str(self.folder),
                dtype=torch_dtype(options),
                use_safetensors=not options.allow_pickle,
                trust_remote_code=options.trust_remote_code,
            )
            .to(self.device)
            .eval()
        )
        if self.model.config.num_labels != 1:
            raise ConfigError(
                f"{path}: expected a reward model with one output "
                f"(num_labels=1), got {self.model.config.num_labels}"
            )
        self.inputs = ClassifierInputs(self.tokenizer, self.model, options, path)
        self.pad_id = self.inputs.pad_id
        self.max_length = self.inputs.max_length
        self.padding_side = self.inputs.padding_side
        self.template = self.inputs.template
        self.segments = self.inputs.segments
        self._torch = torch
        self._encoded = EncodedStore(self.encode)
        self._fingerprint = "hf/v1:" + "/".join(
            [
                folder_fingerprint(self.folder),
                options_fingerprint(options, ("max_length", "truncation_side", "dtype")),
                "template=" + hashlib.sha256((self.template or "").encode()).hexdigest()[:12],
            ]
        )

    def encode(self, prompt: Prompt, response: str) -> tuple[list[int], bool]:
        """Token ids of one input and whether it was truncated."""
        return self.inputs.encode(prompt, response)

    def token_lengths(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> LengthInfo:
        return self._encoded.lengths(prompts, responses)

    def batch_tensors(self, encoded: list[list[int]]) -> dict[str, Any]:
        """Pad to the batch's longest input on the configured side, with masks and positions."""
        return self.inputs.batch_tensors(encoded, self.device)

    def score(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        encoded = [self._encoded.take(p, r) for p, r in zip(prompts, responses, strict=True)]
        with self._torch.inference_mode():
            logits = self.model(**self.batch_tensors(encoded)).logits
        return np.asarray(logits[:, 0].float().cpu().numpy(), dtype=np.float64)

    def count_parameters(self) -> int:
        """Parameters that take part in every token's matmuls (embeddings excluded)."""
        embeddings = self.model.get_input_embeddings().weight.numel()
        return int(sum(p.numel() for p in self.model.parameters()) - embeddings)

    def fingerprint(self) -> str:
        return self._fingerprint


def from_spec(spec: ModelSpec) -> HFClassifierModel:
    """The classifier in the folder ``hf:DIR`` names."""
    return HFClassifierModel(spec.location, spec.options_as(LocalOptions))
