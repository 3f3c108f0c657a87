"""GPU smoke check of the ``hf`` trainer: LoRA and full fine-tuning of a Llama-style classifier.

Builds a randomly initialised Llama sequence classifier from a config (about 150M parameters by
default; no download) with the tiny byte-level BPE tokenizer of ``tests/tiny_models.py``, writes
synthetic preference pairs with a learnable signal (every chosen response contains a safety
sentence, every rejected one a sentence about a dog, amid random filler), and trains it through
``rewardkit.jobs.train.run_train`` (``trainer: hf``, ``dtype: auto`` = bf16 mixed precision on a
GPU) twice: with LoRA and with full fine-tuning. Prints one JSON object with, per mode: optimizer
steps, steps/s and training tokens/s (validation time excluded), peak GPU memory, the first and
last epoch's mean training loss, the validation accuracy per epoch, and the accuracy of the
saved folder reloaded as ``hf:OUT`` on the validation pairs.

Run it on a GPU (about 2 minutes on one H100)::

    python benchmarks/gpu_train_check.py --json gpu_train_check.json

or, tiny and on the CPU, to check it works::

    python benchmarks/gpu_train_check.py --cpu-smoke
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT / "src", ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from rewardkit.jobs.train import TRAINERS, run_train  # noqa: E402
from rewardkit.train.config import TrainConfig  # noqa: E402
from tiny_models import CORPUS, build_tokenizer  # noqa: E402

WORDS = " ".join(CORPUS).replace("\n", " ").split()
GOOD = "Safety first: never mix bleach and ammonia at home."
BAD = "The lazy dog sleeps."


@dataclass(frozen=True)
class Size:
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    intermediate: int


SIZES = {
    "gpu": Size(hidden=1024, layers=12, heads=16, kv_heads=8, intermediate=2816),
    "cpu": Size(hidden=64, layers=2, heads=4, kv_heads=2, intermediate=128),
}


def build_model(folder: Path, size: Size, seed: int) -> int:
    """A random Llama sequence classifier (one logit) saved to ``folder``; its parameter count."""
    from transformers import LlamaConfig, LlamaForSequenceClassification

    folder.mkdir(parents=True, exist_ok=True)
    tok = build_tokenizer(folder)
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=size.hidden,
        intermediate_size=size.intermediate,
        num_hidden_layers=size.layers,
        num_attention_heads=size.heads,
        num_key_value_heads=size.kv_heads,
        max_position_embeddings=2048,
        num_labels=1,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
    )
    torch.manual_seed(seed)
    model = LlamaForSequenceClassification(config)
    model.save_pretrained(str(folder))
    return sum(p.numel() for p in model.parameters())


def _filler(rng: np.random.Generator, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS, size=int(rng.integers(low, high))).tolist())


def write_pairs(path: Path, n: int, seed: int, words: tuple[int, int]) -> None:
    """``n`` pairs; the marker sentences sit at a random place inside random filler."""
    rng = np.random.default_rng(seed)
    lines = []
    for i in range(n):
        prompt = f"Question {i}: {_filler(rng, words[0] // 2, words[1] // 2)}?"
        responses = []
        for marker in (GOOD, BAD):
            head, tail = _filler(rng, 1, words[0]), _filler(rng, 1, words[1])
            responses.append(f"{head}. {marker} {tail}.")
        lines.append(
            json.dumps(
                {"id": str(i), "prompt": prompt, "chosen": responses[0], "rejected": responses[1]}
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class Meter:
    """Wraps the trainer's scorer: counts training tokens and times validation scoring."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.train_tokens = 0
        self.train_sequences = 0
        self.eval_seconds = 0.0
        self.scorer: Any = None

    def _sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    def wrap(self, factory: Any) -> Any:
        def build(*args: Any, **kwargs: Any) -> Any:
            scorer = factory(*args, **kwargs)
            score = scorer.score

            def measured(rows: np.ndarray) -> torch.Tensor:
                if scorer.module.training:
                    self.train_tokens += sum(len(scorer.encoded[int(i)]) for i in rows)
                    self.train_sequences += len(rows)
                    return score(rows)  # type: ignore[no-any-return]
                self._sync()
                started = time.perf_counter()
                out = score(rows)
                self._sync()
                self.eval_seconds += time.perf_counter() - started
                return out  # type: ignore[no-any-return]

            scorer.score = measured
            self.scorer = scorer
            return scorer

        return build


def reload_accuracy(out: Path, data: Path, config: TrainConfig, device: torch.device) -> float:
    """Accuracy of the saved folder, loaded as ``hf:OUT``, on the run's validation pairs."""
    from rewardkit.data.load import load_preferences
    from rewardkit.models import ModelOptions
    from rewardkit.models.hf_classifier import HFClassifierModel
    from rewardkit.train.examples import PairExamples, pair_examples, split_by_group

    examples = pair_examples(load_preferences(data).items)
    _, val = split_by_group(examples, config.validation_share, config.seed)
    assert isinstance(val, PairExamples)
    model = HFClassifierModel(  # what ``hf:OUT`` loads
        str(out),
        ModelOptions(
            device=str(device),
            dtype="bfloat16" if device.type == "cuda" else "float32",
            max_length=config.max_length,
        ),
    )
    prompts, responses = list(val.inputs.prompts), list(val.inputs.responses)
    scores = np.concatenate(
        [
            model.score(prompts[i : i + 64], responses[i : i + 64])
            for i in range(0, len(responses), 64)
        ]
    )
    rc, rr = scores[val.chosen], scores[val.rejected]
    return float(np.mean(np.where(rc > rr, 1.0, np.where(rc == rr, 0.5, 0.0))))


