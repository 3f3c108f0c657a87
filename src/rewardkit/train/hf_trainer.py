"""The ``hf`` trainer: fine-tune a Hugging Face sequence classifier into a reward model.

``base`` is a local model folder: a sequence classifier, or a causal LM that
``AutoModelForSequenceClassification`` gives a fresh one-logit ``score`` head (initialised
from ``seed``). ``lora.r > 0`` trains LoRA adapters (peft, task ``SEQ_CLS``, so the head is
trained too) on a frozen base; ``lora.r == 0`` fine-tunes every weight.

Inputs are rendered, tokenized and truncated once, up front, by the same
:class:`~rewardkit.models.hf_classifier.ClassifierInputs` that ``hf:`` scoring uses (chat
template when the tokenizer has one, else a text pair; left truncation to ``max_length``), and
each batch is padded to its longest input with explicit masks and position ids. A saved folder
(LoRA adapters merged into the weights, safetensors, with the tokenizer) therefore scores under
``hf:OUT`` exactly as it scored in training, given the same ``--max-length``.

Precision: ``dtype: auto`` is bfloat16 on a CUDA device that supports it, else float32.
bfloat16 is mixed precision: fully fine-tuned weights, LoRA adapters and the head stay float32
(the optimizer updates float32 values) and the forward pass runs under ``torch.autocast``; only
a LoRA run's frozen base is stored in bfloat16. float16 would need loss scaling, which the loop
does not do, so it is refused.

Several devices: launch with ``torchrun --nproc_per_node N -m rewardkit train ...`` (or
``accelerate launch``); each process takes the GPU of its ``LOCAL_RANK`` and a share of every
batch (see :mod:`rewardkit.train.distributed`).
"""

from __future__ import annotations

import contextlib
import copy
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.progress import track

from rewardkit.errors import ConfigError, MissingExtraError
from rewardkit.models.hf_classifier import ClassifierInputs
from rewardkit.models.hf_common import check_weights, load_pretrained, require_transformers
from rewardkit.models.options import LocalOptions
from rewardkit.scoring.progress import phase
from rewardkit.train.config import LoraOptions, TrainConfig
from rewardkit.train.examples import InputTable

SPEC_FILE = "model.yaml"  # hf:. with the training max_length (hf: alone defaults to 2048)


def train_device(config: TrainConfig) -> torch.device:
    """``auto`` is the first CUDA device when there is one, else the CPU.

    Example:
        >>> train_device(TrainConfig(trainer="hf", base="m", device="cpu"))
        device(type='cpu')
    """
    several = int(os.environ.get("WORLD_SIZE", "1") or 1) > 1
    if config.device in {"auto", "cuda"}:
        if not torch.cuda.is_available():
            if config.device == "cuda":
                raise ConfigError("device cuda: no CUDA device is available")
            return torch.device("cpu")
        # Under torchrun each process drives the GPU of its LOCAL_RANK (when a launcher
        # leaves each process one visible GPU, that is GPU 0).
        local = int(os.environ.get("LOCAL_RANK", "0")) if several else 0
        return torch.device("cuda", local if local < torch.cuda.device_count() else 0)
    if several and config.device.startswith("cuda:"):
        raise ConfigError(
            f"device {config.device} under torchrun would put every process on one GPU; "
            "use device auto or cuda (each process takes the GPU of its LOCAL_RANK)"
        )
    return torch.device(config.device)


def compute_dtype(config: TrainConfig, device: torch.device) -> torch.dtype:
    """The forward pass's precision: ``auto`` is bfloat16 on a CUDA device that supports it,
    else float32.

    Example:
        >>> compute_dtype(TrainConfig(trainer="hf", base="m"), torch.device("cpu"))
        torch.float32
    """
    if config.dtype == "float16":
        raise ConfigError(
            "dtype float16: training in float16 needs loss scaling, which this trainer does not "
            "do; use bfloat16 (or float32)"
        )
    if config.dtype == "auto":
        bf16 = device.type == "cuda" and torch.cuda.is_bf16_supported()
        return torch.bfloat16 if bf16 else torch.float32
    return torch.bfloat16 if config.dtype == "bfloat16" else torch.float32


def add_lora(model: Any, options: LoraOptions) -> Any:
    """Wrap ``model`` with LoRA adapters (peft, ``SEQ_CLS``: the score head stays trainable)
    and keep every trainable parameter in float32."""
    try:
        from peft import LoraConfig, TaskType, get_peft_model
    except ImportError as exc:
        raise MissingExtraError("peft", "train") from exc
    lora = LoraConfig(
        task_type=TaskType.SEQ_CLS,
        r=options.r,
        lora_alpha=options.alpha,
        lora_dropout=options.dropout,
        target_modules=list(options.target_modules) if options.target_modules else None,
    )
    try:
        with warnings.catch_warnings():  # peft probes a property transformers deprecates
            warnings.filterwarnings("ignore", "`is_gradient_checkpointing`", FutureWarning)
            wrapped = get_peft_model(model, lora)
    except ValueError as exc:
        raise ConfigError(f"LoRA: {exc} (set lora.target_modules)") from exc
    for param in wrapped.parameters():
        if param.requires_grad and param.dtype != torch.float32:
            param.data = param.data.float()
    return wrapped


