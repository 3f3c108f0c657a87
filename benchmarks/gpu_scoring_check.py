"""GPU check of the scoring engine on a realistic RM shape (issue 3's device benchmark).

Usage::

    python benchmarks/gpu_scoring_check.py --out result.json              # on a CUDA machine
    python benchmarks/gpu_scoring_check.py --cpu-smoke                   # tiny shapes, on CPU

Builds a Llama-style sequence classifier from a config with random weights (default ~1.1B
parameters: hidden 2048, 16 layers, 32 heads, 8 KV heads, MLP 5632; bf16) and a word-level
tokenizer (one token per word, so token counts are exact), saves it as an ``hf:`` folder and
scores synthetic pairs with realistic, widely varying lengths:

- naive: dataset order, chosen then rejected pass, each batch padded to its longest input;
- engine: ``score_items`` cold (length-sorted, token-budgeted batches, fresh cache) and warm;
- tokens/s, padding efficiency, and model FLOP utilisation = model FLOPs of the real tokens
  (2 x non-embedding parameters per token + attention QK^T and AV) / time / peak, against both
  the bf16 GEMM FLOP/s measured in the same run and the card's nominal dense bf16 peak.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from rewardkit.data import PreferenceItem
from rewardkit.models import ModelOptions, load_model
from rewardkit.scoring import ScoreCache, score_items

NOMINAL_BF16_PEAK = {"H100": 989.4e12, "H200": 989.4e12, "A100": 312e12}


def build_model(folder: Path, shape: dict[str, int], vocab_words: int, dtype: torch.dtype) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForSequenceClassification, PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3}
    vocab.update({f"w{i}": i + 4 for i in range(vocab_words)})
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
    )
    fast.save_pretrained(str(folder))
    config = LlamaConfig(
        vocab_size=len(vocab),
        max_position_embeddings=4096,
        num_labels=1,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        **shape,
    )
    torch.manual_seed(0)
    with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
        model = LlamaForSequenceClassification(config).to(dtype)
    model.save_pretrained(str(folder))


def make_items(n: int, vocab_words: int, seed: int, scale: float) -> list[PreferenceItem]:
    """Prompts ~ lognormal (median ~150 words), responses ~ lognormal (median ~200 words)."""
    rng = np.random.default_rng(seed)

    def text(median: float) -> str:
        length = int(np.clip(rng.lognormal(np.log(median * scale), 0.7), 4, 1500 * scale))
        return " ".join(f"w{i}" for i in rng.integers(0, vocab_words, size=length))

    return [
        PreferenceItem(id=str(i), prompt=text(150), chosen=(text(200),), rejected=(text(200),))
        for i in range(n)
    ]


def model_flops(params: int, layers: int, hidden: int, lengths: np.ndarray) -> float:
    attention = 4.0 * layers * hidden * float((lengths.astype(np.float64) ** 2).sum())
    return 2.0 * params * float(lengths.sum()) + attention


def gemm_flops(device: str, dtype: torch.dtype, n: int) -> float:
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    best = float("inf")
    for i in range(8):
        sync(device)
        t0 = time.perf_counter()
        a @ b
        sync(device)
        if i >= 2:
            best = min(best, time.perf_counter() - t0)
    return 2.0 * n**3 / best


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def naive(
    model: object, items: list[PreferenceItem], batch_size: int, device: str
) -> dict[str, float]:
    real = padded = 0
    sync(device)
    t0 = time.perf_counter()
    for side in ("chosen", "rejected"):
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            encoded = [model.encode(it.prompt, getattr(it, side)[0])[0] for it in batch]  # type: ignore[attr-defined]
            lengths = [len(e) for e in encoded]
            real += sum(lengths)
            padded += max(lengths) * len(lengths)
            tensors = model.batch_tensors(encoded)  # type: ignore[attr-defined]
            with torch.inference_mode():
                model.model(**tensors).logits.float().cpu()  # type: ignore[attr-defined]
    sync(device)
    return {"seconds": time.perf_counter() - t0, "padding_efficiency": real / padded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=65536)
    parser.add_argument("--cpu-smoke", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    device = "cpu" if args.cpu_smoke else "cuda"
    dtype = torch.float32 if args.cpu_smoke else torch.bfloat16
    if args.cpu_smoke:
        shape = dict(
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
        )
        pairs, scale, vocab_words = min(args.pairs, 24), 0.1, 500
    else:
        shape = dict(
            hidden_size=2048,
            intermediate_size=5632,
            num_hidden_layers=16,
            num_attention_heads=32,
            num_key_value_heads=8,
        )
        pairs, scale, vocab_words = args.pairs, 1.0, 32000
    result: dict[str, object] = {"device": device, "shape": shape, "pairs": pairs}
    if device == "cuda":
        result["gpu"] = torch.cuda.get_device_name(0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "rm"
        t0 = time.perf_counter()
        build_model(folder, shape, vocab_words, dtype)
        result["build_seconds"] = round(time.perf_counter() - t0, 2)
        options = ModelOptions(
            device=device,
            dtype="bfloat16" if dtype == torch.bfloat16 else "float32",
            max_length=4096,
        )
        model = load_model(f"hf:{folder}", options)
        params = model.count_parameters()  # type: ignore[union-attr]
        items = make_items(pairs, vocab_words, 0, scale)
        # Warm up kernels on a few batches (not timed).
        score_items(model, items[:8], batch_size=args.batch_size, progress=False)
        lengths = np.array(
            [len(model.encode(it.prompt, r)[0]) for it in items for r in it.responses]  # type: ignore[union-attr]
        )
        flops = model_flops(params, shape["num_hidden_layers"], shape["hidden_size"], lengths)
        base = naive(model, items, args.batch_size, device)
        with ScoreCache(Path(tmp) / "cache.sqlite") as cache:
            sync(device)
            t0 = time.perf_counter()
            cold = score_items(
                model,
                items,
                batch_size=args.batch_size,
                max_tokens=args.max_tokens,
                cache=cache,
                progress=False,
            )
            sync(device)
            engine_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            warm = score_items(
                model, items, batch_size=args.batch_size, cache=cache, progress=False
            )
            warm_s = time.perf_counter() - t0
        assert np.array_equal(cold.scores, warm.scores)
        gemm = gemm_flops(device, dtype, 8192 if device == "cuda" else 512)
        name = str(result.get("gpu", ""))
        nominal = next((v for k, v in NOMINAL_BF16_PEAK.items() if k in name), None)
        tokens = float(lengths.sum())
        result.update(
            {
                "non_embedding_params": params,
                "inputs": int(lengths.size),
                "tokens": int(tokens),
                "mean_tokens_per_input": round(tokens / lengths.size, 1),
                "max_tokens_per_input": int(lengths.max()),
                "naive_seconds": round(base["seconds"], 3),
                "naive_padding_efficiency": round(base["padding_efficiency"], 3),
                "engine_seconds": round(engine_s, 3),
                "engine_padding_efficiency": round(cold.report.padding_efficiency, 3)
                if hasattr(cold.report, "padding_efficiency")
                else None,
                "speedup_vs_naive": round(base["seconds"] / engine_s, 2),
                "engine_tokens_per_second": round(tokens / engine_s),
                "naive_tokens_per_second": round(tokens / base["seconds"]),
                "warm_seconds": round(warm_s, 4),
                "warm_speedup": round(engine_s / warm_s, 1),
                "gemm_tflops_measured": round(gemm / 1e12, 1),
                "engine_utilisation_vs_measured_gemm": round(flops / engine_s / gemm, 3),
                "naive_utilisation_vs_measured_gemm": round(flops / base["seconds"] / gemm, 3),
                "nominal_bf16_peak_tflops": None if nominal is None else nominal / 1e12,
                "engine_fraction_of_nominal_peak": None
                if nominal is None
                else round(flops / engine_s / nominal, 3),
                "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2)
                if device == "cuda"
                else None,
            }
        )
    text = json.dumps(result, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