def run_mode(
    name: str, base: Path, data: Path, work: Path, config: TrainConfig, device: torch.device
) -> dict[str, Any]:
    original = TRAINERS.get("hf")
    meter = Meter(device)
    TRAINERS.register("hf", meter.wrap(original), replace=True)
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
    started = time.perf_counter()
    try:
        run = run_train(data, config, work / name, progress=False)
    finally:
        TRAINERS.register("hf", original, replace=True)
    wall = time.perf_counter() - started
    events = [json.loads(line) for line in (work / name / "train_log.jsonl").open()]
    epochs = [e for e in events if e["event"] == "epoch"]
    prepared = next(e["seconds"] for e in events if e["event"] == "prepared")
    steps = int(epochs[-1]["step"])
    train_seconds = sum(e["seconds"] for e in epochs) - meter.eval_seconds
    scorer = meter.scorer
    trainable = sum(p.numel() for p in scorer.module.parameters() if p.requires_grad)
    result: dict[str, Any] = {
        "mode": name.partition("-")[2],
        "lora_r": config.lora.r,
        "learning_rate": config.lr,
        "compute_dtype": str(scorer.dtype).removeprefix("torch."),
        "trainable_parameters": trainable,
        "n_train_pairs": run.n_train,
        "n_validation_pairs": run.n_validation,
        "steps": steps,
        "train_seconds": round(train_seconds, 3),
        "steps_per_second": round(steps / train_seconds, 3),
        "train_tokens": meter.train_tokens,
        "tokens_per_second": round(meter.train_tokens / train_seconds, 1),
        "mean_tokens_per_sequence": round(meter.train_tokens / max(1, meter.train_sequences), 1),
        "validation_seconds": round(meter.eval_seconds, 3),
        "prepare_seconds": prepared,
        "wall_seconds": round(wall, 3),
        "loss_first_epoch": round(run.history[0]["train_loss"], 5),
        "loss_last_epoch": round(run.history[-1]["train_loss"], 5),
        "train_loss_per_epoch": [h["train_loss"] for h in run.history],
        "val_accuracy_per_epoch": [h["val_accuracy"] for h in run.history],
        "best_epoch": run.best_epoch,
    }
    if device.type == "cuda":
        result["peak_memory_gib"] = round(torch.cuda.max_memory_allocated(device) / 2**30, 3)
    del meter.scorer, scorer
    result["hf_reload_val_accuracy"] = reload_accuracy(work / name, data, config, device)
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cpu-smoke", action="store_true", help="tiny model, few steps, CPU")
    parser.add_argument("--steps", type=int, default=None, help="optimizer steps per mode")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=None, help="pairs per step")
    parser.add_argument("--modes", default="lora,full", help="comma-separated: lora, full")
    parser.add_argument("--lora-r", type=int, default=16)
    parser.add_argument("--json", type=Path, default=None, help="also write the JSON here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    smoke = bool(args.cpu_smoke)
    if not smoke and not torch.cuda.is_available():
        parser.error("no CUDA device; use --cpu-smoke to check the script on a CPU")
    device = torch.device("cpu" if smoke else "cuda")
    size = SIZES["cpu" if smoke else "gpu"]
    steps = args.steps or (8 if smoke else 200)
    epochs = args.epochs or (2 if smoke else 4)
    batch = args.batch_size or (4 if smoke else 16)
    per_epoch = max(1, steps // epochs)
    n_train = per_epoch * batch
    n_pairs = round(n_train / 0.9)  # 10% of the prompts are held out for validation
    words = (4, 12) if smoke else (20, 80)

    report: dict[str, Any] = {
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
    }
    with tempfile.TemporaryDirectory(prefix="gpu-train-check-") as tmp:
        work = Path(tmp)
        report["parameters"] = build_model(work / "base", size, args.seed)
        report["model"] = {"llama": size.__dict__}
        data = work / "pairs.jsonl"
        write_pairs(data, n_pairs, args.seed, words)
        settings = {
            "lora": {"lora": {"r": args.lora_r, "alpha": 2 * args.lora_r}, "learning_rate": 1e-3},
            "full": {"lora": {"r": 0}, "learning_rate": 1e-4},
        }

        def config_for(mode: str, n_epochs: int) -> TrainConfig:
            return TrainConfig(
                trainer="hf",
                base=str(work / "base"),
                epochs=n_epochs,
                batch_size=batch,
                warmup_ratio=0.1,
                validation_share=0.1,
                patience=None,
                checkpoint_every=n_epochs,
                max_length=512,
                device=str(device),
                seed=args.seed,
                **settings[mode],  # type: ignore[arg-type]
            )

        # An untimed run first: CUDA context, cuBLAS handles and kernels load on first use,
        # which would otherwise be charged to whichever mode runs first.
        warm_data = work / "warmup.jsonl"
        write_pairs(warm_data, round(min(10, per_epoch) * batch / 0.9), args.seed + 1, words)
        started = time.perf_counter()
        run_train(warm_data, config_for("full", 1), work / "warmup", progress=False)
        report["warmup_seconds"] = round(time.perf_counter() - started, 3)
        results = []
        for i, mode in enumerate(args.modes.split(",")):
            config = config_for(mode, epochs)
            results.append(run_mode(f"{i}-{mode}", work / "base", data, work, config, device))
        report["runs"] = results
    text = json.dumps(report, indent=1)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