class HFScorer:
    """Rewards of input-table rows from a (LoRA-wrapped) sequence classifier.

    Attributes:
        module: the model whose trainable parameters the loop optimises and checkpoints.
        encoded: token ids of every input-table row, after truncation.
        n_truncated: how many inputs were longer than ``max_length``.
    """

    def __init__(
        self,
        module: torch.nn.Module,
        tokenizer: Any,
        inputs: ClassifierInputs,
        encoded: list[list[int]],
        n_truncated: int,
        device: torch.device,
        dtype: torch.dtype,
    ) -> None:
        self.module = module
        self.tokenizer = tokenizer
        self.inputs = inputs
        self.encoded = encoded
        self.n_truncated = n_truncated
        self.device = device
        self.dtype = dtype
        self.lora = hasattr(module, "merge_and_unload")

    def _autocast(self) -> contextlib.AbstractContextManager[object]:
        if self.dtype == torch.float32:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self.dtype)

    def score(self, rows: np.ndarray) -> torch.Tensor:
        """Float32 rewards (1-D) of ``rows``; the batch is padded to its longest row."""
        tensors = self.inputs.batch_tensors([self.encoded[int(i)] for i in rows], self.device)
        with self._autocast():
            logits = self.module(**tensors).logits
        out: torch.Tensor = logits[:, 0].float()
        return out

    def save(self, folder: Path) -> None:
        """Write an ``hf:`` model folder: a plain sequence classifier (LoRA merged in a float32
        copy, so a bf16 base does not round the adapters' update, and training goes on with
        the adapters), safetensors weights and the tokenizer."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.lora:
            # On the CPU: a float32 copy of a large model beside the live one and its optimizer
            # state would not fit on the GPU.
            merged = copy.deepcopy(self.module).to("cpu").float().merge_and_unload()  # type: ignore[operator]
            merged.save_pretrained(str(folder))
            del merged
            if self.device.type == "cuda":
                torch.cuda.empty_cache()
        else:
            self.module.save_pretrained(str(folder))  # type: ignore[operator]
        self.tokenizer.save_pretrained(str(folder))
        (folder / SPEC_FILE).write_text(
            "# Score this model as it was trained: rewardkit eval --model OUT/model.yaml\n"
            f"model: hf:.\nmax_length: {self.inputs.max_length}\n"
        )


def encode_inputs(
    inputs: InputTable, formatter: ClassifierInputs, progress: bool = True
) -> tuple[list[list[int]], int]:
    """Token ids of every input (as ``hf:`` scoring encodes them) and the truncated count."""
    encoded: list[list[int]] = []
    truncated = 0
    pairs = zip(inputs.prompts, inputs.responses, strict=True)
    for prompt, response in track(
        pairs, total=len(inputs), description="tokenizing", disable=not progress, transient=True
    ):
        ids, cut = formatter.encode(prompt, response)
        encoded.append(ids)
        truncated += int(cut)
    return encoded, truncated


def build_scorer(
    inputs: InputTable, config: TrainConfig, cache: Any = None, progress: bool = True
) -> HFScorer:
    """Load ``config.base`` as a one-logit sequence classifier on the training device, add
    LoRA adapters when ``config.lora.r > 0``, and pre-tokenize every input. ``cache`` is not
    used (inputs are tokenized, not embedded)."""
    del cache
    transformers = require_transformers()
    assert config.base is not None  # TrainConfig requires it for the hf trainer
    folder = check_weights(config.base, LocalOptions())
    device = train_device(config)
    dtype = compute_dtype(config, device)
    lora = config.lora.r > 0
    torch.manual_seed(config.seed)  # a fresh score head starts from the seed
    with phase(f"loading {folder.name}", enabled=progress):
        tokenizer = load_pretrained(transformers.AutoTokenizer, str(folder))
        model = load_pretrained(
            transformers.AutoModelForSequenceClassification,
            str(folder),
            num_labels=1,
            dtype=dtype if lora else torch.float32,
            use_safetensors=True,
        )
    if model.config.num_labels != 1:
        raise ConfigError(f"{folder}: expected one output (num_labels=1)")
    formatter = ClassifierInputs(
        tokenizer, model, LocalOptions(max_length=config.max_length), str(folder)
    )
    model.config.use_cache = False
    if lora:
        model = add_lora(model, config.lora)
    model.to(device)
    encoded, truncated = encode_inputs(inputs, formatter, progress)
    return HFScorer(model, tokenizer, formatter, encoded, truncated, device, dtype)
